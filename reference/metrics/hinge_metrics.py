"""The hinge metrics, mirroring ``keras/src/metrics/hinge_metrics.py``: the streamed (weighted) mean of a hinge
loss of :mod:`reference.losses`, per sample."""

from .. import losses
from .reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The mean of :func:`reference.losses.hinge`, ``meanⱼ max(1 - y·ŷ, 0)`` (0/1 labels become -1/1).

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=losses.hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The mean of :func:`reference.losses.squared_hinge`, ``meanⱼ max(1 - y·ŷ, 0)²`` (0/1 labels become -1/1).

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=losses.squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The mean of :func:`reference.losses.categorical_hinge`, ``max(max_{j≠true} ŷⱼ - ŷ_true + 1, 0)``.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=losses.categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
