"""The regression losses, mirroring their part of ``keras/src/losses/losses.py``.

Every function returns one value per sample (the mean, or sum, over the last axis) and is built from
recorded ops of :mod:`reference.ops`, so its gradient is the tape's; the classes reduce it (see
:class:`~reference.losses.loss.Loss`). Labels (N,) meet outputs (N, 1) by Keras's rank rule,
:func:`~reference.losses.loss.squeeze_or_expand_to_same_rank`; integer inputs are converted to ``floatx``
first. Where Keras departs from the textbook formula, the docstring says so.
"""

import numpy as np

from .. import config, ops
from .loss import LossFunctionWrapper, _as_array, convert_y_pred, promoted_by_float32, squeeze_or_expand_to_same_rank
from ..utils.numerical_utils import normalize


def _pair(y_true, y_pred, loss, accepts="f"):
    """Keras's prologue: ``y_pred`` as converted (:func:`convert_y_pred`), ``y_true`` in its dtype (a float
    ``y_true`` meeting an integer ``y_pred`` is truncated, as ``tf.cast``), both brought to the same rank."""
    y_pred = convert_y_pred(y_pred, loss, accepts)
    y_true = _as_array(y_true, dtype=y_pred.dtype) if y_pred.dtype.kind != "b" else np.asarray(y_true, dtype=bool)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    ops.check_broadcastable(y_true, y_pred, "y_true", "y_pred")
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
    r"""Mean squared error over the last axis, one value per sample.

    Labels (N,) and outputs (N, 1) are first brought to the same rank by
    :func:`squeeze_or_expand_to_same_rank`, as Keras does; other shapes broadcast. An integer ``y_pred``
    (function form) is computed in its integer dtype, ``y`` truncated to it, and averaged in float32.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \big(y_{ij} - \hat y_{ij}\big)^2
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $d$ the size of the last axis and $j$ runs along it.

    Keras vs the textbook:

    * Keras computes the usual formula, per sample. Only the rank rule is its own: labels (N,) against outputs
      (N, 1) are paired element by element, where NumPy broadcasting would give an (N, N) table.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.mean_squared_error(np.float32([[0., 1.]]), np.float32([[1., 1.]]))[0])   # (1² + 0²) / 2
    0.5
    >>> rk.losses.mean_squared_error(np.float32([1., 2.]), np.float32([[1.], [4.]]))   # (N,) meets (N, 1): 0², 2²
    array([0., 4.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error", accepts="fiu")
    if _integer(y_pred):
        return _integer_mean(np.square(y_true - y_pred))
    return ops.reduce_mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    r"""Mean absolute error over the last axis, one value per sample. At ``ŷ = y`` the gradient is 0 (TF's ``sign(0)``).

    An integer ``y_pred`` (function form) is computed in its dtype, as :func:`mean_squared_error` (an unsigned
    difference wraps around and its ``abs`` is the identity, as in TF).

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \big|y_{ij} - \hat y_{ij}\big|
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $d$ the size of the last axis and $j$ runs along it.

    Keras vs the textbook:

    * Keras computes the usual formula, with the subgradient 0 at the kink $\hat y = y$ and the rank rule of
      :func:`mean_squared_error`.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.mean_absolute_error(np.float32([[0., 2.]]), np.float32([[1., 2.]]))[0])   # (1 + 0) / 2
    0.5
    >>> y_pred = np.float32([[2.]])
    >>> with rk.GradientTape() as tape:
    ...     tape.watch(y_pred)
    ...     loss = rk.losses.mean_absolute_error(np.float32([[2.]]), y_pred)
    >>> tape.gradient(loss, y_pred)   # at the kink: -sign(0) = -0.0, as TF's
    array([[-0.]], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error", accepts="fiu")
    if _integer(y_pred):
        return _integer_mean(np.abs(y_true - y_pred))
    return ops.reduce_mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    r"""Mean absolute percentage error over the last axis, one value per sample.

    An integer ``y_pred`` (function form): Keras casts ``ε`` to it, giving 0, and TF's integer ``/`` computes in
    float64 (float32 for 8- and 16-bit integers): a target of 0 gives NaN or inf, and the loss is float64.

    Formula:

    $$
    \mathrm{loss}_i = 100 \cdot \frac{1}{d} \sum_{j=1}^{d}
    \frac{\big|y_{ij} - \hat y_{ij}\big|}{\max(|y_{ij}|, \epsilon)}
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $d$ the size of the last axis and $\epsilon$ =
    ``keras.config.epsilon()`` $= 10^{-7}$, cast to the dtype.

    Keras vs the textbook:

    * The textbook's ratio is undefined at $y = 0$; Keras clips the denominator $|y|$ at $\epsilon$ from below, so
      a target of 0 divides by $10^{-7}$: a loss of $10^9 \cdot |\hat y|$, not an error. The factor 100 comes after
      the mean.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, y_pred = np.float32([[2., 4.]]), np.float32([[1., 5.]])
    >>> float(rk.losses.mean_absolute_percentage_error(y, y_pred)[0])   # 100 · (1/2 + 1/4) / 2
    37.5
    >>> float(rk.losses.mean_absolute_percentage_error(np.float32([[0.]]), np.float32([[0.5]]))[0])   # 100 · ½ / ε
    500000000.0
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_percentage_error", accepts="fiu")
    if _integer(y_pred):
        ratio = np.abs(_true_divide(y_true - y_pred, np.maximum(np.abs(y_true), y_pred.dtype.type(0))))
        return ratio.dtype.type(100.0) * np.mean(ratio, axis=-1)
    ratio = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), _epsilon(y_pred.dtype)))
    return ops.multiply(y_pred.dtype.type(100.0), ops.reduce_mean(ops.abs(ratio), axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    r"""Mean squared logarithmic error over the last axis, one value per sample.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \Big(\log\big(\max(\hat y_{ij}, \epsilon) + 1\big)
    - \log\big(\max(y_{ij}, \epsilon) + 1\big)\Big)^2
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $d$ the size of the last axis and $\epsilon$ =
    ``keras.config.epsilon()`` $= 10^{-7}$ *as a float32*: in float64 the floor is
    $\mathrm{float32}(10^{-7}) = 1.0000000116860974 \cdot 10^{-7}$, and float16, bfloat16, integer and bool inputs
    are promoted to float32 (:func:`promoted_by_float32`), so the loss is float32.

    Keras vs the textbook:

    * The textbook's $(\log(1 + \hat y) - \log(1 + y))^2$ is defined for $\hat y > -1$. Keras clips both sides at
      $\epsilon$ *before* adding 1: every prediction below $\epsilon$, negative ones included, counts as $\epsilon$
      and gets no gradient.
    * It takes $\log(x + 1)$, not ``log1p``: the sum rounds first, so in float32 the floor's log is
      $\log(1 + 2^{-23}) = 1.19 \cdot 10^{-7}$, not $10^{-7}$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> msle = rk.losses.mean_squared_logarithmic_error
    >>> np.round(msle(np.float32([[1.]]), np.float32([[3.]])), 6)   # (log 4 - log 2)²
    array([0.480453], dtype=float32)
    >>> float(msle(np.float32([[0.]]), np.float32([[-5.]]))[0])   # -5 counts as ε
    0.0
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_logarithmic_error", accepts="fiub")
    dtype = promoted_by_float32(y_pred.dtype)
    y_true, y_pred = _as_array(y_true, dtype), _as_array(y_pred, dtype)
    eps, one = ops.keras_cast(config.epsilon(), dtype), dtype.type(1)
    first_log = ops.log(ops.add(ops.maximum(y_pred, eps), one))
    second_log = ops.log(ops.add(ops.maximum(y_true, eps), one))
    return ops.reduce_mean(ops.square(ops.subtract(first_log, second_log)), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    r"""Negative cosine similarity along ``axis``, one value per sample: -1 for parallel vectors, 0 for orthogonal ones.

    Formula:

    $$
    \mathrm{loss}_i = -\sum_{j} n(y_i)_j\, n(\hat y_i)_j,
    \qquad n(v) = v \cdot \min\Big(\frac{1}{\sqrt{\sum_j v_j^2}},\ \frac{1}{\epsilon}\Big)
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $j$ runs along ``axis``, and $n$ is Keras's
    ``ops.normalize(order=2)`` (:func:`~reference.utils.numerical_utils.normalize`) with
    $\epsilon$ = ``keras.config.epsilon()`` $= 10^{-7}$.

    Keras vs the textbook:

    * The cosine $y \cdot \hat y / (\lVert y \rVert \lVert \hat y \rVert)$ is undefined for a zero vector; Keras's
      normalisation caps $1/\lVert v \rVert$ at $1/\epsilon = 10^7$, so a zero vector on either side gives 0 (as
      ``-0.0``), and a vector shorter than $\epsilon$ is scaled by $10^7$, not normalised.
    * The loss is the *negative* cosine, in $[-1, 1]$: minimising it aligns the vectors.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, y_pred = np.float32([[1., 0.], [0., 1.], [0., 0.]]), np.float32([[2., 0.], [3., 0.], [1., 0.]])
    >>> rk.losses.cosine_similarity(y, y_pred) + 0.0   # parallel, orthogonal, a zero vector (-0.0 without the + 0.0)
    array([-1.,  0.,  0.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    return ops.negative(ops.reduce_sum(ops.multiply(normalize(y_true, axis), normalize(y_pred, axis)), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    r"""Huber loss over the last axis, one value per sample: quadratic for errors up to ``δ``, linear beyond.

    The branch is chosen with ``where``, so the branch not taken gets a zero gradient, and on the flushed
    ``|e|`` (TF flushes a subnormal error to 0). An integer ``y_pred`` (function form): Keras casts ``δ`` and ``½``
    to its dtype (``½`` becomes 0), so the loss is ``mean(0 if |e| <= int(δ) else int(δ)·|e|)``, averaged in float32.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} h(e_{ij}),
    \qquad h(e) = \begin{cases} \tfrac12 e^2 & |e| \le \delta \\
    \delta |e| - \tfrac12 \delta^2 & |e| > \delta \end{cases},
    \qquad e = \hat y - y
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $\delta$ is ``delta`` and $d$ the size of the last axis.

    Keras vs the textbook:

    * Keras computes Huber's (1964) function, averaged over the last axis, with the quadratic branch at
      $|e| = \delta$ exactly (where both branches agree, in value and slope).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.huber(np.float32([[0., 0.]]), np.float32([[0.5, 3.]]))[0])   # (½ · ½² + (3 - ½)) / 2
    1.3125
    >>> float(rk.losses.huber(np.float32([[0.]]), np.float32([[1.]]))[0])   # |e| = δ: ½ · 1² = 1 · 1 - ½
    0.5

    Args:
        y_true, y_pred: the targets and predictions.
        delta: ``δ``, where the loss turns from quadratic to linear.
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
    r"""Logarithm of the hyperbolic cosine of the error, averaged over the last axis, in Keras's overflow-free form.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \Big(e_{ij} + \mathrm{softplus}(-2 e_{ij}) - \log 2\Big),
    \qquad e = \hat y - y, \quad \mathrm{softplus}(x) = \log(1 + e^x)
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred`` and $d$ the size of the last axis. This is
    $\log \cosh e = \log\big((e^e + e^{-e})/2\big)$: $\approx e^2/2$ for small $|e|$, $\approx |e| - \log 2$ for
    large. Keras computes $\log 2$ as ``ops.log(2.0)``, a float32, so in float64 it is $\mathrm{float32}(\log 2)$.

    Keras vs the textbook:

    * The same function as $\log \cosh$, computed without ``cosh``, which overflows for $|e| > 89$ in float32.
    * In float64, $\log 2$ is the float32 one: a perfect prediction costs $\log 2 - \mathrm{float32}(\log 2)
      \approx -1.9 \cdot 10^{-9}$, not 0.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.float32([[0.]]), np.float32([[100.]])
    >>> np.round(rk.losses.log_cosh(y_true, y_pred), 4)   # 100 - log 2; log(cosh(100)) is inf in float32
    array([99.3069], dtype=float32)
    >>> loss = rk.losses.log_cosh(np.zeros((1, 1)), np.zeros((1, 1)))   # float64
    >>> bool(loss[0] == np.log(2.0) - np.float32(np.log(2.0)))   # not 0
    True
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
    r""":func:`huber`, reduced.

    Formula:

    $$
    L = \frac{1}{N} \sum_{i=1}^{N} w_i\, \mathrm{huber}_\delta(y_i, \hat y_i)
    $$

    with the default ``reduction``, where $\mathrm{huber}_\delta(y_i, \hat y_i)$ is the per-sample loss of
    [huber](huber.md) (quadratic up to $\delta$, linear beyond, averaged over the last axis), $w_i$ the
    ``sample_weight`` (1 without) and $N$ the number of samples; the other reductions are those of
    [Loss](Loss.md).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, y_pred = np.float32([[0., 0.], [0., 0.]]), np.float32([[0.5, 3.], [1., 1.]])
    >>> float(rk.losses.Huber(delta=1.0)(y, y_pred))   # samples 1.3125 and 0.5 (|e| = δ: ½ · 1²), averaged
    0.90625

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
