"""Full snapshots: a record missing from the latest complete export was deleted at the source.

An entity whose contract (or mapping file spec) says ``load: full_snapshot`` sends every current record in every
export. When a run loads such an export, the keys the warehouse currently holds for the entity but the export does
not are *closed*: a row in ``raw.source_deletions`` (the key, the run, when) that staging applies, so marts stop
counting the record; the raw rows stay (raw is append-only), and a later export that holds the key again reopens it
(its rows are newer than the closing).

Only a *complete* snapshot closes anything. A snapshot is incomplete when one of its files failed, or when a row
was quarantined without a readable key (it could be any record): then nothing is closed and the reason is recorded
in ``raw.source_snapshots``. Keys of rows quarantined with a readable key count as present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from ingestion.contracts import DUCKDB_TYPES, EntityContract
from ingestion.warehouse import DELETIONS, RAW_SCHEMA, SNAPSHOTS


@dataclass
class SnapshotParts:
    """What one run's files of one full-snapshot file spec brought, collected while they load."""

    batches: list[str] = field(default_factory=list)
    reject_keys: list[tuple] = field(default_factory=list)  # keys of quarantined rows (present in the export)
    keyless: int = 0  # quarantined rows without a readable key
    failed: list[str] = field(default_factory=list)  # files of the snapshot that could not be loaded


@dataclass(frozen=True)
class SnapshotReport:
    complete: bool
    keys_present: int
    keys_closed: int
    note: str = ""


def record_key_sql(columns: tuple[str, ...] | list[str], alias: str | None = None) -> str:
    """The text form of a key; dbt's macro ``record_key`` renders the same expression for staging."""
    prefix = f"{alias}." if alias else ""
    return " || '|' || ".join(f'cast({prefix}"{c}" as varchar)' for c in columns)


def close_absent_keys(con: duckdb.DuckDBPyConnection, contract: EntityContract, run_id: str | None,
                      batch_ids: list[str], reject_keys: list[tuple], keyless_rejects: int,
                      failed_files: list[str], scope_files: list[str] | None = None) -> SnapshotReport:
    """Close the keys the latest snapshot (``batch_ids``, loaded by this run) no longer holds, in one transaction.

    ``scope_files``: the loaded files whose keys the snapshot speaks for (default: all of the entity's); keys last
    seen only in other files are left alone."""
    keys = contract.primary_key
    key = record_key_sql(keys)
    table = f"{RAW_SCHEMA}.{contract.name}"
    batches = "(select unnest(?::varchar[]))"
    rows_loaded = con.execute(f"select count(*) from {table} where _batch_id in {batches}", [batch_ids]).fetchall()[0][0]
    note = ""
    if failed_files:
        note = f"incomplete: file(s) not loaded ({', '.join(failed_files[:3])}); nothing closed"
    elif keyless_rejects:
        note = (f"incomplete: {keyless_rejects} quarantined row(s) without a readable key could be any record; "
                "nothing closed")
    elif rows_loaded == 0 and not reject_keys:
        note = "empty snapshot: nothing closed (an empty export is a failed export, not a deletion of everyone)"
    con.execute("begin")
    try:
        present = con.execute(f"select count(distinct {key}) from {table} where _batch_id in {batches}",
                              [batch_ids]).fetchall()[0][0]
        closed = 0
        if not note:
            frame = pd.DataFrame(reject_keys, columns=list(keys)) if reject_keys else None
            quarantined = ""
            if frame is not None:
                typed = ", ".join(f'cast("{c}" as {DUCKDB_TYPES[contract.column(c).type]}) as "{c}"' for c in keys)
                con.register("_snapshot_rejects", frame)
                quarantined = f"union select {record_key_sql(keys, 'q')} from (select {typed} from _snapshot_rejects) as q"
            scope = "" if scope_files is None else "and _source_file in (select unnest(?::varchar[]))"
            current = f"""
                with seen as (
                    select {key} as record_key, max(_loaded_at) as last_seen from {table}
                    where _batch_id not in {batches} {scope} group by 1),
                closings as (
                    select record_key, max(closed_at) as closed_at from {DELETIONS} where entity = ? group by 1),
                open_keys as (
                    select s.record_key from seen as s left join closings as c using (record_key)
                    where c.closed_at is null or s.last_seen > c.closed_at),
                present as (
                    select {key} as record_key from {table} where _batch_id in {batches} {quarantined})
                select record_key from open_keys where record_key not in (select record_key from present)"""
            closed = con.execute(f"""insert into {DELETIONS}
                                     select ?, record_key, ?, cast(now() at time zone 'UTC' as date), now()
                                     from ({current}) as absent""",
                                 [contract.name, run_id or "", batch_ids,
                                  *([] if scope_files is None else [scope_files]), contract.name,
                                  batch_ids]).fetchall()[0][0]
            if frame is not None:
                con.unregister("_snapshot_rejects")
        con.execute(f"insert into {SNAPSHOTS} values (?, ?, ?, ?, ?, ?, ?, ?, now())",
                    [contract.name, run_id or "", ",".join(batch_ids), rows_loaded, present, closed, not note,
                     note or None])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return SnapshotReport(not note, int(present), int(closed), note)


def reopen_for_rejected_batch(con: duckdb.DuckDBPyConnection, entity: str, batch_id: str) -> int:
    """A rejected batch was not a real snapshot: undo the closings it caused (inside the caller's transaction)."""
    runs = [r for (r,) in con.execute(
        f"select run_id from {SNAPSHOTS} where entity = ? and list_contains(string_split(batch_ids, ','), ?)",
        [entity, batch_id]).fetchall()]
    if not runs:
        return 0
    reopened = con.execute(f"delete from {DELETIONS} where entity = ? and snapshot_run_id in (select unnest(?::varchar[]))",
                           [entity, runs]).fetchall()[0][0]
    con.execute(f"update {SNAPSHOTS} set keys_closed = 0, note = 'batch ' || ? || ' rejected: closings undone' "
                "where entity = ? and run_id in (select unnest(?::varchar[]))", [batch_id, entity, runs])
    return int(reopened)
