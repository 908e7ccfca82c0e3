"""The data-quality engine (expectations/): suites as YAML, GX and custom checks, masking, Data Docs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest
import yaml

from expectations.engine import load_suites, render_data_docs, run_suite, suites_for_table
from expectations.suites import SuiteConfigError

TODAY = dt.date(2026, 10, 31)
NAMES = [f"Secret Person {i:02d}" for i in range(30)]
EMAILS = [f"secret.person{i:02d}@corp.example" for i in range(30)]


def _employees(con: duckdb.DuckDBPyConnection, swapped: int = 0, bad_emails: int = 0, rows: int = 30) -> None:
    """raw.hris__employees shaped as ingestion writes it; the first ``swapped`` rows exit before their hire."""
    con.execute("create schema if not exists raw")
    con.execute("""create or replace table raw.hris__employees (employee_id varchar, full_name varchar,
        email varchar, personal_email varchar, phone varchar, national_id varchar, gender varchar, birth_date date,
        hire_date date, termination_date date, termination_reason varchar, is_voluntary boolean,
        is_regretted boolean, employment_type varchar, location varchar, _batch_id varchar, _source_file varchar,
        _row_number bigint, _loaded_at timestamp with time zone, _row_hash varchar)""")
    data = []
    for i in range(rows):
        hire = dt.date(2020, 1, 1) + dt.timedelta(days=10 * i)
        exit_ = hire + dt.timedelta(days=400) if i % 2 == 0 else None
        if i < swapped:
            exit_ = hire - dt.timedelta(days=30)
        email = f"broken-address-{i:02d}" if i < bad_emails else EMAILS[i]
        data.append((f"E{i:03d}", NAMES[i], email, None, "13800138000", None, "F", dt.date(1990, 1, 1), hire,
                     exit_, None, True if exit_ else None, None, "full_time", "Shenzhen", "b1", "hris/e.csv", i,
                     dt.datetime(2026, 10, 31, 2, tzinfo=dt.UTC), "h"))
    con.executemany("insert into raw.hris__employees values (" + ", ".join(["?"] * 20) + ")", data)


def _suite(name: str):
    return next(s for s in load_suites() if s.name == name)


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_suites_load_with_severities():
    suites = load_suites()
    files = {s.source_file.name for s in suites}
    assert {"raw.yaml", "marts.yaml", "ml.yaml"} <= files
    tables = {s.table for s in suites}
    for table in ("raw.hris__employees", "raw.hris__job_history", "raw.ats__candidates", "raw.ats__applications",
                  "raw.attendance__punches", "raw.surveys__responses", "raw.im__messages", "main.dim_person",
                  "ml.attrition_scores", "ml.message_sentiment"):
        assert table in tables
    pair = [c for c in _suite("raw.hris__employees").checks
            if c.kind == "expect_column_pair_values_a_to_be_greater_than_b"]
    assert pair and pair[0].severity == "blocking" and pair[0].kwargs["or_equal"] is True
    assert [s.table for s in suites_for_table("dim_person", suites)] == ["main.dim_person"]


@pytest.mark.parametrize(("entry", "expected"), [
    ("- expectation: expect_column_values_to_be_nul\n        kwargs: {column: a}",
     r"custom\.yaml: suite 't', entry #1: unknown GX expectation type 'expect_column_values_to_be_nul' "
     r"\(did you mean 'expect_column_values_to_be_null'\?\)"),
    ("- expectation: expect_column_values_to_not_be_null\n        kwargs: {column: a}\n        severty: blocking",
     r"entry #1: unknown key 'severty' \(did you mean 'severity'\?\)"),
    ("- expectation: expect_column_values_to_not_be_null\n        kwargs: {colunm: a}",
     r"entry #1 \(expect_column_values_to_not_be_null\): kwargs not accepted .*colunm"),
    ("- type: freshnes\n        kwargs: {column: a, max_age_days: 1}", r"unknown check type 'freshnes'"),
    ("- type: metric_change\n        kwargs: {metric: mean, max_relative_change: 1}", r"metric 'mean' needs a column"),
    ("- expectation: expect_column_values_to_not_be_null\n        kwargs: {column: a}\n        severity: fatal",
     r"severity must be blocking or warning"),
])
def test_config_errors_name_file_suite_and_entry(tmp_path, entry, expected):
    path = _write(tmp_path, f"suites:\n  - name: t\n    table: raw.t\n    expectations:\n      {entry}\n")
    with pytest.raises(SuiteConfigError, match=expected):
        load_suites([path])


def test_clean_employees_pass_the_project_suite(con):
    _employees(con)
    result = run_suite(con, _suite("raw.hris__employees"), "run-1", reference_date=TODAY)
    assert result.success and not result.warnings, [o.message for o in result.outcomes if not o.success]
    assert result.rows_validated == 30 and not result.skipped
    assert all(not o.skipped for o in result.outcomes)
    assert result.gx_result and result.gx_result["success"] is True
    json.dumps(result.to_dict())  # serialisable for Dagster metadata


def test_exit_before_hire_fails_blocking_with_masked_sample_rows(con):
    _employees(con, swapped=10, bad_emails=5)
    result = run_suite(con, _suite("raw.hris__employees"), "run-1", reference_date=TODAY)
    assert not result.success
    [blocking] = result.blocking_failures
    assert blocking.expectation == "expect_column_pair_values_a_to_be_greater_than_b"
    assert blocking.severity == "blocking" and blocking.unexpected_count == 10
    assert len(blocking.sample_rows) == 5
    assert {r["employee_id"] for r in blocking.sample_rows} <= {f"E{i:03d}" for i in range(10)}
    assert set(blocking.sample_rows[0]) == {"employee_id", "termination_date", "hire_date"}
    assert "10 of" in blocking.message and "E000" in blocking.message
    email = next(o for o in result.warnings if o.column == "email")
    assert email.unexpected_count == 5 and all(r["email"] == "***" for r in email.sample_rows)
    dumped = json.dumps(result.to_dict())
    assert not any(n in dumped for n in NAMES) and not any(e in dumped for e in EMAILS)
    assert "broken-address" not in dumped  # failing email values masked in messages and in GX's result


def test_missing_table_skips_the_suite(con):
    result = run_suite(con, _suite("raw.im__messages"), "run-1", reference_date=TODAY)
    assert result.skipped and result.success and "does not exist" in result.skipped_reason
    assert result.outcomes and all(o.skipped for o in result.outcomes)


def test_metric_change_passes_first_run_and_flags_a_jump(tmp_path, con):
    _employees(con)
    path = _write(tmp_path, """suites:
  - name: volume
    table: raw.hris__employees
    expectations:
      - type: metric_change
        kwargs: {metric: row_count, max_relative_change: 0.2}
      - type: metric_change
        kwargs: {metric: null_share, column: termination_date, max_relative_change: 0.4}
        severity: blocking
