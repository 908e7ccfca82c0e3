"""The nightly and weekly schedules, and the question both they and the sensors ask: is a run still going?"""

from datetime import datetime

from dagster import (
    DagsterInstance,
    DagsterInvariantViolationError,
    DagsterRunStatus,
    DefaultScheduleStatus,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from operations.dbt_project import FULL_REFRESH_TAG
from operations.settings import Settings
from orchestration.jobs import nightly_job, retrain_job


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


def instance_of(context) -> DagsterInstance | None:
    """The context's instance; a context built for a unit test may have none."""
    try:
        return context.instance
    except DagsterInvariantViolationError:
        return None


def nightly_tags(settings: Settings, when: datetime | None) -> dict[str, str]:
    tags = {"trm/trigger": "nightly_schedule"}
    if when is not None and settings.full_refresh_weekday and when.isoweekday() == settings.full_refresh_weekday:
        tags[FULL_REFRESH_TAG] = "true"
    return tags


def nightly_schedule(settings: Settings) -> ScheduleDefinition:
    @schedule(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone=settings.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Runs the nightly job at `{settings.nightly_cron}` ({settings.timezone}), incremental; the run "
                    f"on ISO weekday {settings.full_refresh_weekday} (0: never) is a full refresh. Skips a night "
                    "whose previous nightly run has not ended (it holds the same data); otherwise the run queues "
                    "behind whatever holds the warehouse (one run at a time per TRM_HOME).",
    )
    def _nightly(context: ScheduleEvaluationContext):
        previous = unfinished_run(instance_of(context), nightly_job.name)
        if previous:
            return SkipReason(f"the previous nightly has not ended: {previous}")
        return RunRequest(tags=nightly_tags(settings, context.scheduled_execution_time))

    return _nightly
