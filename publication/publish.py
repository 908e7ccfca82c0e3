"""Write-audit-publish: copy the BI-facing marts into a new DuckDB file, audit it, then rename it into place.

Readers (BI tools, analysts, `trm sql`) open ``published.duckdb`` read-only. A rename replaces the directory entry
atomically: a reader that already has the file open keeps reading the previous publication (its inode), a reader
that opens it afterwards gets the new one; nobody ever sees half a publication, and nobody holds the writer's lock.
The previous file is never opened for writing, so a failed audit leaves it byte-for-byte unchanged.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.warehouse import connect, sql_literal
from operations.file_modes import share_with_group

PUBLICATION_SCHEMA = "publication"
# Marts are built in the target schema; `restricted` holds direct identifiers and is never published.
MARTS_PATH = "models/marts/"
NOT_PUBLISHED_SCHEMAS = {"restricted"}
KEEP_PARQUET_PUBLICATIONS = 3


def publication_ddl(catalog: str) -> list[str]:
    """The publication's own record tables, in the attached database ``catalog``."""
    schema = f"{catalog}.{PUBLICATION_SCHEMA}"
    return [
        f"create schema if not exists {schema}",
        f"""create table if not exists {schema}.runs (
            run_id varchar not null, published_at timestamptz not null, as_of_date date, tables integer,
            total_rows bigint, checks_passed integer, checks_warned integer, checks_failed integer,
            model_versions varchar, source_warehouse varchar)""",
        f"""create table if not exists {schema}.tables (
            run_id varchar not null, table_name varchar not null, area varchar, row_count bigint,
            column_count integer, description varchar, fingerprint varchar)""",
        # Publications written before fingerprints (audit heads) existed gain the column when carried over.
        f"alter table {schema}.tables add column if not exists fingerprint varchar",
        f"alter table {schema}.runs add column if not exists audit_head varchar",
        f"""create table if not exists {schema}.checks (
            run_id varchar not null, target varchar, check_name varchar not null, severity varchar,
            passed boolean, detail varchar)""",
    ]


class PublishBlocked(RuntimeError):
    """The candidate publication failed its audit; the previous publication is untouched."""


@dataclass(frozen=True)
class PublishedTable:
    """One BI-facing mart: its name (same in both files), the mart area and its documentation."""

    name: str
    area: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    # Columns kept in the warehouse but left out of the publication (column `meta: {publish: false}`).
    withheld: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckRecord:
    target: str
    check_name: str
    severity: str  # ERROR (blocking) or WARN
    passed: bool
    detail: str = ""


@dataclass
class PublicationRecord:
    run_id: str
    as_of_date: dt.date | None = None
    checks: list[CheckRecord] = field(default_factory=list)
    model_versions: dict[str, str] = field(default_factory=dict)
    published_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    # The head of the warehouse's audit log when this publication was made (operations/audit_log.py): a second
    # copy of the chain's end, so events cut off the log show in `trm audit verify`.
    audit_head: str | None = None


@dataclass(frozen=True)
class PublicationResult:
    path: Path
    row_counts: dict[str, int]
    seconds: float
    parquet_dir: Path | None = None
    # Tables written tonight; the others were carried over from the previous publication unchanged.
    rewritten: tuple[str, ...] = ()


def bi_tables(manifest_path: Path) -> list[PublishedTable]:
    """Every dbt model under models/marts/ outside the restricted schema, unless its config says
    ``meta: {publish: false}``; descriptions come along so BI tools show them. A column whose meta says
    ``publish: false`` (e.g. a source system's employee number, which re-identifies a person for anyone with
    HRIS access) stays in the warehouse and is withheld from the publication."""
    manifest = json.loads(Path(manifest_path).read_text())
    tables = []
    for node in manifest["nodes"].values():
        config = node.get("config", {})
        if (node["resource_type"] != "model" or not node["original_file_path"].startswith(MARTS_PATH)
                or node.get("schema") in NOT_PUBLISHED_SCHEMAS or config.get("materialized") == "ephemeral"
                or (config.get("meta") or {}).get("publish") is False):
            continue
        area = Path(node["original_file_path"]).parts[2]
        columns = {name: col.get("description", "") for name, col in node.get("columns", {}).items()}
        withheld = tuple(name for name, col in node.get("columns", {}).items()
                         if ((col.get("meta") or {}) | (col.get("config", {}).get("meta") or {})).get("publish")
                         is False)
        tables.append(PublishedTable(node["alias"] or node["name"], area, node.get("description", ""), columns,
                                     withheld))
    return sorted(tables, key=lambda t: t.name)


