"""Row guards of ingestion: values no row may carry into raw, and what a quarantined record may keep.

Applied to every file whatever its format, before the contract is checked: a value longer than the limit
(``TRM_MAX_FIELD_CHARS``) or holding control characters (binary bytes) quarantines its row, the rest of the file
loads. Records written to ``raw.quarantine`` have national ID numbers masked and are cut to a readable length.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.limits import QUARANTINE_RECORD_CHARS
from ingestion.readers import ROW_NUMBER, ReadResult, Reject

_NATIONAL_ID = re.compile(r"\b\d{17}[\dXx]\b|\b\d{15}\b")


def mask_ids(text: str) -> str:
    return _NATIONAL_ID.sub("***", text)


def shorten(text: str) -> str:
    if len(text) <= QUARANTINE_RECORD_CHARS:
        return text
    return text[:QUARANTINE_RECORD_CHARS] + f"… [cut: {len(text):,} characters]"


# C0 control characters other than tab, newline and carriage return: bytes of a binary file or a broken export,
# never text a person typed. NUL in particular is cut or refused by some readers of the warehouse.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"



def _may_hold_unreadable(values: pd.Series, max_chars: int) -> bool:
    """Whether a column may hold a value too long or with control characters: one vectorised pass (Arrow).

    Nearly every column of every file is clean, and the per-row check below costs several pandas passes per
    column and file; this exact pre-check lets a clean column skip it. Values are text or None
    (readers.ReadResult); "\n" is not a control character here."""
    try:
        array = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a typed value from a caller: judge its text
        array = pa.array([v if v is None or isinstance(v, str) else str(v) for v in values.tolist()],
                         type=pa.string(), from_pandas=True)
    if array.null_count == len(array):
        return False
    longest = pc.max(pc.utf8_length(array)).as_py() or 0
    return longest > max_chars or bool(pc.any(pc.match_substring_regex(array, _CONTROL)).as_py())


def quarantine_unreadable_values(read: ReadResult, max_chars: int, only: set[str] | None = None) -> None:
    """Move rows holding a value longer than ``max_chars``, or control characters (binary bytes), from the frame to
    the rejects, each with the column(s) that caused it; the rest of the file loads. ``only``: the columns to check
    (the ones the entity loads; default all)."""
    frame = read.frame
    columns = [c for c in frame.columns if c != ROW_NUMBER and frame[c].dtype == object and (only is None or c in only)]
    if frame.empty or not columns:
        return
    problems: dict[int, list[str]] = {}
    for column in columns:
        if not _may_hold_unreadable(frame[column], max_chars):
            continue
        text = frame[column].astype("string")
        lengths = text.str.len()
        for idx in frame.index[(lengths > max_chars).fillna(False).to_numpy()]:
            problems.setdefault(idx, []).append(f"{column}: value too long ({int(lengths.at[idx]):,} characters; the "
                                                f"limit is {max_chars:,}, setting TRM_MAX_FIELD_CHARS)")
        for idx in frame.index[text.str.contains(_CONTROL, regex=True).fillna(False).to_numpy()]:
            problems.setdefault(idx, []).append(f"{column}: holds control characters (binary bytes, not text)")
    if not problems:
        return
    for idx, reasons in sorted(problems.items()):
        row = frame.loc[idx]
        record = {c: (v if not isinstance(v, str) or len(v) <= 200 else v[:200] + "…") for c, v in row.items()
                  if c != ROW_NUMBER}
        read.rejects.append(Reject(int(row[ROW_NUMBER]), "; ".join(reasons),
                                   json.dumps(record, ensure_ascii=False, default=str)))
    read.frame = frame[~frame.index.isin(list(problems))].reset_index(drop=True)
