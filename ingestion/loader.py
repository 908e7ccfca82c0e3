"""Load every landing file of one entity into ``raw.<source>__<entity>``, once, with nothing lost.

Per file, in one transaction: rows that meet the contract go to the raw table with lineage columns, the
others to ``raw.quarantine`` with a reason, and a ledger row to ``raw.ingestion_files``. A file whose content
was already loaded (same entity, same SHA-256) is skipped, so rerunning on the same landing folder changes
nothing. A file that cannot be read, or lacks a required column, is recorded as failed with an error naming
the file and the column; the entity's other files still load.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.contracts import EntityContract
from ingestion.mapping import FileSpec, Mapping
from ingestion.readers import (
    ROW_NUMBER,
    FileReadError,
    ReadResult,
    Reject,
    format_for,
    read_csv,
    read_json,
    read_ndjson,
    read_parquet,
    read_xlsx,
)
from ingestion.validate import MissingColumnError, validate_rows
from ingestion.warehouse import RAW_SCHEMA, ensure_entity_table, ensure_raw_schema, fetch_one

_NATIONAL_ID = re.compile(r"\b\d{17}[\dXx]\b|\b\d{15}\b")


@dataclass
class FileReport:
    source_file: str
    status: str  # loaded | duplicate | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    duplicate_of: str | None = None
    unmapped_columns: list[str] = field(default_factory=list)


@dataclass
class EntityReport:
    entity: str
    files: list[FileReport] = field(default_factory=list)
    table_rows: int = 0

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_file(path: Path, spec: FileSpec) -> ReadResult:
    fmt = format_for(path, spec.format)
    if fmt == "csv":
        return read_csv(path, spec.encoding, spec.delimiter)
    if fmt == "xlsx":
        return read_xlsx(path, spec.sheet)
    if fmt == "json":
        return read_json(path, spec.records, spec.explode)
    if fmt == "ndjson":
        return read_ndjson(path, spec.explode)
    return read_parquet(path)


def _mask_ids(text: str) -> str:
    return _NATIONAL_ID.sub("***", text)


class EntityLoader:
    """Loads the files of one entity; construct once per entity per run."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        contract: EntityContract,
        mapping: Mapping,
        landing: Path,
        pii_key: bytes,
        run_id: str | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.con = con
        self.contract = contract
        self.mapping = mapping
        self.landing = Path(landing)
        self.pii_key = pii_key
        self.run_id = run_id
        self.log = log or (lambda message: None)

    def load(self) -> EntityReport:
        ensure_raw_schema(self.con)
        ensure_entity_table(self.con, self.contract)
        report = EntityReport(self.contract.name)
        for path, spec in self.mapping.files_for(self.contract.name, self.landing):
            report.files.append(self._load_file(path, spec))
        report.table_rows = fetch_one(self.con, f"select count(*) from {RAW_SCHEMA}.{self.contract.name}")[0]
        return report

    def _previous(self, relative: str, digest: str) -> tuple[str, str] | None:
        """(status, file) of an earlier successful ingestion of this content for this entity."""
        row = fetch_one(
            self.con,
            f"""select status, source_file from {RAW_SCHEMA}.ingestion_files
                where entity = ? and content_hash = ? and status in ('loaded', 'duplicate')
                order by (source_file = ?) desc, (status = 'loaded') desc limit 1""",
            [self.contract.name, digest, relative],
        )
        return (row[0], row[1]) if row else None

    def _load_file(self, path: Path, spec: FileSpec) -> FileReport:
        relative = path.relative_to(self.landing).as_posix()
        digest = content_hash(path)
        previous = self._previous(relative, digest)
        if previous and previous[1] == relative:
            return FileReport(relative, "unchanged")
        batch_id = f"{self.contract.name}-{digest[:16]}"
        started = pd.Timestamp.now(tz="UTC")
        if previous:  # same bytes under another name: a copied export, not new data
            report = FileReport(relative, "duplicate", duplicate_of=previous[1])
            self.log(f"{relative}: identical to already loaded {previous[1]}; skipped")
            self.con.execute("begin")
            self._write_ledger(report, batch_id, digest, path, None, started)
            self.con.execute("commit")
            return report
        try:
            read = read_file(path, spec)
            rows = validate_rows(read, spec, self.contract, relative, self.pii_key)
        except (FileReadError, MissingColumnError) as exc:
            report = FileReport(relative, "failed", error=f"{relative}: {exc}")
            self.log(f"FAILED {report.error}")
            self._replace_failure(report, batch_id, digest, path, started)
            return report
        rejects = read.rejects + rows.rejects
        report = FileReport(relative, "loaded", rows_read=read.rows_read, rows_loaded=len(rows.frame),
                            rows_quarantined=len(rejects), unmapped_columns=rows.unmapped_columns)
        self.con.execute("begin")
        try:
            self._insert_rows(rows.frame, batch_id, relative)
            self._insert_rejects(rejects, batch_id, relative)
            self.con.execute(
                f"delete from {RAW_SCHEMA}.ingestion_files where entity = ? and source_file = ? and status = 'failed'",
                [self.contract.name, relative],
            )
            self._write_ledger(report, batch_id, digest, path, read.encoding, started)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        self.log(f"{relative}: read {report.rows_read}, loaded {report.rows_loaded}, "
                 f"quarantined {report.rows_quarantined}")
        return report

    def _insert_rows(self, frame: pd.DataFrame, batch_id: str, relative: str) -> None:
        if frame.empty:
            return
        columns = self.contract.column_names
        hashed = ", ".join(f"coalesce(cast(\"{c}\" as varchar), '\\N')" for c in columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.con.register("_incoming", frame)
        try:
            self.con.execute(
                f"""insert into {RAW_SCHEMA}.{self.contract.name}
                    ({quoted}, _batch_id, _source_file, _row_number, _loaded_at, _row_hash)
                    select {quoted}, ?, ?, {ROW_NUMBER}, current_timestamp, md5(concat_ws(chr(31), {hashed}))
                    from _incoming""",
                [batch_id, relative],
            )
        finally:
            self.con.unregister("_incoming")

    def _insert_rejects(self, rejects: list[Reject], batch_id: str, relative: str) -> None:
        if not rejects:
            return
        has_pii = any(c.pii for c in self.contract.columns)
        frame = pd.DataFrame(
            {
                "source": self.contract.source,
                "entity": self.contract.name,
                "source_file": relative,
                "row_number": pd.array([r.row_number for r in rejects], dtype="Int64"),
                "reason": [r.reason for r in rejects],
                "raw_record": [_mask_ids(r.raw_record) if has_pii else r.raw_record for r in rejects],
                "batch_id": batch_id,
            }
        )
        self.con.register("_rejects", frame)
        try:
            self.con.execute(
                f"""insert into {RAW_SCHEMA}.quarantine
                    select source, entity, source_file, row_number, reason, raw_record, batch_id, current_timestamp
                    from _rejects"""
            )
        finally:
            self.con.unregister("_rejects")

    def _write_ledger(self, report: FileReport, batch_id: str, digest: str, path: Path,
                      encoding: str | None, started: pd.Timestamp) -> None:
        self.con.execute(
            f"""insert into {RAW_SCHEMA}.ingestion_files values
                (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)""",
            [batch_id, self.contract.name, report.source_file, digest, path.stat().st_size, encoding,
             report.status, report.duplicate_of, report.rows_read, report.rows_loaded, report.rows_quarantined,
             ",".join(report.unmapped_columns) or None, report.error, self.run_id, started.to_pydatetime()],
        )

    def _replace_failure(self, report: FileReport, batch_id: str, digest: str, path: Path,
                         started: pd.Timestamp) -> None:
        """Keep one failure row per file, so a rerun that fails the same way changes nothing else."""
        self.con.execute("begin")
        self.con.execute(
            f"delete from {RAW_SCHEMA}.ingestion_files where entity = ? and source_file = ? and status = 'failed'",
            [self.contract.name, report.source_file],
        )
        self._write_ledger(report, batch_id, digest, path, None, started)
        self.con.execute("commit")


def load_entity(
    con: duckdb.DuckDBPyConnection,
    contract: EntityContract,
    mapping: Mapping,
    landing: Path,
    pii_key: bytes,
    run_id: str | None = None,
    log: Callable[[str], None] | None = None,
) -> EntityReport:
    return EntityLoader(con, contract, mapping, landing, pii_key, run_id, log).load()
