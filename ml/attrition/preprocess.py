"""Column profiling (what each column of an unknown feature table is, and which ones must not be used) and the
first pipeline step, ``TablePreparer``, that turns raw table columns into typed model inputs.

Profiling uses no label: it can run on the whole table before cross-validation without leaking. The label-aware
leakage screen lives in ``leakage.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from .columns import (
    MISSING_CATEGORY,
    PII_CJK,
    PII_WORDS,
    as_time,
    clean_text,
    date_like_share,
    has_word,
    is_birth_column,
    looks_like_id_column,
    looks_like_person_name_column,
    to_date,
    to_number,
    years_before,
)

NUMERIC_TEXT_SHARE = 0.9  # text columns become numeric when this share parses (the rest: 'unknown' → NaN)
DATE_SHARE = 0.9  # ... and dates when this share looks like and parses as a date
HIGH_CARDINALITY_SHARE = 0.5  # text with more distinct values than this share of rows describes nobody
FREE_TEXT_LENGTH = 40  # mean characters above which a varied text column is free text, not a category
CODE_MAX_LEVELS = 30  # integer "...ID"/"...Code" columns with few values are category codes


@dataclass(frozen=True)
class DroppedColumn:
    column: str
    reason: str  # excluded | all_missing | constant | id_like | personal_identifier | high_cardinality |
    #              free_text | leakage
    detail: str


@dataclass(frozen=True)
class FeaturePlan:
    """Which raw columns feed the model and how; everything else is listed in ``dropped`` with a reason."""

    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    dropped: tuple[DroppedColumn, ...] = ()
    reference_column: str | None = None  # per-row as-of date for date features (e.g. the snapshot date)
    reference_date: str | None = None  # fixed as-of date (ISO) when there is no reference column
    min_frequency: int = 5  # categories rarer than this are grouped as "infrequent"
    max_categories: int = 30

    @property
    def features(self) -> list[str]:
        return [*self.numeric, *self.dates, *self.categorical]

    def without(self, drops: Iterable[DroppedColumn]) -> FeaturePlan:
        drops = list(drops)
        gone = {d.column for d in drops}
        return replace(self, numeric=tuple(c for c in self.numeric if c not in gone),
                       categorical=tuple(c for c in self.categorical if c not in gone),
                       dates=tuple(c for c in self.dates if c not in gone), dropped=(*self.dropped, *drops))

    def to_dict(self) -> dict:
        return {"numeric": list(self.numeric), "dates": list(self.dates), "categorical": list(self.categorical),
                "reference_column": self.reference_column, "reference_date": self.reference_date,
                "dropped": [asdict(d) for d in self.dropped]}


def _kind(series: pd.Series, name: str) -> tuple[str, pd.Series]:
    """('numeric'|'date'|'text', coerced values) for one column."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date", to_date(series)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return "numeric", to_number(series)
    text = clean_text(series)
    present = text.notna().sum()
    sample = text.dropna().head(200).astype(str)
    if not sample.str.contains(r"\d", regex=True).any():  # no digit: neither a number nor a date; skip parsing
        return "text", text
    numbers = to_number(series)
    if present and numbers.notna().sum() >= NUMERIC_TEXT_SHARE * present:
        return "numeric", numbers
    if present and date_like_share(text) >= DATE_SHARE:
        dates = to_date(text)
        if dates.notna().sum() >= DATE_SHARE * present:
            return "date", dates
    return "text", text


def _drop_reason(name: str, kind: str, values: pd.Series, n_rows: int) -> tuple[str, str] | None:
    present = values.dropna()
    n_present, n_unique = len(present), present.nunique()
    if n_present == 0:
        return "all_missing", "no values (a source that is absent from this table?)"
    if n_unique <= 1 and n_present == n_rows:
        value = present.iloc[0]
        shown = f"{value:g}" if isinstance(value, float) else repr(value)
        return "constant", f"the same value {shown} in every row"
    if has_word(name, PII_WORDS, PII_CJK) or looks_like_person_name_column(name):
        return "personal_identifier", "the column name says it identifies a person or an address"
    if kind == "text" and present.astype(str).str.contains(r"\S@\S+\.\S", regex=True).mean() > 0.5:
        return "personal_identifier", "the values look like e-mail addresses"
    id_name = looks_like_id_column(name)
    if kind == "numeric":
        integer = bool(np.all(np.mod(present, 1) == 0))
        if integer and n_unique == n_present and n_present > 20:
            span = present.max() - present.min() + 1
            if id_name or span <= 1.5 * n_present or present.is_monotonic_increasing or present.abs().min() >= 1e7:
                return "id_like", "a distinct integer in every row, like a record number or an ID"
        if integer and id_name and n_unique > max(50, CODE_MAX_LEVELS):
            return "id_like", f"an identifier column ({n_unique} distinct values)"
        return None
    if kind == "text":
        if n_unique == n_present and n_present > 20:
            return "id_like", "a distinct value in every row"
        if id_name and n_unique > 50:
            return "id_like", f"an identifier column ({n_unique} distinct values)"
        if present.str.len().mean() > FREE_TEXT_LENGTH and n_unique > 20:
            return "free_text", f"free text (mean {present.str.len().mean():.0f} characters)"
        if n_unique > 20 and n_unique > HIGH_CARDINALITY_SHARE * n_present:
            return "high_cardinality", f"{n_unique} distinct values in {n_present} rows: describes no group"
    return None


