"""One run at a time per TRM_HOME.

DuckDB allows one writer per file, so two runs on the same warehouse (the nightly schedule, the landing sensor and
a manual ``trm run`` sooner or later overlap) would alternate on its lock and both fail. Every run that writes the
warehouse holds ``$TRM_HOME/.run.lock`` for its whole duration:

* an advisory ``flock`` on the file: the kernel releases it when the holder exits, however it exits (``kill -9``
  included), so a lock can never outlive its run;
* the holder (run id, job, pid, host, start time) written into the file, so a second run can say who holds it, and
  a run that finds a holder recorded but the lock free knows that run died and clears the record (stale lock).

A second run either waits (``wait_seconds``) or stops at once with :class:`RunInProgress`. The lock is re-entrant
within a process: ``trm run`` takes it before starting Dagster, and the resource every asset uses takes it again
as a no-op. ``flock`` is local to one machine: TRM_HOME on a network file system shared by several machines is not
supported (run one Dagster daemon per TRM_HOME).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

LOCK_FILE = ".run.lock"
_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Holder:
    run_id: str
    job: str
    pid: int
    host: str
    started_at: str  # ISO 8601, UTC

    def describe(self) -> str:
        return (f"run {self.run_id} ({self.job}, started {self.started_at.replace('T', ' ')[:19]} UTC, "
                f"pid {self.pid} on {self.host})")


class RunInProgress(RuntimeError):
    """Another run holds the lock of this TRM_HOME."""

    def __init__(self, home: Path, holder: Holder | None, waited: float) -> None:
        self.home, self.holder, self.waited = home, holder, waited
        who = holder.describe() if holder else "another run (it is starting)"
        after = f" after waiting {waited:.0f} s" if waited >= 1 else ""
        super().__init__(f"a run is in progress on {home}: {who}{after}. TRM runs one at a time per TRM_HOME; "
                         "try again when it has finished (`make ui` shows it), or queue behind it with `trm run --wait "
                         "SECONDS` (runs started by Dagster wait TRM_RUN_LOCK_WAIT_SECONDS).")


_held: dict[Path, tuple[int, Holder, int]] = {}  # home -> (fd, holder, depth): re-entrant within the process
_guard = threading.Lock()


def lock_path(home: Path) -> Path:
    return Path(home).resolve() / LOCK_FILE


def _read_holder(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return Holder(**json.loads(text))
    except (ValueError, TypeError):
        return None


def _write_holder(fd: int, holder: Holder | None) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    if holder is not None:
        os.write(fd, json.dumps(asdict(holder)).encode())
    os.fsync(fd)


def current_holder(home: Path) -> Holder | None:
    """The run holding the lock of ``home``, or None when no run is in progress (never blocks)."""
    path = lock_path(home)
    if not path.exists():
        return None
    with _guard:
        if path.parent in _held:
            return _held[path.parent][1]
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd) or Holder("unknown", "unknown", 0, "unknown", "")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def run_lock(home: Path, run_id: str, job: str, wait_seconds: float = 0.0,
             log: Callable[[str], None] | None = None) -> Iterator[Holder]:
    """Hold the run lock of ``home`` for the ``with`` block; raise RunInProgress if another run keeps it
    longer than ``wait_seconds``."""
    log = log or (lambda message: None)
    path = lock_path(home)
    home = path.parent
    with _guard:
        if home in _held:  # this process already holds it (trm run, then the resource of the same run)
            fd, holder, depth = _held[home]
            _held[home] = (fd, holder, depth + 1)
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield holder
        finally:
            with _guard:
                fd, holder, depth = _held[home]
                _held[home] = (fd, holder, depth - 1)
        return
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    started = time.monotonic()
    try:
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait_seconds:
                    raise RunInProgress(home, _read_holder(fd), waited) from None
                if not announced:
                    holder = _read_holder(fd)
                    log(f"waiting for {holder.describe() if holder else 'another run'} to finish "
                        f"(up to {wait_seconds:.0f} s)")
                    announced = True
                time.sleep(min(_POLL_SECONDS, max(0.05, wait_seconds - waited)))
        stale = _read_holder(fd)
        if stale is not None:  # recorded but not locked: that run died without releasing (kill -9, power loss)
            log(f"cleared a stale run lock: {stale.describe()} is no longer running; this run repairs what it left")
        holder = Holder(run_id=run_id, job=job, pid=os.getpid(), host=socket.gethostname(),
                        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        _write_holder(fd, holder)
        with _guard:
            _held[home] = (fd, holder, 1)
        try:
            yield holder
        finally:
            with _guard:
                del _held[home]
            _write_holder(fd, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
