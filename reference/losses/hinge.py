"""The hinge losses, mirroring their part of ``keras/src/losses/losses.py`` (``hinge``, ``squared_hinge``,
``categorical_hinge`` and ``convert_binary_labels_to_hinge``).

Built from recorded ops; ``maximum(m, 0)`` passes its gradient on a tie (``m = 0``, TF's ``>=``), so a
sample exactly on the margin still gets one.
"""

import numpy as np

from .. import ops
from .loss import LossFunctionWrapper, _as_array, convert_y_pred


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
    ops.check_broadcastable(y_true, y_pred, "y_true", "y_pred")
    return ops.subtract(y_pred.dtype.type(1.0), ops.multiply(y_true, y_pred)), y_pred.dtype.type(0.0)


def hinge(y_true, y_pred):
    r"""Hinge loss over the last axis, one value per sample; labels in {-1, 1}, or {0, 1} converted.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \max\big(1 - \tilde y_{ij}\, \hat y_{ij},\ 0\big),
    \qquad \tilde y = \begin{cases} 2y - 1 & \text{if every label of the batch is 0 or 1} \\
    y & \text{otherwise} \end{cases}
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred`` (scores) and $d$ the size of the last axis.

    Keras vs the textbook:

    * The usual hinge takes labels in $\{-1, 1\}$. Keras converts $\{0, 1\}$ labels, deciding once for the *whole*
      ``y_true`` (:func:`convert_binary_labels_to_hinge`): a batch that mixes 0 and -1 is not converted, and its 0s
      give a margin of 1 whatever the score.
    * At the kink ($\tilde y \hat y = 1$) the gradient is $-\tilde y / d$ (TF's ``maximum`` passes it on a tie).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.hinge(np.float32([[1., 0.]]), np.float32([[0.25, 0.25]]))[0])   # ±1: (0.75 + 1.25) / 2
    1.0
    >>> float(rk.losses.hinge(np.float32([[0., -1.]]), np.float32([[0.5, -2.]]))[0])   # not converted: (1 + 0) / 2
    0.5
    """
    margins, zero = _margins(y_true, y_pred, "hinge")
    return ops.reduce_mean(ops.maximum(margins, zero), axis=-1)


def squared_hinge(y_true, y_pred):
    r"""Squared hinge loss over the last axis, one value per sample; labels in {-1, 1}, or {0, 1} converted.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \max\big(1 - \tilde y_{ij}\, \hat y_{ij},\ 0\big)^2
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred`` (scores), $d$ the size of the last axis, and $\tilde y$ the
    labels converted as in [hinge](hinge.md): $2y - 1$ if every label of the batch is 0 or 1, else $y$.

    Keras vs the textbook:

    * As for ``hinge``: the $\{0, 1\} \to \{-1, 1\}$ conversion is decided once for the whole ``y_true``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.squared_hinge(np.float32([[1., 0.]]), np.float32([[0.5, -0.5]]))[0])   # (0.5² + 0.5²) / 2
    0.25
    >>> float(rk.losses.squared_hinge(np.float32([[0., -1.]]),
    ...                               np.float32([[0.5, -2.]]))[0])   # not converted: (1² + 0) / 2
    0.5
    """
    margins, zero = _margins(y_true, y_pred, "squared_hinge")
    return ops.reduce_mean(ops.square(ops.maximum(margins, zero)), axis=-1)


def categorical_hinge(y_true, y_pred):
    r"""Categorical hinge loss, one value per sample: the best wrong score should stay 1 below the true one.

    ``neg`` is a ``reduce_max``, so tied wrong scores share its gradient equally (TF's convention); no
    {0, 1} → {-1, 1} conversion here.

    Formula:

    $$
    \mathrm{loss}_i = \max\Big(1 + \max_{j} \big((1 - y_{ij})\, \hat y_{ij}\big)
    - \sum_{j} y_{ij}\, \hat y_{ij},\ 0\Big)
    $$

    where $y$ is ``y_true`` (one-hot), $\hat y$ is ``y_pred`` (scores) and $j$ runs over the last axis.

    Keras vs the textbook:

    * Crammer & Singer (2001, "On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines",
      eq. 4) take $\max(0,\ 1 + \max_{j \ne t} \hat y_j - \hat y_t)$ over the *wrong* classes $j \ne t$. Keras's
      max runs over every class, and the true class enters it as $(1 - 1)\hat y_t = 0$: the max is never below 0.
      When every wrong score is negative, Keras compares the true score with 0, not with the best wrong score:
      scores $(-1, -3, -4)$ with label 0 cost $\max(1 + 0 - (-1), 0) = 2$, where Crammer–Singer's loss is
      $\max(1 + (-3) - (-1), 0) = 0$.
    * Labels in $\{-1, 1\}$ are taken as they are: $1 - y = 2$ doubles the wrong scores and $\sum_j y_j \hat y_j$
      subtracts them.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.categorical_hinge(np.float32([[0., 1., 0.]]),
    ...                                   np.float32([[0.5, 2., 0.25]]))[0])   # max(1 + 0.5 - 2, 0)
    0.0
    >>> float(rk.losses.categorical_hinge(np.float32([[1., 0., 0.]]), np.float32([[-1., -3., -4.]]))[0])   # not 0
    2.0
    """
    y_pred = convert_y_pred(y_pred, "categorical_hinge")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    ops.check_broadcastable(y_true, y_pred, "y_true", "y_pred")
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
