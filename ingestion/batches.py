"""Loaded batches, and setting one aside when the gate finds it bad (``trm batches``).

When a blocking expectation fails on a raw table, the bad load stays in ``raw`` and every later night fails the
same way until the source sends a corrected export — or an engineer rejects the load. Rejecting moves the batch's
rows to ``raw.quarantine`` with the reason (nothing is lost: per file, rows read = rows loaded + rows quarantined
still holds), marks the file ``rejected`` in ``raw.ingestion_files`` so the same bytes are never loaded again, and
staging falls back to the previous version of each key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from ingestion.snapshots import reopen_for_rejected_batch
from ingestion.warehouse import RAW_SCHEMA, fetch_one, table_exists

LINEAGE = ("_batch_id", "_source_file", "_row_number", "_loaded_at", "_row_hash")


class BatchError(ValueError):
    """The batch cannot be rejected (unknown, already rejected, not a load)."""


@dataclass(frozen=True)
class Rejection:
    batch_id: str
    entity: str
    source_file: str
    rows_moved: int


def list_batches(con: duckdb.DuckDBPyConnection, entity: str | None = None, limit: int = 20) -> pd.DataFrame:
    """The latest batches (one per file and outcome), newest first, with the blocking checks each one fails (as of
    the latest validation) and the failures an engineer accepted for it."""
    where, params = ("where f.entity = ?", [entity]) if entity else ("", [])
    failing = ("(select string_agg(distinct b.checks, ', ') from audit.blocked_batches as b "
               "where b.batch_id = f.batch_id)" if table_exists(con, "audit", "blocked_batches") else "null")
    accepted = ("(select string_agg(distinct o.check_name, ', ') from audit.batch_overrides as o "
                "where o.batch_id = f.batch_id)" if table_exists(con, "audit", "batch_overrides") else "null")
    return con.execute(
        f"""select f.batch_id, f.entity, f.source_file, f.status, f.rows_read, f.rows_loaded, f.rows_quarantined,
                   f.finished_at, coalesce({failing}, '') as failing_checks, coalesce({accepted}, '') as accepted,
                   coalesce(f.error, '') as note
            from {RAW_SCHEMA}.ingestion_files as f {where} order by f.finished_at desc nulls last limit ?""",
        [*params, limit]).df()


def reject_batch(con: duckdb.DuckDBPyConnection, batch_id: str, reason: str,
                 log_event: Callable[[duckdb.DuckDBPyConnection, dict[str, object]], None] | None = None) -> Rejection:
    """Move a loaded batch's rows to quarantine with ``reason``, in one transaction. ``log_event`` is called inside
    that transaction with what was done (ids and counts; the reason stays in the ledger): the caller's audit log
    entry, which commits with the rejection or not at all."""
    if not reason.strip():
        raise BatchError("say why the batch is rejected (--reason): it is stored with every quarantined row")
    # A copy of the file under another name has a 'duplicate' row with the same batch id: the load counts.
    row = fetch_one(con, f"""select entity, source_file, status, rows_loaded from {RAW_SCHEMA}.ingestion_files
                              where batch_id = ? order by (status = 'loaded') desc, finished_at desc limit 1""",
                    [batch_id])
    if row is None:
        raise BatchError(f"no batch {batch_id!r} in {RAW_SCHEMA}.ingestion_files (list them: trm batches)")
    entity, source_file, status, rows_loaded = row
    if status != "loaded":
        raise BatchError(f"batch {batch_id} of {entity} is {status!r}, not 'loaded': nothing to reject")
    if not table_exists(con, RAW_SCHEMA, entity):
        raise BatchError(f"raw table {RAW_SCHEMA}.{entity} does not exist")
    source = entity.split("__", 1)[0]
    table = f"{RAW_SCHEMA}.{entity}"
    columns = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [RAW_SCHEMA, entity]).fetchall() if c not in LINEAGE]
    record = "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in columns) + "))"
    con.execute("begin")
    try:
        moved = con.execute(
            f"""insert into {RAW_SCHEMA}.quarantine (source, entity, source_file, row_number, reason, raw_record,
                                                     batch_id, quarantined_at)
                select ?, ?, _source_file, _row_number, ?, {record}::varchar, _batch_id, now()
                from {table} where _batch_id = ?""",
            [source, entity, f"batch rejected: {reason.strip()}", batch_id]).fetchone()[0]
        if moved != rows_loaded:  # the ledger and the table disagree: change nothing, say so
            raise BatchError(f"batch {batch_id} has {moved} rows in {table} but the ledger says {rows_loaded} "
                             "were loaded; nothing was changed")
        con.execute(f"delete from {table} where _batch_id = ?", [batch_id])
        reopen_for_rejected_batch(con, entity, batch_id)  # a bad snapshot must not close anyone
        con.execute(f"""update {RAW_SCHEMA}.ingestion_files
                        set status = 'rejected', rows_quarantined = rows_quarantined + ?, rows_loaded = 0, error = ?
                        where batch_id = ? and status = 'loaded'""",
                    [moved, f"rejected by an operator: {reason.strip()}", batch_id])
        if log_event is not None:
            log_event(con, {"batch_id": batch_id, "entity": entity, "source_file": source_file, "rows_moved": moved})
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return Rejection(batch_id, entity, source_file, int(moved))
