"""Writes of the loader: rows to ``raw.<entity>``, rejects to ``raw.quarantine``, the ledger row of a file, and the
rows actually stored per batch (the ledger counts what was stored, not what the reader said).

Pieces of a chunk of files are first appended to loading tables (``raw_loading.<entity>`` and its ``__quarantine``),
each append committed on its own; one transaction then moves them into raw and the quarantine and writes the
ledger. DuckDB holds rows appended inside an open transaction in memory until the commit (about 250 bytes per row,
outside its memory limit): a 4M-row file in one transaction of appends grew the process by a gigabyte, while one
INSERT … SELECT of the same rows writes row groups as it goes. A crash leaves only loading tables, replaced when
the entity loads next."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ingestion.contracts import EntityContract
from ingestion.load_reports import FileReport
from ingestion.read_results import ROW_NUMBER, Reject
from ingestion.row_guards import mask_ids, shorten
from ingestion.validate import SOURCE_FILE
from ingestion.warehouse import RAW_SCHEMA


def stored_counts(con: duckdb.DuckDBPyConnection, contract: EntityContract, batch_ids: list[str]) -> dict[str, tuple[int, int]]:
    """batch id -> (rows in the raw table, rows in quarantine)."""
    counts: dict[str, list[int]] = {b: [0, 0] for b in batch_ids}
    for batch, n in con.execute(
            f"select _batch_id, count(*) from {RAW_SCHEMA}.{contract.name} "
            "where _batch_id in (select unnest(?::varchar[])) group by 1", [batch_ids]).fetchall():
        counts[batch][0] = n
    for batch, n in con.execute(
            f"select batch_id, count(*) from {RAW_SCHEMA}.quarantine where entity = ? "
            "and batch_id in (select unnest(?::varchar[])) group by 1", [contract.name, batch_ids]).fetchall():
        counts[batch][1] = n
    return {b: (c[0], c[1]) for b, c in counts.items()}


LOADING_SCHEMA = "raw_loading"


def loading_tables(contract: EntityContract) -> tuple[str, str]:
    """The loading tables of an entity: rows, rejects."""
    return f"{LOADING_SCHEMA}.{contract.name}", f"{LOADING_SCHEMA}.{contract.name}__quarantine"


def start_loading(con: duckdb.DuckDBPyConnection, contract: EntityContract) -> tuple[str, str]:
    """Empty loading tables shaped like the raw table and the quarantine (a crash's leftovers are replaced)."""
    rows, rejects = loading_tables(contract)
    con.execute(f"create schema if not exists {LOADING_SCHEMA}")
    con.execute(f"create or replace table {rows} as select * from {RAW_SCHEMA}.{contract.name} limit 0")
    con.execute(f"create or replace table {rejects} as select * from {RAW_SCHEMA}.quarantine limit 0")
    return rows, rejects


def finish_loading(con: duckdb.DuckDBPyConnection, contract: EntityContract) -> None:
    """Move the loading tables' rows into raw and the quarantine (in the caller's transaction), all with the
    transaction's time as their load time, as when they were written in it."""
    rows, rejects = loading_tables(contract)
    con.execute(f"insert into {RAW_SCHEMA}.{contract.name} select * replace (current_timestamp as _loaded_at) "
                f"from {rows}")
    con.execute(f"insert into {RAW_SCHEMA}.quarantine select * replace (current_timestamp as quarantined_at) "
                f"from {rejects}")


def drop_loading(con: duckdb.DuckDBPyConnection, contract: EntityContract) -> None:
    for table in loading_tables(contract):
        con.execute(f"drop table if exists {table}")


def insert_rows(con: duckdb.DuckDBPyConnection, contract: EntityContract, frame: pd.DataFrame,
                batch_ids: dict[str, str], table: str) -> None:
    if frame.empty:
        return
    frame = frame.assign(_batch_id=frame[SOURCE_FILE].map(batch_ids))
    columns = contract.column_names
    hashed = ", ".join(f"coalesce(cast(\"{c}\" as varchar), '\\N')" for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    # Registered as Arrow: a pandas scan of text columns cost more memory per row than the rows themselves.
    con.register("_incoming", pa.Table.from_pandas(frame, preserve_index=False))
    try:
        con.execute(
            f"""insert into {table}
                ({quoted}, _batch_id, _source_file, _row_number, _loaded_at, _row_hash)
                select {quoted}, _batch_id, {SOURCE_FILE}, {ROW_NUMBER}, current_timestamp,
                       md5(concat_ws(chr(31), {hashed}))
                from _incoming"""
        )
    finally:
        con.unregister("_incoming")


def insert_rejects(con: duckdb.DuckDBPyConnection, contract: EntityContract, rejects: list[Reject],
                   batch_ids: dict[str, str], table: str) -> None:
    if not rejects:
        return
    has_pii = any(c.pii == "national_id" for c in contract.columns)
    frame = pd.DataFrame(
        {
            "source": contract.source,
            "entity": contract.name,
            "source_file": [r.source_file for r in rejects],
            "row_number": pd.array([r.row_number for r in rejects], dtype="Int64"),
            "reason": [r.reason for r in rejects],
            "raw_record": [shorten(mask_ids(r.raw_record) if has_pii else r.raw_record) for r in rejects],
            "batch_id": [batch_ids[r.source_file] for r in rejects],
        }
    )
    con.register("_rejects", frame)
    try:
        con.execute(
            f"""insert into {table}
                select source, entity, source_file, row_number, reason, raw_record, batch_id, current_timestamp
                from _rejects"""
        )
    finally:
        con.unregister("_rejects")


def write_ledger(con: duckdb.DuckDBPyConnection, contract: EntityContract, run_id: str | None, report: FileReport,
                 batch_id: str, digest: str, path: Path, encoding: str | None, started: pd.Timestamp) -> None:
    con.execute(
        f"""insert into {RAW_SCHEMA}.ingestion_files
            (batch_id, entity, source_file, content_hash, file_bytes, encoding, status, duplicate_of, rows_read,
             rows_loaded, rows_quarantined, unmapped_columns, error, run_id, started_at, finished_at,
             rows_suppressed)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, ?)""",
        [batch_id, contract.name, report.source_file, digest, path.stat().st_size, encoding,
         report.status, report.duplicate_of, report.rows_read, report.rows_loaded, report.rows_quarantined,
         ",".join(report.unmapped_columns) or None, report.error, run_id, started.to_pydatetime(),
         report.rows_suppressed],
    )
