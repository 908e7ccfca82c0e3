"""Attrition-risk modeling on any feature table (see README.md in this folder).

    from ml.attrition import fit_and_evaluate, train_final, ModelRegistry
    result = fit_and_evaluate(frame, "Attrition", exclude=["employee_id"])   # out-of-fold metrics only
    trained = train_final(frame, "Attrition", exclude=["employee_id"])       # calibrated pipeline, all rows
    ModelRegistry("models/attrition").save_trained(trained)
"""

from .labels import LabelError, ParsedLabel, parse_label
from .metrics import binary_metrics, slice_metrics, top_decile_lift
from .modeling import TableError, fit_and_evaluate, prepare_table, train_final
from .preprocess import DroppedColumn, FeaturePlan, TablePreparer, profile_columns
from .registry import ModelRegistry, ModelVersion, RegistryError
from .results import EvaluationResult, TrainedModel
from .tables import TableReadError, read_table
from .validation import TimeSplit, ValidationError, cv_splits, time_based_split

__all__ = [
    "DroppedColumn", "EvaluationResult", "FeaturePlan", "LabelError", "ModelRegistry", "ModelVersion",
    "ParsedLabel", "RegistryError", "TableError", "TablePreparer", "TableReadError", "TimeSplit", "TrainedModel",
    "ValidationError", "binary_metrics", "cv_splits", "fit_and_evaluate", "parse_label", "prepare_table",
    "profile_columns", "read_table", "slice_metrics", "time_based_split", "top_decile_lift", "train_final",
]