""")
    [suite] = load_suites([path])
    first = run_suite(con, suite, "run-1", reference_date=TODAY)
    assert first.success and not first.warnings and "no history" in first.outcomes[0].message
    rerun = run_suite(con, suite, "run-1", reference_date=TODAY)  # same run: replaces, compares with nothing
    assert "no history" in rerun.outcomes[0].message
    con.execute("insert into raw.hris__employees select * replace ('X' || employee_id as employee_id, "
                "null as termination_date) from raw.hris__employees")
    second = run_suite(con, suite, "run-2", reference_date=TODAY)
    assert [o.expectation for o in second.warnings] == ["metric_change"]
    assert second.warnings[0].observed_value == {"value": 60.0, "previous": 30.0, "relative_change": 1.0}
    assert second.blocking_failures[0].column == "termination_date"  # null share 0.5 -> 0.75
    history = con.execute('select run_id, metric, value from audit.quality_metrics order by run_id, metric').fetchall()
    assert history == [("run-1", "null_share(termination_date)", 0.5), ("run-1", "row_count", 30.0),
                       ("run-2", "null_share(termination_date)", 0.75), ("run-2", "row_count", 60.0)]


def test_freshness_warns_on_old_data(con):
    _employees(con)
    result = run_suite(con, _suite("raw.hris__employees"), "run-1", reference_date=TODAY + dt.timedelta(days=10))
    [warning] = result.warnings
    assert warning.expectation == "freshness" and warning.severity == "warning"
    assert "10 day(s)" in warning.message and result.success  # a warning does not block


def test_latest_load_scope_and_relationship_samples(tmp_path, con):
    _employees(con)
    con.execute("update raw.hris__employees set _batch_id = 'old' where employee_id < 'E010'")
    con.execute("create table raw.ingestion_files (batch_id varchar, entity varchar, status varchar, "
                "rows_loaded bigint, run_id varchar, finished_at timestamp with time zone)")
    con.execute("insert into raw.ingestion_files values ('old', 'hris__employees', 'loaded', 10, 'r0', "
                "'2026-01-01'), ('b1', 'hris__employees', 'loaded', 20, 'r1', '2026-02-01')")
    con.execute("create table raw.hris__job_history as select employee_id, hire_date as effective_date, "
                "'hire' as change_reason, 1000.0 as base_salary, 'b' as _batch_id, current_timestamp as _loaded_at "
                "from raw.hris__employees")
    con.execute("insert into raw.hris__job_history values ('GHOST1', '2024-01-01', 'hire', 1.0, 'b', now())")
    path = _write(tmp_path, """suites:
  - table: raw.hris__employees
    scope: latest_load
    expectations: [{expectation: expect_table_row_count_to_be_between, kwargs: {min_value: 1}}]
  - table: raw.hris__job_history
    key_columns: [employee_id, effective_date]
    expectations:
      - type: relationship
        kwargs: {column: employee_id, to: raw.hris__employees, field: employee_id}
        severity: blocking