def profile_columns(frame: pd.DataFrame, exclude: Iterable[str] = (), reference_column: str | None = None,
                    reference_date: str | pd.Timestamp | None = None) -> FeaturePlan:
    """Decide, without looking at any label, which columns are numeric, dates or categories and which must be
    dropped (identifiers, personal identifiers, constants, empty, free text, too many categories).

    ``exclude`` names columns that are never features (label, keys, snapshot date, protected attributes the
    analyst wants left out); ``reference_column`` is the per-row as-of date used to turn dates into years."""
    excluded = set(exclude) | ({reference_column} if reference_column else set())
    numeric, dates, categorical, dropped = [], [], [], []
    date_values: list[pd.Series] = []
    for name in frame.columns:
        if name in excluded:
            dropped.append(DroppedColumn(str(name), "excluded", "excluded by the caller (label, key or option)"))
            continue
        kind, values = _kind(frame[name], str(name))
        reason = _drop_reason(str(name), kind, values, len(frame))
        if reason:
            dropped.append(DroppedColumn(str(name), *reason))
        elif kind == "date":
            dates.append(name)
            if not is_birth_column(name):
                date_values.append(values)
        elif kind == "numeric" and looks_like_id_column(name) and values.nunique() <= CODE_MAX_LEVELS:
            categorical.append(name)  # DeptID 1..6 names departments; its order means nothing
        else:
            (numeric if kind == "numeric" else categorical).append(name)
    if reference_date is None and not reference_column and dates:
        # Any fixed date gives the same model (a shift); the latest date seen keeps "years before" readable.
        latest = max((v.max() for v in date_values if v.notna().any()), default=pd.Timestamp.today().normalize())
        reference_date = latest
    return FeaturePlan(tuple(numeric), tuple(categorical), tuple(dates), tuple(dropped), reference_column,
                       None if reference_date is None else pd.Timestamp(reference_date).date().isoformat(),
                       min_frequency=max(5, int(0.01 * len(frame))))


class TablePreparer(TransformerMixin, BaseEstimator):
    """Selects the plan's columns from a raw table and types them: numbers as float (NaN when missing), dates as
    years before the as-of date, categories as clean strings with missing as ``(missing)``.

    Stateless given the plan, so it is safe outside the cross-validation loop. A feature column absent from the
    input is an error: missing sources are never filled in with made-up values."""

    def __init__(self, plan: FeaturePlan):
        self.plan = plan

    def fit(self, X: pd.DataFrame, y: object = None) -> TablePreparer:
        self._check(X)
        self.feature_names_in_ = np.asarray(self.plan.features, dtype=object)
        self.n_features_in_ = len(self.plan.features)
        return self

    def _check(self, X: pd.DataFrame) -> None:
        needed = self.plan.features + ([self.plan.reference_column] if self.plan.reference_column and
                                       self.plan.dates else [])
        missing = [c for c in needed if c not in X.columns]
        if missing:
            raise ValueError(f"the table lacks feature column(s) {missing}; the model was trained with them and "
                             "will not invent values for them")

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check(X)
        out = {}
        for name in self.plan.numeric:
            out[name] = to_number(X[name]).to_numpy()
        if self.plan.dates:
            ref = (as_time(X[self.plan.reference_column]) if self.plan.reference_column
                   else pd.Timestamp(self.plan.reference_date))
            for name in self.plan.dates:
                out[name] = years_before(to_date(X[name], past=is_birth_column(name)), ref).to_numpy()
        for name in self.plan.categorical:
            out[name] = clean_text(X[name]).fillna(MISSING_CATEGORY).to_numpy(dtype=object)
        return pd.DataFrame(out, index=X.index, columns=self.plan.features)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(self.plan.features, dtype=object)