def restricted_tables(manifest_path: Path) -> list[PublishedTable]:
    """The models of the restricted schema (direct identifiers per person_key): the HR-only publication."""
    manifest = json.loads(Path(manifest_path).read_text())
    return sorted((PublishedTable(node["alias"] or node["name"], "restricted", node.get("description", ""),
                                  {name: col.get("description", "") for name, col in node.get("columns", {}).items()})
                   for node in manifest["nodes"].values()
                   if node["resource_type"] == "model" and node.get("schema") in NOT_PUBLISHED_SCHEMAS),
                  key=lambda t: t.name)


def _existing_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables where table_catalog = ? and "
                       "table_schema = ?", [catalog, schema]).fetchall()
    return {r[0] for r in rows}


def _withheld(table: PublishedTable) -> str:
    return f" exclude ({', '.join(chr(34) + c + chr(34) for c in table.withheld)})" if table.withheld else ""


def fingerprints(con: duckdb.DuckDBPyConnection, tables: Sequence[PublishedTable],
                 source_schema: str = "main") -> dict[str, str]:
    """What each table would publish: its rows (count and an order-free sum of row hashes, so a duplicated row
    counts), its columns and types, and its documentation. Equal fingerprints: the previous publication already
    holds exactly this table. One scan per mart, far cheaper than writing it again."""
    result = {}
    for table in tables:
        rows, digest = con.execute(
            f'select count(*), coalesce(sum(hash(s)::hugeint), 0)::varchar '
            f'from (select *{_withheld(table)} from {source_schema}."{table.name}") as s').fetchone()
        columns = con.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = "
            "current_database() and table_schema = ? and table_name = ? order by ordinal_position",
            [source_schema, table.name]).fetchall()
        shape = json.dumps([rows, digest, columns, table.withheld, table.description, sorted(table.columns.items())],
                           default=str, ensure_ascii=False)
        result[table.name] = hashlib.sha256(shape.encode()).hexdigest()
    return result


def _previous_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Fingerprints of the tables of the publication the candidate was copied from ({} when it has none)."""
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_catalog = 'pub' and table_schema = ? "
        "and table_name = 'tables'", [PUBLICATION_SCHEMA]).fetchall()}
    if "fingerprint" not in columns:
        return {}
    return dict(con.execute(
        f"""select table_name, fingerprint from pub.{PUBLICATION_SCHEMA}.tables
            where run_id = (select run_id from pub.{PUBLICATION_SCHEMA}.runs order by published_at desc limit 1)
              and fingerprint is not null""").fetchall())


def _require_marts(con: duckdb.DuckDBPyConnection, tables: Sequence[PublishedTable], source_schema: str) -> None:
    available = _existing_tables(con, con.execute("select current_database()").fetchone()[0], source_schema)
    missing = [t.name for t in tables if t.name not in available]
    if missing:
        raise PublishBlocked(f"{len(missing)} mart(s) are not in the warehouse, so the publication would be "
                             f"incomplete: {', '.join(missing[:10])}. Build them (trm run) first.")


def _copy_marts(con: duckdb.DuckDBPyConnection, tables: Sequence[PublishedTable], source_schema: str,
                progress: Callable[[str], None], tonight: dict[str, str],
                previous: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Write every table whose fingerprint changed into the candidate (which may start as a copy of the previous
    publication); drop what is no longer published. Returns the row counts and the tables written."""
    held = _existing_tables(con, "pub", "main")
    for gone in sorted(held - {t.name for t in tables}):
        con.execute(f'drop table pub.main."{gone}"')
    counts, rewritten = {}, []
    for table in tables:
        if table.name in held and previous.get(table.name) == tonight[table.name]:
            counts[table.name] = con.execute(f'select count(*) from pub.main."{table.name}"').fetchone()[0]
            progress(f"unchanged {table.name}: {counts[table.name]:,} rows")
            continue
        con.execute(f'drop table if exists pub.main."{table.name}"')
        con.execute(f'create table pub.main."{table.name}" as '
                    f'select *{_withheld(table)} from {source_schema}."{table.name}"')
        if table.description:
            con.execute(f'comment on table pub.main."{table.name}" is {sql_literal(table.description)}')
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_catalog = 'pub' and table_name = ?",
            [table.name]).fetchall()}
        for column, text in table.columns.items():
            if text and column in columns:
                con.execute(f'comment on column pub.main."{table.name}"."{column}" is {sql_literal(text)}')
        counts[table.name] = con.execute(f'select count(*) from pub.main."{table.name}"').fetchone()[0]
        rewritten.append(table.name)
        progress(f"published {table.name}: {counts[table.name]:,} rows")
    return counts, rewritten


