"""Text landing files read as a stream: encoding detection, physical lines decoded one by one, and a line feed the
CSV parser can step back in.

A 100,000-employee company sends single CSV files of several hundred megabytes (a month of punches, every survey
response). Nothing here holds a whole file: the encoding is detected over blocks, lines are decoded as they are
read, and the feed keeps only the lines of the record being parsed.
"""

from __future__ import annotations

import codecs
import io
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

_BLOCK = 1 << 22  # 4 MiB
_CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz", "big5", "cp936"}
# A file that is mostly valid UTF-8 is UTF-8 with a few damaged rows, not another encoding.
_MAX_BAD_LINE_SHARE = 0.01
# charset_normalizer looks at this much of a file that is neither UTF-8 nor GB18030 (it samples anyway).
_GUESS_BYTES = 1 << 20
# A lone carriage return ends a line too (old Mac exports), as in Python's universal newlines.
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


class UndetectableEncoding(ValueError):
    """No encoding reads the file."""


def _open(source: Path | bytes) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _blocks(source: Path | bytes) -> Iterator[bytes]:
    with _open(source) as handle:
        while block := handle.read(_BLOCK):
            yield block


def _decodes(source: Path | bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for block in _blocks(source):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def physical_lines(source: Path | bytes, offset: int = 0) -> Iterator[bytes]:
    """The file's lines as bytes with their endings, from byte ``offset`` (a line start); \\n, \\r\\n and a lone
    \\r each end a line."""
    with _open(source) as handle:
        handle.seek(offset)
        for line in handle:
            if b"\r" in line[:-2] or (line.endswith(b"\r")):
                yield from (part for part in _LONE_CR.split(line) if part)
            else:
                yield line


def detect_encoding(source: Path | bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are UTF-8, else the best guess, widening GBK to GB18030.

    ``source`` is a file (read in blocks, never whole) or bytes in memory (the landing-file editor of erasure)."""
    with _open(source) as handle:
        head = handle.read(4)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode text" export
    if _decodes(source, "utf-8"):
        return "utf-8"
    lines = bad = 0
    for line in physical_lines(source):
        lines += 1
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    if lines and bad / lines <= _MAX_BAD_LINE_SHARE:
        return "utf-8"  # damaged lines are rejected one by one by decoded_lines
    if _decodes(source, "gb18030"):
        return "gb18030"  # the usual Chinese export encoding; decodes GBK and GB2312 too
    with _open(source) as handle:
        best = from_bytes(handle.read(_GUESS_BYTES)).best()
    if best is None:
        raise UndetectableEncoding("cannot detect the text encoding; set `encoding:` for this file in the mapping")
    encoding = best.encoding.lower()
    return "gb18030" if encoding in _CHINESE_ENCODINGS else encoding


def is_utf16(encoding: str) -> bool:
    return encoding.replace("-", "").replace("_", "").lower().startswith("utf16")


def decoded_lines(path: Path, encoding: str, offset: int = 0) -> Iterator[tuple[str | None, bytes]]:
    """(text, raw bytes) per physical line from byte ``offset``; text is None for a line that is not valid
    ``encoding``, so the caller rejects that line and keeps reading. UTF-16 cannot be split into lines as bytes: it
    is decoded as a stream from the start (raw is empty), and a damaged UTF-16 file fails as a whole
    (UnicodeDecodeError)."""
    if is_utf16(encoding):
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
            for line in text:
                yield line, b""
        return
    for line in physical_lines(path, offset):
        try:
            yield line.decode(encoding), line
        except UnicodeDecodeError:
            yield None, line


class LineFeed:
    """Lines fed to ``csv.reader`` one at a time, with the position kept outside it.

    When a record turns out malformed, parsing restarts on the line after the record's first line: the feed keeps
    the lines of the record being read (``mark`` starts a record) and ``rewind_after_first`` puts all but the first
    back. ``lines`` may be a list (the erasure editor) or a stream (the loader)."""

    def __init__(self, lines: Iterator[str] | list[str]) -> None:
        self._source = iter(lines)
        self._back: deque[str] = deque()
        self._record: list[str] = []
        self.position = 0  # lines consumed

    def __iter__(self) -> LineFeed:
        return self

    def __next__(self) -> str:
        line = self._back.popleft() if self._back else next(self._source)
        self.position += 1
        self._record.append(line)
        return line

    def mark(self) -> None:
        self._record = []

    def first_line(self) -> str:
        return self._record[0].rstrip("\r\n") if self._record else ""

    def spanned(self) -> int:
        return len(self._record)

    def rewind_after_first(self) -> None:
        rest = self._record[1:]
        self._back.extendleft(reversed(rest))
        self.position -= len(rest)
        self._record = []

    def pending(self) -> bool:
        """Whether lines were put back or peeked (then ``position`` is behind the lines read from the source)."""
        return bool(self._back)

    def peek(self) -> str:
        """The next line without consuming it (call after ``at_end()`` returned False)."""
        return self._back[0]

    def at_end(self) -> bool:
        if self._back:
            return False
        try:
            self._back.append(next(self._source))
        except StopIteration:
            return True
        return False


def split_text_lines(text: str) -> list[str]:
    """Lines of a text in memory, endings kept (\\n, \\r\\n and \\r end a line)."""
    return io.StringIO(text, newline="").readlines()
