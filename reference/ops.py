"""Differentiable NumPy ops, named like the TensorFlow ops they mirror.

Each op computes its forward value with NumPy and, right beside it, defines
``backward(dy, needs)``: given the upstream gradient ``dy = dL/dy`` it returns
one gradient per input (``None`` where ``needs`` says the input leads to no
source, so costly products are skipped). :func:`reference.tape.record` hands
the pair to the active ``GradientTape``; outside a tape nothing is recorded.

Shapes follow NumPy broadcasting; :func:`_unbroadcast` sums a gradient back
down to the shape of an input that was broadcast. Half precision: see :func:`_sum`.
"""

import contextlib
import warnings

import numpy as np

from .config import ml_dtypes
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


def _checked_logits(labels, logits):
    """``logits``, once ``labels`` is known to broadcast against them (TF raises otherwise)."""
    try:
        np.broadcast_shapes(np.shape(labels), np.shape(logits))
    except ValueError:
        raise ValueError(f"`labels` and `logits` must be broadcastable, got labels.shape={np.shape(labels)}, "
                         f"logits.shape={np.shape(logits)}.") from None
    return logits


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
    """``y = a / b``. Backward: ``da = dy / b``, ``db = -dy * a / b²`` (unbroadcast)."""
    y = np.divide(a, b)

    def backward(dy, needs):
        return (_unbroadcast(dy / b, np.shape(a)) if needs[0] else None,
                _unbroadcast(-dy * y / b, np.shape(b)) if needs[1] else None)
    return record(y, (a, b), backward)


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
    """``y = ln x``. Backward: ``dx = dy / x``."""
    return record(np.log(x), (x,), lambda dy, needs: (dy / x,))


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


def clip_by_value(x, clip_value_min, clip_value_max):
    """``y = min(max(x, lo), hi)``, as ``tf.clip_by_value``.

    Backward: ``dx = dy`` where ``lo <= x <= hi``, else 0. TF builds the clip
    from ``Minimum`` and ``Maximum``, whose gradients go to ``x`` on ties, so
    the gradient still flows at exactly ``x == lo`` or ``x == hi``.
    """
    lo = np.asarray(clip_value_min, dtype=x.dtype)
    hi = np.asarray(clip_value_max, dtype=x.dtype)

    def backward(dy, needs):
        return (dy * ((x >= lo) & (x <= hi)),)
    return record(np.clip(x, lo, hi).astype(x.dtype, copy=False), (x,), backward)


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

    Backward: ``dx = dy / n`` broadcast back to ``x.shape``, where ``n`` is the
    number of elements averaged.
    """
    total = x.sum(axis=axis, keepdims=keepdims, dtype=np.float32 if x.dtype in _HALF else None)
    n = total.dtype.type(x.size // max(total.size, 1))       # then one division: np.mean, exactly
    y = np.asarray(total / n, dtype=x.dtype)                  # half precision: divided in float32, as TF

    def backward(dy, needs):
        if not keepdims and axis is not None:
            dy = np.expand_dims(dy, axis)
        return (_filled_like(x, dy / n),)
    return record(y, (x,), backward)


# --- activations ------------------------------------------------------------


def relu(x):
    """``y = max(x, 0)``, as ``tf.nn.relu``.

    Backward: ``dx = dy · [x > 0]``. At exactly ``x = 0`` the gradient is 0,
    TF's convention (``ReluGrad`` tests ``features > 0``).
    """
    y = np.maximum(x, 0)
    return record(y, (x,), lambda dy, needs: (dy * (y > 0),))


def softmax(x, axis=-1):
    """``yᵢ = exp(xᵢ - max x) / Σⱼ exp(xⱼ - max x)`` along ``axis``, as ``tf.nn.softmax``.

    Subtracting the max changes nothing mathematically and keeps ``exp`` from
    overflowing for large logits.

    Backward: ``dx = y · (dy - Σⱼ dyⱼ yⱼ)`` along ``axis``.
    """
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    y = e / _sum(e, axis=axis, keepdims=True)

    def backward(dy, needs):
        return (y * (dy - _sum(dy * y, axis=axis, keepdims=True)),)
    return _remember_logits(record(y, (x,), backward), x, "Softmax")


def sigmoid(x):
    """``y = 1 / (1 + e⁻ˣ)``, computed without overflow. Backward: ``dx = dy · y (1 - y)``."""
    y = np.empty_like(x)
    pos = x >= 0
    y[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    y[~pos] = ex / (1 + ex)
    return _remember_logits(record(y, (x,), lambda dy, needs: (dy * y * (1 - y),)), x, "Sigmoid")


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
    does the reference (found by the parity suite: soft labels that do not sum to 1).
    """
    shifted = _checked_logits(labels, logits) - logits.max(axis=axis, keepdims=True)
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


