"""The regression losses, mirroring their part of ``keras/src/losses/losses.py``.

Every function returns one value per sample (the mean, or sum, over the last axis) and is built from
recorded ops of :mod:`reference.ops`, so its gradient is the tape's; the classes reduce it (see
:class:`~reference.losses.loss.Loss`). Labels (N,) meet outputs (N, 1) by Keras's rank rule,
:func:`~reference.losses.loss.squeeze_or_expand_to_same_rank`; integer inputs are converted to ``floatx``
first. Where Keras departs from the textbook formula, the docstring says so.
"""

import numpy as np

from .. import config, ops
from .loss import (LossFunctionWrapper, _as_array, check_broadcastable, convert_y_pred, promoted_by_float32,
                   squeeze_or_expand_to_same_rank)


def _pair(y_true, y_pred, loss, accepts="f"):
    """Keras's prologue: ``y_pred`` as converted (:func:`convert_y_pred`), ``y_true`` in its dtype (a float
    ``y_true`` meeting an integer ``y_pred`` is truncated, as ``tf.cast``), both brought to the same rank."""
    y_pred = convert_y_pred(y_pred, loss, accepts)
    y_true = _as_array(y_true, dtype=y_pred.dtype) if y_pred.dtype.kind != "b" else np.asarray(y_true, dtype=bool)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(y_true, y_pred)
    return y_true, y_pred


def _integer(y_pred):
    """Whether Keras computes this loss in integers: an integer ``y_pred`` in a function form."""
    return y_pred.dtype.kind in "iu"


def _integer_mean(x):
    """Keras's ``ops.mean`` of an integer array: cast to float32 (``result_type(int, "float32")``), then averaged
    over the last axis."""
    return ops.reduce_mean(np.asarray(x).astype(np.float32), axis=-1)


def _true_divide(x, y):
    """TF's ``/`` of two integer tensors: both cast to float32 (8- and 16-bit integers) or float64 (wider), then
    divided, so ``0 / 0`` is NaN and ``x / 0`` is ±inf."""
    dtype = np.float32 if x.dtype.itemsize <= 2 else np.float64
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(x.astype(dtype), y.astype(dtype))


def _epsilon(dtype):
    return np.asarray(config.epsilon(), dtype=dtype)


def mean_squared_error(y_true, y_pred):
    """``lossᵢ = mean((yᵢ - ŷᵢ)²)`` over the last axis, one value per sample.

    Labels (N,) and outputs (N, 1) are first brought to the same rank by
    :func:`squeeze_or_expand_to_same_rank`, as Keras does; other shapes broadcast. An integer ``y_pred``
    (function form) is computed in its integer dtype, ``y`` truncated to it, and averaged in float32.
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error", accepts="fiu")
    if _integer(y_pred):
        return _integer_mean(np.square(y_true - y_pred))
    return ops.reduce_mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``lossᵢ = mean(|yᵢ - ŷᵢ|)`` over the last axis. At ``ŷ = y`` the gradient is 0 (TF's ``sign(0)``).

    An integer ``y_pred`` (function form) is computed in its dtype, as :func:`mean_squared_error` (an unsigned
    difference wraps around and its ``abs`` is the identity, as in TF).
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error", accepts="fiu")
    if _integer(y_pred):
        return _integer_mean(np.abs(y_true - y_pred))
    return ops.reduce_mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``lossᵢ = 100 · mean(|(y - ŷ) / max(|y|, ε)|)`` over the last axis.

    Keras guards the division by clipping the denominator ``|y|`` at ``ε = 1e-7`` from below, so a target of
    0 divides by 1e-7 (a loss of ``1e9·|ŷ|``), not by 0. The factor 100 comes after the mean.

    An integer ``y_pred`` (function form): Keras casts ``ε`` to it, giving 0, and TF's integer ``/`` computes in
    float64 (float32 for 8- and 16-bit integers): a target of 0 gives NaN or inf, and the loss is float64.
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_percentage_error", accepts="fiu")
    if _integer(y_pred):
        ratio = np.abs(_true_divide(y_true - y_pred, np.maximum(np.abs(y_true), y_pred.dtype.type(0))))
        return ratio.dtype.type(100.0) * np.mean(ratio, axis=-1)
    ratio = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), _epsilon(y_pred.dtype)))
    return ops.multiply(y_pred.dtype.type(100.0), ops.reduce_mean(ops.abs(ratio), axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    """``lossᵢ = mean((log(max(ŷ, ε) + 1) - log(max(y, ε) + 1))²)`` over the last axis.

    Keras clips both sides at ``ε`` from below *before* adding 1 (so a negative prediction counts as 1e-7 and
    gets no gradient), and takes ``log(x + 1)``, not ``log1p``: the sum rounds first. Keras makes ``ε`` a
    float32 tensor here, so in float64 the floor is ``float32(1e-7) = 1.0000000116860974e-07``, and float16,
    bfloat16, integer and bool inputs are promoted to float32 (:func:`promoted_by_float32`): the loss is float32.
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_logarithmic_error", accepts="fiub")
    dtype = promoted_by_float32(y_pred.dtype)
    y_true, y_pred = _as_array(y_true, dtype), _as_array(y_pred, dtype)
    eps, one = np.float32(config.epsilon()).astype(dtype), dtype.type(1)
    first_log = ops.log(ops.add(ops.maximum(y_pred, eps), one))
    second_log = ops.log(ops.add(ops.maximum(y_true, eps), one))
    return ops.reduce_mean(ops.square(ops.subtract(first_log, second_log)), axis=-1)


