"""Inputs and constructor arguments of the confusion-matrix metrics: counts at thresholds, precision and
recall (at a constraint), AUC, F-scores and IoU.

Scores sit on, between and outside the thresholds (Keras clips them to [0, 1] only in its bucketed path), at
float32 subnormals (which TF flushes before comparing), and tie; labels are float, int or bool, some batches of
one class only; thresholds are single, listed, unsorted, or evenly spaced (where Keras buckets instead).
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .common import (Sample, arrays, floats, one_hot, probability_values, sparse_labels, specials,
                     weight_values)
from .metrics import binary_targets_and_scores, maybe_bool, metric_weights, scores, tied_scores


CONFUSION_CLASSES = 3
"""The last axis of the inputs of every confusion row that takes ``class_id``, ``top_k``, ``multi_label``,
``label_weights`` or one-hot labels: the kwargs are drawn apart from the sample, so both agree on 3."""


CONFUSION_THRESHOLDS = (None, 0.5, 0.0, 1.0, [0.25, 0.75], [0.75, 0.25, 0.5], [0.0, 0.5, 1.0],
                        [0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
"""Single, listed and unsorted thresholds; the last three are evenly spaced from 0 to 1 (the bucketed path)."""


FALSE_NEGATIVE_THRESHOLDS = (None, 0.5, 0.0, 1.0, [0.25, 0.75], [0.3], [0.0, 0.5, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0],
                             [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
"""Single and listed thresholds; the last three are evenly spaced from 0 to 1, where Keras buckets instead."""


# --- labels, scores and weights ------------------------------------------------------------------------------------


def float32_subnormals(dtype):
    """Values that are normal in ``dtype`` but subnormal in float32 (none for float32 itself: a subnormal *input*
    is the documented ``subnormal-inputs`` departure), for the metrics that cast to ``floatx()`` and decide."""
    return (1e-40, -1e-40, 3e-43) if np.dtype(dtype) == np.float64 else ()


def confusion_scores(dtype, shape, out_of_range=False):
    """Scores in [0, 1] (optionally [-0.5, 1.5]) that often sit exactly on a threshold or a bucket edge
    (0, 0.25, 0.5, 0.75, 1, 0.1·k) or tie with each other; in float64 also ±1e-40, subnormal once Keras casts
    them to ``floatx()`` (TF's cast flushes them to 0, so they are not above a threshold of 0)."""
    pinned = specials(dtype, 0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.3, 0.7, *float32_subnormals(dtype))
    elements = st.one_of(probability_values(dtype), pinned, *([floats(dtype, -0.5, 1.5)] if out_of_range else []))
    return st.one_of(arrays(dtype, shape, elements), tied_scores(dtype, shape))


def binary_labels(dtype, shape):
    """0/1 labels as ``dtype``, int32 or bool (Keras casts them), or all of one class (no positives, or no
    negatives: the ``divide_no_nan`` cases)."""
    label_dtype = st.sampled_from([np.dtype(dtype), np.dtype(np.int32), np.dtype(bool)])
    mixed = label_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=st.sampled_from([0, 1]).map(d.type)))
    one_class = st.tuples(label_dtype, st.sampled_from([0, 1])).map(lambda dv: np.full(shape, dv[1], dtype=dv[0]))
    return st.one_of(mixed, one_class)


def confusion_weights(dtype, n, exact=False):
    """``None`` or weights (N,) / (N, 1), >= 0 with exact zeros; ``exact``: from {0, 0.5, 1, 2, 3} only, so that
    every weighted count is exact on both sides (the ``...At...`` metrics compare rates with a constraint, and
    one ulp would flip it)."""
    elements = specials(dtype, 0.0, 0.5, 1.0, 2.0, 3.0) if exact else st.one_of(
        weight_values(dtype), specials(dtype, 1e-40) if float32_subnormals(dtype) else st.nothing())
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


# --- thresholded counts --------------------------------------------------------------------------------------------


def confusion_thresholds():
    return st.sampled_from(CONFUSION_THRESHOLDS)


