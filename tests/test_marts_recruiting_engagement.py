"""Recruiting and engagement marts (models/marts/recruiting, models/marts/engagement) on a small generated
company: the build (models, data tests incl. min_group_size and no_direct_identifier_columns, unit tests),
small-group suppression of every engagement aggregate (also for a constructed group of 3 respondents),
eNPS bounds, a monotonic funnel and believable offer acceptance and time to fill."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_support import assert_build_passed, assert_models_portable, dbt, query_file, scalar

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
FOLDERS = {"recruiting": DBT_DIR / "models" / "marts" / "recruiting",
           "engagement": DBT_DIR / "models" / "marts" / "engagement"}
AS_OF = dt.date(2026, 10, 31)
MIN_GROUP = 5
ENGAGEMENT_MARTS = {"rpt_engagement_dimension_scores": "respondents", "rpt_enps": "respondents",
                    "rpt_journey_experience": "respondents", "rpt_candidate_experience": "people"}
SELECT = ["path:models/marts/recruiting", "path:models/marts/engagement"]


def _vars() -> str:
    return json.dumps({"as_of_date": (AS_OF + dt.timedelta(days=1)).isoformat()})


@pytest.fixture(scope="module")
def warehouse(company, tmp_path_factory) -> dict:
    """The session's company (tests/shared_company.py); the build's results of this module's folders; a folder
    of its own for copies."""
    return company.view(tuple(f"models/marts/{folder}/" for folder in FOLDERS),
                        scratch=tmp_path_factory.mktemp("marts_re"))

# ------------------------------------------------------------------------------------------- static checks
def test_one_yaml_per_folder_every_model_and_column_described_and_portable():
    for folder in FOLDERS.values():
        [yml] = sorted(folder.glob("*.yml"))
        documented = {m["name"]: m for m in yaml.safe_load(yml.read_text(encoding="utf-8"))["models"]}
        assert set(documented) == {p.stem for p in folder.glob("*.sql")}, folder
        for model in documented.values():
            assert "grain" in model["description"].lower(), model["name"]
            assert model["columns"] and all(c.get("description") for c in model["columns"]), model["name"]
            tests = [t if isinstance(t, str) else next(iter(t)) for t in model.get("data_tests", [])]
            assert "no_direct_identifier_columns" in tests, model["name"]
            if model["name"] in ENGAGEMENT_MARTS:
                assert "min_group_size" in tests, model["name"]
    assert_models_portable(list(FOLDERS.values()))
    for folder in FOLDERS.values():
        for sql_file in folder.glob("*.sql"):
            sql = re.sub(r"\{#.*?#\}", "", sql_file.read_text(encoding="utf-8"), flags=re.S)
            assert not re.search(r"\bcomment\b(?!_)", sql.replace("has_comment", ""), re.I), sql_file.name


# ------------------------------------------------------------------------------------------- built warehouse
def test_build_succeeds_with_data_and_unit_tests(warehouse):
    ran = assert_build_passed(warehouse["result"], set(), min_unit_tests=3, min_tests=1, allow_warn=False)
    assert len(ran["model"]) == 9, ran["model"]


def test_no_unsuppressed_engagement_row_below_min_group_size(db):
    for model, column in ENGAGEMENT_MARTS.items():
        assert scalar(db, f"select count(*) from main.{model}") > 0, model
        assert scalar(db, f"select count(*) from main.{model} where not is_suppressed and {column} < {MIN_GROUP}") == 0
        assert scalar(db, f"select count(*) from main.{model} where is_suppressed and {column} is not null") == 0
    # A small company has small departments: suppression actually happens.
    assert scalar(db, "select count(*) from main.rpt_enps where is_suppressed and enps is null") > 0
    assert scalar(db, "select count(*) from main.rpt_journey_experience "
                       "where comment_count is not null and respondents < 10") == 0


def test_a_group_of_three_respondents_is_suppressed(warehouse, db):
    """Cut one (survey, department) group of the eNPS and pulse surveys down to 3 respondents in a copy of the
    warehouse and rerun the compiled rpt_enps there: the group is suppressed, no small group shows."""
    span = """select r.respondent_source_id, r.survey_id, j.department_id
              from main.int_survey_responses_linked as r
              inner join main.int_job_spans_derived as j
                  on j.person_key = r.respondent_person_key and j.valid_from <= r.submitted_date_utc
                  and (j.valid_to is null or j.valid_to > r.submitted_date_utc) and j.valid_to is distinct from j.valid_from
              where r.survey_type = 'enps' and r.dimension = 'enps'"""
    survey_id, department_id, respondents = db.execute(
        f"select survey_id, department_id, count(distinct respondent_source_id) as n from ({span}) "
        "group by all having n >= 5 order by n desc, 1, 2 limit 1").fetchone()
    assert scalar(db, "select is_suppressed from main.rpt_enps where survey_id = ? and department_id = ?",
                   [survey_id, department_id]) is False
    keep = [r for (r,) in db.execute(f"select distinct respondent_source_id from ({span}) where survey_id = ? and "
                                     "department_id = ? order by 1 limit 3", [survey_id, department_id]).fetchall()]
    drop = [r for (r,) in db.execute(f"select distinct respondent_source_id from ({span}) where survey_id = ? and "
                                     "department_id = ? order by 1", [survey_id, department_id]).fetchall()
            if r not in keep]
    assert len(drop) == respondents - 3

    # Same file name, so the copy's catalog is the one the compiled SQL of rpt_enps names.
    tmp = warehouse["scratch"] / "copy"
    tmp.mkdir()
    copy = tmp / warehouse["path"].name
    shutil.copy(warehouse["path"], copy)
    [compiled] = (warehouse["tmp"] / "target" / "compiled").rglob("marts/engagement/rpt_enps.sql")
    con = duckdb.connect(str(copy))
    try:
        con.execute("delete from main.int_survey_responses_assigned_to_departments where survey_id = ? and respondent_source_id in "
                    f"({', '.join('?' * len(drop))})", [survey_id, *drop])
        con.execute(f"create or replace table main.rpt_enps as {compiled.read_text(encoding='utf-8')}")
        row = con.execute("select respondents, promoters, passives, detractors, enps, is_suppressed from main.rpt_enps "
                          "where survey_id = ? and department_id = ?", [survey_id, department_id]).fetchone()
        assert row == (None, None, None, None, None, True)
        assert scalar(con, "select count(*) from main.rpt_enps where not is_suppressed and respondents < 5") == 0
    finally:
        con.close()


def test_the_min_group_size_setting_reaches_the_marts(warehouse, monkeypatch):
    """TRM_MIN_GROUP_SIZE → Settings → dbt --vars → the suppression inside the marts: with a larger minimum, groups
    shown at the default are suppressed (in a copy of the warehouse, rebuilt the way the nightly passes vars)."""
    from operations.dbt_project import vars_argument
    from operations.settings import Settings

    tmp = warehouse["scratch"] / "setting"
    tmp.mkdir()
    copy = tmp / warehouse["path"].name
    shutil.copy(warehouse["path"], copy)
    shown_at_default = query_file(copy, "select count(*) from main.rpt_enps where not is_suppressed")[0][0]
    largest = query_file(copy, "select max(respondents) from main.rpt_enps where not is_suppressed")[0][0]
    assert shown_at_default > 0 and largest >= MIN_GROUP
    monkeypatch.setenv("TRM_WAREHOUSE", str(copy))
    monkeypatch.setenv("TRM_MIN_GROUP_SIZE", str(largest + 1))
    settings_vars = json.loads(vars_argument(Settings.from_env())[1])
    assert settings_vars["min_group_size"] == largest + 1
    result = dbt(["run", "--select", "rpt_enps", "--vars", json.dumps({**json.loads(_vars()), **settings_vars})], tmp)
    assert result.success, result.exception
    assert query_file(copy, "select count(*) from main.rpt_enps where not is_suppressed")[0][0] == 0
    assert query_file(copy, "select count(*) from main.rpt_enps where is_suppressed and enps is not null")[0][0] == 0


def test_enps_within_bounds_and_consistent(db):
    low, high, bad = db.execute("""
        select min(enps), max(enps),
               count(case when abs(enps - (100.0 * (promoters - detractors) / respondents)) > 1e-9
                          or promoters + passives + detractors <> respondents then 1 end)
        from main.rpt_enps where not is_suppressed""").fetchone()
    assert -100 <= low <= high <= 100 and bad == 0


def test_funnel_counts_decrease_stage_to_stage(db):
    per_stage = db.execute("select stage_order, sum(candidates_entered) from main.fct_recruiting_funnel "
                           "group by 1 order by 1").fetchall()
    assert [s for s, _ in per_stage] == [1, 2, 3, 4, 5]
    counts = [n for _, n in per_stage]
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False)) and counts[0] > counts[-1] > 0
    growing = scalar(db, """
        select count(*) from main.fct_recruiting_funnel as a
        inner join main.fct_recruiting_funnel as b
            on b.requisition_id = a.requisition_id and b.source_channel is not distinct from a.source_channel
            and b.stage_order = a.stage_order + 1
        where b.candidates_entered > a.candidates_entered or a.candidates_advanced <> b.candidates_entered""")
    assert growing == 0


def test_offer_acceptance_rate_is_believable(db):
    accepted, decided = db.execute("select sum(accepted), sum(accepted + declined + expired) "
                                   "from main.rpt_offer_acceptance").fetchone()
    assert decided > 0 and 0.6 <= accepted / decided <= 1.0


def test_time_to_fill_median_is_believable(db):
    median = scalar(db, "select percentile_cont(0.5) within group (order by days_to_fill) "
                         "from main.rpt_time_to_fill where is_filled")
    assert 20 <= median <= 90
    assert scalar(db, "select count(*) from main.rpt_time_to_fill where days_to_hire < days_to_fill") == 0


def test_channel_quality_only_mature_cohorts(db):
    rows = db.execute("select cohort_quarter, retained_12m_share, rated_4_plus_share "
                      "from main.rpt_channel_quality").fetchall()
    assert rows
    for quarter, retained, rated in rows:
        assert quarter.month in (1, 4, 7, 10) and quarter <= dt.date(2025, 8, 1)
        assert 0 <= retained <= 1 and (rated is None or 0 <= rated <= 1)
