"""The regression losses, mirroring their part of ``keras/src/losses/losses.py``."""

from .. import ops
from .loss import LossFunctionWrapper, _as_array, squeeze_or_expand_to_same_rank


def mean_squared_error(y_true, y_pred):
    """``lossᵢ = mean((yᵢ - ŷᵢ)²)`` over the last axis, one value per sample.

    Labels (N,) and outputs (N, 1) are first brought to the same rank by
    :func:`squeeze_or_expand_to_same_rank`, as Keras does; other shapes broadcast.
    """
    y_pred = _as_array(y_pred)
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.reduce_mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """:func:`mean_squared_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)
