"""The confusion-matrix machinery behind the thresholded metrics, mirroring ``keras/src/metrics/metrics_utils.py``.

:func:`update_confusion_matrix_variables` counts, for each threshold ``t``, the (weighted) elements in each
cell of the binary confusion matrix (the formulas are on :class:`~reference.metrics.TruePositives`,
:class:`~reference.metrics.FalsePositives`, :class:`~reference.metrics.TrueNegatives` and
:class:`~reference.metrics.FalseNegatives`) and adds them to the metric's variables. Two ways, as Keras:

* in general, every prediction is compared with every threshold: a (thresholds × elements) boolean array,
  summed along the elements (one NumPy pass per cell);
* when the thresholds are evenly spaced from 0 to 1 (:func:`is_evenly_distributed_thresholds`: AUC's 200, the
  ``...AtRecall`` family), each prediction falls in one bucket ``⌈p·(T-1)⌉ - 1`` and ``TP(tᵢ)`` is the
  reversed cumulative sum of the per-bucket totals: O(T + N) instead of O(T·N). The bucket can differ from
  ``p > tᵢ`` where ``p·(T-1)`` rounds across an integer, and predictions are clipped to [0, 1] first; Keras
  does both, so the reference does too.

:func:`confusion_matrix` is the multi-class (labels × predictions) count the IoU metrics accumulate.
"""

from enum import Enum

import numpy as np

from .. import config
from ..ops import flush_subnormal
from ..losses.loss import squeeze_or_expand_to_same_rank

NEG_INF = -1e10
"""The threshold used with ``top_k``: every kept prediction is above it, every dropped one (set to it) not."""

TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES = "tp", "fp", "tn", "fn"
"""The keys of ``variables_to_update`` (Keras's ``ConfusionMatrix`` enum values)."""

CONFUSION_MATRIX = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


class AUCCurve(Enum):
    """The curve under which :class:`~reference.metrics.AUC` measures the area."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"] '
                         f"(argument `curve`).")


class AUCSummationMethod(Enum):
    """The Riemann sum of :class:`~reference.metrics.AUC`: mid-point, lower or upper rectangles."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(f'Invalid AUC summation method value: "{key}". Expected values are ["interpolation", '
                         f'"majoring", "minoring"] (argument `summation_method`).')


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """``thresholds`` as a list, checked to lie in [0, 1]; ``[default_threshold]`` when it is ``None``."""
    if thresholds is None:
        return [default_threshold]
    listed = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in listed if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid} (argument `thresholds`).")
    return listed


