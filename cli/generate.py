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
    if args.release_day:
        return _release(out, args.release_day)
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
    if args.hold_back_days:
        from demo_company.daily import hold_back

        days = hold_back(out, out.parent / NEXT_DAYS, args.hold_back_days, dt.date.fromisoformat(args.as_of))
        print(f"Held back the exports of {days[0]} .. {days[-1]} in {out.parent / NEXT_DAYS}; deliver one night's "
              f"with `trm generate --out {out} --release-day next`")
    return 0


NEXT_DAYS = "next_days"
RELEASED = ".released"


def _release(out: Path, which: str) -> int:
    from demo_company.daily import held_days, release_day

    folder = out.parent / NEXT_DAYS
    released = set((folder / RELEASED).read_text().split()) if (folder / RELEASED).exists() else set()
    pending = [d for d in held_days(folder) if d.isoformat() not in released]
    if which == "next":
        if not pending:
            print(f"error: no held-back day left in {folder}", file=sys.stderr)
            return 2
        day = pending[0]
    else:
        try:
            day = dt.date.fromisoformat(which)
        except ValueError:
            print(f"error: --release-day {which!r}: expected a date (YYYY-MM-DD) or 'next'", file=sys.stderr)
            return 2
        if day not in held_days(folder):
            print(f"error: no held-back exports for {day} in {folder}", file=sys.stderr)
            return 2
    files = release_day(folder, day, out)
    with (folder / RELEASED).open("a") as fh:
        fh.write(day.isoformat() + "\n")
    print(f"Delivered the exports of {day}: {len(files)} files into {out}")
    return 0
