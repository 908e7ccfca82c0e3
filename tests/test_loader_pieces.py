"""Files are read, checked and written in pieces (TRM_INGEST_PIECE_ROWS) so memory does not grow with a file's size:
loading in pieces of any size stores exactly what loading in one piece stores, and a file that breaks after some
pieces were written leaves nothing of itself behind."""

from pathlib import Path

import duckdb
import pytest
from conftest import write_landing

from ingestion.loader import load_entity
from ingestion.read_results import collect
from ingestion.readers import stream_csv, stream_ndjson
from ingestion.warehouse import connect

KEY = b"test-key"
# Volatile columns: when a row was written and which run wrote it.
_VOLATILE = {"_loaded_at", "quarantined_at", "closed_at", "recorded_at", "started_at", "finished_at", "run_id"}


def _hostile_punches(path: Path, rows: int = 240) -> None:
    """A CSV whose damage falls on both sides of piece boundaries: a short line, an unclosed quote that would swallow
    the lines after it, an undecodable line, a quoted field spanning two lines, blank lines and a bad value."""
    lines = ["punch_id,employee_id,punched_at,punch_type"]
    for i in range(rows):
        if i == 7:
            lines.append("P7,E001")  # too few fields
        elif i == 50:
            lines.append('P50,"E001,2025-01-02T09:00:00+08:00,in')  # a quote never closed
        elif i == 99:
            lines.append("")
        elif i == 120:
            lines.append('P120,"E0\n01",2025-01-02T09:00:00+08:00,in')  # a well-formed record over two lines
        elif i == 200:
            lines.append("P200,E001,not a time,in")
        else:
            lines.append(f"P{i},E{i % 9:03d},2025-01-{1 + i % 28:02d}T09:{i % 60:02d}:00+08:00,{'in' if i % 2 else 'out'}")
    data = ("\n".join(lines) + "\n").encode()
    cut = data.index(b"P150,")
    path.write_bytes(data[:cut] + b"P150,E\xff\xfe,2025-01-02T09:00:00+08:00,in\n" + data[cut:])


def _warehouse_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    state = {}
    tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'raw' order by 1").fetchall()]
    for table in tables:
        columns = [c for (c,) in con.execute("select column_name from information_schema.columns where "
                                             "table_schema = 'raw' and table_name = ? order by ordinal_position",
                                             [table]).fetchall() if c not in _VOLATILE]
        listed = ", ".join(f'"{c}"' for c in columns)
        state[table] = con.execute(f'select {listed} from raw."{table}" order by all').fetchall()
    return state


def _load(folder: Path, landing: Path, contracts, mapping, piece_rows: int) -> dict[str, list[tuple]]:
    con = connect(folder / "warehouse.duckdb")
    try:
        for contract in contracts.values():
            load_entity(con, contract, mapping, landing, KEY, "r1", piece_rows=piece_rows)
        return _warehouse_state(con)
    finally:
        con.close()


@pytest.fixture
def hostile_landing(tmp_path: Path) -> Path:
    landing = write_landing(tmp_path / "landing")
    _hostile_punches(landing / "attendance" / "punches_2025-02.csv")
    return landing


@pytest.mark.parametrize("piece_rows", [1, 7, 50])
def test_pieces_of_any_size_store_what_one_piece_stores(tmp_path, hostile_landing, contracts, mapping, piece_rows):
    whole = _load(tmp_path / "whole", hostile_landing, contracts, mapping, piece_rows=1_000_000)
    pieces = _load(tmp_path / f"pieces-{piece_rows}", hostile_landing, contracts, mapping, piece_rows=piece_rows)
    assert pieces == whole
    quarantined = sorted(row[3] for row in whole["quarantine"] if row[2] == "attendance/punches_2025-02.csv")
    assert quarantined == [9, 52, 153, 204]  # short line, quote never closed, undecodable line, bad timestamp
    loaded = [row for row in whole["attendance__punches"] if "punches_2025-02" in str(row)]
    # 240 records and the undecodable line; the blank line is no row; the lines after the open quote all load
    assert len(loaded) == 241 - 1 - 4


def test_a_file_is_read_in_pieces_of_at_most_the_setting(tmp_path):
    path = tmp_path / "punches.csv"
    _hostile_punches(path)
    stream = stream_csv(path, piece_rows=25)
    sizes = [len(piece.frame) for piece in stream.pieces]
    assert max(sizes) == 25 and sum(sizes) == 241 - 1 - 3  # less the blank line and three unreadable lines
    whole = collect(stream_csv(path))
    assert whole.frame["punch_id"].tolist()[:3] == ["P0", "P1", "P2"]
    assert [r.row_number for r in whole.rejects] == sorted(r.row_number for r in whole.rejects)
    ndjson = tmp_path / "m.jsonl"
    ndjson.write_text("".join(f'{{"msgid": "m{i}", "n": {i}}}\n' for i in range(10)) + "not json\n")
    assert [len(p.frame) for p in stream_ndjson(ndjson, piece_rows=4).pieces] == [4, 4, 2]


