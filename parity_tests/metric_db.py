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

import sys
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .op_db.scales import loss_value_scale

INPUT_DTYPES = S.DTYPES + S.HALF_DTYPES
"""The inputs' dtypes a row runs in by default: a ``mixed_float16`` model's outputs are float16, and users feed
them to the metrics as they are."""


@dataclass(frozen=True)
class MetricInfo:
    """One checked metric class.

    Attributes:
        name: the class name, the same in ``reference.metrics`` and ``keras.metrics``.
        kwargs: ``() -> strategy`` of constructor keyword arguments (``dtype`` is added by the tests).
        sample: ``dtype -> strategy`` of a :class:`~parity_tests.strategies.Sample` with ``y_true``, ``y_pred``
            and ``sample_weight`` (``None`` or an array).
        tol: the tolerance key (``tolerances.RULES``).
        dtypes: the dtypes of the row's float inputs (default :data:`INPUT_DTYPES`, half precision included).
        key: the row's id, when two rows check the same name (default: ``name``).
        inputs: the sample's entries ``update_state`` takes positionally (``("values",)`` for Mean and Sum).
        size: ``sample -> int``, the ``size`` of the tolerance rule (default: the number of samples).
        scale: ``(sample, kwargs) -> float``, its ``scale`` (default 1: no cancellation).
        built_by_first_update: the metric makes its state at the first ``update_state``, shaped by that batch
            (R2Score): a fresh one has no result, and later batches must have the same outputs.
        needs: a ``reference.losses`` function the metric is built on that the losses branch writes: the row
            skips while ``reference.losses`` lacks it.

    A ``name`` in lower case is a function: the row streams ``MeanMetricWrapper(fn, **kwargs)``, as ``compile``
    does with a metric function.
    """

    name: str
    sample: Callable[[str], Any]
    kwargs: Callable[[], Any] = lambda: st.just({})
    tol: str = "metric"
    dtypes: tuple = INPUT_DTYPES
    key: str = None
    inputs: tuple = ("y_true", "y_pred")
    size: Callable[[Any], int] = None
    scale: Callable[[Any, dict], float] = None
    built_by_first_update: bool = False
    needs: str = None

    @property
    def id(self):
        return self.key or self.name

    def __repr__(self):
        return f"metric_db.BY_NAME[{self.id!r}]"

    def make(self, module, dtype, kwargs, as_policy=False):
        """The metric from ``module`` (``reference.metrics`` or ``keras.metrics``); ``as_policy``: ``dtype`` passed
        as that package's ``DTypePolicy(dtype)``."""
        if as_policy:
            dtype = sys.modules[module.__name__.split(".")[0]].DTypePolicy(dtype)
        obj = getattr(module, self.name)
        if isinstance(obj, type):
            return obj(dtype=dtype, **kwargs)
        return module.MeanMetricWrapper(obj, dtype=dtype, **kwargs)

    def tolerance_args(self, sample, kwargs):
        """``size`` and ``scale`` for :func:`~parity_tests.compare.assert_parity` on ``sample``."""
        return dict(size=self.size(sample) if self.size else len(sample[self.inputs[0]]),
                    scale=self.scale(sample, kwargs) if self.scale else 1.0)


def _elements(sample):
    """Per-sample values that are means over the outputs: the running totals' terms plus each value's own sum."""
    return np.size(sample["y_pred"]) + 2


def _crossentropy_scale(sample, kwargs):
    """A cross-entropy's terms' magnitude (``op_db``'s ``loss_value_scale``), for ``from_logits`` as drawn."""
    return loss_value_scale({**sample, "from_logits": kwargs.get("from_logits", False)})


def _r2_scale(sample, kwargs):
    """R²'s condition: ``SStot = Σwy² - (Σwy)²/Σw`` cancels, and ``1 - SSres/SStot`` amplifies its error.

    Both sides' sums are exact (small integers, exact weights); what differs is the rounding of ``mean``,
    ``sum·mean`` and the subtraction, each within ε of ``|Σwy²| + |Σwy·mean|``, and it reaches the score times
    ``(1 + |SSres/SStot|)/|SStot|``, then the adjustment's factor ``(n - 1)/(n - p - 1)``. Columns with ``SStot``
    exactly 0 give 0 or NaN on both sides.
    """
    y_true = np.asarray(sample["y_true"], np.float64).reshape(len(sample["y_true"]), -1)
    y_pred = np.asarray(sample["y_pred"], np.float64).reshape(y_true.shape)
    w = sample["sample_weight"]
    w = np.ones(y_true.shape) if w is None else np.broadcast_to(np.reshape(w, (-1, 1)), y_true.shape)
    total_w, sum_wy, sum_wyy = w.sum(0), (w * y_true).sum(0), (w * y_true ** 2).sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sum_wy / total_w
        ss_tot = sum_wyy - sum_wy * mean
        ss_res = (w * (y_true - y_pred) ** 2).sum(0)
        terms = np.abs(sum_wyy) + np.abs(sum_wy * mean)
        cond = (1 + np.abs(ss_res / ss_tot)) * terms / np.abs(ss_tot)
    cond = cond[np.isfinite(cond) & (np.abs(ss_tot) > 0)]
    n, p = y_true.size, kwargs.get("num_regressors", 0)
    adjust = (n - 1) / (n - p - 1) if 0 < p < n - 1 else 1.0
    return float(max(1.0, cond.max(initial=1.0)) * adjust)


