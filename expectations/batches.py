"""Which raw batch makes a blocking check fail, the batches kept under watch, and an engineer's override.

Raw tables are append-only and a suite on a raw table (scope ``latest_load``) validates the entity's latest load
plus every batch that failed a blocking check and was neither rejected nor superseded since. When a blocking check
fails, the failure is traced to the batches that cause it, so the hint and ``trm batches`` name the bad batch, not
the newest one. An engineer who decides a failing batch is right after all (a real drop in volume after a
divestment) accepts it for that check (``trm batches --accept``): the check then reports a warning naming the
override, and the acceptance is recorded in ``audit.batch_overrides``.
"""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Callable

import duckdb

from expectations import custom
from expectations.results import SuiteResult
from expectations.suites import Suite

BLOCKED_BATCHES = "audit.blocked_batches"
OVERRIDES = "audit.batch_overrides"
# Above this many batches in one load (a Slack export: a file per channel and day) a load is traced as a whole.
MAX_BATCHES_TRACED_ONE_BY_ONE = 50
BLOCKED_DDL = [
    "create schema if not exists audit",
    f"create table if not exists {BLOCKED_BATCHES} (batch_id varchar, entity varchar, suite varchar, "
    "run_id varchar, blocked_at timestamptz)",
    f"alter table {BLOCKED_BATCHES} add column if not exists checks varchar",
]
OVERRIDES_DDL = [
    "create schema if not exists audit",
    f"create table if not exists {OVERRIDES} (batch_id varchar not null, entity varchar not null, "
    "check_name varchar not null, reason varchar not null, accepted_by varchar, accepted_at timestamptz)",
]


