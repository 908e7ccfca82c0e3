"""dbt staging layer: sources in sync with the contracts, `dbt parse` without a database, and `dbt build
--select staging` (views, data tests, unit tests) on a small generated company, with spot checks of the
normalised and deduplicated output."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_support import with_settings_vars

from ingestion.contracts import load_contracts
from operations.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
STAGING_DIR = DBT_DIR / "models" / "staging"
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
# Staging columns renamed from a raw column that has accepted values.
# Staging model of a raw table whose entity name is not a plural: stg_<source>__<entities> (layout rule).
STAGING_MODELS = {"hris__job_history": "stg_hris__job_changes"}
RENAMED = {"requisition_status": "status", "offer_status": "status", "idp_status": "status",
           "leave_status": "status", "account_status": "status"}


def _generator_script():
    spec = importlib.util.spec_from_file_location("generate_sources", DBT_DIR / "scripts" / "generate_sources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dbt(args: list[str], tmp: Path):
    from dbt.cli.main import dbtRunner

    common = ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
              "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    return dbtRunner().invoke([*with_settings_vars(args, Settings.for_home(tmp)), *common])


@pytest.fixture(scope="module")
def warehouse(company, tmp_path_factory) -> dict:
    """`dbt parse` before any warehouse exists; then the session's company (tests/shared_company.py), whose full
    build built and tested staging, in a private copy (the tests below write inside rolled-back transactions)."""
    tmp = tmp_path_factory.mktemp("dbt_staging")
    absent = tmp / "not_yet" / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRM_WAREHOUSE", str(absent))
        parsed = _dbt(["parse"], tmp)
    return {"tmp": tmp, "path": company.copy_to(tmp / "copy"), "parsed": parsed, "parse_created_warehouse": absent.exists(),
            "result": company.result.only(lambda n: n.original_file_path.startswith("models/staging/")),
            "manifest": company.manifest, "contracts": load_contracts()}


@pytest.fixture(scope="module")
def db(warehouse):
    con = duckdb.connect(str(warehouse["path"]))
    yield con
    con.close()


def _staging_models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["fqn"][:2] == ["trm", "staging"]}


def _model_for(manifest: dict, raw_table: str) -> dict:
    source_id = f"source.trm.raw.{raw_table}"
    closings = "source.trm.raw.source_deletions"  # full-snapshot models also read the closings
    [model] = [m for m in _staging_models(manifest).values()
               if source_id in m["depends_on"]["nodes"] and set(m["depends_on"]["nodes"]) <= {source_id, closings}]
    return model


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# ------------------------------------------------------------------------------------------- static checks
def test_sources_yaml_in_sync_with_contracts():
    module = _generator_script()
    rendered = module.render()
    # One file per source system, in its staging folder, and one for ingestion's own table.
    systems = {c.source for c in load_contracts().values()}
    assert set(rendered) == {STAGING_DIR / s / f"_{s}__sources.yml" for s in systems} | {
        STAGING_DIR / "_ingestion__sources.yml"}
    tables = {}
    for path, text in rendered.items():
        committed = path.read_text(encoding="utf-8") if path.exists() else None
        assert committed == text, f"{path} is stale; run: .venv/bin/python dbt_project/scripts/generate_sources.py"
        [source] = yaml.safe_load(committed)["sources"]
        assert source["name"] == "raw"
        tables |= {t["name"]: path for t in source["tables"]}
    assert module.stale_files() == []  # e.g. the former single _raw__sources.yml
    assert set(tables) == set(load_contracts()) | {"source_deletions"}  # + the closings ingestion writes
    assert all(path.parent.name == name.split("__")[0] for name, path in tables.items() if "__" in name)
    assert module.main(["--check"]) == 0


def test_dbt_parse_needs_no_database(warehouse):
    """Dagster loads the manifest at definition time, before any warehouse exists."""
    assert warehouse["parsed"].success, warehouse["parsed"].exception
    assert not warehouse["parse_created_warehouse"]
    manifest = warehouse["parsed"].result
    staging = [n for n in manifest.nodes.values() if n.resource_type == "model" and n.fqn[:2] == ["trm", "staging"]]
    assert len(staging) == len(load_contracts())
    # one source per contract entity, and the closings of full snapshots ingestion writes (source_deletions)
    assert len([s for s in manifest.sources.values() if s.source_name == "raw"]) == len(load_contracts()) + 1


def test_every_model_has_one_yaml_per_folder_and_accepted_values_match_contracts():
    contracts = load_contracts()
    for folder in sorted(p for p in STAGING_DIR.iterdir() if p.is_dir()):
        ymls = sorted(y.name for y in folder.glob("*.yml"))  # the models' YAML and the generated sources
        assert ymls == [f"_{folder.name}__models.yml", f"_{folder.name}__sources.yml"]
        model_yml = folder / f"_{folder.name}__models.yml"
        documented = {m["name"]: m for m in yaml.safe_load(model_yml.read_text(encoding="utf-8"))["models"]}
        assert set(documented) == {p.stem for p in folder.glob("*.sql")}
        for model in documented.values():
            assert model.get("description"), model["name"]
            assert all(c.get("description") for c in model["columns"]), model["name"]
    for name, contract in contracts.items():
        model_file = STAGING_DIR / contract.source / f"_{contract.source}__models.yml"
        models = yaml.safe_load(model_file.read_text(encoding="utf-8"))["models"]
        accepted = {}
        for model in models:
            if model["name"] == STAGING_MODELS.get(name, f"stg_{name}"):
                for column in model["columns"]:
                    for test in column.get("data_tests", []):
                        if isinstance(test, dict) and "accepted_values" in test:
                            accepted[RENAMED.get(column["name"], column["name"])] = \
                                test["accepted_values"]["arguments"]["values"]
        expected = {c.name: list(c.accepted) for c in contract.columns if c.accepted}
        assert accepted == expected, name


# ------------------------------------------------------------------------------------------- built warehouse
def test_not_null_columns_reports_each_column_holding_nulls(warehouse, monkeypatch):
    """The models' not-null rule (one not_null_columns test per model) fails with a row per offending column."""
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))
    rows = "(select 1 as a, null as b, 2 as c union all select null, null, 3) as t"
    shown = _dbt(["show", "--inline",
                  f"{{{{ test_not_null_columns(model='{rows}', columns=['a', 'b', 'c']) }}}}"], warehouse["tmp"])
    assert shown.success, shown.exception
    assert sorted(tuple(r) for r in shown.result.results[0].agate_table.rows) == [("a", 1), ("b", 2)]


