"""Jobs, the nightly schedule and the landing-folder sensor."""


import hashlib
import json
import time
from pathlib import Path

from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    DagsterInvariantViolationError,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from ingestion.mapping import Mapping
from operations.run_lock import current_holder
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


# Runs that have not ended yet: a new one would only queue behind them.
_UNFINISHED = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.QUEUED, DagsterRunStatus.STARTING,
               DagsterRunStatus.STARTED]


def unfinished_run(instance: DagsterInstance | None, job_name: str | None = None) -> str | None:
    """A description of a run of this Dagster instance that has not ended (of ``job_name`` if given), or None."""
    if instance is None:
        return None
    records = instance.get_run_records(RunsFilter(statuses=_UNFINISHED, job_name=job_name), limit=1)
    if not records:
        return None
    run = records[0].dagster_run
    return f"run {run.run_id} ({run.job_name}, {run.status.value.lower()})"


def _instance_of(context) -> DagsterInstance | None:
    """The context's instance; a context built for a unit test may have none."""
    try:
        return context.instance
    except DagsterInvariantViolationError:
        return None


def nightly_schedule(settings: Settings) -> ScheduleDefinition:
    @schedule(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Runs the nightly job at `{settings.nightly_cron}` ({settings.timezone}). Skips a night "
                    "whose previous nightly run has not ended (it holds the same data); otherwise the run queues "
                    "behind whatever holds the warehouse (one run at a time per TRM_HOME).",
    )
    def _nightly(context: ScheduleEvaluationContext):
        previous = unfinished_run(_instance_of(context), nightly_job.name)
        if previous:
            return SkipReason(f"the previous nightly has not ended: {previous}")
        return RunRequest(tags={"trm/trigger": "nightly_schedule"})

    return _nightly


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
        # Never start a run bound to collide: the files wait (the cursor stays) until the warehouse is free; a run
        # in progress that includes ingestion may load them itself, and then this tick finds nothing new to do.
        holder = current_holder(settings.home)
        if holder is not None:
            return SkipReason(f"a run is in progress: {holder.describe()}; new files are picked up after it")
        busy = unfinished_run(_instance_of(context))
        if busy:
            return SkipReason(f"a run has not ended: {busy}; new files are picked up after it")
        context.update_cursor(digest)
        return RunRequest(run_key=f"landing-{digest}", tags={"trm/trigger": "landing_sensor"})

    return _sensor
