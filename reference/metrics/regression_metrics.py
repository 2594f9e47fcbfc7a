"""The regression metrics, mirroring ``keras/src/metrics/regression_metrics.py``."""

from .. import losses
from .reduction_metrics import MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_squared_error` over all samples seen."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)