def test_primary_key_reports_duplicates_and_nulls_in_one_scan(warehouse, monkeypatch):
    """The key rule of costly relations (primary_key): duplicates of the key and nulls of the key or the listed
    columns, one row each."""
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))
    rows = ("(select 'k1' as id, 1 as a, 2 as b union all select 'k1', 1, null union all select 'k2', null, 3 "
            "union all select null, 4, 5) as t")
    shown = _dbt(["show", "--inline",
                  f'{{{{ test_primary_key(model="{rows}", key="id", not_null=["a", "b"]) }}}}'], warehouse["tmp"])
    assert shown.success, shown.exception
    assert sorted(tuple(r) for r in shown.result.results[0].agate_table.rows) == [
        ("duplicate id", "k1", 2), ("null a", None, 1), ("null b", None, 1), ("null id", None, 1)]
    clean = "(select 'k1' as id, 1 as a union all select 'k2', 2) as t"
    shown = _dbt(["show", "--inline", f'{{{{ test_primary_key(model="{clean}", key="id", not_null=["a"]) }}}}'],
                 warehouse["tmp"])
    assert shown.success and len(shown.result.results[0].agate_table.rows) == 0


def test_staging_build_succeeds(warehouse):
    result = warehouse["result"]
    assert result.success, result.exception
    statuses = {}
    for r in result.result.results:
        statuses.setdefault(r.node.resource_type, []).append(str(r.status))
    assert len(statuses["model"]) == len(warehouse["contracts"])
    assert set(statuses["model"]) == {"success"}
    assert set(statuses["unit_test"]) == {"pass"} and len(statuses["unit_test"]) >= 8
    assert set(statuses["test"]) <= {"pass", "warn"}


def test_every_column_is_documented(warehouse, db):
    for name, node in _staging_models(warehouse["manifest"]).items():
        actual = [r[0] for r in _rows(db, "select column_name from information_schema.columns "
                                          f"where table_name = '{name}' order by ordinal_position")]
        assert actual, name
        assert list(node["columns"]) == actual, name


def test_one_row_per_primary_key_and_no_key_lost(warehouse, db):
    manifest = warehouse["manifest"]
    unique_columns = {(t["attached_node"], t["column_name"]) for t in manifest["nodes"].values()
                      if t["resource_type"] == "test" and t.get("test_metadata", {}).get("name") == "unique"}
    for raw_table, contract in warehouse["contracts"].items():
        model = _model_for(manifest, raw_table)
        [key] = [column for node, column in unique_columns if node == model["unique_id"]]
        staged, distinct = _rows(db, f"select count(*), count(distinct {key}) from main.{model['name']}")[0]
        raw_keys = ", ".join(contract.primary_key)
        [(raw_distinct,)] = _rows(db, f"select count(distinct ({raw_keys})) from raw.{raw_table}")
        assert staged == distinct == raw_distinct, model["name"]


