"""Our own checks, computed in DuckDB, in the same outcome format as GX expectations.

GX validates one DataFrame; these need time (freshness), history between runs (metric_change, stored in
``audit.quality_metrics``) or other tables (relationship, sql). Computing them in the database keeps large
tables out of memory.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

import duckdb

from expectations.results import MAX_SAMPLE_ROWS, ExpectationOutcome, json_value, mask_row
from expectations.suites import Check, Suite

HISTORY_TABLE = "audit.quality_metrics"
HISTORY_DDL = (f"create table if not exists {HISTORY_TABLE} (run_id varchar, validated_at timestamp with time zone, "
               'suite varchar, "table" varchar, metric varchar, value double)')


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    # Read results to the end: DuckDB 2.0 refuses further queries while a result is partly fetched.
    return con.execute(sql, params or []).fetchall()


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _outcome(suite: Suite, check: Check, success: bool, message: str, **extra: Any) -> ExpectationOutcome:
    if not success:
        message = "FAILED: " + message
        if check.why:
            message += f". Why it matters: {check.why}"
    return ExpectationOutcome(suite=suite.name, table=suite.table, expectation=check.kind,
                              column=check.kwargs.get("column"), severity=check.severity, success=success,
                              skipped=False, message=message, name=check.name, **extra)


def skipped(suite: Suite, check: Check, reason: str) -> ExpectationOutcome:
    return ExpectationOutcome(suite=suite.name, table=suite.table, expectation=check.kind,
                              column=check.column if check.is_gx else check.kwargs.get("column"),
                              severity=check.severity, success=True, skipped=True,
                              message=f"skipped: {reason}", name=check.name)


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".", 1)
    return bool(_rows(con, "select count(*) from information_schema.tables where table_schema = ? "
                           "and table_name = ?", [schema, name])[0][0])


def freshness(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, reference_date: dt.date) -> ExpectationOutcome:
    column, max_age = check.kwargs["column"], int(check.kwargs["max_age_days"])
    newest = _rows(con, f'select max("{column}") from {suite.table}')[0][0]
    if newest is None:
        return _outcome(suite, check, False, f"{suite.table}.{column} has no values, so the source's age is unknown")
    newest_date = newest.date() if isinstance(newest, dt.datetime) else newest
    age = (reference_date - newest_date).days
    ok = age <= max_age
    message = (f"newest {column} is {newest_date.isoformat()}, {age} day(s) before {reference_date.isoformat()} "
               f"(allowed: {max_age})")
    if not ok:
        message += "; the export may have stopped: check the landing folder and the source system's job"
    return _outcome(suite, check, ok, message, observed_value=newest_date.isoformat())


def _metric_sql(check: Check) -> tuple[str, str]:
    metric, column = check.kwargs["metric"], check.kwargs.get("column")
    if metric == "row_count":
        return "row_count", "count(*)"
    expr = {"mean": f'avg("{column}")', "null_share": f'avg(case when "{column}" is null then 1.0 else 0.0 end)',
            "distinct_count": f'count(distinct "{column}")'}[metric]
    return f"{metric}({column})", expr


def metric_change(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, source_sql: str, run_id: str,
                  validated_at: dt.datetime, record: bool = True) -> ExpectationOutcome:
    """Compare a metric with the value the previous validation run recorded; record this run's value (unless
    ``record`` is false: a re-validation of one batch must not replace the run's value)."""
    label, expr = _metric_sql(check)
    value = _rows(con, f"select {expr} from ({source_sql}) as t")[0][0]
    value = None if value is None else float(value)
    previous = None
    if table_exists(con, HISTORY_TABLE):
        found = _rows(con, f'select value from {HISTORY_TABLE} where suite = ? and "table" = ? and metric = ? '
                           "and run_id <> ? order by validated_at desc limit 1", [suite.name, suite.table, label, run_id])
        previous = found[0][0] if found else None
    note = _record(con, suite, label, value, run_id, validated_at) if record else ""
    limit = float(check.kwargs["max_relative_change"])
    if previous is None or value is None:
        what = "no history" if previous is None else "no value this run"
        return _outcome(suite, check, True, f"{label} = {value}: {what} to compare with{note}", observed_value=value)
    min_previous = float(check.kwargs.get("min_previous", 0))
    if abs(previous) < max(min_previous, 1e-12):
        change = 0.0 if abs(value - previous) < 1e-12 else math.inf
    else:
        change = abs(value - previous) / abs(previous)
    ok = change <= limit or abs(previous) < min_previous
    message = (f"{label} = {value:,.4g}, previous run {previous:,.4g}: change {change:.1%} "
               f"(allowed {limit:.0%}){note}")
    if not ok:
        message += "; a jump this size is usually a partial or duplicated export, or a changed mapping"
    return _outcome(suite, check, ok, message, observed_value={"value": value, "previous": previous,
                                                               "relative_change": json_value(change)})


