"""Losses, mirroring Keras 3 (``keras/src/losses`` and ``backend/tensorflow/nn.py``).

Functions return one value per sample; classes wrap a function and reduce it.
Every step is a recorded op, so a loss computed inside a ``GradientTape`` is
differentiable. Where Keras departs from the textbook formula, so do we:

* **Probabilities are clipped** to ``[ε, 1 - ε]`` with ``ε = 1e-7`` (cast to
  the dtype, so ``1 - ε`` is 0.99999988 in float32) before the log. A
  confident wrong prediction therefore costs at most ``-log(1e-7) ≈ 16.118``.
* **Sparse, from probabilities**, takes ``log(clip(p))`` and feeds it to the
  *logits* kernel, which renormalises: ``loss = -log clip(p)[y] + log Σⱼ clip(p)ⱼ``.
  A row that does not sum to 1 is thereby normalised after clipping.
* **Categorical, from probabilities**, normalises first (``p / Σ p``), then
  clips, then takes ``-Σ y log p``: normalise-then-clip, the other order.
* **From logits** uses the fused, stable ``logsumexp`` kernels.
* Under ``tf.function``, Keras notices that ``y_pred`` came out of a
  ``Softmax`` op and silently uses its input logits instead (``_get_logits``).
  NumPy arrays carry no graph: the reference does the same only inside
  ``ops.remember_logits()``, where ``fit``/``evaluate`` run their steps (see
  :func:`reference.ops.get_logits`). Outside it, pass logits and
  ``from_logits=True`` to reproduce graph mode, probabilities for eager mode.
"""

import numpy as np

from . import config, ops

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _as_array(x, dtype=None):
    """Keep an ndarray's dtype (tape identity intact); convert anything else to ``floatx``."""
    if isinstance(x, np.ndarray) and (dtype is None or x.dtype == dtype):
        return x
    return np.asarray(x, dtype=dtype or config.floatx())


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Cross-entropy of integer labels: ``lossᵢ = -log p̂ᵢ[yᵢ]``, one value per sample.

    Args:
        y_true: integer class ids, shaped like ``y_pred`` without its class
            axis, or with a trailing axis of size 1, e.g. (N,) or (N, 1).
        y_pred: probabilities (``from_logits=False``) or logits, (N, ..., C).
        from_logits: whether ``y_pred`` holds logits.
        axis: the class axis; Keras supports only the last one.

    With probabilities: ``lossᵢ = -log clip(p̂ᵢ)[yᵢ] + log Σⱼ clip(p̂ᵢ)ⱼ``, see the module docstring.
    """
    y_pred, from_logits = ops.get_logits(_as_array(y_pred), from_logits, "Softmax", "sparse_categorical_crossentropy")
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    if y_pred.ndim < 1:
        raise ValueError(f"`y_pred` must have rank >= 1, got shape {y_pred.shape}.")
    if axis not in (-1, y_pred.ndim - 1):
        raise ValueError(f"Only axis=-1 is supported, got axis={axis} for y_pred of rank {y_pred.ndim}.")
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"`y_true` must have the shape of `y_pred` without its last axis: "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    labels = ops.check_sparse_labels(y_true, y_pred.shape[-1], name="y_true")
    if not from_logits:
        eps = config.epsilon()
        y_pred = ops.log(ops.clip_by_value(y_pred, eps, 1 - eps))
    return ops.sparse_softmax_cross_entropy_with_logits(labels, y_pred)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of one-hot (or soft) labels: ``lossᵢ = -Σⱼ yᵢⱼ log p̂ᵢⱼ``.

    Args:
        y_true: targets, the same shape as ``y_pred``.
        y_pred: probabilities (``from_logits=False``) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in [0, 1]: targets become ``y (1 - s) + s / C``.
        axis: the class axis.

    With probabilities, Keras normalises ``p̂ / Σ p̂`` along ``axis`` first, then clips to ``[ε, 1 - ε]``.
    """
    y_pred, from_logits = ops.get_logits(_as_array(y_pred), from_logits, "Softmax", "categorical_crossentropy")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"`axis` must be an int, got axis={axis!r}.")
    if y_true.ndim < 1:
        raise ValueError(f"`y_true` and `y_pred` must have rank >= 1, got shapes {y_true.shape} and {y_pred.shape}.")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    if not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"`axis`={axis} is out of range for y_pred of rank {y_pred.ndim}.")
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1], got {label_smoothing}.")
    if label_smoothing:
        num_classes = y_pred.dtype.type(y_true.shape[-1])
        y_true = y_true * y_pred.dtype.type(1.0 - label_smoothing) + y_pred.dtype.type(label_smoothing) / num_classes
    if from_logits:
        return ops.softmax_cross_entropy_with_logits(y_true, y_pred, axis=axis)
    y_pred = ops.divide(y_pred, ops.reduce_sum(y_pred, axis=axis, keepdims=True))
    eps = config.epsilon()
    y_pred = ops.clip_by_value(y_pred, eps, 1.0 - eps)
    return ops.negative(ops.reduce_sum(ops.multiply(y_true, ops.log(y_pred)), axis=axis))


