"""`trm run`: the nightly (or ingestion) job in process, under the run lock, with a summary at the end."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from contextlib import redirect_stdout

from operations.dagster_home import ensure_dagster_home
from operations.settings import Settings


def _dagster_instance(settings: Settings):
    from dagster import DagsterInstance

    # Runs started here show up in `make ui`, which uses the same DAGSTER_HOME.
    ensure_dagster_home(settings.dagster_home)
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    return DagsterInstance.get()


def run(args: argparse.Namespace, settings: Settings) -> int:
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


def run_tags(args: argparse.Namespace) -> dict[str, str]:
    from operations.dbt_project import FULL_REFRESH_TAG

    tags = {"trm/trigger": "trm run"}
    if getattr(args, "full_refresh", False):
        tags[FULL_REFRESH_TAG] = "true"
    return tags


def _run_job(args: argparse.Namespace, settings: Settings, run_id: str) -> int:
    from cli.run_summary import print_checks, print_footer, print_summary
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def(args.job)
    # Tools' own output (dbt's per-node lines) goes to a log file; Dagster's step logs stay on stderr.
    log_dir = settings.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"trm-run-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    with _dagster_instance(settings) as instance, log_path.open("w") as log_file, redirect_stdout(log_file):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_id=run_id, tags=run_tags(args),
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
        from operations.notify import FailureNotice, notify_failure

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
