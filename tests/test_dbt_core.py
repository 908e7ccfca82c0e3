"""dbt core marts: intermediate (identity-linked) models, marts/core and restricted, built on a small generated
company whose identity crosswalk is resolved in process (what the Dagster `identity/person_crosswalk` asset
does). Checks the build (models, data tests, unit tests), dim_person against staging, that no direct
identifier reaches a mart, and the analyst questions of marts/core/README.md through `trm sql`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from dbt_support import assert_build_passed, assert_models_portable, scalar

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"
MODELS = DBT_DIR / "models"
LAYERS = {"intermediate": MODELS / "intermediate", "marts": MODELS / "marts" / "core",
          "restricted": MODELS / "restricted"}
STAGES = {"prospect", "candidate", "employee", "alumnus", "rehired"}
AS_OF = dt.date(2026, 10, 31)  # last day of the generated history
# The company is small but has people in every stage, a rehire among them (found by trying seeds).
PHONE = re.compile(r"(\+?86[ -]?)?1[3-9][0-9]{9}|\+[1-9][0-9]{7,14}")
HANZI = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def warehouse(company) -> dict:
    """The session's company (tests/shared_company.py, built as of the day after the history); the build's
    results of the layers this module covers: intermediate, core marts, restricted."""
    return company.view(("models/intermediate/", "models/marts/core/", "models/restricted/", "tests/"))

def _models(manifest: dict, layer: str) -> dict[str, dict]:
    prefix = {"intermediate": "models/intermediate/", "marts": "models/marts/core/",
              "restricted": "models/restricted/"}[layer]
    return {n["name"]: n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["original_file_path"].startswith(prefix)}


def _readme_queries() -> list[str]:
    text = (LAYERS["marts"] / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


# ------------------------------------------------------------------------------------------- static checks
def test_one_yaml_per_folder_every_model_and_column_described():
    subjects = sorted(p for p in LAYERS["intermediate"].iterdir() if p.is_dir())
    for folder in [*subjects, LAYERS["marts"], LAYERS["restricted"]]:
        ymls = sorted(folder.glob("*.yml"))
        assert len(ymls) == 1, folder
        documented = {m["name"]: m for m in yaml.safe_load(ymls[0].read_text(encoding="utf-8"))["models"]}
        assert set(documented) == {p.stem for p in folder.glob("*.sql")}, folder
        for model in documented.values():
            assert model.get("description"), model["name"]
            assert model["columns"] and all(c.get("description") for c in model["columns"]), model["name"]


STAGING_NAME = re.compile(r"^stg_(?P<source>[a-z0-9]+)__(?P<entity>[a-z0-9_]+s)$")  # plural entity
REF = re.compile(r"""ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")


def _yaml_models(folder: Path) -> dict[str, tuple[Path, dict]]:
    models = {}
    for path in folder.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            models[model["name"]] = (path, model)
    return models


def _has_data_test(model: dict) -> bool:
    tests = [*(model.get("data_tests") or []), *(model.get("tests") or [])]
    for column in model.get("columns") or []:
        tests += [*(column.get("data_tests") or []), *(column.get("tests") or [])]
    return bool(tests)


def layout_violations(dbt_dir: Path) -> list[str]:
    """The project's layout rules (dbt Labs' structure guide), as messages; [] when they all hold."""
    models_dir, problems = dbt_dir / "models", []
    documented = _yaml_models(models_dir)
    singular = {name for path in (dbt_dir / "tests").rglob("*.sql")
                for name in REF.findall(path.read_text(encoding="utf-8"))}
    for sql in sorted(models_dir.rglob("*.sql")):
        name, where = sql.stem, sql.relative_to(models_dir)
        if name not in documented:
            problems.append(f"{where}: not documented in a YAML")
        elif not _has_data_test(documented[name][1]) and name not in singular:
            problems.append(f"{where}: no data test")
        layer = where.parts[0]
        if layer == "intermediate":
            folder = sql.parent
            if folder == models_dir / "intermediate":
                problems.append(f"{where}: intermediate models live in a subject subfolder")
            else:
                ymls = sorted(y.name for y in folder.glob("*.yml"))
                if ymls != [f"_int_{folder.name}__models.yml"]:
                    problems.append(f"{where.parent}: one YAML named _int_{folder.name}__models.yml, not {ymls}")
                elif name in documented and documented[name][0].parent != folder:
                    problems.append(f"{where}: documented in {documented[name][0].name}, not its folder's YAML")
        if layer == "marts":
            staging_refs = [r for r in REF.findall(sql.read_text(encoding="utf-8")) if r.startswith("stg_")]
            if staging_refs:
                problems.append(f"{where}: a mart reads staging ({', '.join(staging_refs)}); read intermediate")
        if layer == "staging":
            match = STAGING_NAME.match(name)
            if not match or match["source"] != sql.parent.name:
                problems.append(f"{where}: staging models are stg_<source folder>__<entities>")
    return problems


def test_layout_follows_the_structure_guide():
    """Every model has a data test; intermediate models sit in subject folders with one YAML each; marts read
    no staging model; staging models are named stg_<source>__<plural entity>."""
    assert layout_violations(DBT_DIR) == []


