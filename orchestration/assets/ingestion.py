"""One Dagster asset per source entity: land files into ``raw.<source>__<entity>``."""


from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
    asset_check,
)

from ingestion.contracts import EntityContract
from ingestion.load_reports import EntityReport, batch_profile
from ingestion.loader import load_entity
from ingestion.warehouse import RAW_SCHEMA, fetch_one
from orchestration.resources import TRMResource

OWNER = "team:data-engineering"
# Lock contention with a reader's tool, a file still being copied or a full disk are what a retry can fix; data
# failures raise Failure(allow_retries=False) and dbt builds and checks are never retried.
TRANSIENT_RETRY = RetryPolicy(max_retries=2, delay=10)
# Warn when more than this share of an entity's rows in the latest loaded files went to quarantine.
QUARANTINE_WARN_SHARE = 0.05


def raw_asset_key(entity: str) -> AssetKey:
    # Matches dagster-dbt's default key for dbt source `raw`, table `<entity>`.
    return AssetKey([RAW_SCHEMA, entity])


def _files_table(report: EntityReport) -> str:
    lines = ["| file | status | read | loaded | quarantined | note |", "|---|---|---:|---:|---:|---|"]
    for f in report.files:
        note = f.error or (f"same content as {f.duplicate_of}" if f.duplicate_of else "")
        if f.unmapped_columns:
            note += f" unmapped columns ignored: {', '.join(f.unmapped_columns)}"
        lines.append(f"| {f.source_file} | {f.status} | {f.rows_read} | {f.rows_loaded} | "
                     f"{f.rows_quarantined} | {note.strip()} |")
    return "\n".join(lines)


def _profile_table(profile: list[dict[str, object]]) -> str:
    lines = ["| column | type | rows | filled | distinct (approx.) |", "|---|---|---:|---:|---:|"]
    lines += [f"| {c['column']} | {c['type']} | {c['rows']} | {c['filled']} | {c['distinct_approx']} |" for c in profile]
    return "\n".join(lines)


def _build_asset(contract: EntityContract) -> AssetsDefinition:
    columns = ", ".join(f"`{c.name}` ({c.type}{', required' if c.required else ''})" for c in contract.columns)

    @asset(
        key=raw_asset_key(contract.name),
        group_name="ingestion",
        owners=[OWNER],
        kinds={"python", "duckdb"},
        description=(f"{contract.description}\n\nLoads landing files mapped to `{contract.name}` into "
                     f"`raw.{contract.name}`; bad rows go to `raw.quarantine`.\n\nContract: {columns}"),
        metadata={"source": contract.source, "primary_key": ", ".join(contract.primary_key)},
        retry_policy=TRANSIENT_RETRY,
    )
    def _ingest(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
        with trm.connect() as con:
            report = load_entity(con, contract, trm.column_mapping, trm.settings.landing,
                                 trm.settings.pii_key(), context.run_id, context.log.info,
                                 max_field_chars=trm.settings.max_field_chars,
                                 piece_rows=trm.settings.ingest_piece_rows)
            profile = batch_profile(con, f"{RAW_SCHEMA}.{contract.name}", contract.name, context.run_id)
        metadata = {
            "rows_read": report.total("rows_read"),
            "rows_loaded": report.total("rows_loaded"),
            "rows_quarantined": report.total("rows_quarantined"),
            "files_loaded": report.count("loaded"),
            "files_unchanged": report.count("unchanged"),
            "files_duplicate": report.count("duplicate"),
            "files_failed": report.count("failed"),
            "dagster/row_count": report.table_rows,
            "files": MetadataValue.md(_files_table(report)) if report.files else MetadataValue.text("no files"),
            # a profile of tonight's rows, never sample rows (identifiers stay out of Dagster's storage)
            "loaded_columns": MetadataValue.md(_profile_table(profile)) if profile and profile[0]["rows"]
            else "nothing loaded by this run",
        }
        if not report.files:
            context.log.warning(f"no landing files match {contract.name}; see the mapping file")
        if report.failed:
            errors = "\n".join(f"- {f.error}" for f in report.failed)
            raise Failure(description=f"{len(report.failed)} file(s) of {contract.name} could not be loaded "
                                      f"(the other files were loaded):\n{errors}", metadata=metadata,
                          allow_retries=False)  # bad data: retrying cannot help
        return MaterializeResult(metadata=metadata)

    return _ingest


def _build_check(contract: EntityContract) -> AssetChecksDefinition:
    @asset_check(
        asset=raw_asset_key(contract.name),
        name="quarantine_share",
        description=f"Share of rows quarantined in the files loaded by the latest run stays under "
                    f"{QUARANTINE_WARN_SHARE:.0%} (warning: a spike means an export changed shape).",
    )
    def _check(context, trm: TRMResource) -> AssetCheckResult:
        with trm.connect() as con:
            read, quarantined = fetch_one(
                con,
                f"""select coalesce(sum(rows_read), 0), coalesce(sum(rows_quarantined), 0)
                    from {RAW_SCHEMA}.ingestion_files where entity = ? and run_id = ? and status = 'loaded'""",
                [contract.name, context.run.run_id],
            )
        share = quarantined / read if read else 0.0
        return AssetCheckResult(
            passed=share <= QUARANTINE_WARN_SHARE,
            severity=AssetCheckSeverity.WARN,
            metadata={"rows_read": int(read), "rows_quarantined": int(quarantined), "share": float(share)},
        )

    return _check


# Written by the ingestion asset of every full-snapshot entity (ingestion/snapshots.py) and read by staging (dbt
# source raw.source_deletions): declared here so the lineage shows it, materialised by no asset of its own.
SOURCE_DELETIONS = AssetSpec(
    key=raw_asset_key("source_deletions"),
    group_name="ingestion",
    owners=[OWNER],
    kinds={"duckdb"},
    description=("Keys closed because the latest complete full-snapshot export of their entity no longer held them "
                 "(deleted at the source), written while the full-snapshot entities load; staging leaves them out "
                 "and a later export holding the key reopens it. docs/sources.md"),
)


def build_ingestion_assets(contracts: dict[str, EntityContract]) -> tuple[list, list]:
    contracts_in_order = list(contracts.values())
    return [_build_asset(c) for c in contracts_in_order], [_build_check(c) for c in contracts_in_order]
