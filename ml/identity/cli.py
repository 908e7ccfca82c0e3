"""``trm resolve IN.csv OUT.csv [--threshold P] [--overrides FILE] [--previous CROSSWALK.csv]
[--must-links FILE] [--country-code 86]``

Reads a CSV with ``record_id`` and any of full_name, given_name, family_name, email, phone, birth_date,
national_id, address, city, postcode (other columns are ignored) and writes
``record_id,person_key,score,rule,cluster_size``. Also runnable as ``python -m ml.identity.cli IN OUT``.
Exit codes: 0 done, 2 bad input or arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ml.cli_support import log_to_stderr, standalone_parser

from .config import ResolverConfig
from .normalize import canonical_columns
from .overrides import OverrideError, load_overrides
from .resolve import resolve

KNOWN = ("full_name", "given_name", "family_name", "email", "phone", "birth_date", "national_id", "address",
         "city", "postcode")


class InputError(ValueError):
    pass


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{what} {path} does not exist")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from exc


def read_records(path: Path) -> pd.DataFrame:
    df = _read_csv(path, "input")
    df.columns = [str(c).strip() for c in df.columns]
    if "record_id" not in df.columns:
        raise InputError(f"{path}: no 'record_id' column (columns: {', '.join(df.columns) or 'none'})")
    ids = df["record_id"].fillna("").str.strip()
    if (ids == "").any():
        rows = (ids == "").to_numpy().nonzero()[0][:5] + 2  # +2: header line and 1-based
        raise InputError(f"{path}: empty record_id on line(s) {', '.join(map(str, rows))}")
    dup = ids[ids.duplicated(keep=False)]
    if len(dup):
        raise InputError(f"{path}: record_id must be unique; {dup.nunique()} value(s) repeat, e.g. "
                         f"{dup.iloc[0]!r}")
    df["record_id"] = ids
    usable = [c for c in canonical_columns(df).columns if c in KNOWN]
    if not usable:
        raise InputError(f"{path}: none of the columns {', '.join(KNOWN)} is present; nothing to compare")
    return df


def _read_with_columns(path: Path, what: str, required: set[str]) -> pd.DataFrame:
    frame = _read_csv(path, what)
    missing = required - set(frame.columns)
    if missing:
        raise InputError(f"{path}: {what} lacks column(s) {sorted(missing)}")
    return frame


def read_previous(path: Path) -> pd.DataFrame:
    return _read_with_columns(path, "previous crosswalk", {"record_id", "person_key"})


def read_must_links(path: Path) -> pd.DataFrame:
    return _read_with_columns(path, "must-link file", {"record_id_a", "record_id_b"})


DESCRIPTION = "Resolve person records to stable person keys."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options, on any parser: `trm resolve` registers them on its subcommand."""
    p.add_argument("input", type=Path, help="CSV with record_id and any of: " + ", ".join(KNOWN))
    p.add_argument("output", type=Path, help="crosswalk CSV to write (record_id,person_key,score,rule,cluster_size)")
    p.add_argument("--threshold", type=float, default=ResolverConfig.threshold,
                   help=f"match probability needed to link two records (default {ResolverConfig.threshold})")
    p.add_argument("--overrides", type=Path, help="steward decisions, CSV or YAML: "
                   "record_id_a,record_id_b,decision (must_link|cannot_link),reason")
    p.add_argument("--previous", type=Path, help="earlier crosswalk; its person_keys are kept where possible")
    p.add_argument("--must-links", type=Path, help="CSV record_id_a,record_id_b of known deterministic links")
    p.add_argument("--country-code", default=ResolverConfig.country_code,
                   help=f"calling code for national phone numbers (default {ResolverConfig.country_code})")
    p.add_argument("--quiet", action="store_true", help="no progress bars or summary")


def build_parser() -> argparse.ArgumentParser:
    return standalone_parser("trm resolve", DESCRIPTION, add_arguments)


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    log_to_stderr(args.quiet)
    try:
        config = ResolverConfig(threshold=args.threshold, country_code=str(args.country_code).lstrip("+"),
                                progress=not args.quiet)
        records = read_records(args.input)
        previous = read_previous(args.previous) if args.previous else None
        overrides = load_overrides(args.overrides) if args.overrides else None
        must_links = read_must_links(args.must_links) if args.must_links else None
    except (InputError, OverrideError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    result = resolve(records, config, previous=previous, overrides=overrides, must_links=must_links)
    out = result.crosswalk[["record_id", "person_key", "score", "rule", "cluster_size"]]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False, float_format="%.6f")
    if not args.quiet:
        print(f"{len(out):,} records -> {out['person_key'].nunique():,} persons in "
              f"{time.perf_counter() - start:.1f}s; wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
