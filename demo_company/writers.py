"""Deterministic file writers: CSV (UTF-8 via pyarrow, GB18030), XLSX (minimal hand-written OOXML, fixed zip
timestamps so two runs are byte-identical), JSON and NDJSON.

XLSX is written by hand rather than with openpyxl because openpyxl manages ~100k cells/s, which makes the
100k-employee company take minutes on spreadsheets alone; the output is read back with openpyxl in tests."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

XLSX_MAX_ROWS = 1_048_575  # data rows per sheet (plus the header row)
_CSV_PIECE_ROWS = 500_000  # rows encoded and written at a time
_XLSX_PIECE_ROWS = 100_000  # rows of a sheet turned into XML at a time
_NEEDS_QUOTE = re.compile(r'[",\r\n]')


def arrow_column(v: np.ndarray | pa.Array) -> pa.Array:
    """A column as Arrow, the way every writer encodes it (text cells as strings, None as empty)."""
    if isinstance(v, pa.Array):
        return v
    if v.dtype == object:
        kinds = {type(x) for x in v[: min(len(v), 5000)]} - {type(None)}
        if kinds - {str}:  # mixed cells (e.g. a date column with Excel serials) become text
            v = np.array([None if x is None or (isinstance(x, float) and np.isnan(x)) else str(x) for x in v],
                         dtype=object)
        return pa.array(v, type=pa.string(), from_pandas=True)
    return pa.array(v, from_pandas=True)


def to_arrow(table: dict[str, np.ndarray]) -> pa.Table:
    return pa.table({c: arrow_column(v if isinstance(v, pa.Array) else np.asarray(v)) for c, v in table.items()})


def _needs_quotes(table: pa.Table) -> bool:
    """Any delimiter, quote or line break in a string column? Scans the raw UTF-8 buffers (memchr speed)."""
    for col in table.columns:
        if not pa.types.is_string(col.type):
            continue
        for chunk in col.chunks:
            data = chunk.buffers()[2]
            if data is not None and any(ch in memoryview(data).tobytes() for ch in (b",", b'"', b"\n", b"\r")):
                return True
    return False


def _csv_bytes(table: pa.Table, quote: bool) -> bytes:
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False, quoting_style="needed" if quote else "none"))
    return buf.getvalue()


def _csv_line(values: list[object]) -> str:
    out = []
    for v in values:
        s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        if isinstance(v, bool):
            s = str(v).lower()
        out.append('"' + s.replace('"', '""') + '"' if _NEEDS_QUOTE.search(s) else s)
    return ",".join(out) + "\n"


def write_csv(df: dict[str, np.ndarray] | pa.Table, path: Path, encoding: str = "utf-8",
              short_rows: np.ndarray | None = None) -> int:
    """Write a table; rows listed in short_rows lose their last field (a malformed line, as broken exports have)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = df if isinstance(df, pa.Table) else to_arrow(df)
    quote = _needs_quotes(table)
    short = np.sort(np.asarray(short_rows if short_rows is not None else [], dtype=np.int64))
    # Written piece by piece (never the whole file in memory: at 100k employees one CSV is ~1 GB); every piece
    # ends on a line break, so re-encoding piece by piece gives the same bytes as encoding the whole.
    utf8 = encoding.lower() == "utf-8"
    with path.open("wb") as fh:
        def put(data: bytes) -> None:
            fh.write(data if utf8 else data.decode("utf-8").encode(encoding))

        put(_csv_line(list(table.column_names)).encode("utf-8"))
        prev = 0
        for r in list(short) + [table.num_rows]:
            for start in range(prev, int(r), _CSV_PIECE_ROWS):
                put(_csv_bytes(table.slice(start, min(int(r), start + _CSV_PIECE_ROWS) - start), quote))
            if r < table.num_rows:
                put(_csv_line(list(table.slice(int(r), 1).to_pylist()[0].values())[:-1]).encode("utf-8"))
            prev = r + 1
    return table.num_rows


def write_json(obj: object, path: Path, indent: int | None = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def write_lines(lines: list[str] | np.ndarray, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for chunk_start in range(0, len(lines), 200_000):
            fh.write("\n".join(lines[chunk_start:chunk_start + 200_000]))
            fh.write("\n")
    return len(lines)


# --------------------------------------------------------------------------------------------- XLSX
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" '
       'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/'
       'app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
         'core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
         '</Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.'
       'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'styles" Target="styles.xml"/></Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.'
           'openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode='
           '"yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
           '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
           'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
           '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
           'xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.'
         'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
         'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
         '<dc:creator>{creator}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{ts}</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">{ts}</dcterms:modified></cp:coreProperties>')
_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats'
        '.org/officeDocument/2006/extended-properties"><Application>TRM demo generator</Application></Properties>')
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*[p if isinstance(p, pa.Array) else pa.scalar(p) for p in parts], "")