def is_evenly_distributed_thresholds(thresholds):
    """Whether there are 3 or more thresholds, within ``epsilon()`` of ``i/(T-1)`` for ``i = 0..T-1``."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def check_class_id(class_id, num_classes):
    """``class_id`` must index the last axis of ``y_pred`` (Keras lets TF fail on the slice)."""
    if not -num_classes <= class_id < num_classes:
        raise ValueError(f"`class_id` must be in [0, {num_classes}) for y_pred with {num_classes} classes, "
                         f"got class_id={class_id}.")


def filter_top_k(x, k):
    """``x`` with all but the ``k`` largest values of its last axis set to :data:`NEG_INF` (Keras's
    ``_filter_top_k``): ``x·mask + NEG_INF·(1 - mask)``. Ties go to the lower index, as ``tf.math.top_k``.
    ``k = 0`` keeps none (``tf.math.top_k`` takes it: every prediction becomes a negative, and Precision and
    Recall give 0); a ``k`` below 0 or above the number of classes fails in ``top_k``, here with a ``ValueError``."""
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(f"`top_k` must be in [0, {x.shape[-1]}] for y_pred with {x.shape[-1]} classes, "
                         f"got top_k={k}.")
    top = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(x)
    np.put_along_axis(mask, top, 1, axis=-1)
    return x * mask + x.dtype.type(NEG_INF) * (1 - mask)


def argmax(x, axis=-1):
    """The first maximal index along ``axis``, as Keras's ``ops.argmax`` (TF backend): -0 counts below +0.

    For a float ``x`` Keras casts to ``result_type(x.dtype, float32)`` and replaces each zero with its sign bit set
    by ``-tiny`` of that dtype before ``tf.argmax`` (its guard against flush-to-zero), so scores ``[-0., 0.]`` pick
    class 1 where ``np.argmax`` picks 0 (-0 == 0). A subnormal is 0 to TF's comparisons (``flush_subnormal``), a
    negative one then ``-tiny`` too. Integer and bool ``x`` go to ``tf.argmax`` as they are."""
    x = np.asarray(x)
    if not config.is_float_dtype(x.dtype) or x.ndim == 0:
        return np.argmax(x, axis=axis)
    wide = np.float64 if x.dtype == np.float64 else np.float32
    x = x.astype(wide)
    flushed = flush_subnormal(x)
    return np.argmax(np.where((flushed == 0) & np.signbit(x), -np.finfo(wide).tiny, flushed), axis=axis)


def _check_same_shape(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape (after Keras's squeeze-or-expand of a "
                         f"trailing 1), got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds, top_k=None, class_id=None,
                                      sample_weight=None, multi_label=False, label_weights=None,
                                      thresholds_distributed_evenly=False):
    """Add this batch's confusion counts, one per threshold, to ``variables_to_update``.

    Args:
        variables_to_update: ``{key: Variable}`` for some of :data:`CONFUSION_MATRIX`; all of one dtype, in
            which the inputs are compared and summed (Keras casts to it, so int and bool inputs work).
            The cast scores, the weights and the updated counts are flushed (:func:`~reference.ops.flush_subnormal`)
            as TF's cast, multiply and add leave them: a float64 score of 1e-40 is 0 in float32, not above a
            threshold of 0, and a count of subnormal weights is 0, which ``divide_no_nan`` turns into a 0 ratio.
        y_true: labels, any nonzero is a positive; the shape of ``y_pred`` up to a trailing 1.
        y_pred: scores, of any shape.
        thresholds: a list of floats (or ``[NEG_INF]`` with ``top_k``).
        top_k: keep only the ``k`` largest scores of each row (:func:`filter_top_k`).
        class_id: keep only this column of the last axis.
        sample_weight: ``None``, a scalar, or an array of ``y_true``'s rank (or one less) broadcastable to it.
        multi_label: keep the last axis of rank-2 inputs as labels: each count is (thresholds, labels).
        label_weights: per-label weights multiplied into ``sample_weight`` (not with ``multi_label``).
        thresholds_distributed_evenly: use the bucketed O(T + N) path (see the module docstring).
    """
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multilabel data should be handled outside of "
                         "`update_confusion_matrix_variables` when `multi_label` is True.")
    invalid = [key for key in variables_to_update if key not in CONFUSION_MATRIX]
    if invalid or not variables_to_update:
        raise ValueError(
            f"`variables_to_update` keys must be among {CONFUSION_MATRIX}, got {list(variables_to_update)}.")
    dtype = next(iter(variables_to_update.values())).dtype
    y_true, y_pred = (flush_subnormal(np.asarray(y).astype(dtype)) for y in (y_true, y_pred))  # TF casts flush
    thresholds = np.asarray(thresholds)
    with_epsilon = bool(thresholds[0] < 0 or thresholds[-1] > 1)  # AUC's endpoints -ε and 1+ε
    thresholds = thresholds.astype(dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    _check_same_shape(y_true, y_pred)
    if sample_weight is not None:
        sample_weight = np.expand_dims(np.asarray(sample_weight).astype(dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(f"When class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                             f"num_classes), found shape: {y_pred.shape}")
        check_class_id(class_id, y_pred.shape[-1])
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if sample_weight is not None:
        try:
            sample_weight = np.broadcast_to(sample_weight, y_pred.shape)
        except ValueError:
            raise ValueError(f"`sample_weight` of shape {np.shape(sample_weight)} does not broadcast to "
                             f"y_pred.shape={y_pred.shape}.") from None
    if label_weights is not None:
        label_weights = np.broadcast_to(np.asarray(label_weights)[None], y_pred.shape)
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`, got y_pred.shape={y_pred.shape}.")
    if not multi_label:  # one long list of elements
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        sample_weight = None if sample_weight is None else sample_weight.reshape(-1)
        label_weights = None if label_weights is None else label_weights.reshape(-1)
    weights = sample_weight
    if label_weights is not None:
        weights = label_weights.astype(dtype) if weights is None else weights * label_weights.astype(dtype)
    if weights is not None:
        weights = flush_subnormal(weights)
    update = _bucketed_counts if thresholds_distributed_evenly else _compared_counts
    counts = update(y_true, y_pred, thresholds, weights, set(variables_to_update), with_epsilon)
    for key, variable in variables_to_update.items():
        variable.assign(flush_subnormal(variable + counts[key]))


def _compared_counts(y_true, y_pred, thresholds, weights, keys, with_epsilon):
    """Keras's general path: ``p > t`` for every (threshold, element) pair, then a sum over the elements."""
    thresholds = thresholds.reshape((-1,) + (1,) * y_pred.ndim)       # (T, 1) or (T, 1, 1) for multi_label
    pred_is_pos = y_pred[None] > thresholds                          # (T, N) or (T, N, labels)
    label_is_pos = (y_true != 0)[None]
    cells = {TRUE_POSITIVES: (label_is_pos, pred_is_pos), FALSE_NEGATIVES: (label_is_pos, ~pred_is_pos),
             FALSE_POSITIVES: (~label_is_pos, pred_is_pos), TRUE_NEGATIVES: (~label_is_pos, ~pred_is_pos)}
    counts = {}
    for key in keys:
        label, pred = cells[key]
        hit = label & pred
        counts[key] = (hit.astype(y_pred.dtype) if weights is None else np.where(hit, weights, 0)).sum(axis=1)
    return counts


