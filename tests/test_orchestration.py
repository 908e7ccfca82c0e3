"""Dagster definitions, the nightly job in process, the landing sensor and the trm CLI; the ML assets in the nightly
run: sentiment scored once and stored without text, raw IM text minimised after the retention, the marts on the
scores built in the same run, and attrition scoring skipped with a reason on a short history."""

from pathlib import Path

import duckdb
import pytest
from conftest import copy_first_night, settings_for
from dagster import AssetKey, DagsterInstance, RunRequest, SkipReason, build_sensor_context
from dbt_support import query_file

from operations.settings import Settings
from orchestration.definitions import build_definitions
from publication.publish import bi_tables


@pytest.fixture
def settings(tmp_path: Path, landing: Path) -> Settings:
    return settings_for(tmp_path, landing=landing, sensor_settle_seconds=0)


def test_definitions_load_with_every_source_entity(settings, contracts):
    defs = build_definitions(settings)
    graph = defs.resolve_asset_graph()
    keys = {k for k in graph.get_all_asset_keys()}
    assert {AssetKey(["raw", name]) for name in contracts} <= keys
    for key in keys:
        node = graph.get(key)
        assert node.group_name in {"ingestion", "staging", "identity", "intermediate", "marts", "restricted",
                                   "ml", "publish"}, key
        assert node.owners and node.description, key
    assert AssetKey(["stg_hris__employees"]) in keys
    assert graph.get(AssetKey(["stg_hris__employees"])).group_name == "staging"
    # dbt tests are asset checks on the models.
    assert any(k.asset_key == AssetKey(["stg_hris__employees"]) for k in graph.asset_check_keys)
    assert defs.resolve_job_def("nightly") and defs.resolve_job_def("ingestion")
    assert defs.resolve_schedule_def("nightly_schedule").cron_schedule == "0 2 * * *"
    assert defs.resolve_sensor_def("landing_sensor") and defs.resolve_sensor_def("failure_notification")
    # Every expectation suite is a check on its table; a suite with a blocking expectation blocks downstream.
    gx_checks = [k for k in graph.asset_check_keys if k.name.startswith("expectations_")]
    assert any(k.asset_key == AssetKey(["raw", "hris__employees"]) for k in gx_checks)
    assert any(k.asset_key == AssetKey(["dim_person"]) for k in gx_checks)
    specs = {spec.key: spec for checks in defs.asset_checks for spec in checks.check_specs}
    assert specs[next(k for k in gx_checks if k.asset_key == AssetKey(["raw", "hris__employees"]))].blocking


def test_the_module_level_definitions_import():
    from orchestration import definitions

    assert definitions.defs.resolve_job_def("nightly")


def test_nightly_job_runs_in_process_and_reports_counts(nightly_run):
    _settings, result = nightly_run  # the nightly job run in process on the landing fixture (conftest)
    assert result.success
    # Ingestion, then dbt staging built on top of it, then identity resolution over staging.
    assert result.asset_materializations_for_node("dbt_staging")
    crosswalk = result.asset_materializations_for_node("identity__person_crosswalk")[0].metadata
    assert crosswalk["records"].value >= 4 and crosswalk["persons"].value <= crosswalk["records"].value
    # The core marts are built after identity, in the same run.
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["dim_person"]) in built and AssetKey(["fct_lifecycle_events"]) in built
    materialization = result.asset_materializations_for_node("raw__hris__employees")[0]
    metadata = {k: v.value for k, v in materialization.metadata.items()}
    assert (metadata["rows_read"], metadata["rows_loaded"], metadata["rows_quarantined"]) == (5, 2, 3)
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()
              if e.asset_key == AssetKey(["raw", "hris__employees"])}
    # 3 of 5 rows quarantined is far above 5%; the 2 loaded rows meet the HRIS expectations and the dbt source
    # tests (checks on the raw asset, run by the staging dbt step; the structural rules of raw tables)
    assert checks == {"quarantine_share": False, "expectations_raw.hris__employees": True,
                      "source_not_null_raw_hris__employees_employee_id": True,
                      "source_not_null_raw_hris__employees_hire_date": True,
                      "source_accepted_values_raw_hris__employees_employment_type__full_time__part_time__intern__contractor":
                          True}


