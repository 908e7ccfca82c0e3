"""Identity resolution between staging and the person-level models: one ``person_key`` per real person, then the
retention policy's erasures, which need the crosswalk and must precede the warehouse build.

The steps are ``ml.identity.warehouse.resolve_people`` and ``privacy.retention.enforce``; this module declares them
as one asset (a separate asset between identity and the dbt models makes Dagster split the dbt build into steps).
Who is due is computed after the build (orchestration/assets/privacy.py).
"""

import datetime as dt
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue, asset

from ml.identity.warehouse import IDENTITY_SCHEMA, PERSON_SOURCES, resolve_people
from operations.audit_log import audit_key
from orchestration.assets.ingestion import OWNER
from orchestration.resources import TRMResource
from privacy.retention import RetentionError, enforce, load_policy
from publication.gate import as_of_date


@asset(
    key=AssetKey([IDENTITY_SCHEMA, "person_crosswalk"]),
    group_name="identity",
    owners=[OWNER],
    kinds={"python", "duckdb"},
    deps=[AssetKey([view]) for view, *_ in PERSON_SOURCES.values()],
    description=(
        "Every person-bearing source record (HRIS employees, ATS candidates, event sign-ups, IM accounts) → a "
        "stable surrogate `person_key`, with the rule (fellegi_sunter, must_link:known_id, must_link:steward, "
        "singleton) and the match probability that linked it. Keys carry over between runs; steward overrides "
        "(`$TRM_HOME/identity_overrides.csv`) beat the model. Then the retention policy (privacy/retention.yaml or "
        "TRM_RETENTION): people the last build found due are erased from every layer as `trm erase` does, rows "
        "older than a row rule deleted."
    ),
)
def person_crosswalk(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    settings = trm.settings
    try:  # read first: a malformed policy stops the run before anything is resolved or deleted
        policy = load_policy(settings.retention, trm.contracts)
    except RetentionError as exc:
        raise Failure(description=f"retention policy not applied, nothing deleted: {exc}", allow_retries=False) from exc
    with trm.connect() as con:
        crosswalk, result, previous = resolve_people(con, Path(trm.home) / "identity_overrides.csv",
                                                     context.run.run_id, audit_key(trm.settings.pii_key()))
    per_source = crosswalk.groupby("record_source")["record_id"].count().to_dict()
    kept = 0 if previous is None else int(
        crosswalk.merge(previous, on="record_id", suffixes=("", "_prev"))
        .eval("person_key == person_key_prev").sum())
    context.log.info(f"{len(crosswalk):,} records → {crosswalk['person_key'].nunique():,} persons")
    # The retention clock is the data's: the last day the marts describe (today before the first build).
    as_of = settings.pinned_as_of or as_of_date(settings.warehouse) or dt.date.today()
    key = settings.pii_key()
    with trm.connect() as con:
        removed = enforce(con, policy, trm.contracts, trm.column_mapping, settings.landing, key, audit_key(key),
                          as_of, context.run.run_id)
    context.log.info("retention: " + (", ".join(f"{rule} {n:,}" for rule, n in removed.items()) or "no rules"))
    return MaterializeResult(metadata={
        "retention_removed_per_rule": MetadataValue.json(removed),
        "records": len(crosswalk),
        "persons": int(crosswalk["person_key"].nunique()),
        "records_per_source": MetadataValue.json(per_source),
        "rules": MetadataValue.json(crosswalk["rule"].value_counts().to_dict()),
        "keys_kept_from_previous_run": kept,
        "key_changes": len(result.key_changes),
        "timings_s": MetadataValue.json(result.timings),
        "dagster/row_count": len(crosswalk),
    })
