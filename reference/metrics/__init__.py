"""Metrics, mirroring Keras 3's ``keras/src/metrics``: ``reference.metrics.X`` is ``keras.metrics.X``.

One file per Keras file: ``metric.py`` (the base class), ``reduction_metrics.py`` (``Mean``,
``MeanMetricWrapper``), ``accuracy_metrics.py``, ``confusion_metrics.py``, ``regression_metrics.py`` and
``probabilistic_metrics.py``, and the confusion-matrix family: ``metrics_utils.py`` (the counting),
``confusion_metrics.py``, ``f_score_metrics.py`` and ``iou_metrics.py``; ``get`` and the names it resolves sit here, as in ``keras/src/metrics/__init__.py``.
"""

from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, accuracy,
                               binary_accuracy, categorical_accuracy, sparse_categorical_accuracy)
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
                                RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
                                TruePositives)
from .f_score_metrics import F1Score, FBetaScore
from .iou_metrics import IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .metric import Metric
from .probabilistic_metrics import BinaryCrossentropy
from .reduction_metrics import Mean, MeanMetricWrapper
from .regression_metrics import MeanSquaredError
from ..utils.naming import to_snake_case


ALL = {c.__name__: c for c in (Mean, SparseCategoricalAccuracy, CategoricalAccuracy, Accuracy,
                               BinaryAccuracy, FalseNegatives, MeanSquaredError, BinaryCrossentropy)}

# --- confusion-matrix metrics: confusion_metrics, f_score_metrics, iou_metrics ---
CONFUSION_METRICS = (TruePositives, TrueNegatives, FalsePositives, FalseNegatives, Precision, Recall, AUC,
                     PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
                     F1Score, FBetaScore, IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU)
ALL.update({c.__name__: c for c in CONFUSION_METRICS})
# --- end of confusion-matrix metrics ---


ALL_FUNCTIONS = {f.__name__: f for f in (sparse_categorical_accuracy, categorical_accuracy, accuracy,
                                         binary_accuracy)}


ALIASES = {  # Keras also knows each class by its snake_case name, and some by a short one
    "mean": Mean, "accuracy": Accuracy, "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "categorical_accuracy": CategoricalAccuracy, "binary_accuracy": BinaryAccuracy,
    "false_negatives": FalseNegatives, "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "MSE": MeanSquaredError, "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
}
# --- confusion-matrix metrics: Keras's snake-case names ("auc", "precision", "true_positives", "mean_io_u", ...) ---
ALIASES.update({to_snake_case(c.__name__): c for c in CONFUSION_METRICS})
# --- end of confusion-matrix metrics ---


def get(identifier):
    """A metric from a ``Metric``, a class name, a function name, or a function."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]()
    if isinstance(identifier, str) and identifier in ALIASES:
        return ALIASES[identifier]()
    if isinstance(identifier, str) and identifier in ALL_FUNCTIONS:
        return MeanMetricWrapper(ALL_FUNCTIONS[identifier])
    if callable(identifier) and not isinstance(identifier, type):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Unknown metric {identifier!r}. Expected a Metric, a function, or one of "
                     f"{sorted(ALL) + sorted(set(ALIASES) | set(ALL_FUNCTIONS))}.")
