"""Global numeric settings, mirroring ``keras.config``.

Keras keeps two process-wide settings that change numbers:

* ``floatx()``: the default float dtype of new weights, losses and metrics
  (``"float32"`` unless changed with ``set_floatx``);
* ``epsilon()``: the fuzz factor, ``1e-7``, used to clip probabilities in the
  cross-entropies.

The reference reads both from here, so ``set_floatx("float64")`` turns the
whole pipeline into a float64 oracle.
"""

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")


def floatx():
    """The default float dtype, as a string: ``"float32"`` unless changed."""
    return _FLOATX


def set_floatx(value):
    """Set the default float dtype (``"float16"``, ``"float32"`` or ``"float64"``)."""
    global _FLOATX
    value = np.dtype(value).name if not isinstance(value, str) else value
    if value not in _ALLOWED_FLOATX:
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of {_ALLOWED_FLOATX}.")
    _FLOATX = value


def epsilon():
    """The fuzz factor used to clip probabilities: ``1e-7``."""
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor."""
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype):
    """``None`` means ``floatx()``; anything else must name a float dtype."""
    dtype = np.dtype(floatx() if dtype is None else dtype)
    if dtype.kind != "f":
        raise ValueError(f"`dtype` must be a float dtype, got {dtype.name!r}.")
    return dtype