def _bucketed_counts(y_true, y_pred, thresholds, weights, keys, with_epsilon):
    """Keras's ``_update_confusion_matrix_variables_optimized``: per-bucket totals, then a reversed cumsum.

    A prediction ``p`` (clipped to [0, 1]) is above thresholds ``0..b`` where ``b = ⌈p·(T-1)⌉ - 1``; ``b = -1``
    (``p = 0``) is above none, unless the first threshold is ``-ε`` (AUC), where it is raised to bucket 0.
    Totals accumulate in the variables' dtype, element by element, as ``segment_sum`` does.
    """
    dtype = y_pred.dtype
    count = len(thresholds)
    weights = dtype.type(1) if weights is None else weights
    positive = (y_true != 0).astype(dtype)
    true_labels, false_labels = positive * weights, (1 - positive) * weights
    buckets = np.ceil(np.clip(y_pred, 0, 1) * dtype.type(count - 1)) - 1
    if with_epsilon:
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int32)

    def above(labels):  # (T,) or (T, labels): the weight of the elements above each threshold
        per_bucket = np.zeros((count,) + labels.shape[1:], dtype=dtype)
        kept = buckets >= 0                                            # segment_sum drops negative ids
        if labels.ndim == 1:
            np.add.at(per_bucket, buckets[kept], labels[kept])
        else:
            np.add.at(per_bucket, (buckets[kept], np.nonzero(kept)[1]), labels[kept])
        return np.cumsum(per_bucket[::-1], axis=0, dtype=dtype)[::-1]

    true_labels, false_labels = np.broadcast_to(true_labels, y_pred.shape), np.broadcast_to(false_labels, y_pred.shape)
    tp, fp = above(true_labels), above(false_labels)
    counts = {TRUE_POSITIVES: tp, FALSE_POSITIVES: fp}
    if TRUE_NEGATIVES in keys:
        counts[TRUE_NEGATIVES] = false_labels.sum(axis=0, dtype=dtype) - fp
    if FALSE_NEGATIVES in keys:
        counts[FALSE_NEGATIVES] = true_labels.sum(axis=0, dtype=dtype) - tp
    return counts


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The (num_classes × num_classes) matrix whose cell ``[i, j]`` counts (or weighs) label ``i`` predicted ``j``.

    Labels and predictions are 1-D class ids in ``[0, num_classes)``, cast to ``dtype`` first, as Keras does
    (so float ids are truncated); each pair adds its weight (1 without ``weights``), in order, in ``dtype``.
    """
    labels, predictions = np.asarray(labels).astype(dtype), np.asarray(predictions).astype(dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    values = np.ones_like(predictions) if weights is None else np.broadcast_to(np.asarray(weights).astype(dtype),
                                                                                predictions.shape)
    matrix = np.zeros((int(num_classes), int(num_classes)), dtype=dtype)
    np.add.at(matrix, (labels.astype(np.int64), predictions.astype(np.int64)), values)
    return matrix
