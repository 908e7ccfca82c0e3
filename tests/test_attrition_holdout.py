"""The warehouse model's time-based hold-out (ml/attrition/holdout.py): training labels close before the validation
period, metrics are out-of-time (a learnable signal scores well, noise does not), and slices are reported."""

import numpy as np
import pandas as pd
import pytest

from ml.attrition.holdout import select_and_train


def _panel(signal: bool, people: int = 300, months: int = 24, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-31", periods=months, freq="ME")
    rows = []
    for p in range(people):
        gender = "F" if p % 2 else "M"
        for d in dates:
            overtime = rng.gamma(2.0, 10.0)
            risk = 0.02 + (0.25 if signal and overtime > 35 else 0.0)
            rows.append({"person_key": f"P{p}", "snapshot_date": d, "gender": gender, "age_band": "25-34",
                         "overtime_monthly_3m": overtime, "tenure_months": rng.integers(1, 120),
                         "label": int(rng.random() < (risk if signal else 0.08))})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("signal", [True, False])
def test_holdout_is_out_of_time_and_honest(signal):
    frame = _panel(signal)
    result = select_and_train(frame, "label", exclude=["person_key", "gender", "age_band"], horizon_months=6,
                              validation_snapshots=4, candidates=("logistic_regression",))
    v = result.validation
    # Training snapshots' 6-month label windows end by the first validation snapshot.
    train_end, valid_start = pd.Timestamp(v["train_window"][1]), pd.Timestamp(v["validation_window"][0])
    assert train_end + pd.DateOffset(months=6) <= valid_start
    assert v["validation_rows"] == 4 * 300 and v["gap_rows"] > 0
    auc = result.metrics["roc_auc"]
    assert (auc > 0.75) if signal else (0.4 < auc < 0.6)
    assert set(result.slices["gender"]) == {"F", "M"}
    fields = result.registry_fields()
    assert fields["chosen_model"] == "logistic_regression" and fields["metrics"] is result.metrics
    assert 0.0 <= float(np.mean(result.model.predict_proba(frame.head(50)))) <= 1.0
