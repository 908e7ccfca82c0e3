"""The attrition steps of the nightly run and the weekly retraining, on the warehouse and the model registry.

- features: monthly point-in-time snapshots of every employee (``features.py``) → ``ml.attrition_features``;
- training: time-based validation (earlier snapshots train, later ones validate, with a gap of the label horizon),
  the winner registered under ``<home>/models/attrition``;
- scores: the latest snapshot scored by the latest model, with plain-language drivers and suggested actions,
  appended to the history ``ml.attrition_scores`` (a rerun replaces its own day);
- drift: score and feature distribution shift of the latest snapshot versus the model's training data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ingestion.warehouse import ML_SCHEMA, fetch_one, opened, table_exists
from ml.attrition.features import (
    CONTEXT_COLUMNS,
    SnapshotInfo,
    build_snapshots,
    default_as_of,
    default_snapshot_dates,
    history_start,
    label_column,
    snapshot_info,
    snapshot_labels,
)
from ml.attrition.holdout import select_and_train
from ml.attrition.registry import ModelRegistry, ModelVersion

HORIZON_MONTHS = 6
LABEL = label_column(HORIZON_MONTHS)
# Gender and age band stay out of the model: they are kept only to report metrics by slice.
EXCLUDED = ["person_key", *CONTEXT_COLUMNS]
# The feature table's shape when there is nothing to snapshot: the marts read its fairness columns (gender,
# age_band; rpt_attrition_fairness) whether or not a night produced features.
EMPTY_FEATURES_SCHEMA = f"person_key varchar, snapshot_date date, gender varchar, age_band varchar, {LABEL} tinyint"
SCORE_SCHEMA = ("person_key varchar, snapshot_date date, model_version varchar, horizon_months integer, "
                "risk_score double, risk_percentile integer, risk_band varchar, driver_1 varchar, driver_2 varchar, "
                "driver_3 varchar, suggested_actions varchar, scored_at timestamp with time zone, run_id varchar")
SCORE_COLUMNS = ["person_key", "snapshot_date", "model_version", "horizon_months", "risk_score", "risk_percentile",
                 "risk_band", "driver_1", "driver_2", "driver_3", "suggested_actions", "scored_at", "run_id"]
MIN_LABELLED_EXITS = 20
# Validation period: the last 6 labelled month ends; training snapshots end 6 months (the horizon) before it.
VALIDATION_SNAPSHOTS = 6
# Distribution shift (population stability index) above which the drift check warns.
DRIFT_PSI = 0.25


class InsufficientHistory(ValueError):
    """Too little labelled history to train or validate an attrition model."""


def registry(home: Path) -> ModelRegistry:
    return ModelRegistry(Path(home) / "models" / "attrition")


def read_features(warehouse: Path, where: str = "", sample: int | None = None) -> pd.DataFrame:
    """Rows of ml.attrition_features; ``sample`` draws that many rows (reproducibly) for references."""
    query = f"select * from {ML_SCHEMA}.attrition_features {where}"
    if sample:
        query = f"select * from ({query}) as f using sample {int(sample)} rows (reservoir, 7)"
    with opened(warehouse, read_only=True) as con:
        return con.execute(query).df()


def has_features(warehouse: Path) -> bool:
    with opened(warehouse, read_only=True) as con:
        return table_exists(con, ML_SCHEMA, "attrition_features") and bool(
            fetch_one(con, f"select count(*) from {ML_SCHEMA}.attrition_features")[0])


def latest_snapshot(warehouse: Path) -> pd.DataFrame:
    return read_features(
        warehouse, f"where snapshot_date = (select max(snapshot_date) from {ML_SCHEMA}.attrition_features)")


# Besides the snapshot dates not stored yet, a nightly build recomputes the latest ones (the last month end and the
# as-of day), which late and corrected exports of the last weeks can still change. Older snapshots take their
# features on or before their date, so only their labels move; the weekly retraining run and
# `trm run --full-refresh` rebuild every snapshot from the marts.
RECENT_SNAPSHOTS = 2


def _stored_dates(con) -> set:
    if not table_exists(con, ML_SCHEMA, "attrition_features"):
        return set()
    return {r[0] for r in con.execute(
        f"select distinct cast(snapshot_date as date) from {ML_SCHEMA}.attrition_features").fetchall()}


def _stored_columns(con) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = "
        "'attrition_features' order by ordinal_position", [ML_SCHEMA]).fetchall()]


def _add_snapshots(con, horizon_months: int) -> pd.DataFrame | None:
    """Write the new and recent snapshots into the stored table and refresh every stored label; returns the rows
    written, or None when the table cannot be extended (its columns differ: a feature source appeared or went)."""
    as_of = default_as_of(con)
    dates = default_snapshot_dates(history_start(con), as_of)
    recompute = sorted((set(dates) - _stored_dates(con)) | set(dates[-RECENT_SNAPSHOTS:]))
    frame = build_snapshots(con, snapshot_dates=recompute, as_of=as_of, horizon_months=horizon_months)
    if list(frame.columns) != _stored_columns(con):
        return None
    labels = snapshot_labels(con, dates, as_of, horizon_months)
    table = f"{ML_SCHEMA}.attrition_features"
    con.register("_features", frame)
    con.register("_dates", pd.DataFrame({"snapshot_date": dates, "rebuilt": [d in recompute for d in dates]}))
    con.register("_labels", labels)
    try:
        con.execute("begin")
        # Snapshot days no longer in the plan go (yesterday's as-of day), the recomputed ones are replaced.
        con.execute(f"""delete from {table} as f where not exists (
            select 1 from _dates as d where d.snapshot_date = cast(f.snapshot_date as date) and not d.rebuilt)""")
        con.execute(f"insert into {table} by name select * from _features")
        con.execute(f"""update {table} as f
            set {LABEL} = case l.label_status when 'voluntary_exit' then 1 when 'stayed' then 0 end
            from _labels as l
            where l.person_key = f.person_key and l.snapshot_date = cast(f.snapshot_date as date)""")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for name in ("_features", "_dates", "_labels"):
            con.unregister(name)
    return frame


def build_feature_table(warehouse: Path, full: bool = True) -> tuple[pd.DataFrame, SnapshotInfo | None, str | None]:
    """Write ml.attrition_features; returns (the snapshots written, their summary, why nothing was written or
    None). ``full=False`` (the nightly) adds the new and recent snapshot dates to the stored table and refreshes
    the labels of the others, the same rows as a full build when no change is dated before the last month end."""
    with opened(warehouse) as con:
        con.execute(f"create schema if not exists {ML_SCHEMA}")
        try:
            added = None if full or not _stored_dates(con) else _add_snapshots(con, HORIZON_MONTHS)
            frame = added if added is not None else build_snapshots(con, horizon_months=HORIZON_MONTHS)
        except ValueError as exc:  # no HRIS history: nothing to snapshot, and the scores say so
            con.execute(f"create or replace table {ML_SCHEMA}.attrition_features ({EMPTY_FEATURES_SCHEMA})")
            return pd.DataFrame(), None, str(exc)
        if added is None:
            con.register("_features", frame)
            con.execute(f"create or replace table {ML_SCHEMA}.attrition_features as select * from _features")
            con.unregister("_features")
    if frame.empty:
        return frame, None, "HRIS history shorter than 12 months"
    return frame, snapshot_info(frame), None


def feature_table_summary(warehouse: Path) -> dict:
    """Rows, labelled rows, voluntary-exit rate and snapshot dates of the stored table (in the database)."""
    with opened(warehouse, read_only=True) as con:
        rows, labelled, exits, first, last, dates = fetch_one(con, f"""
            select count(*), count({LABEL}), coalesce(sum({LABEL}), 0), min(cast(snapshot_date as date)),
                   max(cast(snapshot_date as date)), count(distinct snapshot_date)
            from {ML_SCHEMA}.attrition_features""")
    return {"rows": rows, "labelled_rows": labelled, "voluntary_exit_rate": exits / labelled if labelled else 0.0,
            "snapshot_dates": f"{first} … {last} ({dates})"}


def train_and_register(warehouse: Path, home: Path, log) -> tuple[ModelVersion, dict]:
    """Fit on every labelled snapshot (model selection and metrics by time-based validation); register it."""
    frame = read_features(warehouse, f"where {LABEL} is not null") if has_features(warehouse) else pd.DataFrame()
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
    version = registry(home).save(result.model, **fields)
    return version, version.metadata


def risk_bands(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile (1 = highest risk) and band: high = top decile, elevated = the next two, normal = the rest."""
    order = pd.Series(scores).rank(ascending=False, method="first").to_numpy()
    percentile = np.ceil(order / len(scores) * 100).astype(int)
    band = np.where(percentile <= 10, "high", np.where(percentile <= 30, "elevated", "normal"))
    return percentile, band


