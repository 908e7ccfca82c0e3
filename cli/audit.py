"""`trm audit show` and `trm audit verify`: read the warehouse's hash-chained audit log (operations/audit_log.py)."""

from __future__ import annotations

import argparse
import sys

from operations.settings import Settings


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="list audit events, newest first")
    show.add_argument("--kind", help="only events of this kind (run_started, published, batch_rejected, ...)")
    show.add_argument("--limit", type=int, default=50, help="events to list (default 50)")
    sub.add_parser("verify", help="recompute the hash chain; name the first altered or missing event")


def _anchors(settings: Settings) -> list[str]:
    """Audit heads recorded by the publications (a copy of the chain's end outside the warehouse)."""
    import duckdb

    from ingestion.warehouse import connect_sandboxed

    if not settings.published.exists():
        return []
    con = connect_sandboxed(settings.published)
    try:
        return [r[0] for r in con.execute("select audit_head from publication.runs where audit_head is not null "
                                          "order by published_at").fetchall()]
    except duckdb.BinderException:  # a publication written before audit heads were recorded
        return []
    finally:
        con.close()


def audit(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb
    import pandas as pd

    from cli.warehouse import open_warehouse
    from operations.audit_log import EVENTS, KINDS, audit_key, verify

    con = open_warehouse(settings, read_only=True)
    if con is None:
        return 2
    try:
        if args.audit_command == "verify":
            result = verify(con, audit_key(settings.pii_key()), _anchors(settings))
            if not result.ok:
                print(f"audit log NOT intact ({result.events} events): {result.problem}", file=sys.stderr)
                return 1
            print(f"audit log intact: {result.events} events, every hash recomputed"
                  f"{' and the publications agree with its end' if settings.published.exists() else ''}")
            return 0
        if args.kind and args.kind not in KINDS:
            print(f"error: unknown kind {args.kind!r}; one of: {', '.join(KINDS)}", file=sys.stderr)
            return 2
        where, params = ("where kind = ?", [args.kind]) if args.kind else ("", [])
        try:
            frame = con.execute(f"select seq, recorded_at, kind, run_id, detail from {EVENTS} {where} "
                                "order by seq desc limit ?", [*params, args.limit]).df()
        except duckdb.CatalogException:
            frame = pd.DataFrame()
    finally:
        con.close()
    with pd.option_context("display.max_rows", args.limit, "display.width", 250, "display.max_colwidth", 120):
        print(frame.to_string(index=False) if len(frame) else "(no audit events yet: a run records the first)")
    return 0
