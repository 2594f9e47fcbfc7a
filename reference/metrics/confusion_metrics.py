"""The confusion-matrix counts, mirroring ``keras/src/metrics/confusion_metrics.py``."""

import numpy as np

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank
from ..utils.naming import auto_name
from .metric import Metric


class FalseNegatives(Metric):
    """The (weighted) count of positives predicted negative, at one or more thresholds.

    An element is a false negative at threshold ``t`` when ``y_true != 0`` and
    ``y_pred <= t``; with ``sample_weight`` each counts its weight. The result
    is a scalar for one threshold, else one count per threshold.

    Args:
        thresholds: a float in [0, 1] or a list of them; default 0.5.
        name: default ``"false_negatives"``, uniquified like a Keras auto-name
            (``"false_negatives_1"``, ... for later instances).
        dtype: recorded, but as in Keras the counts are kept (and the inputs
            compared) in ``floatx()`` as it was when the metric was made.

    As Keras (``keras/src/metrics/metrics_utils.py``), ``y_pred`` is compared
    with each threshold unless there are 3 or more evenly spaced thresholds
    from 0 to 1; then Keras buckets instead: ``y_pred`` is clipped to [0, 1]
    and counts as positive at threshold ``i`` when ``ceil(y_pred·(T-1)) - 1 >= i``
    (``T`` thresholds), which can differ from ``y_pred > tᵢ`` by rounding.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name or auto_name(type(self).__name__), dtype=dtype)  # one counter with layers
        listed = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
        if thresholds is not None and any(t is None or not 0 <= t <= 1 for t in listed):
            raise ValueError(f"`thresholds` must be in [0, 1], got thresholds={thresholds!r}.")
        self.init_thresholds = thresholds
        self.thresholds = [0.5] if thresholds is None else listed
        count = len(self.thresholds)
        self._evenly_distributed = count >= 3 and np.allclose(
            self.thresholds, np.arange(count, dtype=np.float32) / (count - 1), atol=config.epsilon())
        self._variable_dtype = config.floatx()  # Keras's `add_variable(dtype=None)`
        self.reset_state()

    def reset_state(self):
        self.accumulator = np.zeros(len(self.thresholds), dtype=self._variable_dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = self._variable_dtype
        y_pred, y_true = squeeze_or_expand_to_same_rank(
            np.asarray(y_pred, dtype=dtype), np.asarray(y_true, dtype=dtype))
        weights = np.ones((), dtype=dtype)
        if sample_weight is not None:
            weights = np.expand_dims(np.asarray(sample_weight, dtype=dtype), -1)
            _, weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)
        weights = np.broadcast_to(weights, y_pred.shape).reshape(-1)
        positive = (y_true != 0).reshape(-1)
        y_pred = y_pred.reshape(-1)
        if self._evenly_distributed:
            count = len(self.thresholds)
            y_pred = np.clip(y_pred, 0, 1)
            buckets = (np.ceil(y_pred * y_pred.dtype.type(count - 1)) - 1).astype(np.int32)
            true_labels = np.where(positive, weights, 0).astype(dtype)
            per_bucket = np.zeros(count, dtype=dtype)
            np.add.at(per_bucket, buckets[buckets >= 0], true_labels[buckets >= 0])
            true_positives = np.cumsum(per_bucket[::-1], dtype=dtype)[::-1]
            self.accumulator += true_labels.sum(dtype=dtype) - true_positives
            return
        thresholds = np.asarray(self.thresholds, dtype=dtype)[:, None]
        missed = positive & ~(y_pred > thresholds)                # (thresholds, elements)
        self.accumulator += np.where(missed, weights, 0).sum(axis=1, dtype=dtype)

    def result(self):
        return self.accumulator[0] if len(self.thresholds) == 1 else self.accumulator.copy()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}
