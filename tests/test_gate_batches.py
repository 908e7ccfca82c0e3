"""The gate on raw batches: a broken key or a partial export blocks, the failure names the batch that causes it,
and an engineer can accept one batch for one check, on the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations.batches import OverrideError, accept_batch, remember_blocked_batches
from expectations.engine import load_suites, run_suite
from ingestion.batches import list_batches
from ingestion.loader import load_entity
from ingestion.warehouse import connect

KEY = b"gate-test-key"
HEADER = "employee_id,full_name,email,hire_date,termination_date,is_voluntary\n"


def _employees(ids: list[str], hire: str = "2022-05-01") -> str:
    return HEADER + "".join(f"{e},Person {e},{e.lower()}@corp.example,{hire},,\n" for e in ids)


@pytest.fixture
def home(tmp_path: Path):
    (tmp_path / "landing" / "hris").mkdir(parents=True)
    con = connect(tmp_path / "warehouse.duckdb")
    yield tmp_path, con
    con.close()


def _load(home, contracts, mapping, name: str, text: str, run_id: str):
    tmp_path, con = home
    (tmp_path / "landing" / "hris" / name).write_text(text)
    report = load_entity(con, contracts["hris__employees"], mapping, tmp_path / "landing", KEY, run_id)
    return next(f for f in report.files if f.source_file == f"hris/{name}")


def _batch(con, name: str) -> str:
    return con.execute("select batch_id from raw.ingestion_files where source_file = ?",
                       [f"hris/{name}"]).fetchall()[0][0]


def _validate(con, run_id: str):
    suite = next(s for s in load_suites() if s.name == "raw.hris__employees")
    result = run_suite(con, suite, run_id)
    return result, remember_blocked_batches(con, suite, result, run_id)


def _blocking(result) -> set[str]:
    return {o.name for o in result.blocking_failures}


COMPANY = [f"E{100000 + i}" for i in range(1, 101)]


def test_a_key_shared_by_a_third_of_an_export_blocks_and_names_its_batch(home, contracts, mapping):
    _, con = home
    _load(home, contracts, mapping, "employees_1.csv", _employees(COMPANY), "r1")
    assert _blocking(_validate(con, "r1")[0]) == set()
    # The reliability report's export: 30% of rows carry employee id E100001, each with another person's data.
    broken = HEADER + "".join(f"{'E100001' if i % 10 < 3 else e},Person {e},{e.lower()}@corp.example,"
                              f"2022-05-01,,\n" for i, e in enumerate(COMPANY))
    _load(home, contracts, mapping, "employees_2.csv", broken, "r2")
    result, failing = _validate(con, "r2")
    assert "key_conflicts" in _blocking(result)
    conflict = next(o for o in result.blocking_failures if o.name == "key_conflicts")
    assert "1 of 71 keys" in conflict.message and conflict.sample_rows[0]["employee_id"] == "E100001"
    assert failing == {_batch(con, "employees_2.csv"): ["key_conflicts"]}


def test_exact_repeated_rows_are_not_a_key_conflict(home, contracts, mapping):
    _, con = home
    rows = _employees(COMPANY)
    _load(home, contracts, mapping, "employees_1.csv", rows + rows.split("\n", 1)[1][:200].rsplit("\n", 1)[0] + "\n",
          "r1")
    result, _ = _validate(con, "r1")
    assert "key_conflicts" not in _blocking(result)


def test_half_the_usual_rows_blocks_as_a_volume_drop(home, contracts, mapping):
    _, con = home
    for night in range(1, 4):  # three complete nightly snapshots of about the same size
        _load(home, contracts, mapping, f"employees_{night}.csv", _employees(COMPANY[: 98 + night]), f"r{night}")
        assert _blocking(_validate(con, f"r{night}")[0]) == set()
    _load(home, contracts, mapping, "employees_4.csv", _employees(COMPANY[:50]), "r4")
    result, failing = _validate(con, "r4")
    assert _blocking(result) == {"volume_drop"}
    drop = next(o for o in result.outcomes if o.name == "volume_drop")
    assert "50 rows loaded against a median of 100" in drop.message and "50%" in drop.message
    assert failing == {_batch(con, "employees_4.csv"): ["volume_drop"]}
    # A drop within the configured share passes.
    _load(home, contracts, mapping, "employees_5.csv", _employees(COMPANY[:80]), "r5")
    result, _ = _validate(con, "r5")
    assert "volume_drop" not in {o.name for o in result.outcomes if not o.success}


def test_an_engineer_can_accept_one_batch_for_one_check_on_the_record(home, contracts, mapping):
    _, con = home
    for night in range(1, 3):
        _load(home, contracts, mapping, f"employees_{night}.csv", _employees(COMPANY), f"r{night}")
    _load(home, contracts, mapping, "employees_3.csv", _employees(COMPANY[:40]), "r3")  # a divestment: real
    batch = _batch(con, "employees_3.csv")
    assert _blocking(_validate(con, "r3")[0]) == {"volume_drop"}
    with pytest.raises(OverrideError, match="not a blocking check"):
        accept_batch(con, batch, "volume_dorp", "typo")
    with pytest.raises(OverrideError, match="say why"):
        accept_batch(con, batch, "volume_drop", " ")
    accept_batch(con, batch, "volume_drop", "Shenzhen plant sold on 1 Nov", accepted_by="li.engineer")
    result, failing = _validate(con, "r4")
    assert result.blocking_failures == [] and failing == {}
    overridden = next(o for o in result.outcomes if o.name == "volume_drop")
    assert overridden.severity == "warning" and "overridden" in overridden.message
    assert "li.engineer" in overridden.message and "Shenzhen plant sold" in overridden.message
    recorded = con.execute("select batch_id, check_name, reason, accepted_by from audit.batch_overrides").fetchall()
    assert recorded == [(batch, "volume_drop", "Shenzhen plant sold on 1 Nov", "li.engineer")]
    # The override is for that batch and that check only: a key conflict in it would still block.
    assert list_batches(con, "hris__employees").set_index("batch_id").at[batch, "accepted"] == "volume_drop"


def test_the_hint_names_the_bad_batch_not_the_corrected_export_after_it(home, contracts, mapping):
    _, con = home
    _load(home, contracts, mapping, "employees_1.csv", _employees(COMPANY), "r1")
    broken = _employees(COMPANY) + "".join(f"{e},Someone Else,x@corp.example,2023-01-01,,\n" for e in COMPANY[:5])
    _load(home, contracts, mapping, "employees_2.csv", broken, "r2")
    bad = _batch(con, "employees_2.csv")
    assert _validate(con, "r2")[1] == {bad: ["key_conflicts"]}
    _load(home, contracts, mapping, "employees_3.csv", _employees([*COMPANY, "E200001"]), "r3")  # corrected
    good = _batch(con, "employees_3.csv")
    result, failing = _validate(con, "r3")
    assert "key_conflicts" in _blocking(result)  # the bad batch keeps failing until it is rejected or accepted
    assert failing == {bad: ["key_conflicts"]} and good not in failing
    listed = list_batches(con, "hris__employees").set_index("batch_id")
    assert listed.at[bad, "failing_checks"] == "key_conflicts" and listed.at[good, "failing_checks"] == ""


def test_the_readme_lists_every_blocking_rule():
    from expectations.blocking import readme_section, render

    assert readme_section() == render(), "run: .venv/bin/python -m expectations.blocking (and paste into the README)"
