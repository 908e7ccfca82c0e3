"""Demo-generator timings and output sizes.

    python benchmarks/bench_generate.py [--sizes 1000 10000] [--repeats 3]

Add 100000 to --sizes for the large case (a few minutes, a few GB of temporary files).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from demo_company.generate import generate_company


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'employees':>10} {'median s':>9} {'min s':>7} {'files':>6} {'rows':>12} {'MB':>8}")
    for size in args.sizes:
        walls, rows, files, megabytes = [], 0, 0, 0.0
        repeats = args.repeats if size <= 10000 else 1
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                counts = generate_company(Path(tmp) / "landing", employees=size, seed=7, progress=False)
                walls.append(time.perf_counter() - start)
                rows, files = sum(counts.values()), len(counts)
                megabytes = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file()) / 1e6
        print(f"{size:>10,} {statistics.median(walls):>9.1f} {min(walls):>7.1f} {files:>6} {rows:>12,} "
              f"{megabytes:>8.1f}")


if __name__ == "__main__":
    main()
