"""Attrition risk as Dagster assets: point-in-time features → weekly (re)training → nightly scores with drivers.

The steps live in ``ml.attrition.warehouse``; this module declares them:
- ``ml/attrition_features``: monthly snapshots of every employee → ``ml.attrition_features``;
- ``ml/attrition_model``: weekly retraining into the registry under ``$TRM_HOME/models/attrition`` (and the first
  night, when the registry is empty);
- ``ml/attrition_scores``: the latest snapshot scored by the latest model, appended to ``ml.attrition_scores``;
- ``attrition_drift`` (asset check, warning): score and feature distribution shift versus the training data.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from ml.attrition.warehouse import (
    ML_SCHEMA,
    InsufficientHistory,
    build_feature_table,
    ensure_score_table,
    feature_table_summary,
    leading_driver_kinds,
    measure_drift,
    score_latest,
    train_and_register,
)
from operations.dbt_project import full_refresh_requested
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.jobs import NIGHTLY_JOB
from orchestration.resources import TRMResource

FEATURES_KEY = AssetKey([ML_SCHEMA, "attrition_features"])
MODEL_KEY = AssetKey([ML_SCHEMA, "attrition_model"])
SCORES_KEY = AssetKey([ML_SCHEMA, "attrition_scores"])
MART_DEPS = ["fct_employment_daily", "dim_person_history", "fct_attendance_daily", "fct_survey_responses",
             "fct_im_activity_daily", "int_one_on_ones_linked"]


def _markdown(frame: pd.DataFrame) -> str:
    rows = [[str(v) for v in r] for r in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


@asset(
    key=FEATURES_KEY,
    retry_policy=TRANSIENT_RETRY,  # a reader's lock or a full disk; bad data fails for good
    group_name="ml",
    owners=[OWNER],
    kinds={"python", "duckdb"},
    deps=[AssetKey([m]) for m in MART_DEPS] + [AssetKey([ML_SCHEMA, "message_sentiment"]),
                                              AssetKey([ML_SCHEMA, "comment_sentiment"])],
    description=(
        "Point-in-time monthly snapshots of every employee's features (tenure, level, pay vs band, promotions, "
        "ratings, overtime and lateness trends, absences, surveys, IM activity and sentiment, 1:1s, manager "
        "change, team attrition, referrer left) and the label 'voluntary exit within 6 months'. Nothing after a "
        "snapshot date is used; groups whose source is missing are left out, never faked. ml/attrition/FEATURES.md."
    ),
)
def attrition_features(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    # The nightly adds the new snapshots; the weekly retraining, a full refresh and a hand-started run rebuild all.
    full = context.job_name != NIGHTLY_JOB or full_refresh_requested(context.run.tags)
    frame, info, skipped = build_feature_table(Path(trm.warehouse), full=full)
    if skipped:
        context.log.warning(f"no attrition features: {skipped}")
        return MaterializeResult(metadata={"skipped": skipped, "dagster/row_count": 0})
    stored = feature_table_summary(Path(trm.warehouse))
    context.log.info(f"{'rebuilt' if full else 'added or refreshed'} {len(frame):,} snapshots on "
                     f"{len(info.snapshot_dates)} date(s); groups used {info.groups_used}, skipped "
                     f"{list(info.groups_skipped)}")
    return MaterializeResult(metadata={
        "build": "full" if full else "new and recent snapshot dates",
        "snapshot_rows_written": len(frame),
        "snapshot_rows": stored["rows"],
        "snapshot_dates": stored["snapshot_dates"],
        "labelled_rows": stored["labelled_rows"],
        "voluntary_exit_rate": float(stored["voluntary_exit_rate"]),
        "feature_groups_used": MetadataValue.json(info.groups_used),
        "feature_groups_skipped": MetadataValue.json(info.groups_skipped),
        "features": len(info.feature_columns),
        "dagster/row_count": stored["rows"],
    })


def _metric_metadata(meta: dict) -> dict:
    """Out-of-time validation metrics of a registered model, for the Dagster UI."""
    metrics = meta.get("metrics") or {}
    out = {f"validation_{k}": float(v) for k, v in metrics.items() if isinstance(v, int | float)}
    out["chosen_model"] = meta.get("chosen_model", "")
    out["training_window"] = " … ".join(meta.get("training_window") or [])
    out["validation"] = MetadataValue.json(meta.get("validation") or {})
    out["candidates"] = MetadataValue.json(meta.get("candidates") or {})
    out["metrics_by_slice"] = MetadataValue.json(meta.get("slices") or {})
    return out


@asset(
    key=MODEL_KEY,
    group_name="ml",
    owners=[OWNER],
    kinds={"python", "scikitlearn"},
    deps=[FEATURES_KEY],
    description=(
        "Weekly retraining: logistic regression vs gradient boosting chosen on a time-based hold-out (snapshots "
        "whose 6-month label closed before the last 6 labelled month ends train, those 6 validate), the winner "
        "refitted on all labelled snapshots, calibrated and saved to "
        "the registry ($TRM_HOME/models/attrition/vNNNN) with ROC AUC, PR AUC, Brier score and top-decile lift, "
        "overall and by gender and age band."
    ),
)
def attrition_model(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    version, meta = train_and_register(Path(trm.warehouse), Path(trm.home), context.log)
    return MaterializeResult(metadata={"model_version": version.version, **_metric_metadata(meta),
                                       "registry": str(version.path)})


@asset(
    key=SCORES_KEY,
    retry_policy=TRANSIENT_RETRY,  # a reader's lock or a full disk; bad data fails for good
    group_name="ml",
    owners=[OWNER],
    kinds={"python", "scikitlearn", "duckdb"},
    deps=[FEATURES_KEY, MODEL_KEY],
    description=(
        "Nightly attrition-risk scores of every employee on the latest snapshot, by the latest registered model "
        "(trained now if the registry is empty): probability of a voluntary exit within 6 months, percentile, "
        "band, the three strongest drivers in plain language and suggested actions (ml/attrition/actions.yaml). "
        "Appended to the history ml.attrition_scores; marts/risk rolls it up by team."
    ),
)
def attrition_scores(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    try:
        result = score_latest(Path(trm.warehouse), Path(trm.home), context.run.run_id, context.log)
    except InsufficientHistory as exc:
        context.log.warning(f"no attrition scores tonight: {exc}")
        ensure_score_table(Path(trm.warehouse))
        return MaterializeResult(metadata={"skipped": str(exc), "employees_scored": 0})
    scores, version = result.scores, result.version
    risk = scores["risk_score"].to_numpy()
    # No person-level rows in Dagster's run history (it outlives erasures): kinds of leading driver, counted.
    leading = leading_driver_kinds(scores, trm.settings.min_group_size).rename_axis("leading driver, top decile")
    return MaterializeResult(metadata={
        "snapshot_date": str(scores["snapshot_date"].iloc[0]) if len(scores) else "",
        "employees_scored": len(scores),
        "model_version": version.version,
        "mean_risk": float(np.mean(risk)) if len(risk) else 0.0,
        "expected_voluntary_exits_6m": float(np.sum(risk)),
        "bands": MetadataValue.json(scores["risk_band"].value_counts().to_dict()),
        "snapshots_in_history": result.snapshots_in_history,
        "top_decile_drivers": MetadataValue.md(_markdown(leading.reset_index())),
        **_metric_metadata(version.metadata),
        "dagster/row_count": len(scores),
    })


@asset_check(asset=SCORES_KEY, name="attrition_drift", blocking=False,
             description="Score and feature distribution shift of the latest snapshot versus the model's "
                         "training data (population stability index); warns above 0.25.")
def attrition_drift(trm: TRMResource) -> AssetCheckResult:
    drift = measure_drift(Path(trm.warehouse), Path(trm.home))
    if drift is None:
        return AssetCheckResult(passed=True, description="no model or no features yet: nothing to compare",
                                metadata={"skipped": True})
    return AssetCheckResult(
        passed=not drift.drifted,
        severity=AssetCheckSeverity.WARN,
        metadata={"score_psi": round(drift.score_psi, 3),
                  "largest_feature_psi": MetadataValue.json(drift.largest_feature_psi),
                  "model_version": drift.model_version},
        description="retrain or investigate the sources" if drift.drifted else "no large shift",
    )
