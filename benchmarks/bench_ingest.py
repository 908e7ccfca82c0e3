"""Ingestion throughput: load a generated landing folder into a fresh warehouse, several times.

    python benchmarks/bench_ingest.py [--employees 1000] [--repeats 3] [--landing DIR] [--memory-limit 4GB]
                                      [--piece-rows 100000]

--landing loads an existing landing folder (e.g. a 100k company written once by `trm generate`) instead of
generating one; --memory-limit is DuckDB's, as TRM_MEMORY_LIMIT sets it for the nightly.

Prints the median wall time, rows per second overall and per entity. Machines are shared and noisy: compare
medians, and ratios between runs on the same machine, not single numbers.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from demo_company.generate import generate_company
from ingestion.contracts import load_contracts
from ingestion.limits import DEFAULT_PIECE_ROWS
from ingestion.loader import load_entity
from ingestion.mapping import load_mapping
from ingestion.warehouse import connect


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--landing", type=Path, help="an existing landing folder to load (not generated)")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit for the load (e.g. 4GB)")
    parser.add_argument("--piece-rows", type=int, default=DEFAULT_PIECE_ROWS, help="TRM_INGEST_PIECE_ROWS")
    args = parser.parse_args()
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    with tempfile.TemporaryDirectory() as tmp:
        landing = args.landing or Path(tmp) / "landing"
        if args.landing is None:
            generate_company(landing, employees=args.employees, seed=7, progress=False)
        size = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file())
        walls, per_entity, rows = [], {}, 0
        for attempt in range(args.repeats):
            con = connect(Path(tmp) / f"w{attempt}.duckdb")
            if args.memory_limit:
                con.execute(f"set memory_limit = '{args.memory_limit}'")
            start = time.perf_counter()
            rows = 0
            for name, contract in contracts.items():
                t0 = time.perf_counter()
                report = load_entity(con, contract, mapping, landing, b"bench", piece_rows=args.piece_rows)
                per_entity.setdefault(name, []).append((time.perf_counter() - t0, report.total("rows_read")))
                rows += report.total("rows_read")
                print(f"  run {attempt + 1}: {name} {report.total('rows_read'):,} rows in "
                      f"{time.perf_counter() - t0:.1f}s, peak RSS so far {_peak_rss_mb():,.0f} MB", flush=True)
            walls.append(time.perf_counter() - start)
            con.close()
    wall = statistics.median(walls)
    print(f"employees={'(' + str(args.landing) + ')' if args.landing else args.employees} files_bytes={size / 1e6:.1f}MB rows={rows:,} repeats={args.repeats}")
    print(f"peak RSS {_peak_rss_mb():,.0f} MB (TRM_INGEST_PIECE_ROWS {args.piece_rows:,})")
    print(f"median wall {wall:.2f}s  (min {min(walls):.2f}s, max {max(walls):.2f}s)  -> {rows / wall:,.0f} rows/s")
    print(f"{'entity':36} {'rows':>10} {'median s':>9} {'rows/s':>10}")
    for name, samples in sorted(per_entity.items(), key=lambda kv: -statistics.median(s for s, _ in kv[1])):
        seconds = statistics.median(s for s, _ in samples)
        n = samples[0][1]
        print(f"{name:36} {n:>10,} {seconds:>9.2f} {n / seconds if seconds else 0:>10,.0f}")


if __name__ == "__main__":
    main()
