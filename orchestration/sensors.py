"""Sensors: new landing files start ingestion; a failed run notifies (operations/notify.py)."""

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from ingestion.landing import landing_fingerprint
from ingestion.mapping import Mapping
from operations.notify import FailureNotice, notify_failure
from operations.run_lock import current_holder
from operations.settings import Settings
from orchestration.jobs import ingestion_job
from orchestration.schedules import instance_of, unfinished_run


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
        busy = unfinished_run(instance_of(context))
        if busy:
            return SkipReason(f"a run has not ended: {busy}; new files are picked up after it")
        context.update_cursor(digest)
        return RunRequest(run_key=f"landing-{digest}", tags={"trm/trigger": "landing_sensor"})

    return _sensor


def failure_notification_sensor(settings: Settings):
    """Runs under the Dagster daemon (`make ui` / `dagster-daemon`) for scheduled and UI-launched runs; `trm run`
    notifies by itself because it runs without a daemon."""

    @run_failure_sensor(name="failure_notification", default_status=DefaultSensorStatus.RUNNING,
                        description="Notifies TRM_NOTIFY_WEBHOOK and/or TRM_NOTIFY_COMMAND when any run fails.",
                        monitor_all_code_locations=False)
    def _notify(context: RunFailureSensorContext) -> None:
        steps = [e.step_key for e in context.get_step_failure_events() if e.step_key]
        message = context.failure_event.message or "run failed"
        for line in notify_failure(settings, FailureNotice(context.dagster_run.run_id, context.dagster_run.job_name,
                                                           message, steps)):
            context.log.info(f"failure notification: {line}")

    return _notify