def test_phones_are_e164(warehouse, db):
    checked = 0
    for model in ("stg_hris__employees", "stg_ats__candidates", "stg_ats__event_signups", "stg_im__accounts"):
        phones = [p for (p,) in _rows(db, f"select phone from main.{model} where phone is not null")]
        assert all(E164.match(p) for p in phones), [p for p in phones if not E164.match(p)][:5]
        checked += len(phones)
    assert checked > 0
    # every Chinese mobile, however it was exported, becomes +86 and 11 digits
    [(bad,)] = _rows(db, """select count(*) from main.stg_ats__candidates
                            where regexp_replace(phone_raw, '[^0-9]', '', 'g') similar to '(0086|86)?1[3-9][0-9]{9}'
                              and (phone_raw like '+86%' or phone_raw like '0086%' or phone_raw not like '+%')
                              and phone is distinct from '+86' || right(regexp_replace(phone_raw, '[^0-9]', '', 'g'), 11)""")
    assert bad == 0


def test_emails_are_lower_case_and_trimmed(db):
    for model, column in [("stg_hris__employees", "work_email"), ("stg_hris__employees", "personal_email"),
                          ("stg_ats__candidates", "email"), ("stg_ats__event_signups", "email"),
                          ("stg_im__accounts", "email"), ("stg_surveys__responses", "respondent_email")]:
        [(bad,)] = _rows(db, f"select count(*) from main.{model} where {column} <> lower(trim({column})) "
                             f"or {column} not like '%_@_%._%'")
        assert bad == 0, (model, column)


def test_names_have_no_stray_whitespace(db):
    for model in ("stg_hris__employees", "stg_ats__candidates", "stg_ats__event_signups"):
        [(bad,)] = _rows(db, f"select count(*) from main.{model} where full_name <> trim(full_name) "
                             "or full_name like '%  %' or full_name = ''")
        assert bad == 0, model


def test_latest_version_wins_in_the_live_views(db):
    """A re-exported file arrives as a new batch; the views pick it up without a rebuild."""
    con = db
    try:
        con.execute("begin")
        [(employee_id,)] = con.execute("select employee_id from main.stg_hris__employees "
                                       "order by employee_id limit 1").fetchall()
        con.execute("""insert into raw.hris__employees
                       select * replace ('  New   Name ' as full_name, 'b-new' as _batch_id,
                                         _loaded_at + interval 1 day as _loaded_at)
                       from raw.hris__employees where employee_id = ? order by _loaded_at desc limit 1""",
                    [employee_id])
        rows = con.execute("select full_name, _batch_id from main.stg_hris__employees where employee_id = ?",
                           [employee_id]).fetchall()
        assert rows == [("New Name", "b-new")]
    finally:
        con.execute("rollback")


def test_a_key_closed_by_a_full_snapshot_leaves_staging_until_it_returns(warehouse, db):
    """Ingestion closes keys missing from a complete snapshot (raw.source_deletions); every full-snapshot staging
    model leaves them out, and a newer version of the key brings it back."""
    from ingestion.snapshots import record_key_sql

    con = db
    for raw_table, contract in warehouse["contracts"].items():
        model = _model_for(warehouse["manifest"], raw_table)
        sql = (DBT_DIR / model["original_file_path"]).read_text()
        assert ("not_deleted_at_source" in sql) == (contract.load == "full_snapshot"), model["name"]
    try:
        con.execute("begin")
        key = record_key_sql(("employee_id",))
        [(employee_id,)] = con.execute("select employee_id from main.stg_hris__employees order by 1 limit 1").fetchall()
        con.execute(f"""insert into raw.source_deletions
                        select 'hris__employees', {key}, 'r-test', current_date, max(_loaded_at) + interval 1 hour
                        from raw.hris__employees where employee_id = ? group by employee_id""", [employee_id])
        assert con.execute("select count(*) from main.stg_hris__employees where employee_id = ?",
                           [employee_id]).fetchall() == [(0,)]
        con.execute("""insert into raw.hris__employees
                       select * replace ('b-back' as _batch_id, _loaded_at + interval 2 hour as _loaded_at)
                       from raw.hris__employees where employee_id = ? order by _loaded_at desc limit 1""",
                    [employee_id])
        assert con.execute("select _batch_id from main.stg_hris__employees where employee_id = ?",
                           [employee_id]).fetchall() == [("b-back",)]
    finally:
        con.execute("rollback")
