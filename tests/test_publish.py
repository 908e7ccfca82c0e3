"""Write-audit-publish: atomic replacement, an untouched file on failure, records, and the ways BI reads it."""

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from cli.main import main as trm
from operations.dbt_project import ensure_manifest
from publication.publish import (
    CheckRecord,
    PublicationRecord,
    PublishBlocked,
    PublishedTable,
    bi_tables,
    latest_publication,
    publish,
)

TABLES = [PublishedTable("dim_team", "core", "Teams."), PublishedTable("fct_scores", "risk", "Scores.",
                                                                       {"score": "Risk in [0, 1]."})]


def _warehouse(path: Path, rows: int) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create or replace table dim_team as select i as team_id from range(3) t(i)")
    con.execute(f"create or replace table fct_scores as select i as person_key, i / {rows} as score "
                f"from range({rows}) t(i)")
    con.execute("create schema if not exists restricted")
    con.execute("create or replace table restricted.names as select 'Zhang Wei' as full_name")
    con.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publishes_marts_with_comments_and_a_record(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    published = tmp_path / "out" / "published.duckdb"
    record = PublicationRecord("run-1", checks=[CheckRecord("fct_scores", "score_range", "ERROR", True),
                                                CheckRecord("raw/x", "freshness", "WARN", False, "3 days old")],
                               model_versions={"attrition": "v0001"})
    result = publish(warehouse, published, TABLES, record)
    assert result.row_counts == {"dim_team": 3, "fct_scores": 10}
    # no candidate or WAL left (the lock file stays: publishers take turns on it)
    assert [p.name for p in published.parent.iterdir() if p.suffix != ".lock"] == ["published.duckdb"]
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select comment from duckdb_tables() where table_name = 'fct_scores'").fetchone()[0] == "Scores."
    assert con.execute("select comment from duckdb_columns() where column_name = 'score'").fetchone()[0] \
        == "Risk in [0, 1]."
    schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"main", "publication"}  # nothing from restricted
    run = con.execute("select run_id, tables, total_rows, checks_passed, checks_warned, checks_failed, "
                      "model_versions from publication.runs").fetchone()
    assert run[:6] == ("run-1", 2, 13, 1, 1, 0) and json.loads(run[6]) == {"attrition": "v0001"}
    assert con.execute("select count(*) from publication.checks where run_id = 'run-1'").fetchone()[0] == 2
    con.close()
    publish(warehouse, published, TABLES, PublicationRecord("run-2"))
    assert latest_publication(published)["run_id"] == "run-2"
    con = duckdb.connect(str(published), read_only=True)
    assert [r[0] for r in con.execute("select run_id from publication.runs order by published_at").fetchall()] \
        == ["run-1", "run-2"]  # the history carries over
    con.close()


def test_failed_audit_or_missing_mart_leaves_the_publication_byte_for_byte(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    published = tmp_path / "published.duckdb"
    publish(warehouse, published, TABLES, PublicationRecord("good"))
    before = _digest(published)
    _warehouse(warehouse, 50)

    def reject(candidate: Path) -> None:
        assert duckdb.connect(str(candidate), read_only=True).execute(
            "select count(*) from fct_scores").fetchone()[0] == 50
        raise PublishBlocked("fct_scores.score: 3 rows show a group of 3")

    with pytest.raises(PublishBlocked, match="group of 3"):
        publish(warehouse, published, TABLES, PublicationRecord("bad"), audit=reject)
    with pytest.raises(PublishBlocked, match="not in the warehouse.*fct_missing"):
        publish(warehouse, published, [*TABLES, PublishedTable("fct_missing", "x")], PublicationRecord("bad2"))
    assert _digest(published) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock") == ["published.duckdb",
                                                                                  "warehouse.duckdb"]
    assert latest_publication(published)["run_id"] == "good"