def _mape_scale(sample, kwargs):
    """MAPE's terms ``100·|y - ŷ|/max(|y|, ε)``: their largest magnitude, over the result's."""
    y_true = np.asarray(sample["y_true"], np.float64)
    y_pred = np.asarray(sample["y_pred"], np.float64).reshape(y_true.shape if y_true.ndim == 2 else (-1,))
    return float(max(1.0, np.max(100 * np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), 1e-7))))


def _count_scale(sample, kwargs):
    """A confusion count's cancellation: with evenly spaced thresholds Keras takes the true negatives (and false
    negatives) as a total weight minus a cumulative one, each summed in its own order, so they are within ε of the
    total weight over every element (all scores in one bucket: 45.29 - 45.29 is 0 in TF and -4e-6 in NumPy)."""
    w = sample["sample_weight"]
    shape = np.shape(sample["y_pred"])
    if w is None:
        return float(max(1, np.prod(shape)))
    w = np.asarray(w, np.float64)
    return float(max(1.0, np.abs(np.broadcast_to(w.reshape(w.shape + (1,) * (len(shape) - w.ndim)), shape)).sum()))


def _floats_only(dtype):
    """Regression samples without integer inputs: on integers Keras's ``log_cosh`` raises and ``huber`` computes
    in integer arithmetic, which the parity rows of those loss functions pin; the streaming rows take floats."""
    return S.regression_metric(dtype, integers=False)


def _from_logits():
    return st.fixed_dictionaries({"from_logits": st.booleans()})


def _sparse_crossentropy_kwargs():
    """``from_logits``, and maybe an ``ignore_class`` the labels use: its entries then drop out of the weights
    (and of ``count``) when there are weights, and count with a loss of 0 when there are none."""
    return st.fixed_dictionaries({"from_logits": st.booleans()}, optional={"ignore_class": st.sampled_from([0, 1])})


def _crossentropy_kwargs():
    return st.fixed_dictionaries({"from_logits": st.booleans(),
                                  "label_smoothing": st.one_of(st.just(0.0), S.specials("float64", 0.1, 1.0),
                                                               S.floats("float64", 0, 1))})


def _function_row(name, sample, **kwargs):
    """A row for a metric function, float32 only: its class's row covers float64 (TF eager is the suite's cost)."""
    return MetricInfo(name, sample, dtypes=("float32",), **kwargs)


