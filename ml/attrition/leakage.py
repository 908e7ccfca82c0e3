"""Label-leakage screen: columns that alone predict the label almost perfectly, or are filled in (or empty)
almost only for leavers, were most likely recorded *because* the person left (termination date, exit reason,
employment status). A model using them looks perfect in validation and is useless before the resignation.

Each column is scored on its own: numbers and dates by ranking rows on the value (missing values placed first,
then last; the better ranking counts), categories by an out-of-fold, smoothed positive rate per category (so a
many-valued column cannot look predictive by memorising rows). A leak that is neither monotone in a number nor
carried by categories (say, only mid-range values for leavers) is not caught.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.model_selection import StratifiedKFold

from .columns import LEAK_CJK, LEAK_WORDS, MISSING_CATEGORY, has_word
from .preprocess import DroppedColumn, FeaturePlan

AUC_LEAK = 0.97  # one column alone ranking leavers this well is not a behavioural signal
AUC_LEAK_BY_NAME = 0.90  # ... lower for names like "termination_date", "exit_reason", "status"
PRESENCE_PURITY = 0.95  # rows where the column is filled (or empty) are this pure in leavers ...
PRESENCE_COVERAGE = 0.5  # ... and hold at least this share of all leavers
FOLDS = 3


@dataclass(frozen=True)
class LeakFinding:
    column: str
    auc: float
    detail: str


def _cross_fitted_rate(values: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    out = np.empty(len(y), dtype=float)
    prior, strength = y.mean(), 10.0  # shrink small categories towards the base rate
    for train, test in folds:
        stats = pd.DataFrame({"v": values[train], "y": y[train]}).groupby("v")["y"].agg(["sum", "count"])
        rate = (stats["sum"] + prior * strength) / (stats["count"] + strength)
        out[test] = pd.Series(values[test]).map(rate).fillna(prior).to_numpy()
    return out


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the rank-sum formula (ties get half credit); cheap enough to run on every column."""
    ranks = rankdata(score)
    n_pos = y.sum()
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (len(y) - n_pos)))


def _presence_leak(missing: np.ndarray, y: np.ndarray) -> str | None:
    positives = y.sum()
    for mask, what in ((~missing, "filled in"), (missing, "empty")):
        n = mask.sum()
        if n and y[mask].mean() >= PRESENCE_PURITY and y[mask].sum() >= PRESENCE_COVERAGE * positives:
            return (f"{what} almost only for positive labels ({y[mask].mean():.0%} of the {n} rows where it is "
                    f"{what} are positive)")
    return None


def screen_leakage(prepared: pd.DataFrame, y: np.ndarray, plan: FeaturePlan,
                   random_state: int = 0) -> list[LeakFinding]:
    """Columns of ``prepared`` (``TablePreparer`` output) that leak the 0/1 label ``y``."""
    y = np.asarray(y, dtype=int)
    if min(y.sum(), len(y) - y.sum()) < FOLDS:
        return []
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y))
    findings = []
    for name in plan.features:
        values = prepared[name]
        if name in plan.categorical:
            missing = (values == MISSING_CATEGORY).to_numpy()
            aucs = [_auc(y, _cross_fitted_rate(values.to_numpy(dtype=object).astype(str), y, folds))]
        else:
            missing = values.isna().to_numpy()
            number = values.to_numpy(dtype=float)
            aucs = [_auc(y, np.where(missing, edge, number)) for edge in (-np.inf, np.inf)]
        auc = max(max(a, 1 - a) for a in aucs)
        presence = _presence_leak(missing, y)
        threshold = AUC_LEAK_BY_NAME if has_word(name, LEAK_WORDS, LEAK_CJK) else AUC_LEAK
        if presence:
            findings.append(LeakFinding(name, auc, presence))
        elif auc >= threshold:
            findings.append(LeakFinding(name, auc, f"alone it predicts the label with ROC AUC {auc:.3f}; "
                                                   "probably recorded after the outcome"))
    return findings


def leakage_drops(findings: list[LeakFinding]) -> list[DroppedColumn]:
    return [DroppedColumn(f.column, "leakage", f.detail) for f in findings]
