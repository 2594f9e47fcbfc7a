"""Activation functions, as ``keras.activations`` (``get`` resolves a name).

Each function takes Keras's arguments, with Keras's defaults, and does what
``keras/src/activations/activations.py`` does on the TensorFlow backend:
either one op of :mod:`reference.ops` (where the math and the backward pass
live, named like the TF op Keras lowers to), or the composition Keras writes
(``relu``'s options, ``hard_sigmoid``, ``mish``, ...), built from recorded
ops, so that the tape differentiates it exactly as TF differentiates Keras's
composition, kinks included.

Keras's ``softmax`` and ``sigmoid`` tag their output with its logits
(``output._keras_logits``), so a cross-entropy on that output takes the
logits path even eagerly; these two do the same (:func:`reference.ops.tag_logits`).
``reference.ops.softmax`` and ``reference.ops.sigmoid``, the mirrors of
``tf.nn.softmax`` and ``tf.sigmoid``, do not.

Input dtypes are Keras's on TF: an array keeps its dtype, and each op takes what its TF kernel takes
(:func:`reference.ops.check_kernel_dtype`): most raise a ``TypeError`` on integers and bool; ``relu``, ``relu6``,
the shrinks and ``threshold`` compute in integers (with integer arguments); ``leaky_relu`` casts integers to
float32, ``tanh`` and ``exponential`` integers and bool to ``floatx``.
"""

import numpy as np

from . import config, ops


def _convert_to_tensor(x):
    """Keras's ``convert_to_tensor``: an array keeps its dtype (and identity, for the tape); Python floats become
    ``floatx``, ints int32, bools bool."""
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    x = np.asarray(x)
    return x.astype(config.floatx() if x.dtype.kind == "f" else np.int32 if x.dtype.kind in "iu" else x.dtype)


def _in_floatx_if_not_float(x):
    """Keras's ``tanh`` and ``exp``: integer and bool inputs are cast to ``floatx`` first."""
    return x if ops.is_float(x.dtype) else ops.cast(x, config.floatx())


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)`` by default; Keras's ``ReLU.static_call`` with its options.

    Below ``threshold`` the output is ``negative_slope · (x - threshold)``, above it ``x``, capped at
    ``max_value``. Keras builds it from TF ops, and so does this (the gradient is the composition's):

    * a slope alone is ``tf.nn.leaky_relu`` (slope at exactly 0: ``negative_slope``);
    * else ``relu(x)``, or ``relu6(x)`` if ``max_value == 6`` with no threshold, or
      ``where(x > threshold, x, 0)``; then ``clip_by_value(·, 0, max_value)`` (the gradient flows at
      exactly ``max_value``, except through ``relu6``, whose gradient is 0 at 6); then minus
      ``negative_slope · relu(threshold - x)``.

    Keras casts ``threshold`` (in the ``where``) and ``max_value`` with ``ops.cast``, through float32
    (:func:`reference.ops.keras_cast`): in float64, ``relu(0.2, threshold=0.2)`` is 0, since ``float32(0.2) >
    0.2``; ``threshold - x`` and the slope take the Python floats as they are. Integer inputs compute in
    integers (the casts truncate) where every Python scalar they meet is an int (:func:`reference.ops.operand`).
    """
    x = _convert_to_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, alpha=negative_slope)
        minus_x = ops.negative(ops.check_kernel_dtype(x, "Neg", ops.SIGNED))
        negative_part = ops.relu(ops.add(minus_x, ops.operand(threshold, x.dtype, "threshold"))
                                 if threshold != 0 else minus_x)
    clip_max = max_value is not None
    if threshold != 0:
        x = ops.threshold(x, ops.keras_cast(threshold, x.dtype), 0)
    elif max_value == 6:
        x, clip_max = ops.relu6(x), False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip_by_value(x, ops.keras_cast(0.0, x.dtype), ops.keras_cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = ops.subtract(x, ops.multiply(ops.operand(negative_slope, x.dtype, "negative_slope"), negative_part))
    return x


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0``, else ``negative_slope · x`` (``tf.nn.leaky_relu``)."""
    return ops.leaky_relu(_convert_to_tensor(x), alpha=negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)`` (``tf.nn.relu6``; gradient 0 at exactly 0 and 6)."""
    return ops.relu6(_convert_to_tensor(x))


def softmax(x, axis=-1):
    """``exp(x) / Σ exp(x)`` along ``axis`` (an int, a tuple, or ``None`` for all axes), tagged with its logits.

    Keras sets ``output._keras_logits = x``: a cross-entropy given this output uses ``x`` (from logits, no
    clip), eagerly too. For ``softmax([100, 0, 0])`` and label 1 the sparse cross-entropy is 100, where
    ``tf.nn.softmax``'s untagged output (:func:`reference.ops.softmax`) gives the clipped 16.118095.
    """
    x = _convert_to_tensor(x)
    return ops.tag_logits(ops.softmax(x, axis=axis), x)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha (eˣ - 1)`` (``tf.nn.elu``, and Keras's ``where`` for ``alpha != 1``)."""
    return ops.elu(_convert_to_tensor(x), alpha=alpha)


def selu(x):
    """``λ x`` for ``x >= 0``, else ``λα (eˣ - 1)``, ``λ = 1.0507``, ``λα = 1.7581`` (``tf.nn.selu``)."""
    return ops.selu(_convert_to_tensor(x))


def softplus(x):
    """``log(1 + eˣ)`` (``tf.math.softplus``)."""
    return ops.softplus(ops.check_kernel_dtype(_convert_to_tensor(x), "Softplus"))


def softsign(x):
    """``x / (1 + |x|)`` (``tf.nn.softsign``)."""
    return ops.softsign(_convert_to_tensor(x))


def soft_shrink(x, threshold=0.5):
    """``x ∓ threshold`` outside ``[-threshold, threshold]``, 0 inside (gradient 0 at exactly ±threshold)."""
    return ops.soft_shrink(_convert_to_tensor(x), threshold=threshold)


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)²/4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    return ops.sparse_plus(_convert_to_tensor(x))


