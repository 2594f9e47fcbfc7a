"""The loss base class and the rules every loss shares, mirroring ``keras/src/losses/loss.py``.

* :func:`squeeze_or_expand_to_same_rank`: Keras's rank rule for two arrays whose ranks differ by one. It is the
  one copy in the reference: the reductions below, the loss wrappers and the metrics all import it from here, as
  Keras's metrics import it from ``keras.src.losses.loss``.
* :func:`reduce_weighted_values`: weight the per-sample losses and reduce them, as ``Loss.__call__`` does.
* :class:`Loss`, the base class, and :class:`LossFunctionWrapper`, which turns a per-sample function into a
  ``Loss`` (Keras keeps the wrapper in ``losses.py``; here it sits beside the base class it extends).
"""

import numpy as np

from .. import config, dtype_policies, ops
from ..registry import ArrayRegistry

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """``reduction`` if it is one of Keras's :data:`REDUCTIONS`, else a ``ValueError`` naming them."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
                         f"Received: reduction={reduction!r}")
    return reduction


def _as_array(x, dtype=None):
    """``x`` as a float array: ``dtype`` if given, else a float ndarray's own dtype, else ``floatx``.

    Keras converts integer and bool inputs to ``floatx`` (its ops promote them), so ``[1, 2]`` and ``[1., 2.]``
    give the same loss. An ndarray that already has the dtype is returned as is, so its tape identity holds; a
    float ndarray of another dtype goes through a recorded cast, as Keras's ``convert_to_tensor(y_pred, dtype)``
    is a ``tf.cast``: a float16 ``y_pred`` (mixed precision) is scored in float32, its gradient cast back.
    """
    if dtype is None:
        dtype = x.dtype if isinstance(x, np.ndarray) and config.is_float_dtype(x.dtype) else config.floatx()
    return ops.convert_to_tensor(x, dtype)


def convert_y_pred(y_pred, loss, accepts="f"):
    """``y_pred`` as a loss *function* takes it: Keras's ``ops.convert_to_tensor(y_pred)``, with no dtype.

    A float ndarray is kept as is (float16 stays float16), an integer or bool one keeps its dtype. Python numbers
    and lists are converted as TF's ``convert_to_tensor`` does, whatever ``floatx``: ints to int32, floats to
    float32 (a NumPy scalar keeps its dtype). Keras then converts ``y_true`` to that dtype
    (``convert_to_tensor(y_true, dtype=y_pred.dtype)``), so a float ``y_true`` meets an integer ``y_pred``
    truncated. ``accepts``: the dtype kinds (``"f"``, ``"i"`` and ``"u"`` integers, ``"b"`` bool) for which
    Keras's arithmetic goes through; for any other, Keras fails on a float constant cast to the integer dtype or
    on a float-only kernel, and the reference raises a ``TypeError`` naming ``y_pred``.
    """
    if isinstance(y_pred, np.generic):
        y_pred = np.asarray(y_pred)
    elif not isinstance(y_pred, np.ndarray):
        array = np.asarray(y_pred)
        y_pred = array.astype({"i": np.int32, "u": np.int32, "f": np.float32}.get(array.dtype.kind, array.dtype))
    kind = "f" if config.is_float_dtype(y_pred.dtype) else y_pred.dtype.kind
    if kind not in accepts:
        raise TypeError(f"`{loss}` needs a floating-point `y_pred`, as Keras's does (it fails on a float constant "
                        f"or a float-only op in {y_pred.dtype}). Received: y_pred.dtype={y_pred.dtype}")
    return y_pred


def promoted_by_float32(dtype):
    """The dtype in which an input of ``dtype`` meets a float32 constant *tensor* in Keras's code (such as
    ``convert_to_tensor(backend.epsilon())``): float64 stays float64, everything else (float16, bfloat16, integers,
    bool) becomes float32, as Keras's type promotion (``backend.result_type``) has it. NumPy would keep float16.
    """
    return np.dtype(np.float64) if np.dtype(dtype) == np.float64 else np.dtype(np.float32)


def float_result_type(a, b):
    """The dtype in which two float tensors of dtypes ``a`` and ``b`` meet in Keras's ops (``backend.result_type``):
    the wider one, and float32 for float16 with bfloat16. ``promoted_by_float32(d)`` is ``float_result_type(d,
    float32)``."""
    a, b = np.dtype(a), np.dtype(b)
    return a if a == b else max(a, b, np.dtype(np.float32), key=lambda d: d.itemsize)


# --- Keras's loss masks (backend.set_keras_mask / get_keras_mask) ----------------------------------------

_masks = ArrayRegistry()  # losses -> mask, for as long as the losses live


def set_keras_mask(values, mask):
    """Attach a boolean ``mask`` to the per-sample losses ``values``, as Keras's ``backend.set_keras_mask``.

    A loss function that ignores some entries (``ignore_class``, Circle's zero losses) marks them here; the
    reduction of :class:`Loss` then leaves them out of the mean (:func:`apply_mask`). NumPy arrays carry no
    attributes, so the mask is filed by the array's identity (:class:`~reference.registry.ArrayRegistry`), as the
    tape files trainable arrays.
    """
    return _masks.set(values, np.asarray(mask, dtype=bool))


def get_keras_mask(values):
    """The mask :func:`set_keras_mask` attached to ``values``, or ``None``."""
    return _masks.get(values)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Merge a loss mask into the sample weights, as Keras's ``apply_mask``.

    For ``"sum_over_batch_size"`` and ``"mean"``, kept entries weigh ``total / valid`` and masked ones 0, so
    that the division by the batch size becomes a division by the number of kept entries; otherwise the mask
    is a 0/1 weight. The two are aligned by :func:`squeeze_or_expand_to_same_rank` and multiplied.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total, valid = dtype.type(mask.size), np.sum(mask, dtype=dtype)
        mask_weight = total / valid if valid else dtype.type(0)           # divide_no_nan
        float_mask = np.where(mask, mask_weight, dtype.type(0)).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, np.asarray(sample_weight, dtype=dtype))
    return sample_weight * float_mask


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


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size", mask=None):
    """Weight and reduce per-sample losses exactly as Keras's ``Loss.__call__``.

    * ``values · sample_weight`` (a scalar, or (N,) / (N, 1) aligned by
      Keras's squeeze-or-expand rule);
    * ``"sum"``: ``Σ values``;
    * ``"sum_over_batch_size"`` and ``"mean"``: ``Σ values / values.size``
      (a sum then a division, not ``mean``: the two round differently, and
      zero weights still count in the denominator);
    * ``"mean_with_sample_weight"``: ``Σ values / Σ sample_weight``;
    * ``None``/``"none"``: the weighted values, unreduced.

    Division by zero gives 0 (``divide_no_nan``). A ``mask`` (see :func:`set_keras_mask`) is first merged
    into the weights by :func:`apply_mask`.
    """
    standardize_reduction(reduction)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        ops.check_broadcastable(sample_weight, values, "sample_weight", "losses")
        values = ops.multiply(values, sample_weight)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = ops.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.flush_subnormal(np.sum(sample_weight, dtype=values.dtype))   # TF's sum flushes
    else:
        divisor = np.asarray(values.size, dtype=values.dtype)
    if divisor == 0:
        return ops.divide_no_nan(loss, divisor)  # 0 even when the loss is NaN, as Keras's divide_no_nan
    return ops.divide(loss, divisor)


class Loss:
    r"""Base class: ``loss(y_true, y_pred, sample_weight=None)`` -> a reduced loss.

    A subclass's ``call(y_true, y_pred)`` gives the per-sample losses; ``__call__`` weights and reduces them
    (:func:`reduce_weighted_values`), as Keras's ``Loss.__call__``.

    Formula:

    $$
    L = \begin{cases}
    \dfrac{1}{n} \sum_i w_i\, \ell_i & \texttt{"sum\_over\_batch\_size"},\ \texttt{"mean"} \\[6pt]
    \sum_i w_i\, \ell_i & \texttt{"sum"} \\[2pt]
    \dfrac{\sum_i w_i\, \ell_i}{\sum_i w_i} & \texttt{"mean\_with\_sample\_weight"} \\[6pt]
    (w_i\, \ell_i)_i & \texttt{None},\ \texttt{"none"}
    \end{cases}
    $$

    where $\ell_i$ are the per-sample losses of ``call`` (cast to the loss's ``dtype``), $n$ their number of
    elements, $w_i$ the ``sample_weight`` (1 without; a scalar, or (N,) / (N, 1) aligned by
    :func:`squeeze_or_expand_to_same_rank`), and a division by 0 gives 0 (``divide_no_nan``). A loss that masks some
    entries (``ignore_class``, Circle's zero losses) sets $w_i = 0$ on them and, for the two means,
    $w_i \cdot n / n_{\text{valid}}$ on the others: the mean is then over the valid entries.

    Keras vs the textbook:

    * The default ``"sum_over_batch_size"`` divides by the number of losses, zero weights included: weights scale
      the mean rather than make a weighted mean (that is ``"mean_with_sample_weight"``). It sums, then divides,
      which rounds differently from a ``mean``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y, y_pred, w = np.float32([[0.], [0.]]), np.float32([[1.], [2.]]), np.float32([1., 0.])
    >>> [float(rk.losses.MeanSquaredError(reduction=r)(y, y_pred, sample_weight=w))   # losses 1 and 4
    ...  for r in ("sum_over_batch_size", "sum", "mean_with_sample_weight")]
    [0.5, 1.0, 1.0]
    >>> mse = rk.losses.MeanSquaredError(reduction="mean_with_sample_weight")
    >>> float(mse(y, y_pred, sample_weight=0 * w))   # Σ w = 0: 0, not NaN
    0.0

    Args:
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, or ``None``/``"none"``.
        name: a name for the loss.
        dtype: the dtype of the computation: a dtype name, a policy name such as ``"mixed_float16"`` or a
            :class:`~reference.dtype_policies.DTypePolicy`, whose ``compute_dtype`` is used (Keras's rule);
            ``None`` means ``floatx()``.

    Like Keras, the call converts ``y_true`` *and* ``y_pred`` to ``dtype``
    first, so integer labels pass through a float cast.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.reduction = standardize_reduction(reduction)
        self.name = name or type(self).__name__.lower()
        self._dtype_policy = dtype_policies.get(dtype or config.floatx())
        self.dtype = config.standardize_dtype(self._dtype_policy.compute_dtype).name

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _as_array(y_pred, self.dtype)
        y_true = _as_array(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = get_keras_mask(losses)
        return reduce_weighted_values(ops.cast(losses, self.dtype), sample_weight, self.reduction, mask=mask)

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