def test_layout_check_finds_violations(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_DIR / "models", project / "models")
    shutil.copytree(DBT_DIR / "tests", project / "tests")
    people = project / "models" / "intermediate" / "people"
    (people / "int_person_records_resolved.sql").rename(project / "models" / "intermediate" / "int_flat.sql")
    (project / "models" / "staging" / "hris" / "stg_hris__job_history.sql").write_text("select 1", encoding="utf-8")
    dim_job = project / "models" / "marts" / "core" / "dim_job.sql"
    dim_job.write_text(dim_job.read_text(encoding="utf-8").replace("int_job_changes_prepared", "stg_hris__job_changes"),
                       encoding="utf-8")
    (people / "_extra.yml").write_text("version: 2\nmodels:\n  - name: int_untested\n    description: x\n",
                                       encoding="utf-8")
    (people / "int_untested.sql").write_text("select 1 as a", encoding="utf-8")
    problems = "\n".join(layout_violations(project))
    assert "intermediate/int_flat.sql: not documented" in problems
    assert "intermediate/int_flat.sql: intermediate models live in a subject subfolder" in problems
    assert "stg_hris__job_history.sql: not documented" in problems
    assert "stg_hris__job_history.sql: staging models are stg_<source folder>__<entities>" in problems
    assert "dim_job.sql: a mart reads staging (stg_hris__job_changes)" in problems
    assert "int_untested.sql: no data test" in problems
    assert "intermediate/people: one YAML named _int_people__models.yml" in problems


def test_models_stay_portable():
    """DuckDB-only syntax stays out of the models: engine specifics live in dispatched macros."""
    assert_models_portable(list(LAYERS.values()))


# ------------------------------------------------------------------------------------------- built warehouse
def test_build_succeeds_with_data_and_unit_tests(warehouse):
    built = {name for layer in LAYERS for name in _models(warehouse["manifest"], layer)}
    ran = assert_build_passed(warehouse["result"], built, min_unit_tests=5, min_tests=100)
    assert len(ran["model"]) == len(built)


def test_every_built_column_is_documented(warehouse, db):
    """Every model of the project (staging is checked in test_dbt_staging), in every folder: the columns the
    build made are the columns its YAML documents, in order."""
    models = [n for n in warehouse["manifest"]["nodes"].values()
              if n["resource_type"] == "model" and not n["original_file_path"].startswith("models/staging/")]
    assert len(models) > 80
    for node in models:
        actual = [r[0] for r in db.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [node["schema"], node["name"]]).fetchall()]
        assert actual and list(node["columns"]) == actual, node["name"]


def test_restricted_model_is_tagged_pii_in_its_own_schema(warehouse, db):
    [node] = _models(warehouse["manifest"], "restricted").values()
    assert node["schema"] == "restricted" and "pii" in node["tags"]
    identifier_columns = [c for c in node["columns"] if c not in ("person_key", "record_count")]
    assert all(node["columns"][c]["config"]["meta"].get("contains_pii") for c in identifier_columns)
    assert scalar(db, "select count(*) from restricted.restricted_person_identifiers where full_name is not null") > 0


def test_dim_person_has_one_row_per_person_key(db):
    rows, keys = db.execute("select count(*), count(distinct person_key) from main.dim_person").fetchone()
    persons = scalar(db, "select count(distinct person_key) from identity.person_crosswalk")
    assert rows == keys == persons + 1  # + the unknown member
    assert scalar(db, "select count(*) from main.dim_person where is_unknown_member and person_key = '-1'") == 1


def test_employee_headcount_matches_staging(db):
    headcount = scalar(db, "select count(*) from main.dim_person where lifecycle_stage in ('employee', 'rehired')")
    expected = scalar(db, """select count(distinct c.person_key)
                              from main.stg_hris__employees as e
                              inner join identity.person_crosswalk as c
                                  on c.record_source = 'hris__employees' and c.source_record_id = e.employee_id
                              where e.termination_date is null""")
    assert headcount == expected > 0


def test_every_lifecycle_stage_is_populated(db):
    counts = dict(db.execute("select lifecycle_stage, count(*) from main.dim_person where not is_unknown_member "
                             "group by 1").fetchall())
    assert set(counts) == STAGES and all(counts.values())
    rehired = db.execute("select person_key from main.dim_person where lifecycle_stage = 'rehired'").fetchall()
    for (person_key,) in rehired:  # employed again after an exit: exited, then rehired, in that order
        types = [t for (t,) in db.execute("select event_type from main.fct_lifecycle_events where person_key = ? "
                                          "and event_type in ('hired', 'exited', 'rehired') order by event_sequence",
                                          [person_key]).fetchall()]
        assert "exited" in types and "rehired" in types and types.index("exited") < types.index("rehired")


def test_scd2_has_one_current_version_per_person(db):
    assert scalar(db, """select count(*) from (select person_key from main.dim_person_history
                          group by person_key having sum(case when is_current then 1 else 0 end) <> 1) as x""") == 0
    assert scalar(db, """select count(*) from main.dim_person as d
                          inner join main.dim_person_history as h
                              on h.person_key = d.person_key and h.is_current
                          where h.lifecycle_stage <> d.lifecycle_stage""") == 0


