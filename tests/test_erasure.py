"""`trm erase`: a person leaves every layer, in every format and encoding, and never comes back.

On a copy of the first night (the hand-written landing folder: GB18030 CSV, XLSX, Slack JSON with exploded
channel members, WeCom NDJSON, Parquet punches), two people are erased: Amy Tan (Slack user U1: users.json, a
channel's member list, a message) by email, republished by the nightly job, and 张伟 (HRIS employee E001, his
punches in Parquet) by a phone number written another way, without a run (the publications purged in place). A byte-level scan of every file under TRM_HOME (landing, the compacted warehouse, both
publications, Dagster's storage) then finds none of their identifiers, which the same scan found before. The
next export that still holds 张伟 is dropped at load and counted; unknown people and dry runs change nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import copy_first_night

from cli.erase import erase

ZHANG = {"name": "张伟", "email": "zhang.wei@corp.cn", "phone": "13800138000", "national_id": "110101199003071234"}
AMY = {"name": "Amy Tan", "email": "amy.tan@corp.com", "phone": "8123 4567"}


def _args(**given) -> argparse.Namespace:
    values = {"person_key": None, "email": None, "phone": None, "national_id": None, "reason": "ticket 42",
              "dry_run": False, "wait": 0.0, "no_run": False}
    return argparse.Namespace(**(values | given))


def _needles(person: dict[str, str]) -> dict[bytes, str]:
    """The byte strings a scan looks for: each identifier in UTF-8, GB18030 and UTF-16 (DuckDB and Excel)."""
    found = {}
    for kind, value in person.items():
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            found[value.encode(encoding)] = f"{kind} ({encoding})"
    return found


def _scan(home: Path, person: dict[str, str]) -> list[str]:
    needles = _needles(person)
    hits = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits += [f"{path.relative_to(home)}: {what}" for needle, what in needles.items() if needle in data]
    return hits


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def erased(first_night, tmp_path_factory):
    settings = copy_first_night(first_night, tmp_path_factory.mktemp("erasure"))
    before = {"zhang": _scan(settings.home, ZHANG), "amy": _scan(settings.home, AMY)}
    original_employees = (settings.landing / "hris" / "employees.csv").read_bytes()
    # Amy first, republished by the nightly job; then 张伟 without a run (he is the company's only current
    # employee: the gate would rightly refuse a warehouse without one), so the publications are purged in place.
    with pytest.MonkeyPatch.context() as mp:  # the republishing run's history goes to this home, as `trm` does
        mp.setenv("DAGSTER_HOME", str(settings.dagster_home))
        statuses = {"amy": erase(_args(email="AMY.TAN@corp.com"), settings),
                    "zhang": erase(_args(phone="+86 138-0013-8000", no_run=True), settings)}
    after = {"zhang": _scan(settings.home, ZHANG), "amy": _scan(settings.home, AMY)}
    return {"settings": settings, "before": before, "after": after, "statuses": statuses,
            "original_employees": original_employees}


def test_erasure_leaves_no_identifier_in_any_file(erased):
    assert erased["statuses"] == {"amy": 0, "zhang": 0}
    # The scan is worth something: before the erasure it found them in landing and in the working warehouse.
    assert any(h.startswith("landing/") for h in erased["before"]["zhang"]), erased["before"]["zhang"]
    assert any(h.startswith("landing/") for h in erased["before"]["amy"]), erased["before"]["amy"]
    assert erased["after"] == {"zhang": [], "amy": []}


def test_erasure_keeps_everyone_else_and_the_files_readable(erased):
    settings = erased["settings"]
    employees = (settings.landing / "hris" / "employees.csv").read_bytes().decode("gb18030")
    assert "E001" not in employees and "李娜" in employees and employees.startswith("工号,姓名")
    users = (settings.landing / "im" / "slack" / "users.json").read_text(encoding="utf-8")
    channels = (settings.landing / "im" / "slack" / "channels.json").read_text(encoding="utf-8")
    assert '"U1"' not in users and '"U2"' in users
    assert '"U1"' not in channels and '"U2"' in channels and "eng-platform" in channels  # the channel stays
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        raw = con.execute("select (select count(*) from raw.hris__employees where employee_id = 'E001'), "
                          "(select count(*) from raw.hris__employees where employee_id = 'E002'), "
                          "(select count(*) from raw.attendance__punches), "
                          "(select count(*) from raw.im__channel_members where account_id = 'U2'), "
                          "(select count(*) from raw.im__messages where sender_account_id = 'U1')").fetchone()
        receipts = con.execute("select count(*), sum(persons) from privacy.erasures where kind = 'request'").fetchone()
        retired = con.execute("select count(*) from identity.retired_keys").fetchone()[0]
        in_crosswalk = con.execute("select count(*) from identity.person_crosswalk where person_key in "
                                   "(select person_key from identity.retired_keys)").fetchone()[0]
        audit = con.execute("select count(*) from audit.events where kind = 'erased'").fetchone()[0]
        # The ledger knows the rewritten files: the next run finds them unchanged instead of loading them again.
        unchanged = con.execute("select count(*) from raw.ingestion_files where source_file = 'hris/employees.csv' "
                                "and status = 'loaded' and content_hash = ?",
                                [_digest(settings.landing / "hris" / "employees.csv")]).fetchone()[0]
    finally:
        con.close()
    assert raw == (0, 1, 0, 1, 0)
    assert receipts == (2, 2) and retired == 2 and in_crosswalk == 0 and audit == 2
    assert unchanged == 1


def test_an_erased_person_in_a_new_export_is_dropped_and_counted(erased, tmp_path):
    from ingestion.contracts import load_contracts
    from ingestion.loader import load_entity
    from ingestion.mapping import load_mapping

    settings = erased["settings"]
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.warehouse, warehouse)
    landing = tmp_path / "landing"
    (landing / "hris").mkdir(parents=True)
    (landing / "hris" / "employees_2026-12-07.csv").write_bytes(erased["original_employees"])  # still holds him
    contracts = load_contracts()
    con = duckdb.connect(str(warehouse))
    try:
        load_entity(con, contracts["hris__employees"], load_mapping(None, contracts), landing,
                    settings.pii_key(), "next-night")
        zhang = con.execute("select count(*) from raw.hris__employees where employee_id = 'E001'").fetchone()[0]
        ledger = con.execute("select rows_read, rows_loaded, rows_quarantined, rows_suppressed "
                             "from raw.ingestion_files where source_file like 'hris/employees_2026%'").fetchone()
    finally:
        con.close()
    assert zhang == 0
    rows_read, rows_loaded, rows_quarantined, rows_suppressed = ledger
    assert rows_suppressed == 1 and rows_read == rows_loaded + rows_quarantined + rows_suppressed


def test_unknown_people_and_dry_runs_change_nothing(erased, capsys):
    settings = erased["settings"]
    before = _digest(settings.warehouse)
    assert erase(_args(email="nobody@corp.cn"), settings) == 2
    assert "no person found" in capsys.readouterr().err
    assert erase(_args(email="li.na@corp.cn", dry_run=True), settings) == 0
    out = capsys.readouterr().out
    assert "would remove" in out and "Dry run: nothing was changed." in out
    assert "李娜" not in out and "li.na@corp.cn" not in out  # the plan names counts and files, not the person
    assert _digest(settings.warehouse) == before


def test_an_erased_key_is_never_issued_again(monkeypatch):
    import numpy as np

    from ml.identity import keys as key_module

    drawn = iter(["Perased", "Pfresh1", "Perased", "Pfresh2"])  # the generator comes up with the erased key
    monkeypatch.setattr(key_module, "new_key", lambda: next(drawn))
    keys, _ = key_module.assign_keys(np.array(["a", "b"]), np.array([0, 1]), None, {"Perased"})
    assert sorted(keys) == ["Pfresh1", "Pfresh2"]


def test_landing_rows_go_by_the_readers_row_numbers_in_every_layout(tmp_path):
    """The rewriter drops the row the reader numbered: a CSV record spanning lines (GB18030, BOM kept), a row of a
    named sheet below empty rows, nothing else."""
    import openpyxl

    from ingestion.readers import read_csv, read_xlsx
    from privacy.landing_files import FileEdit, commit, prepare

    csv_text = '\ufeff工号,备注\nE1,"第一行\n第二行"\nE2,普通\nE3,"含,逗号"\n'
    (tmp_path / "a.csv").write_bytes(csv_text.encode("gb18030"))
    read = read_csv(tmp_path / "a.csv")
    row = int(read.frame.loc[read.frame["工号"] == "E1", "_row_number"].iloc[0])
    book = openpyxl.Workbook()
    book.active.title = "cover"
    sheet = book.create_sheet("data")
    for cell, value in {"A3": "id", "A4": "E1", "A5": "E2", "A6": "E3"}.items():
        sheet[cell] = value
    book.save(tmp_path / "b.xlsx")
    sheet_row = int(read_xlsx(tmp_path / "b.xlsx", "data").frame.query("id == 'E2'")["_row_number"].iloc[0])
    done = [prepare(tmp_path, FileEdit("a.csv", rows={row})),
            prepare(tmp_path, FileEdit("b.xlsx", rows={sheet_row}, sheet="data"))]
    commit(tmp_path, done)
    after = read_csv(tmp_path / "a.csv")
    assert after.frame["工号"].tolist() == ["E2", "E3"] and after.frame["备注"].tolist() == ["普通", "含,逗号"]
    assert (tmp_path / "a.csv").read_bytes().startswith("\ufeff".encode("gb18030"))
    assert read_xlsx(tmp_path / "b.xlsx", "data").frame["id"].tolist() == ["E1", "E3"]
    assert [d.rows_removed for d in done] == [1, 1]


def test_leftovers_of_an_interrupted_rewrite_are_removed(tmp_path):
    """A run killed between rewriting a landing file and renaming it leaves `.<name>.erasure.tmp` beside the
    original; the next erasure removes it (the original is what the warehouse knows)."""
    from privacy.landing_files import remove_leftovers

    (tmp_path / "ats").mkdir()
    (tmp_path / "ats" / "candidates.csv").write_text("candidate_id\nC1\n")
    (tmp_path / "ats" / ".candidates.csv.erasure.tmp").write_text("candidate_id\n")
    assert remove_leftovers(tmp_path) == 1
    assert sorted(p.name for p in (tmp_path / "ats").iterdir()) == ["candidates.csv"]


def test_xlsx_rewrite_keeps_values_and_dates(tmp_path):
    """The sheet is written again without the erased rows: the other rows keep their values and date cells."""
    import datetime as dt

    from openpyxl import Workbook, load_workbook

    from privacy.landing_files import FileEdit, prepare

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["id", "day", "n"])
    for i in range(1, 7):
        sheet.append([f"E{i}", dt.date(2026, 1, i), i])
    book.save(tmp_path / "b.xlsx")
    rewritten = prepare(tmp_path, FileEdit("b.xlsx", rows={3, 5}, sheet="data"))
    assert rewritten.rows_removed == 2
    rows = list(load_workbook(rewritten.temporary.rename(tmp_path / "c.xlsx"))["data"].iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["id", "E1", "E3", "E5", "E6"]
    assert rows[1][1] == dt.datetime(2026, 1, 1) and rows[4][2] == 6


def test_receipts_table_of_an_earlier_version_gains_its_columns(tmp_path):
    """A warehouse whose privacy.erasures predates the kind/persons/run_id columns still takes receipts."""
    import duckdb

    from privacy.erasure import RECEIPTS, ensure_receipts_table

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema privacy")
    con.execute(f"create table {RECEIPTS} (erasure_id varchar primary key, erased_at timestamptz, "
                "person_key varchar, reason varchar, receipt json)")
    ensure_receipts_table(con)
    con.execute(f"insert into {RECEIPTS} (erasure_id, erased_at, kind, persons, reason, receipt, run_id) "
                "values ('e1', now(), 'request', 1, 'r', '{}', 'run')")
    assert con.execute(f"select kind, persons, run_id from {RECEIPTS}").fetchall() == [("request", 1, "run")]
