"""Sentiment, score, language and topics of a batch of texts: what the nightly step stores per text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def score_frame(texts: pd.Series, model_path: Path) -> pd.DataFrame:
    """Sentiment, score, language and ';'-joined topics for each text (index kept)."""
    from ml.sentiment.model import get_model
    from ml.sentiment.topics import tag_topics

    model = get_model(model_path)
    scored = model.score(list(texts)).set_index(texts.index)
    scored["topics"] = [";".join(t) for t in tag_topics(list(texts))]
    scored["model_version"] = str(model.meta.get("model_version", ""))
    scored["scored_at"] = pd.Timestamp.now(tz="UTC")
    return scored
