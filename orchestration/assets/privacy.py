"""Who the retention policy erases next, computed on the night's fresh marts; the step is
``privacy.retention.due_people`` (enforcement runs in the identity step of the next night)."""

import datetime as dt

import pandas as pd
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.assets.ingestion import OWNER
from orchestration.resources import TRMResource
from privacy.retention import DUE_TABLE, due_people, load_policy, write_due
from publication.gate import as_of_date


@asset(
    key=AssetKey(DUE_TABLE.split(".")),
    group_name="identity",
    owners=[OWNER],
    kinds={"python", "duckdb"},
    deps=[AssetKey(["dim_person"]), AssetKey(["int_person_activity_days_unioned"])],
    description=(
        "Who falls due under the retention policy's people rules (privacy/retention.yaml or TRM_RETENTION) and "
        "when, from tonight's dim_person and activity: `privacy.retention_due` (person keys only). The next "
        "night's identity step erases those whose day has come; the mart rpt_retention_due counts them."
    ),
)
def retention_due(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    settings = trm.settings
    policy = load_policy(settings.retention, trm.contracts)
    as_of = settings.pinned_as_of or as_of_date(settings.warehouse) or dt.date.today()
    with trm.connect() as con:
        due = due_people(con, policy, as_of)
        write_due(con, due, as_of)
    per_rule = due.groupby("rule").size().to_dict() if len(due) else {}
    now = int((pd.to_datetime(due["due_on"]) <= pd.Timestamp(as_of)).sum()) if len(due) else 0
    context.log.info(f"retention: {len(due):,} people with a due date, {now:,} due by {as_of}")
    return MaterializeResult(metadata={
        "people_per_rule": MetadataValue.json({k: int(v) for k, v in per_rule.items()}),
        "due_by_as_of_date": now,
        "as_of_date": as_of.isoformat(),
        "dagster/row_count": len(due),
    })
