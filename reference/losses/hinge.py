"""The hinge losses, mirroring their part of ``keras/src/losses/losses.py`` (``hinge``, ``squared_hinge``,
``categorical_hinge`` and ``convert_binary_labels_to_hinge``).

Built from recorded ops; ``maximum(m, 0)`` passes its gradient on a tie (``m = 0``, TF's ``>=``), so a
sample exactly on the margin still gets one.
"""

import numpy as np

from .. import ops
from .loss import LossFunctionWrapper, _as_array, check_broadcastable, convert_y_pred


def convert_binary_labels_to_hinge(y_true):
    """``2y - 1`` if every label is 0 or 1, else the labels unchanged (Keras's rule, over the whole batch).

    A batch of {0, 1} labels becomes {-1, 1}; one already in {-1, 1} stays; a batch that mixes, say, 0 and -1
    is not converted at all, so its 0s count as a margin of 0. A subnormal label counts as 0 (TF flushes it).
    """
    labels = ops.flush_subnormal(y_true)
    if np.all((labels == 0) | (labels == 1)):
        return y_true * y_true.dtype.type(2.0) - y_true.dtype.type(1.0)
    return y_true


def _margins(y_true, y_pred, loss):
    """``1 - y·ŷ`` with the labels in {-1, 1}."""
    y_pred = convert_y_pred(y_pred, loss)
    y_true = convert_binary_labels_to_hinge(_as_array(y_true, dtype=y_pred.dtype))
    check_broadcastable(y_true, y_pred)
    return ops.subtract(y_pred.dtype.type(1.0), ops.multiply(y_true, y_pred)), y_pred.dtype.type(0.0)


def hinge(y_true, y_pred):
    """``lossᵢ = mean(max(1 - y·ŷ, 0))`` over the last axis, labels in {-1, 1} (or {0, 1}, converted)."""
    margins, zero = _margins(y_true, y_pred, "hinge")
    return ops.reduce_mean(ops.maximum(margins, zero), axis=-1)


def squared_hinge(y_true, y_pred):
    """``lossᵢ = mean(max(1 - y·ŷ, 0)²)`` over the last axis, labels in {-1, 1} (or {0, 1}, converted)."""
    margins, zero = _margins(y_true, y_pred, "squared_hinge")
    return ops.reduce_mean(ops.square(ops.maximum(margins, zero)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``lossᵢ = max(neg - pos + 1, 0)`` with ``pos = Σ y·ŷ`` and ``neg = max((1 - y)·ŷ)`` over the last axis.

    For one-hot ``y``: the best wrong score must stay 1 below the right one. ``neg`` is a ``reduce_max``, so
    tied wrong scores share its gradient equally (TF's convention); no {0, 1} → {-1, 1} conversion here.
    """
    y_pred = convert_y_pred(y_pred, "categorical_hinge")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    check_broadcastable(y_true, y_pred)
    one = y_pred.dtype.type(1.0)
    pos = ops.reduce_sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.reduce_max(ops.multiply(one - y_true, y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), one), y_pred.dtype.type(0.0))


class Hinge(LossFunctionWrapper):
    """:func:`hinge`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """:func:`squared_hinge`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """:func:`categorical_hinge`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
