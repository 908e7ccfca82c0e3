"""Publishing figures on an existing TRM home (run `make demo` first).

1. Time of the write-audit-publish pieces on the home's warehouse (medians of --repeat runs, to a scratch file):
   copying the marts, the privacy scan of the candidate.
2. With --nightly: a reader process queries published.duckdb continuously (one connection held open for the whole
   run, plus a fresh connection per query) while `trm run` executes the nightly job; prints reads, errors and
   the publications seen. Every fresh read checks that its row count matches the publication's own record.

    python benchmarks/bench_publish.py --home data [--repeat 3] [--nightly]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

READER = """
import json, sys, duckdb
from pathlib import Path
published, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
held_con = duckdb.connect(str(published), read_only=True)
held = held_con.execute("select count(*) from dim_person").fetchone()[0]
reads = []
while not stop.exists():
    try:
        # a separate process would be needed to see new publications while held_con is open (DuckDB shares one
        # instance per path in a process), so this process checks the held view; fresh reads run in another
        if held_con.execute("select count(*) from dim_person").fetchone()[0] != held:
            reads.append({"error": "held connection changed"})
        reads.append({"ok": True})
    except Exception as exc:
        reads.append({"error": repr(exc)})
out.write_text(json.dumps(reads))
"""

FRESH = """
import json, sys, time, duckdb
from pathlib import Path
published, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
reads = []
while not stop.exists():
    try:
        con = duckdb.connect(str(published), read_only=True)
        run_id, expected = con.execute(
            "select t.run_id, t.row_count from publication.tables t join publication.runs r using (run_id) "
            "where t.table_name = 'dim_person' order by r.published_at desc limit 1").fetchone()
        actual = con.execute("select count(*) from dim_person").fetchone()[0]
        con.close()
        reads.append({"run": run_id, "ok": actual == expected})
    except Exception as exc:
        reads.append({"error": repr(exc)})
    time.sleep(0.05)
out.write_text(json.dumps(reads))
"""


def _time_pieces(home: Path, repeat: int) -> None:
    from expectations.privacy import KnownIdentifiers, dbt_group_size_columns, scan_privacy
    from operations.dbt_project import ensure_manifest
    from publication.publish import PublicationRecord, bi_tables, publish

    warehouse = home / "warehouse.duckdb"
    tables = bi_tables(ensure_manifest())
    copies, scans = [], []
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "published.duckdb"
        for i in range(repeat):
            started = time.perf_counter()
            result = publish(warehouse, target, tables, PublicationRecord(f"bench-{i}"))
            copies.append(time.perf_counter() - started)
            with duckdb.connect(str(warehouse), read_only=True) as con:
                known = KnownIdentifiers.from_warehouse(con)
            started = time.perf_counter()
            with duckdb.connect(str(target), read_only=True) as con:
                report = scan_privacy(con, [t.name for t in tables], known_identifiers=known,
                                      group_size_columns=dbt_group_size_columns())
            scans.append(time.perf_counter() - started)
        size = target.stat().st_size
    print(f"marts published: {len(tables)}, rows: {sum(result.row_counts.values()):,}, file: {size / 1e6:.1f} MB")
    print(f"copy marts into a candidate file: median {statistics.median(copies):.1f} s over {repeat}")
    print(f"privacy scan of the candidate: median {statistics.median(scans):.1f} s over {repeat} "
          f"({len(report.blocking)} blocking, {len(report.warnings)} warnings)")


def _nightly_with_readers(home: Path) -> None:
    published = home / "published.duckdb"
    if not published.exists():
        sys.exit(f"{published} does not exist: run make demo first")
    with tempfile.TemporaryDirectory() as scratch:
        stop = Path(scratch) / "stop"
        outs = {name: Path(scratch) / f"{name}.json" for name in ("held", "fresh")}
        readers = [subprocess.Popen([sys.executable, "-c", code, str(published), str(stop), str(outs[name])])
                   for name, code in (("held", READER), ("fresh", FRESH))]
        started = time.perf_counter()
        run = subprocess.run([str(Path(sys.executable).parent / "trm"), "run", "--log-level", "ERROR"],
                             env={**os.environ, "TRM_HOME": str(home)}, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        stop.touch()
        for reader in readers:
            reader.wait(timeout=120)
        held, fresh = (json.loads(outs[name].read_text()) for name in ("held", "fresh"))
    errors = [r for r in held + fresh if "error" in r or not r.get("ok")]
    runs = list(dict.fromkeys(r["run"] for r in fresh if "run" in r))
    print(f"nightly run: exit {run.returncode}, {seconds:.0f} s")
    print(f"reads during the run: {len(held):,} on a held connection, {len(fresh):,} on fresh connections; "
          f"errors or incomplete reads: {len(errors)}; publications seen in order: {[r[:8] for r in runs]}")
    for error in errors[:5]:
        print("  ", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", default=os.environ.get("TRM_HOME", "data"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nightly", action="store_true", help="also run the nightly job with readers attached")
    args = parser.parse_args()
    home = Path(args.home).resolve()
    _time_pieces(home, args.repeat)
    if args.nightly:
        _nightly_with_readers(home)


if __name__ == "__main__":
    main()
