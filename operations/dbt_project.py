"""The dbt project as the rest of TRM sees it: where it is, its parsed manifest, and the vars it is given.

Every dbt invocation (the nightly's dbt steps, tests, `dbt parse`) passes ``--vars`` from the installation's
Settings (``Settings.dbt_vars``): the models hold no defaults of their own for those settings.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

from operations.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def vars_argument(settings: Settings) -> list[str]:
    """``--vars`` for a dbt command line."""
    return ["--vars", json.dumps(settings.dbt_vars(), sort_keys=True)]


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
