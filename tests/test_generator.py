"""Demo-company generator: determinism, contract/mapping conformance, realism and causal signals."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest

from demo_company.config import GeneratorConfig
from demo_company.generate import generate, generate_company
from ingestion.contracts import load_contracts
from ingestion.loader import load_entity
from ingestion.mapping import load_mapping

AS_OF = date(2026, 10, 31)
N = 250
GB18030_FILES = ["hris/employees.csv", "hris/contracts.csv", "attendance/leave_records.csv", "ats/event_signups.csv"]


def _gen(root: Path, seed: int = 7) -> dict[str, int]:
    return generate_company(root / "landing", employees=N, seed=seed, as_of=AS_OF, progress=False)


def _gen_single_process(root: Path) -> dict[str, int]:
    cfg = GeneratorConfig(employees=N, seed=7, as_of=AS_OF, progress=False, workers=1)
    return generate(cfg, root / "landing")


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("company")
    _gen(root)
    return root


def landing_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def parse_dates(s: pd.Series) -> pd.Series:
    """The date variants the generator writes: ISO, 2024/3/5, 2024年3月5日, Excel serial."""
    s = s.astype("string")
    iso = pd.to_datetime(s.str.replace("/", "-").str.replace("年", "-").str.replace("月", "-").str.replace("日", ""),
                         format="mixed", errors="coerce")
    serial = pd.to_numeric(s, errors="coerce")
    from_serial = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
    return iso.fillna(from_serial)


def read_zh(path: Path) -> pd.DataFrame:
    """A GB18030 export; exact duplicate rows (export dirt) dropped."""
    return pd.read_csv(path, encoding="gb18030", dtype=str, on_bad_lines="skip").drop_duplicates()


# ---------------------------------------------------------------------------------------- determinism
def test_same_inputs_give_byte_identical_files_and_seed_changes_them(company, tmp_path):
    """Also across execution modes: the fixture ran attendance/IM in a worker process, this run in-process."""
    again = tmp_path / "again"
    counts = _gen_single_process(again)
    assert counts["hris/employees.csv"] > N
    a, b = landing_files(company), landing_files(again)
    assert a == b
    assert any(f.endswith(".xlsx") for f in a)
    for rel in a:
        assert (company / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = tmp_path / "other"
    _gen(other, seed=8)
    assert (other / "landing/hris/employees.csv").read_bytes() != (company / "landing/hris/employees.csv").read_bytes()
    assert (other / "landing/ats/interviews.xlsx").read_bytes() != (company / "landing/ats/interviews.xlsx").read_bytes()


# ---------------------------------------------------------------------------------------- conformance
def test_every_mapped_landing_file_exists(company):
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    files = landing_files(company / "landing")
    for entity in contracts:
        for spec in mapping.specs.get(entity, ()):
            assert any(spec.matches(f) for f in files), (entity, spec.files)


def test_every_entity_loads_through_the_mapping_and_only_logged_rows_are_quarantined(company):
    """The real loader reads every file; what it quarantines is exactly what dirt_log.csv says was broken."""
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    con = duckdb.connect()
    for entity, contract in contracts.items():
        rep = load_entity(con, contract, mapping, company / "landing", b"k" * 32)
        assert not rep.failed, [(f.source_file, f.error) for f in rep.failed]
        assert rep.table_rows > 0, entity
        for f in rep.files:  # tabular exports carry only mapped columns (plus WeCom's department)
            if f.source_file.endswith((".csv", ".xlsx")):
                assert f.unmapped_columns in ([], ["部门"]), (f.source_file, f.unmapped_columns)
    quarantined = con.execute("select count(*) from raw.quarantine").fetchone()[0]
    log = pd.read_csv(company / "ground_truth/dirt_log.csv")
    broken = int((log["kind"] != "duplicate_row").sum())
    assert broken > 0
    assert quarantined == broken


def test_csv_and_xlsx_headers_match_mapping_or_contract(company):
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    land = company / "landing"
    for entity, contract in contracts.items():
        for spec in mapping.specs.get(entity, ()):
            for rel in landing_files(land):
                if not spec.matches(rel) or not rel.endswith((".csv", ".xlsx")):
                    continue
                if rel.endswith(".csv"):
                    enc = "gb18030" if rel in GB18030_FILES else "utf-8"
                    header = (land / rel).read_bytes().decode(enc).splitlines()[0].split(",")
                else:
                    ws = openpyxl.load_workbook(land / rel, read_only=True).active
                    header = [c.value for c in next(ws.iter_rows(max_row=1))]
                for col in contract.columns:
                    if col.name in spec.constants:
                        continue
                    sources = list(spec.sources_for(col.name))
                    assert any(s in header for s in sources), (rel, col.name, sources, header)


def test_gb18030_files_are_gb18030_not_utf8(company):
    for rel in GB18030_FILES:
        data = (company / "landing" / rel).read_bytes()
        text = data.decode("gb18030")
        assert re.search(r"[\u4e00-\u9fff]", text.splitlines()[0]), rel  # Chinese header
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_wecom_accounts_and_event_types_use_the_chinese_value_words(company):
    acc = pd.read_excel(company / "landing/im/wecom/accounts.xlsx", dtype=str)
    assert set(acc["状态"].dropna()) == {"已激活", "已禁用"}
    ev = read_zh(company / "landing/ats/event_signups.csv")
    assert set(ev["活动类型"].dropna()) <= {"校园宣讲", "技术沙龙", "招聘会", "线上直播", "开放日"}
    users = json.loads((company / "landing/im/slack/users.json").read_text(encoding="utf-8"))
    assert {"id", "name", "real_name", "deleted", "profile"} <= set(users[0])
    assert isinstance(users[0]["deleted"], bool) and "email" in users[0]["profile"]


# ---------------------------------------------------------------------------------------- realism
def test_turnover_and_applications_per_requisition_are_realistic(company):
    emp = read_zh(company / "landing/hris/employees.csv")
    hire, term = parse_dates(emp["入职日期"]), parse_dates(emp["离职日期"])
    vol = emp["是否主动离职"] == "true"
    y0, y1 = pd.Timestamp(AS_OF) - pd.Timedelta(days=365), pd.Timestamp(AS_OF)
    days = pd.date_range(y0, y1, freq="30D")
    headcount = np.mean([((hire <= d) & ~(term < d)).sum() for d in days])
    leavers = ((term > y0) & (term <= y1) & vol).sum()
    assert 0.08 <= leavers / headcount <= 0.25
    active = (hire <= y1) & term.isna()
    assert 0.85 * N <= active.sum() <= 1.15 * N
    apps = pd.read_csv(company / "landing/ats/applications.csv", dtype=str, on_bad_lines="skip")
    reqs = pd.read_csv(company / "landing/ats/requisitions.csv", dtype=str, on_bad_lines="skip")
    assert 30 <= len(apps) / len(reqs) <= 80


def test_hire_date_is_the_accepted_offers_start_date(company):
    land, truth = company / "landing", company / "ground_truth"
    offers = pd.read_excel(land / "ats/offers.xlsx", dtype=str)
    apps = pd.read_csv(land / "ats/applications.csv", dtype=str, on_bad_lines="skip")
    pr = pd.read_csv(truth / "person_records.csv", dtype=str)
    emp = read_zh(land / "hris/employees.csv")
    acc = offers[offers["status"] == "accepted"].merge(apps, left_on="application_id", right_on="application_id")
    acc = acc.merge(pr[pr["entity"] == "candidates"], left_on="candidate_id", right_on="record_id")
    emp = emp.merge(pr[pr["entity"] == "employees"], left_on="工号", right_on="record_id")
    emp["hire"] = parse_dates(emp["入职日期"]).dt.date.astype(str)
    acc["start"] = pd.to_datetime(acc["proposed_start_date"]).dt.date.astype(str)
    joined = acc.merge(emp, on="person_id")
    matched = joined[joined["hire"] == joined["start"]]["application_id"].nunique()
    assert len(acc) > 20
    assert matched >= 0.95 * acc["application_id"].nunique()


def test_ground_truth_covers_every_person_bearing_record(company):
    land, truth = company / "landing", company / "ground_truth"
    known = set(pd.read_csv(truth / "person_records.csv", dtype=str)["record_id"])
    ids = set()
    ids |= set(pd.read_csv(land / "ats/candidates.csv", dtype=str, on_bad_lines="skip")["candidate_id"].dropna())
    ids |= set(read_zh(land / "ats/event_signups.csv")["报名编号"].dropna())
    ids |= set(read_zh(land / "hris/employees.csv")["工号"].dropna())
    ids |= set(pd.read_excel(land / "im/wecom/accounts.xlsx", dtype=str)["账号"].dropna())
    ids |= {u["id"] for u in json.loads((land / "im/slack/users.json").read_text(encoding="utf-8"))}
    ids |= set(pd.read_csv(land / "surveys/responses.csv", dtype=str, on_bad_lines="skip")["respondent_id"].dropna())
    assert len(ids) > 1000
    assert ids - known == set()


def test_rehires_come_back_under_a_new_employee_id(company):
    truth = company / "ground_truth"
    ex = pd.read_csv(truth / "exits.csv", dtype=str)
    back = ex[ex["rehired_as_employee_id"].notna()]
    assert len(back) >= 1
    pr = pd.read_csv(truth / "person_records.csv", dtype=str)
    emp_person = pr[pr["entity"] == "employees"].set_index("record_id")["person_id"]
    assert (emp_person[back["rehired_as_employee_id"]].to_numpy() == back["person_id"].to_numpy()).all()
    assert (back["rehired_as_employee_id"] != back["employee_id"]).all()
    assert (back["voluntary"] == "true").all()
    jh = pd.read_csv(company / "landing/hris/job_history.csv", dtype=str, on_bad_lines="skip")
    assert set(back["rehired_as_employee_id"]) <= set(jh.loc[jh["change_reason"] == "rehire", "employee_id"])


def test_night_shift_punches_cross_midnight(company):
    land = company / "landing"
    sched = pd.read_csv(land / "attendance/shift_schedules.csv", dtype=str, on_bad_lines="skip")
    night = set(sched.loc[sched["shift_code"] == "NIGHT", "employee_id"])
    assert night
    p = pd.concat(pd.read_csv(f, dtype=str, on_bad_lines="skip") for f in sorted(land.glob("attendance/punches_*.csv")))
    p = p[p["employee_id"].isin(night)].copy()
    p["ts"] = pd.to_datetime(p["punched_at"].str.slice(0, 19), errors="coerce")
    p = p.dropna(subset=["ts"]).sort_values(["employee_id", "ts"])
    nxt = p.groupby("employee_id")["ts"].shift(-1)
    nxt_type = p.groupby("employee_id")["punch_type"].shift(-1)
    evening_in = (p["punch_type"] == "in") & (p["ts"].dt.hour >= 19) & (nxt_type == "out")
    crossing = evening_in & (nxt.dt.date > p["ts"].dt.date) & (nxt - p["ts"] < pd.Timedelta(hours=14))
    assert crossing.sum() >= 10
    assert p["punched_at"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$").mean() > 0.99


def test_some_leavers_keep_an_active_im_account(company):
    land = company / "landing"
    emp = read_zh(land / "hris/employees.csv")
    leavers = set(emp.loc[emp["离职日期"].notna(), "工号"])
    acc = pd.read_excel(land / "im/wecom/accounts.xlsx", dtype=str)
    active_leavers = acc[(acc["状态"] == "已激活") & acc["工号"].isin(leavers)]
    assert 1 <= len(active_leavers) < 0.5 * acc["工号"].isin(leavers).sum()


# ---------------------------------------------------------------------------------------- causal signals
def test_voluntary_leavers_show_the_signals_before_they_leave(company):
    """In their last 6 months, voluntary leavers score lower in pulses and have fewer 1:1s than stayers."""
    land = company / "landing"
    emp = read_zh(land / "hris/employees.csv")
    emp["term"] = parse_dates(emp["离职日期"])
    emp = emp.drop_duplicates("工号")
    vol = emp[(emp["是否主动离职"] == "true") & emp["term"].notna()].set_index("工号")["term"]
    stay = set(emp.loc[emp["离职日期"].isna(), "工号"])
    sv = pd.read_csv(land / "surveys/surveys.csv", dtype=str)
    rs = pd.read_csv(land / "surveys/responses.csv", dtype=str, on_bad_lines="skip")
    rs = rs[rs["survey_id"].isin(sv.loc[sv["survey_type"] == "engagement_pulse", "survey_id"])]
    rs["at"] = pd.to_datetime(rs["submitted_at"].str.slice(0, 10), errors="coerce")
    rs["score"] = pd.to_numeric(rs["score"], errors="coerce")
    rs = rs.dropna(subset=["score", "at"])
    lv = rs[rs["respondent_id"].isin(vol.index)].copy()
    lv["term"] = vol[lv["respondent_id"]].to_numpy()
    lv = lv[(lv["at"] <= lv["term"]) & (lv["at"] > lv["term"] - pd.Timedelta(days=182))]
    st = rs[rs["respondent_id"].isin(stay)]
    assert len(lv) > 50
    assert lv["score"].mean() < st["score"].mean() - 0.2

    m = pd.read_csv(land / "hris/one_on_one_meetings.csv", dtype=str, on_bad_lines="skip")
    m["d"] = pd.to_datetime(m["meeting_date"], errors="coerce")
    last = m[m["employee_id"].isin(vol.index)].copy()
    last["term"] = vol[last["employee_id"]].to_numpy()
    per_leaver = last[last["d"] > last["term"] - pd.Timedelta(days=182)].groupby("employee_id").size()
    per_leaver = per_leaver.reindex(vol[vol > pd.Timestamp(AS_OF) - pd.Timedelta(days=900)].index, fill_value=0)
    recent = m[(m["d"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=182)) & m["employee_id"].isin(stay)]
    per_stayer = recent.groupby("employee_id").size().reindex(list(stay), fill_value=0)
    assert per_leaver.mean() < per_stayer.mean()


def test_exit_truth_names_drivers_that_the_data_shows(company):
    truth = company / "ground_truth"
    ex = pd.read_csv(truth / "exits.csv")
    vol = ex[ex["voluntary"]]
    assert len(vol) > 20
    assert vol["top_drivers"].notna().mean() > 0.8
    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 7 and manifest["employees"] == N
    assert manifest["landing_files"]["hris/employees.csv"] > N


def test_generate_refuses_to_clear_a_folder_it_did_not_write(tmp_path):
    from demo_company.generate import generate_company

    landing = tmp_path / "landing"
    (landing / "hris").mkdir(parents=True)
    export = landing / "hris" / "employees.csv"
    export.write_text("工号,姓名\nE1,张伟\n", encoding="utf-8")
    with pytest.raises(ValueError, match="did not write"):
        generate_company(landing, employees=50, seed=1, progress=False)
    assert export.read_text(encoding="utf-8") == "工号,姓名\nE1,张伟\n"


def test_trm_generate_says_which_setting_is_out_of_range(tmp_path, capsys):
    from cli.main import main

    assert main(["generate", "--employees", "30", "--out", str(tmp_path / "landing"), "--quiet"]) == 2
    assert "error: employees must be at least 50" in capsys.readouterr().err
    assert main(["generate", "--as-of", "2026-13-01", "--out", str(tmp_path / "landing"), "--quiet"]) == 2


# ---------------------------------------------------------------------------------------- held-back days
def _rows(folder: Path, pattern: str) -> list[tuple[str, ...]]:
    """Every data row of the files matching ``pattern`` (any encoding the generator writes), as a sorted list."""
    import csv
    import io

    rows = []
    for path in sorted(folder.glob(pattern)):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        rows += [tuple(r) for r in list(csv.reader(io.StringIO(text, newline="")))[1:]]
    return sorted(rows)


def test_held_back_days_delivered_night_by_night_add_up_to_the_whole_company(company, tmp_path, capsys):
    """trm generate --hold-back-days, then --release-day next per night: the landing folder ends as it would have
    been written whole (event rows, the final snapshots), and each night delivers only that day's exports."""
    import shutil

    from cli.main import main

    whole = company / "landing"
    out = tmp_path / "landing"
    assert main(["generate", "--employees", str(N), "--as-of", AS_OF.isoformat(), "--out", str(out), "--quiet",
                 "--hold-back-days", "3"]) == 0
    history_punches = _rows(out, "attendance/punches_*.csv")
    assert len(history_punches) < len(_rows(whole, "attendance/punches_*.csv"))
    assert not list(out.glob("attendance/punches_2026-10-3*.csv"))
    for night in range(3):
        assert main(["generate", "--out", str(out), "--release-day", "next"]) == 0
        day = date(2026, 10, 29 + night).isoformat()
        assert f"Delivered the exports of {day}" in capsys.readouterr().out
        assert (out / "attendance" / f"punches_{day}.csv").exists() or day == "2026-10-31"
    assert main(["generate", "--out", str(out), "--release-day", "next"]) == 2
    for pattern in ("attendance/punches_*.csv", "surveys/responses*.csv", "hris/employees.csv", "hris/job_history.csv",
                    "ats/applications.csv"):
        assert _rows(out, pattern) == _rows(whole, pattern), pattern
    messages = sorted(line for p in out.glob("im/wecom/messages_*.jsonl") for line in p.read_text().splitlines())
    assert messages == sorted(line for p in whole.glob("im/wecom/messages_*.jsonl") for line in p.read_text().splitlines())
    slack = sorted(p.relative_to(out).as_posix() for p in out.glob("im/slack/*/*.json"))
    assert slack == sorted(p.relative_to(whole).as_posix() for p in whole.glob("im/slack/*/*.json"))
    # Stage moves: the last version of each (application, stage, entered) key is the whole company's row.
    latest: dict[tuple[str, ...], tuple[str, ...]] = {}
    for row in _rows(out, "ats/application_stages*.csv"):
        if row[:3] not in latest or (len(row) > 3 and row[3]):
            latest[row[:3]] = row
    assert set(latest.values()) == set(_rows(whole, "ats/application_stages.csv"))
    shutil.rmtree(tmp_path / "next_days")