def test_a_bad_file_fails_its_entity_and_the_rest_loads(settings):
    (settings.landing / "hris" / "departments_bad.csv").write_text("name\nLegal\n")
    defs = build_definitions(settings)
    result = defs.resolve_job_def("ingestion").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["raw__hris__departments"]
    message = failures[0].event_specific_data.error.message
    assert "hris/departments_bad.csv" in message and "department_id" in message
    assert result.asset_materializations_for_node("raw__hris__employees")


def test_landing_sensor_requests_a_run_only_for_new_files(settings):
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("landing_sensor")
    first = sensor(build_sensor_context(cursor=None))
    assert isinstance(first, RunRequest)
    cursor = first.run_key.removeprefix("landing-")
    assert isinstance(sensor(build_sensor_context(cursor=cursor)), SkipReason)
    (settings.landing / "hris" / "departments_2.csv").write_text("department_id,department_name\nD7,Legal\n")
    assert isinstance(sensor(build_sensor_context(cursor=cursor)), RunRequest)


# ----------------------------------------------------------------- ML assets in the nightly run
def _metadata(result, node: str) -> dict:
    return {k: v.value for k, v in result.asset_materializations_for_node(node)[0].metadata.items()}


def test_attrition_scoring_is_skipped_with_a_reason_on_a_short_history(nightly_run):
    settings, result = nightly_run
    assert result.success
    scores = _metadata(result, "ml__attrition_scores")
    assert scores["employees_scored"] == 0
    assert "voluntary exits" in scores["skipped"]
    assert query_file(settings.warehouse, "select count(*) from ml.attrition_scores")[0][0] == 0
    assert query_file(settings.warehouse, "select count(*) from rpt_attrition_watch_list")[0][0] == 0


def test_nightly_scores_sentiment_once_minimises_text_and_builds_the_marts(nightly_run, tmp_path):
    settings, first = nightly_run
    assert first.success
    scored = _metadata(first, "ml__message_sentiment")
    messages = query_file(settings.warehouse, "select count(*) from stg_im__messages where message_text is not null")[0][0]
    assert scored["scored_this_run"] == messages >= 3
    assert scored["raw_texts_minimised"] == 0  # the first night kept texts (long retention)
    # The scores carry no text; the mart on them has one row per scored message.
    columns = {c for (c,) in query_file(settings.warehouse, "select column_name from information_schema.columns "
                                              "where table_schema = 'ml' and table_name = 'message_sentiment'")}
    assert not columns & {"text", "message_text"}
    assert query_file(settings.warehouse, "select count(*) from fct_message_sentiment")[0][0] == messages
    sentiments = {s for (s,) in query_file(settings.warehouse, "select sentiment from ml.message_sentiment")}
    assert sentiments <= {"positive", "neutral", "negative"}
    built = {e.asset_key for e in first.get_asset_materialization_events()}
    assert {AssetKey(["fct_message_sentiment"]), AssetKey(["rpt_attrition_risk_team"])} <= built

    # Another night with the default 30-day retention: nothing new to score; the (2025) texts are removed (in a
    # copy of the first night: its home is shared by the session's tests).
    settings = copy_first_night(settings.home, tmp_path)
    defs = build_definitions(settings)
    second = defs.resolve_job_def("nightly").execute_in_process(
        instance=DagsterInstance.ephemeral(), asset_selection=[AssetKey(["ml", "message_sentiment"])])
    assert second.success
    again = _metadata(second, "ml__message_sentiment")
    assert again["scored_this_run"] == 0
    assert again["raw_texts_minimised"] == messages and again["raw_texts_still_held"] == 0
    assert query_file(settings.warehouse, "select count(*) from raw.im__messages where text is not null")[0][0] == 0
    assert query_file(settings.warehouse, "select count(*) from ml.message_sentiment")[0][0] == messages


# --- The publication of the first night -----------------------------------------------------------------


