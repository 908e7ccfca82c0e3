"""The ``trm`` command. Every subcommand is registered here, in ``COMMANDS``: its name, help, options and handler.

Handlers live beside this module (generate, run, warehouse) or in the library that owns the work (`trm resolve`,
`trm sentiment`, `trm attrition` take their options from ``ml/<part>/cli.py``, usable on any file without a
warehouse). Handlers of TRM's own commands receive the installation's ``Settings``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from operations.file_modes import owner_only_files
from operations.settings import Settings


def _generate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", help="landing folder to write (default: $TRM_HOME/landing)")
    p.add_argument("--employees", type=int, default=1000, help="headcount at the as-of date (default 1000)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--as-of", default="2026-10-31", help="last day of the history (default 2026-10-31)")
    p.add_argument("--dirt-rate", type=float, default=0.03, help="share of records made dirty (default 0.03)")
    p.add_argument("--attendance-days", type=int, default=365, help="days of attendance exports (default 365)")
    p.add_argument("--im-days", type=int, default=180, help="days of IM history (default 180)")
    p.add_argument("--truth-out", help="ground-truth folder (default: next to --out, named ground_truth)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--hold-back-days", type=int, default=0, metavar="K",
                   help="keep the exports of the last K days out of --out, one folder per day under "
                        "--out/../next_days/<date>/, to deliver night by night with --release-day")
    p.add_argument("--release-day", metavar="DATE",
                   help="copy the held-back exports of DATE (or 'next': the earliest not yet released) into --out "
                        "and stop (no generation)")


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--job", default="nightly", choices=["nightly", "ingestion"])
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="if another run holds this TRM_HOME, wait up to SECONDS for it (default: stop at once, "
                        "exit code 3)")
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild every incremental table from raw instead of adding the new data (after a "
                        "model or rule change, or to check the incremental state)")


def _batches_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--entity", help="only this raw table, e.g. hris__employees")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--reject", metavar="BATCH_ID", help="move this batch's rows to raw.quarantine")
    p.add_argument("--accept", metavar="BATCH_ID",
                   help="let one blocking check pass for this batch (recorded in audit.batch_overrides)")
    p.add_argument("--check", metavar="NAME", help="with --accept: the check's name, as trm batches lists it")
    p.add_argument("--reason", help="why (stored with every quarantined row, or with the override); required "
                                    "with --reject and --accept")


def _sql_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("query")
    p.add_argument("--warehouse", action="store_true",
                   help="for engineers: query the working warehouse ($TRM_WAREHOUSE: raw, staging, restricted, "
                        "identifiers included) with the engine unrestricted, instead of the sandboxed publication")
    p.add_argument("--restricted", action="store_true",
                   help="for HR staff: query the restricted publication ($TRM_HOME/restricted.duckdb: names, emails "
                        "and phones per person_key), sandboxed, with the publication attached as `published`")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--max-rows", type=int, default=100, help="rows to print for table/json (default 100)")


def _generate(args: argparse.Namespace) -> int:
    from cli.generate import generate

    return generate(args, Settings.from_env())


def _run(args: argparse.Namespace) -> int:
    from cli.run import run

    return run(args, Settings.from_env())


def _batches(args: argparse.Namespace) -> int:
    from cli.warehouse import batches

    return batches(args, _engine_configured(Settings.from_env()))


def _sql(args: argparse.Namespace) -> int:
    from cli.warehouse import sql

    return sql(args, _engine_configured(Settings.from_env()))


def _engine_configured(settings: Settings) -> Settings:
    """Commands that open the warehouse themselves use the installation's DuckDB limits."""
    from ingestion.warehouse import configure_engine

    configure_engine(settings.duckdb_config())
    return settings


# The library commands: options and handler from ml/<part>/cli.py, imported when that command is used.
def _resolve_options(p: argparse.ArgumentParser) -> None:
    from ml.identity.cli import add_arguments

    add_arguments(p)


def _resolve(args: argparse.Namespace) -> int:
    from ml.identity.cli import run

    return run(args)


def _sentiment_options(p: argparse.ArgumentParser) -> None:
    from ml.sentiment.cli import add_arguments

    add_arguments(p)


def _sentiment(args: argparse.Namespace) -> int:
    from ml.sentiment.cli import run

    return run(args)


def _attrition_options(p: argparse.ArgumentParser) -> None:
    from ml.attrition.cli import add_arguments

    add_arguments(p)


def _attrition(args: argparse.Namespace) -> int:
    from ml.attrition.cli import run

    return run(args)


def _audit_options(p: argparse.ArgumentParser) -> None:
    from cli.audit import add_arguments

    add_arguments(p)


def _audit(args: argparse.Namespace) -> int:
    from cli.audit import audit

    return audit(args, _engine_configured(Settings.from_env()))


def _erase_options(p: argparse.ArgumentParser) -> None:
    from cli.erase import add_arguments

    add_arguments(p)


def _erase(args: argparse.Namespace) -> int:
    from cli.erase import erase

    return erase(args, _engine_configured(Settings.from_env()))


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    options: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


COMMANDS = [
    Command("generate", "write a deterministic demo company into a landing folder", _generate_options, _generate),
    Command("run", "run the nightly job in process (what the Dagster schedule runs)", _run_options, _run),
    Command("batches", "list loaded batches and the checks they fail; reject a bad one, or accept one a blocking "
                       "check flags wrongly", _batches_options, _batches),
    Command("sql", "run a read-only SQL query against the publication (published.duckdb)", _sql_options, _sql),
    Command("audit", "the hash-chained audit log: trm audit show | trm audit verify", _audit_options, _audit),
    Command("erase", "remove one person from every layer, keep them out of later loads, and republish "
                     "(--dry-run shows what would go)", _erase_options, _erase),
    Command("resolve", "resolve any person CSV to stable person keys: trm resolve IN.csv OUT.csv",
            _resolve_options, _resolve),
    Command("sentiment", "score any CSV's text column: trm sentiment IN.csv OUT.csv --text-column text",
            _sentiment_options, _sentiment),
    Command("attrition", "attrition model on any feature table: trm attrition evaluate FEATURES.csv --label COLUMN",
            _attrition_options, _attrition),
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command (``only``: register the options of that command alone, to start quickly)."""
    parser = argparse.ArgumentParser(prog="trm", description="TRM — the talent relationship warehouse.")
    sub = parser.add_subparsers(dest="trm_command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        if only is None or only == command.name:
            command.options(p)
        p.set_defaults(handler=command.handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Importing a library's options costs its imports (scikit-learn...): only the command asked for is filled in.
    only = argv[0] if argv and argv[0] in {c.name for c in COMMANDS} else None
    args = build_parser(only).parse_args(argv)
    owner_only_files()  # what trm writes (landing copies, warehouse, reports) is its owner's alone
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
