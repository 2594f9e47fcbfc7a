"""The probabilistic metrics, mirroring ``keras/src/metrics/probabilistic_metrics.py``."""

from .. import losses
from .reduction_metrics import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean of :func:`reference.losses.binary_crossentropy` over all samples seen."""

    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
