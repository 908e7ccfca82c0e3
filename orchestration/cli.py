"""The ``trm`` command: generate a demo company, run the nightly job, query the warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from contextlib import redirect_stdout
from pathlib import Path

from orchestration.settings import Settings


def _cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.demo.generate import generate_company

    out = Path(args.out).resolve() if args.out else settings.landing
    truth = Path(args.truth_out).resolve() if args.truth_out else None
    counts = generate_company(
        out, employees=args.employees, seed=args.seed, as_of=dt.date.fromisoformat(args.as_of),
        dirt_rate=args.dirt_rate, truth_out=truth, progress=not args.quiet,
        attendance_days=args.attendance_days, im_days=args.im_days,
    )
    print(f"Wrote {len(counts)} files, {sum(counts.values()):,} rows, to {out}")
    print(f"Ground truth (never read by the pipeline): {truth or out.parent / 'ground_truth'}")
    return 0


def _dagster_instance(settings: Settings):
    from dagster import DagsterInstance

    # Runs started here show up in `make ui`, which uses the same DAGSTER_HOME.
    ensure_dagster_home(settings.dagster_home)
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    return DagsterInstance.get()


# Sections TRM needs in the instance's dagster.yaml, each added when missing (a user's own settings stay):
# telemetry off (TRM makes no network calls at run time), and one run at a time through Dagster's run queue, so
# the schedule, the sensor and UI launches queue behind a run in progress instead of colliding with it on the
# warehouse (runs started by `trm run` are kept apart by the run lock, operations/run_lock.py).
DAGSTER_YAML_SECTIONS = {
    "telemetry": "telemetry:\n  enabled: false\n",
    "concurrency": "concurrency:\n  runs:\n    max_concurrent_runs: 1\n",
}


def ensure_dagster_home(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    text = config.read_text() if config.exists() else ""
    missing = [section for key, section in DAGSTER_YAML_SECTIONS.items()
               if not any(line.startswith(f"{key}:") for line in text.splitlines())]
    if missing:
        with config.open("a") as handle:
            handle.write(("\n" if text and not text.endswith("\n") else "") + "".join(missing))


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.landing.exists():
        print(f"error: landing folder {settings.landing} does not exist. Run `trm generate` first or set "
              "TRM_LANDING.", file=sys.stderr)
        return 2
    import uuid

    from operations.run_lock import RunInProgress, run_lock

    run_id = str(uuid.uuid4())
    try:
        with run_lock(settings.home, run_id, args.job, wait_seconds=args.wait,
                      log=lambda message: print(message, file=sys.stderr)):
            return _run_job(args, settings, run_id)
    except RunInProgress as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


def _run_job(args: argparse.Namespace, settings: Settings, run_id: str) -> int:
    from orchestration.definitions import build_definitions
    from orchestration.run_summary import print_checks, print_footer, print_summary

    defs = build_definitions(settings)
    job = defs.resolve_job_def(args.job)
    # Tools' own output (dbt's per-node lines) goes to a log file; Dagster's step logs stay on stderr.
    log_dir = settings.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"trm-run-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    with _dagster_instance(settings) as instance, log_path.open("w") as log_file, redirect_stdout(log_file):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_id=run_id, tags={"trm/trigger": "trm run"},
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        )
    print(f"Full tool output (dbt): {log_path}")
    failures = [
        event for event in result.all_events if event.event_type_value == "STEP_FAILURE"
    ]
    print_summary(settings, result.run_id, [e.step_key or "" for e in failures])
    print_checks(result)
    print_footer(settings, result.run_id)
    if not result.success:
        from orchestration.notify import FailureNotice, notify_failure

        messages = []
        for event in failures:
            error = event.event_specific_data.error  # type: ignore[union-attr]
            message = error.message.strip() if error else "unknown error"
            messages.append(f"{event.step_key}: {message}")
            print(f"\nFAILED {event.step_key}: {message}", file=sys.stderr)
        print(f"\nRun {result.run_id} finished with failures (details: `make ui`, run {result.run_id[:8]}).",
              file=sys.stderr)
        notice = FailureNotice(result.run_id, args.job, "\n".join(messages) or "run failed",
                               [e.step_key or "" for e in failures])
        for line in notify_failure(settings, notice):
            print(f"Failure notification: {line}", file=sys.stderr)
        return 1
    return 0


def _cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from ingestion.warehouse import connect

    # The publication by default: it is never locked by a run and holds only gated, pseudonymous marts.
    path = settings.warehouse if args.warehouse else settings.published
    if not args.warehouse and not path.exists():
        print(f"error: nothing is published yet ({path} does not exist): the first nightly run publishes when "
              "its checks pass. To query the working warehouse instead: trm sql --warehouse "
              f"{settings.warehouse} \"...\"", file=sys.stderr)
        return 2
    try:
        con = connect(path, read_only=True)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.IOException as exc:
        print(f"error: cannot open {path} read-only while a run is writing it ({exc}). Try again when the "
              "run has finished, or query the publication (trm sql without --warehouse).", file=sys.stderr)
        return 2
    try:
        relation = con.sql(args.query)
        if relation is None:
            return 0
        frame = relation.limit(args.max_rows).df() if args.format != "csv" else relation.df()
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", args.max_rows, "display.max_columns", 50, "display.width", 200):
            print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return 0


def _cmd_batches(args: argparse.Namespace, settings: Settings) -> int:
    if args.reason and args.reject is None and args.accept is None:
        print("error: --reason goes with --reject BATCH_ID or --accept BATCH_ID --check NAME", file=sys.stderr)
        return 2
    if args.reject is not None and args.accept is not None:
        print("error: --reject and --accept are exclusive", file=sys.stderr)
        return 2
    if args.accept is not None and not args.check:
        print("error: --accept BATCH_ID needs --check NAME (the blocking check to let pass for this batch; "
              "trm batches lists the failing checks of each batch)", file=sys.stderr)
        return 2
    if args.reject is not None or args.accept is not None:  # writes the warehouse: not while a run does
        from operations.run_lock import RunInProgress, run_lock

        try:
            with run_lock(settings.home, f"batches-{args.reject or args.accept}", "trm batches"):
                return _batches(args, settings)
        except RunInProgress as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
    return _batches(args, settings)


def _batches(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb
    import pandas as pd

    from expectations.batches import OverrideError, accept_batch
    from ingestion.batches import BatchError, list_batches, reject_batch
    from ingestion.warehouse import connect

    writes = args.reject is not None or args.accept is not None
    try:
        con = connect(settings.warehouse, read_only=not writes)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.IOException:
        print(f"error: a run is writing {settings.warehouse}; try again when it has finished", file=sys.stderr)
        return 2
    try:
        if not writes:
            with pd.option_context("display.max_rows", 200, "display.width", 250, "display.max_colwidth", 60):
                print(list_batches(con, args.entity, args.limit).to_string(index=False))
            return 0
        if args.accept is not None:
            entity = accept_batch(con, args.accept, args.check, args.reason or "")
            print(f"Accepted {args.accept} ({entity}) for check {args.check}; recorded in audit.batch_overrides. "
                  "The next run reports that check as a warning for this batch and publishes if nothing else "
                  "blocks.")
            return 0
        rejection = reject_batch(con, args.reject, args.reason or "")
    except (BatchError, OverrideError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Rejected {rejection.batch_id} ({rejection.entity}, {rejection.source_file}): {rejection.rows_moved:,} "
          "rows moved to raw.quarantine. The file will not be loaded again; the next `trm run` rebuilds on the "
          "previous version of those keys.")
    return 0


# Subcommands with parsers of their own (usable on any file, without the warehouse): `trm NAME -h` shows theirs.
DELEGATED = {
    "resolve": ("ml.identity.cli", "resolve any person CSV to stable person keys: trm resolve IN.csv OUT.csv"),
    "sentiment": ("ml.sentiment.cli", "score any CSV's text column: trm sentiment IN.csv OUT.csv --text-column text"),
    "attrition": ("ml.attrition.cli", "attrition model on any feature table: trm attrition evaluate FEATURES.csv "
                                      "--label COLUMN"),
}


def _run_delegated(name: str, argv: list[str]) -> int:
    import importlib

    return importlib.import_module(DELEGATED[name][0]).main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trm", description="TRM — the talent relationship warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write a deterministic demo company into a landing folder")
    gen.add_argument("--out", help="landing folder to write (default: $TRM_HOME/landing)")
    gen.add_argument("--employees", type=int, default=1000, help="headcount at the as-of date (default 1000)")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--as-of", default="2026-10-31", help="last day of the history (default 2026-10-31)")
    gen.add_argument("--dirt-rate", type=float, default=0.03, help="share of records made dirty (default 0.03)")
    gen.add_argument("--attendance-days", type=int, default=365, help="days of attendance exports (default 365)")
    gen.add_argument("--im-days", type=int, default=180, help="days of IM history (default 180)")
    gen.add_argument("--truth-out", help="ground-truth folder (default: next to --out, named ground_truth)")
    gen.add_argument("--quiet", action="store_true", help="no progress bars")
    gen.set_defaults(func=_cmd_generate)

    run = sub.add_parser("run", help="run the nightly job in process (what the Dagster schedule runs)")
    run.add_argument("--job", default="nightly", choices=["nightly", "ingestion"])
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    run.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                     help="if another run holds this TRM_HOME, wait up to SECONDS for it (default: stop at once, "
                          "exit code 3)")
    run.set_defaults(func=_cmd_run)

    batches = sub.add_parser("batches", help="list loaded batches and the checks they fail; reject a bad one, or "
                                             "accept one a blocking check flags wrongly")
    batches.add_argument("--entity", help="only this raw table, e.g. hris__employees")
    batches.add_argument("--limit", type=int, default=20)
    batches.add_argument("--reject", metavar="BATCH_ID", help="move this batch's rows to raw.quarantine")
    batches.add_argument("--accept", metavar="BATCH_ID",
                         help="let one blocking check pass for this batch (recorded in audit.batch_overrides)")
    batches.add_argument("--check", metavar="NAME", help="with --accept: the check's name, as trm batches lists it")
    batches.add_argument("--reason", help="why (stored with every quarantined row, or with the override); required "
                                          "with --reject and --accept")
    batches.set_defaults(func=_cmd_batches)

    for name, (_module, help_text) in DELEGATED.items():
        sub.add_parser(name, add_help=False, help=f"{help_text} (trm {name} -h for options)")

    sql = sub.add_parser("sql", help="run a read-only SQL query against the publication (published.duckdb)")
    sql.add_argument("query")
    sql.add_argument("--warehouse", action="store_true",
                     help="query the working warehouse ($TRM_WAREHOUSE: raw, staging, restricted) instead")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("--max-rows", type=int, default=100, help="rows to print for table/json (default 100)")
    sql.set_defaults(func=_cmd_sql)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in DELEGATED:  # their own parsers, so `trm resolve -h` shows the resolver's options
        return _run_delegated(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    return args.func(args, Settings.from_env())


if __name__ == "__main__":
    raise SystemExit(main())