""")
    employees, history = load_suites([path])
    assert run_suite(con, employees, "r").rows_validated == 20
    result = run_suite(con, history, "r")
    [orphans] = result.blocking_failures
    assert orphans.unexpected_count == 1
    assert orphans.sample_rows == [{"employee_id": "GHOST1", "effective_date": "2024-01-01"}]


def test_data_docs_written_offline_and_masked(tmp_path, con):
    _employees(con, swapped=10, bad_emails=5)
    results = [run_suite(con, _suite("raw.hris__employees"), "run-1", reference_date=TODAY),
               run_suite(con, _suite("raw.im__messages"), "run-1", reference_date=TODAY)]
    index = render_data_docs(results, tmp_path / "docs")
    assert index == tmp_path / "docs" / "index.html"
    text = index.read_text(encoding="utf-8")
    assert "raw.hris__employees" in text and "raw.im__messages" in text and "blocking" in text
    pages = list((tmp_path / "docs").rglob("*.html"))
    assert any("validations" in p.parts for p in pages)
    assert re.search(r'href="gx/validations/[^"]+\.html"', text)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html), page
        assert not any(e in html for e in EMAILS) and "broken-address" not in html, page


def test_repeated_runs_in_one_process_are_stable(tmp_path, con):
    _employees(con, swapped=10)
    suite = _suite("raw.hris__employees")
    runs = [run_suite(con, suite, f"run-{i}", reference_date=TODAY) for i in range(3)]
    assert [len(r.blocking_failures) for r in runs] == [1, 1, 1]
    assert [o.success for o in runs[0].outcomes] == [o.success for o in runs[2].outcomes]
    for _ in range(2):  # the same folder twice: GX's site builder and our index overwrite cleanly
        assert render_data_docs(runs, tmp_path / "docs").exists()


def test_results_round_trip_through_json_and_missing_columns_fail(tmp_path, con):
    from expectations.results import suite_result_from_dict

    _employees(con, swapped=10)
    con.execute("alter table raw.hris__employees drop column phone")
    result = run_suite(con, _suite("raw.hris__employees"), "run-1", reference_date=TODAY)
    phone = next(o for o in result.outcomes if o.column == "phone")
    assert not phone.success and "phone" in phone.message and phone.severity == "warning"
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", o.name) for o in result.outcomes)  # usable as Dagster names
    again = suite_result_from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result and len(again.blocking_failures) == 1


def test_incremental_docs_keep_one_page_per_suite(tmp_path, con):
    from expectations.docs import render_incremental

    _employees(con, swapped=10)
    suite = _suite("raw.hris__employees")
    for run in ("run-1", "run-2"):
        result = run_suite(con, suite, run, reference_date=TODAY)
        index = render_incremental(result, [result], tmp_path / "docs")
    pages = list((tmp_path / "docs" / "gx" / "validations").rglob("*.html"))
    assert len(pages) == 1 and "run-2" in pages[0].as_posix()
    assert pages[0].relative_to(tmp_path / "docs").as_posix() in index.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ one home per rule
DBT_MODELS = Path(__file__).resolve().parents[1] / "dbt_project" / "models"
# Structural rule kinds: their home is dbt YAML (expectations/README.md, "Which kind of rule goes where").
STRUCTURAL = {"expect_column_values_to_be_unique": "unique", "expect_compound_columns_to_be_unique": "unique",
              "expect_select_column_values_to_be_unique_within_record": "unique",
              "expect_column_values_to_not_be_null": "not_null", "relationship": "relationship",
              "expect_column_values_to_be_in_set": "accepted_values",
              "expect_column_distinct_values_to_be_in_set": "accepted_values",
              # simple ranges and comparisons within a row (dbt: no_rows_where)
              "expect_column_values_to_be_between": "range",
              "expect_column_pair_values_a_to_be_greater_than_b": "range"}
DBT_KINDS = {"unique": "unique", "unique_combination": "unique", "not_null": "not_null",
             "relationships": "relationship", "accepted_values": "accepted_values"}


def _test_kind(test) -> tuple[str, dict]:
    if isinstance(test, str):
        return test, {}
    [(kind, spec)] = test.items()
    return kind, spec or {}


def dbt_rules(models_dir: Path = DBT_MODELS) -> tuple[set[str], set[tuple[str, str, tuple[str, ...]]]]:
    """The relations dbt knows (models as main.<name>, sources as <schema>.<table>) and the structural rules its
    YAML states on them: (relation, kind, columns)."""
    relations, rules = set(), set()

    def add(relation: str, entry: dict) -> None:
        relations.add(relation)
        for test in entry.get("data_tests") or []:
            kind, spec = _test_kind(test)
            columns = (spec.get("arguments") or spec).get("columns") or []
            if kind == "not_null_columns":  # the model's not-null rule, one scan for all its columns
                rules.update((relation, "not_null", (column,)) for column in columns)
            elif kind == "primary_key":  # unique and not-null key, and not-null columns, in one scan
                arguments = spec.get("arguments") or spec
                rules.add((relation, "unique", (arguments["key"],)))
                rules.update((relation, "not_null", (column,)) for column in [arguments["key"],
                                                                             *arguments.get("not_null", [])])
            elif kind in DBT_KINDS:
                rules.add((relation, DBT_KINDS[kind], tuple(columns)))
        for column in entry.get("columns") or []:
            for test in column.get("data_tests") or []:
                kind, _ = _test_kind(test)
                if kind in DBT_KINDS:
                    rules.add((relation, DBT_KINDS[kind], (column["name"],)))

    for path in models_dir.rglob("*.yml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in spec.get("models") or []:
            schema = "restricted" if "restricted" in path.parts else "main"
            add(f"{schema}.{model['name']}", model)
        for source in spec.get("sources") or []:
            for table in source.get("tables") or []:
                add(f"{source.get('schema', source['name'])}.{table['name']}", table)
    return relations, rules


def _gx_rule(suite, check) -> tuple[str, str, tuple[str, ...]]:
    kind = STRUCTURAL.get(check.kind, check.name or check.kind)
    return suite.table, kind, tuple(check.columns)


def one_home_violations(suites, relations, rules) -> list[str]:
    """Structural rules stated in a suite on a dbt model or source, and rules stated twice."""
    problems, seen = [], {}
    for suite in suites:
        for check in suite.checks:
            rule = _gx_rule(suite, check)
            where = f"{suite.source_file.name}: {suite.table} {check.name}"
            tolerated = 0 < float(check.kwargs.get("mostly", 1)) < 1  # a share: dbt tests cannot state it
            if suite.table in relations and check.kind in STRUCTURAL and not tolerated:
                problems.append(f"{where}: a structural rule; state it as a dbt test")
            if rule[1] != "range" and rule in rules:
                problems.append(f"{where}: also a dbt test")
            key = (*rule, check.kwargs.get("where") or suite.where, suite.scope)
            if key in seen and rule[1] != "metric_change":
                problems.append(f"{where}: stated twice (also {seen[key]})")
            seen.setdefault(key, where)
    return problems


def test_every_rule_has_one_home():
    """Structural rules (unique, not null, relationships, value sets, ranges) live in dbt YAML; the suites keep
    what dbt cannot say; nothing is stated twice."""
    relations, rules = dbt_rules()
    assert {"main.dim_person", "raw.hris__employees", "ml.attrition_scores"} <= relations
    assert ("raw.hris__employees", "not_null", ("hire_date",)) in rules  # generated from the contracts
    assert ("ml.attrition_scores", "unique", ("person_key", "snapshot_date")) in rules
    assert ("main.dim_person", "not_null", ("person_key",)) in rules  # folded into not_null_columns
    assert one_home_violations(load_suites(), relations, rules) == []


def test_a_structural_rule_in_a_suite_or_a_rule_stated_twice_is_found(tmp_path):
    path = _write(tmp_path, """suites:
  - table: main.dim_person
    expectations:
      - expectation: expect_column_values_to_be_unique
        kwargs: {column: person_key}
        severity: blocking
      - expectation: expect_column_values_to_be_between
        kwargs: {column: total_tenure_days, min_value: 0}
        severity: blocking
      - expectation: expect_column_values_to_not_be_null
        kwargs: {column: first_hire_date, mostly: 0.9}
      - expectation: expect_column_values_to_not_be_null
        kwargs: {column: first_hire_date, mostly: 0.9}
  - table: ml.attrition_scores
    expectations:
      - type: relationship
        kwargs: {column: person_key, to: main.dim_person, field: person_key}
  - table: main.not_a_dbt_model
    expectations:
      - expectation: expect_column_values_to_be_unique
        kwargs: {column: id}
""")
    problems = "\n".join(one_home_violations(load_suites([path]), *dbt_rules()))
    assert "main.dim_person column_values_to_be_unique__person_key: a structural rule" in problems
    assert "main.dim_person column_values_to_be_unique__person_key: also a dbt test" in problems
    assert "total_tenure_days: a structural rule" in problems
    assert re.search(r"first_hire_date\S*: stated twice", problems)
    assert not re.search(r"first_hire_date\S*: a structural rule", problems)  # a tolerated share stays an expectation
    assert "ml.attrition_scores relationship__person_key: a structural rule" in problems
    assert "not_a_dbt_model" not in problems