def test_the_nightly_run_ends_with_a_publication_reports_and_docs(nightly_run):
    from expectations.privacy import KnownIdentifiers, scan_privacy
    from operations.dbt_project import ensure_manifest

    settings, result = nightly_run
    assert result.success
    con = duckdb.connect(str(settings.published), read_only=True)
    try:
        run = con.execute("select run_id, tables, checks_failed from publication.runs").fetchall()
        assert run == [(result.run_id, len(bi_tables(ensure_manifest())), 0)]
        published = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'main'")
                     .fetchall()}
        assert published == {t.name for t in bi_tables(ensure_manifest())}
        checks = {name for (name,) in con.execute("select check_name from publication.checks").fetchall()}
        assert "expectations_raw.hris__employees" in checks and "expectations_main.dim_person" in checks
        # Every published table scanned for direct identifiers (by value, against the warehouse's people) and
        # for groups under the minimum size.
        with duckdb.connect(str(settings.warehouse), read_only=True) as warehouse:
            known = KnownIdentifiers.from_warehouse(warehouse)
        report = scan_privacy(con, sorted(published), known_identifiers=known)
        assert report.blocking == [], report.to_markdown()
        assert "current_employee_id" not in {c for (c,) in con.execute(
            "select column_name from duckdb_columns() where table_name = 'dim_person'").fetchall()}
    finally:
        con.close()
    assert (settings.home / "reports" / "people_health_latest.html").exists()
    docs = (settings.home / "reports" / "data_docs" / "index.html").read_text()
    assert "raw.hris__employees" in docs and "https://" not in docs


def test_the_nightly_completes_under_a_small_memory_limit(nightly_run):
    """The shared first night runs with TRM_MEMORY_LIMIT=512MB (conftest.settings_for): DuckDB spills, never fails."""
    from conftest import TEST_MEMORY_LIMIT

    settings, result = nightly_run
    assert settings.memory_limit == TEST_MEMORY_LIMIT
    assert result.success
    assert settings.dbt_environment()["TRM_MEMORY_LIMIT"] == TEST_MEMORY_LIMIT


# Names, emails and phones of the hand-written landing folder (conftest), the quarantined rows' included.
LANDING_IDENTIFIERS = ("张伟", "李娜", "王芳", "赵磊", "陈静", "zhang.wei@corp.cn", "li.na@corp.cn", "wang.fang@corp.cn",
                       "13800138000", "1390000", "Amy Tan", "amy.tan@corp.com", "8123 4567", "81234567")


def test_no_identifier_reaches_dagster_metadata_or_logs(nightly_run):
    """Every event of the nightly (asset metadata, check results, logs, failures) is stored under DAGSTER_HOME and
    shown to every UI user: none may carry a name, an email or a phone (raw assets show a column profile)."""
    import json

    from dagster._serdes import serialize_value

    _, result = nightly_run
    events = json.dumps([json.loads(serialize_value(e)) for e in result.all_events], ensure_ascii=False)
    assert "loaded_columns" in events  # the profile that replaced sample rows
    assert [i for i in LANDING_IDENTIFIERS if i in events] == []


def test_no_identifier_in_any_file_the_nightly_writes_outside_the_warehouse(nightly_run):
    """Logs, reports, Data Docs, quality results, model files, the publication's Parquet: a byte scan for the
    landing folder's names, emails and phones (as UTF-8 and as JSON escapes). The working warehouse (raw, staging,
    restricted) and the landing folder are where identifiers belong; the publication is scanned by value before
    each publication (publication/gate.py)."""
    import json

    settings, _ = nightly_run
    needles = {i: [i.encode("utf-8"), json.dumps(i).strip('"').encode("ascii")] for i in LANDING_IDENTIFIERS}
    scanned, found = 0, []
    for path in settings.home.rglob("*"):
        if (not path.is_file() or path.is_relative_to(settings.landing) or path.name.startswith("warehouse.duckdb")
                or path.name.startswith(settings.published.name) or path.name.startswith("reference_first_night")
                or path.name.startswith(settings.restricted_published.name)):  # the restricted layer, for HR
            continue
        data = path.read_bytes()
        scanned += 1
        found += [f"{path.relative_to(settings.home)}: {i}" for i, forms in needles.items()
                  if any(f in data for f in forms)]
    assert scanned > 10  # reports, data docs, logs, models
    assert found == []


