"""Shared by the dbt tests: build a small generated company up to staging plus the identity crosswalk."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import duckdb
import yaml

from ingestion.contracts import load_contracts
from ingestion.loader import load_entity
from ingestion.mapping import load_mapping
from ingestion.warehouse import connect
from operations.settings import Settings

DBT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


def dbt(args: list[str], tmp: Path):
    """dbt in process, with target and logs under ``tmp`` (the warehouse comes from TRM_WAREHOUSE)."""
    from dbt.cli.main import dbtRunner

    from operations.dbt_guard import parse_once_for_every_warehouse

    parse_once_for_every_warehouse()

    common = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
              "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    if args and args[0] not in ("deps", "clean", "debug"):
        # The session's as-of day (conftest pytest_configure), as the nightly under test would pass it.
        args = with_settings_vars(args, Settings.for_home(tmp, as_of_date=os.environ.get("TRM_AS_OF_DATE")))
    if args and args[0] == "build":
        # Tests build a subset: a test that also reads a model outside it (a reconciliation between two marts)
        # runs only when that model is built too.
        common += ["--indirect-selection", "buildable"]
    return dbtRunner().invoke([*args, *common])


def with_settings_vars(args: list[str], settings: Settings) -> list[str]:
    """``args`` with the settings' dbt vars, as the nightly passes them; a test's own --vars are merged on top."""
    args = list(args)
    merged = settings.dbt_vars()
    if "--vars" in args:
        at = args.index("--vars")
        merged.update(yaml.safe_load(args[at + 1]) or {})
        del args[at:at + 2]
    return [*args, "--vars", json.dumps(merged, sort_keys=True, default=str)]


def load_generated_company(tmp: Path, employees: int, seed: int, as_of: dt.date, attendance_days: int,
                           im_days: int) -> Path:
    """Generate a demo company into ``tmp/landing`` and ingest every entity; returns the warehouse path."""
    from demo_company.generate import generate_company

    path = tmp / "warehouse.duckdb"
    generate_company(tmp / "landing", employees=employees, seed=seed, as_of=as_of,
                     attendance_days=attendance_days, im_days=im_days, progress=False)
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    con = connect(path)
    try:
        for contract in contracts.values():
            load_entity(con, contract, mapping, tmp / "landing", b"test-key")
    finally:
        con.close()
    return path


def write_crosswalk(path: Path, overrides: Path | None = None) -> None:
    """identity.person_crosswalk exactly as the Dagster identity asset writes it (needs staging built), with the
    steward decisions in ``overrides`` if given."""
    from ml.identity.warehouse import resolve_people

    con = duckdb.connect(str(path))
    try:
        resolve_people(con, overrides, "test")
    finally:
        con.close()


# DuckDB-only syntax that must stay out of models (engine specifics belong in dispatched macros).
_NOT_PORTABLE = re.compile(
    r"\b(list_\w+|unnest|string_split|regexp_split_to_array|generate_series|range)\s*\(|\b(qualify|median)\b",
    re.I,
)


def assert_models_portable(folders: list[Path]) -> None:
    for folder in folders:
        for sql_file in folder.rglob("*.sql"):  # with subfolders (models/intermediate/<subject>/)
            # Jinja comments and statements are not SQL (a `{% for k in range(n) %}` loop is fine).
            sql = re.sub(r"\{#.*?#\}|\{%.*?%\}", "", sql_file.read_text(encoding="utf-8"), flags=re.S)
            assert "::" not in sql, f"{sql_file.name}: `::` cast"
            match = _NOT_PORTABLE.search(sql)
            assert match is None, f"{sql_file.name}: {match.group(0) if match else ''}"


def statuses_by_type(result) -> dict[str, list[str]]:
    """dbt results of one invocation: resource type -> statuses."""
    statuses: dict[str, list[str]] = {}
    for r in result.result.results:
        statuses.setdefault(r.node.resource_type, []).append(str(r.status))
    return statuses


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The first column of the first row."""
    return con.execute(sql, params or []).fetchone()[0]


def query_file(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Every row of ``sql`` on the DuckDB file at ``path``, opened read-only for the query alone."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def assert_build_passed(result, models: set[str], min_unit_tests: int, min_tests: int,
                        allow_warn: bool = True, manifest: dict | None = None) -> dict[str, list[str]]:
    """A module's share of the build: ``models`` all built, its unit tests passed, its data tests passed (or only
    warned), and with ``manifest`` every data test attached to one of ``models`` among them; returns the node
    names that ran by resource type."""
    assert result.success, result.exception
    statuses = statuses_by_type(result)
    ran: dict[str, list[str]] = {}
    for r in result.result.results:
        ran.setdefault(r.node.resource_type, []).append(r.node.name)
    assert set(statuses["model"]) == {"success"} and models <= set(ran["model"]), models - set(ran["model"])
    assert set(statuses["unit_test"]) == {"pass"} and len(statuses["unit_test"]) >= min_unit_tests
    assert set(statuses["test"]) <= ({"pass", "warn"} if allow_warn else {"pass"})
    assert len(statuses["test"]) >= min_tests
    if manifest is not None:
        attached = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"
                    and manifest["nodes"].get(n.get("attached_node") or "", {}).get("name") in models}
        assert attached and attached <= set(ran["test"]), sorted(attached - set(ran["test"]))[:10]
    return ran
