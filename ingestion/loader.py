"""Load every landing file of one entity into ``raw.<source>__<entity>``, once, with nothing lost.

Per file, in one transaction: rows that meet the contract go to the raw table with lineage columns, the
others to ``raw.quarantine`` with a reason, and a ledger row to ``raw.ingestion_files``. A file whose content
was already loaded (same entity, same SHA-256) is skipped, so rerunning on the same landing folder changes
nothing. A file that cannot be read, or lacks a required column, is recorded as failed with an error naming
the file and the column; the entity's other files still load.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingestion.contracts import EntityContract
from ingestion.hashing import content_hash
from ingestion.limits import DEFAULT_MAX_FIELD_CHARS, DEFAULT_PIECE_ROWS
from ingestion.load_reports import EntityReport, FileReport
from ingestion.mapping import FileSpec, Mapping
from ingestion.raw_writes import (
    drop_loading,
    finish_loading,
    insert_rejects,
    insert_rows,
    start_loading,
    stored_counts,
    write_ledger,
)
from ingestion.read_results import FileReadError, FileStream, ReadResult
from ingestion.readers import format_for, open_file
from ingestion.row_guards import quarantine_unreadable_values
from ingestion.snapshots import SnapshotParts, close_absent_keys
from ingestion.suppression import Suppressions, referred_entities
from ingestion.validate import SOURCE_FILE, MissingColumnError, check_header, resolve_columns, validate_rows
from ingestion.warehouse import RAW_SCHEMA, ensure_entity_table, ensure_raw_schema, fetch_one


@dataclass
class _Pending:
    path: Path
    spec: FileSpec
    relative: str
    digest: str
    batch_id: str
    started: pd.Timestamp
    encoding: str | None = None  # detected when the header was checked, reused when the file is read
    opened: FileStream | None = None  # a JSON/NDJSON file kept open from the header check (_KEEP_JSON_BYTES)
    unmapped: list[str] = field(default_factory=list)
    # What reading the file gave, counted while its pieces are written (reset when a chunk is written again).
    rows_read: int = 0
    reject_keys: list[tuple] = field(default_factory=list)
    keyless: int = 0

    def reset(self) -> None:
        self.rows_read, self.reject_keys, self.keyless = 0, [], 0


# Many small files (one Slack file per channel and day) are validated and written together; each chunk is one
# transaction, so a file is still either completely loaded or not at all. Memory does not depend on the chunk: its
# files are read in pieces (piece_rows), and each piece is validated and written before the next is read.
_CHUNK_FILES = 500
# JSON and NDJSON files opened for the header check (a JSON document parsed whole, the first piece of an NDJSON
# file) are kept for the write, up to this many file bytes and files per chunk: parsing them twice cost a third of
# loading IM messages. An NDJSON file kept holds an open file.
_KEEP_JSON_BYTES = 32 << 20
_KEEP_JSON_FILES = 256
_CHUNK_BYTES = 256 << 20


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
        max_field_chars: int = DEFAULT_MAX_FIELD_CHARS,
        piece_rows: int = DEFAULT_PIECE_ROWS,
    ) -> None:
        self.max_field_chars = max_field_chars
        self.piece_rows = piece_rows
        # What this run's full-snapshot files brought: their batches, the keys of their quarantined rows, how many
        # quarantined rows had no readable key, and the snapshot files that failed (see ingestion/snapshots.py).
        self._snapshots: dict[int, SnapshotParts] = {}  # per full-snapshot file spec (its index in the mapping)
        self.con = con
        self.contract = contract
        self.mapping = mapping
        self.landing = Path(landing)
        self.pii_key = pii_key
        self.run_id = run_id
        self.log = log or (lambda message: None)
        # Erased people (trm erase): their rows are dropped before anything is stored, counted per file.
        self.suppressions = Suppressions.read(con, pii_key)
        self._suppressed: dict[str, int] = {}

    def load(self) -> EntityReport:
        ensure_raw_schema(self.con)
        ensure_entity_table(self.con, self.contract)
        report = EntityReport(self.contract.name)
        pending: list[_Pending] = []
        seen_now: dict[str, str] = {}  # content hash -> file, for identical new files in the same run
        for path, spec in self.mapping.files_for(self.contract.name, self.landing):
            relative = path.relative_to(self.landing).as_posix()
            digest = content_hash(path)
            batch_id = f"{self.contract.name}-{digest[:16]}"
            started = pd.Timestamp.now(tz="UTC")
            previous = self._previous(relative, digest)
            resend = self._resent_snapshot(spec, relative, digest, previous, seen_now)
            if resend is not None:  # an earlier snapshot's exact content, current again: it loads once more
                self.log(f"{relative}: same content as an earlier export, loaded again as the current snapshot")
                seen_now[digest] = relative
                pending.append(_Pending(path, spec, relative, digest, resend, started))
                continue
            if previous and previous[1] == relative:
                report.files.append(FileReport(relative, "unchanged"))
                continue
            original = previous[1] if previous else seen_now.get(digest)
            if original:  # same bytes under another name: a copied export, not new data
                duplicate = FileReport(relative, "duplicate", duplicate_of=original)
                self.log(f"{relative}: identical to {original}; skipped")
                self._in_transaction(lambda d=duplicate, b=batch_id, g=digest, p=path, s=started:
                                     write_ledger(self.con, self.contract, self.run_id, d, b, g, p, None, s))
                report.files.append(duplicate)
                continue
            seen_now[digest] = relative
            pending.append(_Pending(path, spec, relative, digest, batch_id, started))
        for chunk in _chunks(pending):
            report.files.extend(self._load_chunk(chunk))
        for index, parts in sorted(self._snapshots.items()):
            if not parts.batches:
                continue
            snap = close_absent_keys(self.con, self.contract, self.run_id, parts.batches, parts.reject_keys,
                                     parts.keyless, parts.failed, self._files_in_scope(index))
            report.snapshots.append(snap)
            self.log(f"full snapshot of {self.contract.name}: {snap.keys_present:,} keys, {snap.keys_closed:,} closed "
                     f"as deleted at the source" if snap.complete else f"full snapshot of {self.contract.name}: "
                     f"{snap.note}")
        report.table_rows = fetch_one(self.con, f"select count(*) from {RAW_SCHEMA}.{self.contract.name}")[0]
        return report

    def _spec_index(self, spec: FileSpec) -> int:
        return self.mapping.specs[self.contract.name].index(spec)

    def _files_in_scope(self, index: int) -> list[str]:
        """The loaded files whose keys a snapshot of file spec ``index`` may close: its own files and the entity's
        incremental (delta) files, not the files of another full-snapshot spec (a Slack user list says nothing
        about WeCom accounts)."""
        files = [f for (f,) in self.con.execute(
            f"select distinct source_file from {RAW_SCHEMA}.ingestion_files where entity = ? and status = 'loaded'",
            [self.contract.name]).fetchall()]
        scoped = []
        for relative in files:
            spec = self.mapping.spec_for(self.contract.name, relative)
            if spec is None or spec.load != "full_snapshot" or self._spec_index(spec) == index:
                scoped.append(relative)
        return scoped

    def _resent_snapshot(self, spec: FileSpec, relative: str, digest: str, previous: tuple[str, str] | None,
                         seen_now: dict[str, str]) -> str | None:
        """A new batch id when a full snapshot re-sends content loaded before, else None.

        For a full snapshot the latest export is the truth: content equal to an *earlier* export (a record deleted
        and then restored, so today's file equals last week's) must load again, or the keys closed in between would
        stay closed. Unchanged (equal to the latest load of the same file), copied within one run, or rejected
        content is still skipped."""
        if spec.load != "full_snapshot" or previous is None or digest in seen_now:
            return None
        rejected, loads, latest_here, latest_anywhere = fetch_one(self.con, f"""
            select count(*) filter (where content_hash = ? and status = 'rejected'),
                   count(*) filter (where content_hash = ? and status = 'loaded'),
                   arg_max(content_hash, finished_at) filter (where source_file = ? and status = 'loaded'),
                   arg_max(content_hash, finished_at) filter (where status = 'loaded' and rows_loaded > 0)
            from {RAW_SCHEMA}.ingestion_files where entity = ?""", [digest, digest, relative, self.contract.name])
        if rejected or digest in (latest_here, latest_anywhere):
            return None  # rejected content stays out; unchanged since the latest snapshot: nothing to do
        return f"{self.contract.name}-{digest[:16]}-r{loads}"

    def _previous(self, relative: str, digest: str) -> tuple[str, str] | None:
        """(status, file) of an earlier ingestion of this content for this entity (a batch an operator rejected
        counts: the same bytes are not loaded again)."""
        row = fetch_one(
            self.con,
            f"""select status, source_file from {RAW_SCHEMA}.ingestion_files
                where entity = ? and content_hash = ? and status in ('loaded', 'duplicate', 'rejected')
                order by (source_file = ?) desc, (status = 'loaded') desc limit 1""",
            [self.contract.name, digest, relative],
        )
        return (row[0], row[1]) if row else None

    def _open(self, item: _Pending) -> FileStream | FileReport:
        """Open a file and check its header; a failure report (recorded in the ledger) if the file cannot be used."""
        stream: FileStream | None = None
        try:
            stream = open_file(item.path, _with_encoding(item), self.piece_rows)
            item.encoding = stream.encoding
            item.unmapped = check_header(stream.header, item.spec, self.contract)
            return stream
        except (FileReadError, MissingColumnError) as exc:
            failure = FileReport(item.relative, "failed", error=f"{item.relative}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a parser bug on one hostile file must not stop the entity
            failure = FileReport(item.relative, "failed",
                                 error=f"{item.relative}: could not be read ({exc.__class__.__name__}: {exc})")
        if stream is not None:  # opened, but its header does not fit the contract: release the file
            stream.close()
        self.log(f"FAILED {failure.error}")
        self._in_transaction(lambda: self._replace_failure(failure, item))
        return failure

    def _load_chunk(self, chunk: list[_Pending]) -> list[FileReport]:
        """Check every file's header first (a failure is recorded, the other files load), then write the usable
        files in one transaction; a file that breaks while being read is recorded failed and the others are written
        again without it."""
        failures: list[FileReport] = []
        ready: list[_Pending] = []
        kept_bytes = kept_files = 0
        for item in chunk:
            opened = self._open(item)
            if isinstance(opened, FileReport):
                failures.append(opened)
                continue
            size = item.path.stat().st_size
            if (format_for(item.path, item.spec.format) in ("json", "ndjson") and kept_bytes + size <= _KEEP_JSON_BYTES
                    and kept_files < _KEEP_JSON_FILES):
                item.opened = opened  # its first piece is parsed once
                kept_bytes, kept_files = kept_bytes + size, kept_files + 1
            else:
                opened.close()  # opened again when its turn comes: no open files or big documents held meanwhile
            ready.append(item)
        reports: list[FileReport] = []
        while ready:
            try:
                reports = self._write_chunk(ready)
                break
            except _FileErrors as exc:  # rolled back: those files are failed, the others are written again
                bad = set(exc.errors)
                for item in [i for i in ready if i.relative in bad]:
                    failure = FileReport(item.relative, "failed", rows_read=item.rows_read,
                                         error=f"{item.relative}: {exc.errors[item.relative]}")
                    self.log(f"FAILED {failure.error}")
                    self._in_transaction(lambda f=failure, i=item: self._replace_failure(f, i))
                    failures.append(failure)
                ready = [i for i in ready if i.relative not in bad]
        for item in chunk:
            if item.spec.load != "full_snapshot":
                continue
            parts = self._snapshots.setdefault(self._spec_index(item.spec), SnapshotParts())
            if any(f.source_file == item.relative for f in failures):
                parts.failed.append(item.relative)
            elif any(r.source_file == item.relative for r in reports):
                parts.batches.append(item.batch_id)
                parts.reject_keys += item.reject_keys
                parts.keyless += item.keyless
        for report in reports:
            self.log(f"{report.source_file}: read {report.rows_read}, loaded {report.rows_loaded}, "
                     f"quarantined {report.rows_quarantined}")
        return failures + reports

    def _batches(self, ready: list[_Pending]) -> Iterator[tuple[FileSpec, list[tuple[_Pending, ReadResult]]]]:
        """Pieces of the files, grouped by file spec, in batches of about piece_rows rows (small files together)."""
        specs = {id(item.spec): item.spec for item in ready}
        for spec in specs.values():
            batch: list[tuple[_Pending, ReadResult]] = []
            rows = 0
            for item in (i for i in ready if i.spec is spec):
                opened, item.opened = item.opened or self._open_again(item), None
                try:
                    for piece in opened.pieces:
                        item.rows_read += piece.rows_read
                        # Only the fields this entity loads: a field the mapping does not use (a WeCom group's
                        # member list, loaded as channel members) never reaches raw, however long it is.
                        loaded = resolve_columns(spec, self.contract, list(piece.frame.columns))
                        quarantine_unreadable_values(piece, self.max_field_chars,
                                                     {c for names in loaded.values() for c in names})
                        piece.frame[SOURCE_FILE] = item.relative
                        for reject in piece.rejects:
                            reject.source_file = item.relative
                        batch.append((item, piece))
                        rows += len(piece.frame)
                        if rows >= self.piece_rows:
                            yield spec, batch
                            batch, rows = [], 0
                except (FileReadError, MissingColumnError) as exc:
                    raise _FileErrors({item.relative: str(exc)}) from exc
                except _FileErrors:
                    raise
                except Exception as exc:  # noqa: BLE001 - a parser bug on one hostile file must not stop the entity
                    raise _FileErrors({item.relative: f"could not be read ({exc.__class__.__name__}: {exc})"}) from exc
                finally:
                    opened.close()
            if batch:
                yield spec, batch

    def _open_again(self, item: _Pending) -> FileStream:
        try:
            return open_file(item.path, _with_encoding(item), self.piece_rows)
        except Exception as exc:  # noqa: BLE001 - changed on disk since its header was checked
            raise _FileErrors({item.relative: f"could not be read again ({exc.__class__.__name__}: {exc})"}) from exc

    def _write_batch(self, spec: FileSpec, batch: list[tuple[_Pending, ReadResult]], batch_ids: dict[str, str],
                     rows_table: str, rejects_table: str) -> None:
        """Validate a batch of pieces of the same spec and write its rows and rejects."""
        source = pd.concat([piece.frame for _, piece in batch], ignore_index=True)
        rows = validate_rows(source, spec, self.contract, self.pii_key)
        del source
        loaded = self._without_suppressed(rows.frame)
        rejects = [r for _, piece in batch for r in piece.rejects] + rows.rejects
        if self.suppressions:
            kept = [r for r in rejects if not self.suppressions.text_matches(r.raw_record)]
            if len(kept) < len(rejects):
                for reject in rejects:
                    if reject not in kept:
                        self._suppressed[reject.source_file] = self._suppressed.get(reject.source_file, 0) + 1
            rejects = kept
        insert_rows(self.con, self.contract, loaded, batch_ids, rows_table)
        insert_rejects(self.con, self.contract, rejects, batch_ids, rejects_table)
        if spec.load == "full_snapshot":
            items = {item.relative: item for item, _ in batch}
            for reject in rejects:
                item = items[reject.source_file]
                if reject.key is None:
                    item.keyless += 1
                else:
                    item.reject_keys.append(reject.key)

    def _without_suppressed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The validated rows less those of erased people, counted per file; the ids of the rows dropped join the
        suppression list when other entities' rows belong to them (an application's stages)."""
        hit = self.suppressions.mask(frame, self.contract)
        if not hit.any():
            return frame
        dropped = frame[hit]
        for source_file, count in dropped[SOURCE_FILE].value_counts().items():
            self._suppressed[source_file] = self._suppressed.get(source_file, 0) + int(count)
        if self.contract.name in referred_entities() and len(self.contract.primary_key) == 1:
            self.suppressions.add_ids(self.con, self.contract.name, dropped[self.contract.primary_key[0]],
                                      f"follows:{self.run_id or 'load'}")
        self.log(f"{self.contract.name}: {int(hit.sum())} row(s) of erased people dropped (suppression list)")
        return frame[~hit].reset_index(drop=True)

    def _write_chunk(self, ready: list[_Pending]) -> list[FileReport]:
        """Write the rows and rejects of these files in one transaction, then count what was *stored* per file.

        The ledger records the stored counts, not what the reader or validator reported: a file whose rows read
        differ from rows stored (raw + quarantine) is an accounting error: the transaction is rolled back and the
        file is recorded failed, so it is read again on the next run instead of being remembered as loaded."""
        batch_ids = {item.relative: item.batch_id for item in ready}
        reports: list[FileReport] = []
        rows_table, rejects_table = start_loading(self.con, self.contract)

        def write() -> None:
            before = stored_counts(self.con, self.contract, list(batch_ids.values()))
            finish_loading(self.con, self.contract)
            after = stored_counts(self.con, self.contract, list(batch_ids.values()))
            errors = {}
            for item in ready:
                stored_rows, stored_rejects = (a - b for a, b in zip(after.get(item.batch_id, (0, 0)),
                                                                     before.get(item.batch_id, (0, 0)), strict=True))
                report = FileReport(item.relative, "loaded", rows_read=item.rows_read, rows_loaded=stored_rows,
                                    rows_quarantined=stored_rejects, unmapped_columns=item.unmapped,
                                    rows_suppressed=self._suppressed.get(item.relative, 0))
                if report.rows_read != report.rows_loaded + report.rows_quarantined + report.rows_suppressed:
                    errors[item.relative] = (  # never lose a row silently
                        f"row accounting does not balance: {report.rows_read} rows read, {stored_rows} stored in "
                        f"raw, {stored_rejects} in quarantine and {report.rows_suppressed} of erased people "
                        "dropped; nothing of this file was kept and it is read again "
                        "on the next run (please report this file: it found a bug in TRM's reader)")
                reports.append(report)
            if errors:
                raise _FileErrors(errors)
            for item, report in zip(ready, reports, strict=True):
                self.con.execute(
                    f"delete from {RAW_SCHEMA}.ingestion_files where entity = ? and source_file = ? "
                    "and status = 'failed'", [self.contract.name, item.relative])
                write_ledger(self.con, self.contract, self.run_id, report, item.batch_id, item.digest, item.path,
                             item.encoding, item.started)

        try:
            for item in ready:
                item.reset()
                self._suppressed.pop(item.relative, None)
            # Pieces go to the loading tables, each append committed (bounded memory); ids of erased people's
            # rows join the suppression list as they are found (they stay erased even if this chunk fails).
            for spec, batch in self._batches(ready):
                self._write_batch(spec, batch, batch_ids, rows_table, rejects_table)
            self._in_transaction(write)  # then raw, quarantine and ledger at once: a file all or nothing
        finally:
            drop_loading(self.con, self.contract)
        return reports

    def _in_transaction(self, work: Callable[[], None]) -> None:
        self.con.execute("begin")
        try:
            work()
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise

    def _replace_failure(self, report: FileReport, item: _Pending) -> None:
        """Keep one failure row per file, so a rerun that fails the same way changes nothing else."""
        self.con.execute(
            f"delete from {RAW_SCHEMA}.ingestion_files where entity = ? and source_file = ? and status = 'failed'",
            [self.contract.name, report.source_file],
        )
        write_ledger(self.con, self.contract, self.run_id, report, item.batch_id, item.digest, item.path, None,
                     item.started)


class _FileErrors(RuntimeError):
    """Files of a chunk that broke while being read, or whose rows read and rows stored differ (file -> message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _with_encoding(item: _Pending) -> FileSpec:
    """The file's spec with the encoding found when its header was checked (detected once per file)."""
    if item.spec.encoding is not None or item.encoding is None:
        return item.spec
    return dataclasses.replace(item.spec, encoding=item.encoding)


def _chunks(items: list[_Pending]) -> list[list[_Pending]]:
    chunks: list[list[_Pending]] = []
    current: list[_Pending] = []
    size = 0
    for item in items:
        item_size = item.path.stat().st_size
        if current and (len(current) >= _CHUNK_FILES or size + item_size > _CHUNK_BYTES):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        chunks.append(current)
    return chunks


def load_entity(con: duckdb.DuckDBPyConnection, contract: EntityContract, *args: Any, **kwargs: Any) -> EntityReport:
    """Load the new landing files of one entity: ``EntityLoader(con, contract, ...).load()`` (same arguments)."""
    return EntityLoader(con, contract, *args, **kwargs).load()
