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
    r"""Dice loss: one minus the overlap ratio ``2|y ∩ ŷ| / (|y| + |ŷ|)``, summed over ``axis``.

    Formula:

    $$
    \mathrm{loss} = 1 - \frac{2 \sum y\, \hat y}{\sum y + \sum \hat y + \epsilon}
    $$

    where $y$ is ``y_true`` (the true mask), $\hat y$ is ``y_pred`` (the predicted one), every $\sum$ runs over
    ``axis`` (``None``, the default: every axis, batch included, giving one number; ``(1, 2)``: one value per image),
    and $\epsilon$ = ``keras.config.epsilon()`` $= 10^{-7}$.

    Keras vs the textbook:

    * Keras uses the linear Sørensen–Dice ratio; Milletari et al. (2016, "V-Net", eq. 1) square the terms of the
      denominator, $\sum \hat y^2 + \sum y^2$.
    * $\epsilon$ sits in the denominator only: two empty masks cost 1 (the ratio is $0 / \epsilon$), where the
      common smoothed form $(2\sum y\hat y + s)/(\sum y + \sum \hat y + s)$ gives 0.
    * With ``axis=None`` the batch is pooled: the class then averages a single number, the Dice of the whole batch,
      not the mean of the images' Dice losses.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.dice(np.float32([[1., 1., 0., 0.]]), np.float32([[1., 0., 1., 0.]])))   # 1 - 2·1 / (2 + 2)
    0.5
    >>> float(rk.losses.dice(np.float32([[0., 0.]]), np.float32([[0., 0.]])))   # empty masks: 1 - 0 / ε
    1.0
    """
    y_true, y_pred = _inputs(y_true, y_pred, "dice")
    intersection = ops.reduce_sum(ops.multiply(y_true, y_pred), axis=axis)
    denominator = ops.add(ops.add(ops.reduce_sum(y_true, axis=axis), ops.reduce_sum(y_pred, axis=axis)),
                          np.asarray(config.epsilon(), dtype=y_pred.dtype))
    return ops.subtract(y_pred.dtype.type(1), ops.divide(ops.multiply(y_pred.dtype.type(2.0), intersection),
                                                         denominator))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    r"""Tversky loss: one minus the overlap ratio with the two kinds of error weighed apart, summed over ``axis``.

    Formula:

    $$
    \mathrm{loss} = 1 - \frac{\sum y\, \hat y}
    {\sum y\, \hat y + \alpha \sum y\,(1 - \hat y) + \beta \sum (1 - y)\, \hat y + \epsilon}
    $$

    where $y$ is ``y_true`` (the true mask), $\hat y$ is ``y_pred``, every $\sum$ runs over ``axis`` (``None``: every
    axis, batch included), $\alpha$ is ``alpha``, $\beta$ is ``beta`` and $\epsilon$ = ``keras.config.epsilon()``
    $= 10^{-7}$. $\sum y(1 - \hat y)$ is the missed foreground, $\sum (1 - y)\hat y$ the false alarms.

    Keras vs the textbook:

    * Salehi et al. (2017, "Tversky loss function for image segmentation using 3D fully convolutional deep
      networks", eq. 3) weigh the false positives $\sum (1 - y)\hat y$ by $\alpha$ and the false negatives by
      $\beta$. Keras's names are swapped: its ``fp`` is $\sum (1 - \hat y) y$, the false *negatives*, and ``alpha``
      weighs them; ``beta`` weighs the false positives.
    * With $\alpha = \beta = \tfrac12$ it is [dice](dice.md), up to where $\epsilon$ sits ($2\epsilon$ against
      $\epsilon$).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, y_pred = np.float32([[1., 1.]]), np.float32([[1., 0.]])   # one foreground pixel missed
    >>> float(rk.losses.tversky(y, y_pred, alpha=1.0, beta=0.0))   # alpha weighs the miss: 1 - 1 / (1 + 1)
    0.5
    >>> float(rk.losses.tversky(y, y_pred, alpha=0.0, beta=1.0))   # 1 - 1 / (1 + ε): ε in float32 arithmetic
    1.1920928955078125e-07
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
