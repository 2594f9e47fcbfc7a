"""The probabilistic metrics, mirroring ``keras/src/metrics/probabilistic_metrics.py``: the streamed (weighted)
mean of a loss function of :mod:`reference.losses`, per sample, as in Keras.

Unlike the losses, these are means over samples: a batch's contribution is ``Σᵢ wᵢ·lossᵢ`` over ``Σᵢ wᵢ``, not over
the batch size (see :class:`~reference.metrics.reduction_metrics.Mean`).
"""

from .. import losses
from .reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.kl_divergence`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.KLDivergence()
    >>> m.update_state(np.float32([[1., 0.]]), np.float32([[0.5, 0.5]]))
    >>> print(np.round(m.result(), 4))   # log 2; the label's 0 is clipped to ε, adding ε·log(ε/0.5) ≈ -1.5e-6
    0.6931
    >>> m.update_state(np.float32([[0.5, 0.5]]), np.float32([[0.5, 0.5]]))
    >>> print(np.round(m.result(), 4))   # the second sample's divergence is 0: (log 2 + 0) / 2
    0.3466

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=losses.kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.poisson`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.Poisson()
    >>> m.update_state(np.float32([[0.], [1.]]), np.float32([[2.], [0.]]))
    >>> print(np.round(m.result(), 4))   # (2 - 0) and (0 - 1·log(0 + ε)) = -log(1e-7) = 16.1181, averaged
    9.059

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=losses.poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.binary_crossentropy` over all samples seen.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.BinaryCrossentropy()
    >>> m.update_state(np.float32([[1.], [1.]]), np.float32([[0.5], [0.]]), sample_weight=[1., 0.])
    >>> print(np.round(m.result(), 4))   # log 2; the clipped -log(ε) = 16.118 of the 0 weighs nothing
    0.6931
    >>> m.update_state(np.float32([[1.]]), np.float32([[0.]]))
    >>> print(np.round(m.result(), 4))   # (log 2 + 16.1181) / 2: a prediction of 0 is clipped to ε, not inf
    8.4056

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; labels become ``y·(1 - s) + s/2``.
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.categorical_crossentropy` over all samples seen.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.CategoricalCrossentropy()
    >>> m.update_state(np.float32([[0., 1.]]), np.float32([[0.5, 0.5]]))
    >>> print(np.round(m.result(), 4))   # -log 0.5 = log 2
    0.6931
    >>> m.update_state(np.float32([[0., 1.]]), np.float32([[3., 3.]]))
    >>> print(np.round(m.result(), 4))   # scores (3, 3) are renormalised to (0.5, 0.5) first: log 2 again
    0.6931

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; one-hot labels become ``y·(1 - s) + s/C``.
        axis: the class axis.
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        super().__init__(losses.categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.sparse_categorical_crossentropy` over all samples
    seen.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.SparseCategoricalCrossentropy()
    >>> m.update_state(np.array([1, 0]), np.float32([[0.5, 0.5], [0., 1.]]))
    >>> print(np.round(m.result(), 4))   # (log 2 + (-log ε)) / 2: the 0 is clipped to ε = 1e-7
    8.4056

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label whose samples the loss ignores (needs the loss's ``ignore_class``).
        axis: the class axis.
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        # `ignore_class` goes to the loss only when set: the loss takes it from the losses branch on
        ignore = {} if ignore_class is None else {"ignore_class": ignore_class}
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         axis=axis, **ignore)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
