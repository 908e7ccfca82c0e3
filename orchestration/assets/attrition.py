"""Attrition risk as Dagster assets: point-in-time features → weekly (re)training → nightly scores with drivers.

- ``ml/attrition_features``: monthly snapshots of every employee (ml/attrition/features.py) → ``ml.attrition_features``.
- ``ml/attrition_model``: time-based validation (earlier snapshots train, later ones validate, with a gap of the
  label horizon), logistic regression vs gradient boosting, calibration; the model and its metrics go to the
  registry under ``$TRM_HOME/models/attrition`` (runs weekly, and the first night when the registry is empty).
- ``ml/attrition_scores``: the latest snapshot scored by the latest model, with plain-language drivers and
  suggested actions, appended to the history ``ml.attrition_scores`` (a rerun replaces its own day).
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

from ingestion.warehouse import fetch_one, table_exists
from ml.attrition import ModelRegistry
from ml.attrition.features import CONTEXT_COLUMNS, build_snapshots, label_column, snapshot_info
from ml.attrition.holdout import select_and_train
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.assets.sentiment import ML_SCHEMA
from orchestration.resources import TRMResource

HORIZON_MONTHS = 6
LABEL = label_column(HORIZON_MONTHS)
FEATURES_KEY = AssetKey([ML_SCHEMA, "attrition_features"])
MODEL_KEY = AssetKey([ML_SCHEMA, "attrition_model"])
SCORES_KEY = AssetKey([ML_SCHEMA, "attrition_scores"])
# Gender and age band stay out of the model: they are kept only to report metrics by slice.
EXCLUDED = ["person_key", *CONTEXT_COLUMNS]
MART_DEPS = ["fct_employment_daily", "dim_person_history", "fct_attendance_daily", "fct_survey_responses",
             "fct_im_activity_daily", "int_one_on_ones_linked"]


def registry(trm: TRMResource) -> ModelRegistry:
    return ModelRegistry(Path(trm.home) / "models" / "attrition")


def _features(trm: TRMResource, where: str = "", sample: int | None = None) -> pd.DataFrame:
    """Rows of ml.attrition_features; ``sample`` draws that many rows (reproducibly) for references."""
    query = f"select * from {ML_SCHEMA}.attrition_features {where}"
    if sample:
        query = f"select * from ({query}) as f using sample {int(sample)} rows (reservoir, 7)"
    with trm.connect(read_only=True) as con:
        return con.execute(query).df()


def _has_features(trm: TRMResource) -> bool:
    with trm.connect(read_only=True) as con:
        return table_exists(con, ML_SCHEMA, "attrition_features") and bool(
            fetch_one(con, f"select count(*) from {ML_SCHEMA}.attrition_features")[0])


def _latest_snapshot(trm: TRMResource) -> pd.DataFrame:
    return _features(trm, f"where snapshot_date = (select max(snapshot_date) from {ML_SCHEMA}.attrition_features)")


def _markdown(frame: pd.DataFrame) -> str:
    rows = [[str(v) for v in r] for r in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


SCORE_SCHEMA = ("person_key varchar, snapshot_date date, model_version varchar, horizon_months integer, "
                "risk_score double, risk_percentile integer, risk_band varchar, driver_1 varchar, driver_2 varchar, "
                "driver_3 varchar, suggested_actions varchar, scored_at timestamp with time zone, run_id varchar")
MIN_LABELLED_EXITS = 20
# Validation period: the last 6 labelled month ends; training snapshots end 6 months (the horizon) before it.
VALIDATION_SNAPSHOTS = 6


class InsufficientHistory(ValueError):
    """Too little labelled history to train or validate an attrition model."""


def train_and_register(trm: TRMResource, log) -> tuple[object, dict]:
    """Fit on every labelled snapshot (model selection and metrics by time-based validation); register it."""
    frame = _features(trm, f"where {LABEL} is not null") if _has_features(trm) else pd.DataFrame()
    exits = int(frame[LABEL].sum()) if len(frame) else 0
    if exits < MIN_LABELLED_EXITS or exits == len(frame):
        raise InsufficientHistory(
            f"attrition training needs labelled snapshots with at least {MIN_LABELLED_EXITS} voluntary exits and "
            f"some stayers; the history has {len(frame):,} labelled rows with {exits} exits. Snapshots need 12 "
            f"months of HRIS history before them and {HORIZON_MONTHS} months after to be labelled.")
    log.info(f"training on {len(frame):,} labelled snapshots ({int(frame[LABEL].sum()):,} voluntary exits)")
    result = select_and_train(frame, LABEL, exclude=EXCLUDED, horizon_months=HORIZON_MONTHS,
                              validation_snapshots=VALIDATION_SNAPSHOTS)
    fields = result.registry_fields()
    fields["extra"]["horizon_months"] = HORIZON_MONTHS
    version = registry(trm).save(result.model, **fields)
    return version, version.metadata

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
    with trm.connect() as con:
        con.execute(f"create schema if not exists {ML_SCHEMA}")
        try:
            frame = build_snapshots(con, horizon_months=HORIZON_MONTHS)
        except ValueError as exc:  # no HRIS history: nothing to snapshot, and the scores say so
            context.log.warning(f"no attrition features: {exc}")
            con.execute(f"create or replace table {ML_SCHEMA}.attrition_features "
                        f"(person_key varchar, snapshot_date date, {LABEL} tinyint)")
            return MaterializeResult(metadata={"skipped": str(exc), "dagster/row_count": 0})
        info = snapshot_info(frame)
        con.register("_features", frame)
        con.execute(f"create or replace table {ML_SCHEMA}.attrition_features as select * from _features")
        con.unregister("_features")
    if frame.empty:
        context.log.warning("no attrition snapshots: the HRIS history is shorter than 12 months")
        return MaterializeResult(metadata={"skipped": "HRIS history shorter than 12 months", "dagster/row_count": 0})
    labelled = frame[frame[LABEL].notna()]
    context.log.info(f"{len(frame):,} snapshots over {len(info.snapshot_dates)} month ends; groups used "
                     f"{info.groups_used}, skipped {list(info.groups_skipped)}")
    return MaterializeResult(metadata={
        "snapshot_rows": len(frame),
        "snapshot_dates": f"{info.snapshot_dates[0]} … {info.snapshot_dates[-1]} ({len(info.snapshot_dates)})",
        "labelled_rows": len(labelled),
        "voluntary_exit_rate": float(labelled[LABEL].mean()) if len(labelled) else 0.0,
        "feature_groups_used": MetadataValue.json(info.groups_used),
        "feature_groups_skipped": MetadataValue.json(info.groups_skipped),
        "features": len(info.feature_columns),
        "dagster/row_count": len(frame),
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
    version, meta = train_and_register(trm, context.log)
    return MaterializeResult(metadata={"model_version": version.version, **_metric_metadata(meta),
                                       "registry": str(version.path)})


def risk_bands(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile (1 = highest risk) and band: high = top decile, elevated = the next two, normal = the rest."""
    order = pd.Series(scores).rank(ascending=False, method="first").to_numpy()
    percentile = np.ceil(order / len(scores) * 100).astype(int)
    band = np.where(percentile <= 10, "high", np.where(percentile <= 30, "elevated", "normal"))
    return percentile, band


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
    from ml.attrition.drivers import explain, top_drivers_wide

    reg = registry(trm)
    try:
        if reg.latest() is None:
            context.log.info("the model registry is empty: training the first model now")
            train_and_register(trm, context.log)
    except InsufficientHistory as exc:
        context.log.warning(f"no attrition scores tonight: {exc}")
        with trm.connect() as con:
            con.execute(f"create table if not exists {ML_SCHEMA}.attrition_scores ({SCORE_SCHEMA})")
        return MaterializeResult(metadata={"skipped": str(exc), "employees_scored": 0})
    model, version = reg.load()
    latest = _latest_snapshot(trm)
    reference = _features(trm, f"where {LABEL} is not null", sample=20000)
    risk = model.predict_proba(latest)
    drivers = top_drivers_wide(explain(model.pipeline.predict_proba, latest, features=model.features,
                                       reference=reference, top_n=3))
    percentile, band = risk_bands(risk)
    scores = latest[["person_key", "snapshot_date"]].assign(
        model_version=version.version, horizon_months=HORIZON_MONTHS, risk_score=risk,
        risk_percentile=percentile, risk_band=band, scored_at=pd.Timestamp.now(tz="UTC"),
        run_id=context.run.run_id)
    wide = drivers.drop(columns=["risk"], errors="ignore")
    scores = scores.merge(wide, on=["person_key", "snapshot_date"], how="left")
    for rank in (1, 2, 3):
        scores[f"driver_{rank}"] = scores.get(f"driver_{rank}")
    actions = scores[[c for c in scores.columns if c.startswith("action_")]]
    scores["suggested_actions"] = actions.apply(lambda r: " | ".join(dict.fromkeys(a for a in r if isinstance(a, str)
                                                                                  and a)), axis=1)
    scores = scores[["person_key", "snapshot_date", "model_version", "horizon_months", "risk_score",
                     "risk_percentile", "risk_band", "driver_1", "driver_2", "driver_3", "suggested_actions",
                     "scored_at", "run_id"]]
    with trm.connect() as con:
        con.execute("begin")
        try:
            con.register("_scores", scores)
            if not table_exists(con, ML_SCHEMA, "attrition_scores"):
                con.execute(f"create table {ML_SCHEMA}.attrition_scores as select * from _scores limit 0")
            con.execute(f"delete from {ML_SCHEMA}.attrition_scores where snapshot_date in "
                        "(select distinct snapshot_date from _scores)")
            con.execute(f"insert into {ML_SCHEMA}.attrition_scores by name select * from _scores")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    with trm.connect(read_only=True) as con:  # a new connection: see score_new in sentiment.py
        history = fetch_one(con, f"select count(distinct snapshot_date) from {ML_SCHEMA}.attrition_scores")[0]
    top = scores.nlargest(10, "risk_score")[["person_key", "risk_score", "driver_1", "suggested_actions"]]
    return MaterializeResult(metadata={
        "snapshot_date": str(scores["snapshot_date"].iloc[0]) if len(scores) else "",
        "employees_scored": len(scores),
        "model_version": version.version,
        "mean_risk": float(np.mean(risk)) if len(risk) else 0.0,
        "expected_voluntary_exits_6m": float(np.sum(risk)),
        "bands": MetadataValue.json(scores["risk_band"].value_counts().to_dict()),
        "snapshots_in_history": int(history),
        "top_10_preview": MetadataValue.md(_markdown(top.round(3))),
        **_metric_metadata(version.metadata),
        "dagster/row_count": len(scores),
    })


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Population stability index over the reference's deciles (0.1 = some shift, 0.25 = a large one)."""
    reference, current = reference[~np.isnan(reference)], current[~np.isnan(current)]
    if len(reference) < bins or len(current) < bins:
        return 0.0
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    if len(edges) < 3:
        return 0.0
    edges[0], edges[-1] = -np.inf, np.inf
    ref = np.histogram(reference, edges)[0] / len(reference)
    cur = np.histogram(current, edges)[0] / len(current)
    ref, cur = np.clip(ref, 1e-4, None), np.clip(cur, 1e-4, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@asset_check(asset=SCORES_KEY, name="attrition_drift", blocking=False,
             description="Score and feature distribution shift of the latest snapshot versus the model's "
                         "training data (population stability index); warns above 0.25.")
def attrition_drift(trm: TRMResource) -> AssetCheckResult:
    if registry(trm).latest() is None or not _has_features(trm):
        return AssetCheckResult(passed=True, description="no model or no features yet: nothing to compare",
                                metadata={"skipped": True})
    model, version = registry(trm).load()
    window = version.metadata.get("training_window") or []
    current = _latest_snapshot(trm)
    where = f"where {LABEL} is not null"
    if len(window) == 2:
        where += f" and snapshot_date between '{window[0][:10]}' and '{window[1][:10]}'"
    training = _features(trm, where, sample=20000)
    score_psi = psi(model.predict_proba(training), model.predict_proba(current))
    numeric = [f for f in model.features if f in current.columns and pd.api.types.is_numeric_dtype(current[f])]
    feature_psi = {f: round(psi(training[f].to_numpy(float), current[f].to_numpy(float)), 3) for f in numeric}
    worst = dict(sorted(feature_psi.items(), key=lambda kv: -kv[1])[:10])
    drifted = score_psi > 0.25 or any(v > 0.25 for v in feature_psi.values())
    return AssetCheckResult(
        passed=not drifted,
        severity=AssetCheckSeverity.WARN,
        metadata={"score_psi": round(score_psi, 3), "largest_feature_psi": MetadataValue.json(worst),
                  "model_version": version.version},
        description="retrain or investigate the sources" if drifted else "no large shift",
    )
