"""The probabilistic losses, mirroring their part of ``keras/src/losses/losses.py`` and ``backend/tensorflow/nn.py``:
the cross-entropies (binary, categorical, sparse, their focal forms, the generalized one), KL divergence and Poisson.

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
from .loss import Loss, LossFunctionWrapper, _as_array, check_broadcastable, convert_y_pred, set_keras_mask


def _sparse_crossentropy_kernel(target, output, from_logits, axis):
    """Keras's backend ``sparse_categorical_crossentropy`` (``backend/tensorflow/nn.py``): checks, ``_get_logits``,
    the clip and log of probabilities, then TF's fused logits kernel."""
    if axis not in (-1, np.ndim(output) - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = ops.get_logits(output, from_logits, "Softmax", "sparse_categorical_crossentropy")
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = np.squeeze(target, axis=-1)
    if output.ndim < 1:
        raise ValueError(f"`y_pred` must have rank >= 1, got shape {output.shape}.")
    if target.shape != output.shape[:-1]:
        raise ValueError(f"`y_true` must have the shape of `y_pred` without its last axis: "
                         f"got y_true.shape={target.shape}, y_pred.shape={output.shape}.")
    if target.dtype.kind == "V":                     # bfloat16 labels (a loss's dtype): exact in float32
        target = target.astype(np.float32)
    labels = ops.check_sparse_labels(target, output.shape[-1], name="y_true")
    if not from_logits:
        eps = config.epsilon()
        output = ops.log(ops.clip_by_value(output, eps, 1 - eps))
    return ops.sparse_softmax_cross_entropy_with_logits(labels, output)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy of integer labels: ``lossᵢ = -log p̂ᵢ[yᵢ]``, one value per sample.

    Args:
        y_true: integer class ids, shaped like ``y_pred`` without its class
            axis, or with a class axis of size 1, e.g. (N,) or (N, 1).
        y_pred: probabilities (``from_logits=False``) or logits, (N, ..., C).
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label (e.g. -1 or 255, a segmentation's "void") whose entries get a loss of 0 and
            are left out of the reduction's mean; ``None``: none.
        axis: the class axis; Keras's TensorFlow backend supports only the last one and raises otherwise.

    With probabilities: ``lossᵢ = -log clip(p̂ᵢ)[yᵢ] + log Σⱼ clip(p̂ᵢ)ⱼ``, see the module docstring.

    ``ignore_class``, as Keras does it: ignored labels become 0 and their ``y_pred`` rows 0 (so no gradient
    reaches them), the loss is computed, then set to 0 where ignored, and the valid entries are attached as the
    losses' mask (:func:`~reference.losses.loss.set_keras_mask`): the classes' ``"sum_over_batch_size"``
    then divides by the number of valid entries, not by the batch size. The mask is reshaped to the loss's
    shape, ``y_pred.shape`` without the class axis, so labels (N, 1) against (N, C) work (keras#19825).
    """
    y_pred = convert_y_pred(y_pred, "sparse_categorical_crossentropy")
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return _sparse_crossentropy_kernel(y_true, y_pred, from_logits, axis)
    class_axis = axis % y_pred.ndim
    res_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    valid = y_true != np.asarray(ignore_class).astype(y_pred.dtype)
    y_true = np.where(valid, y_true, 0)
    y_pred = ops.where(np.expand_dims(valid, axis), y_pred, y_pred.dtype.type(0))
    res = _sparse_crossentropy_kernel(y_true, y_pred, from_logits, axis)
    valid = np.reshape(valid, res_shape)
    return set_keras_mask(ops.where(valid, res, res.dtype.type(0)), valid)


def _check_class_axis(y_true, y_pred, axis):
    """Keras's checks of a categorical cross-entropy's inputs (losses.py and the backend's)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"`axis` must be an int, got axis={axis!r}.")
    if y_true.ndim < 1:
        raise ValueError(f"`y_true` and `y_pred` must have rank >= 1, got shapes {y_true.shape} and {y_pred.shape}.")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    if not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"`axis`={axis} is out of range for y_pred of rank {y_pred.ndim}.")


def _smooth_categorical(y_true, label_smoothing, dtype):
    """``y (1 - s) + s / C`` with ``C = y.shape[-1]``, *whatever the class axis*: Keras's rule."""
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1], got {label_smoothing}.")
    if not label_smoothing:
        return y_true
    num_classes = dtype.type(y_true.shape[-1])
    return y_true * dtype.type(1.0 - label_smoothing) + dtype.type(label_smoothing) / num_classes


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of one-hot (or soft) labels: ``lossᵢ = -Σⱼ yᵢⱼ log p̂ᵢⱼ``.

    Args:
        y_true: targets, the same shape as ``y_pred``.
        y_pred: probabilities (``from_logits=False``) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in [0, 1]: targets become ``y (1 - s) + s / C``, where ``C`` is the size of
            the *last* axis even when ``axis`` is another one (Keras's rule).
        axis: the class axis.

    With probabilities, Keras normalises ``p̂ / Σ p̂`` along ``axis`` first, then clips to ``[ε, 1 - ε]``.
    """
    y_pred, from_logits = ops.get_logits(convert_y_pred(y_pred, "categorical_crossentropy"), from_logits,
                                         "Softmax", "categorical_crossentropy")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    _check_class_axis(y_true, y_pred, axis)
    y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    if from_logits:
        return ops.softmax_cross_entropy_with_logits(y_true, y_pred, axis=axis)
    y_pred = ops.divide(y_pred, ops.reduce_sum(y_pred, axis=axis, keepdims=True))
    eps = config.epsilon()
    y_pred = ops.clip_by_value(y_pred, eps, 1.0 - eps)
    return ops.negative(ops.reduce_sum(ops.multiply(y_true, ops.log(y_pred)), axis=axis))


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """Focal cross-entropy: ``lossᵢ = Σⱼ α (1 - p̂ᵢⱼ)^γ · (-yᵢⱼ log p̂ᵢⱼ)`` along ``axis``.

    Args:
        y_true: one-hot (or soft) targets, the same shape as ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits``.
        alpha: the weight ``α``, a scalar or one per class (a list is converted to ``floatx``, as Keras does).
        gamma: the focusing exponent ``γ >= 0``; 0 gives ``α`` times the cross-entropy.
        from_logits, label_smoothing, axis: as in :func:`categorical_crossentropy`.

    Keras's arithmetic: logits go through a softmax (no fused logits path here), then *every* row is
    normalised by its sum and clipped to ``[ε, 1 - ε]``; the focal factor is computed from the clipped ``p̂``.
    """
    y_pred = convert_y_pred(y_pred, "categorical_focal_crossentropy")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    _check_class_axis(y_true, y_pred, axis)
    dtype = y_pred.dtype
    y_true = _smooth_categorical(y_true, label_smoothing, dtype)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = ops.divide(y_pred, ops.reduce_sum(y_pred, axis=axis, keepdims=True))
    eps = config.epsilon()
    output = ops.clip_by_value(output, eps, 1.0 - eps)
    cce = ops.multiply(ops.negative(y_true), ops.log(output))
    modulating = ops.power(ops.subtract(dtype.type(1.0), output), dtype.type(gamma))
    alpha = dtype.type(alpha) if np.ndim(alpha) == 0 else np.asarray(alpha, dtype=config.floatx()).astype(dtype)
    return ops.reduce_sum(ops.multiply(ops.multiply(modulating, alpha), cce), axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu): ``lossᵢ = (1 - p̂ᵢ[yᵢ]^q) / q``.

    Args:
        y_true: integer class ids (N,); floats are truncated to int, as Keras's cast does.
        y_pred: probabilities (N, C), used as given (no clip: ``p = 0`` with ``q < 1`` has an infinite slope,
            and TF's ``pow`` gradient then gives ``-inf`` to the true class and NaN (``inf·0``) to the others).
        q: in (0, 1): ``q → 0`` gives the cross-entropy, ``q → 1`` the mean absolute error.

    A label outside ``[0, C)`` gets an all-zero one-hot row (``tf.one_hot``'s rule), so ``p = 0``: a loss of
    ``1/q``, no error.
    """
    y_pred = _as_array(y_pred)
    labels = np.asarray(y_true).astype(np.int32)
    one_hot = (labels[..., None] == np.arange(y_pred.shape[-1])).astype(y_pred.dtype)
    p = ops.reduce_sum(ops.multiply(y_pred, one_hot), axis=-1)
    q = y_pred.dtype.type(q)
    return ops.divide(ops.subtract(y_pred.dtype.type(1), ops.power(p, q)), q)


def _binary_crossentropy_kernel(target, output, from_logits):
    """Keras's backend ``binary_crossentropy``, element-wise: ``_get_logits``, then the logits kernel or
    ``-(z log clip(p) + (1 - z) log(1 - clip(p)))``."""
    if target.shape != output.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={target.shape}, y_pred.shape={output.shape}.")
    output, from_logits = ops.get_logits(output, from_logits, "Sigmoid", "binary_crossentropy")
    if from_logits:
        return ops.sigmoid_cross_entropy_with_logits(target, output)
    eps = config.epsilon()
    output = ops.clip_by_value(output, eps, 1 - eps)
    one = output.dtype.type(1)
    bce = ops.add(ops.multiply(target, ops.log(output)),
                  ops.multiply(one - target, ops.log(ops.subtract(one, output))))
    return ops.negative(bce)


def _smooth_binary(y_true, label_smoothing):
    """``z (1 - s) + s / 2``: targets squeezed towards 0.5."""
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"`label_smoothing` must be in [0, 1], got {label_smoothing}.")
    if not label_smoothing:
        return y_true
    dtype = y_true.dtype.type
    return y_true * dtype(1.0 - label_smoothing) + dtype(0.5 * label_smoothing)


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
    y_pred = convert_y_pred(y_pred, "binary_crossentropy")
    y_true = _smooth_binary(_as_array(y_true, dtype=y_pred.dtype), label_smoothing)
    return ops.reduce_mean(_binary_crossentropy_kernel(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """Binary focal cross-entropy (Lin et al.): ``mean((1 - pₜ)^γ · w · bce)`` over ``axis``.

    Args:
        y_true: targets ``z`` in [0, 1], the same shape as ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits``.
        apply_class_balancing: multiply by ``w = α z + (1 - α)(1 - z)`` (else ``w = 1``).
        alpha: the weight ``α`` of class 1.
        gamma: the focusing exponent ``γ``.
        from_logits, label_smoothing, axis: as in :func:`binary_crossentropy`.

    ``pₜ = z p + (1 - z)(1 - p)`` is computed from the *unclipped* probability ``p`` (the sigmoid of the
    logits); only the cross-entropy term clips. From logits, that term takes the stable logits kernel, since
    Keras's ``ops.sigmoid`` tags its output with its logits (``_keras_logits``) and the backend's
    ``binary_crossentropy`` finds them.
    """
    y_pred = convert_y_pred(y_pred, "binary_focal_crossentropy")
    dtype = y_pred.dtype.type
    y_true = _smooth_binary(_as_array(y_true, dtype=y_pred.dtype), label_smoothing)
    if from_logits:
        bce = _binary_crossentropy_kernel(y_true, y_pred, from_logits=True)
        y_pred = ops.sigmoid(y_pred)
    else:
        bce = _binary_crossentropy_kernel(y_true, y_pred, from_logits=False)
    one = dtype(1)
    p_t = ops.add(ops.multiply(y_true, y_pred), ops.multiply(one - y_true, ops.subtract(one, y_pred)))
    focal_bce = ops.multiply(ops.power(ops.subtract(one, p_t), dtype(gamma)), bce)
    if apply_class_balancing:
        weight = y_true * dtype(alpha) + (one - y_true) * dtype(1 - alpha)
        focal_bce = ops.multiply(weight, focal_bce)
    return ops.reduce_mean(focal_bce, axis=axis)


def kl_divergence(y_true, y_pred):
    """Kullback–Leibler divergence: ``lossᵢ = Σ y log(y / p̂)`` over the last axis, after clipping *both* to
    ``[ε, 1]``.

    The clip on ``y`` makes ``0 · log 0`` into ``ε log(ε / p̂)`` (tiny, not 0), and the clip on ``p̂`` caps a
    confident mistake; neither side is renormalised.
    """
    y_pred = convert_y_pred(y_pred, "kl_divergence")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    check_broadcastable(y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip_by_value(y_true, eps, 1)
    y_pred = ops.clip_by_value(y_pred, eps, 1)
    return ops.reduce_sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """Poisson negative log-likelihood (up to ``log y!``): ``lossᵢ = mean(p̂ - y log(p̂ + ε))`` over the last axis.

    ``ε = 1e-7`` is *added* inside the log (no clip), so ``p̂ = 0`` costs ``-y log ε``; a negative ``p̂ < -ε``
    gives NaN, as in TF.
    """
    y_pred = convert_y_pred(y_pred, "poisson")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    check_broadcastable(y_true, y_pred)
    eps = np.asarray(config.epsilon(), dtype=y_pred.dtype)
    return ops.reduce_mean(ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, eps)))), axis=-1)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """:func:`sparse_categorical_crossentropy`, reduced.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label whose entries are left out (loss 0, and not counted by the mean).
        axis: the class axis (only the last one, as with Keras's TensorFlow backend).
        reduction, name, dtype: see :class:`Loss`.

    Like Keras's, ``get_config`` does not include ``axis``.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def get_config(self):
        return {**Loss.get_config(self), "from_logits": self.from_logits, "ignore_class": self.ignore_class}


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


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """:func:`binary_focal_crossentropy`, reduced.

    Args:
        apply_class_balancing: weigh class 1 by ``alpha`` and class 0 by ``1 - alpha``.
        alpha: the weight of class 1.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: see :func:`binary_crossentropy`.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction="sum_over_batch_size", name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma

    def get_config(self):
        return {**Loss.get_config(self), "from_logits": self.from_logits, "label_smoothing": self.label_smoothing,
                "axis": self.axis, "apply_class_balancing": self.apply_class_balancing, "alpha": self.alpha,
                "gamma": self.gamma}


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """:func:`categorical_focal_crossentropy`, reduced.

    Args:
        alpha: the class weight, a scalar or one per class.
        gamma: the focusing exponent.
        from_logits, label_smoothing, axis: see :func:`categorical_crossentropy`.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis
        self.alpha, self.gamma = alpha, gamma

    def get_config(self):
        return {**Loss.get_config(self), "from_logits": self.from_logits, "label_smoothing": self.label_smoothing,
                "axis": self.axis, "alpha": self.alpha, "gamma": self.gamma}


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """:func:`categorical_generalized_cross_entropy`, reduced.

    Args:
        q: the noise parameter in (0, 1) (open, as Keras checks); Keras's default is 0.5.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"`q` must be in the interval (0, 1). Received: q={q}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name, dtype=dtype, q=q)
        self.q = q


class KLDivergence(LossFunctionWrapper):
    """:func:`kl_divergence`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """:func:`poisson`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)