ROWS = [
    MetricInfo("SparseCategoricalAccuracy", S.sparse_accuracy),
    MetricInfo("CategoricalAccuracy", S.categorical_accuracy),
    MetricInfo("Accuracy", lambda d: S.accuracy(d, bool_scores=True)),
    # --- reduction, accuracy, probabilistic, regression, hinge, correlation ---
    MetricInfo("Mean", S.mean_values, inputs=("values",), tol="reduction",
               size=lambda s: np.size(s["values"]) + 2),
    MetricInfo("Sum", S.mean_values, inputs=("values",), tol="reduction",
               size=lambda s: np.size(s["values"]) + 2,
               scale=lambda s, kw: max(1.0, float(np.sum(np.abs(np.asarray(s["values"], np.float64)))))),
    MetricInfo("BinaryAccuracy", lambda d: S.binary_accuracy(d, bool_scores=True),
               kwargs=lambda: st.fixed_dictionaries({"threshold": st.one_of(S.specials("float32", 0.5, 0.0, 0.7),
                                                                            S.floats("float32", 0, 1))})),
    MetricInfo("TopKCategoricalAccuracy", S.top_k_metric, dtypes=("float32",),  # TF's in_top_k: float32 only
               kwargs=lambda: st.fixed_dictionaries({"k": S.top_k_values()})),
    MetricInfo("SparseTopKCategoricalAccuracy", lambda d: S.top_k_metric(d, sparse=True), dtypes=("float32",),
               kwargs=lambda: st.fixed_dictionaries({"k": S.top_k_values()})),
    MetricInfo("SparseTopKCategoricalAccuracy", S.sorted_ids_metric, key="SparseTopKCategoricalAccuracy[ids]",
               kwargs=lambda: st.fixed_dictionaries({"k": S.top_k_values(), "from_sorted_ids": st.just(True)})),
    _function_row("top_k_categorical_accuracy", S.top_k_metric,
                  kwargs=lambda: st.fixed_dictionaries({"k": S.top_k_values()})),
    _function_row("sparse_top_k_categorical_accuracy", lambda d: S.top_k_metric(d, sparse=True),
                  kwargs=lambda: st.fixed_dictionaries({"k": S.top_k_values()})),
    _function_row("categorical_accuracy", S.categorical_accuracy),
    _function_row("sparse_categorical_accuracy", S.sparse_accuracy),
    MetricInfo("BinaryCrossentropy", S.binary_crossentropy_metric, kwargs=_crossentropy_kwargs, tol="cross_entropy",
               size=_elements, scale=_crossentropy_scale),
    MetricInfo("CategoricalCrossentropy", S.crossentropy_metric, kwargs=_crossentropy_kwargs, tol="cross_entropy",
               size=_elements, scale=_crossentropy_scale),
    MetricInfo("SparseCategoricalCrossentropy", lambda d: S.crossentropy_metric(d, sparse=True),
               kwargs=_sparse_crossentropy_kwargs,
               tol="cross_entropy", size=_elements, scale=_crossentropy_scale),
    _function_row("binary_crossentropy", S.binary_crossentropy_metric, kwargs=_crossentropy_kwargs, tol="cross_entropy",
                  size=_elements, scale=_crossentropy_scale),
    _function_row("categorical_crossentropy", S.crossentropy_metric, kwargs=_crossentropy_kwargs, tol="cross_entropy",
                  size=_elements, scale=_crossentropy_scale),
    _function_row("sparse_categorical_crossentropy", lambda d: S.crossentropy_metric(d, sparse=True),
                  kwargs=_sparse_crossentropy_kwargs, tol="cross_entropy", size=_elements, scale=_crossentropy_scale),
    MetricInfo("KLDivergence", S.distribution_metric, tol="cross_entropy", size=_elements,
               scale=_crossentropy_scale, needs="kl_divergence"),
    MetricInfo("Poisson", S.distribution_metric, tol="cross_entropy", size=_elements, scale=_crossentropy_scale,
               needs="poisson"),
    MetricInfo("MeanSquaredError", S.regression_metric, size=_elements),
    _function_row("mean_squared_error", S.regression_metric, size=_elements),
    MetricInfo("RootMeanSquaredError", S.regression_metric, size=_elements),
    MetricInfo("MeanAbsoluteError", S.regression_metric, size=_elements, needs="mean_absolute_error"),
    MetricInfo("MeanAbsolutePercentageError", S.regression_metric, size=_elements, scale=_mape_scale,
               needs="mean_absolute_percentage_error"),
    MetricInfo("MeanSquaredLogarithmicError", S.regression_metric, tol="cross_entropy", size=_elements,
               needs="mean_squared_logarithmic_error"),
    MetricInfo("LogCoshError", _floats_only, tol="cross_entropy", size=_elements, needs="log_cosh"),
    MetricInfo("CosineSimilarity", lambda d: S.regression_metric(d, integers=False), size=_elements,
               kwargs=lambda: st.fixed_dictionaries({"axis": st.sampled_from([-1, 1])})),
    MetricInfo("R2Score", S.r2_metric, size=lambda s: len(s["y_true"]) + 8, scale=_r2_scale,
               built_by_first_update=True,
               kwargs=lambda: st.fixed_dictionaries({
                   "class_aggregation": st.sampled_from([None, "uniform_average", "variance_weighted_average"]),
                   "num_regressors": st.sampled_from([0, 1, 3])})),
    MetricInfo("Hinge", S.hinge_metric, size=_elements, needs="hinge"),
    MetricInfo("SquaredHinge", S.hinge_metric, size=_elements, needs="squared_hinge"),
    MetricInfo("CategoricalHinge", lambda d: S.hinge_metric(d, categorical=True), size=_elements,
               needs="categorical_hinge"),
    MetricInfo("PearsonCorrelation", S.correlation_metric, tol="correlation", size=_elements,
               kwargs=lambda: st.fixed_dictionaries({"axis": st.sampled_from([-1, 1])})),
    MetricInfo("ConcordanceCorrelation", S.correlation_metric, tol="correlation", size=_elements,
               kwargs=lambda: st.fixed_dictionaries({"axis": st.sampled_from([-1, 1])})),
    # the loss functions keras.metrics re-exports, streamed as compile streams a function
    _function_row("kl_divergence", S.distribution_metric, tol="cross_entropy", size=_elements,
                  scale=_crossentropy_scale, needs="kl_divergence"),
    _function_row("poisson", S.distribution_metric, tol="cross_entropy", size=_elements, scale=_crossentropy_scale,
                  needs="poisson"),
    _function_row("binary_focal_crossentropy", S.binary_crossentropy_metric, kwargs=_crossentropy_kwargs,
                  tol="cross_entropy", size=_elements, scale=_crossentropy_scale, needs="binary_focal_crossentropy"),
    _function_row("categorical_focal_crossentropy", S.crossentropy_metric, kwargs=_crossentropy_kwargs,
                  tol="cross_entropy", size=_elements, scale=_crossentropy_scale,
                  needs="categorical_focal_crossentropy"),
    _function_row("mean_absolute_error", S.regression_metric, size=_elements, needs="mean_absolute_error"),
    _function_row("mean_absolute_percentage_error", S.regression_metric, size=_elements, scale=_mape_scale,
                  needs="mean_absolute_percentage_error"),
    _function_row("mean_squared_logarithmic_error", S.regression_metric, tol="cross_entropy", size=_elements,
                  needs="mean_squared_logarithmic_error"),
    _function_row("log_cosh", _floats_only, tol="cross_entropy", size=_elements, needs="log_cosh"),
    _function_row("huber", _floats_only, size=_elements, needs="huber",
                  kwargs=lambda: st.fixed_dictionaries({"delta": st.sampled_from([1.0, 0.5, 10.0])})),
    _function_row("hinge", S.hinge_metric, size=_elements, needs="hinge"),
    _function_row("squared_hinge", S.hinge_metric, size=_elements, needs="squared_hinge"),
    _function_row("categorical_hinge", lambda d: S.hinge_metric(d, categorical=True), size=_elements,
                  needs="categorical_hinge"),
    _function_row("pearson_correlation", S.correlation_metric, tol="correlation", size=_elements),
    _function_row("concordance_correlation", S.correlation_metric, tol="correlation", size=_elements),
    # --- confusion-matrix metrics ---
    *(MetricInfo(name, S.confusion_counts, lambda: st.fixed_dictionaries({}, optional={
        "thresholds": S.confusion_thresholds()}), scale=_count_scale)
      for name in ("TruePositives", "TrueNegatives", "FalsePositives", "FalseNegatives")),
    MetricInfo("Precision", S.confusion_classes, S.precision_recall_kwargs),
    MetricInfo("Recall", S.confusion_classes, S.precision_recall_kwargs),
    # AUC counts in floatx() whatever its dtype, as Keras: a float64 AUC is compared at float32 (test_metric_db)
    MetricInfo("AUC", S.confusion_logits, S.auc_kwargs, tol="riemann_sum"),
    *(MetricInfo(name, lambda d: S.confusion_classes(d, exact_weights=True),
                 lambda constraint=constraint: S.at_constraint_kwargs(constraint))
      for name, constraint in (("PrecisionAtRecall", "recall"), ("RecallAtPrecision", "precision"),
                               ("SensitivityAtSpecificity", "specificity"),
                               ("SpecificityAtSensitivity", "sensitivity"))),
    MetricInfo("FBetaScore", S.f_score_sample, S.f_score_kwargs, built_by_first_update=True),
    MetricInfo("F1Score", S.f_score_sample, lambda: S.f_score_kwargs(beta=False), built_by_first_update=True),
    MetricInfo("IoU", S.iou_sparse, S.iou_kwargs),
    MetricInfo("MeanIoU", S.iou_sparse, lambda: S.iou_kwargs(target_class_ids=False)),
    MetricInfo("BinaryIoU", S.binary_iou_sample, lambda: st.fixed_dictionaries({}, optional={
        "target_class_ids": st.sampled_from([[0], [1], [0, 1]]), "threshold": st.sampled_from([0.5, 0.0, 1.0, 0.3])})),
    MetricInfo("OneHotIoU", S.iou_one_hot, S.iou_kwargs),
    MetricInfo("OneHotMeanIoU", S.iou_one_hot, lambda: S.iou_kwargs(target_class_ids=False)),
    # --- end of confusion-matrix metrics ---
]

BY_NAME = {row.id: row for row in ROWS}


def covered_keras_names():
    """Every ``keras.metrics.<Name>`` a row compares against (read by ``test_coverage.py``)."""
    wrapped = {"keras.metrics.MeanMetricWrapper"} if any(row.name[0].islower() for row in ROWS) else set()
    return {f"keras.metrics.{row.name}" for row in ROWS} | wrapped
