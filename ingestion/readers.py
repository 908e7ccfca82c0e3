"""Readers turn one landing file into rows of text plus the rows that could not even be parsed.

Every reader returns a :class:`ReadResult`: a DataFrame of source columns holding ``str``/``None`` (types are
decided later by the contract), the physical row number of each row, and the rejected rows with a reason.
A file that cannot be read at all raises :class:`FileReadError` with a message naming the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from charset_normalizer import from_bytes

ROW_NUMBER = "_row_number"
# Python's csv module stops a file at its first field over 131,072 characters; sizes are limited by the loader
# (a setting), which quarantines the row, so the parser itself must never refuse a field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz", "big5", "cp936"}
# A file that is mostly valid UTF-8 is UTF-8 with a few damaged rows, not another encoding.
_MAX_BAD_LINE_SHARE = 0.01


class FileReadError(ValueError):
    """The file as a whole cannot be read (unreadable, wrong format, no header)."""


@dataclass
class Reject:
    row_number: int | None
    reason: str
    raw_record: str
    source_file: str | None = None  # set by the loader when rows of several files are validated together
    # The row's primary key as typed values when it could be read (None: the key itself is unreadable); a full
    # snapshot counts a quarantined row's key as present, so its record is not closed as deleted.
    key: tuple | None = None


@dataclass
class ReadResult:
    frame: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    encoding: str | None = None

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.rejects)


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


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are UTF-8, else the best guess, widening GBK to GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode text" export
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.splitlines()
    bad = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    if lines and bad / len(lines) <= _MAX_BAD_LINE_SHARE:
        return "utf-8"  # damaged lines are rejected one by one in read_csv
    try:
        data.decode("gb18030")
        return "gb18030"  # the usual Chinese export encoding; decodes GBK and GB2312 too
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise FileReadError("cannot detect the text encoding; set `encoding:` for this file in the mapping")
    encoding = best.encoding.lower()
    return "gb18030" if encoding in _CHINESE_ENCODINGS else encoding


def _decode_lines(data: bytes, encoding: str) -> tuple[str, list[Reject]]:
    """Decode, rejecting individual lines that are not valid in ``encoding`` instead of failing the file."""
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError:
        pass
    good: list[str] = []
    rejects: list[Reject] = []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            good.append(line.decode(encoding))
        except UnicodeDecodeError:
            rejects.append(Reject(number, f"line is not valid {encoding} text",
                                  line.decode(encoding, errors="replace").rstrip("\r\n")))
            good.append("\n")  # keep physical line numbers aligned; blank lines are skipped
    return "".join(good), rejects


class _Lines:
    """The physical lines of a text, fed to ``csv.reader`` one at a time, with the position kept outside it: when a
    record turns out malformed, parsing restarts on the line after the record's first line (see read_csv)."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()  # \n, \r\n and \r end a line, kept as they are
        self.position = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def read_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> ReadResult:
    """Every physical line after the header ends in a row or a reject, whatever one line holds.

    A record that cannot be used (wrong number of fields, a NUL byte, a quote opened and never closed that swallows
    the lines after it) rejects only its *first* line; parsing resumes on the next line, so one stray quote or one
    damaged line never takes the rest of the file with it. A quoted field may still span lines when the record it
    makes is well formed. Field sizes are not limited here: the loader quarantines rows with oversize values.
    """
    data = path.read_bytes()
    if not data.strip():
        raise FileReadError("the file is empty")
    encoding = encoding or detect_encoding(data)
    text, rejects = _decode_lines(data, encoding)
    text = text.lstrip("\ufeff")
    if "\x00" in text[:4096]:
        raise FileReadError(f"looks binary or UTF-16 without a BOM when read as {encoding}; "
                            "set `encoding:` for this file in the mapping")
    if delimiter is None:
        first_line = text.split("\n", 1)[0]
        delimiter = max([",", "\t", ";", "|"], key=first_line.count)
    feed = _Lines(text)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    while feed.position < len(feed.lines):
        reader = csv.reader(feed, delimiter=delimiter, strict=True)  # a misplaced quote is an error, not data
        while True:
            start = feed.position
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # e.g. a NUL byte: reject the record's first line, resume after it
                rejects.append(Reject(start + 1, f"unparseable CSV line: {exc}", _first_line(feed, start)))
                feed.position = start + 1
                break
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip().lstrip("\ufeff") for f in fields]
                continue
            if len(fields) == len(header):
                rows.append(fields)
                numbers.append(start + 1)
                continue
            spanned = feed.position - start
            reason = f"expected {len(header)} fields, found {len(fields)} (malformed or truncated line)"
            if spanned > 1:  # a quote opened here swallowed the lines after it: only this line is bad
                rejects.append(Reject(start + 1, f"{reason}; a quote opened on this line is never closed, so "
                                                 "the lines after it are read on their own", _first_line(feed, start)))
                feed.position = start + 1
                break
            rejects.append(Reject(start + 1, reason, delimiter.join(fields)))
    if header is None:
        raise FileReadError("no header row")
    _check_header(header)
    frame = pd.DataFrame(rows, columns=header, dtype="object")
    frame[ROW_NUMBER] = numbers
    return ReadResult(frame, sorted(rejects, key=lambda r: r.row_number or 0), encoding)


def _first_line(feed: _Lines, index: int) -> str:
    return feed.lines[index].rstrip("\r\n") if index < len(feed.lines) else ""


def _check_header(header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise FileReadError(f"the header names column {name!r} twice")
        seen.add(name)


def read_xlsx(path: Path, sheet: str | int = 0) -> ReadResult:
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
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_to_text(v) for v in values]
            if all(c is None or not c.strip() for c in cells):
                continue
            if header is None:
                header = [(c or "").strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                continue
            rows.append(cells[: len(header)] + [None] * (len(header) - len(cells)))
            numbers.append(number)
    finally:
        workbook.close()
    if header is None:
        raise FileReadError("the sheet has no header row")
    _check_header(header)
    frame = pd.DataFrame(rows, columns=header, dtype="object")
    frame[ROW_NUMBER] = numbers
    return ReadResult(frame)


def _walk(record: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record


def _flatten(record: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
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
            flat_rows.append({k: _to_text(v) for k, v in _flatten(item).items()})
            numbers.append(number)
    frame = pd.DataFrame(flat_rows, dtype="object")
    frame[ROW_NUMBER] = numbers
    return ReadResult(frame, rejects, "utf-8")


def read_json(path: Path, records_path: str | None = None, explode: str | None = None) -> ReadResult:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileReadError(f"not valid JSON ({exc})") from exc
    records = _walk(document, records_path) if records_path else document
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise FileReadError(f"expected a list of records at {records_path or 'the top level'}")
    return _records_to_result(list(enumerate(records, start=1)), explode, [])


def read_ndjson(path: Path, explode: str | None = None) -> ReadResult:
    text, rejects = _decode_lines(path.read_bytes(), "utf-8")
    records: list[tuple[int, Any]] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rejects.append(Reject(number, f"invalid JSON line ({exc.msg})", line))
    return _records_to_result(records, explode, rejects)


def read_parquet(path: Path) -> ReadResult:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for damaged files
        raise FileReadError(f"not a readable Parquet file ({exc})") from exc
    columns = {name: [_to_text(v) for v in table.column(name).to_pylist()] for name in table.column_names}
    frame = pd.DataFrame(columns, dtype="object")
    frame[ROW_NUMBER] = range(1, len(frame) + 1)
    return ReadResult(frame)


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
