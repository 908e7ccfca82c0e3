"""The privacy gate of published marts (expectations/privacy/) on small hand-made DuckDB databases: identifier
columns, identifier values (emails, phones, checksum-valid national IDs, known names), small groups."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from expectations.privacy import (
    KnownIdentifiers,
    classify_column_name,
    dbt_group_size_columns,
    mart_model_names,
    mask_email,
    mask_phone,
    national_id_is_valid,
    scan_privacy,
)

EMAILS = [f"zhang.wei{i}@corp-example.com" for i in range(10)]
PHONES = [f"+86 138 0013 80{i:02d}" for i in range(10)]
NAMES = ["张伟", "Wei Zhang", "李娜", "Na Li", "王芳"]


def id_number(base17: str) -> str:
    """Independent ISO 7064 MOD 11-2 check digit (weights 2^(18-i) mod 11), not the module's own."""
    total = sum(int(d) * pow(2, 18 - i, 11) for i, d in enumerate(base17, start=1))
    return base17 + "10X98765432"[total % 11]


VALID_IDS = [id_number(f"110101199003{10 + i}{i:02d}1") for i in range(10)]  # region, birth date, sequence
# Same shape (region, date, sequence) but a wrong check digit.
INVALID_IDS = [v[:17] + ("0" if v[17] != "0" else "1") for v in VALID_IDS]


