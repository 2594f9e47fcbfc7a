"""Differentiable NumPy ops, named like the TensorFlow ops they mirror.

Each op computes its forward value with NumPy and, right beside it, defines
``backward(dy, needs)``: given the upstream gradient ``dy = dL/dy`` it returns
one gradient per input (``None`` where ``needs`` says the input leads to no
source, so costly products are skipped). :func:`reference.tape.record` hands
the pair to the active ``GradientTape``; outside a tape nothing is recorded.

Shapes follow NumPy broadcasting; :func:`_unbroadcast` sums a gradient back
down to the shape of an input that was broadcast. Half precision: see :func:`_sum`.
"""

import math
import numbers

import numpy as np

from .backend_config import epsilon, floatx, is_float_dtype, ml_dtypes
from .logits import remember
from .tape import record


def _filled_like(x, value):
    """A new array shaped like ``x`` holding ``value`` broadcast (``np.broadcast_to`` is slower, and read-only)."""
    out = np.empty_like(x)
    out[...] = value
    return out


def _unbroadcast(grad, shape):
    """Sum ``grad`` over the axes along which an input of ``shape`` was broadcast."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    return _sum(grad, axis=axes, keepdims=True).reshape(shape)


# --- half precision ------------------------------------------------------------------------------------
#
# float16, and bfloat16 through ``ml_dtypes``: every op returns its inputs' dtype. Sums of half-precision arrays
# accumulate in float32, as TF's CPU kernels do (NumPy adds bfloat16 in bfloat16: 10,000 standard normals then sum
# to -87 instead of -100), and so do matrix products (``ml_dtypes`` returns the float32 accumulator of a bfloat16
# product, rounded back by ``_in_dtype``; NumPy's float16 matmul accumulates in float32 itself).


_HALF = tuple(np.dtype(t) for t in (np.float16, *((ml_dtypes.bfloat16,) if ml_dtypes is not None else ())))


def _in_dtype(y, dtype):
    """``y`` in ``dtype``: a bfloat16 product comes back from ``ml_dtypes`` as its float32 accumulator."""
    return y if y.dtype == dtype else y.astype(dtype)


def tf_convert_to_tensor(value):
    """TF's ``convert_to_tensor(value)`` with no dtype, as ``tf.cast`` applies it first: a NumPy value keeps its
    dtype; a Python bool is bool, an int int32 (int64 beyond int32's range), a float float32, whatever ``floatx``
    (Keras's own ``convert_to_tensor``, :func:`convert_to_tensor`, makes a Python float ``floatx``)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)[()]
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, numbers.Integral):
        return np.int32(value) if -2**31 <= value < 2**31 else np.int64(value)
    return np.float32(value)


def keras_cast(value, dtype):
    """Keras's ``ops.cast(value, dtype)``, that is ``tf.cast``: ``value`` made a tensor first
    (:func:`tf_convert_to_tensor`: a Python float becomes float32), then cast.

    In float64, ``0.999`` becomes ``0.9990000128746033``; in float32 it is the plain conversion; into an integer
    dtype a float is truncated toward 0 (and wraps, as TF's cast does).
    """
    dtype = np.dtype(dtype)
    if type(value) is float and dtype.kind == "f":   # the optimizers' case, every step: the same value, directly
        return dtype.type(np.float32(value))
    with np.errstate(invalid="ignore"):   # NaN or inf into an integer dtype: TF's cast gives a value, silently
        return np.asarray(tf_convert_to_tensor(value)).astype(dtype)[()]


def flush_subnormal(x):
    """``x`` with its subnormal entries set to 0, as TensorFlow's CPU kernels leave a result (flush-to-zero).

    NumPy keeps IEEE subnormals. Where Keras *decides* on a computed value (a mask ``loss > 0``, a test
    ``x != 0``), a subnormal that TF flushed to 0 and NumPy kept decides differently, so every such comparison in
    the reference flushes its operand through this one function first. Integer and bool arrays pass unchanged, and
    so does float16: TF computes it in float32, where a float16 subnormal (≥ 6e-8) is a normal number, kept.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f" and x.dtype not in _HALF or x.dtype == np.float16:
        return x
    tiny = (ml_dtypes.finfo if ml_dtypes is not None else np.finfo)(x.dtype).tiny
    return np.where(np.abs(x) < tiny, np.zeros((), x.dtype), x)


def _sum(x, axis=None, keepdims=False):
    """``np.sum`` in ``x``'s dtype, accumulated in float32 when ``x`` is float16 or bfloat16, as TF's kernels."""
    if x.dtype in _HALF:
        return x.sum(axis=axis, keepdims=keepdims, dtype=np.float32).astype(x.dtype)
    return x.sum(axis=axis, keepdims=keepdims)


# --- argument checks (a ValueError naming the argument, where TF raises too) -------------


def _checked_matmul(a, b):
    """``a @ b``; when the inner dimensions differ, a ``ValueError`` naming ``a`` and ``b``, where TF raises
    too (NumPy's own message names no argument)."""
    if np.shape(a)[-1:] != np.shape(b)[:1]:
        raise ValueError(f"matmul: `a` has {np.shape(a)[-1]} columns (shape {np.shape(a)}) but `b` has "
                         f"{np.shape(b)[0] if np.ndim(b) else 0} rows (shape {np.shape(b)}); they must match.")
    return _in_dtype(a @ b, np.result_type(a, b))


def check_broadcastable(a, b, a_name, b_name):
    """A ``ValueError`` naming ``a_name`` and ``b_name`` unless the shapes of ``a`` and ``b`` broadcast together,
    where TF raises too (NumPy's own message names no argument): labels and logits, ``y_true`` and ``y_pred``, sample
    weights and losses."""
    try:
        np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        raise ValueError(f"`{a_name}` and `{b_name}` must have broadcastable shapes, got {a_name}.shape="
                         f"{np.shape(a)}, {b_name}.shape={np.shape(b)}.") from None


# --- arithmetic -------------------------------------------------------------


def add(a, b):
    """``y = a + b`` (broadcasting; ``tf.add``, and ``bias_add`` for a bias row).

    Backward: ``da = dy``, ``db = dy``, each summed over its broadcast axes.
    """
    def backward(dy, needs):
        return (_unbroadcast(dy, np.shape(a)) if needs[0] else None,
                _unbroadcast(dy, np.shape(b)) if needs[1] else None)
    return record(np.add(a, b), (a, b), backward)


def subtract(a, b):
    """``y = a - b``. Backward: ``da = dy``, ``db = -dy`` (unbroadcast)."""
    def backward(dy, needs):
        return (_unbroadcast(dy, np.shape(a)) if needs[0] else None,
                _unbroadcast(-dy, np.shape(b)) if needs[1] else None)
    return record(np.subtract(a, b), (a, b), backward)


def multiply(a, b):
    """``y = a * b``. Backward: ``da = dy * b``, ``db = dy * a`` (unbroadcast)."""
    def backward(dy, needs):
        return (_unbroadcast(dy * b, np.shape(a)) if needs[0] else None,
                _unbroadcast(dy * a, np.shape(b)) if needs[1] else None)
    return record(np.multiply(a, b), (a, b), backward)


def divide(a, b):
    """``y = a / b``, as ``tf.divide`` (``RealDiv``).

    Backward (TF's ``_RealDivGrad``): ``da = dy / b``, ``db = dy · ((-a / b) / b)`` (unbroadcast), in that order:
    ``(-a / b) / b`` overflows to ``inf`` in float16 for ``a = 1, b = 1e-3`` even when ``dy`` is small.
    """
    def backward(dy, needs):
        return (_unbroadcast(dy / b, np.shape(a)) if needs[0] else None,
                _unbroadcast(dy * (np.negative(a) / b / b), np.shape(b)) if needs[1] else None)
    return record(np.divide(a, b), (a, b), backward)


def divide_no_nan(a, b):
    """``y = a / b``, and 0 where ``b == 0`` (even for ``a`` NaN or infinite), as ``tf.math.divide_no_nan``.

    Keras divides a reduced loss by its divisor with it: all-zero sample weights give a loss of 0.
    Backward, as TF's: ``da = div_no_nan(dy, b)``, ``db = dy · div_no_nan(div_no_nan(-a, b), b)`` (unbroadcast).
    """
    def no_nan(x, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(y == 0, np.zeros((), dtype=np.result_type(x, y)), np.divide(x, y))

    def backward(dy, needs):
        return (_unbroadcast(no_nan(dy, b), np.shape(a)) if needs[0] else None,
                _unbroadcast(dy * no_nan(no_nan(np.negative(a), b), b), np.shape(b)) if needs[1] else None)
    return record(no_nan(a, b), (a, b), backward)


def negative(x):
    """``y = -x``. Backward: ``dx = -dy``."""
    return record(np.negative(x), (x,), lambda dy, needs: (-dy,))


def square(x):
    """``y = x²``. Backward: ``dx = 2 x dy``."""
    return record(np.square(x), (x,), lambda dy, needs: (dy * (2 * x),))


def log(x):
    """``y = ln x``, as ``tf.math.log``.

    Backward (TF's ``_LogGrad``): ``dx = dy · reciprocal(x)``, a product, not ``dy / x``: where ``1/x``
    overflows (float16 ``x`` below 6e-5) the gradient is ``±inf``, and ``NaN`` where ``dy = 0`` there.
    """
    return record(np.log(x), (x,), lambda dy, needs: (dy * np.reciprocal(x),))


def exp(x):
    """``y = eˣ``. Backward: ``dx = dy · y``."""
    y = np.exp(x)
    return record(y, (x,), lambda dy, needs: (dy * y,))


def matmul(a, b):
    """Matrix product ``y = a @ b`` of (n, k) and (k, m).

    Backward: ``da = dy @ bᵀ`` and ``db = aᵀ @ dy``. The input images never
    need ``da``, so ``needs`` saves that product in the first layer.
    """
    def backward(dy, needs):
        return (_in_dtype(dy @ b.T, a.dtype) if needs[0] else None,
                _in_dtype(a.T @ dy, b.dtype) if needs[1] else None)
    return record(_checked_matmul(a, b), (a, b), backward)


def reshape(x, shape):
    """``y = x.reshape(shape)``, a view. Backward: ``dx = dy.reshape(x.shape)``."""
    return record(np.asarray(x).reshape(shape), (x,), lambda dy, needs: (dy.reshape(x.shape),))


def cast(x, dtype):
    """``y = x`` converted to ``dtype``, as ``tf.cast``. Backward: ``dx = dy`` converted back to ``x.dtype``."""
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    return record(x.astype(dtype), (x,), lambda dy, needs: (dy.astype(x.dtype),))


def convert_to_tensor(x, dtype=None):
    """``x`` as an array, as Keras's ``ops.convert_to_tensor`` on TF.

    Without ``dtype``, an array (or NumPy scalar) keeps its dtype, and its identity, for the tape; Python floats
    become ``floatx``, ints int32, bools bool. With ``dtype``, an array already of it is returned as is; a float
    array of another dtype goes through :func:`cast`, recorded as Keras's ``tf.cast`` is, so its gradient is cast
    back; anything else is converted, unrecorded.
    """
    if dtype is None:
        if isinstance(x, (np.ndarray, np.generic)):
            return np.asarray(x)
        x = np.asarray(x)
        return x.astype(floatx() if x.dtype.kind == "f" else np.int32 if x.dtype.kind in "iu" else x.dtype)
    if isinstance(x, np.ndarray) and x.dtype == dtype:
        return x
    if isinstance(x, np.ndarray) and is_float_dtype(x.dtype):
        return cast(x, dtype)
    return np.asarray(x, dtype=dtype)


def transpose(x):
    """``y = xᵀ`` of a matrix, as ``tf.transpose``. Backward: ``dx = dyᵀ``."""
    return record(np.transpose(x), (x,), lambda dy, needs: (np.transpose(dy),))


def clip_by_value(x, clip_value_min, clip_value_max):
    """``y = min(max(x, lo), hi)``, as ``tf.clip_by_value``.

    Backward: ``dx = dy`` where ``lo <= x <= hi``, else 0. TF builds the clip
    from ``Minimum`` and ``Maximum``, whose gradients go to ``x`` on ties, so
    the gradient still flows at exactly ``x == lo`` or ``x == hi``. Those gradients
    *select* (``_MaximumMinimumGrad``'s ``where``): a clipped entry gets an exact 0
    even where ``dy`` is infinite or NaN (``0·inf`` would be NaN).
    """
    lo = np.asarray(clip_value_min, dtype=x.dtype)
    hi = np.asarray(clip_value_max, dtype=x.dtype)

    def backward(dy, needs):
        return (np.where((x >= lo) & (x <= hi), dy, np.zeros((), dy.dtype)),)
    return record(np.clip(x, lo, hi).astype(x.dtype, copy=False), (x,), backward)


# --- elementwise math (the losses' ops) ---------------------------------------
#
# The ops Keras's losses are built from. Each backward is TF's gradient registration
# (tensorflow/python/ops/math_grad.py, nn_grad.py), kinks and ties included.


def abs(x):  # noqa: A001 - the name of tf.abs
    """``y = |x|``, as ``tf.abs``. Backward: ``dx = dy · sign(x)``, so 0 at exactly ``x = 0`` (TF's ``_AbsGrad``)."""
    return record(np.abs(x), (x,), lambda dy, needs: (dy * np.sign(x),))


def maximum(a, b):
    """``y = max(a, b)`` element-wise, as ``tf.maximum``.

    Backward (TF's ``_MaximumGrad``): ``da = dy·[a >= b]``, ``db = dy·[a < b]`` (unbroadcast): on a tie the
    whole gradient goes to ``a``, the first argument.
    """
    def backward(dy, needs):
        first = np.greater_equal(a, b)
        return (_unbroadcast(np.where(first, dy, 0), np.shape(a)) if needs[0] else None,
                _unbroadcast(np.where(first, 0, dy), np.shape(b)) if needs[1] else None)
    return record(np.maximum(a, b), (a, b), backward)


def minimum(a, b):
    """``y = min(a, b)`` element-wise, as ``tf.minimum``.

    Backward (TF's ``_MinimumGrad``): ``da = dy·[a <= b]``, ``db = dy·[a > b]``: ties go to ``a``.
    """
    def backward(dy, needs):
        first = np.less_equal(a, b)
        return (_unbroadcast(np.where(first, dy, 0), np.shape(a)) if needs[0] else None,
                _unbroadcast(np.where(first, 0, dy), np.shape(b)) if needs[1] else None)
    return record(np.minimum(a, b), (a, b), backward)


def where(condition, a, b):
    """``y = a`` where ``condition``, else ``b`` (broadcasting), as ``tf.where``.

    Backward (TF's ``_SelectGradV2``): ``da = where(condition, dy, 0)``, ``db = where(condition, 0, dy)``
    (unbroadcast). The branch not taken gets an exact 0, even where ``dy`` is NaN or infinite.
    """
    condition = np.asarray(condition, dtype=bool)

    def backward(dy, needs):
        zero = np.zeros((), dtype=dy.dtype)
        return (None,
                _unbroadcast(np.where(condition, dy, zero), np.shape(a)) if needs[1] else None,
                _unbroadcast(np.where(condition, zero, dy), np.shape(b)) if needs[2] else None)
    y = np.where(condition, a, b)
    return record(y.astype(np.result_type(a, b), copy=False), (condition, a, b), backward)


def power(a, b):
    """``y = aᵇ``, as ``tf.pow``.

    Backward (TF's ``_PowGrad``): ``da = dy · b · a^(b-1)``, and ``db = dy · y · log a`` where ``a > 0``, else 0.
    TF does not special-case ``a = 0``: with ``b = 0`` there, ``da = dy · 0 · 0⁻¹`` is NaN, and so is ours.
    """
    y = np.power(a, b)

    def backward(dy, needs):
        da = _unbroadcast(dy * b * np.power(a, b - 1), np.shape(a)) if needs[0] else None
        if not needs[1]:
            return (da, None)
        positive = np.greater(a, 0)
        log_a = np.where(positive, np.log(np.where(positive, a, 1)), 0)
        return (da, _unbroadcast(dy * y * log_a, np.shape(b)))
    return record(y, (a, b), backward)


def rsqrt(x):
    """``y = 1 / √x``, as ``tf.math.rsqrt`` (``inf`` at 0, silently).

    Backward (TF's ``RsqrtGrad`` kernel, ``scalar_rsqrt_gradient_op`` in ``cwise_ops_gradients.h``):
    ``dx = (-½ · (dy · y)) · (y · y)``, each product rounded in ``x``'s dtype, and exactly 0 where ``dy = 0``,
    even at ``y = inf`` (the kernel tests ``dy == 0`` first; ``0 · inf`` would be NaN). Keras's L2 normalisation
    relies on it: a zero vector's ``rsqrt(0)`` is capped by a ``minimum`` that sends it no gradient. The order
    matters in float16: ``y³`` overflows from ``y = 40``, where ``(dy · y) · y²`` may not.
    """
    with np.errstate(divide="ignore"):
        y = np.reciprocal(np.sqrt(x))

    def backward(dy, needs):
        half = x.dtype.type(-0.5)
        with np.errstate(invalid="ignore", over="ignore"):
            return (np.where(dy == 0, np.zeros((), x.dtype), half * (dy * y) * (y * y)).astype(x.dtype, copy=False),)
    return record(y, (x,), backward)


def softplus(x):
    """``y = log(1 + eˣ)``, as ``tf.math.softplus``, with TF's kernel's thresholds.

    TF's kernel (``softplus_op.h``) takes ``t = log(ε_dtype) + 2`` (-13.94 in float32, -34.04 in float64) and
    returns ``x`` for ``x > -t``, ``eˣ`` for ``x < t``, ``log1p(eˣ)`` between: no overflow for large ``x``.
    Backward (TF's ``_SoftplusGrad``): ``dx = dy · σ(x)``, a product with the sigmoid, not ``dy / (1 + e⁻ˣ)``:
    in float16 ``e⁻ˣ`` overflows from ``x = -11.1``, where ``σ(x)`` is still a (subnormal) number, and an
    infinite ``dy`` times it stays infinite.
    """
    eps = 2.0 ** -13 if x.dtype == np.float16 else np.finfo(x.dtype).eps   # Eigen's NumTraits<half>::epsilon()
    t = (np.log(x.dtype.type(eps)) + x.dtype.type(2)).astype(x.dtype)       # the kernel's static T, rounded
    with np.errstate(over="ignore"):
        e = flush_subnormal(np.exp(x))
        y = np.where(x > -t, x, np.where(x < t, e, np.log1p(e))).astype(x.dtype, copy=False)

    def backward(dy, needs):
        with np.errstate(over="ignore", invalid="ignore"):
            return (dy * _logistic(x),)
    return record(y, (x,), backward)


# --- reductions -------------------------------------------------------------


def reduce_sum(x, axis=None, keepdims=False):
    """``y = Σ x`` over ``axis``. Backward: ``dx = dy`` broadcast back to ``x.shape``."""
    def backward(dy, needs):
        if not keepdims and axis is not None:
            dy = np.expand_dims(dy, axis)
        return (_filled_like(x, dy),)
    return record(np.asarray(_sum(x, axis=axis, keepdims=keepdims)), (x,), backward)


def reduce_mean(x, axis=None, keepdims=False):
    """``y = (1/n) Σ x`` over ``axis`` (``tf.reduce_mean``; the handbook's batch mean).

    Backward (TF's ``_MeanGrad``): ``dx = dy / n`` broadcast back to ``x.shape``, where ``n`` is the
    number of elements averaged as a constant of ``x``'s dtype: in float16 ``n = 2049`` is 2048, and from
    65,520 on it is ``inf`` (the gradient 0); in bfloat16 257 is 256.
    """
    total = x.sum(axis=axis, keepdims=keepdims, dtype=np.float32 if x.dtype in _HALF else None)
    count = x.size // max(total.size, 1)
    y = np.asarray(total / total.dtype.type(count), dtype=x.dtype)   # one division: np.mean exactly; half: in float32
    with np.errstate(over="ignore"):
        n = x.dtype.type(count)

    def backward(dy, needs):
        if not keepdims and axis is not None:
            dy = np.expand_dims(dy, axis)
        return (_filled_like(x, dy / n),)
    return record(y, (x,), backward)


def reduce_max(x, axis=None, keepdims=False):
    """``y = max x`` over ``axis``, as ``tf.reduce_max``.

    Backward (TF's ``_MinOrMaxGrad``): the gradient is shared equally among the elements equal to the max:
    ``dx = dy · [x = y] / #{x = y}``. A tie of two halves it (``np.argmax`` would give it all to the first).
    """
    y = np.asarray(np.max(x, axis=axis, keepdims=True))

    def backward(dy, needs):
        if not keepdims and axis is not None:
            dy = np.expand_dims(dy, axis)
        indicators = (x == y).astype(x.dtype)
        return (indicators / _sum(indicators, axis=axis, keepdims=True) * dy,)
    return record(y if keepdims else np.asarray(np.max(x, axis=axis)), (x,), backward)


def reduce_logsumexp(x, axis=None, keepdims=False):
    """``y = m + log Σ exp(x - m)`` over ``axis``, ``m = max x`` (0 where the max is not finite), as
    ``tf.math.reduce_logsumexp``.

    TF builds it from ops, with ``m`` behind a ``stop_gradient``; the backward is theirs, ``Log``'s then
    ``Exp``'s: ``dx = (dy · reciprocal(Σ exp(x - m))) · exp(x - m)``, the softmax along ``axis``. Entries at
    ``-inf`` get 0; a row entirely at ``-inf`` gives ``y = -inf`` and ``dx = (dy·inf)·0``, NaN, as in TF.
    """
    raw_max = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(raw_max), raw_max, 0).astype(x.dtype, copy=False)
    e = np.exp(x - m)
    total = _sum(e, axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        y = np.log(total) + m

    def backward(dy, needs):
        if not keepdims and axis is not None:
            dy = np.expand_dims(dy, axis)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return (dy * np.reciprocal(total) * e,)
    return record(y if keepdims else np.asarray(np.squeeze(y, axis=axis)), (x,), backward)


# --- normalisation -----------------------------------------------------------


def normalize(x, axis=-1, order=2):
    """``x`` scaled to unit norm along ``axis``, as Keras's ``ops.normalize`` (``keras/src/ops/nn.py``); Keras's
    ``utils.normalize`` of a tensor is this too.

    For ``order=2``: ``x · min(1/√(Σ x²), 1/ε)``, an ``rsqrt`` then a cap at ``1/ε = 1e7``, not
    ``x / max(‖x‖, ε)``: a zero vector stays zero (no NaN), and a vector shorter than ε is scaled by 1e7, not
    normalised. Recorded, so a loss built on it is differentiable. For another order: ``x / max(‖x‖, ε)``,
    unrecorded. ``ε = epsilon()``.
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = convert_to_tensor(x)
    if order == 2:
        inv_norm = rsqrt(reduce_sum(square(x), axis=axis, keepdims=True))
        with np.errstate(over="ignore"):   # 1/ε is inf in float16, as TF converts it
            cap = np.asarray(1.0 / epsilon(), dtype=x.dtype)
        return multiply(x, minimum(inv_norm, cap))
    eps = x.dtype.type(epsilon())
    return x / np.maximum(np.linalg.norm(x, ord=order, axis=axis, keepdims=True), eps)


# --- activations ------------------------------------------------------------
#
# Each op takes the input dtypes its TF kernel registers, and raises a TypeError naming ``x`` and its dtype on the
# others, where TF raises: ``Softmax``, ``Sigmoid``, ``Elu``, ... take floats only (half, bfloat16, float,
# double); ``Relu`` and ``Relu6`` also integers, computing in them; no kernel here takes bool.

FLOATS, REALS, SIGNED = "floats", "floats and integers", "floats and signed integers"
"""The dtype sets of the activation kernels (:func:`check_kernel_dtype`)."""


def check_kernel_dtype(x, op, takes=FLOATS):
    """``x``, if TF's ``op`` (a kernel, or a Keras composition with a float constant) takes its dtype (``takes``:
    :data:`FLOATS`, :data:`REALS` or :data:`SIGNED`); else a ``TypeError`` naming ``x``, its dtype and ``op``."""
    kind = "f" if is_float_dtype(x.dtype) else x.dtype.kind
    if not (kind == "f" or (takes == REALS and kind in "iu") or (takes == SIGNED and kind == "i")):
        raise TypeError(f"{op}: `x` has dtype {x.dtype}, and {op} takes {takes} only (TF raises on it).")
    return x


def operand(value, dtype, name):
    """The Python scalar ``value`` as TF converts it to meet an array of ``dtype`` (``x - 0.5``, ``tf.where(c, x, 0)``).

    Into a float dtype any number converts; into an integer dtype only a Python int (wrapping, as TF's does);
    into bool only a bool. Elsewhere TF raises (``Cannot convert 0.5 to EagerTensor of dtype int32``), and so does
    this, a ``TypeError`` naming the argument ``name``. A NumPy scalar of ``dtype`` passes as it is.
    """
    dtype = np.dtype(dtype)
    if isinstance(value, np.generic) and value.dtype == dtype or is_float_dtype(dtype):
        return dtype.type(value)
    if dtype.kind in "iu" and isinstance(value, int) and not isinstance(value, bool):
        return np.array(value).astype(dtype)[()]
    if dtype == np.dtype(bool) and isinstance(value, (bool, np.bool_)):
        return np.bool_(value)
    raise TypeError(f"`{name}`={value!r} cannot meet an input of dtype {dtype}: TF does not convert a Python "
                    f"{type(value).__name__} to {dtype}.")


def check_axis(x, axis, op):
    """``axis`` for an op along one axis of ``x``: an int in ``[-rank, rank)``, else a ``ValueError`` naming
    ``axis`` (NumPy's reductions would take axis 0 or -1 of a 0-d array; TF's kernels do not)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{op}: `axis` must be an int, got axis={axis!r}.")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{op}: `axis` {axis} is out of range for an input of rank {x.ndim} (shape {x.shape}).")
    return axis


def relu(x):
    """``y = max(x, 0)``, as ``tf.nn.relu``; integer inputs stay integers (``Relu`` has integer kernels).

    Backward: ``dx = dy · [x > 0]``. At exactly ``x = 0`` the gradient is 0,
    TF's convention (``ReluGrad`` tests ``features > 0``).
    """
    y = np.maximum(check_kernel_dtype(x, "Relu", REALS), x.dtype.type(0))
    return record(y, (x,), lambda dy, needs: (dy * (y > 0),))


def softmax(x, axis=-1):
    """``yᵢ = exp(xᵢ - max x) / Σⱼ exp(xⱼ - max x)`` along ``axis``, as ``tf.nn.softmax``.

    Subtracting the max changes nothing mathematically and keeps ``exp`` from
    overflowing for large logits.

    ``axis`` may also be a tuple of axes, or ``None`` for all of them (Keras's reshaped softmax); a single axis
    must exist (TF's kernel takes no axis of a 0-d input).

    Backward: ``dx = y · (dy - Σⱼ dyⱼ yⱼ)`` along ``axis``.
    """
    check_kernel_dtype(x, "Softmax")
    if axis is not None and not isinstance(axis, tuple):
        check_axis(x, axis, "softmax")
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    y = np.asarray(e / _sum(e, axis=axis, keepdims=True))

    def backward(dy, needs):
        return (y * (dy - _sum(dy * y, axis=axis, keepdims=True)),)
    return remember(record(y, (x,), backward), x, "Softmax")


def sigmoid(x):
    """``y = 1 / (1 + e⁻ˣ)``, computed without overflow. Backward: ``dx = dy · y (1 - y)``."""
    y = _logistic(check_kernel_dtype(x, "Sigmoid"))
    return remember(record(y, (x,), lambda dy, needs: (dy * y * (1 - y),)), x, "Sigmoid")


def _logistic(x):
    """``1 / (1 + e⁻ˣ)`` without overflow (``e⁻ˣ`` only for ``x >= 0``, ``eˣ/(1 + eˣ)`` below); not recorded."""
    y = np.empty_like(x)
    pos = x >= 0
    y[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    y[~pos] = ex / (1 + ex)
    return y


def relu6(x):
    """``y = min(max(x, 0), 6)``, as ``tf.nn.relu6``.

    Backward: ``dx = dy · [0 < y < 6]``: TF's ``Relu6Grad`` tests the output, so the gradient is 0 at
    exactly ``x = 0`` and at exactly ``x = 6``.
    """
    y = np.minimum(np.maximum(check_kernel_dtype(x, "Relu6", REALS), x.dtype.type(0)), x.dtype.type(6))
    return record(y, (x,), lambda dy, needs: (dy * ((y > 0) & (y < 6)),))


def leaky_relu(x, alpha=0.2):
    """``y = x`` for ``x > 0``, else ``α x``, as ``tf.nn.leaky_relu`` (a select, so also for ``α > 1``).

    TF's ``alpha`` is a float32 attribute of the op: in float64 the slope 0.2 is ``float32(0.2) =
    0.20000000298023224`` (:func:`keras_cast`). ``tf.nn.leaky_relu`` casts an integer input to float32 first.

    Backward: ``dx = dy`` for ``x > 0``, else ``α dy``: at exactly 0 the slope is ``α`` (``LeakyReluGrad``).
    """
    if x.dtype.kind in "iu":
        x = cast(x, np.float32)
    alpha = keras_cast(alpha, check_kernel_dtype(x, "LeakyRelu").dtype)
    pos = x > 0
    return record(np.where(pos, x, x * alpha), (x,), lambda dy, needs: (np.where(pos, dy, dy * alpha),))


def elu(x, alpha=1.0):
    """``y = x`` for ``x > 0``, else ``α (eˣ - 1)``: ``tf.nn.elu``, then Keras's ``where(x > 0, elu, α·elu)``.

    TF's kernel computes ``exp(x) - 1``, not ``expm1``: for ``-1e-10`` it returns 0 in float32, and so does
    the reference.

    Backward, as TF differentiates the composition, with ``e = elu(x)`` (TF's ``EluGrad`` tests the output):
    ``g = dy`` for ``x > 0``, else ``α dy``; then ``dx = g (e + 1)`` where ``e < 0``, else ``g``. At exactly
    0 that is ``α dy``.
    """
    pos = check_kernel_dtype(x, "Elu") > 0
    with np.errstate(over="ignore"):
        e = np.where(x < 0, np.exp(x) - 1, x)
    y = e if alpha == 1 else np.where(pos, e, alpha * e)

    def backward(dy, needs):
        g = dy if alpha == 1 else np.where(pos, dy, alpha * dy)
        return (np.where(e < 0, (e + 1) * g, g),)
    return record(y, (x,), backward)


SELU_SCALE, SELU_SCALE_ALPHA = 1.0507009873554804934193349852946, 1.7580993408473768599402175208123


def selu(x):
    """``y = λ x`` for ``x >= 0``, else ``λα (eˣ - 1)``, as ``tf.nn.selu`` (``λ = 1.0507``, ``λα = 1.7581``).

    Like ``elu``, TF's kernel computes ``exp(x) - 1``.

    Backward: ``SeluGrad`` tests the output: ``dx = dy (y + λα)`` where ``y < 0``, else ``λ dy`` (at 0: ``λ dy``).
    """
    scale, scale_alpha = check_kernel_dtype(x, "Selu").dtype.type(SELU_SCALE), x.dtype.type(SELU_SCALE_ALPHA)
    with np.errstate(over="ignore"):
        y = np.where(x < 0, scale_alpha * (np.exp(x) - 1), scale * x)
    return record(y, (x,), lambda dy, needs: (np.where(y < 0, dy * (y + scale_alpha), dy * scale),))


def celu(x, alpha=1.0):
    """``y = max(x, 0) + α expm1(min(x, 0) / α)``, Keras's composition on TF.

    Backward, as TF differentiates it: ``Maximum`` passes ``dy`` where ``x >= 0`` and ``Minimum`` where
    ``x <= 0``, so at exactly 0 both do and the gradient is ``2 dy`` (TF's, not the derivative 1)::

        dx = dy·[x >= 0] + [x <= 0]·(α dy) eᵐ / α,    m = min(x, 0) / α
    """
    m = np.minimum(check_kernel_dtype(x, "Expm1"), 0) / alpha
    y = np.maximum(x, 0) + alpha * np.expm1(m)

    def backward(dy, needs):
        return (np.where(x >= 0, dy, 0) + np.where(x <= 0, alpha * dy * np.exp(m) / alpha, 0),)
    return record(y, (x,), backward)


def gelu(x, approximate=False):
    """``y = x Φ(x)``, as ``tf.nn.gelu``: TF's exact form, or its tanh approximation.

    * exact: ``y = (x/2) · erfc(-x/√2)`` (``erfc`` keeps the far left tail, ~1e-23 at -10, exact);
    * ``approximate=True``: ``y = (x/2) (1 + tanh(√(2/π) (x + 0.044715 x³)))``.

    Backward, as TF differentiates the same composition (``Erfc``: ``-2/√π e^(-u²)``; ``Tanh``: ``1 - t²``;
    ``Pow``: ``3x²``), exact: ``dx = dy·erfc(u)/2 + (x/2)·dy·(2/√π) e^(-u²)/√2``, ``u = -x/√2``.

    TF writes two of its constants as ``tf.cast(0.044715, dtype)`` and ``tf.cast(0.7071067811865476, dtype)``:
    the Python float becomes a float32 tensor first, so in float64 they are ``float32(0.044715)`` and
    ``float32(1/√2)`` (:func:`keras_cast`; a relative difference of ~1e-9 in the result), and here too.
    A non-float input is a ``ValueError``, as TF's.
    NumPy has no ``erfc``; Python's ``math.erfc`` is applied element by element (in float64, then rounded).
    """
    if not is_float_dtype(x.dtype):
        raise ValueError(f"gelu: `x` must be a floating-point array (TF's check on `features`), got x.dtype={x.dtype}.")
    half_x = 0.5 * x
    coeff, sqrt_half = keras_cast(0.044715, x.dtype), keras_cast(0.7071067811865476, x.dtype)
    sqrt_2_over_pi = 0.7978845608028654   # √(2/π), a Python float as TF writes it: it meets x in x's dtype
    if approximate:
        inner = sqrt_2_over_pi * (x + coeff * np.power(x, 3))
        t = np.tanh(inner)
        y = half_x * (1.0 + t)

        def backward(dy, needs):
            d_inner = half_x * dy * (1 - t * t) * sqrt_2_over_pi
            return ((dy * (1.0 + t)) * 0.5 + d_inner + d_inner * coeff * 3 * np.power(x, 2),)
    else:
        u = -x * sqrt_half
        erfc_u = _erfc(u)
        y = half_x * erfc_u

        def backward(dy, needs):
            d_u = half_x * dy * x.dtype.type(-2 / np.sqrt(np.pi)) * np.exp(-np.square(u))
            return ((dy * erfc_u) * 0.5 - d_u * sqrt_half,)
    return record(y, (x,), backward)


_erfc_float64 = np.frompyfunc(math.erfc, 1, 1)


def _erfc(x):
    """The complementary error function, element by element, in ``x``'s dtype (not recorded)."""
    return np.asarray(_erfc_float64(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


def silu(x):
    """``y = x σ(x)``, as ``tf.nn.silu`` (``swish`` with β = 1).

    Backward, TF's custom gradient: ``dx = dy · σ(x) (1 + x (1 - σ(x)))``.
    """
    s = _logistic(check_kernel_dtype(x, "Silu"))
    return record(x * s, (x,), lambda dy, needs: (dy * (s * (1.0 + x * (1.0 - s))),))


def tanh(x):
    """``y = tanh x``, as ``tf.nn.tanh``. Backward: ``dx = dy (1 - y²)`` (``TanhGrad``)."""
    y = np.tanh(check_kernel_dtype(x, "Tanh"))
    return record(y, (x,), lambda dy, needs: (dy * (1 - y * y),))


def softsign(x):
    """``y = x / (1 + |x|)``, as ``tf.nn.softsign``. Backward: ``dx = dy / (1 + |x|)²`` (``SoftsignGrad``)."""
    y = check_kernel_dtype(x, "Softsign") / (np.abs(x) + 1)
    return record(y, (x,), lambda dy, needs: (dy / np.square(np.abs(x) + 1),))


def log_sigmoid(x):
    """``y = log σ(x) = -softplus(-x)``, as ``tf.math.log_sigmoid`` (so with softplus's shortcuts).

    Backward: ``dx = dy σ(-x)``.
    """
    return negative(softplus(negative(check_kernel_dtype(x, "Softplus"))))


def log_softmax(x, axis=-1):
    """``yᵢ = sᵢ - log Σⱼ exp(sⱼ)``, ``s = x - max x``, along ``axis``, as ``tf.nn.log_softmax``.

    ``axis`` as in :func:`softmax`. Backward (``LogSoftmaxGrad``): ``dx = dy - (Σⱼ dyⱼ) · exp(y)`` along ``axis``.
    """
    check_kernel_dtype(x, "LogSoftmax")
    if axis is not None and not isinstance(axis, tuple):
        check_axis(x, axis, "log_softmax")
    shifted = x - x.max(axis=axis, keepdims=True)
    y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return record(y, (x,), lambda dy, needs: (dy - dy.sum(axis=axis, keepdims=True) * np.exp(y),))


def sparsemax(x, axis=-1):
    """Keras's sparsemax on TF: ``y = max(x - τ, 0)`` along ``axis``, with Keras's ``τ``.

    Sort ``x`` descending (``z``), ``cⱼ = Σ_{i≤j} zᵢ``, support ``Sⱼ = [zⱼ - (cⱼ - 1)/j > 0]``, ``k = Σ S``.
    Keras takes ``τ = (Σⱼ Sⱼ cⱼ - 1) / k``: the sum of the first ``k`` cumulative sums, where the paper's
    ``τ`` is ``(c_k - 1) / k``. The two agree when ``k = 1`` only: sparsemax of ``[1, 1, 0]`` is
    ``[0, 0, 0]`` in Keras (the paper's is ``[0.5, 0.5, 0]``), and the reference mirrors Keras.

    Backward, as TF differentiates that composition: ``Maximum`` passes ``g = dy·[x - τ >= 0]`` (also
    where ``x = τ``); ``τ`` receives ``-Σ g``, each ``cⱼ`` in the support ``-Σ g / k``; ``Cumsum``'s
    gradient is the reverse cumulative sum, and the sort's (``TopKV2``) scatters it back to where each
    ``zⱼ`` came from, ties in index order. So ``dx = g - unsort(revcumsum(S · Σ g / k))``.
    """
    check_axis(check_kernel_dtype(x, "Sparsemax"), axis, "sparsemax")
    order = np.argsort(-x, axis=axis, kind="stable")          # descending, ties in index order, as TopKV2
    z = np.take_along_axis(x, order, axis)
    c = np.cumsum(z, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    r = np.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(shape)
    support = z - (c - 1) / r > 0
    k = support.sum(axis=axis, keepdims=True).astype(x.dtype)
    tau = (np.where(support, c, 0).sum(axis=axis, keepdims=True) - 1) / k
    y = np.maximum(x - tau, 0)

    def backward(dy, needs):
        g = np.where(x - tau >= 0, dy, 0)
        d_c = np.where(support, -g.sum(axis=axis, keepdims=True) / k, 0)
        d_z = np.flip(np.cumsum(np.flip(d_c, axis), axis=axis), axis)
        d_x = np.empty_like(d_z)
        np.put_along_axis(d_x, order, d_z, axis)
        return (g + d_x,)
    return record(y, (x,), backward)


def glu(x, axis=-1):
    """``y = a σ(b)``, ``a`` and ``b`` the two halves of ``x`` along ``axis`` (Keras's ``split``, ``*``, ``sigmoid``).

    Raises ``ValueError`` when that axis has odd length (Keras's check).

    Backward: ``da = dy σ(b)``, ``db = (dy a) σ(b) (1 - σ(b))``, concatenated along ``axis``.
    """
    check_axis(check_kernel_dtype(x, "Sigmoid"), axis, "glu")
    if x.shape[axis] % 2:
        raise ValueError(f"glu: the size of `axis` must be divisible by 2, got x.shape={x.shape} with axis={axis}.")
    a, b = np.split(x, 2, axis=axis)
    s = _logistic(b)

    def backward(dy, needs):
        return (np.concatenate([dy * s, dy * a * s * (1 - s)], axis=axis),)
    return record(a * s, (x,), backward)


def squareplus(x, b=4):
    """``y = (x + √(x² + b)) / 2``, Keras's composition on TF.

    Backward, as TF differentiates it (``Sqrt``: ``0.5 g / √``; ``Square``: ``2x``), with ``g = dy / 2``:
    ``dx = g + (0.5 g / √(x² + b)) · 2x``.
    """
    root = np.sqrt(np.square(check_kernel_dtype(x, "Sqrt")) + x.dtype.type(b))

    def backward(dy, needs):
        g = dy / 2
        return (g + 0.5 * g / root * (x * 2),)
    return record((x + root) / 2, (x,), backward)


def soft_shrink(x, threshold=0.5):
    """``y = x - λ`` for ``x > λ``, ``x + λ`` for ``x < -λ``, else 0 (Keras's nested ``tf.where``; ``λ`` = threshold).

    An integer input stays integer, with an integer ``threshold``; a float one meeting it raises, as in TF
    (:func:`operand`). Backward: ``dx = dy`` where ``|x| > λ``, else 0: at exactly ``±λ`` the gradient is 0.
    """
    above = check_kernel_dtype(x, "Greater", REALS) > operand(threshold, x.dtype, "threshold")
    below = x < operand(-threshold, x.dtype, "threshold")
    t = operand(threshold, x.dtype, "threshold")
    y = np.where(above, x - t, np.where(below, x + t, np.zeros((), x.dtype)))
    return record(y, (x,), lambda dy, needs: (np.where(above | below, dy, 0),))


def hard_shrink(x, threshold=0.5):
    """``y = x`` where ``|x| > λ``, else 0 (Keras's ``tf.where``). Backward: ``dx = dy·[|x| > λ]`` (0 at ``±λ``)."""
    keep = np.abs(check_kernel_dtype(x, "Abs", SIGNED)) > operand(threshold, x.dtype, "threshold")
    return record(np.where(keep, x, np.zeros((), x.dtype)), (x,), lambda dy, needs: (np.where(keep, dy, 0),))


def threshold(x, threshold, default_value):
    """``y = x`` where ``x > threshold``, else ``default_value`` (Keras's ``tf.where``).

    Both Python scalars meet ``x`` as TF converts them (:func:`operand`): an integer input takes integers.
    Backward: ``dx = dy·[x > threshold]`` (0 at exactly the threshold); ``default_value`` is a constant.
    """
    keep = check_kernel_dtype(x, "Greater", REALS) > operand(threshold, x.dtype, "threshold")
    y = np.where(keep, x, operand(default_value, x.dtype, "default_value"))
    return record(y, (x,), lambda dy, needs: (np.where(keep, dy, 0),))


def sparse_plus(x):
    """``y = 0`` for ``x <= -1``, ``(x + 1)²/4`` for ``-1 < x < 1``, ``x`` for ``x >= 1`` (Keras's ``tf.where``).

    Backward: ``dx = dy (x + 1)/2`` inside, ``dy`` for ``x >= 1``, 0 for ``x <= -1``; at exactly -1 the
    gradient is 0 and at exactly 1 it is ``dy`` (both also the derivative: the pieces meet smoothly).
    """
    y = np.where(check_kernel_dtype(x, "sparse_plus") <= -1, np.zeros((), x.dtype),
                 np.where(x < 1, (1 / 4) * np.power(x + 1, 2), x))

    def backward(dy, needs):
        return (np.where(x <= -1, 0, np.where(x < 1, (1 / 4) * dy * 2 * (x + 1), dy)),)
    return record(y, (x,), backward)


def sparse_sigmoid(x):
    """``y = 0`` for ``x <= -1``, ``1`` for ``x >= 1``, else ``(x + 1)/2`` (Keras's ``tf.where``).

    Backward: ``dx = dy/2`` for ``-1 < x < 1``, else 0: at exactly ±1 the gradient is 0.
    """
    inside = (check_kernel_dtype(x, "sparse_sigmoid") > -1) & (x < 1)   # its tf.constant(0.0, x.dtype)
    y = np.where(x <= -1, np.zeros((), x.dtype), np.where(x >= 1, np.ones((), x.dtype), 0.5 * (x + 1)))
    return record(y, (x,), lambda dy, needs: (np.where(inside, 0.5 * dy, 0),))


# --- fused cross-entropies --------------------------------------------------


def check_sparse_labels(labels, num_classes, name="labels"):
    """Raise ``ValueError`` unless every label is an integer in ``[0, num_classes)``."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.floor(labels)):
            bad = labels[~np.isfinite(labels) | (labels != np.floor(labels))]
            raise ValueError(f"`{name}` must hold integer class ids; got non-integer values such as {bad.flat[0]!r}.")
    elif labels.dtype.kind not in "iub":
        raise ValueError(f"`{name}` must hold integer class ids; got dtype {labels.dtype}.")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        where = np.argwhere((labels < 0) | (labels >= num_classes))[0]
        raise ValueError(
            f"`{name}` has a value outside the valid range [0, {num_classes}): "
            f"{labels[tuple(where)]!r} at index {tuple(int(i) for i in where)}."
        )
    return labels.astype(np.intp, copy=False)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """``lossᵢ = logsumexp(zᵢ) - zᵢ[yᵢ]``, as ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    ``labels`` has the shape of ``logits`` without its last axis. Like TF's
    kernel, it shifts by the row max first: ``s = z - max z``,
    ``loss = log Σ exp(s) - s[y]``.

    Backward: ``dz = dy · (softmax(z) - onehot(y))``, the famous ``p - y``.
    """
    labels = check_sparse_labels(labels, logits.shape[-1])
    z = logits.reshape(-1, logits.shape[-1])            # rows of classes, any leading shape
    rows, y = np.arange(z.shape[0]), labels.reshape(-1)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    sum_e = e.sum(axis=-1, keepdims=True)
    loss = np.log(sum_e[:, 0]) - shifted[rows, y]

    def backward(dy, needs):
        grad = e / sum_e
        grad[rows, y] -= 1
        grad *= dy.reshape(-1, 1)
        return (None, grad.reshape(logits.shape))
    return record(loss.reshape(labels.shape), (labels, logits), backward)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """``lossᵢ = -Σⱼ yᵢⱼ log softmax(zᵢ)ⱼ``, as ``tf.nn.softmax_cross_entropy_with_logits``.

    Backward: ``dz = dy · (softmax(z) - y)`` and ``dy_labels = -dy · log softmax(z)``, as TF's
    kernel. That ``dz`` is the derivative of the loss only when each row of labels sums to 1
    (the true one is ``softmax(z) Σⱼ yⱼ - y``); TF returns ``softmax - y`` regardless, and so
    does the reference, so soft labels that do not sum to 1 get TF's gradient, not the derivative.
    """
    check_broadcastable(labels, logits, "labels", "logits")
    shifted = logits - logits.max(axis=axis, keepdims=True)
    sum_e = np.exp(shifted).sum(axis=axis, keepdims=True)
    log_p = shifted - np.log(sum_e)
    loss = -(labels * log_p).sum(axis=axis)

    def backward(dy, needs):
        dy = np.expand_dims(dy, axis)
        d_labels = -dy * log_p if needs[0] else None
        d_logits = dy * (np.exp(log_p) - labels) if needs[1] else None   # TF's p - y, see the docstring
        return (d_labels, d_logits)
    return record(loss, (labels, logits), backward)


def sigmoid_cross_entropy_with_logits(labels, logits):
    """``lossᵢ = max(xᵢ, 0) - xᵢ zᵢ + log(1 + exp(-|xᵢ|))``, as ``tf.nn.sigmoid_cross_entropy_with_logits``.

    For logits ``x`` and labels ``z`` (same shape, element-wise): the
    overflow-free form of ``-z log σ(x) - (1 - z) log(1 - σ(x))``.

    Backward, as TF differentiates its formula (a ``where`` for ``max`` and
    for ``-|x|``, then ``log1p ∘ exp``), with ``e = exp(-|x|)``::

        dx = dy·[x ≥ 0] - dy·z ∓ dy·e/(1 + e)     (- for x ≥ 0, + below)   = dy (σ(x) - z)
        dz = -dy·x
    """
    if np.shape(labels) != np.shape(logits):
        raise ValueError(f"`labels` and `logits` must have the same shape, "
                         f"got labels.shape={np.shape(labels)}, logits.shape={np.shape(logits)}.")
    pos = logits >= 0
    e = np.exp(np.where(pos, -logits, logits))
    loss = (np.where(pos, logits, 0) - logits * labels) + np.log1p(e)

    def backward(dy, needs):
        d_labels = -dy * logits if needs[0] else None
        t = dy * np.reciprocal(1 + e) * e
        d_logits = np.where(pos, dy, 0) - dy * labels + np.where(pos, -t, t) if needs[1] else None
        return (d_labels, d_logits)
    return record(loss, (labels, logits), backward)
