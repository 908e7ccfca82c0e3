"""The last days of a generated company as the exports of separate nights.

``hold_back(landing, days_out, days)`` rewrites a complete landing folder so that it holds what the source systems
had exported by the end of day ``cutoff = last day - days``, and writes, for each later day D, the files that day's
exports add under ``days_out/<D>/`` (paths relative to the landing folder). Copying ``days_out/<D>/`` into the
landing folder, one day after another, gives the nightly the day-by-day arrivals a real installation sees:

- daily event files (new names): attendance punches, WeCom messages, survey responses, application stage moves
  (a stage entered that day, or one left that day: the later version of the same key carries the exit time);
- per-channel Slack day files, moved as they are (Slack exports one file per channel per day);
- full snapshots rewritten in place as of that day: HRIS employees (people hired by then; leaving fields only once
  they have left) and job history, and ATS applications.

Every other file stays whole in the history (the first night). Rows whose date cannot be read (the generator's
deliberate dirt) stay in the history so the first night quarantines them. After the last day the landing folder
holds the same rows as the complete company, so a full rebuild over it must give what the nightly built.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

EXCEL_EPOCH = dt.date(1899, 12, 30)
_ISO = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_CHINESE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
_SERIAL = re.compile(r"^\s*(\d{5})(\.\d+)?\s*$")
CHINA = dt.timezone(dt.timedelta(hours=8))


def parse_day(value: str | None) -> dt.date | None:
    """The calendar day a cell names (ISO, 2024/3/5, 2024年3月5日, Excel serial); None when it names none."""
    if not value:
        return None
    for pattern in (_ISO, _CHINESE):
        match = pattern.match(value)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    match = _SERIAL.match(value)
    if match:
        return EXCEL_EPOCH + dt.timedelta(days=int(match[1]))
    return None


@dataclass(frozen=True)
class CsvFile:
    """What a CSV in the landing folder holds: rows read as lists of cells, with the file's header and encoding."""

    header: list[str]
    rows: list[list[str]]
    encoding: str

    @classmethod
    def read(cls, path: Path) -> CsvFile:
        data = path.read_bytes()
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("gb18030"), "gb18030"
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        return cls(header, list(reader), encoding)

    def column(self, *names: str) -> int:
        for name in names:
            if name in self.header:
                return self.header.index(name)
        raise KeyError(f"none of {names} in the header {self.header}")

    def write(self, path: Path, rows: Iterable[list[str]]) -> int:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue().encode(self.encoding))
        return count


def _cell(row: list[str], index: int) -> str | None:
    return row[index] if index < len(row) else None


def _known_by(row: list[str], index: int, day: dt.date) -> bool:
    """A row whose date cannot be read is part of the history (dirt for the first night)."""
    seen = parse_day(_cell(row, index))
    return seen is None or seen <= day


