"""Reading a feature table as analysts export it: CSV (UTF-8, UTF-8 with BOM or GB18030; comma, semicolon, tab
or pipe separated; decimal point or, in semicolon/tab/pipe files from European locales, decimal comma), Excel
(.xlsx/.xlsm, first sheet) or Parquet."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pandas as pd

EXCEL = {".xlsx", ".xlsm", ".xls"}
PARQUET = {".parquet", ".pq"}
_COMMA_DECIMAL = re.compile(r"[-+]?\d+,\d+")
_POINT_DECIMAL = re.compile(r"[-+]?\d+\.\d+")
SNIFF_LINES = 2000
NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "#N/A", "-", "--", "?"]


class TableReadError(ValueError):
    pass


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError("the file is neither UTF-8 nor GB18030 text")


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _decimal(text: str, sep: str) -> str:
    """',' when a semicolon, tab or pipe separated export writes decimals with a comma (Excel in German,
    French, Russian ... locales: 0,38 for 0.38), else '.'. Decided by the data cells of the first lines:
    whichever of the "0,38" and "0.38" shapes is more common. Comma separated files cannot hold unquoted
    decimal commas."""
    if sep == ",":
        return "."
    comma = point = 0
    for line in itertools.islice(io.StringIO(text), 1, SNIFF_LINES + 1):  # not the whole file
        for cell in line.split(sep):
            cell = cell.strip().strip('"').strip()
            if _COMMA_DECIMAL.fullmatch(cell):
                comma += 1
            elif _POINT_DECIMAL.fullmatch(cell):
                point += 1
    return "," if comma > point else "."


def read_table(path: str | Path) -> pd.DataFrame:
    """The table with header names stripped and fully empty rows removed (empty columns stay: profiling reports
    them as a missing source)."""
    path = Path(path)
    if not path.is_file():
        raise TableReadError(f"{path} does not exist or is not a file")
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL:
            frame = pd.read_excel(path, na_values=NA_VALUES)
        elif suffix in PARQUET:
            frame = pd.read_parquet(path)
        else:
            text = _decode(path.read_bytes())
            sep = _separator(text)
            frame = pd.read_csv(io.StringIO(text), sep=sep, decimal=_decimal(text, sep), na_values=NA_VALUES,
                                keep_default_na=False, skipinitialspace=True, low_memory=False)
    except TableReadError:
        raise
    except (ValueError, OSError, ImportError, pd.errors.ParserError) as exc:
        raise TableReadError(f"cannot read {path}: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.dropna(axis=0, how="all")
    if frame.empty:
        raise TableReadError(f"{path} holds no data rows")
    return frame
