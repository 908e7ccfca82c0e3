"""Talent-pool marts (models/marts/talent_pools) and the YAML rule compiler (macros/talent_rules.sql), on a small
generated company: the build (models, data tests, unit tests), pool membership equal to the compiled rule on the
as-of day's features, the incremental daily history (a rerun changes nothing, a new day adds only that day), the
tag table against the candidate profiles, and rule mistakes stopping the build with a message that names them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from dbt_support import assert_models_portable, dbt, query_file, statuses_by_type

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
FOLDER = DBT_DIR / "models" / "marts" / "talent_pools"
AS_OF = dt.date(2026, 10, 31)
HISTORY_DAYS = 60


def _vars(as_of: dt.date) -> str:
    return json.dumps({"as_of_date": as_of.isoformat(), "talent_pool_history_days": HISTORY_DAYS})


@pytest.fixture(scope="module")
def warehouse(company, tmp_path_factory) -> dict:
    """A private copy of the session's company (tests/shared_company.py) with the talent-pool chain rebuilt and
    tested as of AS_OF over HISTORY_DAYS days (the tests below rebuild it for other days)."""
    tmp = tmp_path_factory.mktemp("marts_talent_pools")
    path = company.copy_to(tmp)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRM_WAREHOUSE", str(path))
        # --full-refresh: the daily history is incremental, and the shared build wrote its own window.
        result = dbt(["build", "--select", "int_person_day_features_joined", "int_talent_pool_member_days_expanded",
                      "path:models/marts/talent_pools", "--full-refresh", "--vars", _vars(AS_OF)], tmp)
    return {"path": path, "tmp": tmp, "result": result}

def _rebuild(warehouse: dict, as_of: dt.date, monkeypatch) -> None:
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))
    result = dbt(["run", "--select", "int_person_day_features_joined", "int_talent_pool_member_days_expanded",
                  "--vars", _vars(as_of)], warehouse["tmp"])
    assert result.success, result.exception


# ------------------------------------------------------------------------------------------- static checks
def test_one_yaml_every_model_and_column_described():
    ymls = sorted(FOLDER.glob("*.yml"))
    assert len(ymls) == 1
    documented = {m["name"]: m for m in yaml.safe_load(ymls[0].read_text(encoding="utf-8"))["models"]}
    assert set(documented) == {p.stem for p in FOLDER.glob("*.sql")}
    for model in documented.values():
        assert "grain" in model.get("description", "").lower(), model["name"]
        assert model["columns"] and all(c.get("description") for c in model["columns"]), model["name"]
        tests = [t if isinstance(t, str) else next(iter(t)) for t in model.get("data_tests", [])]
        assert "no_direct_identifier_columns" in tests, model["name"]


def test_models_stay_portable():
    assert_models_portable([FOLDER, DBT_DIR / "models" / "intermediate"])


# ------------------------------------------------------------------------------------------- the build
def test_build_passes_models_tests_and_unit_tests(warehouse):
    result = warehouse["result"]
    statuses = statuses_by_type(result)
    failed = {k: [s for s in v if s not in ("success", "pass")] for k, v in statuses.items()}
    assert result.success, failed
    assert statuses.get("unit_test") and statuses.get("model") and statuses.get("test")


def test_membership_on_the_as_of_day_is_the_compiled_rule(warehouse):
    """Each rule pool's members on the as-of date are exactly the people whose features satisfy rule_sql."""
    path = warehouse["path"]
    pools = query_file(path, "select pool_id, rule_sql, current_members from dim_talent_pool where pool_source = 'rule'")
    assert {p[0] for p in pools} >= {"silver_medalists", "alumni_rehire_eligible", "high_potential_employees"}
    nonempty = 0
    for pool_id, rule_sql, current in pools:
        expected = query_file(path, f"select count(*) from int_person_day_features_joined "
                                f"where date_day = date '{AS_OF}' and {rule_sql}")[0][0]
        members = query_file(path, f"select count(*) from fct_talent_pool_memberships "
                               f"where pool_id = '{pool_id}' and is_current")[0][0]
        assert current == expected == members, pool_id
        nonempty += current > 0
    assert nonempty >= 3  # the demo company fills most pools


def test_high_potential_pool_matches_dim_person(warehouse):
    path = warehouse["path"]
    pool = query_file(path, "select current_members from dim_talent_pool where pool_id = 'high_potential_employees'")
    people = query_file(path, "select count(*) from dim_person where is_current_employee "
                          "and latest_potential_rating = 'high'")
    assert pool[0][0] == people[0][0] > 0


def test_external_audiences_require_contact_consent_and_show_coverage(warehouse):
    """Prospects, candidates and alumni enter an outreach pool only with consent; ATS pools show how many may be
    contacted."""
    path = warehouse["path"]
    without = query_file(path, """select m.pool_id, count(*) from fct_talent_pool_memberships m
                                  join dim_person d using (person_key)
                                  where m.is_current and m.pool_source = 'rule' and m.pool_id <> 'high_potential_employees'
                                    and not coalesce(d.has_contact_consent, false) group by 1""")
    coverage = dict(query_file(path, "select pool_id, contact_consent_share from rpt_talent_pool_summary "
                                     "where members > 0"))
    consent = query_file(path, "select count(*) filter (where has_contact_consent), "
                               "count(*) filter (where not has_contact_consent), count(*) filter "
                               "(where has_contact_consent is null and has_candidate_record) from dim_person")[0]
    assert without == []
    assert all(coverage[p] == 1.0 for p in ("silver_medalists", "alumni_rehire_eligible") if p in coverage), coverage
    assert consent[0] > 0 and consent[1] > 0 and consent[2] == 0  # both answers occur; every candidate has one


