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
from collections.abc import Iterator
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
from ingestion.text_files import LineFeed, UndetectableEncoding, decoded_lines, detect_encoding

# Python's csv module stops a file at its first field over 131,072 characters; sizes are limited by the loader
# (a setting), which quarantines the row, so the parser itself must never refuse a field.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_DELIMITERS = [",", "\t", ";", "|"]
_BINARY_PROBE_CHARS = 4096  # a NUL in the first characters: not a text file in this encoding
_EMPTY_PROBE_BYTES = 1 << 16


class _Parser:
    """The careful parser: every physical line is decoded and fed to ``csv.reader`` on its own, so a damaged line
    is rejected alone and parsing can step back after a quote that never closes. ``skip_lines`` and ``header``
    start it in the middle of a file, where the fast reader (``_fast_records``) handed over."""

    def __init__(self, path: Path, encoding: str, delimiter: str | None, skip_lines: int = 0,
                 header: list[str] | None = None, rejects: list[Reject] | None = None) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter
        self.header = header
        self.rejects: list[Reject] = [] if rejects is None else rejects
        self.feed = LineFeed(self._texts(path, skip_lines))
        self.feed.position = skip_lines  # line numbers stay those of the file
        self._records = self._guarded(self._parse())  # one generator for the header and the rows

    def _texts(self, path: Path, skip_lines: int) -> Iterator[str]:
        """Decoded lines; a line that is not valid text becomes a reject and a blank line (line numbers stay)."""
        seen = 0 if skip_lines == 0 else _BINARY_PROBE_CHARS  # the start of the file was probed already
        for number, (text, raw) in enumerate(decoded_lines(path, self.encoding), start=1):
            if number <= skip_lines:
                continue
            if text is None:
                self.rejects.append(Reject(number, f"line is not valid {self.encoding} text",
                                           raw.decode(self.encoding, errors="replace").rstrip("\r\n")))
                yield "\n"
                continue
            if number == 1:
                text = text.lstrip("\ufeff")
            if seen < _BINARY_PROBE_CHARS and "\x00" in text[: _BINARY_PROBE_CHARS - seen]:
                raise FileReadError(f"looks binary or UTF-16 without a BOM when read as {self.encoding}; "
                                    "set `encoding:` for this file in the mapping")
            seen += len(text)
            yield text

    def _parse(self) -> Iterator[tuple[int, list[str]] | None]:
        """(line number, fields) per row; None once, when the header has been read."""
        feed = self.feed
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
                    self.rejects.append(Reject(start + 1, f"unparseable CSV line: {exc}", feed.first_line()))
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
                    continue
                reason = f"expected {len(self.header)} fields, found {len(fields)} (malformed or truncated line)"
                if feed.spanned() > 1:  # a quote opened here swallowed the lines after it: only this line is bad
                    self.rejects.append(Reject(start + 1, f"{reason}; a quote opened on this line is never closed, "
                                                          "so the lines after it are read on their own",
                                               feed.first_line()))
                    feed.rewind_after_first()
                    break
                self.rejects.append(Reject(start + 1, reason, self.delimiter.join(fields)))

    def read_header(self) -> list[str]:
        for item in self._records:
            if item is None:
                break
        if self.header is None:
            raise FileReadError("no header row")
        return self.header

    def _guarded(self, records: Iterator) -> Iterator:
        try:
            yield from records
        except UnicodeDecodeError as exc:  # only a stream-decoded encoding (UTF-16) fails mid-file
            raise FileReadError(f"is not valid {self.encoding} text ({exc.reason} at byte {exc.start})") from exc

    def _fast_batches(self, piece_rows: int) -> Iterator[tuple[list[list[str]], list[int]]]:
        """The rows after the header, read by ``csv.reader`` straight from the decoded file (no Python work per
        line) while the file is well formed: several times faster than the careful parser. At the first record
        the careful parser would treat specially (unparseable, a wrong number of fields, a line that does not
        decode), it hands over to a careful parser started at that record's first line, so the rows and rejects
        are exactly the careful parser's."""
        skip = self.feed.position  # the lines up to the header
        width = len(self.header or [])
        consumed = 0
        rows: list[list[str]] = []
        numbers: list[int] = []
        with self.path.open("rb") as raw, io.TextIOWrapper(raw, encoding=self.encoding, newline="") as text:
            try:
                for _ in range(skip):
                    text.readline()
                reader = csv.reader(text, delimiter=self.delimiter, strict=True)
                for fields in reader:
                    # blank and whitespace-only lines are no rows (the first field usually settles it)
                    if fields and (fields[0].strip() or "".join(fields).strip()):
                        if len(fields) != width:
                            break
                        rows.append(fields)
                        numbers.append(skip + consumed + 1)
                        if len(rows) >= piece_rows:
                            yield rows, numbers
                            rows, numbers = [], []
                    consumed = reader.line_num
                else:
                    yield rows, numbers
                    return
            except (csv.Error, UnicodeDecodeError):
                pass
        if rows:
            yield rows, numbers
        careful = _Parser(self.path, self.encoding, self.delimiter, skip + consumed, self.header, self.rejects)
        yield from careful._careful_batches(piece_rows)

    def _careful_batches(self, piece_rows: int) -> Iterator[tuple[list[list[str]], list[int]]]:
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, fields in self._records:
            rows.append(fields)
            numbers.append(number)
            if len(rows) >= piece_rows:
                yield rows, numbers
                rows, numbers = [], []
        yield rows, numbers

    def _fast_allowed(self) -> bool:
        """Whether the fast reader may take over after the header: the careful parser's binary probe found nothing
        only because it stopped at the header; probe the start of the file here as it would."""
        with self.path.open("rb") as raw:
            start = raw.read(_BINARY_PROBE_CHARS * 4).decode(self.encoding, errors="replace")
        return "\x00" not in start.lstrip("\ufeff")[:_BINARY_PROBE_CHARS]

    def pieces(self, piece_rows: int) -> Iterator[ReadResult]:
        """The rows in pieces of at most ``piece_rows``; always at least one piece (it may hold only rejects)."""
        batches = (self._guarded(self._fast_batches(piece_rows)) if self._fast_allowed()
                   else self._careful_batches(piece_rows))
        yielded = False
        for rows, numbers in batches:
            if rows or self.rejects:
                yield self._piece(rows, numbers)
                yielded = True
        if self.rejects or not yielded:  # rejects found after the last rows; a file without rows gives one piece
            yield self._piece([], [])

    def _piece(self, rows: list[list[str]], numbers: list[int]) -> ReadResult:
        rejects = sorted(self.rejects, key=lambda r: r.row_number or 0)
        self.rejects.clear()  # in place: a careful parser taking over shares the list
        return ReadResult(frame_of(rows, self.header or [], numbers), rejects, self.encoding)


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
