"""Feature table in, evaluation or fitted pipeline out.

``fit_and_evaluate`` profiles the table, screens for leakage, compares the candidates with cross-validation,
calibrates the chosen one inside every training fold and reports out-of-fold metrics only.
``train_final`` fits the chosen, calibrated model on every labelled row for scoring.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from .columns import as_time
from .labels import ParsedLabel, parse_label
from .leakage import leakage_drops, screen_leakage
from .metrics import MIN_SLICE_ROWS, binary_metrics, slice_columns, slice_metrics, summarize_folds
from .pipeline import CANDIDATES, LOGISTIC, calibration_method, make_calibrated, make_candidate
from .preprocess import FeaturePlan, TablePreparer, profile_columns
from .results import EvaluationResult, TrainedModel
from .validation import Split, ValidationError, cv_splits, time_text

SELECTION_METRICS = ("pr_auc", "roc_auc")
# One OpenMP/BLAS thread per fit: HR tables are small, and on shared cores the threads' spin-waits made a
# 1,500-row gradient-boosting fit 5-10x and a logistic fit 4x slower with 2 threads than with 1 (measured).
THREADS = 1
CALIBRATION_FOLDS = 3


class TableError(ValueError):
    """The table cannot be modelled as asked (missing column, no usable feature, too few labels)."""


@dataclass
class PreparedTable:
    frame: pd.DataFrame  # the labelled raw rows
    X: pd.DataFrame  # TablePreparer output for them
    y: np.ndarray
    plan: FeaturePlan
    label: ParsedLabel
    times: pd.Series | None = None
    groups: pd.Series | None = None
    warnings: list[str] = field(default_factory=list)


def prepare_table(frame: pd.DataFrame, label: str, *, exclude: Iterable[str] = (), time_column: str | None = None,
                  group_column: str | None = None, positive: Sequence[str] | str | None = None,
                  random_state: int = 0) -> PreparedTable:
    """Label to 0/1, columns profiled, leaking columns dropped, features typed."""
    for role, column in (("label", label), ("time", time_column), ("group", group_column)):
        if column is not None and column not in frame.columns:
            raise TableError(f"no {role} column {column!r}; columns are: {', '.join(map(str, frame.columns))}")
    exclude = list(exclude)
    notes = [f"--exclude column {c!r} is not in the table" for c in exclude if c not in frame.columns]
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)  # rows are matched by index below
    parsed = parse_label(frame[label], positive)
    notes += parsed.warnings
    frame = frame.loc[parsed.y.index]
    times = None
    if time_column is not None:
        times = as_time(frame[time_column])
        if times.isna().any():
            notes.append(f"{int(times.isna().sum())} row(s) without a usable {time_column!r} were left out")
            frame, times = frame[times.notna()], times[times.notna()]
    y = parsed.y.loc[frame.index].to_numpy(dtype=int)
    dated = times is not None and pd.api.types.is_datetime64_any_dtype(times)
    plan = profile_columns(frame, [label, *exclude, *(c for c in (time_column, group_column) if c)],
                           reference_column=time_column if dated else None)
    X = TablePreparer(plan).fit_transform(frame)
    with threadpool_limits(THREADS):
        findings = screen_leakage(X, y, plan, random_state)
    for f in findings:
        notes.append(f"column {f.column!r} dropped as likely label leakage: {f.detail}")
    plan = plan.without(leakage_drops(findings))
    if not plan.features:
        raise TableError("no usable feature column left; dropped: "
                         + "; ".join(f"{d.column} ({d.reason})" for d in plan.dropped))
    X = X[plan.features]
    # With time or group folds, a person's repeated snapshots are expected and kept apart (or in order).
    duplicated = int(X.duplicated().sum()) if time_column is None and group_column is None else 0
    if duplicated > 0.05 * len(X):
        notes.append(f"{duplicated} rows repeat another row's features exactly; copies can land in training and "
                     "validation folds, so cross-validated metrics may be optimistic")
    groups = frame[group_column].reset_index(drop=True) if group_column else None
    return PreparedTable(frame, X, y, plan, parsed, None if times is None else times.reset_index(drop=True),
                         groups, notes)


MIN_CLASS_ROWS = 10  # fewer leavers (or stayers) than this cannot be split into folds that each learn something


def _check_folds(y: np.ndarray, folds: int, notes: list[str]) -> int:
    minority = int(min(y.sum(), len(y) - y.sum()))
    if minority < MIN_CLASS_ROWS:
        raise TableError(f"only {minority} row(s) in the rarer label class; at least {MIN_CLASS_ROWS} are needed "
                         "to cross-validate a model")
    if folds > minority:
        notes.append(f"--folds lowered from {folds} to {minority}: the rarer class has only {minority} rows")
    if min(folds, minority) < 2:
        raise TableError("at least 2 folds are needed")
    return min(folds, minority)


def _fit_predict(estimator: object, X: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray
                 ) -> np.ndarray:
    model = clone(estimator)
    with warnings.catch_warnings(), threadpool_limits(THREADS):
        # Categories unseen in a training fold are expected in HR exports and handled (infrequent/unknown).
        warnings.filterwarnings("ignore", message=".*unknown categor.*", category=UserWarning)
        model.fit(X.iloc[train], y[train])
        return model.predict_proba(X.iloc[test])[:, 1]


def _calibration_splits(prep: PreparedTable, rows: np.ndarray, random_state: int) -> list[Split]:
    # Random (group-aware) folds inside the training rows even for time-based validation: calibration only
    # sees training rows, and early time folds have too few snapshots to chain.
    groups = None if prep.groups is None else prep.groups.iloc[rows].reset_index(drop=True)
    n = min(CALIBRATION_FOLDS, int(min(prep.y[rows].sum(), len(rows) - prep.y[rows].sum())))
    return cv_splits(prep.y[rows], max(n, 2), groups=groups, random_state=random_state)[1]


def _choose(candidates: dict[str, dict], metric: str, n_folds: int) -> str:
    """Best mean ``metric``; logistic regression whenever it is within one standard error of the best (the
    simpler, explainable model unless the other one is clearly better)."""
    means = {name: c["cv"][metric]["mean"] or 0.0 for name, c in candidates.items()}
    best = max(means, key=lambda name: (means[name], name == LOGISTIC))
    se = (candidates[best]["cv"][metric]["std"] or 0.0) / np.sqrt(max(n_folds, 1))
    return LOGISTIC if LOGISTIC in means and means[LOGISTIC] >= means[best] - se else best


def evaluate_prepared(prep: PreparedTable, *, folds: int = 5, horizon_months: int = 0,
                      selection_metric: str = "pr_auc", random_state: int = 0,
                      min_slice_rows: int = MIN_SLICE_ROWS, candidates: Sequence[str] = CANDIDATES
                      ) -> EvaluationResult:
    """Cross-validated selection among ``candidates`` and calibrated out-of-fold metrics (see module doc)."""
    if selection_metric not in SELECTION_METRICS:
        raise ValueError(f"selection_metric must be one of {SELECTION_METRICS}")
    if not candidates or set(candidates) - set(CANDIDATES):
        raise ValueError(f"candidates must be a non-empty subset of {CANDIDATES}")
    notes = list(prep.warnings)
    folds = _check_folds(prep.y, folds, notes)
    scheme, splits = cv_splits(prep.y, folds, times=prep.times, groups=prep.groups,
                               horizon_months=horizon_months, random_state=random_state)
    if not splits:
        raise ValidationError("no fold has training rows with both classes before its validation period")
    X, y = prep.X, prep.y
    scores = {}
    for name in candidates:
        estimator = make_candidate(name, prep.plan, random_state)
        per_fold = [binary_metrics(y[te], _fit_predict(estimator, X, y, tr, te)) for tr, te in splits]
        scores[name] = {"cv": summarize_folds(per_fold), "folds": per_fold}
    chosen = _choose(scores, selection_metric, len(splits))
    method = calibration_method(int(np.median([y[tr].sum() for tr, _ in splits])), CALIBRATION_FOLDS)
    oof = np.full(len(y), np.nan)
    fold_metrics = []
    for train, test in splits:
        calibrated = make_calibrated(make_candidate(chosen, prep.plan, random_state), method,
                                     _calibration_splits(prep, train, random_state))
        oof[test] = _fit_predict(calibrated, X, y, train, test)
        fold_metrics.append(binary_metrics(y[test], oof[test]))
    scored = np.flatnonzero(~np.isnan(oof))
    reference = None
    if prep.plan.reference_column:
        reference = as_time(prep.frame[prep.plan.reference_column]).iloc[scored]
    elif prep.plan.reference_date:
        reference = pd.Timestamp(prep.plan.reference_date)
    slices = {}
    for kind, found in slice_columns(prep.frame.iloc[scored], reference).items():
        slices[kind] = {"column": found["column"],
                        "groups": slice_metrics(y[scored], oof[scored], found["groups"], min_slice_rows)}
    if len(scored) < len(y):
        notes.append(f"{len(y) - len(scored)} row(s) of the earliest period are only ever used for training")
    validation = {"scheme": scheme, "folds": len(splits), "n_rows_scored": int(len(scored)),
                  "horizon_months": horizon_months if prep.times is not None else None}
    if prep.times is not None:
        validation["windows"] = [
            {"train": [time_text(prep.times.iloc[tr].min()), time_text(prep.times.iloc[tr].max())],
             "validate": [time_text(prep.times.iloc[te].min()), time_text(prep.times.iloc[te].max())]}
            for tr, te in splits]
    return EvaluationResult(
        label=prep.label, plan=prep.plan, validation=validation,
        selection_metric=selection_metric, candidates=scores, chosen_model=chosen, calibration=method,
        metrics=binary_metrics(y[scored], oof[scored]), chosen_model_cv=summarize_folds(fold_metrics),
        slices=slices, warnings=notes,
        oof=pd.Series(oof, index=prep.frame.index, name="attrition_probability"))


def fit_and_evaluate(frame: pd.DataFrame, label: str, time_column: str | None = None,
                     group_column: str | None = None, *, exclude: Iterable[str] = (),
                     positive: Sequence[str] | str | None = None, folds: int = 5, horizon_months: int = 0,
                     selection_metric: str = "pr_auc", random_state: int = 0,
                     min_slice_rows: int = MIN_SLICE_ROWS, candidates: Sequence[str] = CANDIDATES
                     ) -> EvaluationResult:
    """Out-of-fold evaluation of the calibrated, cross-validation-selected model on any feature table.

    ``exclude``: columns never used as features (keys, snapshot dates, attributes the analyst leaves out);
    ``time_column`` switches to forward-chaining folds with a ``horizon_months`` gap; ``group_column`` keeps a
    group's rows (a person's snapshots) in one fold; ``candidates`` limits the models compared.
    Raises ``TableError``, ``LabelError``, ``ValidationError``.
    """
    prep = prepare_table(frame, label, exclude=exclude, time_column=time_column, group_column=group_column,
                         positive=positive, random_state=random_state)
    return evaluate_prepared(prep, folds=folds, horizon_months=horizon_months, selection_metric=selection_metric,
                             random_state=random_state, min_slice_rows=min_slice_rows, candidates=candidates)


def train_final(frame: pd.DataFrame, label: str, time_column: str | None = None, group_column: str | None = None,
                *, exclude: Iterable[str] = (), positive: Sequence[str] | str | None = None,
                model: str | None = None, evaluate: bool = True, folds: int = 5, horizon_months: int = 0,
                selection_metric: str = "pr_auc", random_state: int = 0) -> TrainedModel:
    """Fit the calibrated model on every labelled row. ``model`` forces a candidate; otherwise (or when
    ``evaluate``) ``fit_and_evaluate`` runs first and its choice and metrics travel with the result.
    ``TrainedModel.predict_proba(raw_frame)`` scores new rows of the same table shape."""
    prep = prepare_table(frame, label, exclude=exclude, time_column=time_column, group_column=group_column,
                         positive=positive, random_state=random_state)
    evaluation = None
    if evaluate or model is None:
        evaluation = evaluate_prepared(prep, folds=folds, horizon_months=horizon_months,
                                       selection_metric=selection_metric, random_state=random_state)
    chosen = model or evaluation.chosen_model
    everything = np.arange(len(prep.y))
    method = calibration_method(int(prep.y.sum()), CALIBRATION_FOLDS)
    calibrated = make_calibrated(make_candidate(chosen, prep.plan, random_state), method,
                                 _calibration_splits(prep, everything, random_state))
    with warnings.catch_warnings(), threadpool_limits(THREADS):
        warnings.filterwarnings("ignore", message=".*unknown categor.*", category=UserWarning)
        calibrated.fit(prep.X, prep.y)
    pipeline = Pipeline([("prepare", TablePreparer(prep.plan).fit(prep.frame)), ("calibrated", calibrated)])
    window = None if prep.times is None else (time_text(prep.times.min()), time_text(prep.times.max()))
    return TrainedModel(pipeline=pipeline, model_name=chosen, calibration=method, plan=prep.plan,
                        label_column=label, positive_values=prep.label.positive_values,
                        n_rows=len(prep.y), n_positives=int(prep.y.sum()), training_window=window,
                        evaluation=evaluation)
