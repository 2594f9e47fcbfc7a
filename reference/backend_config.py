"""Global numeric settings, mirroring ``keras/src/backend/config.py``.

Keras keeps two process-wide settings that change numbers:

* ``floatx()``: the default float dtype of new weights, losses and metrics
  (``"float32"`` unless changed with ``set_floatx``);
* ``epsilon()``: the fuzz factor, ``1e-7``, used to clip probabilities in the
  cross-entropies.

The reference reads both from here, so ``set_floatx("float64")`` turns the
whole pipeline into a float64 oracle. Like Keras's backend config, this module
knows nothing of dtype policies (they read ``floatx`` from here); the public
façade that offers both, as ``keras.config`` does, is :mod:`reference.config`.

``bfloat16`` is not a NumPy dtype; NumPy reaches it through ``ml_dtypes``, the
package TensorFlow and JAX themselves use (the optional extra ``[bfloat16]``).
:func:`standardize_dtype` accepts the name when ``ml_dtypes`` is installed, and
says how to install it otherwise.
"""

import numpy as np

try:
    import ml_dtypes
except ImportError:  # optional: only dtype="bfloat16" needs it
    ml_dtypes = None

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


def is_float_dtype(dtype):
    """Whether ``dtype`` (a ``np.dtype``) is a float dtype, ``bfloat16`` included (NumPy's kind of it is ``"V"``)."""
    return dtype.kind == "f" or (ml_dtypes is not None and dtype == ml_dtypes.bfloat16)


def standardize_dtype(dtype):
    """``None`` means ``floatx()``; anything else must name a float dtype (``"bfloat16"`` needs ``ml_dtypes``)."""
    if dtype == "bfloat16" or getattr(dtype, "name", None) == "bfloat16":
        if ml_dtypes is None:
            raise ValueError(
                "`dtype='bfloat16'` needs the ml_dtypes package: pip install 'keras-numpy-reference[bfloat16]'.")
        return np.dtype(ml_dtypes.bfloat16)
    dtype = np.dtype(floatx() if dtype is None else dtype)
    if not is_float_dtype(dtype):
        raise ValueError(f"`dtype` must be a float dtype, got {dtype.name!r}.")
    return dtype

