"""The Dagster instance folder (DAGSTER_HOME) TRM's runs share with `make ui`: the settings TRM needs in it."""

from __future__ import annotations

from pathlib import Path

# Sections TRM needs in the instance's dagster.yaml, each added when missing (a user's own settings stay):
# telemetry off (TRM makes no network calls at run time), and one run at a time through Dagster's run queue, so
# the schedule, the sensor and UI launches queue behind a run in progress instead of colliding with it on the
# warehouse (runs started by `trm run` are kept apart by the run lock, operations/run_lock.py).
DAGSTER_YAML_SECTIONS = {
    "telemetry": "telemetry:\n  enabled: false\n",
    "concurrency": "concurrency:\n  runs:\n    max_concurrent_runs: 1\n",
}


def ensure_dagster_home(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    text = config.read_text() if config.exists() else ""
    missing = [section for key, section in DAGSTER_YAML_SECTIONS.items()
               if not any(line.startswith(f"{key}:") for line in text.splitlines())]
    if missing:
        with config.open("a") as handle:
            handle.write(("\n" if text and not text.endswith("\n") else "") + "".join(missing))
