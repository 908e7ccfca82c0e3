"""Demo-generator timings, peak memory and output sizes.

    python benchmarks/bench_generate.py [--sizes 1000 10000] [--repeats 3] [--json OUT]

Add 100000 to --sizes for the large case (several minutes, a few GB of files; issue 14 asks for at most 6 GB of
resident memory). Each generation runs in its own process, so its peak RSS (the kernel's maxrss of that child) is
its own.
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

ROOT = Path(__file__).resolve().parents[1]
_CHILD = """
import json, sys
from pathlib import Path
from demo_company.generate import generate_company
counts = generate_company(Path(sys.argv[1]), employees=int(sys.argv[2]), seed=7, progress=False)
Path(sys.argv[3]).write_text(json.dumps({"rows": sum(counts.values()), "files": len(counts)}))
"""


def generate_once(size: int) -> dict:
    """One generation in a child process: wall seconds, peak RSS (MB), files, rows and MB written."""
    with tempfile.TemporaryDirectory() as tmp:
        landing, out = Path(tmp) / "landing", Path(tmp) / "counts.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(landing), str(size), str(out)], env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"generating {size:,} employees failed (exit {proc.returncode})")
        counts = json.loads(out.read_text())
        megabytes = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 1e6
    return {"wall_s": round(wall, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024), "megabytes": round(megabytes, 1),
            **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    print(f"{'employees':>10} {'median s':>9} {'min s':>7} {'peak RSS MB':>11} {'files':>6} {'rows':>12} {'MB':>8}",
          flush=True)
    results = []
    for size in args.sizes:
        runs = [generate_once(size) for _ in range(args.repeats if size <= 10000 else 1)]
        walls = [r["wall_s"] for r in runs]
        row = {"employees": size, "median_s": statistics.median(walls), "min_s": min(walls),
               "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "files": runs[-1]["files"],
               "rows": runs[-1]["rows"], "megabytes": runs[-1]["megabytes"]}
        results.append(row)
        print(f"{size:>10,} {row['median_s']:>9.1f} {row['min_s']:>7.1f} {row['peak_rss_mb']:>11,} {row['files']:>6} "
              f"{row['rows']:>12,} {row['megabytes']:>8.1f}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"cores": os.cpu_count(), "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
