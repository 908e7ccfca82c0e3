"""Demo-generator timings, peak memory and output sizes.

    python benchmarks/bench_generate.py [--sizes 1000 10000] [--repeats 3] [--json OUT]

Add 100000 to --sizes for the large case (several minutes, a few GB of files; issue 14 asks for at most 6 GB of
resident memory). Each generation runs in its own process; its peak RSS is the whole process tree's (the
generator and its attendance/IM worker together), sampled every 0.5 s from /proc as bench_nightly does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_nightly import _tree_rss_kb  # noqa: E402

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
        peak_kb = [0]

        def sample() -> None:
            while proc.poll() is None:
                peak_kb[0] = max(peak_kb[0], _tree_rss_kb(proc.pid)[0])
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        sampler.join()
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"generating {size:,} employees failed (exit {proc.returncode})")
        counts = json.loads(out.read_text())
        megabytes = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 1e6
    return {"wall_s": round(wall, 1), "peak_rss_mb": round(peak_kb[0] / 1024), "megabytes": round(megabytes, 1),
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