def key(i: int, prefix: str = "P") -> str:
    # Hex surrogates like the real person_key: some contain 11+ consecutive decimal digits.
    return prefix + hashlib.md5(str(i).encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("privacy") / "published.duckdb"
    con = duckdb.connect(str(path))
    rows = [(key(i), f"D{i % 4}", float(i)) for i in range(300)]
    con.execute("create table fct_clean (person_key varchar, department_id varchar, hours double)")
    con.executemany("insert into fct_clean values (?, ?, ?)", rows)
    con.execute("create table fct_contacts as select person_key, person_key || '@x.example' as email from fct_clean")
    texts = ([f"please contact {e} today" for e in EMAILS] + [f"call {p} after 6pm" for p in PHONES]
             + [f"id {v} on file" for v in VALID_IDS] + [f"note {i}" for i in range(170)])
    con.execute("create table fct_notes (note_id varchar, note varchar)")
    con.executemany("insert into fct_notes values (?, ?)", [(key(i, "N"), t) for i, t in enumerate(texts)])
    con.execute("create table fct_invalid_ids (row_id varchar, reference varchar)")
    con.executemany("insert into fct_invalid_ids values (?, ?)", [(key(i, "R"), v) for i, v in enumerate(INVALID_IDS)])
    # A name column leaking one person's name in 5 rows, and a label column with one accidental match.
    con.execute("create table rpt_owners (owner_key varchar, owner_label varchar)")
    con.executemany("insert into rpt_owners values (?, ?)",
                    [(key(i), "Wei Zhang" if i < 5 else f"team {i % 7}") for i in range(200)])
    con.execute("create table dim_site (site_id varchar, site_label varchar)")
    con.executemany("insert into dim_site values (?, ?)",
                    [(f"S{i}", "王芳" if i == 0 else f"site {i}") for i in range(200)])
    # Survey aggregates: a team of 3 respondents shown, the same row suppressed, a comment count under 10.
    for table, row in (("rpt_scores_leaky", "('T1', 3, 4.2, false)"),
                       ("rpt_scores_suppressed", "('T1', null, null, true)"),
                       ("rpt_scores_count_shown", "('T1', 3, null, true)")):
        con.execute(f"create table {table} (team_id varchar, respondents bigint, mean_score double, "
                    "is_suppressed boolean)")
        con.execute(f"insert into {table} values ('T0', 12, 3.9, false), {row}")
    con.execute("create table rpt_journey (team_id varchar, respondents bigint, mean_score double, "
                "comment_count bigint, is_suppressed boolean)")
    con.execute("insert into rpt_journey values ('T0', 12, 3.9, 4, false), ('T1', 7, 4.0, 2, false)")
    # No declaration and no is_suppressed: the name heuristics must find `members`.
    con.execute("create table rpt_team_risk (team_id varchar, horizon_months integer, members bigint, "
                "mean_risk_score double)")
    con.execute("insert into rpt_team_risk values ('T0', 6, 9, 0.2), ('T1', 6, 2, 0.7)")
    con.execute("create table rpt_flagged_only (team_id varchar, avg_mood double, is_suppressed boolean)")
    con.execute("insert into rpt_flagged_only values ('T0', 0.1, false)")
    # A department headcount is not an aggregate of opinions: small departments are fine.
    con.execute("create table fct_headcount (department_id varchar, headcount bigint, hires bigint)")
    con.execute("insert into fct_headcount values ('D1', 2, 1)")
    # The dictionary sources (restricted + raw), as the pipeline has them.
    con.execute("create schema restricted")
    con.execute("create table restricted.restricted_person_identifiers (person_key varchar, full_name varchar, "
                "all_names varchar, email varchar, all_emails varchar, phone varchar, national_id_hash varchar)")
    con.execute("insert into restricted.restricted_person_identifiers values "
                "('P1', '张伟', 'Wei Zhang | 张伟', ?, ?, '+8613800138000', 'abc123'), "
                "('P2', '李娜', 'Na Li | 李娜', null, null, null, null), "
                "('P3', '王芳', '王芳', null, null, null, null), ('P4', '王', 'W', null, null, null, null)",
                [EMAILS[0], f"{EMAILS[0]}, {EMAILS[1]}"])
    con.execute("create schema raw")
    con.execute("create table raw.im__accounts (account_id varchar, display_name varchar, email varchar, "
                "phone varchar)")
    con.execute("insert into raw.im__accounts values ('U1', 'Fang Wang', 'fang@corp-example.com', '13900001111')")
    con.close()
    return path


@pytest.fixture(scope="module")
def con(db):
    con = duckdb.connect(str(db), read_only=True)  # the published file is read-only for the gate
    yield con
    con.close()


@pytest.fixture(scope="module")
def known(con) -> KnownIdentifiers:
    return KnownIdentifiers.from_warehouse(con)


def kinds(report, table: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in report.findings:
        if f.table == table:
            found.setdefault(f.kind, []).append(f)
    return found


def test_known_identifiers_from_restricted_and_raw_tables(known):
    assert {"张伟", "wei zhang", "zhang wei", "李娜", "na li", "fang wang", "wang fang"} <= known.names
    assert "王" not in known.names and "w" not in known.names  # shorter than 2 characters
    assert {EMAILS[0], EMAILS[1], "fang@corp-example.com"} <= known.emails
    assert {"13800138000", "13900001111"} <= known.phones
    assert not any(v.startswith("abc") for v in known.names | known.emails | known.phones)  # hashes left out
    empty = duckdb.connect()  # none of the source tables: no failure, nothing known
    assert KnownIdentifiers.from_warehouse(empty) == KnownIdentifiers()


def test_clean_pseudonymous_mart_passes(con, known):
    report = scan_privacy(con, ["fct_clean", "fct_headcount"], known_identifiers=known)
    assert report.passed and report.findings == [], report.to_markdown()
    assert report.tables_scanned == ["fct_clean", "fct_headcount"]


def test_email_column_blocks(con):
    report = scan_privacy(con, ["fct_contacts"])
    (finding,) = kinds(report, "fct_contacts")["identifier_column_name"]
    assert finding.column == "email" and finding.blocking and "drop or hash column email" in finding.message
    assert not report.passed


def test_identifier_values_in_free_text_block_with_masked_samples(con, known):
    report = scan_privacy(con, ["fct_notes"], known_identifiers=known)
    found = kinds(report, "fct_notes")
    for kind in ("email_values", "phone_values", "national_id_values"):
        (finding,) = found[kind]
        assert finding.blocking and finding.column == "note" and finding.count == 10
        assert finding.share == pytest.approx(10 / 200) and 1 <= len(finding.sample) <= 5  # distinct masks
    assert found["email_values"][0].sample[0] == "z***@***.com"
    assert all("****" in s for s in found["phone_values"][0].sample)
    text = report.to_markdown() + json.dumps(report.to_dict(), ensure_ascii=False)
    for raw in EMAILS + VALID_IDS + [p.replace(" ", "")[3:] for p in PHONES] + ["0013 80"]:
        assert raw not in text


def test_invalid_checksum_id_numbers_are_not_flagged(con):
    assert all(national_id_is_valid(v) for v in VALID_IDS)
    assert not any(national_id_is_valid(v) for v in INVALID_IDS)
    report = scan_privacy(con, ["fct_invalid_ids"])
    assert report.findings == [], report.to_markdown()


def test_known_names_block_but_one_accidental_match_does_not(con, known):
    report = scan_privacy(con, ["rpt_owners", "dim_site"], known_identifiers=known)
    (owners,) = kinds(report, "rpt_owners")["name_values"]
    assert owners.blocking and owners.count == 5 and owners.sample == ("W***",)
    (site,) = kinds(report, "dim_site")["name_values"]
    assert not site.blocking and site.count == 1 and site.sample == ("王***",)
    # A value the lead knows to be harmless is not matched at all.
    allowed = scan_privacy(con, ["dim_site"], known_identifiers=known, allow_values=["王芳"])
    assert allowed.findings == []


def test_small_group_shown_blocks_and_suppressed_row_passes(con):
    declared = {"rpt_scores_leaky": "respondents", "rpt_scores_suppressed": "respondents"}
    report = scan_privacy(con, list(declared), group_size_columns=declared)
    (leak,) = kinds(report, "rpt_scores_leaky")["small_group"]
    assert leak.blocking and leak.count == 1 and leak.sample == ("T1, respondents=3",)
    assert "suppress_small_groups" in leak.message and "fewer than 5" in leak.message
    assert "rpt_scores_suppressed" not in {f.table for f in report.findings}
    # Suppressed measures but the count itself still shown: "3 people" narrows them down.
    shown = scan_privacy(con, ["rpt_scores_count_shown"], group_size_columns={"rpt_scores_count_shown": "respondents"})
    assert [f.kind for f in shown.blocking] == ["small_group"]
    # The heuristics find `respondents` without a declaration, too.
    assert not scan_privacy(con, ["rpt_scores_leaky"]).passed
    assert scan_privacy(con, ["rpt_scores_leaky"], min_group_size=3).passed


def test_comment_counts_need_ten_and_heuristics_cover_undeclared_tables(con):
    report = scan_privacy(con, ["rpt_journey", "rpt_team_risk", "rpt_flagged_only"])
    (comments,) = kinds(report, "rpt_journey")["small_group"]
    assert comments.column == "comment_count" and comments.count == 1 and "fewer than 10" in comments.message
    (risk,) = kinds(report, "rpt_team_risk")["small_group"]  # horizon_months is a parameter, not a measure
    assert risk.column == "members" and risk.count == 1 and risk.blocking
    (flag_only,) = kinds(report, "rpt_flagged_only")["undeclared_aggregate"]
    assert not flag_only.blocking
    declared_out = scan_privacy(con, ["rpt_team_risk"], group_size_columns={"rpt_team_risk": None})
    assert declared_out.passed


def test_restricted_schema_and_missing_tables(con):
    report = scan_privacy(con, ["restricted.restricted_person_identifiers", "rpt_missing"])
    found = kinds(report, "restricted.restricted_person_identifiers")
    assert found["forbidden_schema"][0].blocking
    assert {f.column for f in found["identifier_column_name"]} >= {"full_name", "email", "phone",
                                                                    "national_id_hash"}
    assert kinds(report, "rpt_missing")["table_not_found"][0].blocking is False


def test_default_table_list_and_report_shapes(con):
    report = scan_privacy(con)
    assert "fct_clean" in report.tables_scanned and "restricted_person_identifiers" not in report.tables_scanned
    data = report.to_dict()
    assert data["passed"] is False and data["blocking"] == len(report.blocking)
    assert report.to_markdown().count("\n| BLOCK |") == len(report.blocking)
    assert con.execute("select count(*) from duckdb_views() where view_name like '_trm%'").fetchall() == [(0,)]


@pytest.mark.parametrize("column", ["email", "full_name", "name_pinyin", "mobile", "id_card", "身份证号", "姓名",
                                    "passport_no", "home_address", "birth_date", "manager_name", "name",
                                    "national_id_hash", "workEmail"])
def test_identifier_column_names(column):
    assert classify_column_name(column) is not None and classify_column_name(column)[1]


@pytest.mark.parametrize("column", ["department_name", "pool_name", "job_title", "survey_name", "person_key",
                                    "manager_person_key", "respondent_department_id", "is_key_position",
                                    "job_family", "nine_box_label"])
def test_safe_column_names(column):
    assert classify_column_name(column) is None


def test_ambiguous_names_warn_and_allow_list():
    assert classify_column_name("widget_name") == ("possible_name", False)
    assert classify_column_name("widget_name", allow=["widget_name"]) is None
    assert classify_column_name("employee_id") == ("source_id", False)


def test_masks():
    assert mask_email("zhang.wei@corp.com") == "z***@***.com"
    assert mask_phone("+86 138 0013 8000") == "138****8000"


def test_dbt_declarations_cover_the_suppressed_marts():
    declared = dbt_group_size_columns()
    assert declared["rpt_enps"] == "respondents" and declared["rpt_comment_topics"] == "comments"
    assert set(declared) <= set(mart_model_names())