def l2_normalize(x, axis=-1):
    """``x · min(1/√(Σ x²), 1/ε)`` along ``axis``: Keras's ``ops.normalize(x, order=2)``.

    ``rsqrt`` then a cap at ``1/ε = 1e7``, not ``x / max(‖x‖, ε)``: a zero vector stays zero (its loss is 0),
    and a vector shorter than ε is scaled by 1e7, not normalised.
    """
    inv_norm = ops.rsqrt(ops.reduce_sum(ops.square(x), axis=axis, keepdims=True))
    with np.errstate(divide="ignore"):
        return ops.multiply(x, ops.minimum(inv_norm, np.asarray(1.0 / config.epsilon(), dtype=x.dtype)))


def cosine_similarity(y_true, y_pred, axis=-1):
    """``lossᵢ = -Σ normalize(y)·normalize(ŷ)`` along ``axis``: -1 for parallel vectors, 0 for orthogonal ones.

    With Keras's :func:`l2_normalize` (``ε = 1e-7``): a zero vector on either side gives 0, whatever the other.
    """
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    return ops.negative(ops.reduce_sum(ops.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)),
                                       axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """``lossᵢ = mean(½ e²  if |e| <= δ  else  δ|e| - ½ δ²)`` over the last axis, ``e = ŷ - y``.

    The quadratic branch is taken at ``|e| = δ`` exactly (Keras's ``<=``); both branches agree there, value
    and slope. Computed with ``where``, so the branch not taken gets a zero gradient. The branch is chosen on
    the flushed ``|e|`` (TF flushes a subnormal error to 0).

    An integer ``y_pred`` (function form): Keras casts ``δ`` and ``½`` to its dtype (``½`` becomes 0), so the
    loss is ``mean(0 if |e| <= int(δ) else int(δ)·|e|)``, averaged in float32.
    """
    y_true, y_pred = _pair(y_true, y_pred, "huber", accepts="fiu")
    if _integer(y_pred):
        delta = np.asarray(delta).astype(y_pred.dtype)
        abs_error = np.abs(y_pred - y_true)
        return _integer_mean(np.where(abs_error <= delta, 0, delta * abs_error).astype(y_pred.dtype))
    dtype = y_pred.dtype.type
    delta = np.asarray(delta, dtype=y_pred.dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    half = dtype(0.5)
    quadratic = ops.multiply(half, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), half * np.square(delta))
    return ops.reduce_mean(ops.where(ops.flush_subnormal(abs_error) <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """``lossᵢ = mean(log cosh(ŷ - y))`` over the last axis, in Keras's overflow-free form.

    ``log cosh x = x + softplus(-2x) - log 2``: no ``cosh`` (which overflows for ``|x| > 89`` in float32),
    and ``≈ |x| - log 2`` for large ``|x|``, ``≈ x²/2`` for small. Keras computes ``log 2`` as ``ops.log(2.0)``,
    a float32 tensor, so in float64 it is ``float32(log 2)`` (off by 1.9e-8), found by the parity suite.
    """
    y_true, y_pred = _pair(y_true, y_pred, "log_cosh")
    x = ops.subtract(y_pred, y_true)
    log2 = np.log(np.float32(2.0)).astype(y_pred.dtype)
    return ops.reduce_mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, y_pred.dtype.type(-2.0)))), log2),
                           axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """:func:`mean_squared_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """:func:`mean_absolute_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """:func:`mean_absolute_percentage_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """:func:`mean_squared_logarithmic_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """:func:`cosine_similarity`, reduced.

    Args:
        axis: the axis along which the similarity is computed (the features).
        reduction, name, dtype: see :class:`Loss`.

    Like Keras's, ``get_config`` does not include ``axis``.
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)

    def get_config(self):
        return super(LossFunctionWrapper, self).get_config()


class Huber(LossFunctionWrapper):
    """:func:`huber`, reduced.

    Args:
        delta: where the loss turns from quadratic to linear.
        reduction, name, dtype: see :class:`Loss`.

    Like Keras's, the default name is ``"huber_loss"`` and ``get_config`` does not include ``delta``.
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)

    def get_config(self):
        return super(LossFunctionWrapper, self).get_config()


class LogCosh(LossFunctionWrapper):
    """:func:`log_cosh`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)
