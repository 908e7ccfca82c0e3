"""dbt workforce and compliance marts (models/marts/workforce, models/marts/compliance), built on a small generated
company the way test_dbt_core.py builds one (staging, in-process identity crosswalk, then the models). Checks the
build (models, data tests, unit tests), the monthly headcount reconciliation, headcount against dim_person on the
as-of date, a believable attrition rate, the overtime limit flag and its var, and leavers whose IM account is
still active."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from dbt_support import assert_build_passed, assert_models_portable, scalar

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
FOLDERS = {"workforce": DBT_DIR / "models" / "marts" / "workforce",
           "compliance": DBT_DIR / "models" / "marts" / "compliance"}
AS_OF = dt.date(2026, 10, 31)  # last day of the generated history
OVERTIME_LIMIT = 36  # default of var overtime_monthly_limit_hours (PRC Labour Law art. 41)


@pytest.fixture(scope="module")
def warehouse(company) -> dict:
    """The session's company (tests/shared_company.py); the build's results of this module's folders."""
    return company.view(tuple(f"models/marts/{folder}/" for folder in FOLDERS))

def _models(manifest: dict) -> dict[str, dict]:
    prefixes = tuple(f"models/marts/{folder}/" for folder in FOLDERS)
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["original_file_path"].startswith(prefixes)}


# ------------------------------------------------------------------------------------------- static checks
def test_one_yaml_per_folder_every_model_and_column_described():
    for folder in FOLDERS.values():
        ymls = sorted(folder.glob("*.yml"))
        assert len(ymls) == 1, folder
        documented = {m["name"]: m for m in yaml.safe_load(ymls[0].read_text(encoding="utf-8"))["models"]}
        assert set(documented) == {p.stem for p in folder.glob("*.sql")}, folder
        for model in documented.values():
            assert "grain" in model.get("description", "").lower(), model["name"]
            assert model["columns"] and all(c.get("description") for c in model["columns"]), model["name"]
            assert "no_direct_identifier_columns" in model.get("data_tests", []), model["name"]


def test_models_stay_portable():
    assert_models_portable(list(FOLDERS.values()))


# ------------------------------------------------------------------------------------------- built warehouse
def test_build_succeeds_with_data_and_unit_tests(warehouse):
    assert_build_passed(warehouse["result"], set(_models(warehouse["manifest"])), min_unit_tests=3, min_tests=24,
                      manifest=warehouse["manifest"])


def test_monthly_headcount_reconciles(db):
    months = scalar(db, "select count(*) from main.fct_headcount_monthly")
    broken = scalar(db, """select count(*) from main.fct_headcount_monthly
                            where start_headcount + hires - exits + transfers_in - transfers_out <> end_headcount""")
    assert months > 12 and broken == 0
    # Month to month, a department's end is the next month's start.
    assert scalar(db, """select count(*) from main.fct_headcount_monthly as a
                          inner join main.fct_headcount_monthly as b
                              on b.month_start_date = a.month_end_date + 1
                              and b.department_id is not distinct from a.department_id
                          where a.end_headcount <> b.start_headcount""") == 0


def test_headcount_on_the_as_of_date_equals_dim_person_employees(db):
    daily = scalar(db, "select sum(headcount) from main.fct_headcount_daily where date_day = ?", [AS_OF])
    people = scalar(db, "select count(*) from main.dim_person where lifecycle_stage in ('employee', 'rehired')")
    end_of_day = scalar(db, "select sum(headcount_end_of_day) from main.fct_headcount_daily where date_day = ?",
                         [AS_OF])
    month_end = scalar(db, "select sum(end_headcount) from main.fct_headcount_monthly where month_end_date = ?",
                        [AS_OF])
    assert daily == people > 0
    assert month_end == end_of_day <= daily


def test_trailing_attrition_is_believable(db):
    overall, exits = db.execute("select attrition_rate, exits from main.rpt_attrition_by_segment "
                                "where segment_type = 'overall'").fetchone()
    assert exits > 0 and 0.05 <= overall <= 0.35
    bands = dict(db.execute("select segment_value, exits from main.rpt_attrition_by_segment "
                            "where segment_type = 'tenure_band'").fetchall())
    assert set(bands) <= {"<1y", "1-3y", "3-5y", "5y+"} and sum(bands.values()) == exits
    for segment_type in ("department", "job_level", "manager"):
        assert scalar(db, "select sum(exits) from main.rpt_attrition_by_segment where segment_type = ?",
                       [segment_type]) == exits


def test_overtime_over_limit_respects_the_var(warehouse, db):
    over, limit, lowest = db.execute("""select count(*), max(overtime_limit_hours), min(overtime_hours)
                                        from main.rpt_overtime_monthly where is_over_limit""").fetchone()
    assert over > 0 and limit == OVERTIME_LIMIT and lowest > OVERTIME_LIMIT
    assert scalar(db, "select count(*) from main.rpt_overtime_monthly where not is_over_limit "
                       "and overtime_hours > overtime_limit_hours") == 0
    rolled = scalar(db, "select sum(people_over_limit) from main.rpt_overtime_department_monthly")
    assert rolled == over
    # The var itself is exercised by the unit test rpt_overtime_monthly_over_limit_uses_the_var (limit 30).
    unit_tests = {n["name"] for n in warehouse["manifest"]["unit_tests"].values()}
    assert "rpt_overtime_monthly_over_limit_uses_the_var" in unit_tests


def test_leavers_with_active_im_accounts_are_found(db):
    assert scalar(db, "select count(*) from main.rpt_leaver_im_access where is_still_active") > 0
    # Every row is a leaver (alumnus) whose account outlived the exit date.
    assert scalar(db, """select count(*) from main.rpt_leaver_im_access as r
                          inner join main.dim_person as p on p.person_key = r.person_key
                          where p.lifecycle_stage <> 'alumnus' or r.days_active_after_exit <= 0
                              or r.days_since_exit < 0""") == 0


def test_offboarding_covers_every_leaver(db):
    leavers = scalar(db, """select count(*) from main.int_employments_derived
                             where person_key <> '-1' and termination_date <= ?""", [AS_OF])
    assert scalar(db, "select count(*) from main.rpt_offboarding_completeness") == leavers > 0
    assert scalar(db, "select count(*) from main.rpt_offboarding_completeness "
                       "where is_offboarding_complete and (missing_task_types > 0 or tasks_completed < tasks_total)") == 0
