"""Readers open one landing file: its header, then its rows as text in pieces, plus the rows that could not even be
parsed.

Every reader gives a :class:`FileStream` (``stream_*``/``open_file``) or, for a whole small file, a
:class:`ReadResult` (``read_*``): a DataFrame of source columns holding ``str``/``None`` (types are decided later by
the contract), the physical row number of each row, and the rejected rows with a reason. A file that cannot be read
at all raises :class:`FileReadError` with a message naming the file. CSV is in ingestion/csv_reader.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ingestion.csv_reader import read_csv, stream_csv
from ingestion.limits import DEFAULT_PIECE_ROWS
from ingestion.read_results import (
    ROW_NUMBER,
    FileReadError,
    FileStream,
    ReadResult,
    Reject,
    check_header_names,
    collect,
    frame_of,
)
from ingestion.text_files import decoded_lines, detect_encoding

__all__ = ["ROW_NUMBER", "FORMATS", "FileReadError", "FileStream", "ReadResult", "Reject", "detect_encoding",
           "format_for", "open_file", "read_csv", "read_json", "read_ndjson", "read_parquet", "read_xlsx",
           "stream_csv"]


def _to_text(value: Any) -> str | None:
    """One cell as text; Excel and JSON give us typed values, the contract wants text to parse."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join("" if v is None else str(_to_text(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def stream_xlsx(path: Path, sheet: str | int = 0, piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    """Open a sheet (openpyxl's read-only mode streams it); rows keep Excel's row numbers."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for damaged workbooks
        raise FileReadError(f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from exc
    try:
        names = workbook.sheetnames
        if isinstance(sheet, int):
            if sheet >= len(names):
                raise FileReadError(f"has no sheet number {sheet}")
            worksheet = workbook[names[sheet]]
        elif sheet in names:
            worksheet = workbook[sheet]
        else:
            raise FileReadError(f"has no sheet {sheet!r} (sheets: {names})")
        rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
        header: list[str] | None = None
        for _, values in rows:
            cells = [_to_text(v) for v in values]
            if all(c is None or not c.strip() for c in cells):
                continue
            header = [(c or "").strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            break
        if header is None:
            raise FileReadError("the sheet has no header row")
        check_header_names(header)
    except BaseException:
        workbook.close()
        raise
    return FileStream(header, _xlsx_pieces(workbook, rows, header, piece_rows), closer=workbook.close)


def _xlsx_pieces(workbook: Any, rows: Iterator, header: list[str], piece_rows: int) -> Iterator[ReadResult]:
    try:
        cells_rows: list[list[str | None]] = []
        numbers: list[int] = []
        try:
            for number, values in rows:
                cells = [_to_text(v) for v in values]
                if all(c is None or not c.strip() for c in cells):
                    continue
                cells_rows.append(cells[: len(header)] + [None] * (len(header) - len(cells)))
                numbers.append(number)
                if len(cells_rows) >= piece_rows:
                    yield ReadResult(frame_of(cells_rows, header, numbers))
                    cells_rows, numbers = [], []
        except Exception as exc:  # a workbook damaged after its first rows
            raise FileReadError(f"the workbook is damaged ({exc.__class__.__name__}: {exc})") from exc
        yield ReadResult(frame_of(cells_rows, header, numbers))
    finally:
        workbook.close()


def read_xlsx(path: Path, sheet: str | int = 0) -> ReadResult:
    return collect(stream_xlsx(path, sheet))


def _walk(record: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record


def _flatten_text(record: dict, out: dict[str, str | None], prefix: str = "") -> dict[str, str | None]:
    """Nested objects flattened to ``a.b`` names, every value as text (str and int, nearly all values, directly)."""
    for key, value in record.items():
        kind = type(value)
        if kind is str:
            out[prefix + key if prefix else key] = value
        elif kind is dict:
            _flatten_text(value, out, f"{prefix}{key}.")
        elif kind is int:
            out[prefix + key if prefix else key] = str(value)
        else:
            out[prefix + key if prefix else key] = _to_text(value)
    return out


def _records_to_result(records: list[tuple[int, Any]], explode: str | None, rejects: list[Reject]) -> ReadResult:
    flat_rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for number, record in records:
        if not isinstance(record, dict):
            rejects.append(Reject(number, "record is not a JSON object", json.dumps(record, ensure_ascii=False)))
            continue
        items: list[dict] = [record]
        if explode:
            values = _walk(record, explode)
            values = values if isinstance(values, list) else ([] if values is None else [values])
            items = [{**record, explode: value} for value in values]
        for item in items:
            flat_rows.append(_flatten_text(item, {}))
            numbers.append(number)
    frame = pd.DataFrame(flat_rows, dtype="object")
    frame[ROW_NUMBER] = numbers
    return ReadResult(frame, rejects, "utf-8")


def _record_stream(pieces: Iterator[ReadResult]) -> FileStream:
    """A JSON stream's header is the columns of its first piece (records name their own fields)."""
    first = next(pieces)

    def all_pieces() -> Iterator[ReadResult]:
        yield first
        yield from pieces

    return FileStream([c for c in first.frame.columns if c != ROW_NUMBER], all_pieces(), "utf-8")


def stream_json(path: Path, records_path: str | None = None, explode: str | None = None,
                piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    """A JSON document is parsed whole (its format has no record boundaries to stream on); its records are turned
    into rows a piece at a time."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileReadError(f"not valid JSON ({exc})") from exc
    records = _walk(document, records_path) if records_path else document
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise FileReadError(f"expected a list of records at {records_path or 'the top level'}")
    del document

    def pieces() -> Iterator[ReadResult]:
        numbered = list(enumerate(records, start=1))
        for start in range(0, max(len(numbered), 1), piece_rows):
            yield _records_to_result(numbered[start:start + piece_rows], explode, [])

    return _record_stream(pieces())


def read_json(path: Path, records_path: str | None = None, explode: str | None = None) -> ReadResult:
    return collect(stream_json(path, records_path, explode))


def stream_ndjson(path: Path, explode: str | None = None, piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    """One JSON record per line, read line by line; a line that is not JSON (or not UTF-8) is rejected alone."""

    def pieces() -> Iterator[ReadResult]:
        records: list[tuple[int, Any]] = []
        rejects: list[Reject] = []
        for number, (line, raw) in enumerate(decoded_lines(path, "utf-8"), start=1):
            if line is None:
                rejects.append(Reject(number, "line is not valid utf-8 text",
                                      raw.decode("utf-8", errors="replace").rstrip("\r\n")))
                continue
            line = (line.lstrip("\ufeff") if number == 1 else line).rstrip("\r\n")
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                rejects.append(Reject(number, f"invalid JSON line ({exc.msg})", line))
            if len(records) >= piece_rows:
                yield _records_to_result(records, explode, rejects)
                records, rejects = [], []
        yield _records_to_result(records, explode, rejects)

    return _record_stream(pieces())


def read_ndjson(path: Path, explode: str | None = None) -> ReadResult:
    return collect(stream_ndjson(path, explode))


def stream_parquet(path: Path, piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise FileReadError(f"not a readable Parquet file ({exc})") from exc
    header = list(parquet.schema_arrow.names)

    def pieces() -> Iterator[ReadResult]:
        done = 0
        try:
            for batch in parquet.iter_batches(batch_size=piece_rows):
                columns = {name: [_to_text(v) for v in batch.column(name).to_pylist()] for name in header}
                numbers = list(range(done + 1, done + batch.num_rows + 1))
                done += batch.num_rows
                yield ReadResult(frame_of(list(zip(*columns.values(), strict=True)) if header else [],
                                          header, numbers))
        except Exception as exc:  # noqa: BLE001 - a damaged row group
            raise FileReadError(f"not a readable Parquet file ({exc})") from exc
        if not done:
            yield ReadResult(frame_of([], header, []))

    return FileStream(header, pieces())


def read_parquet(path: Path) -> ReadResult:
    return collect(stream_parquet(path))


FORMATS = ("csv", "xlsx", "json", "ndjson", "parquet")
_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json",
               ".jsonl": "ndjson", ".ndjson": "ndjson", ".parquet": "parquet", ".pq": "parquet"}


def format_for(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise FileReadError(f"unknown file type {path.suffix!r}; set `format:` in the mapping") from None


def open_file(path: Path, spec: Any, piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    """Open a landing file as its mapping entry (``ingestion.mapping.FileSpec``) says: format, encoding, sheet …"""
    fmt = format_for(path, spec.format)
    if fmt == "csv":
        return stream_csv(path, spec.encoding, spec.delimiter, piece_rows)
    if fmt == "xlsx":
        return stream_xlsx(path, spec.sheet, piece_rows)
    if fmt == "json":
        return stream_json(path, spec.records, spec.explode, piece_rows)
    if fmt == "ndjson":
        return stream_ndjson(path, spec.explode, piece_rows)
    return stream_parquet(path, piece_rows)
