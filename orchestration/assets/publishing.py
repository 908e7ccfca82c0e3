"""The last step of the nightly run: publish the gated marts for BI, then the people health report.

``publish/published_marts`` runs only when every upstream asset was built and no blocking check failed (Dagster
skips it otherwise); it checks the run's check results once more, copies the BI-facing marts to a candidate file,
scans the candidate for identifiers and small groups, and renames it over ``published.duckdb``.
"""


import datetime as dt
from pathlib import Path

from dagster import (
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingestion.warehouse import fetch_one, table_exists
from orchestration.assets.dbt import ensure_manifest
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.assets.sentiment import ML_SCHEMA
from orchestration.publish import (
    CheckRecord,
    PublicationRecord,
    PublishBlocked,
    bi_tables,
    publish,
)
from orchestration.resources import TRMResource

PUBLISHED_KEY = AssetKey(["publish", "published_marts"])
REPORT_KEY = AssetKey(["reports", "people_health_report"])


def _run_checks(context: AssetExecutionContext) -> list[CheckRecord]:
    """Every asset check evaluated in this run (dbt tests, expectations, drift), newest evaluation per check."""
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
    latest: dict[tuple[str, str], CheckRecord] = {}
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data  # type: ignore[union-attr]
        target = evaluation.asset_key.to_user_string()
        summary = evaluation.metadata.get("summary")
        latest[(target, evaluation.check_name)] = CheckRecord(
            target=target, check_name=evaluation.check_name,
            severity="ERROR" if evaluation.severity == AssetCheckSeverity.ERROR else "WARN",
            passed=evaluation.passed, detail=str(summary.value) if summary is not None else "")
    return list(latest.values())


def _model_versions(trm: TRMResource) -> dict[str, str]:
    versions = {}
    with trm.connect(read_only=True) as con:
        for name, table, order in (("attrition", "attrition_scores", "scored_at"),
                                   ("sentiment", "message_sentiment", "scored_at")):
            if table_exists(con, ML_SCHEMA, table):
                row = fetch_one(con, f"select model_version from {ML_SCHEMA}.{table} "
                                     f"order by {order} desc limit 1")
                if row and row[0]:
                    versions[name] = str(row[0])
    return versions


def _privacy_audit(trm: TRMResource, context: AssetExecutionContext, tables: list[str], findings: dict):
    """The audit of the candidate file: direct identifiers and small groups, by values as well as names."""
    from expectations.privacy import KnownIdentifiers, dbt_group_size_columns, scan_privacy

    with trm.connect(read_only=True) as con:
        known = KnownIdentifiers.from_warehouse(con)

    def _audit(candidate: Path) -> None:
        import duckdb

        con = duckdb.connect(str(candidate), read_only=True)
        try:
            report = scan_privacy(con, tables, known_identifiers=known, min_group_size=trm.settings.min_group_size,
                                  group_size_columns=dbt_group_size_columns())
        finally:
            con.close()
        findings["report"] = report
        if report.blocking:
            raise PublishBlocked("the privacy scan of the candidate publication found direct identifiers or "
                                 f"groups under the minimum size:\n{report.to_markdown()}")
        for finding in report.warnings:
            context.log.warning(f"privacy scan: {finding.message}")

    return _audit


def _failed_blocking(checks: list[CheckRecord]) -> list[CheckRecord]:
    return [c for c in checks if c.severity == "ERROR" and not c.passed]


def _build_published_marts(gated: set[AssetKey]):
    tables = bi_tables(ensure_manifest())
    marts = {AssetKey([t.name]) for t in tables}

    @asset(
        key=PUBLISHED_KEY,
        group_name="publish",
        owners=[OWNER],
        kinds={"duckdb"},
        # The marts, and directly every table an expectation suite guards: a blocking check then skips this step
        # in any run that includes both, even a hand-picked subset without the models in between.
        deps=sorted(marts | gated, key=lambda k: k.to_user_string()),
        retry_policy=TRANSIENT_RETRY,
        # BI reads this: warn when the last publication is more than a day old, fail after two nights missed.
        freshness_policy=FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=50),
                                                     warn_window=dt.timedelta(hours=26)),
        description=(
            "Write-audit-publish of the BI-facing marts (every dbt model under models/marts/, never the "
            "restricted schema) into `published.duckdb`, which BI tools and `trm sql` open read-only. Runs only "
            "when every blocking check of the run passed; the candidate file is scanned for direct identifiers "
            "and small groups and then renamed into place, so readers see the previous publication or the new "
            "one, never half. `publication.runs/tables/checks` in the file record each publication."
        ),
        metadata={"tables": len(tables)},
    )
    def published_marts(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
        settings = trm.settings
        checks = _run_checks(context)
        failed = _failed_blocking(checks)
        if failed:  # Dagster skips this step when a blocking check fails; this also covers hand-picked runs
            lines = "\n".join(f"- {c.target} · {c.check_name}: {c.detail[:300]}" for c in failed)
            raise Failure(description=f"not published: {len(failed)} blocking check(s) failed in this run; "
                                      f"{settings.published} is unchanged.\n{lines}", allow_retries=False)
        findings: dict = {}
        record = PublicationRecord(run_id=context.run.run_id, as_of_date=_as_of_date(trm), checks=checks,
                                   model_versions=_model_versions(trm))
        try:
            result = publish(settings.warehouse, settings.published, tables, record,
                             audit=_privacy_audit(trm, context, [t.name for t in tables], findings),
                             parquet_dir=settings.published.parent / "published_parquet"
                             if settings.publish_parquet else None,
                             progress=context.log.debug)
        except PublishBlocked as exc:
            raise Failure(description=f"not published: {exc}\n{settings.published} is unchanged.",
                          allow_retries=False) from exc
        rows = "\n".join(f"| {name} | {count:,} |" for name, count in sorted(result.row_counts.items()))
        privacy = findings.get("report")
        return MaterializeResult(metadata={
            "published_file": MetadataValue.path(str(result.path)),
            "tables": len(result.row_counts),
            "total_rows": sum(result.row_counts.values()),
            "dagster/row_count": sum(result.row_counts.values()),
            "checks_recorded": len(checks),
            "checks_warned": sum(1 for c in checks if not c.passed),
            "model_versions": MetadataValue.json(record.model_versions),
            "seconds": round(result.seconds, 1),
            "row_counts": MetadataValue.md("| table | rows |\n|---|---:|\n" + rows),
            "privacy_scan": MetadataValue.md(privacy.to_markdown()) if privacy else "not run",
            **({"parquet": MetadataValue.path(str(result.parquet_dir))} if result.parquet_dir else {}),
        })

    return published_marts


def _as_of_date(trm: TRMResource) -> dt.date | None:
    with trm.connect(read_only=True) as con:
        if not table_exists(con, "main", "fct_headcount_daily"):
            return None
        row = fetch_one(con, "select max(date_day) from main.fct_headcount_daily")
    return row[0] if row else None


@asset(
    key=REPORT_KEY,
    group_name="publish",
    owners=[OWNER],
    kinds={"html"},
    deps=[PUBLISHED_KEY],
    retry_policy=TRANSIENT_RETRY,
    description=(
        "The nightly people health report (HTML with charts, no external assets): headcount and attrition "
        "trend, recruiting funnel, engagement by dimension, top risk teams and compliance items, read from the "
        "publication so it shows exactly what BI shows. Written to `$TRM_HOME/reports/`."
    ),
)
def people_health_report(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    import duckdb

    from orchestration.reports.people_health import build_people_health_report

    settings = trm.settings
    out_dir = settings.home / "reports"
    con = duckdb.connect(str(settings.published), read_only=True)
    try:
        report = build_people_health_report(con, out_dir, run_id=context.run.run_id,
                                            min_group_size=settings.min_group_size)
    finally:
        con.close()
    return MaterializeResult(metadata={
        "report": MetadataValue.path(str(report.latest_path)),
        "open": MetadataValue.url(report.latest_path.resolve().as_uri()),
        **{k: v for k, v in report.headline.items() if isinstance(v, int | float | str)},
        "sections_skipped": ", ".join(report.skipped) or "none",
    })


def publishing_assets(gated: set[AssetKey]) -> list:
    """``gated``: the assets that carry blocking checks (the expectation suites' tables)."""
    return [_build_published_marts(gated), people_health_report]
