"""One generated company, loaded and built by dbt once per test session, for every module that reads the marts.

The first xdist worker that asks builds it under a file lock in a folder both workers see; the other loads what the
first wrote. The build is the whole project (models, data tests, unit tests) on one company, with deterministic
stand-ins for the ML outputs (the ML assets have their own tests). Modules read the warehouse read-only; a module
that changes it works on ``copy_to(...)``. dbt's results cannot cross processes, so the build's node results are
kept as JSON and handed back in the shape of dbt's own (``BuildResult``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import duckdb
from dbt_support import dbt, load_generated_company, write_crosswalk

AS_OF = dt.date(2026, 10, 31)  # the last day of the generated history
# 150 people: departments big enough for suppression to show both ways; seed 16 has referrers who leave after their
# referrals were hired (marts/relationships); attendance and IM start a few months before AS_OF (attrition features
# need a snapshot before either source exists).
EMPLOYEES, SEED, ATTENDANCE_DAYS, IM_DAYS = 150, 16, 100, 75
# The marts are built as of the day after the history: every recorded termination lies before it.
BUILD_VARS = {"as_of_date": (AS_OF + dt.timedelta(days=1)).isoformat()}
RESULTS_FILE = "build_results.json"


@dataclass(frozen=True)
class BuildResult:
    """What the tests read of dbt's result: ``success``, ``exception`` and ``result.results[i].node/.status``."""

    success: bool
    exception: str | None
    result: SimpleNamespace

    @classmethod
    def from_json(cls, document: dict) -> BuildResult:
        results = [SimpleNamespace(status=r["status"], node=SimpleNamespace(**r["node"])) for r in document["results"]]
        return cls(document["success"], document["exception"], SimpleNamespace(results=results))

    def only(self, keep) -> BuildResult:
        """The same result restricted to the nodes ``keep(node)`` accepts (a module's folders)."""
        results = [r for r in self.result.results if keep(r.node)]
        return BuildResult(self.success, self.exception, SimpleNamespace(results=results))


@dataclass(frozen=True)
class Company:
    root: Path  # holds landing/, warehouse.duckdb, target/ (dbt's manifest and compiled SQL)
    result: BuildResult

    @property
    def path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def manifest(self) -> dict:
        return json.loads((self.root / "target" / "manifest.json").read_text(encoding="utf-8"))

    def view(self, prefixes: tuple[str, ...], **extra: object) -> dict:
        """What a test module reads: the warehouse, the root (dbt's target), the manifest, and the build's results
        of the nodes defined under ``prefixes`` (its folders: models, their data tests and unit tests)."""
        return {"path": self.path, "tmp": self.root, "manifest": self.manifest,
                "result": self.result.only(lambda n: n.original_file_path.startswith(prefixes)), **extra}

    def copy_to(self, folder: Path) -> Path:
        """A private copy of the warehouse (same file name: compiled SQL names the catalog after it)."""
        import shutil

        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.path.name
        shutil.copyfile(self.path, target)
        return target


def _node(result) -> dict:
    node = result.node
    return {"status": str(result.status), "node": {
        "name": node.name, "unique_id": node.unique_id, "resource_type": str(node.resource_type),
        "original_file_path": node.original_file_path}}


def ml_stand_ins(path: Path) -> None:
    """Deterministic stand-ins for the ML assets' tables, in their shape (ml/*/warehouse.py): the marts on ML
    outputs build, and feature tests do not depend on a trained model."""
    from ml.attrition.warehouse import EMPTY_FEATURES_SCHEMA, SCORE_SCHEMA

    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists ml")
        con.execute("""create or replace table ml.message_sentiment as
            select im_message_id, platform, message_id, 'en' as language,
                   case when hash(im_message_id) % 3 = 0 then 'negative' when hash(im_message_id) % 3 = 1
                        then 'neutral' else 'positive' end as sentiment,
                   (hash(im_message_id) % 201) / 100.0 - 1 as sentiment_score, '' as topics,
                   'stand-in' as model_version, timestamptz '2026-11-01 02:00:00+00' as scored_at
            from main.stg_im__messages where message_text is not null""")
        con.execute("""create or replace table ml.comment_sentiment as
            select response_id, 'zh' as language, 'neutral' as sentiment,
                   (hash(response_id) % 201) / 100.0 - 1 as sentiment_score, '' as topics,
                   'stand-in' as model_version, timestamptz '2026-11-01 02:00:00+00' as scored_at
            from main.stg_surveys__responses where comment is not null""")
        con.execute(f"create or replace table ml.attrition_scores ({SCORE_SCHEMA})")
        con.execute(f"create or replace table ml.attrition_features ({EMPTY_FEATURES_SCHEMA})")
        # The retention list (privacy/retention.py), written after the build: empty until a policy ran.
        con.execute("create schema if not exists privacy")
        con.execute("create table if not exists privacy.retention_due "
                    "(rule varchar, person_key varchar, due_on date, as_of_date date)")
    finally:
        con.close()


def _build(root: Path) -> dict:
    import pytest

    path = load_generated_company(root, EMPLOYEES, SEED, AS_OF, attendance_days=ATTENDANCE_DAYS, im_days=IM_DAYS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRM_WAREHOUSE", str(path))
        staging = dbt(["run", "--select", "path:models/staging", "--vars", json.dumps(BUILD_VARS)], root)
        assert staging.success, staging.exception
        write_crosswalk(path)
        ml_stand_ins(path)
        built = dbt(["build", "--vars", json.dumps(BUILD_VARS)], root)
    return {"success": bool(built.success), "exception": str(built.exception) if built.exception else None,
            "results": [_node(r) for r in (built.result.results if built.result else [])]}


def shared_company(folder: Path) -> Company:
    """The session's company in ``folder`` (shared by the workers): built by the first caller, loaded after."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = folder / RESULTS_FILE
        if not results.exists():
            results.write_text(json.dumps(_build(folder)), encoding="utf-8")
    return Company(folder, BuildResult.from_json(json.loads(results.read_text(encoding="utf-8"))))
