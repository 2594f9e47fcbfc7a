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
  ``logits.remember_logits()``, where ``fit``/``evaluate`` run their steps (see
  :func:`reference.logits.get_logits`). Outside it, pass logits and
  ``from_logits=True`` to reproduce graph mode, probabilities for eager mode.
"""

import numpy as np

from .. import config, logits, ops
from .loss import Loss, LossFunctionWrapper, _as_array, convert_y_pred, float_result_type, set_keras_mask


def _sparse_crossentropy_kernel(target, output, from_logits, axis):
    """Keras's backend ``sparse_categorical_crossentropy`` (``backend/tensorflow/nn.py``): checks, ``_get_logits``,
    the clip and log of probabilities, then TF's fused logits kernel."""
    if axis not in (-1, np.ndim(output) - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = logits.get_logits(output, from_logits, "Softmax", "sparse_categorical_crossentropy")
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
    r"""Cross-entropy of integer labels, one value per sample: the ``-log`` of the probability of the true class.

    Labels (N,) or (N, 1) meet outputs (N, C). From probabilities, Keras clips them and hands their ``log`` to the
    *logits* kernel, which renormalises: a row that does not sum to 1 is scored as if divided by its sum.

    Formula:

    $$
    \mathrm{loss}_i =
    \begin{cases}
    -\log \mathrm{clip}(p_{i y_i}) + \log \sum_{j=1}^{C} \mathrm{clip}(p_{ij}) & \text{from probabilities } p \\[2pt]
    -x_{i y_i} + \log \sum_{j=1}^{C} e^{x_{ij}} & \text{from logits } x
    \end{cases},
    \qquad \mathrm{clip}(p) = \min\big(\max(p, \epsilon),\, 1 - \epsilon\big)
    $$

    where $y_i$ is the integer label of ``y_true`` for sample $i$, $p$ (or the logits $x$, with ``from_logits=True``)
    is ``y_pred``, $C$ the size of its last axis, and $\epsilon$ = ``keras.config.epsilon()`` $= 10^{-7}$, cast to
    the dtype (in float32 $1 - \epsilon$ rounds to $1 - 2^{-23}$). With ``ignore_class`` $= c$, a sample with
    $y_i = c$ gets $\mathrm{loss}_i = 0$ and the class's mean divides by the number of the other samples.

    Keras vs the textbook:

    * The usual cross-entropy is $-\log p_{iy_i}$ of a distribution. Keras clips to $[\epsilon, 1 - \epsilon]$ (a
      confident mistake costs at most $-\log \epsilon = 16.118$, and a clipped probability gets no gradient), then
      *renormalises*: the clipped row is divided by its sum (``categorical_crossentropy`` divides *before* clipping).
    * Under ``tf.function`` (and so in ``fit``), a ``y_pred`` that comes out of a ``Softmax`` op is replaced by its
      logits (Keras's ``_get_logits``): no clip at all. The reference does this inside ``logits.remember_logits()``.
    * ``ignore_class``: the ignored entries get loss 0 *and* a mask, so the reduction's mean is over the valid
      entries only, not over the batch.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> p = np.float32([[0.5, 0.5], [0.25, 0.25], [1.0, 0.0]])
    >>> # log 2; the row summing to ½ renormalised (not -log ¼); clipped: -log ε + log(ε + 1 - ε)
    >>> np.round(rk.losses.sparse_categorical_crossentropy(np.int32([1, 1, 1]), p), 6)
    array([ 0.693147,  0.693147, 16.118095], dtype=float32)
    >>> loss = rk.losses.SparseCategoricalCrossentropy(ignore_class=-1)
    >>> np.round(loss(np.int32([1, -1]), p[:2]), 6)   # the mean over the valid sample: log 2, not (log 2) / 2
    np.float32(0.693147)

    Args:
        y_true: integer class ids, shaped like ``y_pred`` without its class
            axis, or with a class axis of size 1, e.g. (N,) or (N, 1).
        y_pred: probabilities (``from_logits=False``) or logits, (N, ..., C).
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label (e.g. -1 or 255, a segmentation's "void") whose entries get a loss of 0 and
            are left out of the reduction's mean; ``None``: none.
        axis: the class axis; Keras's TensorFlow backend supports only the last one and raises otherwise.

    ``ignore_class``, as Keras does it: ignored labels become 0 and their ``y_pred`` rows 0 (so no gradient
    reaches them), the loss is computed, then set to 0 where ignored, and the valid entries are attached as the
    losses' mask (:func:`~reference.losses.loss.set_keras_mask`): the classes' ``"sum_over_batch_size"``
    then divides by the number of valid entries, not by the batch size. The mask is reshaped to the loss's
    shape, ``y_pred.shape`` without the class axis, so labels (N, 1) against (N, C) work.
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
    r"""Cross-entropy of one-hot (or soft) labels, one value per sample: ``-Σ y log p`` along the class axis.

    Formula:

    $$
    \mathrm{loss}_i =
    \begin{cases}
    -\sum_{j} \tilde y_{ij} \log \mathrm{clip}\Big(\dfrac{p_{ij}}{\sum_k p_{ik}}\Big)
    & \text{from probabilities } p \\[6pt]
    -\sum_{j} \tilde y_{ij} \Big(x_{ij} - \log \sum_k e^{x_{ik}}\Big) & \text{from logits } x
    \end{cases},
    \qquad \tilde y = y\,(1 - s) + \frac{s}{C}
    $$

    where $y$ is ``y_true``, $p$ (or the logits $x$, with ``from_logits=True``) is ``y_pred``, $j$ and $k$ run over
    ``axis``, $s$ is ``label_smoothing``, $C$ the size of the *last* axis, and
    $\mathrm{clip}(p) = \min(\max(p, \epsilon), 1 - \epsilon)$ with $\epsilon$ = ``keras.config.epsilon()``
    $= 10^{-7}$ cast to the dtype.

    Keras vs the textbook:

    * From probabilities Keras first divides by the row's sum (so the row need not sum to 1), then clips to
      $[\epsilon, 1 - \epsilon]$: a confident mistake costs at most $-\log \epsilon = 16.118$ and gets no gradient
      through the clipped entry. ``sparse_categorical_crossentropy`` takes the other order (clip, then normalise).
    * Label smoothing divides by the size of the last axis even when ``axis`` is another one.
    * Under ``tf.function`` (and so in ``fit``), a ``y_pred`` that comes out of a ``Softmax`` op is replaced by its
      logits (Keras's ``_get_logits``): no clip at all. The reference does this inside ``logits.remember_logits()``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y = np.float32([[0., 1.], [0., 1.], [0., 1.]])
    >>> p = np.float32([[0.5, 0.5], [1., 1.], [1., 0.]])
    >>> np.round(rk.losses.categorical_crossentropy(y, p), 6)   # log 2; [1, 1] normalised first; -log ε
    array([ 0.693147,  0.693147, 16.118095], dtype=float32)
    >>> np.round(rk.losses.categorical_crossentropy(y[:1], p[:1], label_smoothing=1.0), 6)   # ỹ = (½, ½)
    array([0.693147], dtype=float32)

    Args:
        y_true: targets, the same shape as ``y_pred``.
        y_pred: probabilities (``from_logits=False``) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in [0, 1]: targets become ``y (1 - s) + s / C``, where ``C`` is the size of
            the *last* axis even when ``axis`` is another one (Keras's rule).
        axis: the class axis.
    """
    y_pred, from_logits = logits.get_logits(convert_y_pred(y_pred, "categorical_crossentropy"), from_logits,
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
    r"""Focal cross-entropy of one-hot (or soft) labels, one value per sample: each class's cross-entropy term scaled by
    ``α (1 - p)^γ``.

    Formula:

    $$
    \mathrm{loss}_i = \sum_{j} \alpha_j\, (1 - q_{ij})^{\gamma} \big(-\tilde y_{ij} \log q_{ij}\big),
    \qquad q_{ij} = \mathrm{clip}\Big(\frac{p_{ij}}{\sum_k p_{ik}}\Big),
    \qquad \tilde y = y\,(1 - s) + \frac{s}{C}
    $$

    where $y$ is ``y_true``; $p$ is ``y_pred`` (probabilities), or $\mathrm{softmax}(x)$ of the logits $x$ with
    ``from_logits=True``; $j$ and $k$ run over ``axis``; $\alpha_j$ is ``alpha`` (a scalar, or one per class along
    the last axis); $\gamma$ is ``gamma``; $s$ is ``label_smoothing``, $C$ the size of the last axis; and
    $\mathrm{clip}(q) = \min(\max(q, \epsilon), 1 - \epsilon)$ with $\epsilon = 10^{-7}$.

    Keras vs the textbook:

    * Lin et al. (2017, "Focal Loss for Dense Object Detection", eq. 5) define
      $\mathrm{FL}(p_t) = -\alpha_t (1 - p_t)^\gamma \log p_t$ for two classes; for one-hot labels Keras's sum is that
      loss of the true class. Keras *always* applies ``alpha``: with the default 0.25, ``gamma=0`` gives
      $0.25 \times$ the cross-entropy, not the cross-entropy.
    * The focal factor is computed from the normalised, *clipped* probability; from logits there is no fused
      log-softmax: the softmax's probabilities are clipped too, so a confident mistake costs at most
      $\alpha \cdot 16.118$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, p = np.float32([[0., 1.]]), np.float32([[0.5, 0.5]])
    >>> np.round(rk.losses.categorical_focal_crossentropy(y, p), 6)   # 0.25 · (1 - ½)² · log 2
    array([0.043322], dtype=float32)
    >>> np.round(rk.losses.categorical_focal_crossentropy(y, p, gamma=0.0), 6)   # 0.25 · log 2: α stays
    array([0.173287], dtype=float32)

    Args:
        y_true: one-hot (or soft) targets, the same shape as ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits``.
        alpha: the weight ``α``, a scalar or one per class. A scalar takes ``y_pred``'s dtype; an array is
            multiplied in as Keras's ``ops.multiply`` does, in the wider of the two dtypes
            (:func:`~reference.losses.loss.float_result_type`), a list being a float32 tensor to TF: float16 and
            bfloat16 losses with a list ``alpha`` are float32.
        gamma: the focusing exponent ``γ >= 0``; 0 gives ``α`` times the cross-entropy.
        from_logits, label_smoothing, axis: as in :func:`categorical_crossentropy`.
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
    if np.ndim(alpha) == 0:
        return ops.reduce_sum(ops.multiply(ops.multiply(modulating, dtype.type(alpha)), cce), axis=axis)
    alpha = alpha if isinstance(alpha, np.ndarray) else np.asarray(alpha, dtype=np.float32)   # convert_to_tensor
    dtype = float_result_type(dtype, alpha.dtype)
    alpha = alpha.astype(dtype)
    weighting = ops.multiply(ops.cast(modulating, dtype), alpha)
    return ops.reduce_sum(ops.multiply(weighting, ops.cast(cce, dtype)), axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    r"""Generalized cross-entropy (Zhang & Sabuncu, 2018), one value per sample: ``(1 - p^q) / q`` of the true class's
    probability.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1 - p_{i y_i}^{\,q}}{q}
    $$

    where $y_i$ is the integer label of ``y_true`` for sample $i$ (cast to an integer), $p$ is ``y_pred``
    (probabilities, used as given) and $q$ is ``q``. $q \to 0$ gives the cross-entropy $-\log p_{iy_i}$, $q = 1$
    the mean absolute error $1 - p_{iy_i}$.

    Keras vs the textbook:

    * Keras computes Zhang & Sabuncu's $\mathcal{L}_q$ (2018, "Generalized Cross Entropy Loss for Training Deep
      Neural Networks with Noisy Labels", eq. 6), not its truncated form (eq. 9).
    * No clip: $p = 0$ gives $1/q$ with an infinite slope (the gradient is $-\infty$ for the true class, and NaN,
      $\infty \cdot 0$, for the others).
    * A label outside $[0, C)$ gets an all-zero one-hot row (``one_hot``'s rule), so $p = 0$ and the loss is
      $1/q$, without an error. Only the class checks $0 < q < 1$; the function computes NaN at $q = 0$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> p = np.float32([[0.25, 0.75], [1.0, 0.0]])
    >>> rk.losses.categorical_generalized_cross_entropy(np.int32([0, 1]), p, q=0.5)   # (1 - √¼) / ½; p = 0: 1 / q
    array([1., 2.], dtype=float32)
    >>> rk.losses.categorical_generalized_cross_entropy(np.int32([5, 5]), p, q=0.5)   # no class 5: p = 0
    array([2., 2.], dtype=float32)

    Args:
        y_true: integer class ids (N,); floats are truncated to int, as Keras's cast does.
        y_pred: probabilities (N, C), used as given.
        q: in (0, 1): ``q → 0`` gives the cross-entropy, ``q → 1`` the mean absolute error.
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
    output, from_logits = logits.get_logits(output, from_logits, "Sigmoid", "binary_crossentropy")
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
    r"""Binary cross-entropy, averaged over ``axis``: one value per sample.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \mathrm{bce}(\tilde z_{ij}, \hat y_{ij}),
    \qquad \tilde z = z\,(1 - s) + \frac{s}{2}
    $$

    $$
    \mathrm{bce}(z, \hat y) =
    \begin{cases}
    -\,z \log \mathrm{clip}(\hat y) - (1 - z) \log\big(1 - \mathrm{clip}(\hat y)\big)
    & \text{from probabilities} \\[2pt]
    \max(\hat y, 0) - \hat y\, z + \log\big(1 + e^{-|\hat y|}\big) & \text{from logits}
    \end{cases},
    \qquad \mathrm{clip}(p) = \min\big(\max(p, \epsilon),\, 1 - \epsilon\big)
    $$

    where $z$ is ``y_true`` (targets in [0, 1]), $\hat y$ is ``y_pred`` (probabilities, or logits with
    ``from_logits=True``), $s$ is ``label_smoothing``, $d$ the size of ``axis`` and $j$ runs along it, and
    $\epsilon$ = ``keras.config.epsilon()`` $= 10^{-7}$, cast to the dtype: in float32 $1 - \epsilon$ rounds to
    $1 - 2^{-23} = 0.99999988$. The logits branch is $-z \log \sigma(\hat y) - (1 - z)\log(1 - \sigma(\hat y))$,
    written so that it neither overflows nor clips.

    Keras vs the textbook:

    * From probabilities, Keras clips to $[\epsilon, 1 - \epsilon]$ before the logs: one element costs at most
      $-\log \epsilon = 16.118095$ (a prediction of 0 for a target 1) but $-\log 2^{-23} = 23 \log 2 = 15.942385$
      (a prediction of 1 for a target 0), because $1 - \epsilon$ rounds in float32; a clipped prediction gets no
      gradient.
    * Label smoothing squeezes the targets towards ½, not towards $1/C$.
    * The elements are *averaged* over the last axis, not summed.
    * Under ``tf.function`` (and so in ``fit``), a ``y_pred`` that comes out of a ``Sigmoid`` op is replaced by its
      logits (Keras's ``_get_logits``): no clip at all. The reference does this inside ``logits.remember_logits()``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> np.round(rk.losses.binary_crossentropy(np.float32([[1.]]), np.float32([[0.5]])), 6)   # log 2
    array([0.693147], dtype=float32)
    >>> z, p = np.float32([[1., 0.]]), np.float32([[0., 1.]])
    >>> np.round(rk.losses.binary_crossentropy(z, p), 6)   # (-log ε + 23 log 2) / 2: the clip is not symmetric
    array([16.03024], dtype=float32)
    >>> np.round(rk.losses.binary_crossentropy(z, np.float32([[0., 0.]]), from_logits=True), 6)   # logits 0: log 2
    array([0.693147], dtype=float32)

    Args:
        y_true: targets ``z`` in [0, 1], the same shape as ``y_pred``.
        y_pred: probabilities (``from_logits=False``) or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: ``s`` in [0, 1]: targets become ``z (1 - s) + s / 2``.
        axis: the axis averaged over (Keras's default, the last).
    """
    y_pred = convert_y_pred(y_pred, "binary_crossentropy")
    y_true = _smooth_binary(_as_array(y_true, dtype=y_pred.dtype), label_smoothing)
    return ops.reduce_mean(_binary_crossentropy_kernel(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    r"""Binary focal cross-entropy (Lin et al., 2017), averaged over ``axis``: the binary cross-entropy of each element
    scaled by ``(1 - pₜ)^γ``, and by a class weight if asked.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d}
    w_{ij}\, (1 - p_{t,ij})^{\gamma}\, \mathrm{bce}(\tilde z_{ij}, \hat y_{ij}),
    \qquad p_t = \tilde z\, p + (1 - \tilde z)(1 - p)
    $$

    $$
    w = \begin{cases} \alpha\, \tilde z + (1 - \alpha)(1 - \tilde z) & \text{if } \texttt{apply\_class\_balancing} \\
    1 & \text{otherwise} \end{cases}
    $$

    where $\mathrm{bce}$, the smoothed target $\tilde z$ and $d$ are those of
    [binary_crossentropy](binary_crossentropy.md) (the clipped cross-entropy of probabilities, or the stable one of
    logits); $p$ is ``y_pred``, or $\sigma(\hat y)$ of the logits with ``from_logits=True``, *unclipped*; $\gamma$ is
    ``gamma`` and $\alpha$ is ``alpha``.

    Keras vs the textbook:

    * Lin et al. (2017, "Focal Loss for Dense Object Detection", eq. 5):
      $\mathrm{FL}(p_t) = -\alpha_t (1 - p_t)^\gamma \log p_t$. Keras leaves $\alpha_t$ out by default
      (``apply_class_balancing=False``), though ``alpha=0.25`` is passed.
    * The focal factor uses the *unclipped* probability while the log term clips: a prediction of 1 for a target 0
      has factor $(1 - 0)^\gamma = 1$ and costs $23 \log 2 = 15.942385$ in float32 (see binary_crossentropy).
    * With smoothed or soft targets, $p_t$ and bce interpolate between the two classes; the paper defines them for
      $z \in \{0, 1\}$. The elements are averaged over the last axis, not summed.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> half = np.float32([[0.5]])
    >>> np.round(rk.losses.binary_focal_crossentropy(np.float32([[1.]]), half), 6)   # (1 - ½)² · log 2
    array([0.173287], dtype=float32)
    >>> # class 0 weighs 1 - α: 0.75 · (1 - ½)² · log 2
    >>> np.round(rk.losses.binary_focal_crossentropy(np.float32([[0.]]), half, apply_class_balancing=True), 6)
    array([0.129965], dtype=float32)
    >>> np.round(rk.losses.binary_focal_crossentropy(np.float32([[0.]]), np.float32([[1.]])), 6)   # 1 · 23 log 2
    array([15.942385], dtype=float32)

    Args:
        y_true: targets ``z`` in [0, 1], the same shape as ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits``.
        apply_class_balancing: multiply by ``w = α z + (1 - α)(1 - z)`` (else ``w = 1``).
        alpha: the weight ``α`` of class 1.
        gamma: the focusing exponent ``γ``.
        from_logits, label_smoothing, axis: as in :func:`binary_crossentropy`.

    From logits, the cross-entropy term takes the stable logits kernel, since Keras's ``ops.sigmoid`` tags its output
    with its logits (``_keras_logits``) and the backend's ``binary_crossentropy`` finds them.
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
    r"""Kullback–Leibler divergence of ``y_pred`` from ``y_true``, summed over the last axis, after clipping *both* to
    ``[ε, 1]``.

    Formula:

    $$
    \mathrm{loss}_i = \sum_{j=1}^{d} \bar y_{ij} \log \frac{\bar y_{ij}}{\bar p_{ij}},
    \qquad \bar y = \min(\max(y, \epsilon), 1), \quad \bar p = \min(\max(\hat y, \epsilon), 1)
    $$

    where $y$ is ``y_true``, $\hat y$ is ``y_pred``, $d$ the size of the last axis and $\epsilon$ =
    ``keras.config.epsilon()`` $= 10^{-7}$.

    Keras vs the textbook:

    * The textbook's $D_{\mathrm{KL}}(y \| \hat y)$ takes $0 \log 0 = 0$ and is infinite where $\hat y = 0 < y$.
      Keras clips both sides at $\epsilon$: a zero target contributes $\epsilon \log(\epsilon / \bar p)$ (tiny, not
      0), and a confident mistake costs at most $(1 - \epsilon)(-\log \epsilon) \approx 16.118$. Neither side is
      renormalised.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> np.round(rk.losses.kl_divergence(np.float32([[0.5, 0.5]]), np.float32([[0.25, 0.75]])), 6)   # ½ log(4/3)
    array([0.143841], dtype=float32)
    >>> np.round(rk.losses.kl_divergence(np.float32([[0., 1.]]), np.float32([[1., 0.]])), 6)   # (1 - ε)(-log ε), not ∞
    array([16.118093], dtype=float32)
    """
    y_pred = convert_y_pred(y_pred, "kl_divergence")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    ops.check_broadcastable(y_true, y_pred, "y_true", "y_pred")
    eps = config.epsilon()
    y_true = ops.clip_by_value(y_true, eps, 1)
    y_pred = ops.clip_by_value(y_pred, eps, 1)
    return ops.reduce_sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    r"""Poisson negative log-likelihood, up to the constant ``log y!``, averaged over the last axis.

    Formula:

    $$
    \mathrm{loss}_i = \frac{1}{d} \sum_{j=1}^{d} \Big(\hat y_{ij} - y_{ij} \log(\hat y_{ij} + \epsilon)\Big)
    $$

    where $y$ is ``y_true`` (counts), $\hat y$ is ``y_pred`` (the predicted rate), $d$ the size of the last axis and
    $\epsilon$ = ``keras.config.epsilon()`` $= 10^{-7}$.

    Keras vs the textbook:

    * The Poisson negative log-likelihood is $\hat y - y \log \hat y + \log y!$: Keras drops $\log y!$ (no gradient
      in $\hat y$), so a perfect prediction does not cost 0, and *adds* $\epsilon$ inside the log (no clip): a rate
      of 0 costs $-y \log \epsilon$, and a negative rate below $-\epsilon$ gives NaN. Averaged over the last axis.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.losses.poisson(np.float32([[0.]]), np.float32([[3.]]))[0])   # ŷ - 0 · log ŷ
    3.0
    >>> np.round(rk.losses.poisson(np.float32([[1.]]), np.float32([[0.]])), 6)   # a rate of 0: -log ε
    array([16.118095], dtype=float32)
    """
    y_pred = convert_y_pred(y_pred, "poisson")
    y_true = _as_array(y_true, dtype=y_pred.dtype)
    ops.check_broadcastable(y_true, y_pred, "y_true", "y_pred")
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
