"""Numerical helpers, mirroring ``keras/src/utils/numerical_utils.py``."""

import numpy as np

from .. import config


def normalize(x, axis=-1, order=2):
    """``x`` scaled to unit norm along ``axis``, as Keras's ``normalize`` does for a backend tensor.

    That is ``ops.nn.normalize``: for ``order=2``, ``x · min(1/√(Σ x²), 1/ε)`` (a zero vector stays zero, no
    NaN); for another order, ``x / max(‖x‖, ε)``. ``ε = epsilon()``.
    """
    x = np.asarray(x)
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    eps = x.dtype.type(config.epsilon())
    if order == 2:
        with np.errstate(divide="ignore"):
            inv_norm = 1 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))
        return x * np.minimum(inv_norm, 1 / eps)
    return x / np.maximum(np.linalg.norm(x, ord=order, axis=axis, keepdims=True), eps)
