"""Turn an exported attrition label (Yes/No, 1/0, True/False, Left/Stayed, Terminated/Active, 离职/在职 ...)
into 0/1, or fail with a message that names the values found."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Whole values or words that mean "left" / "stayed". Words are matched after lower-casing and splitting on
# non-letters, so "Voluntarily Terminated", "Attrited Customer" and "Existing Customer" are understood.
POSITIVE_WORDS = frozenset({
    "yes", "y", "true", "t", "1", "left", "leaver", "leavers", "attrited", "attrition", "terminated", "termed",
    "terminate", "churned", "churn", "exited", "exit", "quit", "resigned", "resign", "departed", "separated",
    "former", "inactive", "gone", "lost", "是", "离职", "已离职", "流失", "已流失", "辞职", "主动离职", "被动离职",
})
NEGATIVE_WORDS = frozenset({
    "no", "n", "false", "f", "0", "stayed", "stay", "stays", "active", "current", "employed", "retained",
    "existing", "remained", "remain", "staying", "否", "在职", "未离职", "留任", "未流失", "正常",
})
NEGATIONS = frozenset({"not", "non", "never"})


class LabelError(ValueError):
    """The label column cannot be turned into two classes."""


@dataclass(frozen=True)
class ParsedLabel:
    y: pd.Series  # 0/1 int8, rows with a missing label removed (index kept)
    positive_values: list[str]
    negative_values: list[str]
    rows_missing_label: int = 0
    warnings: list[str] = field(default_factory=list)


def _canonical(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z\u4e00-\u9fff]+", text.lower()) if w]


def classify_value(text: str) -> int | None:
    """1 for a "left" value, 0 for a "stayed" value, None when the value is not understood."""
    low = text.strip().lower()
    if low in POSITIVE_WORDS:
        return 1
    if low in NEGATIVE_WORDS:
        return 0
    words = _words(low)
    pos = any(w in POSITIVE_WORDS for w in words)
    neg = any(w in NEGATIVE_WORDS for w in words)
    if pos == neg:  # neither, or both ("active - terminated?") → ambiguous
        return None
    negated = any(w in NEGATIONS for w in words)
    return int(pos) ^ int(negated)


def _describe(counts: pd.Series, limit: int = 12) -> str:
    shown = [f"{v!r} ({n})" for v, n in counts.head(limit).items()]
    more = f" and {len(counts) - limit} more" if len(counts) > limit else ""
    return ", ".join(shown) + more


def parse_label(series: pd.Series, positive: Sequence[str] | str | None = None) -> ParsedLabel:
    """Map a label column to 0/1. ``positive`` (one value or several) names the value(s) meaning "left";
    every other non-missing value is then 0. Without it the values must be recognisable (see the word lists)
    or already 0/1. Missing labels are dropped, with a warning."""
    name = series.name
    present = series[series.notna()]
    present = present[present.map(lambda v: _canonical(v) != "")]
    missing = len(series) - len(present)
    text = present.map(_canonical)
    counts = text.value_counts()
    warnings = [f"{missing} row(s) with an empty label {name!r} were left out"] if missing else []
    if counts.empty:
        raise LabelError(f"label column {name!r} has no values")

    if positive is not None:
        wanted = {positive.strip().lower()} if isinstance(positive, str) else {p.strip().lower() for p in positive}
        y = text.str.lower().isin(wanted)
        if not y.any():
            raise LabelError(f"--positive {sorted(wanted)} matches no value of {name!r}; values found: "
                             f"{_describe(counts)}")
    else:
        mapping = {value: classify_value(value) for value in counts.index}
        unknown = [v for v, c in mapping.items() if c is None]
        if unknown:
            raise LabelError(
                f"cannot tell which values of label {name!r} mean 'left': values found: {_describe(counts)}. "
                f"Pass --positive VALUE (the value meaning the person left); unrecognised: "
                f"{', '.join(repr(v) for v in unknown[:12])}")
        y = text.map(mapping).astype(bool)
    pos_values, neg_values = sorted(set(text[y])), sorted(set(text[~y]))
    if not pos_values or not neg_values:
        raise LabelError(f"label column {name!r} has only one class: values found: {_describe(counts)}")
    return ParsedLabel(y.astype("int8"), pos_values, neg_values, missing, warnings)
