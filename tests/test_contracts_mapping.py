from pathlib import Path

import pytest

from ingestion.contracts import COLUMN_TYPES, ContractError, load_contract_file
from ingestion.mapping import MappingError, load_mapping

SOURCES = {"ats", "hris", "attendance", "surveys", "im"}


def test_every_source_has_contracts_with_keys(contracts):
    assert {c.source for c in contracts.values()} == SOURCES
    for contract in contracts.values():
        assert contract.primary_key, contract.name
        assert all(c.type in COLUMN_TYPES for c in contract.columns)
        assert contract.required_columns, f"{contract.name} has no required column"


def test_default_mapping_covers_every_entity(contracts, mapping):
    assert set(mapping.specs) == set(contracts)
    assert all(mapping.specs[name] for name in contracts)


def test_mapping_rejects_unknown_entities_and_columns_with_a_useful_message(tmp_path: Path, contracts):
    bad_entity = tmp_path / "a.yaml"
    bad_entity.write_text("hris__employee:\n  - files: x.csv\n")
    with pytest.raises(MappingError, match="hris__employees"):
        load_mapping(bad_entity, contracts)
    bad_column = tmp_path / "b.yaml"
    bad_column.write_text("hris__employees:\n  - files: x.csv\n    columns: {emp_id: 工号}\n")
    with pytest.raises(MappingError, match="emp_id.*not contract columns"):
        load_mapping(bad_column, contracts)
    missing = tmp_path / "none.yaml"
    with pytest.raises(MappingError, match="TRM_MAPPING"):
        load_mapping(missing, contracts)


def test_contract_errors_are_reported(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("source: s\nentities:\n  e:\n    primary_key: [id]\n    columns:\n      id: {type: uuid}\n")
    with pytest.raises(ContractError, match="unknown type 'uuid'"):
        load_contract_file(path)


def test_user_mapping_loads_an_export_with_other_headers(tmp_path: Path, contracts):
    """A user's own export (semicolon CSV, different headers, local date format) loads with YAML only."""
    from ingestion.loader import load_entity
    from ingestion.warehouse import connect

    landing = tmp_path / "landing"
    (landing / "exports").mkdir(parents=True)
    (landing / "exports" / "staff.csv").write_text(
        "Personnel No;Name;Start;Sex\n1001;Ana Silva;05.03.2024;weiblich\n1002;Tom Berg;;männlich\n",
        encoding="utf-8",
    )
    user_mapping = tmp_path / "mapping.yaml"
    user_mapping.write_text(
        "hris__employees:\n"
        "  - files: exports/staff*.csv\n"
        "    date_formats: ['%d.%m.%Y']\n"
        "    columns: {employee_id: Personnel No, full_name: Name, hire_date: Start, gender: Sex}\n"
        "    values: {gender: {weiblich: F, männlich: M}}\n"
    )
    mapping = load_mapping(user_mapping, contracts)
    con = connect(tmp_path / "w.duckdb")
    report = load_entity(con, contracts["hris__employees"], mapping, landing, b"key")
    assert (report.total("rows_loaded"), report.total("rows_quarantined")) == (1, 1)
    assert con.execute("select gender, cast(hire_date as varchar) from raw.hris__employees").fetchall() == [
        ("F", "2024-03-05")
    ]
    reason = con.execute("select reason from raw.quarantine").fetchall()[0][0]
    assert reason == "hire_date: required value is missing"


def test_generated_source_docs_are_up_to_date():
    from ingestion.docs import render

    docs = Path(__file__).parent.parent / "docs" / "sources.md"
    assert docs.read_text(encoding="utf-8") == render(), "run: python -m ingestion.docs > docs/sources.md"