READER = """
import json, sys, time, duckdb
from pathlib import Path
published, stop, out, hold = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "hold"
# DuckDB shares one database instance per path inside a process: a process holding a connection keeps reading
# the publication it opened (like a BI session) until it closes every connection; so one process holds, the
# other opens a fresh connection per query (like a dashboard refresh).
holder = duckdb.connect(str(published), read_only=True) if hold else None
held = holder.execute("select count(*) from fct_scores").fetchone()[0] if hold else None
results = []
Path(str(out) + ".ready").touch()
while not stop.exists():
    try:
        con = duckdb.connect(str(published), read_only=True)  # a fresh reader, like a dashboard refresh
        run_id, expected = con.execute(
            "select t.run_id, t.row_count from publication.tables t join publication.runs r using (run_id) "
            "where t.table_name = 'fct_scores' order by r.published_at desc limit 1").fetchone()
        actual = con.execute("select count(*) from fct_scores").fetchone()[0]
        con.close()
        results.append({"run": run_id, "ok": actual == expected, "held_ok": not hold or
                        holder.execute("select count(*) from fct_scores").fetchone()[0] == held})
    except Exception as exc:  # any error a BI tool would see
        results.append({"error": repr(exc)})
out.write_text(json.dumps(results))
"""


def test_a_reader_always_sees_one_complete_publication(tmp_path):
    """Another process reading throughout: its open connection keeps its publication; fresh connections see the
    old or the new one, whole, and never an error."""
    import subprocess
    import sys
    import time

    warehouse = tmp_path / "warehouse.duckdb"
    published = tmp_path / "published.duckdb"
    publish(_warehouse(warehouse, 1000), published, TABLES, PublicationRecord("run-0"))
    stop = tmp_path / "stop"
    outs = {mode: tmp_path / f"reads-{mode}.json" for mode in ("hold", "fresh")}
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop), str(out), mode])
               for mode, out in outs.items()]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(f"{o}.ready").exists() for o in outs.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        for n in range(1, 6):
            publish(_warehouse(warehouse, 1000 + n * 500), published, TABLES, PublicationRecord(f"run-{n}"))
            time.sleep(0.3)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)
    held, fresh = (json.loads(outs[mode].read_text()) for mode in ("hold", "fresh"))
    assert [r for r in held + fresh if "error" in r or not r["ok"] or not r["held_ok"]] == []
    assert {r["run"] for r in held} == {"run-0"}
    runs = [r["run"] for r in fresh]
    assert len(set(runs)) >= 3 and runs == sorted(runs)  # publications appear in order, each complete


def test_bi_tables_are_the_marts_and_never_restricted_or_staging():
    names = {t.name for t in bi_tables(ensure_manifest())}
    assert {"dim_person", "fct_lifecycle_events", "rpt_enps", "rpt_attrition_watch_list"} <= names
    assert not any(n.startswith(("stg_", "int_", "restricted")) for n in names)


def test_sqlalchemy_reads_the_publication_read_only(tmp_path):
    """How Superset, Metabase-style tools and pandas connect (docs/publishing.md): duckdb_engine, read-only and
    sandboxed (the BI tool's SQL reads the published tables and no file)."""
    import pandas as pd
    from sqlalchemy import create_engine, inspect, text

    published = tmp_path / "published.duckdb"
    publish(_warehouse(tmp_path / "warehouse.duckdb", 10), published, TABLES, PublicationRecord("run-1"))
    sandbox = {"enable_external_access": False, "lock_configuration": True}
    engine = create_engine(f"duckdb:///{published}", connect_args={"read_only": True, "config": sandbox})
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from fct_scores")).scalar() == 10
        assert {"dim_team", "fct_scores"} <= set(inspect(connection).get_table_names())
        frame = pd.read_sql(text("select run_id from publication.runs"), connection)
        with pytest.raises(Exception, match="read-only"):
            connection.execute(text("create table x as select 1"))
    assert frame["run_id"].tolist() == ["run-1"]
    with engine.connect() as connection, pytest.raises(Exception, match="disabled by configuration"):
        connection.execute(text(f"select * from read_text('{tmp_path / 'warehouse.duckdb'}')"))
    engine.dispose()