def leading_driver_kinds(scores: pd.DataFrame, min_group_size: int, top: int = 10) -> pd.Series:
    """The kinds of leading driver among the top decile of ``scores`` (each person's own figures cut out, so
    'overtime up 44%' and 'overtime up 61%' are one kind), counted; kinds held by fewer than ``min_group_size``
    people are left out. For run summaries that must not hold person-level rows."""
    if scores.empty:
        return pd.Series(dtype="int64", name="employees")
    risk = scores["risk_score"].to_numpy()
    top_decile = scores[risk >= np.quantile(risk, 0.9)]
    kinds = top_decile["driver_1"].fillna("").str.replace(r"[-+]?\d[\d.,]*%?", "…", regex=True)
    counts = kinds[kinds != ""].value_counts()
    return counts[counts >= min_group_size].head(top).rename("employees")


def ensure_score_table(warehouse: Path) -> None:
    """The marts read ml.attrition_scores (and the feature table's fairness columns) even on a night that scores
    nobody."""
    with opened(warehouse) as con:
        con.execute(f"create schema if not exists {ML_SCHEMA}")
        con.execute(f"create table if not exists {ML_SCHEMA}.attrition_scores ({SCORE_SCHEMA})")
        con.execute(f"create table if not exists {ML_SCHEMA}.attrition_features ({EMPTY_FEATURES_SCHEMA})")