class OverrideError(ValueError):
    """An override that cannot be recorded (unknown batch, no reason)."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _units(con: duckdb.DuckDBPyConnection, sql: str) -> list[list[str]]:
    """The batches in the scope, grouped for tracing: one by one, except a load of very many batches."""
    if not custom.table_exists(con, "raw.ingestion_files"):  # a table not written by ingestion (tests, tools)
        return [[b] for (b,) in _rows(con, f"select distinct _batch_id from ({sql}) as t order by 1")]
    rows = _rows(con, f"select distinct t._batch_id, f.run_id from ({sql}) as t left join raw.ingestion_files as f "
                      "on f.batch_id = t._batch_id and f.status = 'loaded' order by 2, 1")
    by_run: dict[str | None, list[str]] = {}
    for batch, run in rows:
        by_run.setdefault(run, []).append(batch)
    units: list[list[str]] = []
    for batches in by_run.values():
        units += [batches] if len(batches) > MAX_BATCHES_TRACED_ONE_BY_ONE else [[b] for b in batches]
    return units


def latest_load_batches_sql(entity: str) -> str:
    """The batches of the entity's latest ingestion run that loaded rows (``entity`` is [A-Za-z0-9_]+, checked
    when the suite was loaded)."""
    return (f"select batch_id from raw.ingestion_files where entity = '{entity}' and status = 'loaded' "
            f"and run_id = (select run_id from raw.ingestion_files where entity = '{entity}' and status = 'loaded' "
            f"and rows_loaded > 0 order by finished_at desc limit 1)")


def attribute_failures(con: duckdb.DuckDBPyConnection, suite: Suite, result: SuiteResult, sql: str,
                       rerun: Callable[[Suite, list[str]], SuiteResult]) -> dict[str, list[str]]:
    """Blocking check name -> the batches whose rows make it fail. A failure that no batch shows on its own (a key
    repeated across two batches) belongs to every batch in the scope. ``rerun(suite, batches)`` validates a
    subset of the suite's checks on those batches' rows only (the engine's run_suite)."""

    failing = [o.name for o in result.blocking_failures]
    units = _units(con, sql)
    everything = [b for unit in units for b in unit]
    if len(units) <= 1:
        return {name: everything for name in failing}
    traced: dict[str, list[str]] = {name: [] for name in failing}
    by_load = [c.name for c in suite.checks if c.name in traced and c.kind == "volume_drop"]
    if by_load:  # a volume is a property of the latest load, not of one batch
        latest = [b for (b,) in _rows(con, latest_load_batches_sql(suite.table_name))]
        for name in by_load:
            traced[name] = latest
    per_batch = dataclasses.replace(suite, checks=[c for c in suite.checks if c.name in traced
                                                    and c.name not in by_load])
    if per_batch.checks:
        for unit in units:
            for outcome in rerun(per_batch, unit).blocking_failures:
                traced[outcome.name] += unit
    return {name: batches or everything for name, batches in traced.items()}


def overrides_for(con: duckdb.DuckDBPyConnection, entity: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(batch id, check name) -> (reason, accepted by, accepted at) for the entity."""
    if not custom.table_exists(con, OVERRIDES):
        return {}
    return {(b, c): (reason, who or "?", str(when)[:16]) for b, c, reason, who, when in _rows(
        con, f"select batch_id, check_name, reason, accepted_by, accepted_at from {OVERRIDES} where entity = ?",
        [entity])}


def apply_overrides(con: duckdb.DuckDBPyConnection, suite: Suite, result: SuiteResult) -> SuiteResult:
    """A blocking failure accepted for every batch it was traced to becomes a warning that says so."""
    accepted = overrides_for(con, suite.table_name)
    if not accepted:
        return result
    outcomes, failing = [], dict(result.failing_batches)
    for outcome in result.outcomes:
        batches = failing.get(outcome.name or "", [])
        notes = [accepted.get((b, outcome.name or "")) for b in batches]
        if outcome.is_blocking_failure and batches and all(notes):
            who = "; ".join(sorted({f"{b} accepted by {n[1]} at {n[2]} UTC: {n[0]}"
                                    for b, n in zip(batches, notes, strict=True)}))
            outcome = dataclasses.replace(outcome, severity="warning",
                                          message=f"{outcome.message} [blocking failure overridden: {who}]")
            failing.pop(outcome.name, None)
        outcomes.append(outcome)
    return dataclasses.replace(result, outcomes=outcomes, failing_batches=failing)


def remember_blocked_batches(con: duckdb.DuckDBPyConnection, suite: Suite, result: SuiteResult,
                             run_id: str) -> dict[str, list[str]]:
    """Keep the batches that fail a blocking check of this suite under watch (validated every night until rejected,
    accepted or superseded), and release the ones that passed this time. Returns batch -> failing check names."""
    if suite.scope != "latest_load" or not custom.table_exists(con, "raw.ingestion_files"):
        return {}
    for statement in BLOCKED_DDL:
        con.execute(statement)
    checks_of: dict[str, list[str]] = {}
    for name, batches in result.failing_batches.items():
        for batch in batches:
            checks_of.setdefault(batch, []).append(name)
    con.execute(f"delete from {BLOCKED_BATCHES} where entity = ? and suite = ?", [suite.table_name, suite.name])
    for batch, names in sorted(checks_of.items()):
        con.execute(f"insert into {BLOCKED_BATCHES} (batch_id, entity, suite, run_id, blocked_at, checks) "
                    "values (?, ?, ?, ?, now(), ?)", [batch, suite.table_name, suite.name, run_id,
                                                      ", ".join(sorted(names))])
    return {b: sorted(n) for b, n in checks_of.items()}


def accept_batch(con: duckdb.DuckDBPyConnection, batch_id: str, check_name: str, reason: str,
                 accepted_by: str | None = None,
                 log_event: Callable[[duckdb.DuckDBPyConnection, dict[str, object]], None] | None = None) -> str:
    """Record that ``check_name`` may fail for ``batch_id`` (an engineer's decision); returns the entity.
    ``log_event`` is called inside the same transaction with the decision (ids, no reason): the audit log entry."""
    if not reason.strip():
        raise OverrideError("say why the batch is accepted (--reason): it is recorded with the override")
    row = _rows(con, "select entity from raw.ingestion_files where batch_id = ? and status = 'loaded' limit 1",
                [batch_id]) if custom.table_exists(con, "raw.ingestion_files") else []
    if not row:
        raise OverrideError(f"no loaded batch {batch_id!r} (list them: trm batches)")
    entity = row[0][0]
    from expectations.catalog import load_suites

    known = sorted({c.name for suite in load_suites() if suite.table == f"raw.{entity}"
                    for c in suite.checks if c.severity == "blocking" and c.name})
    if check_name not in known:
        raise OverrideError(f"{check_name!r} is not a blocking check of raw.{entity}; one of: {', '.join(known)}")
    for statement in OVERRIDES_DDL:
        con.execute(statement)
    con.execute("begin")
    try:
        con.execute(f"delete from {OVERRIDES} where batch_id = ? and check_name = ?", [batch_id, check_name])
        con.execute(f"insert into {OVERRIDES} values (?, ?, ?, ?, ?, now())",
                    [batch_id, entity, check_name, reason.strip(), accepted_by or getpass.getuser()])
        if log_event is not None:
            log_event(con, {"batch_id": batch_id, "entity": entity, "check": check_name})
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return entity