def test_hr_staff_read_names_from_the_restricted_publication_joined_to_the_marts(nightly_run, monkeypatch, capsys):
    from cli.main import main as trm

    settings, _ = nightly_run
    monkeypatch.setenv("TRM_HOME", str(settings.home))
    with duckdb.connect(str(settings.published), read_only=True) as pub:
        assert not pub.execute("select count(*) from information_schema.tables "
                               "where table_name = 'restricted_person_identifiers'").fetchone()[0]
    assert trm(["sql", "--restricted", "--format", "csv",
                "select count(*) as n from restricted_person_identifiers as r "
                "join published.dim_person as p using (person_key) where r::varchar like '%张伟%'"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["n", "1"] and "HR staff only" in out.err
    assert trm(["sql", "--restricted", f"attach '{settings.warehouse}' as w (read_only)"]) == 1
    assert "not allowed" in capsys.readouterr().err


def test_the_nightly_is_on_the_audit_log_and_its_publication_anchors_the_chain(nightly_run):
    from operations.audit_log import audit_key, verify

    settings, _ = nightly_run
    with duckdb.connect(str(settings.published), read_only=True) as pub:
        anchors = [r[0] for r in pub.execute("select audit_head from publication.runs").fetchall()]
    with duckdb.connect(str(settings.restricted_published), read_only=True) as hr:
        anchors += [r[0] for r in hr.execute("select audit_head from publication.runs").fetchall()]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        kinds = [r[0] for r in con.execute("select kind from audit.events order by seq").fetchall()]
        files = [r[0] for r in con.execute("select detail::json->>'file' from audit.events where kind = 'published' "
                                           "order by seq").fetchall()]
        details = " ".join(r[0] for r in con.execute("select detail from audit.events").fetchall())
        result = verify(con, audit_key(settings.pii_key()), anchors)
    assert kinds[0] == "run_started" and kinds[-2:] == ["published", "published"]
    assert files == [settings.published.name, settings.restricted_published.name]
    # each publication records the head before its own event
    assert [a.split(":")[0] for a in anchors] == [str(len(kinds) - 2), str(len(kinds) - 1)]
    assert result.ok, result.problem
    assert [i for i in LANDING_IDENTIFIERS if i in details] == []


def test_what_the_nightly_writes_is_readable_by_its_owner_only(nightly_run):
    """The warehouse, the publication, the PII key, models, logs and Dagster's storage: no group or other access
    (a local account could grep names and phones out of a 0644 warehouse). The landing folder is the test's."""
    import stat

    settings, _ = nightly_run
    written = [p for p in settings.home.rglob("*") if not p.is_relative_to(settings.landing) and not p.is_symlink()]
    assert {settings.warehouse, settings.published, settings.home / ".pii_key"} <= set(written)
    assert any(p.is_relative_to(settings.dagster_home) for p in written) or not settings.dagster_home.exists()
    readable = [f"{p.relative_to(settings.home)} {stat.filemode(p.stat().st_mode)}" for p in [settings.home, *written]
                if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)]
    assert readable == []


def test_memory_and_threads_reach_every_duckdb_connection(tmp_path, monkeypatch):
    from ingestion.warehouse import configure_engine, connect

    monkeypatch.setenv("TRM_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("TRM_THREADS", "1")
    settings = Settings.from_env(home=tmp_path)
    configure_engine(settings.duckdb_config())
    try:
        con = connect(tmp_path / "w.duckdb")
        limit, threads = con.execute("select current_setting('memory_limit'), current_setting('threads')").fetchone()
        con.close()
    finally:
        configure_engine({})
    assert (limit, threads) == ("286.1 MiB", 1)
    for wrong in ("lots", "4 GBs", "-1GB"):
        monkeypatch.setenv("TRM_MEMORY_LIMIT", wrong)
        with pytest.raises(ValueError, match="TRM_MEMORY_LIMIT"):
            Settings.from_env(home=tmp_path)