def test_trm_sql_reads_the_publication_and_the_warehouse_on_request(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    assert trm(["sql", "select 1"]) == 2
    assert "nothing is published yet" in capsys.readouterr().err
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    publish(warehouse, tmp_path / "published.duckdb", TABLES[:1], PublicationRecord("run-1"))
    assert trm(["sql", "select count(*) as n from dim_team", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "3"]
    assert trm(["sql", "select count(*) as n from fct_scores"]) == 1  # not published
    capsys.readouterr()
    assert trm(["sql", "--warehouse", "--format", "csv", "select count(*) as n from restricted.names"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "1"]


ESCAPES = {  # what an analyst's query on the publication must not do, and the file it would touch or write
    "read a file": "select * from read_csv('/etc/passwd')",
    "read the PII key": "select content from read_text('{home}/.pii_key')",
    "glob the home": "select * from glob('{home}/*')",
    "attach the warehouse": "attach '{home}/warehouse.duckdb' as w (read_only)",
    "scan a landing file by path": "select * from '{home}/landing/hris/employees.csv'",
    "write a landing file": "copy (select 'x' as employee_id) to '{home}/landing/hris/employees_injected.csv'",
    "export the database": "export database '{home}/landing/exported'",
    "install an extension": "install httpfs",
    "load an extension": "load httpfs",
    "reopen the sandbox": "set enable_external_access = true",
    "raise the memory limit": "set memory_limit = '100GB'",
}


@pytest.mark.parametrize("query", ESCAPES.values(), ids=ESCAPES.keys())
def test_trm_sql_on_the_publication_reads_that_file_and_nothing_else(tmp_path, monkeypatch, capsys, query):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    (tmp_path / ".pii_key").write_text("SECRET-KEY-0123456789")
    (tmp_path / "landing" / "hris").mkdir(parents=True)
    (tmp_path / "landing" / "hris" / "employees.csv").write_text("employee_id,full_name\nE1,root: Wang Fang\n")
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    publish(warehouse, tmp_path / "published.duckdb", TABLES[:1], PublicationRecord("run-1"))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert trm(["sql", "--format", "csv", query.format(home=tmp_path)]) == 1
    out = capsys.readouterr()
    assert "error:" in out.err and "SECRET-KEY" not in out.out + out.err and "root:" not in out.out
    assert "Parser Error" not in out.err  # refused by the sandbox, not by a typo in the test
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written
    assert trm(["sql", "--format", "csv", "select count(*) as n from dim_team"]) == 0  # the marts still read
    assert capsys.readouterr().out.splitlines() == ["n", "3"]


def test_trm_sql_warehouse_is_the_engineers_door_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    _warehouse(tmp_path / "warehouse.duckdb", 10)
    assert trm(["sql", "--warehouse", "--format", "csv", "select count(*) as n from restricted.names"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["n", "1"] and "for engineers" in out.err


def test_withheld_columns_stay_in_the_warehouse(tmp_path):
    published = tmp_path / "published.duckdb"
    table = PublishedTable("fct_scores", "risk", withheld=("score",))
    publish(_warehouse(tmp_path / "warehouse.duckdb", 4), published, [table], PublicationRecord("run-1"))
    con = duckdb.connect(str(published), read_only=True)
    assert [r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = 'fct_scores'")
            .fetchall()] == ["person_key"]
    con.close()
    withheld = {t.name: t.withheld for t in bi_tables(ensure_manifest())}
    assert withheld["dim_person"] == ("current_employee_id",)  # the HRIS number re-identifies; key stays


def test_parquet_per_mart_with_an_atomic_current_link(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 7)
    parquet = tmp_path / "published_parquet"
    for n in range(5):
        publish(warehouse, tmp_path / "published.duckdb", TABLES, PublicationRecord(f"run-{n}"), parquet_dir=parquet)
    current = parquet / "current"
    assert current.is_symlink() and (current / "fct_scores.parquet").exists()
    assert duckdb.execute(f"select count(*) from '{current / 'fct_scores.parquet'}'").fetchone()[0] == 7
    kept = [p for p in parquet.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(kept) == 3 and not [p for p in parquet.iterdir() if p.name.startswith(".")]


def _tables(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                           "order by 1").fetchall()]
        return {n: sorted(con.execute(f'select * from main."{n}"').fetchall()) for n in names}
    finally:
        con.close()


def test_a_publication_rewrites_only_the_marts_that_changed_and_equals_a_fresh_one(tmp_path):
    """Unchanged marts are carried over from the previous file (and hard-linked in Parquet); changed data or
    documentation rewrites a mart; a mart no longer published goes; the result equals a publication written
    from scratch."""
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 10)
    published, parquet = tmp_path / "published.duckdb", tmp_path / "parquet"
    first = publish(warehouse, published, TABLES, PublicationRecord("run-1"), parquet_dir=parquet)
    assert set(first.rewritten) == {"dim_team", "fct_scores"}
    again = publish(warehouse, published, TABLES, PublicationRecord("run-2"), parquet_dir=parquet)
    assert again.rewritten == ()
    assert (parquet / "current" / "dim_team.parquet").stat().st_nlink == 2  # the same bytes in both folders

    _warehouse(warehouse, 12)  # new scores; the teams are the same
    changed = publish(warehouse, published, TABLES, PublicationRecord("run-3"), parquet_dir=parquet)
    assert changed.rewritten == ("fct_scores",) and changed.row_counts == {"dim_team": 3, "fct_scores": 12}
    redocumented = [TABLES[0], PublishedTable("fct_scores", "risk", "Scores.", {"score": "Risk, 0 to 1."})]
    assert publish(warehouse, published, redocumented, PublicationRecord("run-4")).rewritten == ("fct_scores",)
    assert publish(warehouse, published, redocumented[1:], PublicationRecord("run-5")).rewritten == ()

    fresh = tmp_path / "fresh.duckdb"
    publish(warehouse, fresh, redocumented[1:], PublicationRecord("run-5"), rewrite_all=True)
    assert _tables(published) == _tables(fresh) and set(_tables(published)) == {"fct_scores"}
    con = duckdb.connect(str(published), read_only=True)
    assert con.execute("select comment from duckdb_tables() where table_name = 'fct_scores'").fetchone()[0] \
        == "Scores."
    assert [r[0] for r in con.execute("select run_id from publication.runs order by published_at").fetchall()] \
        == [f"run-{n}" for n in range(1, 6)]
    con.close()
    assert duckdb.connect().execute(
        f"select count(*) from '{parquet / 'current' / 'fct_scores.parquet'}'").fetchone()[0] == 12


def test_a_publication_mostly_of_free_blocks_is_written_fresh(tmp_path):
    """Carried nights reuse free blocks but never shrink the file: past half free, the next one is written anew."""
    from publication.publish import mostly_free

    warehouse = _warehouse(tmp_path / "warehouse.duckdb", 4)
    published = tmp_path / "published.duckdb"
    publish(warehouse, published, TABLES, PublicationRecord("run-1"))
    con = duckdb.connect(str(published))  # a large table come and gone before another: free blocks mid-file
    con.execute("create table main.scratch as select range as n, md5(range::varchar) as pad from range(300000)")
    con.execute("checkpoint")
    con.execute("create table main.later as select range as n, md5(range::varchar) as pad from range(50000)")
    con.execute("checkpoint")
    con.execute("drop table main.scratch")
    con.execute("checkpoint")
    con.close()
    grown = published.stat().st_size
    assert mostly_free(published)
    result = publish(warehouse, published, TABLES, PublicationRecord("run-2"))
    assert set(result.rewritten) == {"dim_team", "fct_scores"} and published.stat().st_size < grown / 2
    assert not mostly_free(published)
    con = duckdb.connect(str(published), read_only=True)  # fresh: only the marts and the record, no leftovers
    assert "later" not in {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    con.close()
