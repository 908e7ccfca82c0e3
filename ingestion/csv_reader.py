"""CSV (and TSV, semicolon, pipe) landing files, read as a stream in pieces.

Every physical line after the header ends in a row or a reject, whatever one line holds. A record that cannot be
used (wrong number of fields, a NUL byte, a quote opened and never closed that swallows the lines after it) rejects
only its *first* line; parsing resumes on the next line, so one stray quote or one damaged line never takes the rest
of the file with it. A quoted field may still span lines when the record it makes is well formed. Field sizes are
not limited here: the loader quarantines rows with oversize values.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

from ingestion.limits import DEFAULT_PIECE_ROWS
from ingestion.read_results import (
    FileReadError,
    FileStream,
    ReadResult,
    Reject,
    check_header_names,
    collect,
    frame_of,
)
from ingestion.text_files import LineFeed, UndetectableEncoding, decoded_lines, detect_encoding, is_utf16

# Python's csv module stops a file at its first field over 131,072 characters; sizes are limited by the loader
# (a setting), which quarantines the row, so the parser itself must never refuse a field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_DELIMITERS = [",", "\t", ";", "|"]
_BINARY_PROBE_CHARS = 4096  # a NUL in the first characters: not a text file in this encoding
_EMPTY_PROBE_BYTES = 1 << 16
# The careful parser hands back to the fast reader after a problem, or after this many lines without one.
_RETURN_AFTER_LINES = 1000
_Batch = tuple[list[list[str]], list[int]]


class _Careful:
    """The careful parser: every physical line is decoded and fed to ``csv.reader`` on its own, so a damaged line
    is rejected alone and parsing can step back after a quote that never closes.

    It reads the header, and later the stretches of a file the fast reader hands over: a segment starts at byte
    ``offset`` (a line start) after ``line`` lines, and parses from line ``skip_to``. With ``may_return`` it stops
    once it has dealt with a problem (or read _RETURN_AFTER_LINES lines) and the next line is unread, leaving in
    ``resume_at`` the byte offset and line where the fast reader takes over again."""

    def __init__(self, path: Path, encoding: str, delimiter: str | None, rejects: list[Reject], offset: int = 0,
                 line: int = 0, skip_to: int = 0, header: list[str] | None = None, may_return: bool = False) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.rejects = rejects  # shared with the stream: pieces take them as they go
        self.may_return = may_return and not is_utf16(encoding)  # UTF-16 lines have no byte offsets here
        self.offset = offset  # the byte offset after the last line read
        self.problems = 0
        self.resume_at: tuple[int, int] | None = None
        self.feed = LineFeed(self._texts(offset, line, skip_to))
        self.feed.position = skip_to  # line numbers stay those of the file
        self.records = self._parse()

    def _texts(self, offset: int, line: int, skip_to: int) -> Iterator[str]:
        """Decoded lines; a line that is not valid text becomes a reject and a blank line (line numbers stay)."""
        seen = 0 if skip_to == 0 else _BINARY_PROBE_CHARS  # the start of the file was probed already
        for number, (text, raw) in enumerate(decoded_lines(self.path, self.encoding, offset), start=line + 1):
            self.offset += len(raw)
            if number <= skip_to:
                continue
            if text is None:
                self._reject(number, f"line is not valid {self.encoding} text",
                             raw.decode(self.encoding, errors="replace").rstrip("\r\n"))
                yield "\n"
                continue
            if number == 1:
                text = text.lstrip("\ufeff")
            if seen < _BINARY_PROBE_CHARS and "\x00" in text[: _BINARY_PROBE_CHARS - seen]:
                raise FileReadError(f"looks binary or UTF-16 without a BOM when read as {self.encoding}; "
                                    "set `encoding:` for this file in the mapping")
            seen += len(text)
            yield text

    def _reject(self, number: int, reason: str, raw: str) -> None:
        self.rejects.append(Reject(number, reason, raw))
        self.problems += 1

    def _parse(self) -> Iterator[tuple[int, list[str]] | None]:
        """(line number, fields) per row; None once, when the header has been read."""
        feed = self.feed
        first_line = feed.position
        if self.delimiter is None:
            first = "" if feed.at_end() else feed.peek()
            self.delimiter = max(_DELIMITERS, key=first.split("\n", 1)[0].count)
        while not feed.at_end():
            reader = csv.reader(feed, delimiter=self.delimiter, strict=True)  # a misplaced quote is an error
            while True:
                start = feed.position
                feed.mark()
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:  # e.g. a NUL byte: reject the record's first line, resume after it
                    self._reject(start + 1, f"unparseable CSV line: {exc}", feed.first_line())
                    feed.rewind_after_first()
                    break
                if not fields or all(not f.strip() for f in fields):
                    continue
                if self.header is None:
                    self.header = [f.strip().lstrip("\ufeff") for f in fields]
                    check_header_names(self.header)
                    yield None
                    continue
                if len(fields) == len(self.header):
                    yield start + 1, fields
                    if (self.may_return and not feed.pending()
                            and (self.problems or feed.position - first_line >= _RETURN_AFTER_LINES)):
                        self.resume_at = (self.offset, feed.position)
                        return
                    continue
                reason = f"expected {len(self.header)} fields, found {len(fields)} (malformed or truncated line)"
                if feed.spanned() > 1:  # a quote opened here swallowed the lines after it: only this line is bad
                    self._reject(start + 1, f"{reason}; a quote opened on this line is never closed, so the lines "
                                            "after it are read on their own", feed.first_line())
                    feed.rewind_after_first()
                    break
                self._reject(start + 1, reason, self.delimiter.join(fields))


class _Parser:
    """A CSV file read in segments: the fast reader (``csv.reader`` straight on the decoded file, several times
    faster) while the file is well formed, the careful parser from the first record it would treat specially (a csv
    error, a wrong number of fields, a line that does not decode) until that record is dealt with, then the fast
    reader again. Rows, row numbers and rejects are exactly the careful parser's (tested)."""

    def __init__(self, path: Path, encoding: str, delimiter: str | None) -> None:
        self.path = path
        self.encoding = encoding
        self.rejects: list[Reject] = []
        self._opening = _Careful(path, encoding, delimiter, self.rejects)

    def read_header(self) -> list[str]:
        try:  # not through _guarded: leaving a wrapper's loop would close the records generator with it
            for item in self._opening.records:
                if item is None:
                    break
        except UnicodeDecodeError as exc:
            raise self._not_text(exc) from exc
        if self._opening.header is None:
            raise FileReadError("no header row")
        self.header = self._opening.header
        self.delimiter = self._opening.delimiter
        self._header_lines = self._opening.feed.position
        return self.header

    def _guarded(self, records: Iterator) -> Iterator:
        try:
            yield from records
        except UnicodeDecodeError as exc:  # only a stream-decoded encoding (UTF-16) fails mid-file
            raise self._not_text(exc) from exc

    def _not_text(self, exc: UnicodeDecodeError) -> FileReadError:
        return FileReadError(f"is not valid {self.encoding} text ({exc.reason} at byte {exc.start})")

    def _fast_segment(self, offset: int, line: int, first: int, piece_rows: int) -> Generator[_Batch, None, int | None]:
        """Rows from line ``first`` of the segment starting at byte ``offset`` (after ``line`` lines); returns None
        at the end of the file, or the number of lines before the record the careful parser must read."""
        width = len(self.header)
        consumed = 0
        rows: list[list[str]] = []
        numbers: list[int] = []
        with self.path.open("rb") as raw:
            raw.seek(offset)
            with io.TextIOWrapper(raw, encoding=self.encoding, newline="") as text:
                try:
                    for _ in range(first - line):
                        text.readline()
                    reader = csv.reader(text, delimiter=self.delimiter, strict=True)
                    for fields in reader:
                        # blank and whitespace-only lines are no rows (the first field usually settles it)
                        if fields and (fields[0].strip() or "".join(fields).strip()):
                            if len(fields) != width:
                                break
                            rows.append(fields)
                            numbers.append(first + consumed + 1)
                            if len(rows) >= piece_rows:
                                yield rows, numbers
                                rows, numbers = [], []
                        consumed = reader.line_num
                    else:
                        yield rows, numbers
                        return None
                except (csv.Error, UnicodeDecodeError):
                    pass
        yield rows, numbers
        return first + consumed

    def _careful_segment(self, parser: _Careful, piece_rows: int) -> Iterator[_Batch]:
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, fields in parser.records:
            rows.append(fields)
            numbers.append(number)
            if len(rows) >= piece_rows:
                yield rows, numbers
                rows, numbers = [], []
        yield rows, numbers

    def _fast_allowed(self) -> bool:
        """Whether the fast reader may read after the header: the careful parser's binary probe found nothing only
        because it stopped at the header; probe the start of the file as it would."""
        with self.path.open("rb") as raw:
            start = raw.read(_BINARY_PROBE_CHARS * 4).decode(self.encoding, errors="replace")
        return "\x00" not in start.lstrip("\ufeff")[:_BINARY_PROBE_CHARS]

    def _batches(self, piece_rows: int) -> Iterator[_Batch]:
        if not self._fast_allowed():
            yield from self._careful_segment(self._opening, piece_rows)
            return
        offset, line, first = 0, 0, self._header_lines
        while True:
            stop = yield from self._fast_segment(offset, line, first, piece_rows)
            if stop is None:
                return
            careful = _Careful(self.path, self.encoding, self.delimiter, self.rejects, offset, line, stop,
                               self.header, may_return=True)
            yield from self._careful_segment(careful, piece_rows)
            if careful.resume_at is None:
                return
            offset, line = careful.resume_at
            first = line

    def pieces(self, piece_rows: int) -> Iterator[ReadResult]:
        """The rows in pieces of at most ``piece_rows``; always at least one piece (it may hold only rejects)."""
        yielded = False
        for rows, numbers in self._guarded(self._batches(piece_rows)):
            if rows or self.rejects:
                yield self._piece(rows, numbers)
                yielded = True
        if self.rejects or not yielded:  # rejects found after the last rows; a file without rows gives one piece
            yield self._piece([], [])

    def _piece(self, rows: list[list[str]], numbers: list[int]) -> ReadResult:
        rejects = sorted(self.rejects, key=lambda r: r.row_number or 0)
        self.rejects.clear()  # in place: the careful parsers append to the same list
        return ReadResult(frame_of(rows, self.header, numbers), rejects, self.encoding)


def _is_empty(path: Path) -> bool:
    size = path.stat().st_size
    if size > _EMPTY_PROBE_BYTES:
        return False
    return not path.read_bytes().strip()


def stream_csv(path: Path, encoding: str | None = None, delimiter: str | None = None,
               piece_rows: int = DEFAULT_PIECE_ROWS) -> FileStream:
    """Open a CSV file: detect its encoding and delimiter and read its header; rows follow in pieces."""
    if _is_empty(path):
        raise FileReadError("the file is empty")
    try:
        encoding = encoding or detect_encoding(path)
    except UndetectableEncoding as exc:
        raise FileReadError(str(exc)) from exc
    parser = _Parser(path, encoding, delimiter)
    header = parser.read_header()
    return FileStream(header, parser.pieces(piece_rows), encoding)


def read_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> ReadResult:
    """The whole CSV file at once (see stream_csv)."""
    return collect(stream_csv(path, encoding, delimiter))
