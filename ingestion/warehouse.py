"""DDL and small helpers for the ``raw`` schema of the DuckDB warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingestion.contracts import DUCKDB_TYPES, EntityContract

RAW_SCHEMA = "raw"
# Where the ML steps write their outputs (scores, features); dbt reads them as sources.
ML_SCHEMA = "ml"
LINEAGE_COLUMNS = {
    "_batch_id": "VARCHAR",
    "_source_file": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMPTZ",
    "_row_hash": "VARCHAR",
}
QUARANTINE_DDL = f"""
create table if not exists {RAW_SCHEMA}.quarantine (
    source varchar not null,
    entity varchar not null,
    source_file varchar not null,
    row_number bigint,
    reason varchar not null,
    raw_record varchar,
    batch_id varchar not null,
    quarantined_at timestamptz not null
)"""
LEDGER_DDL = f"""
create table if not exists {RAW_SCHEMA}.ingestion_files (
    batch_id varchar not null,
    entity varchar not null,
    source_file varchar not null,
    content_hash varchar not null,
    file_bytes bigint,
    encoding varchar,
    status varchar not null,           -- loaded | duplicate | failed
    duplicate_of varchar,
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    unmapped_columns varchar,
    error varchar,
    run_id varchar,
    started_at timestamptz,
    finished_at timestamptz,
    rows_suppressed bigint default 0   -- rows of erased people dropped at load (privacy/suppression.py)
)"""

# Full snapshots (ingestion/snapshots.py): keys closed because the latest complete export no longer held them, and
# every snapshot load with whether it was complete. Always created: staging reads the closings as a dbt source.
DELETIONS = f"{RAW_SCHEMA}.source_deletions"
SNAPSHOTS = f"{RAW_SCHEMA}.source_snapshots"
SNAPSHOT_DDL = [
    f"""create table if not exists {DELETIONS} (
        entity varchar not null,
        record_key varchar not null,       -- the primary key values joined by '|' (see record_key_sql)
        snapshot_run_id varchar not null,  -- the ingestion run whose snapshot no longer held the key
        deleted_on date not null,          -- the day TRM learned of the deletion (UTC)
        closed_at timestamptz not null)""",
    f"""create table if not exists {SNAPSHOTS} (
        entity varchar not null,
        run_id varchar not null,
        batch_ids varchar not null,        -- comma-separated batches of the snapshot's files
        rows_loaded bigint,
        keys_present bigint,
        keys_closed bigint,
        complete boolean not null,
        note varchar,
        recorded_at timestamptz not null)""",
]


def sql_literal(text: str) -> str:
    """A SQL string literal (for DDL such as ATTACH and COMMENT, which take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


# DuckDB limits of every connection this process opens (memory_limit, threads): set once by the
# process's entry point from its settings (configure_engine). Applied with SET after connecting rather than as
# connect-time config: DuckDB shares one database instance between the connections of a process, refuses a second
# connection whose config differs from the first, and these settings are the instance's anyway.
_ENGINE_CONFIG: dict[str, str | int] = {}


def configure_engine(config: dict[str, str | int]) -> None:
    """Use these DuckDB settings (Settings.duckdb_config()) for every later connection of this process."""
    _ENGINE_CONFIG.clear()
    _ENGINE_CONFIG.update(config)


def apply_engine_limits(con: duckdb.DuckDBPyConnection) -> None:
    for name, value in _ENGINE_CONFIG.items():
        con.execute(f"set {name} = {sql_literal(str(value)) if isinstance(value, str) else int(value)}")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not Path(path).exists():
        raise FileNotFoundError(f"warehouse {path} does not exist yet; run `trm run` first")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    apply_engine_limits(con)
    con.execute("set TimeZone = 'UTC'")  # row hashes and loaded_at must not depend on the machine's zone
    return con


# What a sandboxed reader may not do: touch any file but the one it opened (read_csv, read_text, glob, COPY TO,
# EXPORT, ATTACH of another database), install or load extensions, or change a setting afterwards.
# (enable_external_access is switched off once the files are open: connect_sandboxed.)
SANDBOX_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


def connect_sandboxed(path: Path, attach: dict[str, Path] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``path`` (and the databases in ``attach``, read-only, under those names) that can
    read them and nothing else on the machine.

    For queries written by people (`trm sql`): DuckDB's own sandbox (external access off once the files are open,
    then the configuration locked), not a filter on the SQL text, which a creative query gets around. DuckDB still
    spills to ``<path>.tmp`` under the memory limit (its own temporary files, not reachable from SQL)."""
    for file in [path, *(attach or {}).values()]:
        if not Path(file).exists():
            raise FileNotFoundError(f"{file} does not exist yet; run `trm run` first")
    config = {name: value for name, value in _ENGINE_CONFIG.items() if name != "temp_directory"}
    con = duckdb.connect(str(path), read_only=True, config={**config, **SANDBOX_CONFIG})
    for name, file in (attach or {}).items():
        con.execute(f"attach {sql_literal(str(file))} as {name} (read_only)")
    con.execute("set enable_external_access = false")
    con.execute("set TimeZone = 'UTC'")
    con.execute("set lock_configuration = true")
    return con


@contextmanager
def opened(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse at ``path`` for the length of a ``with`` block (closed even on error)."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(QUARANTINE_DDL)
    con.execute(LEDGER_DDL)
    # ledgers written before erasure existed lack the column (raw tables only ever grow)
    con.execute(f"alter table {RAW_SCHEMA}.ingestion_files add column if not exists rows_suppressed bigint default 0")
    for statement in SNAPSHOT_DDL:
        con.execute(statement)


def ensure_entity_table(con: duckdb.DuckDBPyConnection, contract: EntityContract) -> None:
    """Create the raw table, or add columns a newer contract declares (raw tables only ever grow)."""
    columns = {c.name: DUCKDB_TYPES[c.type] for c in contract.columns} | LINEAGE_COLUMNS
    table = f"{RAW_SCHEMA}.{contract.name}"
    existing = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [RAW_SCHEMA, contract.name],
        ).fetchall()
    }
    if not existing:
        ddl = ",\n    ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
        con.execute(f"create table {table} (\n    {ddl}\n)")
        return
    for name, sql_type in columns.items():
        if name not in existing:
            con.execute(f'alter table {table} add column "{name}" {sql_type}')


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [RAW_SCHEMA],
    ).fetchall()
    return {t: fetch_one(con, f'select count(*) from {RAW_SCHEMA}."{t}"')[0] for (t,) in tables}


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """First row of a query, reading the result to the end: DuckDB 2.0 refuses further ``con.sql`` calls
    while an ``execute`` result is only partly fetched (``fetchone``)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(fetch_one(con, "select count(*) from information_schema.tables where table_schema = ? "
                               "and table_name = ?", [schema, table])[0])


def compact_database(path: Path) -> tuple[int, int]:
    """Rewrite a DuckDB file into a fresh one and swap it in: deleted rows' bytes stay in a file's free blocks until
    reused, so after an erasure the file is copied table by table (COPY FROM DATABASE) and the copy renamed over
    it. Needs every other connection closed (callers hold the run lock). Returns (bytes before, bytes after)."""
    path = Path(path)
    fresh = path.with_name(f".{path.name}.compact.tmp")
    fresh.unlink(missing_ok=True)
    before = path.stat().st_size
    con = duckdb.connect()
    try:
        apply_engine_limits(con)
        con.execute(f"attach {sql_literal(str(path))} as old_db (read_only)")
        con.execute(f"attach {sql_literal(str(fresh))} as new_db")
        con.execute("copy from database old_db to new_db")
        con.execute("detach new_db")
        con.execute("detach old_db")
    except Exception:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.chmod(fresh, path.stat().st_mode & 0o777)
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return before, path.stat().st_size
