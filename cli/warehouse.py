"""`trm sql` and `trm batches`: read the publication or the warehouse; reject or accept a loaded batch."""

from __future__ import annotations

import argparse
import sys

from operations.settings import Settings


def sql(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from ingestion.warehouse import connect, connect_sandboxed

    # The publication by default: it is never locked by a run and holds only gated, pseudonymous marts, and the
    # query runs sandboxed (it reads that file and nothing else). --restricted: the HR-only file of names, with
    # the publication attached as `published` to join on person_key. --warehouse is the engineers' door.
    if args.warehouse and args.restricted:
        print("error: --warehouse and --restricted are exclusive", file=sys.stderr)
        return 2
    path = settings.warehouse if args.warehouse else settings.restricted_published if args.restricted \
        else settings.published
    if not args.warehouse and not path.exists():
        print(f"error: nothing is published yet ({path} does not exist): the first nightly run publishes when "
              f"its checks pass. To query the working warehouse ({settings.warehouse}) instead: "
              "trm sql --warehouse \"...\"", file=sys.stderr)
        return 2
    if args.warehouse:
        print(f"note: --warehouse queries the working warehouse {path} with the engine unrestricted (raw, "
              "staging and restricted layers, the file system): for engineers; analysts and BI read the "
              "publication.", file=sys.stderr)
    try:
        if args.restricted:
            print("note: --restricted reads names, emails and phones (the restricted layer): for HR staff only.",
                  file=sys.stderr)
        con = (connect(path, read_only=True) if args.warehouse
               else connect_sandboxed(path, {"published": settings.published}) if args.restricted
               else connect_sandboxed(path))
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
    except duckdb.PermissionException as exc:
        print(f"error: not allowed on the publication: {exc}. `trm sql` reads the published tables only (no "
              "files, other databases, extensions or settings); an engineer who needs the working warehouse "
              "uses `trm sql --warehouse`.", file=sys.stderr)
        return 1
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


def open_warehouse(settings: Settings, read_only: bool):
    """The working warehouse for a command, or None after telling the user why it cannot be opened now."""
    import duckdb

    from ingestion.warehouse import connect

    try:
        return connect(settings.warehouse, read_only=read_only)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except duckdb.IOException:
        print(f"error: a run is writing {settings.warehouse}; try again when it has finished", file=sys.stderr)
    return None


def batches(args: argparse.Namespace, settings: Settings) -> int:
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
    import pandas as pd

    from expectations.batches import OverrideError, accept_batch
    from ingestion.batches import BatchError, list_batches, reject_batch
    from operations.audit_log import audit_recorder

    writes = args.reject is not None or args.accept is not None
    con = open_warehouse(settings, read_only=not writes)
    if con is None:
        return 2
    try:
        if not writes:
            with pd.option_context("display.max_rows", 200, "display.width", 250, "display.max_colwidth", 60):
                print(list_batches(con, args.entity, args.limit).to_string(index=False))
            return 0
        if args.accept is not None:
            entity = accept_batch(con, args.accept, args.check, args.reason or "",
                                  log_event=audit_recorder(settings.pii_key(), "batch_accepted"))
            print(f"Accepted {args.accept} ({entity}) for check {args.check}; recorded in audit.batch_overrides. "
                  "The next run reports that check as a warning for this batch and publishes if nothing else "
                  "blocks.")
            return 0
        rejection = reject_batch(con, args.reject, args.reason or "",
                                 log_event=audit_recorder(settings.pii_key(), "batch_rejected"))
    except (BatchError, OverrideError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Rejected {rejection.batch_id} ({rejection.entity}, {rejection.source_file}): {rejection.rows_moved:,} "
          "rows moved to raw.quarantine. The file will not be loaded again; the next `trm run` rebuilds on the "
          "previous version of those keys.")
    return 0