class HoldBack:
    """Splits one landing folder; ``days`` are the held-back days in order, ``cutoff`` the day before the first."""

    def __init__(self, landing: Path, days_out: Path, days: list[dt.date]) -> None:
        self.landing, self.days_out, self.days = landing, days_out, days
        self.cutoff = days[0] - dt.timedelta(days=1)

    def _day_path(self, day: dt.date, rel: str) -> Path:
        return self.days_out / day.isoformat() / rel

    # ------------------------------------------------------------------ daily event files (new file per day)
    def events(self, pattern: str, columns: tuple[str, ...], day_name: Callable[[dt.date], str]) -> None:
        for path in sorted(self.landing.glob(pattern)):
            table = CsvFile.read(path)
            index = table.column(*columns)
            by_day: dict[dt.date, list[list[str]]] = {}
            history = []
            for row in table.rows:
                seen = parse_day(_cell(row, index))
                if seen is None or seen <= self.cutoff:
                    history.append(row)
                elif seen <= self.days[-1]:
                    by_day.setdefault(seen, []).append(row)
                else:
                    history.append(row)  # after the last day: never exported in this scenario; keep it whole
            if len(history) == len(table.rows):
                continue
            for day, rows in by_day.items():
                target = self._day_path(day, day_name(day))
                existing = CsvFile.read(target).rows if target.exists() else []
                table.write(target, existing + rows)
            if history:
                table.write(path, history)
            else:
                path.unlink()

    def stage_moves(self, rel: str) -> None:
        """Application stages: a stage is exported when entered (open) and again when left (with its exit)."""
        path = self.landing / rel
        if not path.exists():
            return
        table = CsvFile.read(path)
        entered, exited = table.column("entered_at"), table.column("exited_at")

        def as_of(row: list[str], day: dt.date) -> list[str]:
            left = parse_day(_cell(row, exited))
            return row if left is None or left <= day else [*row[:exited], "", *row[exited + 1:]]

        history = [as_of(r, self.cutoff) for r in table.rows if _known_by(r, entered, self.cutoff)]
        for day in self.days:
            moves = [as_of(r, day) for r in table.rows
                     if parse_day(_cell(r, entered)) == day or parse_day(_cell(r, exited)) == day]
            if moves:
                table.write(self._day_path(day, rel.replace(".csv", f"_{day.isoformat()}.csv")), moves)
        table.write(path, history)

    # ------------------------------------------------------------------ full snapshots (the same file, rewritten)
    def snapshots(self, rel: str, as_of: Callable[[CsvFile, dt.date], list[list[str]]]) -> None:
        path = self.landing / rel
        if not path.exists():
            return
        table = CsvFile.read(path)
        previous = None
        for day in self.days:
            rows = as_of(table, day)
            if rows != previous:
                table.write(self._day_path(day, rel), rows)
            previous = rows
        table.write(path, as_of(table, self.cutoff))

    # ------------------------------------------------------------------ IM
    def wecom_messages(self, pattern: str) -> None:
        for path in sorted(self.landing.glob(pattern)):
            lines = path.read_text(encoding="utf-8").splitlines()
            history, by_day = [], {}
            for line in lines:
                try:
                    sent = dt.datetime.fromtimestamp(json.loads(line)["msgtime"] / 1000, CHINA).date()
                except (ValueError, KeyError, TypeError):
                    sent = None
                if sent is None or sent <= self.cutoff or sent > self.days[-1]:
                    history.append(line)
                else:
                    by_day.setdefault(sent, []).append(line)
            for day, rows in by_day.items():
                target = self._day_path(day, f"im/wecom/messages_{day.isoformat()}.jsonl")
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("a", encoding="utf-8") as fh:
                    fh.write("\n".join(rows) + "\n")
            if len(history) != len(lines):
                if history:
                    path.write_text("\n".join(history) + "\n", encoding="utf-8")
                else:
                    path.unlink()

    def slack_days(self, pattern: str) -> None:
        for path in sorted(self.landing.glob(pattern)):
            day = parse_day(path.stem)
            if day is not None and self.cutoff < day <= self.days[-1]:
                target = self._day_path(day, path.relative_to(self.landing).as_posix())
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)


def _employees_as_of(table: CsvFile, day: dt.date) -> list[list[str]]:
    hired = table.column("入职日期", "hire_date")
    left = table.column("离职日期", "termination_date")
    leaving = [table.column(*names) for names in (("离职日期", "termination_date"), ("离职原因", "termination_reason"),
                                                   ("是否主动离职", "is_voluntary"), ("是否惋惜离职", "is_regretted"))]
    rows = []
    for row in table.rows:
        if not _known_by(row, hired, day):
            continue
        gone = parse_day(_cell(row, left))
        if gone is not None and gone > day:
            row = [("" if i in leaving else v) for i, v in enumerate(row)]
        rows.append(row)
    return rows


def _rows_dated_by(*columns: str) -> Callable[[CsvFile, dt.date], list[list[str]]]:
    def as_of(table: CsvFile, day: dt.date) -> list[list[str]]:
        index = table.column(*columns)
        return [row for row in table.rows if _known_by(row, index, day)]
    return as_of


def hold_back(landing: Path, days_out: Path, days: int, last_day: dt.date) -> list[dt.date]:
    """Move the exports of the last ``days`` days (ending ``last_day``) out of ``landing`` into ``days_out``.
    Returns the held-back days in order."""
    if days < 1:
        raise ValueError("hold back at least one day")
    held = [last_day - dt.timedelta(days=days - 1 - i) for i in range(days)]
    if days_out.exists():
        shutil.rmtree(days_out)
    split = HoldBack(landing, days_out, held)
    split.events("attendance/punches_*.csv", ("punched_at",), lambda d: f"attendance/punches_{d.isoformat()}.csv")
    split.events("surveys/responses*.csv", ("submitted_at",), lambda d: f"surveys/responses_{d.isoformat()}.csv")
    split.stage_moves("ats/application_stages.csv")
    split.snapshots("hris/employees.csv", _employees_as_of)
    split.snapshots("hris/job_history.csv", _rows_dated_by("effective_date"))
    split.snapshots("ats/applications.csv", _rows_dated_by("applied_at"))
    split.wecom_messages("im/wecom/messages_*.jsonl")
    split.slack_days("im/slack/*/*.json")
    return held


def release_day(days_out: Path, day: dt.date, landing: Path) -> list[str]:
    """Copy one held-back day's exports into the landing folder (what that night's transfer delivers)."""
    source = days_out / day.isoformat()
    copied = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        target = landing / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(rel.as_posix())
    return copied


def held_days(days_out: Path) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.name) for p in days_out.iterdir() if p.is_dir()) if days_out.exists() else []
