"""What a reader gives the loader: an opened file (its header and its rows in pieces), the rows that could not even
be parsed, and the error of a file that cannot be read at all.

Rows are text (``str``/``None``); types are decided later by the contract. A file is read in pieces of at most
``TRM_INGEST_PIECE_ROWS`` rows so that a file of any size loads in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

ROW_NUMBER = "_row_number"


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
    """Rows of a file (or of one piece of it): a frame of source columns plus ``_row_number``, and the rejects."""

    frame: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    encoding: str | None = None

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.rejects)


@dataclass
class FileStream:
    """An opened file: its header (checked when opened, so a bad header fails before anything is written) and its
    rows as pieces. The pieces are read on demand and can be iterated once; open the file again to reread it."""

    header: list[str]
    pieces: Iterator[ReadResult]
    encoding: str | None = None
    closer: Callable[[], None] | None = None  # releases what opening took (an XLSX workbook's zip handle)

    def close(self) -> None:
        close = getattr(self.pieces, "close", None)
        if close is not None:
            close()
        if self.closer is not None:
            self.closer()


def check_header_names(header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise FileReadError(f"the header names column {name!r} twice")
        seen.add(name)


def frame_of(rows: list, header: list[str], numbers: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, dtype="object")
    frame[ROW_NUMBER] = numbers
    return frame


def collect(stream: FileStream) -> ReadResult:
    """The whole file as one ReadResult (tests, the erasure editor, small files)."""
    pieces = list(stream.pieces)
    frames = [p.frame for p in pieces if len(p.frame.columns)]
    if frames:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        frame = frame_of([], stream.header, [])
    rejects = sorted((r for p in pieces for r in p.rejects), key=lambda r: r.row_number or 0)
    return ReadResult(frame, rejects, stream.encoding)
