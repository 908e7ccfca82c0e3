"""Writes of the loader: rows to ``raw.<entity>``, rejects to ``raw.quarantine``, the ledger row of a file, and the
rows actually stored per batch (the ledger counts what was stored, not what the reader said)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

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

def insert_rows(con: duckdb.DuckDBPyConnection, contract: EntityContract, frame: pd.DataFrame,
                batch_ids: dict[str, str]) -> None:
    if frame.empty:
        return
    frame = frame.assign(_batch_id=frame[SOURCE_FILE].map(batch_ids))
    columns = contract.column_names
    hashed = ", ".join(f"coalesce(cast(\"{c}\" as varchar), '\\N')" for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.register("_incoming", frame)
    try:
        con.execute(
            f"""insert into {RAW_SCHEMA}.{contract.name}
                ({quoted}, _batch_id, _source_file, _row_number, _loaded_at, _row_hash)
                select {quoted}, _batch_id, {SOURCE_FILE}, {ROW_NUMBER}, current_timestamp,
                       md5(concat_ws(chr(31), {hashed}))
                from _incoming"""
        )
    finally:
        con.unregister("_incoming")

def insert_rejects(con: duckdb.DuckDBPyConnection, contract: EntityContract, rejects: list[Reject],
                   batch_ids: dict[str, str]) -> None:
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
            f"""insert into {RAW_SCHEMA}.quarantine
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
