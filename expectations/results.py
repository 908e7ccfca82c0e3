"""Validation results in one format for GX expectations and our own checks, with identifiers masked.

Results are shown in Dagster's UI and in HTML reports that more people read than the raw tables, so values of
direct identifiers never leave this module unmasked: columns whose names contain a marker below are shown
as ``***`` in messages, sample rows and the stored GX result.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MASK = "***"
# Direct identifiers, plus free text and birth dates, which identify people just as well.
PII_MARKERS = ("name", "email", "phone", "national", "id_number", "address", "birth", "text", "comment")
MAX_SAMPLE_ROWS = 5
# GX result keys that hold only counts and row positions, safe to keep for an identifier column.
_SAFE_RESULT_KEYS = {"element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent",
                     "unexpected_percent_total", "unexpected_percent_nonmissing", "partial_unexpected_index_list"}


def is_pii_column(column: str | None) -> bool:
    return bool(column) and any(m in column.lower() for m in PII_MARKERS)


def json_value(value: Any) -> Any:
    """A JSON-serialisable form of a DataFrame or DuckDB value."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None and value.time() == dt.time(0):
        return value.date().isoformat()  # DuckDB DATE columns arrive in pandas as midnight timestamps
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        try:
            return json_value(value.item())
        except (ValueError, TypeError):
            pass
    text = str(value)
    return None if text in ("NaT", "nan", "<NA>") else text


def mask_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if is_pii_column(k) and v is not None else json_value(v)) for k, v in row.items()}


def mask_value(column: str | None, value: Any) -> Any:
    columns = (column or "").split(",")
    return MASK if any(is_pii_column(c) for c in columns) else json_value(value)


def sanitise_gx_result(result: dict[str, Any]) -> dict[str, Any]:
    """Mask the values GX keeps for expectations on identifier columns (kept: counts and row positions)."""
    for item in result.get("results", []):
        kwargs = (item.get("expectation_config") or {}).get("kwargs") or {}
        cols = [kwargs.get(k) for k in ("column", "column_A", "column_B")] + list(kwargs.get("column_list") or [])
        if not any(is_pii_column(c) for c in cols if isinstance(c, str)):
            continue
        res = item.get("result") or {}
        for key in list(res):
            if key in _SAFE_RESULT_KEYS:
                continue
            if key == "partial_unexpected_counts":
                res[key] = [{"value": MASK, "count": c.get("count")} for c in res[key] or []]
            elif isinstance(res[key], list):
                res[key] = [MASK for _ in res[key]]
            else:
                res[key] = MASK
    return result


@dataclass(frozen=True)
class ExpectationOutcome:
    suite: str
    table: str
    expectation: str  # GX expectation type or our check type (freshness, metric_change, relationship, sql)
    column: str | None
    severity: str  # 'blocking' | 'warning'
    success: bool
    skipped: bool
    message: str  # what failed, how many rows, what to fix; never identifier values
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    sample_rows: list[dict[str, Any]] = field(default_factory=list)  # <= 5 failing rows, masked
    observed_value: Any = None  # JSON-serialisable; a metric value, a date, a count
    name: str | None = None  # the entry's optional name, for stable check names in Dagster

    @property
    def is_blocking_failure(self) -> bool:
        return not self.success and not self.skipped and self.severity == "blocking"

    @property
    def is_warning(self) -> bool:
        return not self.success and not self.skipped and self.severity == "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"suite": self.suite, "table": self.table, "expectation": self.expectation, "column": self.column,
                "severity": self.severity, "success": self.success, "skipped": self.skipped,
                "message": self.message, "unexpected_count": self.unexpected_count,
                "unexpected_percent": self.unexpected_percent, "sample_rows": self.sample_rows,
                "observed_value": self.observed_value, "name": self.name}


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    table: str
    outcomes: list[ExpectationOutcome]
    gx_result: dict[str, Any] | None  # GX's validation result as JSON (identifier values masked)
    run_id: str = ""
    validated_at: str = ""  # ISO timestamp, UTC
    skipped_reason: str | None = None  # set when the whole suite was skipped (e.g. the table does not exist)
    rows_validated: int | None = None
    duration_seconds: float = 0.0
    # Raw tables: blocking check name -> the batches whose rows make it fail (traced when it fails).
    failing_batches: dict[str, list[str]] = field(default_factory=dict)

    @property
    def blocking_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.is_blocking_failure]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.is_warning]

    @property
    def skipped(self) -> bool:
        return self.skipped_reason is not None

    @property
    def success(self) -> bool:
        """True when nothing blocking failed: warnings are reported but do not stop publishing."""
        return not self.blocking_failures

    def summary(self) -> str:
        if self.skipped:
            return f"{self.suite}: skipped ({self.skipped_reason})"
        passed = sum(o.success for o in self.outcomes)
        return (f"{self.suite}: {passed}/{len(self.outcomes)} passed, {len(self.blocking_failures)} blocking "
                f"failure(s), {len(self.warnings)} warning(s)")

    def to_dict(self) -> dict[str, Any]:
        return {"suite": self.suite, "table": self.table, "run_id": self.run_id, "validated_at": self.validated_at,
                "success": self.success, "skipped_reason": self.skipped_reason,
                "rows_validated": self.rows_validated, "duration_seconds": self.duration_seconds,
                "outcomes": [o.to_dict() for o in self.outcomes], "gx_result": self.gx_result,
                "failing_batches": self.failing_batches}


def outcome_from_dict(data: dict[str, Any]) -> ExpectationOutcome:
    return ExpectationOutcome(**{k: data[k] for k in ExpectationOutcome.__dataclass_fields__ if k in data})


def suite_result_from_dict(data: dict[str, Any]) -> SuiteResult:
    """The inverse of ``SuiteResult.to_dict`` (results saved as JSON per suite, rendered together later)."""
    fields = {k: data[k] for k in SuiteResult.__dataclass_fields__ if k in data and k != "outcomes"}
    return SuiteResult(**fields, outcomes=[outcome_from_dict(o) for o in data.get("outcomes", [])])