def _record(con: duckdb.DuckDBPyConnection, suite: Suite, label: str, value: float | None, run_id: str,
            validated_at: dt.datetime) -> str:
    """Store this run's value (a rerun with the same run_id replaces it); '' or a note if it cannot be stored."""
    try:
        con.execute("create schema if not exists audit")
        con.execute(HISTORY_DDL)
        con.execute(f'delete from {HISTORY_TABLE} where run_id = ? and suite = ? and "table" = ? and metric = ?',
                    [run_id, suite.name, suite.table, label])
        con.execute(f"insert into {HISTORY_TABLE} values (?, ?, ?, ?, ?, ?)",
                    [run_id, validated_at, suite.name, suite.table, label, value])
    except duckdb.Error as exc:  # a read-only connection: compare, but say the history was not kept
        return f" (not recorded: {str(exc).splitlines()[0]})"
    return ""


def relationship(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, source_sql: str) -> ExpectationOutcome:
    column, parent, key = check.kwargs["column"], check.kwargs["to"], check.kwargs["field"]
    if not table_exists(con, parent):
        return skipped(suite, check, f"{parent} does not exist")
    orphans = (f'select * from ({source_sql}) as c where c."{column}" is not null and not exists '
               f'(select 1 from {parent} as p where p."{key}" = c."{column}")')
    total, bad = _rows(con, f'select (select count(*) from ({source_sql}) as t where "{column}" is not null), '
                            f"(select count(*) from ({orphans}) as o)")[0]
    percent = 100.0 * bad / total if total else 0.0
    mostly = float(check.kwargs.get("mostly", 1.0))
    ok = bad == 0 or (total > 0 and bad / total <= 1 - mostly + 1e-12)
    cols = ", ".join(f'"{c}"' for c in dict.fromkeys([*suite.key_columns, column]))
    samples = [] if ok else [mask_row(r) for r in _dicts(con, f"select {cols} from ({orphans}) as o "
                                                                f"limit {MAX_SAMPLE_ROWS}")]
    message = f"{bad:,} of {total:,} rows ({percent:.2f}%) have a {column} not found in {parent}.{key}"
    if mostly < 1:
        message += f"; up to {100 * (1 - mostly):.2f}% is tolerated"
    if not ok:
        message += f"; rebuild {parent} or find why these keys were dropped from it"
    return _outcome(suite, check, ok, message, unexpected_count=int(bad), unexpected_percent=percent,
                    sample_rows=samples)


def sql_check(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check) -> ExpectationOutcome:
    """``query`` returns the offending rows; none (or few enough, with ``mostly`` and ``total``) passes."""
    query = check.kwargs["query"]
    bad = int(_rows(con, f"select count(*) from ({query}) as q")[0][0])
    total = int(_rows(con, check.kwargs["total"])[0][0]) if check.kwargs.get("total") else None
    percent = 100.0 * bad / total if total else None
    mostly = float(check.kwargs.get("mostly", 1.0))
    ok = bad == 0 or (total is not None and total > 0 and bad / total <= 1 - mostly + 1e-12)
    samples = [] if ok else [mask_row(r) for r in _dicts(con, f"select * from ({query}) as q "
                                                                f"limit {MAX_SAMPLE_ROWS}")]
    what = check.kwargs.get("description") or check.name or "rows returned by the check query"
    message = f"{bad:,} {what}" + (f" out of {total:,} ({percent:.2f}%)" if total else "")
    if mostly < 1:
        message += f"; up to {100 * (1 - mostly):.2f}% is tolerated"
    return _outcome(suite, check, ok, message, unexpected_count=bad, unexpected_percent=percent, sample_rows=samples)


