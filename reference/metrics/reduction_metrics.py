"""The mean metrics, mirroring ``keras/src/metrics/reduction_metrics.py``.

For the mean metrics (every accuracy here) the state is two scalars in ``floatx``::

    total += Σᵢ wᵢ·valueᵢ        count += Σᵢ wᵢ        result = total / count

(``count`` adds the batch size when there are no weights; ``result`` is 0 when
``count`` is 0, Keras's ``divide_no_nan``). Because only sums are kept, the
result does not depend on how the data is split into batches, up to float
rounding.
"""

import numpy as np

from .. import losses, ops
from ..losses.loss import squeeze_or_expand_to_same_rank
from .metric import Metric


def reduce_to_samplewise_values(values, sample_weight, dtype):
    """Keras's ``reduce_to_samplewise_values``: shape the weights to the values.

    The two are first aligned by :func:`~reference.losses.loss.squeeze_or_expand_to_same_rank`; values of
    higher rank are averaged down to the weights' rank, the weights broadcast to the values, and weights of
    rank > 1 averaged per sample. Returns ``(weighted values, weight per sample)``.
    """
    w = np.asarray(sample_weight, dtype=dtype)
    values, w = squeeze_or_expand_to_same_rank(values, w)
    if values.ndim > w.ndim:
        values = values.mean(axis=tuple(range(w.ndim, values.ndim)))
    try:
        w = np.broadcast_to(w, values.shape)
    except ValueError:
        raise ValueError(f"`sample_weight` of shape {np.shape(sample_weight)} does not broadcast to "
                         f"the values of shape {values.shape}.") from None
    values = values * w
    if w.ndim > 1:
        w = w.mean(axis=tuple(range(1, w.ndim)))
    return values, w


class Mean(Metric):
    """The (weighted) mean of the values given to ``update_state(values, sample_weight=None)``."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, dtype=self.dtype)
        if sample_weight is not None:
            values, sample_weight = reduce_to_samplewise_values(values, sample_weight, self.dtype)
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total.assign_add(values.sum(dtype=self.dtype))
        if sample_weight is not None:
            self.count.assign_add(sample_weight.sum(dtype=self.dtype))
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def result(self):
        return ops.divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred)`` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in losses.ALL_FUNCTIONS.values() or type(fn) in losses.ALL_CLASSES.values():
            self._direction = "down"  # a loss: lower is better (read by EarlyStopping's mode="auto")

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
