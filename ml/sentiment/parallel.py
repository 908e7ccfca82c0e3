"""Scoring texts in several processes: the model and topic tagging are pure Python per text, so threads do not help.

``Scorer(model_dir, workers)`` scores in the calling process when ``workers`` is 1, otherwise in a pool of worker
processes started once per scoring step (each loads the cached model), a chunk split into one part per worker.
Workers are spawned, not forked: the parent holds a DuckDB connection with its own threads, and a fork copies
their locks in whatever state they are.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

import numpy as np
import pandas as pd

from ml.sentiment.scoring import score_frame

_MODEL_DIR: Path | None = None


def _load(model_dir: Path) -> None:
    """Worker initialiser: load the model once per process."""
    global _MODEL_DIR
    from ml.sentiment.model import get_model

    _MODEL_DIR = model_dir
    get_model(model_dir)


def _score_part(texts: pd.Series) -> pd.DataFrame:
    assert _MODEL_DIR is not None, "worker started without its initialiser"
    return score_frame(texts, _MODEL_DIR)


class Scorer:
    """Scores chunks of texts (a pd.Series; the index is kept) in ``workers`` processes."""

    def __init__(self, model_dir: Path, workers: int = 1) -> None:
        self.model_dir = Path(model_dir)
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Scorer:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_load, initargs=(self.model_dir,))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def score(self, texts: pd.Series) -> pd.DataFrame:
        if self._pool is None or len(texts) < 2 * self.workers:
            return score_frame(texts, self.model_dir)
        parts = [texts.iloc[i] for i in np.array_split(np.arange(len(texts)), self.workers)]
        return pd.concat(list(self._pool.map(_score_part, parts)))
