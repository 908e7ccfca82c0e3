"""Sentiment (positive / neutral / negative + a score in [-1, 1]) and topic tags for Chinese and English text.

    from ml.sentiment import score_texts, tag_topics
    score_texts(["加班太多了", "Great team!"])   # DataFrame: sentiment, sentiment_score, language
    tag_topics(["加班太多了"])                   # [["workload", "work_life_balance"]]

See ml/sentiment/README.md for the corpora, licences, figures and how to edit the topic lexicon.
"""

from .model import SentimentModel, load_or_train, score_texts
from .topics import tag_topics

__all__ = ["SentimentModel", "load_or_train", "score_texts", "tag_topics"]
