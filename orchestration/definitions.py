"""The single Dagster ``Definitions`` of TRM (``dagster dev -m orchestration.definitions``)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from expectations.engine import load_suites
from ingestion.contracts import load_contracts
from ingestion.mapping import load_mapping
from operations.settings import Settings
from orchestration.assets.attrition import (
    attrition_drift,
    attrition_features,
    attrition_model,
    attrition_scores,
)
from orchestration.assets.dbt import build_dbt_assets, dbt_resource
from orchestration.assets.identity import person_crosswalk
from orchestration.assets.ingestion import SOURCE_DELETIONS, build_ingestion_assets
from orchestration.assets.privacy import retention_due
from orchestration.assets.publishing import publishing_assets
from orchestration.assets.quality import build_quality_checks, gated_assets
from orchestration.assets.sentiment import comment_sentiment, message_sentiment
from orchestration.jobs import ingestion_job, nightly_job, retrain_job
from orchestration.resources import TRMResource
from orchestration.schedules import nightly_schedule, weekly_retrain_schedule
from orchestration.sensors import failure_notification_sensor, landing_sensor


def build_definitions(settings: Settings) -> Definitions:
    contracts = load_contracts()
    mapping = load_mapping(settings.mapping, contracts)
    ingestion_assets, ingestion_checks = build_ingestion_assets(contracts)
    assets = [*ingestion_assets, *build_dbt_assets(), person_crosswalk, retention_due, message_sentiment,
              comment_sentiment, attrition_features, attrition_model, attrition_scores]
    asset_keys = {key for a in assets for key in a.keys}
    suites = load_suites()  # parsed once: each expectation is built (validated) by GX when it loads
    checks = [*ingestion_checks, attrition_drift, *build_quality_checks(asset_keys, suites)]
    check_keys = {spec.key for d in [*assets, *checks] for spec in d.check_specs}  # dbt tests included
    assets += publishing_assets(gated_assets(asset_keys, suites), check_keys)
    return Definitions(
        assets=[*assets, SOURCE_DELETIONS],
        asset_checks=checks,
        jobs=[ingestion_job, nightly_job, retrain_job],
        schedules=[nightly_schedule(settings), weekly_retrain_schedule(settings)],
        sensors=[landing_sensor(settings, mapping), failure_notification_sensor(settings)],
        resources={"trm": TRMResource.from_settings(settings), "dbt": dbt_resource()},
        # DuckDB allows one writer per file: steps run one after another in one process.
        executor=in_process_executor,
    )


defs = build_definitions(Settings.from_env())
