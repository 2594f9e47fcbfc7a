"""The hinge metrics, mirroring ``keras/src/metrics/hinge_metrics.py``: the streamed (weighted) mean of a hinge
loss of :mod:`reference.losses`, per sample."""

from .. import losses
from .reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.hinge`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.Hinge()
    >>> m.update_state(np.float32([[1., 0.]]), np.float32([[0.25, 0.25]]))
    >>> float(m.result())   # 0/1 labels become ±1: (max(1 - 0.25, 0) + max(1 + 0.25, 0)) / 2
    1.0
    >>> m.update_state(np.float32([[1., 0.]]), np.float32([[3., -2.]]))
    >>> float(m.result())   # past the margin the hinge is 0: (1 + 0) / 2
    0.5

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=losses.hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.squared_hinge`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.SquaredHinge()
    >>> m.update_state(np.float32([[1., 0.]]), np.float32([[0.5, -0.5]]))
    >>> float(m.result())   # 0/1 labels become ±1: (0.5² + 0.5²) / 2
    0.25
    >>> m.update_state(np.float32([[1., 0.]]), np.float32([[2., -2.]]), sample_weight=[3.])
    >>> float(m.result())   # past the margin: 0, weighing 3: 0.25 / (1 + 3)
    0.0625

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=losses.squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The streamed (weighted) mean of :func:`reference.losses.categorical_hinge`, one value per sample.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.CategoricalHinge()
    >>> m.update_state(np.float32([[0., 1., 0.]]), np.float32([[0.5, 2., 0.25]]))
    >>> float(m.result())   # max(0.5 - 2 + 1, 0): the true class wins by more than the margin
    0.0
    >>> m.update_state(np.float32([[1., 0., 0.]]), np.float32([[-1., -3., -4.]]))
    >>> float(m.result())   # Keras's max includes the true class's 0: max(0 - (-1) + 1, 0) = 2; mean (0 + 2) / 2
    1.0

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=losses.categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
