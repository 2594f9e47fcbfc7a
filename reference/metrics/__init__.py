"""Metrics, mirroring Keras 3's ``keras/src/metrics``: ``reference.metrics.X`` is ``keras.metrics.X``.

One file per Keras file: ``metric.py`` (the base class and its state variables), ``reduction_metrics.py``
(``Sum``, ``Mean``, ``MeanMetricWrapper``), ``accuracy_metrics.py``, ``probabilistic_metrics.py``,
``regression_metrics.py``, ``hinge_metrics.py``, ``correlation_metrics.py``, and the confusion-matrix family:
``metrics_utils.py`` (the counting), ``confusion_metrics.py``, ``f_score_metrics.py`` and ``iou_metrics.py``. ``get``
and
the names it resolves sit here, as in ``keras/src/metrics/__init__.py``; like ``keras.metrics``, the package also
re-exports the loss functions of :mod:`reference.losses` that Keras lists as metrics.
"""

from ..losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,  # noqa: F401
                      categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence, log_cosh,
                      mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                      mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge)
from ..utils.naming import to_snake_case
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                               SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy, binary_accuracy,
                               categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                               top_k_categorical_accuracy)
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
                                RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
                                TruePositives)
from .f_score_metrics import F1Score, FBetaScore
from .iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .correlation_metrics import (ConcordanceCorrelation, PearsonCorrelation, concordance_correlation,
                                  pearson_correlation)
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from .metric import Metric
from .probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson,
                                    SparseCategoricalCrossentropy)
from .reduction_metrics import Mean, MeanMetricWrapper, Sum
from .regression_metrics import (CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                                 MeanSquaredError, MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError)





ALL = {c.__name__: c for c in (  # Keras's ALL_OBJECTS: what `get` builds from a class name
    # --- reduction, accuracy, probabilistic, regression, hinge, correlation ---
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    ConcordanceCorrelation, PearsonCorrelation,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    # --- confusion, f-score, iou ---
    TruePositives, TrueNegatives, FalsePositives, FalseNegatives, Precision, Recall, AUC,
    PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
    F1Score, FBetaScore, IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
)}


ALL_FUNCTIONS = {f.__name__: f for f in (  # the per-sample functions keras.metrics exports (`get` does not read them)
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, pearson_correlation, concordance_correlation,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error,
)}


ALIASES = {  # Keras also knows each class by its snake_case name, and some by a short one
    **{to_snake_case(name): cls for name, cls in ALL.items()},
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
}


def get(identifier):
    """A metric from a name, a ``{"class_name", "config"}`` dict, a class, a ``Metric`` or a function.

    As Keras's ``metrics.get``: ``None`` stays ``None``; a name (a class name, its snake_case, or a short name
    such as ``"mse"``) or a class gives a new instance with default arguments; a function or a ``Metric`` is
    returned as it is (``compile`` wraps functions in a ``MeanMetricWrapper``). A function's name is not a name
    here (``"log_cosh"`` is unknown, ``"log_cosh_error"`` is ``LogCoshError``), nor are ``"acc"`` and
    ``"accuracy"``-by-shape, which ``compile`` resolves itself.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = ALL.get(identifier.get("class_name"))
        if obj is None:
            raise ValueError(f"Unknown metric class {identifier.get('class_name')!r} in {identifier}.")
        return obj.from_config(identifier.get("config", {}))
    obj = (ALL.get(identifier) or ALIASES.get(identifier)) if isinstance(identifier, str) else identifier
    if isinstance(obj, type):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Unknown metric {identifier!r}. Expected a Metric, a function, or one of "
                     f"{sorted(ALL) + sorted(ALIASES)}.")
