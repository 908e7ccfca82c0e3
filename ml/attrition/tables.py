"""Reading a feature table as analysts export it: CSV (UTF-8, UTF-8 with BOM or GB18030; comma, semicolon, tab
or pipe separated), Excel (.xlsx/.xlsm, first sheet) or Parquet."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

EXCEL = {".xlsx", ".xlsm", ".xls"}
PARQUET = {".parquet", ".pq"}
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
            frame = pd.read_csv(io.StringIO(text), sep=_separator(text), na_values=NA_VALUES,
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
