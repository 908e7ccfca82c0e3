"""What the publish step decides with, apart from Dagster: the blocking verdicts, the privacy audit of the
candidate file, and what the publication records about itself (as-of date, model versions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ingestion.warehouse import ML_SCHEMA, connect, fetch_one, opened, table_exists
from publication.publish import CheckRecord, PublicationRecord, PublishBlocked


def failed_blocking(checks: list[CheckRecord]) -> list[CheckRecord]:
    return [c for c in checks if c.severity == "ERROR" and not c.passed]


def model_versions(warehouse: Path) -> dict[str, str]:
    """The model version behind the latest scores of each ML output."""
    versions = {}
    with opened(warehouse, read_only=True) as con:
        for name, table, order in (("attrition", "attrition_scores", "scored_at"),
                                   ("sentiment", "message_sentiment", "scored_at")):
            if table_exists(con, ML_SCHEMA, table):
                row = fetch_one(con, f"select model_version from {ML_SCHEMA}.{table} "
                                     f"order by {order} desc limit 1")
                if row and row[0]:
                    versions[name] = str(row[0])
    return versions


def as_of_date(warehouse: Path) -> dt.date | None:
    """The last day the marts describe (the headcount's last day), or None before the first build."""
    with opened(warehouse, read_only=True) as con:
        if not table_exists(con, "main", "fct_headcount_daily"):
            return None
        row = fetch_one(con, "select max(date_day) from main.fct_headcount_daily")
    return row[0] if row else None


def privacy_audit(warehouse: Path, tables: list[str], min_group_size: int, findings: dict,
                  record: PublicationRecord, warn: Callable[[str], None]) -> Callable[[Path], None]:
    """The audit of the candidate file: direct identifiers and small groups, by values as well as names.

    The scan's report lands in ``findings["report"]`` and its verdict in ``record.checks``; blocking findings
    raise PublishBlocked, warnings go to ``warn``."""
    from expectations.privacy import KnownIdentifiers, dbt_group_size_columns, scan_privacy

    with opened(warehouse, read_only=True) as con:
        known = KnownIdentifiers.from_warehouse(con)

    def _audit(candidate: Path) -> None:
        con = connect(candidate, read_only=True)
        try:
            report = scan_privacy(con, tables, known_identifiers=known, min_group_size=min_group_size,
                                  group_size_columns=dbt_group_size_columns())
        finally:
            con.close()
        findings["report"] = report
        record.checks.append(CheckRecord(
            "publication", "privacy_scan", "ERROR", report.passed,
            f"{len(report.blocking)} blocking, {len(report.warnings)} warning finding(s) on {len(tables)} tables"))
        if report.blocking:
            raise PublishBlocked("the privacy scan of the candidate publication found direct identifiers or "
                                 f"groups under the minimum size:\n{report.to_markdown()}")
        for finding in report.warnings:
            warn(f"privacy scan: {finding.message}")

    return _audit
