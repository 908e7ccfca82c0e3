"""The retention policy: validated before anything is deleted, and enforced through the erasure mechanism.

A malformed policy names its line. On a copy of the first night, a policy that keeps candidates one month and
punches one day: the punches go at once; the candidates go once a build has listed them due (privacy.retention_due)
— crosswalk, raw, receipts, their record ids suppressed but not their identifiers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import copy_first_night

from ingestion.contracts import load_contracts
from ingestion.mapping import load_mapping
from operations.audit_log import audit_key
from privacy.retention import DEFAULT_POLICY, RetentionError, due_people, enforce, load_policy, write_due


def test_the_built_in_policy_loads_and_names_the_im_text_rule():
    policy = load_policy(None, load_contracts())
    assert policy.text_days("im__messages") == 30
    assert {r.rule for r in policy.people} == {"candidates_never_hired", "alumni_without_rehire_consent"}


@pytest.mark.parametrize("edit, message", [
    (("lifecycle_stage: [alumnus]", "lifecycle_stage: [alumni]"), "line 31: lifecycle_stage must list some of"),
    (("    months: 36\n    unless", "    months: -1\n    unless"), "line 31: months must be a whole number"),
    (("entity: attendance__punches", "entity: attendance__clockins"), "line 39: entity 'attendance__clockins'"),
    (("date_column: punched_at", "date_column: employee_id"), "line 39: date_column must be a date"),
    (("people:\n", "people:\n  - [oops\n"), "line 24: not valid YAML"),
])
def test_a_malformed_policy_names_the_line(tmp_path: Path, edit, message):
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "retention.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(RetentionError, match=message.replace("[", r"\[")):
        load_policy(path, load_contracts())


def test_due_people_are_erased_and_old_rows_deleted(first_night, tmp_path: Path):
    settings = copy_first_night(first_night, tmp_path)
    policy_path = tmp_path / "policy.yaml"
    policy_path.write_text("""
people:
  - rule: short_candidates
    lifecycle_stage: [prospect, candidate]
    after: last_activity
    months: 1
rows:
  - rule: short_punches
    entity: attendance__punches
    date_column: punched_at
    days: 1
""", encoding="utf-8")
    contracts = load_contracts()
    policy = load_policy(policy_path, contracts)
    con = duckdb.connect(str(settings.warehouse))
    try:
        candidates = {r[0] for r in con.execute("select person_key from main.dim_person "
                                                "where lifecycle_stage in ('prospect', 'candidate')").fetchall()}
        key = settings.pii_key()
        as_of = dt.date(2026, 12, 1)
        first = enforce(con, policy, contracts, load_mapping(None, contracts), settings.landing, key,
                        audit_key(key), as_of, "before-any-list")
        write_due(con, due_people(con, policy, as_of), as_of)  # what the build's retention_due asset writes
        removed = enforce(con, policy, contracts, load_mapping(None, contracts), settings.landing, key,
                          audit_key(key), as_of, "test-run")
        left = con.execute("select count(*) from identity.person_crosswalk where person_key in "
                           "(select unnest(?::varchar[]))", [sorted(candidates)]).fetchone()[0]
        punches = con.execute("select count(*) from raw.attendance__punches").fetchone()[0]
        receipts = con.execute("select kind, persons from privacy.erasures").fetchall()
        kinds = {r[0] for r in con.execute("select distinct kind from privacy.suppressions").fetchall()}
        audit = con.execute("select count(*) from audit.events where kind = 'retention_purged'").fetchone()[0]
        still_due = con.execute("select count(*) from privacy.retention_due").fetchone()[0]
    finally:
        con.close()
    assert first == {"short_candidates": 0, "short_punches": 2}  # rows at once; people once a build listed them
    assert candidates and removed == {"short_candidates": len(candidates), "short_punches": 0}
    assert left == 0 and punches == 0
    assert receipts == [("retention:short_candidates", len(candidates))]
    assert kinds and not kinds & {"email", "phone", "national_id"}  # record ids only: a new record may return
    assert audit == 2 and still_due == 0
