"""The cross-entropies, mirroring their part of ``keras/src/losses/losses.py`` and ``backend/tensorflow/nn.py``.

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

from .. import config, ops
from .loss import LossFunctionWrapper, _as_array


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
