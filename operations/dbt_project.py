"""The dbt project as the rest of TRM sees it: where it is, its parsed manifest, and the vars it is given.

Every dbt invocation (the nightly's dbt steps, tests, `dbt parse`) passes ``--vars`` from the installation's
Settings (``Settings.dbt_vars``): the models hold no defaults of their own for those settings.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

from operations.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
# Run tag asking the dbt steps to rebuild incremental models from raw (`trm run --full-refresh`; in the UI, add
# the tag when launching a run).
FULL_REFRESH_TAG = "trm/full_refresh"
# dbt invocations whose target folders are kept (each run writes one per dbt step; run_results and logs of the
# latest are what an engineer reads, and a year of nights would otherwise fill the disk).
KEEP_TARGET_FOLDERS = 30


def vars_argument(settings: Settings) -> list[str]:
    """``--vars`` for a dbt command line."""
    return ["--vars", json.dumps(settings.dbt_vars(), sort_keys=True)]


def full_refresh_requested(tags: dict[str, str]) -> bool:
    return tags.get(FULL_REFRESH_TAG, "").lower() in {"1", "true", "yes"}


def prune_target_folders(keep: int = KEEP_TARGET_FOLDERS) -> int:
    """Delete all but the newest ``keep`` per-invocation target folders (dagster-dbt writes one per dbt step
    under target/); returns how many were removed."""
    target = DBT_PROJECT_DIR / "target"
    folders = sorted((p for p in target.iterdir() if p.is_dir() and (p / "run_results.json").exists()),
                     key=lambda p: p.stat().st_mtime) if target.exists() else []
    removed = 0
    for stale in folders[:-keep] if keep else folders:
        shutil.rmtree(stale, ignore_errors=True)
        removed += 1
    return removed


def keep_partial_parse(invocation_target: Path) -> bool:
    """Make an invocation's parse the one the next dbt step starts from.

    dagster-dbt copies ``target/partial_parse.msgpack`` into each step's own target folder; dbt re-parses the whole
    project (about 9 s) when that parse was made with other vars or another profile (a hand-run `dbt parse`, a
    setting changed since). Copying the step's parse back means one full parse at most per change of settings,
    not one per step and night. Atomic: another process may be copying it at the same moment.
    """
    parsed = Path(invocation_target) / "partial_parse.msgpack"
    if not parsed.exists():
        return False
    shared = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    staging = shared.with_name(f".partial_parse.{os.getpid()}.msgpack")
    shutil.copyfile(parsed, staging)
    os.replace(staging, shared)
    return True


def ensure_manifest(settings: Settings | None = None) -> Path:
    """Parse the dbt project when the manifest is missing (a fresh clone, CI) or older than a project file.

    `dbt parse` needs no database. `dagster dev` would prepare it too, but only in development mode. The vars
    change no node of the manifest (they are read when models run), so any installation's settings parse it.
    """
    settings = settings or Settings.from_env()
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    sources = [p for folder in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*")
               if p.is_file()] + [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    newest = max((p.stat().st_mtime for p in sources if p.exists()), default=0.0)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    # One parse at a time: two processes (`make ui` and `trm run`, or test workers) would otherwise write the
    # manifest together and one could read it half-written.
    with (manifest.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < newest:
            from dbt.cli.main import dbtRunner

            from operations.dbt_guard import parse_once_for_every_warehouse

            parse_once_for_every_warehouse()  # the same state check as the nightly's trm-dbt steps

            result = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                                         "--profiles-dir", str(DBT_PROJECT_DIR), *vars_argument(settings)])
            if not result.success:
                raise RuntimeError(f"dbt parse failed for {DBT_PROJECT_DIR}: {result.exception}")
    return manifest
