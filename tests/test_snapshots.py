"""Full snapshots: a record missing from the latest complete export is closed as deleted at the source; an
incomplete export closes nothing; a rejected batch's closings are undone; a delta file closes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingestion.batches import reject_batch
from ingestion.loader import load_entity
from ingestion.mapping import DEFAULT_MAPPING, load_mapping
from ingestion.warehouse import connect

KEY = b"snapshot-test-key"
HEADER = "employee_id,full_name,hire_date\n"


def _export(ids: list[str], extra: str = "") -> str:
    return HEADER + "".join(f"{e},Person {e},2022-05-01\n" for e in ids) + extra


@pytest.fixture
def con(tmp_path: Path):
    (tmp_path / "landing" / "hris").mkdir(parents=True)
    connection = connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def _load(con, tmp_path, contracts, mapping, name: str, text: str, run_id: str):
    (tmp_path / "landing" / "hris" / name).write_text(text)
    return load_entity(con, contracts["hris__employees"], mapping, tmp_path / "landing", KEY, run_id)


def _closed(con) -> list[str]:
    return [k for (k,) in con.execute("select record_key from raw.source_deletions order by 1").fetchall()]


def _current(con) -> set[str]:
    """What staging keeps (the dbt macro not_deleted_at_source on the latest version of each key)."""
    return {k for (k,) in con.execute("""
        with latest as (select employee_id, max(_loaded_at) as loaded_at from raw.hris__employees group by 1)
        select employee_id from latest as l where not exists (
            select 1 from raw.source_deletions as d where d.entity = 'hris__employees'
            and d.record_key = cast(l.employee_id as varchar) and d.closed_at > l.loaded_at)""").fetchall()}


def test_a_record_missing_from_the_next_snapshot_is_closed_and_reopened_when_it_returns(con, tmp_path, contracts,
                                                                                       mapping):
    first = _load(con, tmp_path, contracts, mapping, "employees_2026-11-01.csv", _export(["E1", "E2", "E3"]), "r1")
    assert first.snapshot.complete and first.snapshot.keys_closed == 0
    second = _load(con, tmp_path, contracts, mapping, "employees_2026-11-02.csv", _export(["E1", "E3"]), "r2")
    assert (second.snapshot.complete, second.snapshot.keys_present, second.snapshot.keys_closed) == (True, 2, 1)
    assert _closed(con) == ["E2"] and _current(con) == {"E1", "E3"}
    row = con.execute("select snapshot_run_id, deleted_on is not null from raw.source_deletions").fetchall()
    assert row == [("r2", True)]
    # A rerun on the same files changes nothing.
    _load(con, tmp_path, contracts, mapping, "employees_2026-11-02.csv", _export(["E1", "E3"]), "r2b")
    assert _closed(con) == ["E2"]
    # The record comes back in a later export: reopened, not closed again.
    _load(con, tmp_path, contracts, mapping, "employees_2026-11-03.csv", _export(["E1", "E2", "E3"]), "r3")
    assert _closed(con) == ["E2"] and _current(con) == {"E1", "E2", "E3"}


def test_a_quarantined_row_with_a_readable_key_counts_as_present(con, tmp_path, contracts, mapping):
    _load(con, tmp_path, contracts, mapping, "employees_1.csv", _export(["E1", "E2", "E3"]), "r1")
    report = _load(con, tmp_path, contracts, mapping, "employees_2.csv",
                   _export(["E1", "E3"], extra="E2,Person E2,2022-13-45\n"), "r2")  # E2's hire date is broken
    assert report.files[-1].rows_quarantined == 1
    assert report.snapshot.complete and report.snapshot.keys_closed == 0 and _closed(con) == []


def test_an_incomplete_snapshot_closes_nothing(con, tmp_path, contracts, mapping):
    _load(con, tmp_path, contracts, mapping, "employees_1.csv", _export(["E1", "E2", "E3"]), "r1")
    report = _load(con, tmp_path, contracts, mapping, "employees_2.csv",
                   _export(["E1"], extra=",Nobody Knows,2022-05-01\n"), "r2")  # a row whose key is missing
    assert not report.snapshot.complete and "without a readable key" in report.snapshot.note
    assert _closed(con) == []
    recorded = con.execute("select complete, note is not null from raw.source_snapshots where run_id = 'r2'")
    assert recorded.fetchall() == [(False, True)]


def test_rejecting_a_bad_snapshot_undoes_its_closings(con, tmp_path, contracts, mapping):
    _load(con, tmp_path, contracts, mapping, "employees_1.csv", _export(["E1", "E2", "E3"]), "r1")
    _load(con, tmp_path, contracts, mapping, "employees_2.csv", _export(["E1"]), "r2")  # a partial export
    assert _closed(con) == ["E2", "E3"]
    batch = con.execute("select batch_id from raw.ingestion_files where source_file = 'hris/employees_2.csv'")
    reject_batch(con, batch.fetchall()[0][0], "partial export")
    assert _closed(con) == [] and _current(con) == {"E1", "E2", "E3"}


def test_files_the_mapping_declares_incremental_close_nothing(con, tmp_path, contracts):
    spec = yaml.safe_load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    spec["hris__employees"] = [{"files": ["hris/employees_full*.csv"]},
                               {"files": ["hris/employees_delta*.csv"], "load": "incremental"}]
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    mapping = load_mapping(path, contracts)
    _load(con, tmp_path, contracts, mapping, "employees_full_1.csv", _export(["E1", "E2", "E3"]), "r1")
    report = _load(con, tmp_path, contracts, mapping, "employees_delta_1.csv", _export(["E4"]), "r2")
    assert report.snapshot is None and _closed(con) == []
    report = _load(con, tmp_path, contracts, mapping, "employees_full_2.csv", _export(["E1", "E2", "E4"]), "r3")
    assert _closed(con) == ["E3"]


def test_a_snapshot_closes_only_what_its_own_export_covers(con, tmp_path, contracts):
    """Two full exports of one entity (two subsidiaries' HRIS, or Slack and WeCom account lists): a new export of
    one says nothing about the other's records."""
    spec = yaml.safe_load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    spec["hris__employees"] = [{"files": ["hris/employees_sz*.csv"]}, {"files": ["hris/employees_sh*.csv"]}]
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    mapping = load_mapping(path, contracts)
    (tmp_path / "landing" / "hris" / "employees_sh_1.csv").write_text(_export(["S1", "S2"]))
    report = _load(con, tmp_path, contracts, mapping, "employees_sz_1.csv", _export(["E1", "E2"]), "r1")
    assert len(report.snapshots) == 2 and _closed(con) == []
    report = _load(con, tmp_path, contracts, mapping, "employees_sz_2.csv", _export(["E1"]), "r2")
    assert report.snapshot.keys_closed == 1 and _closed(con) == ["E2"]
    assert _current(con) == {"E1", "S1", "S2"}
