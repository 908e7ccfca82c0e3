"""Result objects of ``fit_and_evaluate`` and ``train_final``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from .labels import ParsedLabel
from .preprocess import FeaturePlan


@dataclass
class EvaluationResult:
    """Out-of-fold evaluation. ``metrics`` are those of the calibrated chosen model on rows it never saw in
    training; ``candidates`` hold each candidate's uncalibrated per-fold metrics and their mean/std."""

    label: ParsedLabel
    plan: FeaturePlan
    validation: dict
    selection_metric: str
    candidates: dict[str, dict]
    chosen_model: str
    calibration: str
    metrics: dict
    chosen_model_cv: dict
    slices: dict
    warnings: list[str] = field(default_factory=list)
    oof: pd.Series | None = None  # calibrated out-of-fold probability per input row (NaN: never validated)

    def to_dict(self) -> dict:
        """The JSON document printed by ``trm attrition evaluate`` (see ml/attrition/README.md)."""
        return {
            "n_rows": int(len(self.label.y)),  # labelled rows; metrics.n_rows counts the rows scored out of fold
            "n_positives": int(self.label.y.sum()),
            "base_rate": round(float(self.label.y.mean()), 4),
            "label": {"column": str(self.label.y.name), "positive_values": self.label.positive_values,
                      "negative_values": self.label.negative_values,
                      "rows_missing_label": self.label.rows_missing_label},
            "validation": self.validation,
            "selection_metric": self.selection_metric,
            "candidates": {name: c["cv"] for name, c in self.candidates.items()},
            "chosen_model": self.chosen_model,
            "calibration": self.calibration,
            "metrics": self.metrics,
            "chosen_model_cv": self.chosen_model_cv,
            "slices": self.slices,
            "features": {"numeric": list(self.plan.numeric), "dates": list(self.plan.dates),
                         "categorical": list(self.plan.categorical)},
            "dropped_columns": [{"column": d.column, "reason": d.reason, "detail": d.detail}
                                for d in self.plan.dropped],
            "warnings": self.warnings,
        }


@dataclass
class TrainedModel:
    """A calibrated pipeline fitted on all labelled rows. ``pipeline`` takes the raw table (same columns as in
    training; extra columns are ignored) and is ``prepare`` (``TablePreparer``) → ``calibrated``
    (``CalibratedClassifierCV`` over an ``encode`` → ``model`` pipeline; the fitted per-fold pipelines are in
    ``pipeline["calibrated"].calibrated_classifiers_[i].estimator``)."""

    pipeline: Pipeline
    model_name: str
    calibration: str
    plan: FeaturePlan
    label_column: str
    positive_values: list[str]
    n_rows: int
    n_positives: int
    training_window: tuple[str, str] | None = None
    evaluation: EvaluationResult | None = None

    @property
    def features(self) -> list[str]:
        return self.plan.features

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of leaving for each row of a raw table."""
        return self.pipeline.predict_proba(frame)[:, 1]

    def metadata(self) -> dict:
        """What the registry stores next to the model."""
        return {
            "chosen_model": self.model_name,
            "calibration": self.calibration,
            "label": {"column": self.label_column, "positive_values": self.positive_values},
            "training_window": list(self.training_window) if self.training_window else None,
            "n_rows": self.n_rows,
            "n_positives": self.n_positives,
            "features": self.plan.to_dict(),
            "metrics": self.evaluation.metrics if self.evaluation else None,
            "validation": self.evaluation.validation if self.evaluation else None,
        }
