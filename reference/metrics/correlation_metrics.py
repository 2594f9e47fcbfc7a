"""The correlation metrics, mirroring ``keras/src/metrics/correlation_metrics.py``.

Both are computed *within each sample*, along ``axis`` (by default across a sample's outputs), and the metric is
the streamed (weighted) mean of the per-sample coefficients: not the correlation over all samples seen, which a
streaming mean cannot give. Variances are population ones (divided by ``n``).
"""

import numpy as np

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank
from .reduction_metrics import MeanMetricWrapper


def pearson_correlation(y_true, y_pred, axis=-1):
    """``r = mean(z(y)·z(ŷ))`` along ``axis``, with ``z(x) = (x - mean x) / std(x - mean x)`` (population std).

    A constant ``y`` or ``ŷ`` along ``axis`` divides 0 by 0: NaN, as in Keras.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_true_norm = y_true - np.mean(y_true, axis=axis, keepdims=True)
    y_pred_norm = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        y_true_norm = y_true_norm / np.std(y_true_norm, axis=axis, keepdims=True)
        y_pred_norm = y_pred_norm / np.std(y_pred_norm, axis=axis, keepdims=True)
    return np.mean(y_true_norm * y_pred_norm, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's ``ρc = 2·cov(y, ŷ) / (var y + var ŷ + (mean y - mean ŷ)² + ε)`` along ``axis``.

    As Keras: ``cov`` is ``mean((y - mean ŷ)·(ŷ - mean ŷ))``, with ``ŷ``'s mean where the textbook has ``y``'s;
    since ``Σ (ŷ - mean ŷ) = 0`` that is the same covariance, up to rounding. The ``ε = epsilon()`` in the
    denominator keeps two constant vectors at 0 instead of NaN.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_true_mean = np.mean(y_true, axis=axis, keepdims=True)
    y_pred_mean = np.mean(y_pred, axis=axis, keepdims=True)
    y_true_var = np.var(y_true - y_true_mean, axis=axis, keepdims=True)
    y_pred_var = np.var(y_pred - y_pred_mean, axis=axis, keepdims=True)
    covar = (y_true - y_pred_mean) * (y_pred - y_pred_mean)
    norm = y_true_var + y_pred_var + np.square(y_true_mean - y_pred_mean)
    return np.mean(2 * covar / (norm + config.epsilon()), axis=axis)


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