@dataclass(frozen=True)
class ScoringResult:
    scores: pd.DataFrame
    version: ModelVersion
    snapshots_in_history: int


def score_latest(warehouse: Path, home: Path, run_id: str, log) -> ScoringResult:
    """Score the latest snapshot with the latest model (training one first if the registry is empty) and store
    the scores; raises InsufficientHistory when no model can be trained yet."""
    from ml.attrition.drivers import explain, top_drivers_wide

    reg = registry(home)
    if reg.latest() is None:
        log.info("the model registry is empty: training the first model now")
        train_and_register(warehouse, home, log)
    model, version = reg.load()
    latest = latest_snapshot(warehouse)
    reference = read_features(warehouse, f"where {LABEL} is not null", sample=20000)
    risk = model.predict_proba(latest)
    drivers = top_drivers_wide(explain(model.pipeline.predict_proba, latest, features=model.features,
                                       reference=reference, top_n=3))
    percentile, band = risk_bands(risk)
    scores = latest[["person_key", "snapshot_date"]].assign(
        model_version=version.version, horizon_months=HORIZON_MONTHS, risk_score=risk,
        risk_percentile=percentile, risk_band=band, scored_at=pd.Timestamp.now(tz="UTC"), run_id=run_id)
    wide = drivers.drop(columns=["risk"], errors="ignore")
    scores = scores.merge(wide, on=["person_key", "snapshot_date"], how="left")
    for rank in (1, 2, 3):
        scores[f"driver_{rank}"] = scores.get(f"driver_{rank}")
    actions = scores[[c for c in scores.columns if c.startswith("action_")]]
    scores["suggested_actions"] = actions.apply(lambda r: " | ".join(dict.fromkeys(a for a in r if isinstance(a, str)
                                                                                  and a)), axis=1)
    scores = scores[SCORE_COLUMNS]
    with opened(warehouse) as con:
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
    with opened(warehouse, read_only=True) as con:  # a new connection: see score_new in ml/sentiment/warehouse.py
        history = fetch_one(con, f"select count(distinct snapshot_date) from {ML_SCHEMA}.attrition_scores")[0]
    return ScoringResult(scores, version, int(history))


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


@dataclass(frozen=True)
class Drift:
    score_psi: float
    largest_feature_psi: dict[str, float]
    model_version: str

    @property
    def drifted(self) -> bool:
        return self.score_psi > DRIFT_PSI or any(v > DRIFT_PSI for v in self.largest_feature_psi.values())


def measure_drift(warehouse: Path, home: Path) -> Drift | None:
    """Shift of the latest snapshot versus the model's training window; None without a model or features."""
    if registry(home).latest() is None or not has_features(warehouse):
        return None
    model, version = registry(home).load()
    window = version.metadata.get("training_window") or []
    current = latest_snapshot(warehouse)
    where = f"where {LABEL} is not null"
    if len(window) == 2:
        where += f" and snapshot_date between '{window[0][:10]}' and '{window[1][:10]}'"
    training = read_features(warehouse, where, sample=20000)
    score_psi = psi(model.predict_proba(training), model.predict_proba(current))
    numeric = [f for f in model.features if f in current.columns and pd.api.types.is_numeric_dtype(current[f])]
    feature_psi = {f: round(psi(training[f].to_numpy(float), current[f].to_numpy(float)), 3) for f in numeric}
    worst = dict(sorted(feature_psi.items(), key=lambda kv: -kv[1])[:10])
    return Drift(score_psi, worst, version.version)
