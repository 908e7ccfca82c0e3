"""Model selection for the warehouse's snapshot panel: train on earlier snapshots, validate on later ones.

``fit_and_evaluate`` (modeling.py) forward-chains over time for arbitrary tables; on a monthly panel its first
folds train on a few months and dilute the estimate. Here one hold-out does what an HR team would do with the
model: fit on every snapshot whose 6-month label window closed before the validation period, validate on the
last ``validation_snapshots`` labelled month ends, pick the candidate with the best PR AUC there, and refit the
chosen one, calibrated, on all labelled snapshots. Metrics are out-of-time only, overall and by gender and age
band.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .metrics import binary_metrics, slice_metrics
from .modeling import train_final
from .pipeline import CANDIDATES
from .results import TrainedModel
from .validation import time_based_split

SLICE_COLUMNS = ("gender", "age_band")


@dataclass
class HoldoutResult:
    model: TrainedModel  # the chosen candidate refitted on every labelled row
    chosen_model: str
    metrics: dict  # the chosen candidate on the validation period
    candidates: dict[str, dict]  # every candidate's validation metrics
    slices: dict[str, dict]  # column -> group -> metrics (chosen candidate)
    validation: dict  # windows, gap, scheme

    def registry_fields(self) -> dict:
        """Keyword arguments of ``ModelRegistry.save`` for this result."""
        return {
            "chosen_model": self.chosen_model,
            "features": self.model.plan.to_dict(),
            "metrics": self.metrics,
            "training_window": list(self.model.training_window) if self.model.training_window else None,
            "extra": {"validation": self.validation, "candidates": self.candidates, "slices": self.slices,
                      "calibration": self.model.calibration, "n_rows": self.model.n_rows,
                      "n_positives": self.model.n_positives},
        }


def select_and_train(frame: pd.DataFrame, label: str, *, time_column: str = "snapshot_date",
                     exclude: Iterable[str] = (), horizon_months: int = 6, validation_snapshots: int = 6,
                     candidates: Iterable[str] = CANDIDATES, random_state: int = 0) -> HoldoutResult:
    """Hold-out by time, choose by PR AUC, refit the winner on all labelled rows (``frame`` = labelled rows)."""
    frame = frame.reset_index(drop=True)
    split = time_based_split(frame[time_column], horizon_months, validation_snapshots=validation_snapshots)
    train, valid = frame.iloc[split.train_index], frame.iloc[split.validation_index]
    y_valid = valid[label].astype(int).to_numpy()
    results: dict[str, dict] = {}
    scores: dict[str, object] = {}
    for name in candidates:
        fitted = train_final(train, label, time_column=time_column, exclude=exclude, model=name, evaluate=False,
                             random_state=random_state)
        scores[name] = fitted.predict_proba(valid)
        results[name] = binary_metrics(y_valid, scores[name])
    chosen = max(results, key=lambda n: (results[n].get("pr_auc") or 0.0, n == CANDIDATES[0]))
    slices = {column: slice_metrics(y_valid, scores[chosen], valid[column])
              for column in SLICE_COLUMNS if column in valid.columns}
    final = train_final(frame, label, time_column=time_column, exclude=exclude, model=chosen, evaluate=False,
                        random_state=random_state)
    validation = {"scheme": "holdout_by_time", "train_window": list(split.train_window),
                  "validation_window": list(split.validation_window), "horizon_months": horizon_months,
                  "gap_rows": int(split.gap_rows), "train_rows": len(train), "validation_rows": len(valid)}
    return HoldoutResult(final, chosen, results[chosen], results, slices, validation)
