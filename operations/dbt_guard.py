"""``trm-dbt``: dbt that dies with the run that started it.

dagster-dbt runs dbt as a child process. When the run is killed (``kill -9``, the OOM killer, a power cut of the
Dagster process only), the child used to carry on as an orphan, writing the warehouse and holding DuckDB's lock while
the next run started: the next run failed step after step on "Could not set lock", or raced the orphan's half-built
models. This launcher asks the Linux kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``, kept across
``exec``) and then becomes dbt. Elsewhere it simply runs dbt (macOS has no equivalent; see docs/DECISIONLOG.md).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not allowed here (a sandbox): run unguarded rather than not at all
    if os.getppid() != parent:  # the parent died before the guard was set
        raise SystemExit(f"trm-dbt: the run that started dbt (pid {parent}) is gone; not starting dbt")


def main() -> None:
    _die_with_parent()
    dbt = Path(sys.executable).parent / "dbt"
    target = str(dbt) if dbt.exists() else "dbt"
    os.execvp(target, [target, *sys.argv[1:]])


if __name__ == "__main__":
    main()