def silu(x):
    """``x σ(x)`` (``tf.nn.silu``); also named ``swish``."""
    return ops.silu(_convert_to_tensor(x))


swish = silu


def squareplus(x, b=4):
    """``(x + √(x² + b)) / 2``."""
    return ops.squareplus(_convert_to_tensor(x), b=b)


def gelu(x, approximate=False):
    """``x Φ(x)``, exact (``erfc``) by default, or the tanh approximation (``tf.nn.gelu``).

    Keras's ``activations.gelu`` defaults to ``approximate=False``; its ``ops.gelu`` to ``True``.
    """
    return ops.gelu(_convert_to_tensor(x), approximate=approximate)


def celu(x, alpha=1.0):
    """``max(x, 0) + alpha · expm1(min(x, 0) / alpha)`` (TF's gradient at exactly 0 is 2)."""
    return ops.celu(_convert_to_tensor(x), alpha=alpha)


def glu(x, axis=-1):
    """``a σ(b)`` for the halves ``a, b`` of ``x`` along ``axis`` (whose size must be even)."""
    return ops.glu(_convert_to_tensor(x), axis=axis)


def tanh(x):
    """``tanh x`` (``tf.nn.tanh``; Keras's ``ops.tanh`` casts integers and bool to ``floatx`` first)."""
    return ops.tanh(_in_floatx_if_not_float(_convert_to_tensor(x)))


def tanh_shrink(x):
    """``x - tanh x``, Keras's composition."""
    x = _convert_to_tensor(x)
    return ops.subtract(x, ops.tanh(x))


def hard_tanh(x):
    """``clip_by_value(x, -1, 1)``: TF's clip passes the gradient at exactly ±1."""
    return ops.clip_by_value(ops.check_kernel_dtype(_convert_to_tensor(x), "hard_tanh"), -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0 (gradient 0 at exactly ±threshold)."""
    return ops.hard_shrink(_convert_to_tensor(x), threshold=threshold)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    return ops.threshold(_convert_to_tensor(x), threshold, default_value)


def sigmoid(x):
    """``1 / (1 + e⁻ˣ)``, tagged with its logits like :func:`softmax` (a binary cross-entropy takes ``x``)."""
    x = _convert_to_tensor(x)
    return ops.tag_logits(ops.sigmoid(x), x)


def sparse_sigmoid(x):
    """0 for ``x <= -1``, 1 for ``x >= 1``, else ``(x + 1)/2`` (gradient 0 at exactly ±1)."""
    return ops.sparse_sigmoid(_convert_to_tensor(x))


def exponential(x):
    """``eˣ`` (``tf.exp``; Keras's ``ops.exp`` casts integers and bool to ``floatx`` first)."""
    return ops.exp(_in_floatx_if_not_float(_convert_to_tensor(x)))


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``, Keras's composition: 0 below -3, 1 above 3, gradient 0 at exactly ±3."""
    x = ops.check_kernel_dtype(_convert_to_tensor(x), "hard_sigmoid")   # its tf.constant(3.0, x.dtype)
    return ops.divide(ops.relu6(ops.add(x, 3.0)), 6.0)


def hard_silu(x):
    """``x · hard_sigmoid(x)``; also named ``hard_swish``."""
    x = _convert_to_tensor(x)
    return ops.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def linear(x):
    """The identity: ``linear(x) is x``."""
    return x


def mish(x):
    """``x · tanh(softplus(x))``, Keras's composition."""
    x = ops.check_kernel_dtype(_convert_to_tensor(x), "Softplus")
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_softmax(x, axis=-1):
    """``x - max x - log Σ exp(x - max x)`` along ``axis`` (``tf.nn.log_softmax``; untagged, as in Keras)."""
    return ops.log_softmax(_convert_to_tensor(x), axis=axis)


def log_sigmoid(x):
    """``log σ(x) = -softplus(-x)`` (``tf.math.log_sigmoid``)."""
    return ops.log_sigmoid(_convert_to_tensor(x))


def sparsemax(x, axis=-1):
    """``max(x - τ, 0)`` along ``axis``, with Keras's ``τ`` (see :func:`reference.ops.sparsemax`)."""
    return ops.sparsemax(_convert_to_tensor(x), axis=axis)


ALL = {fn.__name__: fn for fn in (
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus, soft_shrink, sparse_plus,
    silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid, sparse_sigmoid, exponential, hard_sigmoid, hard_silu,
    hard_tanh, hard_shrink, linear, mish, log_softmax, log_sigmoid, sparsemax)}
ALL["swish"], ALL["hard_swish"] = silu, hard_silu   # Keras's two aliases


def get(identifier):
    """An activation from a name (any key of :data:`ALL`), a callable, or ``None`` (meaning ``linear``)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]
    raise ValueError(f"Unknown activation {identifier!r}. Expected a callable or one of {sorted(ALL)}.")
