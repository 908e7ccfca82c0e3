"""The candidate models and their calibration.

Logistic regression, gradient boosting, and the soft-vote ensemble of the two (mean of their probabilities).
All take ``TablePreparer`` output (typed columns) and weight classes as balanced, so that a 15% leaver rate
does not make "nobody leaves" the easiest answer. Balanced weights distort probabilities; the calibration step
(fitted on held-out folds, without weights) maps scores back to real rates.

Why an ensemble: the two models err differently (a linear trend everywhere versus thresholds and
interactions), and on HR tables neither wins everywhere (IBM's file favours the linear model, HR_comma_sep
boosting). Out of fold the mean beat both on IBM and on the 10k demo company and fell between them on the
others; it is a candidate, chosen only when validation says so.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, VotingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from .preprocess import FeaturePlan

LOGISTIC = "logistic_regression"
BOOSTING = "hist_gradient_boosting"
ENSEMBLE = "ensemble"
CANDIDATES = (LOGISTIC, BOOSTING, ENSEMBLE)
# Isotonic calibration is a step function with one step per distinct score; with few positives per calibration
# fold it overfits, the two-parameter sigmoid does not.
ISOTONIC_MIN_POSITIVES = 250


def _logistic(plan: FeaturePlan, random_state: int) -> Pipeline:
    numeric = [*plan.numeric, *plan.dates]
    encode = ColumnTransformer([
        ("numeric", Pipeline([("impute", SimpleImputer(strategy="median", add_indicator=True)),
                              ("scale", StandardScaler())]), numeric),
        ("categorical", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=plan.min_frequency,
                                      max_categories=plan.max_categories, sparse_output=False),
         list(plan.categorical)),
    ], remainder="drop")
    # L2 with C=0.1: one-hot levels and correlated HR tenure columns make unregularised weights unstable.
    model = LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000, random_state=random_state)
    return Pipeline([("encode", encode), ("model", model)])


class EmptyColumnFiller(TransformerMixin, BaseEstimator):
    """Fills columns that were entirely missing at fit time with 0 (shape kept).

    Trees handle missing values natively, but HistGradientBoosting fails to bin a column with no value at all
    (scikit-learn 1.9), which happens when a source starts later than the earliest training snapshots."""

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's argument names
        values = np.asarray(X, dtype=float)
        self.empty_ = np.isnan(values).all(axis=0) if values.size else np.zeros(values.shape[1], bool)
        return self

    def transform(self, X):  # noqa: N803
        values = np.array(X, dtype=float, copy=True)
        values[:, self.empty_] = 0.0
        return values


def _boosting(plan: FeaturePlan, random_state: int) -> Pipeline:
    numeric = [*plan.numeric, *plan.dates]
    encode = ColumnTransformer([
        # Trees split on missing values natively: no imputation (only never-observed columns are filled).
        ("numeric", EmptyColumnFiller(), numeric),
        ("categorical", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                       min_frequency=plan.min_frequency, max_categories=plan.max_categories),
         list(plan.categorical)),
    ], remainder="drop")
    categorical = np.r_[np.zeros(len(numeric), bool), np.ones(len(plan.categorical), bool)]
    # Shallow, slow-learning and L2-regularised: HR tables are small; no early stopping, so results do not
    # depend on an internal random validation split.
    model = HistGradientBoostingClassifier(
        learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        categorical_features=categorical if categorical.any() else None, early_stopping=False,
        class_weight="balanced", random_state=random_state)
    return Pipeline([("encode", encode), ("model", model)])


def _ensemble(plan: FeaturePlan, random_state: int) -> VotingClassifier:
    return VotingClassifier([(LOGISTIC, _logistic(plan, random_state)), (BOOSTING, _boosting(plan, random_state))],
                            voting="soft")


def make_candidate(name: str, plan: FeaturePlan, random_state: int = 0) -> Pipeline | VotingClassifier:
    """An unfitted classifier (``encode → model`` pipeline, or the vote of two) for a name in ``CANDIDATES``."""
    builders = {LOGISTIC: _logistic, BOOSTING: _boosting, ENSEMBLE: _ensemble}
    if name not in builders:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(CANDIDATES)}")
    return builders[name](plan, random_state)


def calibration_method(n_positives: int, n_calibration_folds: int) -> str:
    """"isotonic" when each calibration fold holds enough positives, else "sigmoid"."""
    return "isotonic" if n_positives / max(n_calibration_folds, 1) >= ISOTONIC_MIN_POSITIVES else "sigmoid"


def make_calibrated(estimator: Pipeline | VotingClassifier, method: str, splits: list[tuple[np.ndarray, np.ndarray]]
                    ) -> CalibratedClassifierCV:
    """Calibrated on the given (train, calibration) splits of whatever data it is fitted on; one model per
    split, probabilities averaged."""
    return CalibratedClassifierCV(estimator, method=method, cv=splits, ensemble=True)
