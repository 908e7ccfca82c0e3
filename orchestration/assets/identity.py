"""Identity resolution between staging and the person-level models: one ``person_key`` per real person.

The step itself is ``ml.identity.warehouse.resolve_people``; this module declares it as an asset.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from ml.identity.warehouse import IDENTITY_SCHEMA, PERSON_SOURCES, resolve_people
from operations.audit_log import audit_key
from orchestration.assets.ingestion import OWNER
from orchestration.resources import TRMResource


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
        "(`$TRM_HOME/identity_overrides.csv`) beat the model."
    ),
)
def person_crosswalk(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    with trm.connect() as con:
        crosswalk, result, previous = resolve_people(con, Path(trm.home) / "identity_overrides.csv",
                                                     context.run.run_id, audit_key(trm.settings.pii_key()))
    per_source = crosswalk.groupby("record_source")["record_id"].count().to_dict()
    kept = 0 if previous is None else int(
        crosswalk.merge(previous, on="record_id", suffixes=("", "_prev"))
        .eval("person_key == person_key_prev").sum())
    context.log.info(f"{len(crosswalk):,} records → {crosswalk['person_key'].nunique():,} persons")
    return MaterializeResult(metadata={
        "records": len(crosswalk),
        "persons": int(crosswalk["person_key"].nunique()),
        "records_per_source": MetadataValue.json(per_source),
        "rules": MetadataValue.json(crosswalk["rule"].value_counts().to_dict()),
        "keys_kept_from_previous_run": kept,
        "key_changes": len(result.key_changes),
        "timings_s": MetadataValue.json(result.timings),
        "dagster/row_count": len(crosswalk),
    })