# --- Keras's `_get_logits`: the logits behind a softmax or sigmoid -------------

_logits_scopes = []  # one dict per active `remember_logits` block: id(output) -> (output, logits, op_type)


@contextlib.contextmanager
def remember_logits():
    """Inside the block, every ``softmax``/``sigmoid`` output remembers its input logits.

    This is how the reference reproduces Keras's graph mode. Under
    ``tf.function`` (how Keras runs ``fit``, ``evaluate`` and
    ``train_on_batch`` unless ``run_eagerly=True``) a tensor knows the op that
    made it, and Keras's cross-entropies look (``_get_logits``,
    keras/src/backend/tensorflow/nn.py): probabilities that come straight out
    of a ``Softmax`` op (``Sigmoid`` for the binary cross-entropy) are replaced
    by that op's input, and the loss is computed *from logits*, with no
    clipping. A confidently wrong sample (softmax of ``[100, 0, 0]``, label 1)
    then costs 100, not ``-log(1e-7) = 16.118``, and its gradient is not cut
    off by the clip. (Keras's own ``softmax``/``sigmoid`` activations also tag
    their outputs with ``_keras_logits``, which works eagerly too; ``tf.nn.softmax``
    does not.)

    NumPy arrays know no producer, so the reference's ``train_step`` and
    ``test_step`` run inside this block, where the two ops file
    ``output -> logits`` and :func:`get_logits` looks them up. Outside it
    nothing is remembered and the cross-entropies see plain probabilities,
    as an eager ``tf.nn.softmax`` output is seen. Only the very array the op
    returned is recognised: a reshape, slice or cast of it is not, exactly as
    a graph's ``Reshape`` or ``Cast`` op hides the ``Softmax`` behind it.
    """
    _logits_scopes.append({})
    try:
        yield
    finally:
        _logits_scopes.pop()


def _remember_logits(output, logits, op_type):
    """File ``output -> logits`` in the innermost ``remember_logits`` block, if any; return ``output``."""
    if _logits_scopes:
        _logits_scopes[-1][id(output)] = (output, logits, op_type)
    return output


def get_logits(output, from_logits, op_type, fn_name):
    """Keras's ``_get_logits``: ``(logits, True)`` if ``output`` came from an ``op_type`` op, else unchanged.

    Args:
        output: the ``y_pred`` given to a cross-entropy.
        from_logits: what the caller said ``output`` holds.
        op_type: ``"Softmax"`` (categorical cross-entropies) or ``"Sigmoid"`` (binary).
        fn_name: the loss's name, for the warning.

    Like Keras, warns when ``from_logits=True`` is passed probabilities that
    a softmax/sigmoid produced (and then uses the logits anyway).
    """
    entry = _logits_scopes[-1].get(id(output)) if _logits_scopes else None
    if entry is None or entry[0] is not output or entry[2] != op_type:
        return output, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was produced by a '
                      f'{op_type} activation and thus does not represent logits. Was this intended?', stacklevel=3)
    return entry[1], True
