import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import EMPLOYEES_ZH

from ingestion.readers import (
    FileReadError,
    detect_encoding,
    read_csv,
    read_json,
    read_ndjson,
    read_parquet,
    read_xlsx,
)


def test_gb18030_csv_with_chinese_headers(tmp_path: Path):
    path = tmp_path / "employees.csv"
    path.write_bytes(EMPLOYEES_ZH.encode("gb18030"))
    result = read_csv(path)
    assert result.encoding == "gb18030"
    assert list(result.frame.columns[:2]) == ["工号", "姓名"]
    assert result.frame["姓名"].tolist()[:2] == ["张伟", "李娜"]
    # The truncated last line is rejected with its line number, not silently dropped.
    assert [(r.row_number, "malformed" in r.reason) for r in result.rejects] == [(6, True)]
    assert result.rows_read == 5


def test_utf8_with_bom_and_semicolons(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffid;name\n1;Zoë\n".encode())
    result = read_csv(path)
    assert list(result.frame.columns) == ["id", "name", "_row_number"]
    assert result.frame["name"][0] == "Zoë"


def test_a_few_undecodable_lines_are_rejected_not_the_file(tmp_path: Path):
    lines = ["id,name"] + [f"{i},name {i}" for i in range(200)]
    data = "\n".join(lines).encode() + b"\n999,\xff\xfe broken\n"
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert detect_encoding(data) == "utf-8"
    result = read_csv(path)
    assert len(result.frame) == 200
    assert len(result.rejects) == 1 and "not valid utf-8" in result.rejects[0].reason
    assert result.rejects[0].row_number == 202


@pytest.mark.parametrize(("name", "content", "read", "message"), [
    ("empty.csv", "", read_csv, "empty"),
    ("twice.csv", "id,id\n1,2\n", read_csv, "twice"),
    ("bad.xlsx", "not a zip", read_xlsx, "XLSX"),
])
def test_unreadable_files_are_file_errors(tmp_path: Path, name, content, read, message):
    """An empty file, a header naming a column twice, an XLSX that is no workbook: file errors saying which."""
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(FileReadError, match=message):
        read(path)


def test_xlsx_keeps_excel_row_numbers_and_text_values(tmp_path: Path):
    path = tmp_path / "offers.xlsx"
    pd.DataFrame({"offer_id": ["O1", "O2"], "offered_at": [pd.Timestamp("2025-01-02"), None],
                  "base_salary": [300000.0, 250000.5]}).to_excel(path, index=False)
    result = read_xlsx(path)
    assert result.frame["_row_number"].tolist() == [2, 3]
    assert result.frame["offered_at"][0].startswith("2025-01-02")
    assert result.frame["base_salary"].tolist() == ["300000", "250000.5"]


def test_json_nested_paths_and_explode(tmp_path: Path):
    path = tmp_path / "groups.json"
    path.write_text(json.dumps({"data": [{"roomid": "r1", "members": [{"memberid": "a"}, {"memberid": "b"}]}]}))
    result = read_json(path, records_path="data", explode="members")
    assert result.frame["members.memberid"].tolist() == ["a", "b"]
    assert result.frame["roomid"].tolist() == ["r1", "r1"]


def test_ndjson_rejects_invalid_lines(tmp_path: Path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"a": 1, "t": {"c": "x"}}\n{"a": \n\n{"a": 3, "l": ["u1", "u2"]}\n')
    result = read_ndjson(path)
    assert result.frame["t.c"].tolist()[0] == "x"
    assert result.frame["l"].tolist()[1] == "u1,u2"
    assert [r.row_number for r in result.rejects] == [2]
    assert result.rows_read == 3


def test_parquet_values_become_text(tmp_path: Path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"a": [1, 2], "b": [True, None]}).to_parquet(path)
    result = read_parquet(path)
    assert result.frame["a"].tolist() == ["1", "2"]
    assert result.frame["b"].tolist() == ["true", None]


def test_utf16_excel_unicode_text_export(tmp_path: Path):
    path = tmp_path / "u.csv"
    path.write_bytes("工号\t姓名\nE1\t张伟\n".encode("utf-16"))
    result = read_csv(path)
    assert result.frame["姓名"].tolist() == ["张伟"]
