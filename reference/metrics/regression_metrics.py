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
    """The streamed (weighted) mean of :func:`reference.losses.mean_squared_error`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.MeanSquaredError()
    >>> m.update_state(np.float32([[0., 1.], [0., 0.]]), np.float32([[1., 1.], [2., 0.]]))
    >>> float(m.result())   # per sample (1 + 0)/2 and (4 + 0)/2, averaged
    1.25
    >>> m.update_state(np.float32([[0., 0.]]), np.float32([[9., 9.]]), sample_weight=[0.])
    >>> float(m.result())   # weight 0: neither the 81 nor the sample counts
    1.25

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=losses.mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.mean_absolute_error`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.MeanAbsoluteError()
    >>> m.update_state(np.float32([[0., 1.], [0., 0.]]), np.float32([[1., 1.], [-2., 0.]]), sample_weight=[3., 1.])
    >>> float(m.result())   # per sample (1 + 0)/2 and (2 + 0)/2, weighted 3 and 1: (1.5 + 1) / 4
    0.625

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.mean_absolute_percentage_error`, one value per
    sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.MeanAbsolutePercentageError()
    >>> m.update_state(np.float32([[1., 2.]]), np.float32([[1.5, 1.]]))
    >>> float(m.result())             # 100·(0.5/1 + 1/2)/2
    50.0
    >>> m.reset_state()
    >>> m.update_state(np.float32([[0.]]), np.float32([[1.]]))
    >>> print(f"{m.result():.3g}")   # a zero target divides by ε = 1e-7: 100·1/1e-7
    1e+09

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.mean_squared_logarithmic_error`, one value per
    sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.MeanSquaredLogarithmicError()
    >>> m.update_state(np.float32([[3.]]), np.float32([[0.]]))
    >>> print(np.round(m.result(), 4))   # (log 4 - log 1)² = (2·log 2)²
    1.9218
    >>> m.update_state(np.float32([[3.]]), np.float32([[-5.]]))
    >>> print(np.round(m.result(), 4))   # ŷ = -5 is clipped to ε first: the same error again
    1.9218

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    r"""The root of the *streamed* mean squared error, over every sample seen.

    The square root is taken at ``result``, over everything seen, so it is not the mean of the batches' RMSEs.
    ``y_true`` and ``y_pred`` are cast to the metric's dtype first. State: :class:`Mean`'s ``total`` and ``count``.

    Formula:

    $$
    \mathrm{RMSE} = \sqrt{\frac{\sum_i w_i\, e_i}{\sum_i w_i}}, \qquad
    e_i = \frac{1}{d}\sum_{j=1}^{d} \big(\hat y_{ij} - y_{ij}\big)^2
    $$

    where $y_{ij}$ and $\hat y_{ij}$ are the $j$-th of the $d$ elements of sample $i$ of ``y_true`` and ``y_pred``
    (cast to the metric's dtype), $w_i$ its ``sample_weight`` (1 without), and $i$ runs over every sample seen
    since the last reset; the fraction is 0 when $\sum_i w_i = 0$.

    Keras vs the textbook:

    * The root is taken of the pooled mean, at ``result``: the RMSE of everything seen, not the mean of the
      batches' RMSEs (which would depend on how the data is batched).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.RootMeanSquaredError()
    >>> m.update_state([0.], [3.])
    >>> m.update_state(np.zeros(8), np.zeros(8))
    >>> float(m.result())   # √((9 + 8·0) / 9) = 1, where the batches' RMSEs 3 and 0 average to 1.5
    1.0
    >>> m.reset_state()
    >>> m.update_state([0.], [3.], sample_weight=[0.])
    >>> float(m.result())   # no weight: 0, not NaN
    0.0

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
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis``, one value per sample: the metric's
    own, +1 for the same direction (the formula is :class:`CosineSimilarity`'s).

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
    r"""The streamed (weighted) mean of :func:`cosine_similarity` over all samples seen.

    Formula:

    $$
    s_i = \sum_{j} \frac{y_{ij}}{\max(\lVert y_i \rVert, \epsilon)} \cdot \frac{\hat y_{ij}}{\max(\lVert \hat y_i
    \rVert, \epsilon)},
    \qquad \mathrm{result} = \frac{\sum_i w_i s_i}{\sum_i w_i}
    $$

    where $y_i$ and $\hat y_i$ are sample $i$ of ``y_true`` and ``y_pred`` along ``axis`` (index $j$),
    $\lVert\cdot\rVert$ the Euclidean norm, $\epsilon$ = ``epsilon()``, and $w_i$ the ``sample_weight`` (1
    without). Keras computes $x \cdot \min(1/\sqrt{\sum_j x_j^2},\ 1/\epsilon)$, which is the same.

    Keras vs the textbook:

    * The cosine $\langle y, \hat y\rangle / (\lVert y\rVert\,\lVert\hat y\rVert)$ is undefined for a zero vector;
      Keras's $\max(\cdot, \epsilon)$ makes it 0.
    * The metric is $+\cos$; the loss :func:`reference.losses.cosine_similarity` is $-\cos$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.CosineSimilarity()
    >>> m.update_state(np.float32([[1., 0.], [1., 0.], [0., 1.], [0., 0.]]),
    ...                np.float32([[2., 0.], [-5., 0.], [0., 7.], [1., 1.]]))
    >>> float(m.result())   # cosines 1, -1, 1 and 0 for the zero vector: their mean
    0.25

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
    r"""The streamed (weighted) mean of :func:`reference.losses.log_cosh`; Keras names it ``"logcosh"``.

    Formula:

    $$
    \mathrm{result} = \frac{\sum_i w_i\, \ell_i}{\sum_i w_i}, \qquad \ell_i = \texttt{log\_cosh}(y_i, \hat y_i)
    $$

    where $\ell_i$ is the per-sample value of ``log_cosh`` (its page has the formula) on sample
    $i$ of ``y_true`` and ``y_pred``, $w_i$ its ``sample_weight`` (1 without), and $i$ runs over every sample seen
    (0 when $\sum_i w_i = 0$).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.LogCoshError()
    >>> m.update_state(np.float32([[0.]]), np.float32([[0.]]))
    >>> float(m.result())                     # log cosh 0 = 0
    0.0
    >>> m.update_state(np.float32([[0.]]), np.float32([[100.]]))
    >>> print(np.round(m.result(), 4))        # log cosh 100 = 100 - log 2 (cosh 100 itself would overflow float32)
    49.6534

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
    r"""The coefficient of determination, per output column ``j`` then aggregated (Keras's, from TF-Addons).

    Per column, over everything seen, then aggregated by ``class_aggregation``: ``"uniform_average"`` (the mean
    of the columns' scores), ``"variance_weighted_average"`` or ``None`` (the vector); with ``num_regressors``
    the adjusted score. A constant column predicted exactly gives ``0/0``: NaN, as in Keras.

    Inputs must be 2-D, (samples, outputs) (a (N,) label meets a (N, 1) prediction by the rank rule). Weights are
    a scalar, (N,) (per sample) or (N, outputs). ``y_true`` and ``y_pred`` are cast to the metric's ``dtype``,
    but the state (``num_samples``, then ``squared_sum``, ``sum``, ``residual`` and ``count``, one per output,
    made at the first update) is in ``floatx``, whatever ``dtype`` says, and so is the result: Keras's
    ``add_variable(dtype=None)``.

    Formula:

    $$
    \begin{aligned}
    \mathrm{SS}^{\mathrm{res}}_j &= \sum_i w_{ij}\,(y_{ij} - \hat y_{ij})^2, \qquad
    \mathrm{SS}^{\mathrm{tot}}_j = \sum_i w_{ij}\, y_{ij}^2 - \frac{\big(\sum_i w_{ij}\, y_{ij}\big)^2}{\sum_i w_{ij}},
    \\
    R^2_j &= \begin{cases} 1 - \mathrm{SS}^{\mathrm{res}}_j / \mathrm{SS}^{\mathrm{tot}}_j
              & \text{if that is finite (or NaN)} \\ 0 & \text{if it is } \pm\infty \end{cases}, \qquad
    R^2 = \begin{cases} \frac{1}{m}\sum_j R^2_j & \texttt{"uniform\_average"} \\
            \sum_j \mathrm{SS}^{\mathrm{tot}}_j R^2_j \,\big/ \sum_j \mathrm{SS}^{\mathrm{tot}}_j
              & \texttt{"variance\_weighted\_average"} \end{cases} \\
    R^2_{\mathrm{adj}} &= 1 - (1 - R^2)\,\frac{n - 1}{n - p - 1} \quad (p > 0 \text{ and } p < n - 1)
    \end{aligned}
    $$

    where $y_{ij}$ and $\hat y_{ij}$ are output $j$ (of $m$) of sample $i$ of ``y_true`` and ``y_pred``, $i$ runs
    over every sample seen, $w_{ij}$ is ``sample_weight`` (per sample or per element; 1 without), $p$ is
    ``num_regressors`` and $n$ the number of *elements* seen (samples × outputs).

    Keras vs the textbook:

    * The adjusted $R^2$ (Ezekiel 1930) has $n$ = the number of observations; Keras's $n$ counts every
      element, so with $m$ outputs it is $m$ times the number of samples and the adjustment is smaller.
    * A constant column with any error ($\mathrm{SS}^{\mathrm{tot}}_j = 0$, $\mathrm{SS}^{\mathrm{res}}_j > 0$)
      scores 0 instead of $-\infty$; predicted exactly, it is $0/0$: NaN.
    * $\mathrm{SS}^{\mathrm{tot}}$ is the one-pass $\sum w y^2 - (\sum w y)^2/\sum w$, which cancels badly in
      float32 when the mean is large against the spread.
    * When $p \ge n - 1$ Keras warns and returns the plain $R^2$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.R2Score()
    >>> m.update_state(np.float32([[1.], [2.], [3.]]), np.float32([[1.], [2.], [4.]]))
    >>> float(m.result())   # SSres = 1, SStot = 1 + 0 + 1 = 2: 1 - 1/2
    0.5
    >>> m = rk.metrics.R2Score()
    >>> m.update_state(np.float32([[1.], [1.]]), np.float32([[1.], [2.]]))
    >>> float(m.result())   # a constant target: 1 - 1/0 = -inf, reported as 0
    0.0

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