def key_conflicts(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, source_sql: str) -> ExpectationOutcome:
    """Keys that arrive with *different* values in one batch. Exact repeats of a row are harmless (staging keeps
    one); two versions of one key in the same export leave staging to pick one, so a dimension loses a member or
    carries another record's attributes, and facts joined to it lose rows."""
    keys = list(check.kwargs.get("columns") or suite.key_columns)
    cols = ", ".join(f'"{c}"' for c in keys)
    conflicts = (f"select {cols}, _batch_id, count(*) as rows, count(distinct _row_hash) as versions "
                 f"from ({source_sql}) as t where {' and '.join(f'{c} is not null' for c in cols.split(', '))} "
                 f"group by all having count(distinct _row_hash) > 1")
    total, bad, rows = _rows(con, f"select (select count(distinct ({cols})) from ({source_sql}) as t), "
                                  f"count(*), coalesce(sum(rows), 0) from ({conflicts}) as c")[0]
    mostly = float(check.kwargs.get("mostly", 1.0))
    ok = bad == 0 or (total > 0 and bad / total <= 1 - mostly + 1e-12)
    samples = [] if ok else [mask_row(r) for r in _dicts(
        con, f"select * from ({conflicts}) as c order by versions desc limit {MAX_SAMPLE_ROWS}")]
    percent = 100.0 * bad / total if total else 0.0
    message = (f"{bad:,} of {total:,} keys ({', '.join(keys)}) come with different values in one batch "
               f"({rows:,} rows)")
    if mostly < 1:
        message += f"; up to {100 * (1 - mostly):.2f}% is tolerated"
    if not ok:
        message += ("; staging would keep one version at random. Ask the source for a corrected export, or set "
                    "the batch aside: trm batches --reject BATCH_ID --reason '...'")
    return _outcome(suite, check, ok, message, unexpected_count=int(bad), unexpected_percent=percent,
                    sample_rows=samples)


def volume_drop(con: duckdb.DuckDBPyConnection, suite: Suite, check: Check, batch_ids: list[str]) -> ExpectationOutcome:
    """The rows loaded by the latest load (the validated batches of the entity's newest ingestion run) against
    the median of the loads before it. A snapshot with far fewer rows than usual is a partial export: published,
    it would make people disappear from every mart."""
    entity, history = suite.table_name, int(check.kwargs.get("history", 7))
    max_drop = float(check.kwargs["max_drop"])
    if not batch_ids or not table_exists(con, "raw.ingestion_files"):  # nothing loaded through ingestion yet
        return _outcome(suite, check, True, "no load recorded in raw.ingestion_files: nothing to compare")
    ledger = ("select run_id, min(finished_at) as loaded_at, sum(rows_loaded) as rows "
              "from raw.ingestion_files where entity = ? and status = 'loaded' group by run_id")
    current, loaded_at = _rows(con, "select coalesce(sum(rows_loaded), 0), min(finished_at) from raw.ingestion_files "
                                    "where entity = ? and status = 'loaded' and batch_id in (select unnest(?::varchar[]))",
                               [entity, batch_ids])[0]
    previous = [r for (r,) in _rows(con, f"select rows from ({ledger}) as l where loaded_at < ? "
                                         f"order by loaded_at desc limit {history}", [entity, loaded_at])]
    if not previous:
        return _outcome(suite, check, True, f"{current:,} rows loaded: no earlier load to compare with",
                        observed_value={"rows": int(current)})
    baseline = float(statistics.median(previous))
    drop = 0.0 if baseline <= 0 else max(0.0, 1 - float(current) / baseline)
    ok = drop <= max_drop + 1e-12
    message = (f"{current:,} rows loaded against a median of {baseline:,.0f} over the {len(previous)} load(s) "
               f"before: {'a drop of ' + format(drop, '.0%') if drop else 'no drop'} (allowed {max_drop:.0%})")
    if not ok:
        message += ("; a partial export would make records disappear from the marts. Ask the source for the "
                    "complete export; if the drop is real (a divestment), accept the batch: trm batches --accept "
                    "BATCH_ID --check NAME --reason '...'")
    return _outcome(suite, check, ok, message, observed_value={"rows": int(current), "median_before": baseline,
                                                               "drop": round(drop, 4)})
