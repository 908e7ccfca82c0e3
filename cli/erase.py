"""`trm erase`: remove one person from every layer (privacy/erasure.py), then republish.

Under the run lock (an erasure never interleaves with a nightly run): find the person, plan, print what goes; with
``--dry-run`` stop there. Otherwise prepare the landing files without their rows, remove them from the warehouse in
one transaction (suppression list, retired key, receipt and audit event included), rename the landing files into
place, compact the warehouse file (deleted bytes do not linger in free blocks), purge the person from the existing
publications (privacy/publications.py), and run the nightly job so the publications are rewritten fresh.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from operations.settings import Settings


def add_arguments(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--person-key", help="the person's key (as in the marts)")
    who.add_argument("--email", help="any email of the person in an HRIS, ATS or IM record")
    who.add_argument("--phone", help="any phone number of the person (formats and +86 are normalised)")
    who.add_argument("--national-id", help="the person's ID number (matched by its keyed hash)")
    p.add_argument("--reason", default="", help="why (kept in the receipt; write a ticket number, not a name)")
    p.add_argument("--dry-run", action="store_true", help="show what would be removed; change nothing")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for a run in progress to finish (default: refuse at once)")
    p.add_argument("--no-run", action="store_true",
                   help="do not run the nightly job afterwards (the next run republishes, fresh)")


def _print_plan(summary: dict, dry_run: bool) -> None:
    verb = "would remove" if dry_run else "removed"
    print(f"Erasure {summary['erasure_id']} of person {summary['person_key']}: {verb}")
    print(f"  {summary['source_records']} source record(s) from the identity crosswalk (the key is retired)")
    for table, count in summary["raw_rows"].items():
        print(f"  {count:>8,} row(s)  raw.{table}")
    if summary["quarantine_rows"]:
        print(f"  {summary['quarantine_rows']:>8,} row(s)  raw.quarantine")
    for relative, count in summary["landing_files"].items():
        print(f"  {count:>8,} row(s)  landing/{relative}")
    for table, count in summary["warehouse_rows"].items():
        print(f"  {count:>8,} row(s)  {table}")
    print(f"  {summary['suppressed_values']} value(s) added to the suppression list (keyed hashes)")


def erase(args: argparse.Namespace, settings: Settings) -> int:
    import uuid

    from ingestion.contracts import load_contracts
    from ingestion.mapping import load_mapping
    from ingestion.warehouse import compact_database, connect
    from operations.audit_log import audit_key
    from operations.run_lock import RunInProgress, run_lock
    from privacy.erasure import ErasureError, apply_erasure, find_person, plan_erasure
    from privacy.landing_files import commit, discard, prepare, remove_leftovers
    from privacy.publications import purge_parquet, purge_publication

    by, value = next((k, v) for k, v in (("person_key", args.person_key), ("email", args.email),
                                         ("phone", args.phone), ("national_id", args.national_id)) if v)
    if not settings.warehouse.exists():
        print(f"error: no warehouse at {settings.warehouse}; nothing to erase", file=sys.stderr)
        return 2
    started = time.perf_counter()
    run_id = f"erase-{uuid.uuid4()}"
    try:
        with run_lock(settings.home, run_id, "erase", wait_seconds=args.wait,
                      log=lambda message: print(message, file=sys.stderr)):
            contracts = load_contracts()
            mapping = load_mapping(settings.mapping, contracts)
            con = connect(settings.warehouse, read_only=args.dry_run)
            try:
                key = settings.pii_key()
                person = find_person(con, contracts, by, value, key)
                plan = plan_erasure(con, contracts, mapping, [person])
                if args.dry_run:
                    _print_plan(plan.summary(), dry_run=True)
                    print("Dry run: nothing was changed.")
                    return 0
                remove_leftovers(settings.landing)
                rewritten = [r for r in (prepare(settings.landing, e) for e in plan.landing.values()) if r]
                try:
                    receipt = apply_erasure(con, contracts, plan, key, audit_key(key), args.reason, rewritten,
                                            run_id=run_id)
                except Exception:
                    discard(rewritten)
                    raise
                commit(settings.landing, rewritten)
                con.execute("checkpoint")
            finally:
                con.close()
            before, after = compact_database(settings.warehouse)
            # what BI and HR already read loses the person now, whatever the republishing run below decides
            published_rows = sum(purge_publication(path, plan.person_keys)
                                 for path in (settings.published, settings.restricted_published))
            published_rows += purge_parquet(settings.published_parquet, plan.person_keys)
            _print_plan(receipt, dry_run=False)
            print(f"  {published_rows:>8,} row(s)  in the publications (purged and compacted in place)")
            print(f"Warehouse compacted ({before / 1e6:,.0f} MB -> {after / 1e6:,.0f} MB); receipt in "
                  f"privacy.erasures ({receipt['erasure_id']}), audit event 'erased'.")
            status = 0
            if not args.no_run:
                from cli.run import _run_job

                print("Republishing: running the nightly job (publications are written fresh) ...")
                status = _run_job(argparse.Namespace(job="nightly", log_level="WARNING", wait=0.0,
                                                     full_refresh=False), settings, str(uuid.uuid4()))
            print(json.dumps({"erasure_id": receipt["erasure_id"], "seconds": round(time.perf_counter() - started, 1),
                              "republished": not args.no_run and status == 0}))
            return status
    except ErasureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunInProgress as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