def test_night_shift_clock_outs_count_for_the_start_day(db):
    assert scalar(db, """select count(*) from main.int_punches_localised
                          where is_previous_day_shift
                              and (punch_type <> 'out' or work_date <> local_date - 1)""") == 0
    assert scalar(db, "select count(*) from main.fct_attendance_daily where hours_worked > 0") > 0


def _values(con, schema: str, table: str) -> dict[tuple[str, bool], set[str]]:
    """Distinct values of every column as text, keyed by (column, is a text column)."""
    columns = con.execute("select column_name, data_type from information_schema.columns "
                          "where table_schema = ? and table_name = ?", [schema, table]).fetchall()
    values = {}
    for column, data_type in columns:
        rows = con.execute(f'select distinct cast("{column}" as varchar) from {schema}."{table}" '
                           f'where "{column}" is not null').fetchall()
        values[(column, data_type == "VARCHAR")] = {v for (v,) in rows}
    return values


def _identifier_hits(values: dict, names: set[str], phones: set[str], emails: set[str]) -> list:
    """Known names / emails / phones anywhere; in text columns also '@', phone-shaped digit runs and names
    inside longer text (key and id columns excepted from the patterns: hashes hold digit runs by chance)."""
    hits = []
    for (column, is_text), column_values in values.items():
        patterns = is_text and not column.endswith(("_key", "_id"))
        for value in column_values:
            known = value in emails or value in phones or value in names
            email_like = is_text and "@" in value
            pattern = patterns and bool(PHONE.search(value) or (HANZI.search(value) and any(n in value for n in names)))
            if known or email_like or pattern:
                hits.append((column, value))
    return hits


def test_no_direct_identifier_in_any_mart(warehouse, db):
    identifiers = db.execute("select all_names, all_emails, all_phones from restricted.restricted_person_identifiers"
                             ).fetchall()
    names = {n for (all_names, _, _) in identifiers if all_names for n in all_names.split(" | ") if HANZI.search(n)}
    emails = {e for (_, all_emails, _) in identifiers if all_emails for e in all_emails.split(", ")}
    phones = {p for (_, _, all_phones) in identifiers if all_phones for p in all_phones.split(", ")}
    phones |= {p[3:] for p in phones if p.startswith("+86")}  # the national form too
    assert names and emails and phones
    marts = _models(warehouse["manifest"], "marts")
    assert {"dim_person", "dim_person_history", "fct_lifecycle_events", "fct_attendance_daily",
            "fct_survey_responses", "fct_im_activity_daily"} <= set(marts)
    for table in marts:
        hits = _identifier_hits(_values(db, "main", table), names, phones, emails)
        assert not hits, (table, hits[:5])
    # the scan does find identifiers where they are allowed
    assert _identifier_hits(_values(db, "restricted", "restricted_person_identifiers"), names, phones, emails)


def test_surveys_keep_anonymous_respondents_anonymous(db):
    assert scalar(db, "select count(*) from main.fct_survey_responses "
                       "where is_anonymous and respondent_person_key is not null") == 0
    assert scalar(db, "select count(*) from main.fct_survey_responses where respondent_person_key is not null") > 0


def test_analyst_questions_through_trm_sql(warehouse, db, capsys, monkeypatch):
    from cli.main import main

    stages_sql, history_sql, funnel_sql = _readme_queries()
    monkeypatch.setenv("TRM_WAREHOUSE", str(warehouse["path"]))

    def trm_sql(query: str) -> list[dict]:
        capsys.readouterr()
        assert main(["sql", "--warehouse", "--format", "json", "--max-rows", "1000", query]) == 0
        return json.loads(capsys.readouterr().out)

    # 1. people per lifecycle stage
    stages = {r["lifecycle_stage"]: r["people"] for r in trm_sql(stages_sql)}
    assert set(stages) == STAGES
    assert sum(stages.values()) == scalar(db, "select count(*) from main.dim_person where not is_unknown_member")

    # 2. the event history of one person across ATS and HRIS (a hire who applied through the ATS)
    person_key = scalar(db, """select person_key from main.fct_lifecycle_events where person_key <> '-1'
                                group by person_key
                                having min(case when event_type = 'applied' then event_date end)
                                    < min(case when event_type = 'hired' then event_date end)
                                order by count(*) desc, person_key limit 1""")
    history = trm_sql(history_sql.replace("P107309ccbb8fe195", person_key))
    assert {r["source_system"] for r in history} == {"ats", "hris"}
    assert [r["event_sequence"] for r in history] == list(range(1, len(history) + 1))
    types = [r["event_type"] for r in history]
    assert "applied" in types and types.index("applied") < max(types.index(t) for t in types
                                                                 if t in ("hired", "rehired"))

    # 3. candidates who became employees, then alumni
    [funnel] = trm_sql(funnel_sql)
    assert funnel["candidates"] >= funnel["became_employees"] > 0
    assert funnel["became_employees"] >= funnel["then_became_alumni"] >= funnel["still_alumni_now"]
