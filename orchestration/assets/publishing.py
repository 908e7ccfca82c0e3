"""The last step of the nightly run: publish the gated marts for BI, then the people health report.

``publish/published_marts`` runs only when every upstream asset was built and no blocking check failed (Dagster
skips it otherwise); it checks the run's check results once more, copies the BI-facing marts to a candidate file,
scans the candidate for identifiers and small groups, and renames it over ``published.duckdb``.
"""


import datetime as dt

from dagster import (
    AssetCheckKey,
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

from operations.dbt_project import ensure_manifest, full_refresh_requested
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.resources import TRMResource
from privacy.erasure import erased_since_publication
from publication.gate import as_of_date, failed_blocking, model_versions, privacy_audit
from publication.publish import (
    CheckRecord,
    PublicationRecord,
    PublishBlocked,
    bi_tables,
    publish,
    restricted_tables,
)
from reports.people_health import write_report_from_publication

PUBLISHED_KEY = AssetKey(["publish", "published_marts"])
REPORT_KEY = AssetKey(["reports", "people_health_report"])


def _record(evaluation) -> CheckRecord:
    # The description holds counts only; sample rows (source ids) stay in the engineers' views, not in BI's file.
    return CheckRecord(target=evaluation.asset_key.to_user_string(), check_name=evaluation.check_name,
                       severity="ERROR" if evaluation.severity == AssetCheckSeverity.ERROR else "WARN",
                       passed=evaluation.passed, detail=evaluation.description or "")


def _run_checks(context: AssetExecutionContext) -> list[CheckRecord]:
    """Every asset check evaluated in this run (dbt tests, expectations, drift), newest evaluation per check."""
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
    latest: dict[tuple[str, str], CheckRecord] = {}
    for record in records:
        check = _record(record.event_log_entry.dagster_event.event_specific_data)  # type: ignore[union-attr]
        latest[(check.target, check.check_name)] = check
    return list(latest.values())


def _latest_failures(context: AssetExecutionContext, keys: list[AssetCheckKey]) -> list[CheckRecord]:
    """Blocking checks on the published marts and gated tables whose latest evaluation, in any run, failed.

    A run that materialises only this asset (from the UI) evaluates no checks itself; the tables it would publish
    were checked by earlier runs, and their latest verdict must stand."""
    latest = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    failures = []
    for record in latest.values():
        event = record.event
        evaluation = event.dagster_event.event_specific_data if event and event.dagster_event else None
        if evaluation is not None and not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
            failures.append(_record(evaluation))
    return failures


def _build_published_marts(gated: set[AssetKey], check_keys: set[AssetCheckKey]):
    tables = bi_tables(ensure_manifest())
    marts = {AssetKey([t.name]) for t in tables}
    upstream = marts | gated
    watched = sorted((k for k in check_keys if k.asset_key in upstream), key=lambda k: k.to_user_string())

    @asset(
        key=PUBLISHED_KEY,
        group_name="publish",
        owners=[OWNER],
        kinds={"duckdb"},
        # The marts, and directly every table an expectation suite guards: a blocking check then skips this step
        # in any run that includes both, even a hand-picked subset without the models in between.
        deps=sorted(upstream, key=lambda k: k.to_user_string()),
        retry_policy=TRANSIENT_RETRY,
        # BI reads this: warn when the last publication is more than a day old, fail after two nights missed.
        freshness_policy=FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=50),
                                                     warn_window=dt.timedelta(hours=26)),
        description=(
            "Write-audit-publish of the BI-facing marts (every dbt model under models/marts/, never the "
            "restricted schema) into `published.duckdb`, which BI tools and `trm sql` open read-only. Runs only "
            "when every blocking check of the run passed; the candidate file is scanned for direct identifiers "
            "and small groups and then renamed into place, so readers see the previous publication or the new "
            "one, never half. `publication.runs/tables/checks` in the file record each publication. Then the "
            "restricted layer (names per person_key) goes the same way into the HR-only `restricted.duckdb`."
        ),
        metadata={"tables": len(tables)},
    )
    def published_marts(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
        settings = trm.settings
        checks = _run_checks(context)
        # Dagster skips this step when a blocking check of the run fails; a hand-picked run has no checks of its
        # own, so the latest verdict of every blocking check on what is published counts too.
        failed = failed_blocking(checks) + _latest_failures(context, watched)
        if failed:
            lines = "\n".join(sorted({f"- {c.target} · {c.check_name}: {c.detail[:300]}" for c in failed}))
            raise Failure(description=f"not published: blocking check(s) failed; {settings.published} is "
                                      f"unchanged. Fix the data and run the nightly job again.\n{lines}",
                          allow_retries=False)
        findings: dict = {}
        record = PublicationRecord(run_id=context.run.run_id, as_of_date=as_of_date(settings.warehouse),
                                   checks=checks, model_versions=model_versions(settings.warehouse),
                                   audit_head=trm.audit_head())
        rewrite_all = (full_refresh_requested(context.run.tags)
                       or erased_since_publication(settings.warehouse, settings.published))
        try:
            result = publish(settings.warehouse, settings.published, tables, record,
                             audit=privacy_audit(settings.warehouse, [t.name for t in tables],
                                                 settings.min_group_size, findings, record, context.log.warning),
                             parquet_dir=settings.published_parquet
                             if settings.publish_parquet else None,
                             progress=context.log.debug,
                             # a full-refresh night writes every mart again, into a fresh (compacted) file;
                             # so does the first publication after an erasure (no erased bytes carried over)
                             rewrite_all=rewrite_all,
                             share_with=settings.publication_group)
        except PublishBlocked as exc:
            raise Failure(description=f"not published: {exc}\n{settings.published} is unchanged.",
                          allow_retries=False) from exc
        trm.audit("published", {"file": result.path.name, "tables": len(result.row_counts),
                                "total_rows": sum(result.row_counts.values()),
                                "tables_rewritten": sorted(result.rewritten), "as_of_date": record.as_of_date,
                                "model_versions": record.model_versions, "checks_warned":
                                sum(1 for c in checks if not c.passed)}, context.run.run_id)
        # The HR-only file of names per person_key, from the same gated run (owner-only unless TRM_RESTRICTED_GROUP).
        restricted = publish(settings.warehouse, settings.restricted_published, restricted_tables(ensure_manifest()),
                             PublicationRecord(run_id=record.run_id, as_of_date=record.as_of_date,
                                               audit_head=trm.audit_head()),
                             source_schema="restricted", share_with=settings.restricted_group,
                             rewrite_all=rewrite_all)
        trm.audit("published", {"file": restricted.path.name, "tables": len(restricted.row_counts),
                                "total_rows": sum(restricted.row_counts.values())}, context.run.run_id)
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
            "tables_rewritten": len(result.rewritten),
            "restricted_file": MetadataValue.path(str(restricted.path)),
            "restricted_tables": len(restricted.row_counts),
            "row_counts": MetadataValue.md("| table | rows |\n|---|---:|\n" + rows),
            "privacy_scan": MetadataValue.md(privacy.to_markdown()) if privacy else "not run",
            **({"parquet": MetadataValue.path(str(result.parquet_dir))} if result.parquet_dir else {}),
        })

    return published_marts


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
    settings = trm.settings
    report = write_report_from_publication(settings.published, settings.home / "reports", context.run.run_id,
                                           settings.min_group_size)
    return MaterializeResult(metadata={
        "report": MetadataValue.path(str(report.latest_path)),
        "open": MetadataValue.url(report.latest_path.resolve().as_uri()),
        **{k: v for k, v in report.headline.items() if isinstance(v, int | float | str)},
        "sections_skipped": ", ".join(report.skipped) or "none",
    })


def publishing_assets(gated: set[AssetKey], check_keys: set[AssetCheckKey]) -> list:
    """``gated``: the assets that carry blocking expectation suites; ``check_keys``: every check defined."""
    return [_build_published_marts(gated, check_keys), people_health_report]
