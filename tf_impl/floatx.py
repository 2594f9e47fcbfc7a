"""Set the float dtype of both sides at once: Keras's ``floatx`` and the reference's.

Layers take their dtype when they are *constructed*, and Keras's Adam stores
its learning rate in a ``floatx`` variable when *it* is constructed, so the
dtype must be set before building either.

A Keras trap: a layer's dtype comes from the global *dtype policy*, not from
``floatx()``. The policy is created from ``floatx()`` the first time any layer
asks for it, then cached, and ``keras.config.set_floatx`` does not reset it.
So ``set_floatx("float64")`` after the first layer of the process has been
built still gives float32 layers (while the optimizer, which reads ``floatx()``,
turns float64). :func:`set_floatx` therefore sets the policy too.
"""

import contextlib

from reference import config as reference_config

from ._tf import tf

DTYPES = ("float32", "float64")


def set_floatx(dtype):
    """Make ``dtype`` (``"float32"`` or ``"float64"``) the float dtype of new Keras layers, of Keras's
    ``floatx()`` and of the reference."""
    if dtype not in DTYPES:
        raise ValueError(f"`dtype` must be one of {DTYPES}, got dtype={dtype!r}.")
    tf.keras.config.set_floatx(dtype)
    tf.keras.config.set_dtype_policy(dtype)
    reference_config.set_floatx(dtype)


@contextlib.contextmanager
def use_floatx(dtype):
    """``set_floatx(dtype)`` inside the block; the previous settings are restored after it."""
    previous = tf.keras.config.floatx(), tf.keras.config.dtype_policy(), reference_config.floatx()
    set_floatx(dtype)
    try:
        yield
    finally:
        tf.keras.config.set_floatx(previous[0])
        tf.keras.config.set_dtype_policy(previous[1])
        reference_config.set_floatx(previous[2])
