"""The data-quality engine: load suites, validate a table of the warehouse, render the results.

    suites = load_suites()
    results = [run_suite(con, s, run_id) for s in suites]
    blocked = [o for r in results for o in r.blocking_failures]   # non-empty: do not publish
    render_data_docs(results, Path(home) / "reports" / "data_docs")

A suite whose table does not exist (a source that is not configured) is skipped with the reason, never failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

import duckdb
import pandas as pd

from expectations import custom
from expectations.batches import BLOCKED_BATCHES, latest_load_batches_sql
from expectations.catalog import load_suites, suites_for_table
from expectations.results import ExpectationOutcome, SuiteResult
from expectations.suites import Check, Suite, SuiteConfigError
from ingestion.warehouse import sql_literal

__all__ = ["ExpectationOutcome", "Suite", "SuiteConfigError", "SuiteResult", "load_suites", "render_data_docs",
           "run_suite", "run_suites", "suites_for_table"]

def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _column_types(con: duckdb.DuckDBPyConnection, suite: Suite) -> dict[str, str]:
    return dict(_rows(con, "select column_name, data_type from information_schema.columns where table_schema = ? "
                           "and table_name = ?", [suite.schema_name, suite.table_name]))




def _latest_load_filter(con: duckdb.DuckDBPyConnection, suite: Suite, columns: dict[str, str]) -> str | None:
    """Rows of the entity's latest ingestion run, plus every batch that failed a blocking expectation and was not
    rejected since: raw tables are append-only, so older batches were validated on their own night (a re-sent
    full export would otherwise count every key twice), but a bad batch must keep failing until an engineer
    sets it aside (trm batches --reject), even after newer files arrive."""
    if "_batch_id" not in columns or not custom.table_exists(con, "raw.ingestion_files"):
        return None
    entity = suite.table_name
    blocked = (f" or _batch_id in (select batch_id from {BLOCKED_BATCHES} where entity = '{entity}')"
               if custom.table_exists(con, BLOCKED_BATCHES) else "")
    return f"(_batch_id in ({latest_load_batches_sql(entity)}){blocked})"


def source_sql(con: duckdb.DuckDBPyConnection, suite: Suite, columns: dict[str, str],
               batch_ids: list[str] | None = None) -> str:
    """A SELECT of the rows the suite validates (its where and scope; the limit caps only the GX frame); with
    ``batch_ids``, the rows of those batches only (to find which batches of the scope fail)."""
    filters = [f"({suite.where})"] if suite.where else []
    if batch_ids is not None:
        filters.append("_batch_id in (" + ", ".join(sql_literal(b) for b in batch_ids) + ")")
    elif suite.scope == "latest_load":
        latest = _latest_load_filter(con, suite, columns)
        filters += [latest] if latest else []
    return f"select * from {suite.table}" + (f" where {' and '.join(filters)}" if filters else "")


def _load_frame(con: duckdb.DuckDBPyConnection, suite: Suite, sql: str, types: dict[str, str]) -> pd.DataFrame:
    """Only the columns the GX expectations read (and the keys, for sample rows), at most ``limit`` rows."""
    cols = [c for c in suite.columns_to_load() if c in types]
    # DECIMAL arrives as Python Decimal objects, which GX's numeric expectations reject: read it as double.
    select = ", ".join(f'cast("{c}" as double) as "{c}"' if types[c].startswith("DECIMAL") else f'"{c}"'
                       for c in cols)
    limit = f" limit {suite.limit}" if suite.limit else ""
    return con.execute(f"select {select or '1 as _row'} from ({sql}) as t{limit}").df()


def _skip_all(suite: Suite, reason: str, run_id: str, validated_at: dt.datetime, started: float) -> SuiteResult:
    return SuiteResult(suite=suite.name, table=suite.table, outcomes=[custom.skipped(suite, c, reason)
                                                                      for c in suite.checks],
                       gx_result=None, run_id=run_id, validated_at=validated_at.isoformat(), skipped_reason=reason,
                       duration_seconds=round(time.perf_counter() - started, 3))


def _failed(suite: Suite, check: Check, message: str) -> ExpectationOutcome:
    return ExpectationOutcome(suite=suite.name, table=suite.table, expectation=check.kind,
                              column=check.column if check.is_gx else check.kwargs.get("column"),
                              severity=check.severity, success=False, skipped=False,
                              message=f"FAILED: {message}", name=check.name)


def _run_custom(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, sql: str, run_id: str,
                validated_at: dt.datetime, reference_date: dt.date, batch_ids: list[str] | None) -> ExpectationOutcome:
    try:
        if check.kind == "freshness":
            return custom.freshness(con, suite, check, reference_date)
        if check.kind == "metric_change":
            return custom.metric_change(con, suite, check, sql, run_id, validated_at, record=batch_ids is None)
        if check.kind == "relationship":
            return custom.relationship(con, suite, check, sql)
        if check.kind == "key_conflicts":
            return custom.key_conflicts(con, suite, check, sql)
        if check.kind == "volume_drop":
            batches = batch_ids or ([b for (b,) in _rows(con, latest_load_batches_sql(suite.table_name))]
                                    if custom.table_exists(con, "raw.ingestion_files") else [])
            return custom.volume_drop(con, suite, check, batches)
        return custom.sql_check(con, suite, check)
    except duckdb.CatalogException as exc:  # a table of an unconfigured source, named in a query
        return custom.skipped(suite, check, str(exc).splitlines()[0])
    except duckdb.Error as exc:
        return _failed(suite, check, f"{check.kind} could not run: {str(exc).splitlines()[0]} "
                                     f"(check {suite.source_file.name}, suite '{suite.name}')")


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite, run_id: str,
              reference_date: dt.date | None = None, batch_ids: list[str] | None = None) -> SuiteResult:
    """Validate one suite. Needs a writable connection only for metric_change history (else it notes so).

    On a raw table (scope latest_load), a blocking failure is traced to the batch(es) that cause it
    (``SuiteResult.failing_batches``), and a failure an engineer accepted for every one of those batches
    (``trm batches --accept``) is reported as a warning that names the override."""
    started = time.perf_counter()
    validated_at = dt.datetime.now(dt.UTC)
    reference_date = reference_date or dt.date.today()
    if not custom.table_exists(con, suite.table):
        return _skip_all(suite, f"table {suite.table} does not exist (source not configured or not built yet)",
                         run_id, validated_at, started)
    types = _column_types(con, suite)
    sql = source_sql(con, suite, types, batch_ids)
    row_count = int(_rows(con, f"select count(*) from ({sql}) as t")[0][0])
    if suite.limit:
        row_count = min(row_count, suite.limit)
    if suite.skip_if_empty and row_count == 0:
        return _skip_all(suite, f"{suite.table} has no rows to validate", run_id, validated_at, started)
    outcomes: dict[int, ExpectationOutcome] = {}
    gx_indices: list[int] = []
    for i, check in enumerate(suite.checks):
        missing = [c for c in (check.columns if check.is_gx else [check.kwargs.get("column")]) if c and c not in types]
        if missing:
            outcomes[i] = _failed(suite, check, f"column(s) {', '.join(missing)} not in {suite.table}: the source "
                                                f"or mapping changed, or {suite.source_file.name} names a wrong column")
        elif check.is_gx:
            gx_indices.append(i)
        else:
            outcomes[i] = _run_custom(con, suite, check, sql, run_id, validated_at, reference_date, batch_ids)
    gx_result = None
    if gx_indices:
        from expectations.gx_runner import validate_frame

        frame = _load_frame(con, suite, sql, types)
        error = "GX returned no result for this expectation"
        try:
            gx_outcomes, gx_result = validate_frame(suite, frame, gx_indices)
            outcomes.update(gx_outcomes)
        except Exception as exc:  # GX failing as a whole must fail the suite's checks, not crash the run
            error = f"GX could not validate: {exc}"
        for i in gx_indices:
            outcomes.setdefault(i, _failed(suite, suite.checks[i], error))
    result = SuiteResult(suite=suite.name, table=suite.table, outcomes=[outcomes[i] for i in sorted(outcomes)],
                         gx_result=gx_result, run_id=run_id, validated_at=validated_at.isoformat(),
                         rows_validated=row_count, duration_seconds=round(time.perf_counter() - started, 3))
    if batch_ids is None and suite.scope == "latest_load" and result.blocking_failures and "_batch_id" in types:
        from expectations.batches import apply_overrides, attribute_failures

        def rerun(subset: Suite, batches: list[str]) -> SuiteResult:
            return run_suite(con, subset, run_id, reference_date, batch_ids=batches)

        result = dataclasses.replace(result, failing_batches=attribute_failures(con, suite, result, sql, rerun))
        result = apply_overrides(con, suite, result)
        result = dataclasses.replace(result, duration_seconds=round(time.perf_counter() - started, 3))
    return result


def run_suites(con: duckdb.DuckDBPyConnection, run_id: str, suites: list[Suite] | None = None,
               reference_date: dt.date | None = None) -> list[SuiteResult]:
    return [run_suite(con, s, run_id, reference_date) for s in (suites if suites is not None else load_suites())]


def render_data_docs(results: list[SuiteResult], out_dir: Path) -> Path:
    """Static HTML for the results under ``out_dir``; returns the index.html to open (no network needed)."""
    from expectations.docs import render

    return render(results, Path(out_dir))
