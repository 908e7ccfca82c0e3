"""Jobs, the nightly schedule and the landing-folder sensor."""


import hashlib
import json
import time
from pathlib import Path

from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    sensor,
)

from ingestion.mapping import Mapping
from orchestration.settings import Settings

ingestion_job = define_asset_job(
    "ingestion",
    selection=AssetSelection.groups("ingestion"),
    description="Load new landing files of every source into the raw schema.",
)
# Retraining is weekly; the nightly scores use the latest registered model (the first night trains one).
ATTRITION_MODEL = AssetKey(["ml", "attrition_model"])
nightly_job = define_asset_job(
    "nightly",
    selection=AssetSelection.all() - AssetSelection.assets(ATTRITION_MODEL),
    description="The whole pipeline end to end (ingestion, staging, identity, marts, ML scoring, marts on the "
                "scores), as the nightly schedule and `trm run` execute it.",
)
retrain_job = define_asset_job(
    "weekly_retrain",
    selection=AssetSelection.assets(AssetKey(["ml", "attrition_features"]), ATTRITION_MODEL),
    description="Rebuild the attrition feature snapshots and retrain, validate and register the attrition model.",
)


def weekly_retrain_schedule(settings: Settings) -> ScheduleDefinition:
    return ScheduleDefinition(
        name="weekly_retrain_schedule",
        job=retrain_job,
        cron_schedule=settings.retrain_cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Retrains the attrition model at `{settings.retrain_cron}` ({settings.timezone}).",
    )


def nightly_schedule(settings: Settings) -> ScheduleDefinition:
    return ScheduleDefinition(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Runs the nightly job at `{settings.nightly_cron}` ({settings.timezone}).",
    )


def landing_fingerprint(landing: Path, mapping: Mapping, settle_seconds: float, now: float | None = None) -> tuple[str, int]:
    """A digest of the settled landing files the mapping would read, and how many there are.

    Files modified in the last ``settle_seconds`` are left for the next tick: they may still be copying.
    """
    now = time.time() if now is None else now
    entries = []
    for pattern in mapping.all_patterns():
        for path in landing.glob(pattern):
            if not path.is_file():
                continue
            stat = path.stat()
            if now - stat.st_mtime < settle_seconds:
                continue
            entries.append((path.relative_to(landing).as_posix(), stat.st_size, stat.st_mtime_ns))
    entries = sorted(set(entries))
    digest = hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:24]
    return digest, len(entries)


def landing_sensor(settings: Settings, mapping: Mapping):
    @sensor(
        name="landing_sensor",
        job=ingestion_job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Starts ingestion when files in {settings.landing} change (after "
                    f"{settings.sensor_settle_seconds}s without writes).",
    )
    def _sensor(context: SensorEvaluationContext):
        if not settings.landing.exists():
            return SkipReason(f"landing folder {settings.landing} does not exist")
        digest, count = landing_fingerprint(settings.landing, mapping, settings.sensor_settle_seconds)
        if count == 0:
            return SkipReason("no landing files yet")
        if digest == context.cursor:
            return SkipReason("no new or changed landing files")
        context.update_cursor(digest)
        return RunRequest(run_key=f"landing-{digest}", tags={"trm/trigger": "landing_sensor"})

    return _sensor