def test_daily_history_covers_the_window_and_sizes_add_up(warehouse):
    path = warehouse["path"]
    days, first, last = query_file(path, "select count(distinct date_day), min(date_day), max(date_day) "
                                     "from fct_talent_pool_daily")[0]
    assert (days, last) == (HISTORY_DAYS, AS_OF) and first == AS_OF - dt.timedelta(days=HISTORY_DAYS - 1)
    bad = query_file(path, "select count(*) from fct_talent_pool_daily "
                       "where members <> active_members + sleeping_members")[0][0]
    assert bad == 0
    # The summary's size is the daily table's last day.
    mismatched = query_file(path, """
        select count(*) from rpt_talent_pool_summary as s
        join fct_talent_pool_daily as d on d.pool_id = s.pool_id and d.date_day = date '2026-10-31'
        where s.members <> d.members""")[0][0]
    assert mismatched == 0


def test_tags_come_from_the_profiles(warehouse):
    path = warehouse["path"]
    # Every skill on a linked candidate profile appears as a skill tag of its person.
    missing = query_file(path, """
        with profile_skills as (
            select c.person_key, trim(s.skill) as skill
            from int_candidates_linked as c,
                 unnest(string_split(c.skills, ';')) as s(skill)
            where c.person_key <> '-1' and c.skills is not null
              and c.created_date = (select max(created_date) from int_candidates_linked as c2
                                    where c2.person_key = c.person_key)
        )
        select count(*) from profile_skills as p
        left join fct_person_tags as t
            on t.person_key = p.person_key and t.tag_type = 'skill' and t.tag = p.skill
        where t.person_key is null and p.skill <> ''""")[0][0]
    assert missing == 0
    behaviour = dict(query_file(path, "select tag, count(*) from fct_person_tags where tag_type = 'behaviour' "
                                  "group by tag"))
    people = query_file(path, "select count(distinct person_key) from int_person_day_features_joined "
                          f"where date_day = date '{AS_OF}'")[0][0]
    assert behaviour.get("active_6m", 0) + behaviour.get("sleeping", 0) == people


# ------------------------------------------------------------------------------------------- incremental history
def test_rerun_changes_nothing_and_a_new_day_adds_only_that_day(warehouse, monkeypatch):
    """A rerun changes nothing; the next night adds that day and drops the day that left the window, as a full
    build over the moved window would hold (the incremental-equals-full test compares the two on real nights)."""
    path = warehouse["path"]
    snapshot = "select pool_id, person_key, date_day from int_talent_pool_member_days_expanded"
    before = set(query_file(path, snapshot))
    _rebuild(warehouse, AS_OF, monkeypatch)
    assert set(query_file(path, snapshot)) == before
    next_day = AS_OF + dt.timedelta(days=1)
    _rebuild(warehouse, next_day, monkeypatch)
    after = set(query_file(path, snapshot))
    first_kept = next_day - dt.timedelta(days=HISTORY_DAYS - 1)
    assert {row for row in after if row[2] <= AS_OF} == {row for row in before if row[2] >= first_kept}
    assert {row[2] for row in after - before} == {next_day}
    assert {row[2] for row in before - after} == {first_kept - dt.timedelta(days=1)}


# ------------------------------------------------------------------------------------------- the rule compiler
def _compile(tmp: Path, expression: str):
    return dbt(["compile", "--inline", "{{ " + expression + " }}", "--vars", _vars(AS_OF)], tmp)


def _compiled_sql(result) -> str:
    return result.result.results[0].node.compiled_code


def test_rule_compiles_to_sql(warehouse, monkeypatch):
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))
    result = _compile(warehouse["tmp"], "talent_rule({'all': [{'field': 'region', 'eq': \"O'Brien Bay\"}, "
                                        "{'any': [{'field': 'skills', 'contains': ['PLC', 'sap']}, "
                                        "{'not': {'field': 'years_experience', 'between': [2, 5]}}]}]}, 't')")
    assert result.success, result.exception
    sql = " ".join(_compiled_sql(result).split())
    assert "region = 'O''Brien Bay'" in sql
    assert "like '%;plc;%'" in sql and "like '%;sap;%'" in sql
    assert "not coalesce((years_experience between 2 and 5), false)" in sql


@pytest.mark.parametrize(("rule", "message"), [
    ("{'field': 'salary', 'gt': 1}", "unknown field 'salary'"),
    ("{'field': 'region', 'like': 'x'}", "needs exactly one operator"),
    ("{'field': 'region', 'in': 'South China'}", "'in' needs a list"),
    ("{'all': []}", "'all' takes a non-empty list"),
])
def test_rule_mistakes_stop_with_a_clear_message(warehouse, monkeypatch, rule, message):
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))
    result = _compile(warehouse["tmp"], f"talent_rule({rule}, 'talent pool my_pool')")
    assert not result.success
    # dbt wraps the compilation error of an inline query in a generic one.
    text = f"{result.exception} {result.exception.__context__}"
    assert "talent pool my_pool" in text and message in text
