"""The regression metrics, mirroring ``keras/src/metrics/regression_metrics.py``.

Most are the streamed (weighted) mean of a loss function of :mod:`reference.losses`, one value per sample. Three
are their own: :class:`RootMeanSquaredError` (the square root of a streamed mean, not a mean of batch RMSEs),
:class:`CosineSimilarity` (the metric's own ``cosine_similarity``, of the opposite sign to the loss) and
:class:`R2Score` (per-output sums, aggregated at ``result``).
"""

import warnings

import numpy as np

from .. import config, losses
from ..ops import flush_subnormal
from ..losses.loss import squeeze_or_expand_to_same_rank
from ..utils.numerical_utils import normalize
from .metric import Metric
from .reduction_metrics import Mean, MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_squared_error`, ``meanⱼ (yⱼ - ŷⱼ)²`` per sample.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=losses.mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_absolute_error`, ``meanⱼ |yⱼ - ŷⱼ|`` per sample.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_absolute_percentage_error`, ``100·meanⱼ |y - ŷ| / max(|y|, ε)``.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_squared_logarithmic_error`,
    ``meanⱼ (log(max(y, ε) + 1) - log(max(ŷ, ε) + 1))²``.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """``√(Σᵢ wᵢ·eᵢ / Σᵢ wᵢ)`` with ``eᵢ = meanⱼ (ŷᵢⱼ - yᵢⱼ)²``: the root of the *streamed* mean squared error.

    The square root is taken at ``result``, over everything seen, so it is not the mean of the batches' RMSEs.
    ``y_true`` and ``y_pred`` are cast to the metric's dtype first. State: :class:`Mean`'s ``total`` and ``count``.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=self.dtype)
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return np.sqrt(super().result())


def cosine_similarity(y_true, y_pred, axis=-1):
    """``Σⱼ ŷⱼ·yⱼ / (‖ŷ‖·‖y‖)`` along ``axis``, one value per sample: the metric's own, +1 for the same direction.

    Each side is :func:`~reference.utils.numerical_utils.normalize`\\ d, so a zero vector gives 0, not NaN
    (``reference.losses.cosine_similarity``, the loss, is its negative). Keras normalizes with ``rsqrt``, a
    float-only kernel, so integer or bool ``y_pred`` raises a ``TypeError`` naming it.
    """
    y_pred = np.asarray(y_pred)
    if not config.is_float_dtype(y_pred.dtype):
        raise TypeError("`y_pred` must be floating-point: Keras's cosine_similarity normalizes it with rsqrt, a "
                        f"float-only kernel. Received: y_pred.dtype={y_pred.dtype}")
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return np.sum(normalize(y_true, axis=axis) * normalize(y_pred, axis=axis), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean of :func:`cosine_similarity` over all samples seen.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        axis: the axis along which the similarity is taken. As in Keras, ``get_config`` leaves it out, so
            ``from_config`` gives ``axis=-1`` back.
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.log_cosh`, ``meanⱼ log(cosh(ŷⱼ - yⱼ))``; Keras names it ``"logcosh"``.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


R2_CLASS_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination, per output column ``j`` then aggregated (Keras's, from TF-Addons).

    Per column, over everything seen, with weights ``w``::

        SSres_j = Σᵢ wᵢⱼ (yᵢⱼ - ŷᵢⱼ)²      SStot_j = Σᵢ wᵢⱼ yᵢⱼ² - (Σᵢ wᵢⱼ yᵢⱼ)² / Σᵢ wᵢⱼ
        R²_j = 1 - SSres_j / SStot_j        (0 where that is ±inf: a constant column with errors)

    then ``class_aggregation``: ``"uniform_average"`` (the mean of the ``R²_j``), ``"variance_weighted_average"``
    (``Σ SStot_j·R²_j / Σ SStot_j``) or ``None`` (the vector). A constant column predicted exactly gives
    ``0/0``: NaN, as in Keras. With ``num_regressors = p > 0`` the adjusted score ``1 - (1 - R²)(n - 1)/(n - p - 1)``,
    where Keras's ``n`` counts *elements* seen (samples × outputs), not samples; when ``p >= n - 1`` it warns and
    keeps the plain score.

    Inputs must be 2-D, (samples, outputs) (a (N,) label meets a (N, 1) prediction by the rank rule). Weights are
    a scalar, (N,) (per sample) or (N, outputs). ``y_true`` and ``y_pred`` are cast to the metric's ``dtype``,
    but the state (``num_samples``, then ``squared_sum``, ``sum``, ``residual`` and ``count``, one per output,
    made at the first update) is in ``floatx``, whatever ``dtype`` says, and so is the result: Keras's
    ``add_variable(dtype=None)``.

    Args:
        class_aggregation: how the per-output scores combine, see above.
        num_regressors: the number of independent variables, for the adjusted score; 0 for the plain one.
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if class_aggregation not in R2_CLASS_AGGREGATIONS:
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of "
                             f"{R2_CLASS_AGGREGATIONS}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        num_classes = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=[num_classes], initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=[num_classes], initializer="zeros")
        self.count = self.add_variable(name="count", shape=[num_classes], initializer="zeros")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=self.dtype)
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        sample_weight = np.asarray(1 if sample_weight is None else sample_weight, dtype=self.dtype)
        if sample_weight.ndim == 1:
            sample_weight = sample_weight[:, None]                    # one weight per sample, for every output
        try:
            sample_weight = np.broadcast_to(sample_weight, y_true.shape)
        except ValueError:
            raise ValueError(f"`sample_weight` of shape {sample_weight.shape} does not broadcast to `y_true` of "
                             f"shape {y_true.shape}.") from None
        weighted_y_true = y_true * sample_weight
        self.sum.assign(self.sum + np.sum(weighted_y_true, axis=0))
        self.squared_sum.assign(self.squared_sum + np.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign(self.total_mse + np.sum((y_true - y_pred) ** 2 * sample_weight, axis=0))
        self.count.assign(self.count + np.sum(sample_weight, axis=0))
        self.num_samples.assign(self.num_samples + y_true.size)

    def result(self):
        if not self._built:
            raise ValueError("R2Score has seen no data: its per-output state is made by the first `update_state`.")
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum / self.count
            total = flush_subnormal(self.squared_sum - self.sum * mean)   # TF's subtract flushes; 0 decides
            raw_scores = 1 - self.total_mse / total
            raw_scores = np.where(np.isinf(raw_scores), raw_scores.dtype.type(0), raw_scores)
            if self.class_aggregation == "uniform_average":
                r2_score = np.mean(raw_scores)
            elif self.class_aggregation == "variance_weighted_average":
                r2_score = np.sum(total * raw_scores) / np.sum(total)
            else:
                r2_score = raw_scores
        if self.num_regressors != 0:
            if self.num_regressors > self.num_samples - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling back to "
                              "standard R2 score.", stacklevel=2)
            elif self.num_regressors == self.num_samples - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                n = np.float32(self.num_samples)
                p = np.float32(self.num_regressors)
                r2_score = 1 - (1 - r2_score) * (n - 1) / (n - p - 1)
        return np.asarray(r2_score)

    def reset_state(self):
        for v in self.variables:
            v.assign(0)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
