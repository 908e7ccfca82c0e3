"""Scoring at volume gives the same answers: the bulk TF-IDF transform equals scikit-learn's, the set-based topic
matching equals matching at every position, and the nightly step's result does not depend on its chunk size, on
how many processes score, or on a stop part-way."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ingestion.warehouse import opened
from ml.sentiment import corpus, warehouse
from ml.sentiment.features import zh_model_text
from ml.sentiment.model import load_or_train
from ml.sentiment.text import to_simplified
from ml.sentiment.topics import PREFIX_KEY, load_lexicon
from ml.sentiment.vectorise import tfidf_transform

EDGE_TEXTS = ["", "a", "  ab\t\tc  ", "\x00x", "😀好", "ＡＢＣ", "不好不好不好", "not  good", "N/A", "这个deadline太赶了",
              "Internal movement, internal mov", "co-worker coworkers", "performance reviews", "加班 OT 996"]


@pytest.fixture(scope="module")
def model():
    return load_or_train(Path(os.environ["TRM_SENTIMENT_MODEL_DIR"]))


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    rng = np.random.default_rng(3)
    en, zh = corpus.load_english()["text"].to_numpy(), corpus.load_chinese()["text"].to_numpy()
    return {"en": [*rng.choice(en, 3000, replace=False), *EDGE_TEXTS],
            "zh": [*rng.choice(zh, 3000, replace=False), *EDGE_TEXTS]}


def _matrix_differences(a, b) -> list[str]:
    """What differs between two sparse matrices (shape, type, structure, values); empty when identical."""
    a, b = a.tocsr(), b.tocsr()
    if a.shape != b.shape or a.dtype != b.dtype:
        return [f"shape/type {a.shape} {a.dtype} vs {b.shape} {b.dtype}"]
    return [name for name, x, y in (("indptr", a.indptr, b.indptr), ("indices", a.indices, b.indices),
                                    ("data", a.data, b.data)) if not np.array_equal(x, y)]


def test_the_bulk_tfidf_transform_equals_scikit_learns(model, texts):
    """Word n-grams (English, through the analyzer) and character n-grams as numbers (Chinese), exactly."""
    words, chars = model.en.features.words, model.zh.features.chars
    assert _matrix_differences(words.transform(texts["en"]), tfidf_transform(words, texts["en"])) == []
    prepared = [zh_model_text(t) for t in texts["zh"]]
    assert _matrix_differences(chars.transform(prepared), tfidf_transform(chars, prepared)) == []


def test_the_faster_vader_scores_exactly_like_the_library(texts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from ml.sentiment.features import _Vader

    sample = texts["en"] + texts["zh"][:500] + ["never so good", "never this bad", "without doubt great", "not bad",
                                                "I can't say it was good", "NOT GOOD at all", "no no good", "kinda ok"]
    stock, faster = SentimentIntensityAnalyzer(), _Vader()
    assert [faster.polarity_scores(t) for t in sample] == [stock.polarity_scores(t) for t in sample]


_TOKEN = re.compile(r"[a-z0-9]+")


def _match_at_every_position(lexicon, text: str) -> list[str]:
    """The reference: every token n-gram of every position looked up (what topics.py did before the set version)."""
    norm = to_simplified(unicodedata.normalize("NFKC", text).lower())
    found: set[str] = set()
    tokens = _TOKEN.findall(norm)
    for i in range(len(tokens)):
        for n in range(1, min(lexicon.max_tokens, len(tokens) - i) + 1):
            gram = tuple(tokens[i:i + n])
            found |= lexicon.exact.get(gram, frozenset())
            for pfx, topics in lexicon.prefix.get((gram[:-1], gram[-1][:PREFIX_KEY]), ()):
                if gram[-1].startswith(pfx):
                    found |= topics
    for term, topics in lexicon.substrings.items():
        if term in norm:
            found |= topics
    return [k for k in lexicon.keys if k in found]


def test_topic_matching_equals_matching_at_every_position(texts):
    lexicon = load_lexicon()
    sample = texts["en"] + texts["zh"]
    expected = [_match_at_every_position(lexicon, t) for t in sample]
    assert [lexicon.match(t) for t in sample] == expected
    assert sum(map(bool, expected)) > 200  # the sample does exercise the lexicon


def _warehouse_with_messages(path: Path, texts: list[str]) -> None:
    frame = pd.DataFrame({"im_message_id": [f"m{i:05d}" for i in range(len(texts))], "platform": "wecom",
                          "message_id": [str(i) for i in range(len(texts))], "message_text": texts})
    with opened(path) as con:
        con.register("messages", frame)
        con.execute("create table main.stg_im__messages as select * from messages")


def _scores(path: Path) -> pd.DataFrame:
    with opened(path, read_only=True) as con:
        return con.execute("select * exclude (scored_at) from ml.message_sentiment order by im_message_id").df()


class _Log:
    def info(self, message: str) -> None:
        pass


def test_scoring_in_chunks_and_processes_and_after_a_stop_gives_the_same_rows(model, texts, tmp_path, monkeypatch):
    model_dir = Path(os.environ["TRM_SENTIMENT_MODEL_DIR"])
    sample = texts["en"][:700] + texts["zh"][:700]
    whole, split = tmp_path / "whole.duckdb", tmp_path / "split.duckdb"
    for path in (whole, split):
        _warehouse_with_messages(path, sample)
    result = warehouse.score_new(whole, model_dir, warehouse.MESSAGES, _Log(), workers=1, chunk_rows=100_000)
    assert result.scored == len(sample)
    # A stop after two chunks: what was committed stays, the next run scores the rest, in two processes.
    real_append, calls = warehouse._append, []

    def stop_after_two(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt("stopped")
        calls.append(1)
        real_append(*args, **kwargs)

    monkeypatch.setattr(warehouse, "_append", stop_after_two)
    with pytest.raises(KeyboardInterrupt):
        warehouse.score_new(split, model_dir, warehouse.MESSAGES, _Log(), workers=1, chunk_rows=300)
    assert len(_scores(split)) == 600
    monkeypatch.setattr(warehouse, "_append", real_append)
    monkeypatch.setattr(warehouse, "PARALLEL_MIN_TEXTS", 0)
    rest = warehouse.score_new(split, model_dir, warehouse.MESSAGES, _Log(), workers=2, chunk_rows=250)
    assert rest.scored == result.scored - 600
    pd.testing.assert_frame_equal(_scores(whole), _scores(split))
    assert warehouse.score_new(split, model_dir, warehouse.MESSAGES, _Log(), workers=2).scored == 0  # a rerun
