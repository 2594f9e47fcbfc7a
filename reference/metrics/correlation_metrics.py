"""The correlation metrics, mirroring ``keras/src/metrics/correlation_metrics.py``.

Both are computed *within each sample*, along ``axis`` (by default across a sample's outputs), and the metric is
the streamed (weighted) mean of the per-sample coefficients: not the correlation over all samples seen, which a
streaming mean cannot give. Variances are population ones (divided by ``n``).
"""

import numpy as np

from .. import config, ops
from ..losses.loss import convert_y_pred, squeeze_or_expand_to_same_rank
from .reduction_metrics import MeanMetricWrapper


def pearson_correlation(y_true, y_pred, axis=-1):
    r"""Pearson's correlation of ``y_true`` and ``y_pred`` within each sample, along ``axis``.

    Formula:

    $$
    r_i = \frac{1}{d}\sum_{j=1}^{d} \frac{y_{ij} - \bar y_i}{\sigma(y_i)} \cdot
          \frac{\hat y_{ij} - \bar{\hat y}_i}{\sigma(\hat y_i)}
    $$

    where $y_{ij}$ and $\hat y_{ij}$ are the $j$-th of the $d$ entries of sample $i$ of ``y_true`` and ``y_pred``
    along ``axis``, $\bar y_i$ and $\bar{\hat y}_i$ their means, and $\sigma$ the population standard deviation
    (divided by $d$) of the centred vector. ``PearsonCorrelation`` averages the $r_i$ over the samples.

    Keras vs the textbook:

    * Pearson's $r$ (Pearson 1895) as a metric usually correlates the predictions with the targets *across
      samples*; Keras correlates each sample's outputs with its targets, and the metric is the mean of those
      per-sample coefficients. A model with one output gives every sample $0/0$: NaN.
    * No $\epsilon$: a constant ``y_true`` or ``y_pred`` along ``axis`` gives NaN.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> r = rk.metrics.pearson_correlation(np.float32([[0., 1., 2., 3.], [0., 1., 2., 3.], [1., 1., 1., 1.]]),
    ...                                    np.float32([[0., 2., 4., 6.], [3., 2., 1., 0.], [0., 1., 2., 3.]]))
    >>> print(np.round(r, 4))        # a rescaled copy, a reversed one, and a constant target (0/0)
    [ 1. -1. nan]
    """
    y_pred = convert_y_pred(y_pred, "pearson_correlation")    # Keras's mean and subtract fail on integers and bools
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_true_norm = y_true - ops.reduce_mean(y_true, axis=axis, keepdims=True)
    y_pred_norm = y_pred - ops.reduce_mean(y_pred, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        y_true_norm = y_true_norm / _std(y_true_norm, axis)
        y_pred_norm = y_pred_norm / _std(y_pred_norm, axis)
    return ops.reduce_mean(y_true_norm * y_pred_norm, axis=axis)


def _std(x, axis):
    """Keras's ``ops.std`` on TF: ``tf.math.reduce_std`` in ``x``'s dtype, ``sqrt(mean(square(x - mean(x))))``,
    each op rounded in it (half-precision means summed in float32, as ``ops.reduce_mean``)."""
    return np.sqrt(ops.reduce_mean(np.square(x - ops.reduce_mean(x, axis=axis, keepdims=True)), axis=axis,
                                   keepdims=True))


def _var(x, axis):
    """Keras's ``ops.var`` on TF: half precision cast to float32, ``tf.math.reduce_variance``, cast back."""
    wide = x.astype(np.result_type(x.dtype, np.float32))
    return np.var(wide, axis=axis, keepdims=True).astype(x.dtype)


def concordance_correlation(y_true, y_pred, axis=-1):
    r"""Lin's concordance correlation of ``y_true`` and ``y_pred`` within each sample, along ``axis``.

    Formula:

    $$
    \rho_{c,i} = \frac{1}{d}\sum_{j=1}^{d}
        \frac{2\,(y_{ij} - \bar{\hat y}_i)(\hat y_{ij} - \bar{\hat y}_i)}
             {\sigma^2(y_i) + \sigma^2(\hat y_i) + (\bar y_i - \bar{\hat y}_i)^2 + \epsilon}
    $$

    where $y_{ij}$ and $\hat y_{ij}$ are the $j$-th of the $d$ entries of sample $i$ of ``y_true`` and ``y_pred``
    along ``axis``, $\bar y_i$ and $\bar{\hat y}_i$ their means, $\sigma^2$ the population variance (divided by
    $d$), and $\epsilon$ = ``epsilon()``. ``ConcordanceCorrelation`` averages the $\rho_{c,i}$ over the
    samples.

    Keras vs the textbook:

    * Lin (1989, *Biometrics* 45) has $\rho_c = 2 s_{y\hat y} / (s_y^2 + s_{\hat y}^2 + (\bar y -
      \bar{\hat y})^2)$ with $s_{y\hat y}$ centred on $\bar y$; Keras centres $y$ on $\bar{\hat y}$ instead. As
      $\sum_j (\hat y_{ij} - \bar{\hat y}_i) = 0$ that is the same covariance, up to rounding.
    * The $\epsilon$ in the denominator makes two equal constant vectors score 0, where Lin's is $0/0$.
    * As :func:`pearson_correlation`: within each sample, not across samples.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> rho = rk.metrics.concordance_correlation(np.float32([[0., 2.], [0., 2.], [1., 1.]]),
    ...                                          np.float32([[0., 2.], [1., 3.], [1., 1.]]))
    >>> print(np.round(rho, 4))    # equal; shifted by 1: 2·1 / (1 + 1 + 1) = 2/3; equal constants: 0, not NaN
    [1.     0.6667 0.    ]
    """
    y_pred = convert_y_pred(y_pred, "concordance_correlation")    # Keras's mean and subtract fail on integers and bools
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_true_mean = ops.reduce_mean(y_true, axis=axis, keepdims=True)
    y_pred_mean = ops.reduce_mean(y_pred, axis=axis, keepdims=True)
    y_true_var = _var(y_true - y_true_mean, axis)
    y_pred_var = _var(y_pred - y_pred_mean, axis)
    covar = (y_true - y_pred_mean) * (y_pred - y_pred_mean)
    norm = y_true_var + y_pred_var + np.square(y_true_mean - y_pred_mean)
    return ops.reduce_mean(2 * covar / (norm + config.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean of :func:`pearson_correlation` over all samples seen.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        axis: the axis along which each coefficient is taken.
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean of :func:`concordance_correlation` over all samples seen.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        axis: the axis along which each coefficient is taken.
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