def test_a_file_breaking_after_pieces_were_written_leaves_nothing(tmp_path, contracts, mapping):
    """A UTF-16 export damaged near its end fails as a whole after earlier pieces were written in the same
    transaction: none of its rows stay, it is recorded failed (read again next run), the other file loads."""
    landing = tmp_path / "landing"
    (landing / "attendance").mkdir(parents=True)
    text = "punch_id,employee_id,punched_at,punch_type\n" + "".join(
        f"P{i},E001,2025-01-02T09:00:00+08:00,in\n" for i in range(100))
    data = text.encode("utf-16")
    broken = data[:-40] + b"\x00\xd8" + data[-40:]  # a lone high surrogate: not UTF-16
    (landing / "attendance" / "punches_2025-01.csv").write_bytes(broken)
    (landing / "attendance" / "punches_2025-02.csv").write_text(text.replace("P", "Q"), encoding="utf-8")
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        report = load_entity(con, contracts["attendance__punches"], mapping, landing, KEY, "r1", piece_rows=10)
        statuses = {f.source_file: f.status for f in report.files}
        assert statuses == {"attendance/punches_2025-01.csv": "failed", "attendance/punches_2025-02.csv": "loaded"}
        failed = next(f for f in report.files if f.status == "failed")
        assert "utf-16" in failed.error and "punches_2025-01.csv" in failed.error
        assert con.execute("select count(*), count(*) filter (where punch_id like 'P%') "
                           "from raw.attendance__punches").fetchone() == (100, 0)
        assert con.execute("select count(*) from raw.quarantine where source_file like '%2025-01%'").fetchone() == (0,)
        assert con.execute("select count(*) from information_schema.tables "
                           "where table_schema = 'raw_loading'").fetchone() == (0,)  # loading tables dropped
    finally:
        con.close()


def _read_all(path: Path, piece_rows: int = 1000) -> tuple[list, list]:
    pieces = list(stream_csv(path, piece_rows=piece_rows).pieces)
    rows = [(n, *r) for p in pieces for n, r in zip(p.frame["_row_number"], p.frame.drop(columns="_row_number")
                                                   .itertuples(index=False, name=None), strict=True)]
    return rows, [(r.row_number, r.reason, r.raw_record) for p in pieces for r in p.rejects]


def _scattered_dirt(lines: int = 6000) -> bytes:
    """Damage every few dozen lines (the fast reader hands over and takes back many times), with a lone CR line
    end, quoted fields over two lines and a long clean stretch (the careful parser returns without a problem)."""
    out = [b"id,name,note"]
    for i in range(lines):
        kind = i % 41 if i < 4000 else -1
        if kind == 3:
            out.append(b"%d,short" % i)
        elif kind == 11:
            out.append(b'%d,"open,never closed' % i)
        elif kind == 17:
            out.append(b"%d,\xff\xfe,x" % i)
        elif kind == 23:
            out.append(b'%d,"two\nlines",x' % i)
        elif kind == 29:
            out.append(b"%d,lone,cr\r%d,after,cr" % (i, i))
        elif kind == 31:
            out.append(b'%d,"x"y,z' % i)
        else:
            out.append(b"%d,name %d,note" % (i, i))
    return b"\n".join(out) + b"\n"


def test_the_fast_csv_reader_gives_exactly_what_the_careful_parser_gives(tmp_path, monkeypatch):
    """The fast reader (csv.reader straight on the decoded file) hands over to the careful parser at the first
    record it would treat specially; on damaged files both give the same rows, row numbers and rejects."""
    from conftest import EMPLOYEES_ZH

    from ingestion import csv_reader

    files = {"hostile.csv": None, "zh.csv": EMPLOYEES_ZH.encode("gb18030"),
             "crlf-and-blank.csv": b"a,b\r\n1,x\r\n\r\n,\r\n2,\"multi\r\nline\"\r\n3,y\r4,z\n",
             "bad-quote-late.csv": b"a,b\n" + b"".join(b"%d,v\n" % i for i in range(50)) + b'51,"x"y\n52,w\n',
             "nul-late.csv": b"a,b\n" + b"".join(b"%d,v\n" % i for i in range(2000)) + b"9,\x00\n10,w\n"}
    files["scattered.csv"] = _scattered_dirt()
    for name, data in files.items():
        path = tmp_path / name
        _hostile_punches(path) if data is None else path.write_bytes(data)
    for name in files:
        fast = _read_all(tmp_path / name)
        monkeypatch.setattr(csv_reader._Parser, "_fast_allowed", lambda self: False)
        careful = _read_all(tmp_path / name)
        monkeypatch.undo()
        assert fast == careful, name
        assert fast[0] or fast[1], name
