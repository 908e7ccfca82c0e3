"""The jobs: ingestion alone, the nightly pipeline, and the weekly retraining."""

from dagster import AssetKey, AssetSelection, define_asset_job

ingestion_job = define_asset_job(
    "ingestion",
    selection=AssetSelection.groups("ingestion"),
    description="Load new landing files of every source into the raw schema.",
)
# Retraining is weekly; the nightly scores use the latest registered model (the first night trains one).
ATTRITION_MODEL = AssetKey(["ml", "attrition_model"])
NIGHTLY_JOB = "nightly"
nightly_job = define_asset_job(
    NIGHTLY_JOB,
    selection=AssetSelection.all() - AssetSelection.assets(ATTRITION_MODEL),
    description="The whole pipeline end to end (ingestion, staging, identity, marts, ML scoring, marts on the "
                "scores), as the nightly schedule and `trm run` execute it.",
)
retrain_job = define_asset_job(
    "weekly_retrain",
    selection=AssetSelection.assets(AssetKey(["ml", "attrition_features"]), ATTRITION_MODEL),
    description="Rebuild the attrition feature snapshots and retrain, validate and register the attrition model.",
)
