"""The short report printed after `trm run`: rows per raw table, quarantine, failures, where to look."""

from __future__ import annotations

import duckdb

from ingestion.warehouse import RAW_SCHEMA, connect, table_row_counts
from operations.settings import Settings


def print_summary(settings: Settings, run_id: str, failed_steps: list[str]) -> None:
    try:
        con = connect(settings.warehouse, read_only=True)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"(no summary: {exc})")
        return
    try:
        per_entity = con.execute(
            f"""select entity,
                       count(*) filter (where status = 'loaded') as files,
                       coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0),
                       count(*) filter (where status = 'failed'), count(*) filter (where status = 'duplicate')
                from {RAW_SCHEMA}.ingestion_files where run_id = ? group by entity order by entity""",
            [run_id],
        ).fetchall()
        totals = table_row_counts(con)
        # Quoted values differ row by row; blank them so the same problem groups together.
        reasons = con.execute(
            f"""select entity, regexp_replace(reason, $$'[^']*'$$, '…', 'g') as reason, count(*) as n
                from {RAW_SCHEMA}.quarantine
                where batch_id in (select batch_id from {RAW_SCHEMA}.ingestion_files
                                   where run_id = ? and status = 'loaded')
                group by all order by n desc limit 8""",
            [run_id],
        ).fetchall()
        failures = con.execute(
            f"select error from {RAW_SCHEMA}.ingestion_files where run_id = ? and status = 'failed'", [run_id]
        ).fetchall()
    finally:
        con.close()

    print(f"\nTRM run {run_id[:8]} — ingestion")
    print(f"{'raw table':38} {'files':>5} {'read':>10} {'loaded':>10} {'quarant.':>9} {'table rows':>11}")
    for entity, files, read, loaded, quarantined, failed, duplicate in per_entity:
        note = (f"  {failed} failed" if failed else "") + (f"  {duplicate} duplicate" if duplicate else "")
        print(f"raw.{entity:34} {files:>5} {read:>10,} {loaded:>10,} {quarantined:>9,} "
              f"{totals.get(entity, 0):>11,}{note}")
    if not per_entity:
        print("(no new or changed landing files: nothing to load)")
    read = sum(r[2] for r in per_entity)
    loaded = sum(r[3] for r in per_entity)
    quarantined = sum(r[4] for r in per_entity)
    print(f"{'total':43} {read:>10,} {loaded:>10,} {quarantined:>9,}   (read = loaded + quarantined: "
          f"{'yes' if read == loaded + quarantined else 'NO'})")
    if reasons:
        print("\nTop quarantine reasons this run (all rows: select * from raw.quarantine):")
        for entity, reason, n in reasons:
            print(f"  {n:>6,}  {entity}: {reason[:110]}")
    for (error,) in failures:
        print(f"\nFile not loaded: {error}")
    if failed_steps:
        print(f"\nFailed steps: {', '.join(failed_steps)}")


def print_footer(settings: Settings, run_id: str | None = None) -> None:
    from publication.publish import latest_publication

    latest = latest_publication(settings.published)
    print(f"\nWarehouse (working file, raw to marts): {settings.warehouse}")
    if latest and latest["run_id"] == run_id:
        print(f"Published for BI: {settings.published} ({latest['tables']} marts, {latest['total_rows']:,} rows, "
              f"{latest['checks_passed']} checks passed, {latest['checks_warned']} warnings)")
    elif latest:
        print(f"NOT published by this run; BI still reads the last good publication in {settings.published} "
              f"(run {latest['run_id'][:8]}, {latest['published_at'].tz_convert('UTC'):%Y-%m-%d %H:%M} UTC)")
    else:
        print(f"Nothing published yet ({settings.published} does not exist).")
    reports = settings.home / "reports"
    if (reports / "people_health_latest.html").exists():
        print(f"People health report: {reports / 'people_health_latest.html'}")
    if (reports / "data_docs" / "index.html").exists():
        print(f"Data quality (Data Docs): {reports / 'data_docs' / 'index.html'}")
    print('Query the publication:  trm sql "select * from publication.runs"')
    print('Query the working file: trm sql --warehouse "select * from raw.quarantine limit 20"')
    print("Dagster UI: make ui  (then open http://localhost:3000)")


def print_checks(result) -> None:
    """Assets built and checks run (dbt tests included), with the failing checks named."""
    from dagster import AssetCheckSeverity

    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed and e.severity == AssetCheckSeverity.ERROR]
    warned = [e for e in evaluations if not e.passed and e.severity == AssetCheckSeverity.WARN]
    print(f"\nAssets materialized: {len(materialized)}   checks: {len(evaluations)} run, "
          f"{len(evaluations) - len(failed) - len(warned)} passed, {len(warned)} warnings, {len(failed)} failed")
    for evaluation in failed + warned[:10]:
        level = "FAILED " if evaluation in failed else "warning"
        print(f"  {level} {evaluation.asset_key.to_user_string()} · {evaluation.check_name}")
        summary = evaluation.metadata.get("summary")
        if summary is not None and evaluation in failed:  # what failed, on which rows (identifiers masked)
            for line in str(summary.value).splitlines()[:6]:
                print(f"          {line[:700]}")
    if failed:
        print("  A failed blocking check stops everything downstream of its table: nothing was published.")
    if len(warned) > 10:
        print(f"  ... and {len(warned) - 10} more warnings (make ui → asset checks)")
