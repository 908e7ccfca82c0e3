"""``trm attrition evaluate FEATURES.csv --label COLUMN [--time-column C] [--group-column C] [--positive VALUE]
[--folds 5] [--horizon-months N] [--exclude C1,C2] [--output metrics.json]``

Runs the same preprocessing, model selection and calibration as the warehouse model on any feature table
(CSV, XLSX or Parquet) and prints out-of-fold metrics as JSON on stdout. Also runnable as
``python -m ml.attrition.cli evaluate ...``. Exit codes: 0 done, 2 bad input or arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ml.cli_support import standalone_parser

from .labels import LabelError
from .modeling import TableError, fit_and_evaluate
from .tables import TableReadError, read_table
from .validation import ValidationError

DESCRIPTION = "Attrition-risk model on any feature table."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options, on any parser: `trm attrition` registers them on its subcommand."""
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="cross-validated metrics of the attrition model on a feature table",
                        description="Out-of-fold ROC AUC, PR AUC, Brier score and top-decile lift, overall and by "
                                    "gender and age band, as JSON on stdout.")
    ev.add_argument("features", type=Path, help="feature table: .csv (UTF-8 or GB18030), .xlsx or .parquet")
    ev.add_argument("--label", required=True, help="column saying whether the person left (Yes/No, 1/0, ...)")
    ev.add_argument("--positive", action="append",
                    help="label value meaning 'left' when it is not recognised automatically (repeatable)")
    ev.add_argument("--time-column", help="snapshot date/period column: train on earlier, validate on later rows")
    ev.add_argument("--horizon-months", type=int, default=0,
                    help="with --time-column: months the label looks ahead; training rows whose label window "
                         "reaches the validation period are left out (default 0)")
    ev.add_argument("--group-column", help="rows sharing this value (e.g. a person id) stay in one fold")
    ev.add_argument("--exclude", action="append", default=[], metavar="C1,C2",
                    help="columns never used as features, comma-separated or repeated (still used for slices)")
    ev.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    ev.add_argument("--output", type=Path, help="also write the JSON to this file")
    ev.add_argument("--quiet", action="store_true", help="no timing line on stderr")


def build_parser() -> argparse.ArgumentParser:
    return standalone_parser("trm attrition", DESCRIPTION, add_arguments)


def evaluate_command(args: argparse.Namespace) -> int:
    if args.folds < 2:
        print("error: --folds must be at least 2", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        frame = read_table(args.features)
        if args.label not in frame.columns:
            raise TableError(f"no label column {args.label!r} in {args.features}; columns are: "
                             f"{', '.join(frame.columns)}")
        result = fit_and_evaluate(frame, args.label, time_column=args.time_column, group_column=args.group_column,
                                  exclude=[c.strip() for arg in args.exclude for c in arg.split(",") if c.strip()],
                                  positive=args.positive, folds=args.folds,
                                  horizon_months=args.horizon_months)
    except (TableReadError, TableError, LabelError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    document = {"input": str(args.features), **result.to_dict()}
    text = json.dumps(document, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    if not args.quiet:
        print(f"evaluated {document['n_rows']:,} rows in {time.perf_counter() - start:.1f}s; chosen "
              f"{document['chosen_model']} ({document['calibration']} calibration)", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    if args.command == "evaluate":
        return evaluate_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
