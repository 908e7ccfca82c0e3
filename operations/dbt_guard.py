"""``trm-dbt``: dbt that dies with the run that started it.

dagster-dbt runs dbt as a child process. When the run is killed (``kill -9``, the OOM killer, a power cut of the
Dagster process only), the child used to carry on as an orphan, writing the warehouse and holding DuckDB's lock while
the next run started: the next run failed step after step on "Could not set lock", or raced the orphan's half-built
models. This launcher asks the Linux kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``, kept across
``exec``) and then runs dbt in the same process. Elsewhere it simply runs dbt (macOS has no equivalent; see docs/DECISIONLOG.md).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
# Profile fields that cannot change what dbt parses: where the warehouse file is, and DuckDB's memory and threads.
PARSE_NEUTRAL_KEYS = frozenset({"path", "settings"})


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not allowed here (a sandbox): run unguarded rather than not at all
    if os.getppid() != parent:  # the parent died before the guard was set
        raise SystemExit(f"trm-dbt: the run that started dbt (pid {parent}) is gone; not starting dbt")


def parse_once_for_every_warehouse() -> None:
    """Let dbt reuse its partial parse whichever warehouse file the profile points at.

    dbt re-parses the whole project (about 9 s of a 13 s start) when the profile's connection details differ from
    the last parse's, and dbt-duckdb counts the file's path and its DuckDB settings among them. Neither changes
    anything in the parsed project (the database name, which nodes do carry, still counts), but every
    installation, test and benchmark that points TRM_WAREHOUSE elsewhere, and every night whose TRM_MEMORY_LIMIT
    or TRM_THREADS differed from the environment of the last `dbt parse`, paid for a full parse at each dbt step.
    """
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    keys = getattr(DuckDBCredentials, "_connection_keys", None)
    if keys is None or getattr(keys, "trm_without_path", False):
        return  # another dbt-duckdb: dbt re-parses as it always did

    def without_path(self) -> tuple[str, ...]:
        return tuple(k for k in keys(self) if k not in PARSE_NEUTRAL_KEYS)

    without_path.trm_without_path = True  # type: ignore[attr-defined]
    DuckDBCredentials._connection_keys = without_path  # type: ignore[method-assign]


def main() -> None:
    _die_with_parent()
    parse_once_for_every_warehouse()
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    sys.exit(cli())


if __name__ == "__main__":
    main()