def _cells(values: np.ndarray, letter: str, rows: pa.Array, is_date: bool) -> pa.Array:
    """One XML cell string per value ('' for missing), built column-wise with pyarrow."""
    n = len(values)
    kind = np.zeros(n, np.int8)  # 0 missing, 1 text, 2 number, 3 bool, 4 date, 5 datetime
    if values.dtype == bool:
        kind[:] = 3
        num = np.where(values, "1", "0").astype(object)
    elif values.dtype.kind in "if":
        kind[:] = np.where(np.isnan(values.astype(float)), 0, 2)
        num = values.astype(object)
    else:
        t = np.array([0 if v is None or v == "" else 3 if isinstance(v, (bool, np.bool_)) else 1 if isinstance(v, str)
                      else 0 if isinstance(v, float) and np.isnan(v) else 2 for v in values], dtype=np.int8)
        kind[:] = t
        num = np.where(kind == 3, np.where(values == True, "1", "0"), values).astype(object)  # noqa: E712
        if is_date:
            txt = kind == 1
            parsed = pd.to_datetime(pd.Series(values[txt], dtype=object), format="ISO8601", errors="coerce")
            ok = parsed.notna().to_numpy() & np.array([_ISO_DATE.match(v) is not None for v in values[txt]], bool)
            idx = np.flatnonzero(txt)[ok]
            secs = (parsed[ok].to_numpy().astype("datetime64[s]") - _EXCEL_EPOCH).astype(np.int64)
            has_time = np.array([len(v) > 10 for v in values[idx]], bool)
            kind[idx] = np.where(has_time, 5, 4)
            num[idx] = [repr(float(x) / 86400) if x % 86400 else str(x // 86400) for x in secs.tolist()]
    text = pa.array(np.where(kind == 1, values, "").astype(str)) if (kind == 1).any() else pa.array([""] * n)
    text = pc.replace_substring(pc.replace_substring(pc.replace_substring(text, "&", "&amp;"), "<", "&lt;"), ">", "&gt;")
    numa = pa.array(np.where(kind >= 2, num, "").astype(str))
    ref = _join(f'<c r="{letter}', rows)
    k = pa.array(kind)
    by_kind = [pa.array([""] * n), _join(ref, '" t="inlineStr"><is><t>', text, "</t></is></c>"),
               _join(ref, '"><v>', numa, "</v></c>"), _join(ref, '" t="b"><v>', numa, "</v></c>"),
               _join(ref, '" s="1"><v>', numa, "</v></c>"), _join(ref, '" s="2"><v>', numa, "</v></c>")]
    out = by_kind[0]
    for code in range(1, 6):
        out = pc.if_else(pc.equal(k, code), by_kind[code], out)
    return out


def _utf8_concatenated(a: pa.Array) -> bytes:
    """The strings of an Arrow array end to end, read straight from its value buffer (one copy), instead of a
    Python string per row: an interviews sheet of a 100k company is a million rows."""
    if a.null_count:
        a = pc.fill_null(a, "")
    if len(a) == 0:
        return b""
    a = a.cast(pa.large_string())
    offsets = np.frombuffer(a.buffers()[1], dtype=np.int64)[a.offset: a.offset + len(a) + 1]
    return memoryview(a.buffers()[2])[int(offsets[0]): int(offsets[-1])].tobytes()


def _zip(path: Path, parts: dict[str, str | bytes], stamp: date) -> None:
    dt = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zi = zipfile.ZipInfo(name, date_time=dt)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data.encode("utf-8") if isinstance(data, str) else data, compresslevel=1)


def write_xlsx(df: dict[str, np.ndarray], path: Path, stamp: date, date_cols: tuple[str, ...] = (),
               sheet: str = "Sheet1") -> dict[Path, int]:
    """Write df as one sheet; ISO strings in date_cols become real Excel dates, other strings stay text and
    numbers stay numbers (so a date column can carry the Excel-serial and '2024/3/5' variants of real files).
    Splits into name_2.xlsx, ... beyond Excel's row limit. Returns {path: rows}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written: dict[Path, int] = {}
    cols_all = list(df)
    total = len(df[cols_all[0]]) if cols_all else 0
    letters = [_col_letter(i) for i in range(len(cols_all))]
    head = "".join(f'<c r="{letters[i]}1" t="inlineStr"><is><t>{_esc(str(c))}</t></is></c>'
                   for i, c in enumerate(cols_all))
    for k, lo in enumerate(range(0, max(total, 1), XLSX_MAX_ROWS)):
        hi = min(lo + XLSX_MAX_ROWS, total)
        p = path if k == 0 else path.with_name(f"{path.stem}_{k + 1}{path.suffix}")
        pieces = []
        for a in range(lo, hi, _XLSX_PIECE_ROWS):  # a piece at a time: a full sheet's cells at once take gigabytes
            b = min(a + _XLSX_PIECE_ROWS, hi)
            rows = pa.array(np.arange(a - lo + 2, b - lo + 2).astype(str))
            cells = [_cells(np.asarray(df[c][a:b]), letters[i], rows, c in date_cols) for i, c in enumerate(cols_all)]
            pieces.append(_utf8_concatenated(_join('<row r="', rows, '">', *cells, "</row>")))
        body = b"".join([('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                          'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                          f'<row r="1">{head}</row>').encode(), *pieces, b"</sheetData></worksheet>"])
        del pieces
        ts = f"{stamp.isoformat()}T00:00:00Z"
        _zip(p, {"[Content_Types].xml": _CT, "_rels/.rels": _RELS, "docProps/core.xml":
                 _CORE.format(creator="TRM", ts=ts), "docProps/app.xml": _APP,
                 "xl/workbook.xml": _WB.format(name=_esc(sheet)), "xl/_rels/workbook.xml.rels": _WB_RELS,
                 "xl/styles.xml": _STYLES, "xl/worksheets/sheet1.xml": body}, stamp)
        written[p] = hi - lo
    return written