@st.composite
def false_negatives(draw, dtype):
    """Targets (any nonzero is a positive) and scores on, between and outside the thresholds (Keras clips
    scores to [0, 1] only in its bucketed path)."""
    n = draw(st.integers(1, 12))
    scores = st.one_of(probability_values(dtype), specials(dtype, 0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 1.0),
                       floats(dtype, -0.5, 1.5))
    y_true, y_pred, shape = binary_targets_and_scores(draw, dtype, n, scores)
    if draw(st.booleans()):
        y_true = y_true * draw(specials(dtype, 2.0, 0.5))
    weights = draw(metric_weights(dtype, n))
    if weights is not None and weights.ndim > y_pred.ndim:
        weights = weights[:, 0]              # (N, 1) weights with (N,) scores: rejected by Keras (rank must match)
    return Sample(y_true=y_true, y_pred=y_pred, thresholds=draw(st.sampled_from(FALSE_NEGATIVE_THRESHOLDS)),
                  sample_weight=weights)


@st.composite
def confusion_counts(draw, dtype):
    """Binary labels and scores of shape (N,), (N, 1) or (N, 3), scores also outside [0, 1] or bool (Keras casts
    them: a ``True`` is a score of 1, in the last bucket of evenly spaced thresholds)."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, CONFUSION_CLASSES)]))
    weights = draw(confusion_weights(dtype, n))
    if weights is not None and weights.ndim > len(shape):
        weights = weights[:, 0]              # (N, 1) weights with (N,) scores: rejected by Keras (rank must match)
    y_pred = draw(st.one_of(confusion_scores(dtype, shape, True), hnp.arrays(bool, shape)))
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=y_pred, sample_weight=weights)


def precision_recall_kwargs():
    """``thresholds``, ``top_k`` (0..3: 0 keeps no prediction) and ``class_id`` (0..2), alone or together."""
    return st.fixed_dictionaries({}, optional={"thresholds": confusion_thresholds(),
                                               "top_k": st.integers(0, CONFUSION_CLASSES),
                                               "class_id": st.integers(0, CONFUSION_CLASSES - 1)})


def at_constraint_kwargs(constraint):
    """The constraint (pinned 0, 0.5, 1 and any value in [0, 1]), ``num_thresholds`` and ``class_id``.

    No constraint that is subnormal *in float32*: Keras compares it with the float32 rates, where TF flushes it
    to 0 (``rate >= 1e-45`` becomes ``rate >= 0``) and NumPy keeps it; so the floats are drawn as float32."""
    value = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 0.8]), st.floats(0, 1, width=32, allow_subnormal=False))
    return st.fixed_dictionaries({constraint: value}, optional={
        "num_thresholds": st.sampled_from([1, 2, 3, 5, 11, 200]),
        "class_id": st.integers(0, CONFUSION_CLASSES - 1)})


@st.composite
def auc_kwargs(draw):
    """Every curve and summation method; ``num_thresholds`` or explicit (even or uneven) ``thresholds``;
    ``multi_label`` with or without ``num_labels``; ``label_weights``; ``from_logits``."""
    kwargs = draw(st.fixed_dictionaries({}, optional={
        "curve": st.sampled_from(["ROC", "PR", "PRGAIN"]),
        "summation_method": st.sampled_from(["interpolation", "majoring", "minoring"]),
        "from_logits": st.booleans(),
        "label_weights": st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=CONFUSION_CLASSES,
                                  max_size=CONFUSION_CLASSES)}))
    how = draw(st.sampled_from(["num_thresholds", "thresholds", "default"]))
    if how == "num_thresholds":
        kwargs["num_thresholds"] = draw(st.sampled_from([2, 3, 4, 11, 50, 200]))
    elif how == "thresholds":
        kwargs["thresholds"] = draw(st.sampled_from([[0.5], [0.3, 0.5, 0.8], [0.25, 0.5, 0.75], [0.1, 0.9, 0.4]]))
    if draw(st.integers(0, 3)) == 0:  # 1 in 4: Keras's multi-label update (a vectorized_map) costs ~0.2 s a call
        kwargs["multi_label"] = True
        if draw(st.booleans()):
            kwargs["num_labels"] = CONFUSION_CLASSES
    return kwargs


# --- class-wise scores ---------------------------------------------------------------------------------------------


@st.composite
def confusion_classes(draw, dtype, exact_weights=False, int_scores=True):
    """(N, 3) binary labels and scores in [0, 1]; the scores sometimes int 0/1 (Keras casts them)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    int_arrays = [hnp.arrays(np.int32, shape, elements=st.integers(0, 1))] if int_scores else []
    y_pred = draw(st.one_of(confusion_scores(dtype, shape), *int_arrays))
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=y_pred,
                  sample_weight=draw(confusion_weights(dtype, n, exact=exact_weights)))


