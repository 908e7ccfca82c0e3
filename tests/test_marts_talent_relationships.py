"""dbt talent-review and relationships marts (models/marts/talent_review, models/marts/relationships) and their
intermediate models (int_succession_plans_linked, _mentoring_pairs, _idps, _one_on_ones), built on a small
generated company the way test_marts_workforce.py builds one (staging, in-process identity crosswalk, then the models). Checks the build (models, data tests, unit
tests), documentation and portability, the 9-box against the reviews, department roll-ups against the headcount,
succession coverage against the plans, and referral counts against the ATS."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from dbt_support import assert_build_passed, assert_models_portable, scalar

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
FOLDERS = {"talent_review": DBT_DIR / "models" / "marts" / "talent_review",
           "relationships": DBT_DIR / "models" / "marts" / "relationships"}
INTERMEDIATE = DBT_DIR / "models" / "intermediate" / "talent"
INTERMEDIATE_YML = INTERMEDIATE / "_int_talent__models.yml"  # the folder's one YAML
OUR_INTERMEDIATE = {"int_succession_plans_linked", "int_mentoring_pairs_linked", "int_idps_linked",
                    "int_one_on_ones_linked"}
AS_OF = dt.date(2026, 10, 31)  # last day of the generated history


@pytest.fixture(scope="module")
def warehouse(company) -> dict:
    """The session's company (tests/shared_company.py); the build's results of this module's folders."""
    return company.view((*(f"models/marts/{folder}/" for folder in FOLDERS), "models/intermediate/talent/"))

def _intermediate_models() -> set[str]:
    """The talent intermediate models, each documented in the intermediate folder's YAML."""
    documented = {m["name"] for m in yaml.safe_load(INTERMEDIATE_YML.read_text(encoding="utf-8"))["models"]}
    assert documented >= OUR_INTERMEDIATE
    return OUR_INTERMEDIATE


def _models(manifest: dict) -> dict[str, dict]:
    prefixes = tuple(f"models/marts/{folder}/" for folder in FOLDERS)
    ours = _intermediate_models()
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model"
            and (n["original_file_path"].startswith(prefixes) or n["name"] in ours)}


# ------------------------------------------------------------------------------------------- static checks
def test_one_yaml_per_folder_every_model_and_column_described():
    for folder in FOLDERS.values():
        ymls = sorted(folder.glob("*.yml"))
        assert len(ymls) == 1, folder
        spec = yaml.safe_load(ymls[0].read_text(encoding="utf-8"))
        documented = {m["name"]: m for m in spec["models"]}
        assert set(documented) == {p.stem for p in folder.glob("*.sql")}, folder
        for model in documented.values():
            assert "grain" in model.get("description", "").lower(), model["name"]
            assert model["columns"] and all(c.get("description") for c in model["columns"]), model["name"]
            assert "no_direct_identifier_columns" in model.get("data_tests", []), model["name"]
        assert spec.get("unit_tests"), folder
        assert (folder / "README.md").exists(), folder
    # Our intermediate models: documented in the folder's YAML, every model file present.
    for name in _intermediate_models():
        assert (INTERMEDIATE / f"{name}.sql").exists(), name


def test_models_stay_portable(tmp_path):
    assert_models_portable(list(FOLDERS.values()))
    for name in _intermediate_models():  # only ours: the intermediate folder is shared
        shutil.copy(INTERMEDIATE / f"{name}.sql", tmp_path)
    assert_models_portable([tmp_path])


def test_unit_tests_cover_the_non_obvious_calculations():
    names = set()
    for folder in FOLDERS.values():
        spec = yaml.safe_load(next(folder.glob("*.yml")).read_text(encoding="utf-8"))
        names |= {(u["model"], u["name"]) for u in spec["unit_tests"]}
    models = {model for model, _ in names}
    assert {"fct_nine_box_placements", "fct_succession_nominations", "rpt_succession_coverage", "fct_referrals",
            "rpt_referrer_exit_impact", "rpt_referral_team_concentration"} <= models


# ------------------------------------------------------------------------------------------- built warehouse
def test_build_succeeds_with_data_and_unit_tests(warehouse):
    ran = assert_build_passed(warehouse["result"], set(_models(warehouse["manifest"])), min_unit_tests=9,
                              min_tests=55, manifest=warehouse["manifest"])
    tests = set(ran["test"])
    for reconciliation in ("rpt_talent_review_department_employees_match_headcount",
                           "rpt_talent_review_people_match_dim_person_employees",
                           "fct_referrals_match_referred_candidates",
                           "rpt_referrer_exit_impact_employed_at_exit_matches_referrals"):
        assert reconciliation in tests


