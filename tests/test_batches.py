"""Rejecting a bad batch: its rows move to quarantine with the reason, nothing is lost, it is never reloaded."""


import pytest

from cli.main import main as trm
from ingestion.batches import BatchError, list_batches, reject_batch
from ingestion.loader import load_entity
from ingestion.warehouse import connect

KEY = b"test-key"
BAD = ("工号,姓名,入职日期,离职日期\n"
       "E201,甲,2024-05-01,2023-02-01\nE202,乙,2024-05-01,2023-02-01\nE203,丙,2022-01-01,\n")


def test_a_rejected_batch_is_quarantined_with_its_reason_and_never_reloaded(con, contracts, mapping, landing):
    employees = contracts["hris__employees"]
    load_entity(con, employees, mapping, landing, KEY, "r1")
    good_rows = con.execute("select count(*) from raw.hris__employees").fetchone()[0]
    (landing / "hris" / "employees_bad.csv").write_bytes(BAD.encode("gb18030"))
    load_entity(con, employees, mapping, landing, KEY, "r2")
    (landing / "hris" / "employees_bad_copy.csv").write_bytes(BAD.encode("gb18030"))  # same bytes, other name
    load_entity(con, employees, mapping, landing, KEY, "r2b")
    batch = list_batches(con, "hris__employees").query("source_file == 'hris/employees_bad.csv'").iloc[0]
    assert batch["status"] == "loaded" and batch["rows_loaded"] == 3

    rejection = reject_batch(con, batch["batch_id"], "exit dates before hire dates (swapped columns)")
    assert rejection.rows_moved == 3
    assert con.execute("select count(*) from raw.hris__employees").fetchone()[0] == good_rows
    reasons = con.execute("select reason, raw_record from raw.quarantine where batch_id = ?",
                          [batch["batch_id"]]).fetchall()
    assert len(reasons) == 3 and all(r.startswith("batch rejected: exit dates") for r, _ in reasons)
    assert any('"employee_id":"E201"' in record.replace(" ", "") for _, record in reasons)
    read, loaded, quarantined, status = con.execute(
        "select rows_read, rows_loaded, rows_quarantined, status from raw.ingestion_files where batch_id = ?",
        [batch["batch_id"]]).fetchone()
    assert (status, loaded) == ("rejected", 0) and read == loaded + quarantined  # nothing lost

    report = load_entity(con, employees, mapping, landing, KEY, "r3")  # the same bytes are not loaded again
    assert report.total("rows_loaded") == 0
    assert con.execute("select count(*) from raw.hris__employees").fetchone()[0] == good_rows
    with pytest.raises(BatchError, match="not 'loaded'"):
        reject_batch(con, batch["batch_id"], "again")
    with pytest.raises(BatchError, match="no batch"):
        reject_batch(con, "nope", "x")
    with pytest.raises(BatchError, match="say why"):
        reject_batch(con, "nope", " ")


def test_trm_batches_lists_and_rejects(tmp_path, contracts, mapping, landing, monkeypatch, capsys):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    with connect(tmp_path / "warehouse.duckdb") as con:
        load_entity(con, contracts["hris__departments"], mapping, landing, KEY, "r1")
    assert trm(["batches", "--entity", "hris__departments"]) == 0
    out = capsys.readouterr().out
    batch_id = next(word for word in out.split() if word.startswith("hris__departments-"))
    assert trm(["batches", "--reject", batch_id, "--reason", "wrong tree"]) == 0
    assert "rows moved to raw.quarantine" in capsys.readouterr().out
    assert trm(["batches", "--reject", batch_id, "--reason", "again"]) == 2