@st.composite
def confusion_logits(draw, dtype):
    """(N, 3) binary labels and either scores in [0, 1] or logits (for ``AUC(from_logits=True)``: a logit is
    also a valid score to bucket, clipped to [0, 1])."""
    sample = draw(confusion_classes(dtype, int_scores=False))  # Keras's sigmoid rejects int logits
    if draw(st.booleans()):
        sample["y_pred"] = draw(arrays(dtype, sample["y_pred"].shape, st.one_of(
            floats(dtype, -6, 6), specials(dtype, 0.0, 1.0, -1.0, -100.0))))   # sigmoid(-100) is 4e-44: flushed
    return sample


@st.composite
def f_score_sample(draw, dtype):
    """(N, 3) one-hot (maybe bool) or multi-hot labels (or all zero), scores with ties for the row maximum and
    all-zero rows; weights (N,) only (Keras's F-score takes no other shape)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    y_true = (maybe_bool(draw, one_hot(draw(sparse_labels((n,), CONFUSION_CLASSES)), CONFUSION_CLASSES, dtype))
              if draw(st.booleans()) else draw(binary_labels(dtype, shape)))
    weights = draw(st.one_of(st.none(), arrays(dtype, (n,), weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=draw(confusion_scores(dtype, shape)), sample_weight=weights)


def f_score_kwargs(beta=True):
    options = {"average": st.sampled_from([None, "micro", "macro", "weighted"]),
               "threshold": st.sampled_from([None, 0.5, 0.25, 1.0, 0.1])}
    if beta:
        options["beta"] = st.sampled_from([1.0, 0.5, 2.0, 0.1])
    return st.fixed_dictionaries({}, optional=options)


# --- intersection over union ---------------------------------------------------------------------------------------


@st.composite
def iou_sparse(draw, dtype):
    """Class ids (N,) or (N, 2) in [0, 3), sometimes -1 or 3 (out of range: Keras drops them), as ``dtype`` or
    int; weights per id or per sample."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 2)]))
    ids = st.sampled_from([0, 1, 2, 0, 1, 2, -1, 3])
    id_dtype = st.sampled_from([np.dtype(dtype), np.dtype(np.int32), np.dtype(np.int64)])
    y_true = draw(id_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=ids.map(d.type))))
    y_pred = draw(id_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=ids.map(d.type))))
    weights = draw(st.one_of(st.none(), arrays(dtype, shape, weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=weights)


@st.composite
def iou_one_hot(draw, dtype):
    """One-hot (maybe bool) or tied labels and scores (N, 3), argmaxed by the metric; weights (N,)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    y_true = (maybe_bool(draw, one_hot(draw(sparse_labels((n,), CONFUSION_CLASSES)), CONFUSION_CLASSES, dtype))
              if draw(st.booleans()) else draw(tied_scores(dtype, shape)))
    weights = draw(st.one_of(st.none(), arrays(dtype, (n,), weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, shape)), sample_weight=weights)


@st.composite
def binary_iou_sample(draw, dtype):
    """0/1 labels and scores on and around the thresholds; weights (N,) or per element."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 3)]))
    weights = draw(st.one_of(st.none(), arrays(dtype, shape, weight_values(dtype))))
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=draw(confusion_scores(dtype, shape)),
                  sample_weight=weights)


def iou_kwargs(target_class_ids=True, ignore_class=True):
    required = {"num_classes": st.just(CONFUSION_CLASSES)}
    if target_class_ids:
        required["target_class_ids"] = st.sampled_from([[0], [2], [0, 1], [2, 0, 1], [1, 1]])
    optional = {"ignore_class": st.sampled_from([None, 0, 2, -1])} if ignore_class else {}
    return st.fixed_dictionaries(required, optional=optional)