def test_nine_box_reconciles_with_the_reviews(db):
    reviewed = scalar(db, """select count(distinct person_key) from main.int_performance_reviews_linked
                              where person_key <> '-1' and review_date <= ?""", [AS_OF])
    latest = scalar(db, "select count(*) from main.fct_nine_box_placements where is_latest_review")
    assert latest == reviewed > 0
    # Every placed review sits in the box its ratings say (default bands: 4-5 high, 3 moderate, 1-2 low).
    assert scalar(db, """select count(*) from main.fct_nine_box_placements
                          where is_placed and nine_box <> 3 * (case potential_rating when 'high' then 2
                                                               when 'medium' then 1 else 0 end)
                              + case when performance_rating >= 4 then 3 when performance_rating = 3 then 2 else 1 end
                          """) == 0
    # The department distribution counts each current employee's latest placement once.
    placed_now = scalar(db, """select count(*) from main.fct_nine_box_placements as f
                                inner join main.rpt_talent_review_people as p on p.person_key = f.person_key
                                where f.is_latest_review and f.is_placed""")
    boxes = scalar(db, "select sum(" + " + ".join(f"box_{b}_employees" for b in range(1, 10))
                    + ") from main.rpt_talent_review_department")
    assert boxes == placed_now > 0
    # Stars and underperformers both exist in a believable company.
    spread = dict(db.execute("select nine_box, count(*) from main.fct_nine_box_placements "
                             "where is_placed group by nine_box").fetchall())
    assert spread.get(9, 0) > 0 and spread.get(1, 0) > 0 and spread.get(5, 0) == max(spread.values())


def test_department_roll_up_equals_headcount_and_dim_person(db):
    employees = scalar(db, "select sum(employees) from main.rpt_talent_review_department")
    daily = scalar(db, "select sum(headcount) from main.fct_headcount_daily where date_day = ?", [AS_OF])
    people = scalar(db, "select count(*) from main.dim_person where lifecycle_stage in ('employee', 'rehired')")
    assert employees == daily == people > 0
    # 1:1s: about one a month per employee in the demo company, never negative.
    per_month = scalar(db, """select sum(one_on_ones_last_90_days) * 30.4375 / (sum(employees_with_manager) * 90.0)
                               from main.rpt_talent_review_department""")
    assert 0.3 <= per_month <= 3


def test_succession_coverage_follows_the_plans(db):
    positions = scalar(db, "select count(distinct position_id) from main.stg_hris__succession_plans "
                            "where updated_date <= ?", [AS_OF])
    assert scalar(db, "select count(*) from main.rpt_succession_coverage") == positions > 0
    assert scalar(db, "select sum(key_positions) from main.rpt_talent_review_department") == positions
    # Only employed successors cover a position.
    assert scalar(db, """select count(*) from main.rpt_succession_coverage as c
                          where c.is_covered <> exists (
                              select 1 from main.fct_succession_nominations as n
                              inner join main.rpt_talent_review_people as p on p.person_key = n.successor_person_key
                              where n.position_id = c.position_id and n.readiness = 'ready_now'
                                  and not n.is_incumbent_nomination)""") == 0


def test_referrals_match_the_ats(db):
    referred = scalar(db, "select count(*) from main.stg_ats__candidates where referrer_employee_id is not null")
    assert scalar(db, "select count(*) from main.fct_referrals") == referred > 0
    hired = scalar(db, """select count(distinct c.candidate_id) from main.stg_ats__candidates as c
                           inner join main.stg_ats__applications as a on a.candidate_id = c.candidate_id
                           where c.referrer_employee_id is not null and a.current_stage = 'hired'""")
    assert scalar(db, "select count(*) from main.fct_referrals where is_hired") == hired > 0
    # Referred employees now = members counted in the department concentration roll-up (linked referrers).
    current = scalar(db, """select count(*) from main.fct_referrals
                             where is_referral_of_current_employment and referrer_person_key <> '-1'""")
    assert scalar(db, "select sum(referred_members) from main.rpt_referral_team_concentration "
                       "where team_type = 'department'") == current
    assert scalar(db, """select count(*) from main.rpt_referral_team_concentration
                          where is_concentrated and (referred_share < 0.2 or referred_members < 3)""") == 0


def test_referrer_exit_impact_adds_up(db):
    at_exit = scalar(db, "select count(*) from main.fct_referrals where is_referred_employed_at_referrer_exit")
    impact = db.execute("""select count(*), sum(referred_employed_at_exit), sum(referred_left_within_12_months),
                                  min(baseline_left_12_month_rate), max(baseline_left_12_month_rate)
                           from main.rpt_referrer_exit_impact""").fetchone()
    assert impact[0] > 0 and impact[1] == at_exit
    assert impact[2] <= impact[1]
    assert impact[3] is None or 0 <= impact[3] <= impact[4] <= 1