# --- reduction -------------------------------------------------------------


def _squeeze_or_expand_to_same_rank(values, weights):
    """Keras's rule: if the ranks differ by one and the longer ends in 1, make them match."""
    if weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0] if values.ndim != 1 else weights
        if values.ndim == 1:
            values = ops.reshape(values, values.shape + (1,))
    elif values.ndim == weights.ndim + 1 and values.shape[-1] == 1:
        if weights.ndim == 1:
            weights = weights[:, None]
        else:
            values = ops.reshape(values, values.shape[:-1])
    return values, weights


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weight and reduce per-sample losses exactly as Keras's ``Loss.__call__``.

    * ``values · sample_weight`` (a scalar, or (N,) / (N, 1) aligned by
      Keras's squeeze-or-expand rule);
    * ``"sum"``: ``Σ values``;
    * ``"sum_over_batch_size"`` and ``"mean"``: ``Σ values / values.size``
      (a sum then a division, not ``mean``: the two round differently, and
      zero weights still count in the denominator);
    * ``"mean_with_sample_weight"``: ``Σ values / Σ sample_weight``;
    * ``None``/``"none"``: the weighted values, unreduced.

    Division by zero gives 0 (``divide_no_nan``).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid `reduction`: {reduction!r}. Expected one of {REDUCTIONS}.")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=values.dtype)
        values, sample_weight = _squeeze_or_expand_to_same_rank(values, sample_weight)
        try:
            np.broadcast_shapes(values.shape, sample_weight.shape)
        except ValueError:
            raise ValueError(f"`sample_weight` of shape {sample_weight.shape} does not broadcast to the "
                             f"losses of shape {values.shape}.") from None
        values = ops.multiply(values, sample_weight)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = ops.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = np.sum(sample_weight, dtype=values.dtype)
    else:
        divisor = np.asarray(values.size, dtype=values.dtype)
    if divisor == 0:
        return ops.divide_no_nan(loss, divisor)  # 0 even when the loss is NaN, as Keras's divide_no_nan
    return ops.divide(loss, divisor)


# --- classes ---------------------------------------------------------------


class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` -> a reduced loss.

    Args:
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, or ``None``/``"none"``.
        name: a name for the loss.
        dtype: the dtype of the computation; ``None`` means ``floatx()``.

    Like Keras, the call converts ``y_true`` *and* ``y_pred`` to ``dtype``
    first, so integer labels pass through a float cast.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in REDUCTIONS:
            raise ValueError(f"Invalid `reduction`: {reduction!r}. Expected one of {REDUCTIONS}.")
        self.name = name or type(self).__name__.lower()
        self.reduction = reduction
        self.dtype = config.standardize_dtype(dtype).name

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _as_array(y_pred, self.dtype)
        y_true = _as_array(y_true, self.dtype)
        return reduce_weighted_values(self.call(y_true, y_pred), sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)  # (N,) labels meet (N, 1) outputs
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """:func:`sparse_categorical_crossentropy`, reduced.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, from_logits=False, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits)
        self.from_logits = from_logits


class CategoricalCrossentropy(LossFunctionWrapper):
    """:func:`categorical_crossentropy`, reduced.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; see :func:`categorical_crossentropy`.
        axis: the class axis.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rule for two arrays whose ranks differ by one (``keras.src.losses.loss``).

    If the longer one ends in an axis of size 1, either that axis is dropped
    or, when the shorter one has rank 1 (and ``expand_rank_1``), the shorter
    one gains a trailing axis: labels (N,) meet outputs (N, 1) as (N, 1) and
    (N, 1). Any other pair is returned unchanged. Recorded reshapes, so a
    reshaped ``y_pred`` keeps its gradient.
    """
    rank_1, rank_2 = np.ndim(x1), np.ndim(x2)
    if rank_1 == rank_2 + 1 and np.shape(x1)[-1] == 1:
        if rank_2 == 1 and expand_rank_1:
            x2 = ops.reshape(x2, np.shape(x2) + (1,))
        else:
            x1 = ops.reshape(x1, np.shape(x1)[:-1])
    if rank_2 == rank_1 + 1 and np.shape(x2)[-1] == 1:
        if rank_1 == 1 and expand_rank_1:
            x1 = ops.reshape(x1, np.shape(x1) + (1,))
        else:
            x2 = ops.reshape(x2, np.shape(x2)[:-1])
    return x1, x2


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``: ``mean(-z log p̂ - (1 - z) log(1 - p̂))``.

    Args:
        y_true: targets ``z`` in [0, 1], the same shape as ``y_pred``.
        y_pred: probabilities ``p̂`` (``from_logits=False``) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in [0, 1]: targets become ``z (1 - s) + s / 2``.
        axis: the axis averaged over (Keras's default, the last).

    As Keras computes it (``keras/src/losses/losses.py`` and
    ``backend/tensorflow/nn.py``): from probabilities, ``p̂`` is clipped to
    ``[ε, 1 - ε]`` (ε = 1e-7), so one element costs at most ``-log ε ≈ 16.118``;
    from logits ``x``, the stable ``max(x, 0) - x z + log(1 + e^-|x|)``. One
    value per sample: shape ``y_pred.shape`` without ``axis``.
    """
    y_pred = _as_array(y_pred)
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1], got {label_smoothing}.")
    if label_smoothing:
        dtype = y_pred.dtype.type
        y_true = y_true * dtype(1.0 - label_smoothing) + dtype(0.5 * label_smoothing)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    y_pred, from_logits = ops.get_logits(y_pred, from_logits, "Sigmoid", "binary_crossentropy")
    if from_logits:
        bce = ops.sigmoid_cross_entropy_with_logits(y_true, y_pred)
    else:
        eps = config.epsilon()
        y_pred = ops.clip_by_value(y_pred, eps, 1 - eps)
        one = y_pred.dtype.type(1)
        bce = ops.add(ops.multiply(y_true, ops.log(y_pred)),
                      ops.multiply(one - y_true, ops.log(ops.subtract(one, y_pred))))
        bce = ops.negative(bce)
    return ops.reduce_mean(bce, axis=axis)


def mean_squared_error(y_true, y_pred):
    """``lossᵢ = mean((yᵢ - ŷᵢ)²)`` over the last axis, one value per sample.

    Labels (N,) and outputs (N, 1) are first brought to the same rank by
    :func:`squeeze_or_expand_to_same_rank`, as Keras does; other shapes broadcast.
    """
    y_pred = _as_array(y_pred)
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.reduce_mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


class BinaryCrossentropy(LossFunctionWrapper):
    """:func:`binary_crossentropy`, reduced.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; see :func:`binary_crossentropy`.
        axis: the axis averaged over.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class MeanSquaredError(LossFunctionWrapper):
    """:func:`mean_squared_error`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


ALL_FUNCTIONS = {f.__name__: f for f in (sparse_categorical_crossentropy, categorical_crossentropy,
                                         binary_crossentropy, mean_squared_error)}
ALL_CLASSES = {c.__name__: c for c in (SparseCategoricalCrossentropy, CategoricalCrossentropy,
                                       BinaryCrossentropy, MeanSquaredError)}
ALIASES = {"bce": binary_crossentropy, "BCE": binary_crossentropy,  # Keras's short names
           "mse": mean_squared_error, "MSE": mean_squared_error}


def get(identifier):
    """A loss from a name (function or class name), a ``Loss`` instance, or any callable."""
    if isinstance(identifier, Loss) or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, str):
        if identifier in ALL_FUNCTIONS:
            return ALL_FUNCTIONS[identifier]
        if identifier in ALL_CLASSES:
            return ALL_CLASSES[identifier]()
        if identifier in ALIASES:
            return ALIASES[identifier]
    raise ValueError(f"Unknown loss {identifier!r}. Expected a callable, a Loss, or one of "
                     f"{sorted(ALL_FUNCTIONS) + sorted(ALL_CLASSES) + sorted(ALIASES)}.")
