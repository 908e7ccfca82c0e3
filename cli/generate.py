"""`trm generate`: a deterministic demo company written into a landing folder (demo_company/)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from operations.settings import Settings


def generate(args: argparse.Namespace, settings: Settings) -> int:
    from demo_company.generate import generate_company

    out = Path(args.out).resolve() if args.out else settings.landing
    truth = Path(args.truth_out).resolve() if args.truth_out else None
    try:
        counts = generate_company(
            out, employees=args.employees, seed=args.seed, as_of=dt.date.fromisoformat(args.as_of),
            dirt_rate=args.dirt_rate, truth_out=truth, progress=not args.quiet,
            attendance_days=args.attendance_days, im_days=args.im_days,
        )
    except ValueError as exc:  # a setting out of range (e.g. fewer than 50 employees), a bad --as-of date
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {len(counts)} files, {sum(counts.values()):,} rows, to {out}")
    print(f"Ground truth (never read by the pipeline): {truth or out.parent / 'ground_truth'}")
    return 0
