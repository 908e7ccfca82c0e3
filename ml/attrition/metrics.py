"""Metrics for out-of-fold attrition scores, overall and by gender and age band.

ROC AUC says how well leavers are ranked above stayers regardless of the base rate; PR AUC (average precision)
and top-decile lift say how useful the top of the list is when leavers are rare; the Brier score says whether
the probabilities themselves can be trusted (it is only meaningful after calibration).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from .columns import (
    MISSING_CATEGORY,
    clean_text,
    has_word,
    is_birth_column,
    name_words,
    to_date,
    to_number,
    years_before,
)

MIN_SLICE_ROWS = 30
MIN_SLICE_CLASS = 5  # ranking metrics of a group with 1-4 leavers (or stayers) are noise, not findings
AGE_BINS = (-np.inf, 25, 35, 45, 55, np.inf)
AGE_LABELS = ("<25", "25-34", "35-44", "45-54", "55+")


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def top_decile_lift(y: np.ndarray, scores: np.ndarray, fraction: float = 0.1) -> float | None:
    """Positive rate among the highest-scored ``fraction`` of rows divided by the overall positive rate.
    Ties are broken by row order (stable sort), so the figure is deterministic."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0 or y.mean() == 0:
        return None
    k = max(1, math.ceil(fraction * len(y)))
    top = np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def binary_metrics(y: np.ndarray, scores: np.ndarray) -> dict:
    """n, positives, base rate, ROC AUC, PR AUC, Brier score (and its no-skill reference), top-decile lift."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    base = float(y.mean()) if len(y) else float("nan")
    both = 0 < y.sum() < len(y)
    return {
        "n_rows": int(len(y)),
        "n_positives": int(y.sum()),
        "base_rate": _round(base),
        "roc_auc": _round(roc_auc_score(y, scores)) if both else None,
        "pr_auc": _round(average_precision_score(y, scores)) if both else None,
        "brier": _round(brier_score_loss(y, scores, labels=[0, 1])) if len(y) else None,
        "brier_no_skill": _round(base * (1 - base)),  # Brier of always predicting the base rate
        "top_decile_lift": _round(top_decile_lift(y, scores)),
        "mean_score": _round(scores.mean()) if len(y) else None,
    }


def summarize_folds(fold_metrics: list[dict], keys: tuple[str, ...] = ("roc_auc", "pr_auc", "brier")) -> dict:
    out = {}
    for key in keys:
        values = [m[key] for m in fold_metrics if m.get(key) is not None]
        out[key] = {"mean": _round(np.mean(values)) if values else None,
                    "std": _round(np.std(values)) if values else None}
    return out


def age_band(ages: pd.Series) -> pd.Series:
    """Ages in years → "<25", "25-34", ... ; implausible ages (< 14, > 100) become missing."""
    ages = ages.where(ages.between(14, 100))
    return pd.cut(ages, AGE_BINS, labels=AGE_LABELS, right=False).astype(object)


def _first(frame: pd.DataFrame, test: object) -> str | None:
    # Prefer a plain "Gender"/"Age" over "GenderID"/"AgeCode"-style columns.
    hits = [c for c in frame.columns if test(c)]
    plain = [c for c in hits if not {"id", "code"} & set(name_words(c))]
    return (plain or hits or [None])[0]


def slice_columns(frame: pd.DataFrame, reference: pd.Series | pd.Timestamp | None = None) -> dict[str, dict]:
    """Gender and age-band groupings found by column name: {"gender": {"column": ..., "groups": Series}, ...}.
    Age comes from an age column (binned unless already banded text) or from a birth date at ``reference``
    (a per-row as-of date or one date; today when absent)."""
    found: dict[str, dict] = {}
    gender = _first(frame, lambda c: has_word(c, frozenset({"gender", "sex"}), ("性别",)))
    if gender is not None:
        found["gender"] = {"column": str(gender), "groups": clean_text(frame[gender])}
    age = _first(frame, lambda c: has_word(c, frozenset({"age"}), ("年龄",)))
    birth = _first(frame, is_birth_column)
    if age is not None:
        numbers = to_number(frame[age])
        groups = age_band(numbers) if numbers.notna().mean() > 0.9 else clean_text(frame[age])
        found["age_band"] = {"column": str(age), "groups": groups}
    elif birth is not None:
        ref = pd.Timestamp.today().normalize() if reference is None else reference
        years = to_number(frame[birth])
        if years.notna().mean() > 0.9 and years.dropna().between(1900, 2100).all():  # a birth year
            ages = (ref.dt.year if isinstance(ref, pd.Series) else ref.year) - years
        else:
            ages = years_before(to_date(frame[birth], past=True), ref)
        found["age_band"] = {"column": str(birth), "groups": age_band(ages)}
    return found


def slice_metrics(y: np.ndarray, scores: np.ndarray, groups: pd.Series, min_rows: int = MIN_SLICE_ROWS) -> dict:
    """Metrics per group. Groups with fewer than ``min_rows`` rows are suppressed without their size (a small
    count next to a rate can identify people); groups without positives are suppressed; groups with fewer than
    ``MIN_SLICE_CLASS`` positives or negatives get counts, Brier and calibration but no ranking metrics."""
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=float)
    labels = pd.Series(groups).fillna(MISSING_CATEGORY).astype(str).to_numpy()
    out = {}
    for group in sorted(set(labels)):
        mask = labels == group
        if mask.sum() < min_rows:
            out[group] = {"suppressed": True, "reason": f"fewer than {min_rows} rows"}
            continue
        metrics = binary_metrics(y[mask], scores[mask])
        if metrics["n_positives"] == 0:
            metrics = {"suppressed": True, "reason": "no positive labels", "n_rows": metrics["n_rows"]}
        elif min(metrics["n_positives"], metrics["n_rows"] - metrics["n_positives"]) < MIN_SLICE_CLASS:
            metrics.update(roc_auc=None, pr_auc=None, top_decile_lift=None,
                           note=f"fewer than {MIN_SLICE_CLASS} rows in a class: no ranking metrics")
        out[group] = metrics
    return out
