"""Rewrite landing files without an erased person's rows, in their own format and encoding.

The rows to drop are known exactly from raw's lineage (``_source_file``, ``_row_number``) and the quarantine's
(``source_file``, ``row_number``): the physical row number each reader gives (the first line of a CSV record, the
sheet row of a workbook, the line of an NDJSON file, the record's position in a JSON list, the Parquet row).
Files whose spec explodes a list into rows (a Slack channel's ``members``) keep the record and lose only the
person's list elements: the record is the channel, other people's rows come from it too.

Each rewrite goes to a hidden temporary file next to the original; ``commit`` renames them into place once the
warehouse has recorded the erasure, so a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.hashing import content_hash
from ingestion.readers import _walk as walk
from ingestion.readers import detect_encoding, format_for
from ingestion.text_files import LineFeed, split_text_lines


@dataclass
class FileEdit:
    """What goes from one landing file: whole rows, and elements of exploded lists (path -> values)."""

    relative: str
    rows: set[int] = field(default_factory=set)
    elements: dict[str, set[str]] = field(default_factory=dict)  # "members" or "members.memberid" -> ids
    format: str | None = None
    encoding: str | None = None
    records: str | None = None  # JSON: dotted path of the record list
    delimiter: str | None = None  # CSV: as the mapping declares it (default: sniffed as the reader does)
    sheet: str | int = 0  # XLSX: the sheet the mapping reads


@dataclass
class Rewritten:
    relative: str
    old_hash: str
    new_hash: str
    new_bytes: int
    temporary: Path
    rows_removed: int


def _csv(data: bytes, edit: FileEdit) -> tuple[bytes, int]:
    encoding = edit.encoding or detect_encoding(data)
    text = data.decode(encoding, errors="surrogateescape")
    bom = text.startswith("\ufeff")
    lines = split_text_lines(text.lstrip("\ufeff"))
    feed = LineFeed(lines)
    first = lines[0] if lines else ""
    delimiter = edit.delimiter or max([",", "\t", ";", "|"], key=first.count)
    spans: dict[int, int] = {}  # first line (1-based) -> lines the record takes
    while not feed.at_end():
        start = feed.position
        feed.mark()
        try:
            next(csv.reader(feed, delimiter=delimiter, strict=True))
            spans[start + 1] = max(1, feed.spanned())
        except (csv.Error, StopIteration):
            feed.rewind_after_first()
    drop = {line for row in edit.rows for line in range(row, row + spans.get(row, 1))}
    kept = [line for number, line in enumerate(lines, start=1) if number not in drop]
    out = ("\ufeff" if bom and encoding != "utf-8-sig" else "") + "".join(kept)
    return out.encode(encoding, errors="surrogateescape"), len(edit.rows)


def _without_elements(record: dict, elements: dict[str, set[str]]) -> int:
    removed = 0
    for path, ids in elements.items():
        head, _, rest = path.partition(".")
        values = record.get(head)
        if not isinstance(values, list):
            continue
        kept = [v for v in values if str(walk(v, rest) if rest else v) not in ids]
        removed += len(values) - len(kept)
        record[head] = kept
    return removed


def _json(data: bytes, edit: FileEdit) -> tuple[bytes, int]:
    document = json.loads(data.decode("utf-8-sig"))
    holder, key = None, None
    records = document
    if edit.records:
        *parents, key = edit.records.split(".")
        holder = walk(document, ".".join(parents)) if parents else document
        records = holder[key]
    single = isinstance(records, dict)
    items = [records] if single else records
    removed = 0
    kept = []
    for number, record in enumerate(items, start=1):
        if number in edit.rows:
            removed += 1
            continue
        if edit.elements and isinstance(record, dict):
            removed += _without_elements(record, edit.elements)
        kept.append(record)
    result = (kept[0] if kept else {}) if single else kept
    if holder is not None:
        holder[key] = result
    else:
        document = result
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), removed


def _ndjson(data: bytes, edit: FileEdit) -> tuple[bytes, int]:
    lines = data.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
    out, removed = [], 0
    for number, line in enumerate(lines, start=1):
        if number in edit.rows:
            removed += 1
            continue
        if edit.elements and line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                out.append(line)
                continue
            if isinstance(record, dict) and _without_elements(record, edit.elements):
                removed += 1
                line = json.dumps(record, ensure_ascii=False) + ("\n" if line.endswith("\n") else "")
        out.append(line)
    return "".join(out).encode("utf-8", errors="surrogateescape"), removed


def _xlsx(path: Path, edit: FileEdit) -> tuple[bytes, int]:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.worksheets[edit.sheet] if isinstance(edit.sheet, int) else workbook[edit.sheet]
    # The sheet is written again without the rows (the reader's numbers are the sheet's rows, from row 1), values
    # and number formats (dates stay dates). openpyxl's delete_rows moves every cell below the row: one call per
    # erased row made a first retention purge of a 10k company (thousands of interview rows) take over 20 minutes.
    drop = set(edit.rows)
    kept = [[(cell.value, cell.number_format) for cell in row]
            for number, row in enumerate(sheet.iter_rows(), start=1) if number not in drop]
    removed = sheet.max_row - len(kept) if sheet.max_row >= len(kept) else 0
    sheet.delete_rows(1, sheet.max_row)
    for number, row in enumerate(kept, start=1):
        for column, (value, number_format) in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column, value=value)
            cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), removed


def _parquet(path: Path, edit: FileEdit) -> tuple[bytes, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    keep = pa.array([i + 1 not in edit.rows for i in range(table.num_rows)])
    buffer = io.BytesIO()
    pq.write_table(table.filter(keep), buffer)
    return buffer.getvalue(), len(edit.rows)


def prepare(landing: Path, edit: FileEdit) -> Rewritten | None:
    """Write the file without the rows of ``edit`` to a temporary file beside it (None: nothing to change)."""
    path = landing / edit.relative
    if not path.exists() or not (edit.rows or edit.elements):
        return None
    fmt = format_for(path, edit.format)
    data = path.read_bytes()
    if fmt == "csv":
        new, removed = _csv(data, edit)
    elif fmt == "json":
        new, removed = _json(data, edit)
    elif fmt == "ndjson":
        new, removed = _ndjson(data, edit)
    elif fmt == "xlsx":
        new, removed = _xlsx(path, edit)
    else:
        new, removed = _parquet(path, edit)
    if not removed:
        return None
    temporary = path.with_name(f".{path.name}.erasure.tmp")
    with temporary.open("wb") as handle:
        handle.write(new)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, path.stat().st_mode & 0o777)
    return Rewritten(edit.relative, content_hash(path), content_hash(temporary), len(new), temporary, removed)


def remove_leftovers(landing: Path) -> int:
    """Delete rewritten files an interrupted erasure left beside the originals (never renamed into place, so the
    originals are what the warehouse knows); returns how many."""
    leftovers = list(landing.rglob(".*.erasure.tmp")) if landing.exists() else []
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


def commit(landing: Path, rewritten: list[Rewritten]) -> None:
    """Rename each rewritten file into place (atomic per file)."""
    for item in rewritten:
        os.replace(item.temporary, landing / item.relative)


def discard(rewritten: list[Rewritten]) -> None:
    for item in rewritten:
        item.temporary.unlink(missing_ok=True)
