"""End to end on a generated company: damaged exports never crash the run and nothing is lost."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance

from ingestion.warehouse import connect
from operations.settings import Settings
from orchestration.definitions import build_definitions


@pytest.fixture(scope="module")
def generated(company) -> Path:
    """The landing folder of the session's generated company (tests/shared_company.py); read, never written."""
    return company.root / "landing"


def _rewrite_csv(path: Path, encoding: str, edit) -> None:
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows = edit(rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def _run(home: Path, landing: Path):
    settings = Settings.for_home(home, landing=landing)
    result = build_definitions(settings).resolve_job_def("ingestion").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )
    return settings, result


def _ledger(settings: Settings) -> list[tuple]:
    con = connect(settings.warehouse, read_only=True)
    try:
        return con.execute(
            """select source_file, status, rows_read, rows_loaded, rows_quarantined, error
               from raw.ingestion_files order by source_file, status"""
        ).fetchall()
    finally:
        con.close()


def _snapshot(settings: Settings) -> dict[str, int]:
    con = connect(settings.warehouse, read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
        return {t: con.execute(f'select count(*) from raw."{t}"').fetchall()[0][0] for t in tables}
    finally:
        con.close()


def test_clean_generated_company_loads_completely(company):
    """The session's company as ingestion loaded it (tests/shared_company.py; the Dagster job around the same loader
    runs on a damaged copy below, where every other entity succeeds)."""
    settings = Settings.for_home(company.root)
    ledger = _ledger(settings)
    assert ledger and all(status == "loaded" for _, status, *_ in ledger)
    for source_file, _, read, loaded, quarantined, _ in ledger:
        assert read == loaded + quarantined, source_file
    snapshot = _snapshot(settings)
    # Closings of full snapshots appear only when a later export drops a key; a first load has none.
    empty = [t for t, n in snapshot.items() if n == 0 and t not in ("quarantine", "source_deletions")]
    assert not empty, f"raw tables with no rows from the demo company: {empty}"
    # The generator's few deliberately malformed rows are quarantined, not more than ~1% of rows.
    total_read = sum(r[2] for r in ledger)
    total_quarantined = sum(r[4] for r in ledger)
    assert 0 < total_quarantined < 0.01 * total_read


def test_damaged_exports_are_quarantined_or_named_and_the_rest_loads(generated: Path, tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(generated, landing)

    def damage_employees(rows):
        header = rows[0]
        hire, emp_id = header.index("入职日期"), header.index("工号")
        rows[1][hire] = "2024-13-45"  # impossible date
        rows[2][emp_id] = ""  # required value missing
        rows[3] = rows[3][: len(header) // 2]  # truncated line
        return rows

    _rewrite_csv(landing / "hris" / "employees.csv", "gb18030", damage_employees)
    # Wrong encoding: two lines of a UTF-8 export saved as GB18030.
    responses = landing / "surveys" / "responses.csv"
    lines = responses.read_bytes().decode("utf-8").splitlines(keepends=True)
    damaged = [line.encode("utf-8") for line in lines]
    for i in (5, 6):
        damaged[i] = (lines[i].rstrip("\n") + ",评论很差\n").encode("gb18030")
    responses.write_bytes(b"".join(damaged))
    # A required column dropped from a whole file.
    _rewrite_csv(landing / "hris" / "job_history.csv", "utf-8",
                 lambda rows: [[v for i, v in enumerate(r) if i != rows[0].index("employee_id")] for r in rows])
    # The same export dropped twice under another name.
    shutil.copy(landing / "ats" / "applications.csv", landing / "ats" / "applications (1).csv")

    settings, result = _run(tmp_path, landing)

    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["raw__hris__job_history"]
    message = failures[0].event_specific_data.error.message
    assert "hris/job_history.csv" in message and "employee_id" in message

    ledger = {row[0]: row for row in _ledger(settings)}
    for source_file, _status, read, loaded, quarantined, _ in ledger.values():
        assert read == loaded + quarantined, source_file
    # One of the two identical files loads, the other is recorded as its duplicate.
    copies = sorted(ledger[f][1] for f in ("ats/applications.csv", "ats/applications (1).csv"))
    assert copies == ["duplicate", "loaded"]
    assert ledger["hris/job_history.csv"][1] == "failed"

    con = connect(settings.warehouse, read_only=True)
    reasons = [r for (r,) in con.execute(
        "select reason from raw.quarantine where source_file in ('hris/employees.csv', 'surveys/responses.csv')"
    ).fetchall()]
    con.close()
    assert any("hire_date: cannot read '2024-13-45'" in r for r in reasons)
    assert any("employee_id: required value is missing" in r for r in reasons)
    assert any("malformed or truncated" in r for r in reasons)
    assert sum("not valid utf-8" in r for r in reasons) == 2

    # Rerunning on the same damaged folder changes nothing.
    before = _snapshot(settings)
    _run(tmp_path, landing)
    assert _snapshot(settings) == before
