"""Where the test suite's time goes, per xdist worker and module.

As a pytest plugin it appends one JSON line per test (worker, test id, start, end) to ``$TRM_TIMELINE``
(default /tmp/trm_timeline.jsonl); as a script it prints each worker's modules in the order they ran::

    rm -f /tmp/trm_timeline.jsonl
    PYTHONPATH=benchmarks .venv/bin/python -m pytest -p pytest_timeline
    .venv/bin/python benchmarks/pytest_timeline.py

Both workers busy to the end means the suite is CPU-bound (wall ≈ CPU / 2); one idling means the order of the
modules (tests/conftest.py FIRST_MODULES) is worth changing.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PATH = Path(os.environ.get("TRM_TIMELINE", "/tmp/trm_timeline.jsonl"))
_started: dict[str, float] = {}


def pytest_runtest_logstart(nodeid: str, location) -> None:  # noqa: ARG001 - pytest's hook signature
    _started[nodeid] = time.time()


def pytest_runtest_logfinish(nodeid: str, location) -> None:  # noqa: ARG001 - pytest's hook signature
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with PATH.open("a") as handle:
        handle.write(json.dumps({"worker": worker, "test": nodeid, "start": _started.get(nodeid, time.time()),
                                 "end": time.time()}) + "\n")


def main(path: Path = PATH) -> int:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if not rows:
        print(f"no tests recorded in {path}")
        return 1
    if any(r["worker"] != "main" for r in rows):  # under xdist the controller logs every worker's tests again
        rows = [r for r in rows if r["worker"] != "main"]
    origin = min(r["start"] for r in rows)
    spans: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        key = (r["worker"], r["test"].split("::")[0].rsplit("/", 1)[-1])
        span = spans.setdefault(key, [r["start"], r["end"], 0.0])
        span[0], span[1] = min(span[0], r["start"]), max(span[1], r["end"])
        span[2] += r["end"] - r["start"]
    print(f"{'worker':8} {'from s':>7} {'to s':>7} {'busy s':>7}  module")
    for (worker, module), (start, end, busy) in sorted(spans.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        print(f"{worker:8} {start - origin:7.0f} {end - origin:7.0f} {busy:7.0f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else PATH))