def _write_record(con: duckdb.DuckDBPyConnection, previous: Path | None, record: PublicationRecord,
                  tables: Sequence[PublishedTable], counts: dict[str, int], tonight: dict[str, str]) -> None:
    """Add this publication to publication.runs/tables/checks; ``previous``: a file whose records to carry over
    (None when the candidate is a copy of it and holds them already)."""
    for ddl in publication_ddl("pub"):
        con.execute(ddl)
    if previous is not None and previous.exists():
        # Earlier publications' records carry over; the old file is attached read-only and never changed.
        con.execute(f"attach {sql_literal(str(previous))} as prev (read_only)")
        try:
            prev_tables = _existing_tables(con, "prev", PUBLICATION_SCHEMA)
            for name in ("runs", "tables", "checks"):
                if name in prev_tables:
                    con.execute(f"insert into pub.{PUBLICATION_SCHEMA}.{name} by name "
                                f"select * from prev.{PUBLICATION_SCHEMA}.{name}")
        finally:
            con.execute("detach prev")
    failed = sum(1 for c in record.checks if not c.passed and c.severity == "ERROR")
    warned = sum(1 for c in record.checks if not c.passed and c.severity != "ERROR")
    con.execute(f"""insert into pub.{PUBLICATION_SCHEMA}.runs by name
                    select ? as run_id, ? as published_at, ? as as_of_date, ? as tables, ? as total_rows,
                           ? as checks_passed, ? as checks_warned, ? as checks_failed, ? as model_versions,
                           ? as source_warehouse, ? as audit_head""", [
        record.run_id, record.published_at, record.as_of_date, len(counts), sum(counts.values()),
        len(record.checks) - failed - warned, warned, failed, json.dumps(record.model_versions, sort_keys=True),
        None, record.audit_head])
    con.executemany(f"insert into pub.{PUBLICATION_SCHEMA}.tables by name select ? as run_id, ? as table_name, "
                    "? as area, ? as row_count, ? as description, ? as fingerprint", [
                        [record.run_id, t.name, t.area, counts[t.name], t.description, tonight[t.name]]
                        for t in tables])
    con.execute(f"""update pub.{PUBLICATION_SCHEMA}.tables t set column_count = c.n
                    from (select table_name, count(*) n from information_schema.columns
                          where table_catalog = 'pub' and table_schema = 'main' group by 1) c
                    where t.table_name = c.table_name and t.run_id = ?""", [record.run_id])
    if record.checks:
        con.executemany(f"insert into pub.{PUBLICATION_SCHEMA}.checks values (?, ?, ?, ?, ?, ?)", [
            [record.run_id, c.target, c.check_name, c.severity, c.passed, c.detail[:2000]] for c in record.checks])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_parquet(source: Path, tables: Sequence[str], parquet_root: Path, run_id: str,
                   rewritten: set[str] | None = None, share_with: str | None = None) -> Path:
    """Parquet per mart in ``parquet_root/<time>-<run>/``, then ``current`` (a symlink) swapped atomically.
    Tables not in ``rewritten`` (None: all are) are hard links to the current folder's files when it has them:
    the same bytes, no copy, and each folder stays whole on its own when older ones are removed."""
    parquet_root.mkdir(parents=True, exist_ok=True)
    for leftover in parquet_root.glob(".*"):  # staging folders and links of runs killed midway
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{run_id[:8]}"
    staging = parquet_root / f".{stamp}.tmp"
    staging.mkdir()
    current = parquet_root / "current"
    con = connect(source, read_only=True)
    try:
        for name in tables:
            kept = current / f"{name}.parquet"
            if rewritten is not None and name not in rewritten and kept.exists():
                os.link(kept.resolve(), staging / f"{name}.parquet")
                continue
            target = sql_literal(str(staging / f"{name}.parquet"))
            con.execute(f'copy (select * from main."{name}") to {target} (format parquet)')
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    if share_with:
        share_with_group(parquet_root, share_with)
    final = parquet_root / stamp
    staging.rename(final)
    link = parquet_root / f".current.{run_id[:8]}"
    link.unlink(missing_ok=True)
    link.symlink_to(final.name)
    os.replace(link, parquet_root / "current")
    older = sorted(p for p in parquet_root.iterdir() if p.is_dir() and not p.is_symlink()
                   and not p.name.startswith(".") and p.name != final.name)
    for stale in older[:-(KEEP_PARQUET_PUBLICATIONS - 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    return parquet_root / "current"


def mostly_free(path: Path) -> bool:
    """True when the file is more than twice the size of the blocks it uses. Each carried night copies the file and
    rewrites the changed marts; DuckDB reuses freed blocks but only gives back those at the end of the file, so a
    publication grows towards its data plus the largest rewrite (912 MB -> 1.6 GB over two 10k nights). Past that,
    the next publication is written fresh instead."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        block_size, used = con.execute("select block_size, used_blocks from pragma_database_size()").fetchone()
    finally:
        con.close()
    return Path(path).stat().st_size > 2 * used * block_size


def _attached(warehouse: Path, candidate: Path):
    con = connect(warehouse, read_only=True)
    con.execute(f"attach {sql_literal(str(candidate))} as pub (read_write)")
    return con


def _remove_leftovers(published: Path) -> None:
    """Candidates of runs that were killed midway (each a full copy of the marts)."""
    for leftover in published.parent.glob(f".{published.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def publish(warehouse: Path, published: Path, tables: Sequence[PublishedTable], record: PublicationRecord, *,
            audit: Callable[[Path], None] | None = None, parquet_dir: Path | None = None,
            source_schema: str = "main", progress: Callable[[str], None] = lambda _msg: None,
            rewrite_all: bool = False, share_with: str | None = None) -> PublicationResult:
    """Write the candidate next to ``published``, run ``audit(candidate)`` (raise PublishBlocked to stop; it may
    add to ``record.checks``), record the publication in it, then rename it into place. Any failure removes the
    candidate and leaves the previous publication as it was. One publisher at a time (a file lock), so two
    overlapping runs cannot interleave their records or put an older publication back.

    The candidate starts as a file copy of the previous publication, and only the marts whose fingerprint changed
    are written again (a night that changes a few marts costs a file copy and those marts, not every table
    re-encoded). ``rewrite_all`` (the full-refresh nights) writes a fresh file instead, which also compacts it; so
    does a night whose previous file is more than half free blocks (``mostly_free``).
    ``share_with``: a Unix group given read access before the rename (TRM_PUBLICATION_GROUP), so its readers never
    meet an owner-only publication."""
    started = dt.datetime.now()
    published = Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    candidate = published.with_name(f".{published.name}.{record.run_id[:12]}.tmp")
    with (published.parent / f".{published.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _remove_leftovers(published)
        try:
            carried = published.exists() and not rewrite_all and not mostly_free(published)
            if carried:
                shutil.copyfile(published, candidate)
            con = _attached(warehouse, candidate)
            try:
                _require_marts(con, tables, source_schema)
                tonight = fingerprints(con, tables, source_schema)
                previous = _previous_fingerprints(con) if carried else {}
                counts, rewritten = _copy_marts(con, tables, source_schema, progress, tonight, previous)
                con.execute("detach pub")  # checkpoints the candidate: no WAL file is left beside it
            finally:
                con.close()
            if audit is not None:
                audit(candidate)
            con = _attached(warehouse, candidate)
            try:
                _write_record(con, None if carried else published, record, tables, counts, tonight)
                con.execute("detach pub")
            finally:
                con.close()
            if share_with:
                share_with_group(candidate, share_with)
            _fsync(candidate)
            os.replace(candidate, published)
            _fsync(published.parent)
        except BaseException:
            _remove_leftovers(published)
            raise
    # Parquet follows the publication it mirrors; a failure here leaves the DuckDB publication in place.
    parquet = _write_parquet(published, [t.name for t in tables], parquet_dir, record.run_id,
                             set(rewritten) if carried else None, share_with) if parquet_dir else None
    seconds = (dt.datetime.now() - started).total_seconds()
    return PublicationResult(published, counts, seconds, parquet, tuple(rewritten))


def latest_publication(published: Path) -> dict | None:
    """The newest row of ``publication.runs`` in a published file, or None when nothing was published yet."""
    if not Path(published).exists():
        return None
    con = connect(published, read_only=True)
    try:
        frame = con.execute(f"select * from {PUBLICATION_SCHEMA}.runs order by published_at desc limit 1").df()
    finally:
        con.close()
    return frame.iloc[0].to_dict() if len(frame) else None
