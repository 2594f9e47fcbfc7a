"""Numerical helpers, mirroring ``keras/src/utils/numerical_utils.py``."""

from .. import ops


def normalize(x, axis=-1, order=2):
    """``x`` scaled to unit norm along ``axis``, as Keras's ``normalize`` does for a backend tensor: it hands it to
    ``ops.normalize`` (:func:`reference.ops.normalize`, where the formula lives), and so does this.

    For ``order=2``, ``x · min(1/√(Σ x²), 1/ε)`` (a zero vector stays zero, no NaN); for another order,
    ``x / max(‖x‖, ε)``. ``ε = epsilon()``.
    """
    return ops.normalize(x, axis=axis, order=order)
