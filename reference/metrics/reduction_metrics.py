"""The reduction metrics, mirroring ``keras/src/metrics/reduction_metrics.py``: ``Sum``, ``Mean`` and
``MeanMetricWrapper``, which every per-sample metric (accuracies, losses as metrics, ...) is built on.

For the mean metrics the state is two scalars in the metric's dtype, ``total`` and ``count`` (the formula is
:class:`Mean`'s). Because only sums are kept, the result does not depend on how the data is split into batches, up
to float rounding.
"""

import numpy as np

from .. import losses, ops
from ..losses.loss import apply_mask, get_keras_mask, squeeze_or_expand_to_same_rank
from .metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Keras's ``reduce_to_samplewise_values``: one weighted value and one weight per sample.

    ``values`` are cast to ``dtype``. With weights, the two are first aligned by
    :func:`~reference.losses.loss.squeeze_or_expand_to_same_rank`; values of higher rank are reduced (by
    ``reduce_fn``, ``np.mean`` or ``np.sum``) down to the weights' rank, the weights broadcast to the values and
    multiplied in, and weights of rank > 1 reduced per sample. Last, values of rank > 1 are reduced per sample.
    Returns ``(values, sample_weight)``; ``sample_weight`` stays ``None`` when it was.

    Values that carry a loss mask (:func:`~reference.losses.loss.set_keras_mask`: ``ignore_class``) zero the
    weights of the masked entries, so that they drop out of ``count`` too: but only when there are weights. As in
    Keras, without weights the masked entries count, with the value 0 their loss function gave them.
    """
    mask = get_keras_mask(values)
    dtype = np.dtype(dtype)
    values = np.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        try:
            sample_weight = np.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(f"`sample_weight` of shape {sample_weight.shape} does not broadcast to "
                             f"the values of shape {values.shape}.") from None
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    r"""The (weighted) sum of the values given to ``update_state(values, sample_weight=None)``.

    Values of rank > 1 are summed per sample first (``reduce_fn=np.sum``), and weights of rank > 1 multiply before
    that sum. One state variable, ``total``, in the metric's dtype.

    Formula:

    $$
    \mathrm{total} = \sum_{b} \sum_{i \in B_b} \sum_{j} w_{ij}\, x_{ij}
    $$

    where $B_b$ is the $b$-th batch, $x_{ij}$ the $j$-th element of sample $i$ of ``values`` (a scalar sample has
    one), and $w_{ij}$ its weight: ``sample_weight`` broadcast to the values (1 without weights). ``result`` is
    $\mathrm{total}$.

    Keras vs the textbook:

    * Keras computes the usual weighted sum; only the state's dtype rounds it (float32 by default: a running
      float32 sum loses the small terms once $\mathrm{total}$ is large).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.Sum()
    >>> m.update_state([[1., 2.], [3., 4.]], sample_weight=[1., 0.5])
    >>> float(m.result())              # 1·(1 + 2) + 0.5·(3 + 4)
    6.5
    >>> m.update_state(np.zeros((0,)))   # an empty batch adds nothing
    >>> float(m.result())
    6.5

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, reduce_fn=np.sum, dtype=self.dtype)
        self.total.assign_add(np.sum(values))

    def result(self):
        return self.total.numpy()


