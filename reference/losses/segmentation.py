"""The image-segmentation losses, mirroring ``dice`` and ``tversky`` of ``keras/src/losses/losses.py``.

Both are overlap ratios turned into losses (``1 - ratio``), summed over ``axis``: ``None`` (Keras's
default) sums over *everything*, batch included, and gives one number; a tuple such as ``(1, 2)`` gives one
value per image. ``ε = 1e-7`` in the denominator keeps empty masks finite (a loss of 1). Built from recorded
ops of :mod:`reference.ops`.
"""

import numpy as np

from .. import config, ops
from .loss import LossFunctionWrapper, _as_array, convert_y_pred


def _inputs(y_true, y_pred, loss):
    y_pred = convert_y_pred(y_pred, loss)
    return _as_array(y_true, dtype=y_pred.dtype), y_pred


def dice(y_true, y_pred, axis=None):
    """``loss = 1 - 2 Σ y·ŷ / (Σ y + Σ ŷ + ε)`` over ``axis`` (``None``: all axes)."""
    y_true, y_pred = _inputs(y_true, y_pred, "dice")
    intersection = ops.reduce_sum(ops.multiply(y_true, y_pred), axis=axis)
    denominator = ops.add(ops.add(ops.reduce_sum(y_true, axis=axis), ops.reduce_sum(y_pred, axis=axis)),
                          np.asarray(config.epsilon(), dtype=y_pred.dtype))
    return ops.subtract(y_pred.dtype.type(1), ops.divide(ops.multiply(y_pred.dtype.type(2.0), intersection),
                                                         denominator))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``loss = 1 - TP / (TP + α·FP + β·FN + ε)`` over ``axis``, with ``TP = Σ y·ŷ``, ``FP = Σ (1 - ŷ)·y`` and
    ``FN = Σ ŷ·(1 - y)``.

    Keras's names are swapped against the paper's: its ``fp`` is ``Σ(1 - ŷ)·y``, the paper's false negatives,
    so ``alpha`` weighs the missed foreground. With ``α = β = 0.5`` it is :func:`dice` (up to where ε sits).
    """
    y_true, y_pred = _inputs(y_true, y_pred, "tversky")
    one = y_pred.dtype.type(1)
    intersection = ops.reduce_sum(ops.multiply(y_true, y_pred), axis=axis)
    fp = ops.reduce_sum(ops.multiply(ops.subtract(one, y_pred), y_true), axis=axis)
    fn = ops.reduce_sum(ops.multiply(y_pred, ops.subtract(one, y_true)), axis=axis)
    dtype = y_pred.dtype
    denominator = ops.add(ops.add(ops.add(intersection, ops.multiply(fp, np.asarray(alpha, dtype=dtype))),
                                  ops.multiply(fn, np.asarray(beta, dtype=dtype))),
                          np.asarray(config.epsilon(), dtype=dtype))
    return ops.subtract(one, ops.divide(intersection, denominator))


class Dice(LossFunctionWrapper):
    """:func:`dice`, reduced.

    Args:
        axis: the axes summed over; ``None`` (all) gives one number for the batch.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """:func:`tversky`, reduced.

    Args:
        alpha: the weight of ``Σ(1 - ŷ)·y`` (Keras's ``fp``).
        beta: the weight of ``Σ ŷ·(1 - y)`` (Keras's ``fn``).
        axis: the axes summed over; ``None`` (all) gives one number for the batch.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None,
                 dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis
