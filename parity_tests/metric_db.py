"""The metric table: one :class:`MetricInfo` row per checked metric class.

Generic properties run over :data:`ROWS` (``parity_tests/test_metric_db.py``): the reference's streaming result
equals tf.keras's after every chunk, weighted and unweighted, and through ``reset_state``; and splitting the
data into chunks does not change the reference's result beyond what the changed summation order allows.

**Adding a metric is adding a row**::

    MetricInfo(
        name="SparseCategoricalAccuracy",             # the class, in reference.metrics and keras.metrics
        kwargs=lambda: st.just({}),                   # strategy of constructor kwargs (beyond dtype)
        sample=S.sparse_accuracy,                     # dtype -> strategy of Sample(y_true, y_pred, sample_weight)
        tol="metric",                                 # tolerances.RULES key
    )

The table never imports TensorFlow; the tests pass ``keras`` in.
"""

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from . import strategies as S


@dataclass(frozen=True)
class MetricInfo:
    """One checked metric class.

    Attributes:
        name: the class name, the same in ``reference.metrics`` and ``keras.metrics``.
        kwargs: ``() -> strategy`` of constructor keyword arguments (``dtype`` is added by the tests).
        sample: ``dtype -> strategy`` of a :class:`~parity_tests.strategies.Sample` with ``y_true``, ``y_pred``
            and ``sample_weight`` (``None`` or an array).
        tol: the tolerance key (``tolerances.RULES``).
        dtypes: the dtypes the row runs in.
    """

    name: str
    sample: Callable[[str], Any]
    kwargs: Callable[[], Any] = lambda: st.just({})
    tol: str = "metric"
    dtypes: tuple = S.DTYPES

    def __repr__(self):
        return f"metric_db.BY_NAME[{self.name!r}]"

    def make(self, module, dtype, kwargs):
        """The metric from ``module`` (``reference.metrics`` or ``keras.metrics``)."""
        return getattr(module, self.name)(dtype=dtype, **kwargs)


ROWS = [
    MetricInfo("SparseCategoricalAccuracy", S.sparse_accuracy),
    MetricInfo("CategoricalAccuracy", S.categorical_accuracy),
    MetricInfo("Accuracy", S.accuracy),
    # --- confusion-matrix metrics ---
    *(MetricInfo(name, S.confusion_counts, lambda: st.fixed_dictionaries({}, optional={
        "thresholds": S.confusion_thresholds()}))
      for name in ("TruePositives", "TrueNegatives", "FalsePositives", "FalseNegatives")),
    MetricInfo("Precision", S.confusion_classes, S.precision_recall_kwargs),
    MetricInfo("Recall", S.confusion_classes, S.precision_recall_kwargs),
    MetricInfo("AUC", S.confusion_logits, S.auc_kwargs, tol="riemann_sum"),
    *(MetricInfo(name, lambda d: S.confusion_classes(d, exact_weights=True),
                 lambda constraint=constraint: S.at_constraint_kwargs(constraint))
      for name, constraint in (("PrecisionAtRecall", "recall"), ("RecallAtPrecision", "precision"),
                               ("SensitivityAtSpecificity", "specificity"),
                               ("SpecificityAtSensitivity", "sensitivity"))),
    MetricInfo("FBetaScore", S.f_score_sample, S.f_score_kwargs),
    MetricInfo("F1Score", S.f_score_sample, lambda: S.f_score_kwargs(beta=False)),
    MetricInfo("IoU", S.iou_sparse, S.iou_kwargs),
    MetricInfo("MeanIoU", S.iou_sparse, lambda: S.iou_kwargs(target_class_ids=False)),
    MetricInfo("BinaryIoU", S.binary_iou_sample, lambda: st.fixed_dictionaries({}, optional={
        "target_class_ids": st.sampled_from([[0], [1], [0, 1]]), "threshold": st.sampled_from([0.5, 0.0, 1.0, 0.3])})),
    MetricInfo("OneHotIoU", S.iou_one_hot, S.iou_kwargs),
    MetricInfo("OneHotMeanIoU", S.iou_one_hot, lambda: S.iou_kwargs(target_class_ids=False)),
    # --- end of confusion-matrix metrics ---
]

BY_NAME = {row.name: row for row in ROWS}


def covered_keras_names():
    """Every ``keras.metrics.<Name>`` a row compares against (read by ``test_coverage.py``)."""
    return {f"keras.metrics.{row.name}" for row in ROWS}