class Mean(Metric):
    r"""The (weighted) mean of the values given to ``update_state(values, sample_weight=None)``.

    Values of rank > 1 are averaged per sample first (``reduce_fn=np.mean``), so a (N, 3) batch counts N samples,
    not 3N. State: ``total`` and ``count``, in the metric's dtype.

    Formula:

    $$
    \begin{aligned}
    \mathrm{total} &= \sum_{b} \sum_{i \in B_b} \frac{1}{d_i}\sum_{j=1}^{d_i} w_{ij}\, x_{ij}, \qquad
    \mathrm{count} = \sum_{b} \sum_{i \in B_b} \frac{1}{d_i}\sum_{j=1}^{d_i} w_{ij}, \\
    \mathrm{result} &= \begin{cases} \mathrm{total} / \mathrm{count} & \mathrm{count} \neq 0 \\
                                     0 & \mathrm{count} = 0 \end{cases}
    \end{aligned}
    $$

    where $B_b$ is the $b$-th batch, $x_{ij}$ the $j$-th of the $d_i$ elements of sample $i$ of ``values`` (a
    scalar batch is one sample), and $w_{ij}$ its weight: ``sample_weight`` broadcast to the values, 1 without
    weights (then $\mathrm{count}$ grows by the batch size). With one weight per sample, $w_{ij} = w_i$ and the
    result is $\sum_i w_i \bar x_i / \sum_i w_i$, $\bar x_i$ the mean of sample $i$.

    Keras vs the textbook:

    * The usual weighted mean, except that a zero $\mathrm{count}$ (no data, or every weight 0) gives 0, not
      NaN: Keras's ``divide_no_nan``.

    Example:

    >>> import reference as rk
    >>> m = rk.metrics.Mean()
    >>> m.update_state([1., 3.])
    >>> m.update_state([5.], sample_weight=[2.])
    >>> float(m.result())                 # (1 + 3 + 2·5) / (1 + 1 + 2)
    3.5
    >>> m.reset_state()
    >>> m.update_state([4.], sample_weight=[0.])
    >>> float(m.result())                 # count 0: 0, not NaN
    0.0

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, reduce_fn=np.mean,
                                                            dtype=self.dtype)
        self.total.assign_add(np.sum(values))
        if sample_weight is not None:
            num_samples = np.sum(sample_weight)
        else:
            num_samples = values.shape[0] if values.ndim >= 1 else 1
        self.count.assign_add(np.asarray(num_samples, dtype=self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total.value, ops.flush_subnormal(self.count.value))  # TF's sum flushes


class MeanMetricWrapper(Mean):
    r"""The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen: a per-sample function as a metric.

    ``update_state(y_true, y_pred, sample_weight)`` is :class:`Mean`'s on ``fn(y_true, y_pred)``: the inputs go to
    ``fn`` as given, and only its values are cast to the metric's dtype (Keras's wrapper casts nothing first). So
    integer or bool inputs meet ``fn``'s own rules: a loss function computes in the integer dtype or fails where
    Keras's does (the integer MAPE divides by ``max(|y|, int(ε)) = |y|``: a zero target gives inf). Wrapping one of
    :mod:`reference.losses`' functions marks the metric as one to minimize (``_direction = "down"``, read by
    ``EarlyStopping(mode="auto")``).

    Formula:

    $$
    \mathrm{result} = \frac{\sum_{b} \sum_{i \in B_b} w_i\, f(y_i, \hat y_i)}{\sum_{b} \sum_{i \in B_b} w_i}
    \quad (0 \text{ when the denominator is } 0)
    $$

    where $f$ is ``fn`` with its ``**kwargs``, $y_i$ and $\hat y_i$ sample $i$ of ``y_true`` and ``y_pred`` in the
    $b$-th batch $B_b$, and $w_i$ its ``sample_weight`` (1 without weights). When $f$ returns more than one value
    per sample (the element-wise accuracies), $f(y_i, \hat y_i)$ and $w_i$ are ``Mean``'s per-sample means.

    Keras vs the textbook:

    * A loss used as a metric is not reduced as the loss is: the metric divides by the summed weights
      $\sum_i w_i$, the loss (``reduction="sum_over_batch_size"``) by the batch size. With weights (1, 0) the
      metric is the first sample's loss, the loss half of it.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.MeanMetricWrapper(fn=rk.losses.mean_absolute_error)
    >>> m.update_state(np.float32([[0., 2.], [1., 1.]]), np.float32([[1., 0.], [1., 1.]]), sample_weight=[1., 0.])
    >>> float(m.result())   # the first sample's |0 - 1| and |2 - 0|, averaged; the second weighs 0
    1.5
    >>> float(rk.losses.MeanAbsoluteError()(np.float32([[0., 2.], [1., 1.]]), np.float32([[1., 0.], [1., 1.]]),
    ...                                     sample_weight=[1., 0.]))   # the loss divides by the batch size, 2
    0.75

    Args:
        fn: the function, ``fn(y_true, y_pred, **kwargs)`` -> one value per sample.
        name, dtype: see :class:`~reference.metrics.metric.Metric` (Keras names it ``"mean_metric_wrapper"``,
            not after ``fn``; ``compile`` renames it).
        **kwargs: passed on to ``fn``.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._is_loss = fn in losses.ALL_FUNCTIONS.values() or type(fn) in losses.ALL_CLASSES.values()
        if self._is_loss:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "fn": self._fn, **self._fn_kwargs}
