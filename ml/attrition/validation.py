"""Validation splits.

* ``time_based_split`` — one train/validation split of a snapshot panel (one row per person per snapshot date,
  label = "left within ``horizon_months`` after the snapshot"). A training row's label looks ``horizon_months``
  into the future, so training rows must have ``snapshot + horizon <= validation start``: otherwise their labels
  would contain the very resignations the validation period is meant to predict. Rows in that gap are unused.
* ``cv_splits`` — the cross-validation folds used by model selection: stratified K-fold by default, stratified
  group K-fold with a group column (all rows of one person in one fold), forward-chaining folds with the same gap
  rule when a time column is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .columns import to_date

Split = tuple[np.ndarray, np.ndarray]


class ValidationError(ValueError):
    """The data cannot be split as asked."""


@dataclass(frozen=True)
class TimeSplit:
    train_index: np.ndarray  # positions (not labels) into the input
    validation_index: np.ndarray
    train_window: tuple[str, str]  # first and last snapshot used for training (ISO dates)
    validation_window: tuple[str, str]
    horizon_months: int
    gap_rows: int  # rows left out because their label window reaches into the validation period


def time_text(value: object) -> str:
    """A time value for reports: ISO date for timestamps, the number otherwise."""
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date().isoformat()
    return f"{value:g}" if isinstance(value, float | np.floating) else str(value)


def _label_end(times: pd.Series, horizon_months: int) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(times):
        return times + pd.DateOffset(months=horizon_months)
    return times + horizon_months  # numeric periods: the horizon is in the column's own units


def time_based_split(snapshots: pd.Series, horizon_months: int, *, validation_start: object = None,
                     validation_snapshots: int = 1, labels_known_until: object = None) -> TimeSplit:
    """Train on earlier snapshots, validate on later ones, with a gap of ``horizon_months``.

    ``validation_start`` defaults to the ``validation_snapshots``-th latest snapshot whose label is already
    known (``snapshot + horizon <= labels_known_until`` when that date is given; later snapshots have
    incomplete labels and are used for neither training nor validation)."""
    times = to_date(snapshots).reset_index(drop=True)
    if times.isna().any():
        raise ValidationError(f"{int(times.isna().sum())} snapshot value(s) are not dates")
    label_end = _label_end(times, horizon_months)
    complete = (label_end <= pd.Timestamp(labels_known_until)) if labels_known_until is not None else \
        pd.Series(True, index=times.index)
    usable = np.sort(times[complete].unique())
    if validation_start is None:
        if len(usable) < validation_snapshots + 1:
            raise ValidationError(f"need more than {validation_snapshots} snapshot date(s) with known labels, "
                                  f"found {len(usable)}")
        validation_start = usable[-validation_snapshots]
    start = pd.Timestamp(validation_start)
    validation = (times >= start) & complete
    train = (times < start) & (label_end <= start)
    if not train.any() or not validation.any():
        raise ValidationError(f"no training rows whose {horizon_months}-month label window ends by {start.date()} "
                              "or no validation rows after it; use a longer history or a later validation start")
    gap = ~train & (times < start)

    def window(mask: pd.Series) -> tuple[str, str]:
        return time_text(times[mask].min()), time_text(times[mask].max())

    return TimeSplit(np.flatnonzero(train), np.flatnonzero(validation), window(train), window(validation),
                     horizon_months, int(gap.sum()))


def forward_chaining_splits(times: pd.Series, n_splits: int, horizon_months: int = 0) -> list[Split]:
    """Distinct times in ``n_splits + 1`` consecutive blocks; fold k validates on block k+1 and trains on every
    earlier row whose label window ends by the block's first time."""
    times = times.reset_index(drop=True)
    distinct = np.sort(times.dropna().unique())
    if len(distinct) < 3:
        raise ValidationError(f"the time column needs at least 3 distinct values, found {len(distinct)}")
    blocks = np.array_split(distinct, min(n_splits + 1, len(distinct)))
    label_end = _label_end(times, horizon_months)
    splits = []
    for block in blocks[1:]:
        validate = np.flatnonzero(times.isin(block).to_numpy())
        train = np.flatnonzero(((times < block[0]) & (label_end <= block[0])).to_numpy())
        if len(train) and len(validate):
            splits.append((train, validate))
    return splits


def cv_splits(y: np.ndarray, n_splits: int, *, times: pd.Series | None = None, groups: pd.Series | None = None,
              horizon_months: int = 0, random_state: int = 0) -> tuple[str, list[Split]]:
    """(scheme name, folds). Time beats groups: training on a person's earlier snapshots is what deployment
    does, so only the time order has to be respected then."""
    y = np.asarray(y)
    if times is not None:
        splits = forward_chaining_splits(times, n_splits, horizon_months)
        return "forward_chaining_by_time", [(tr, va) for tr, va in splits if len(np.unique(y[tr])) == 2]
    if groups is not None:
        codes = pd.factorize(groups.astype(str), use_na_sentinel=False)[0]
        if codes.max() + 1 < n_splits:
            raise ValidationError(f"the group column has {codes.max() + 1} distinct values; {n_splits} folds need "
                                  "at least as many")
        cv = StratifiedGroupKFold(n_splits, shuffle=True, random_state=random_state)
        return "stratified_group_kfold", list(cv.split(np.zeros(len(y)), y, codes))
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    return "stratified_kfold", list(cv.split(np.zeros(len(y)), y))
