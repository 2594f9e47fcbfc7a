"""Inputs of ``keras.metrics`` (the rows of ``parity_tests/metric_db.py``), confusion-matrix ones aside.

A sample is ``Sample(y_true, y_pred, sample_weight)`` (``values`` for ``Mean`` and ``Sum``). Where Keras accepts
integers, they are drawn too (``_maybe_integers``), and 0/1 labels (and the accuracies' predictions) also as bool
(``maybe_bool``); weights come with exact zeros (``metric_weights``); scores
tie often, where an argmax or a threshold decides. Inputs whose result cancels (R², correlations) are small
integers with exact weights, so that both sides' sums are exact and the difference is the few roundings of the
result alone. ``batch_splits`` cuts a sample into the batches of a streaming update.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .common import (MAX_CLASSES, Sample, arrays, floats, one_hot, probabilities, probability_values, soft_labels,
                     sparse_labels, specials, values, weight_values)


METRIC_MAX_SAMPLES = 8   # samples per drawn batch: Keras metrics in TF eager cost ~1 ms a call


METRIC_POLICIES = ("float16", "bfloat16", "mixed_float16", "mixed_bfloat16")
"""A metric's ``dtype=`` besides its inputs' own: Keras's ``Metric`` computes and keeps its state in the policy's
compute dtype (float16 or bfloat16; confusion counts stay in ``floatx()``)."""


@st.composite
def metric_dtype(draw, dtype):
    """``(name, as_policy)``: the metric's ``dtype=``, the inputs' own ``dtype`` or one of :data:`METRIC_POLICIES`,
    passed by name or (``as_policy``) as a ``DTypePolicy`` object."""
    name = draw(st.sampled_from((dtype, dtype) + METRIC_POLICIES))
    return name, name in METRIC_POLICIES and draw(st.booleans())


# --- weights, scores and batches -----------------------------------------------------------------------------------


def metric_weights(dtype, n):
    """``None`` or per-sample weights (N,) / (N, 1), >= 0 with exact zeros."""
    elements = weight_values(dtype)
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


def exact_weights(dtype, n):
    """``None`` or weights (N,) / (N, 1) from {0, 0.5, 1, 2}: weighted sums of small integers stay exact."""
    elements = specials(dtype, 0.0, 0.5, 1.0, 2.0)
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


def _maybe_integers(draw, *arrays_):
    """The arrays as they are, or (one time in three) rounded to int32, as Keras's int tests feed them."""
    if draw(st.integers(0, 2)) == 0:
        return tuple(np.rint(a).astype(np.int32) for a in arrays_)
    return arrays_


def maybe_bool(draw, array):
    """``array`` (0/1 labels or exact scores) as it is, or (one time in four) as bool, nonzero entries ``True``:
    users pass masks and boolean labels, and Keras casts them."""
    return np.asarray(array) != 0 if draw(st.integers(0, 3)) == 0 else array


def tied_scores(dtype, shape):
    """Scores from a tiny set of values, so that rows often tie for the maximum; -0 among them (Keras's argmax puts
    it below +0: an all-zero row of scores picks its first +0)."""
    return arrays(dtype, shape, specials(dtype, 0.0, -0.0, 0.25, 0.5, 1.0))


def scores(dtype, shape):
    """``y_pred`` for accuracies: any probabilities/logits, or deliberately tied ones."""
    return st.one_of(tied_scores(dtype, shape), arrays(dtype, shape, values(dtype)))


def small_integer_values(dtype):
    """-3, ..., 3 as floats: sums, squares and means of a few are exact or once rounded."""
    return specials(dtype, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)


def batch_splits(n):
    """Cut points that split ``n`` samples into consecutive batches (possibly one batch, possibly size-1 ones)."""
    return st.lists(st.integers(1, max(n - 1, 1)), max_size=4, unique=True).map(
        lambda cuts: sorted(c for c in cuts if 0 < c < n))


# --- accuracies ----------------------------------------------------------------------------------------------------


@st.composite
def sparse_accuracy(draw, dtype):
    n, classes = draw(st.integers(1, 12)), draw(st.integers(2, MAX_CLASSES))
    labels = draw(sparse_labels((n,), classes))
    if draw(st.booleans()):
        labels = labels[:, None]
    return Sample(y_true=labels, y_pred=draw(scores(dtype, (n, classes))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def categorical_accuracy(draw, dtype):
    n, classes = draw(st.integers(1, 12)), draw(st.integers(2, MAX_CLASSES))
    if draw(st.booleans()):
        y_true = maybe_bool(draw, one_hot(draw(sparse_labels((n,), classes)), classes, dtype))
    else:
        y_true = draw(tied_scores(dtype, (n, classes)))
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, (n, classes))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def accuracy(draw, dtype, bool_scores=False):
    """Exact-equality accuracy: predictions from a small set of values so that matches happen; labels maybe bool,
    and with ``bool_scores`` predictions too (Keras casts ``y_true`` to ``y_pred``'s dtype: 2.0 against a bool
    prediction is ``True``). The op rows name the metric's ``dtype`` after ``y_pred``'s: they keep float scores."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    small = specials(dtype, 0.0, 1.0, 2.0)
    return Sample(y_true=maybe_bool(draw, draw(arrays(dtype, shape, small))),
                  y_pred=maybe_bool(draw, draw(arrays(dtype, shape, small))) if bool_scores else
                  draw(arrays(dtype, shape, small)),
                  sample_weight=draw(metric_weights(dtype, n) if shape != (n, 3) else st.none()))


def binary_targets_and_scores(draw, dtype, n, score_elements):
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    y_true = draw(arrays(dtype, shape, specials(dtype, 0.0, 1.0)))
    y_pred = draw(arrays(dtype, draw(st.sampled_from([shape, (n, 1)])) if shape == (n,) else shape, score_elements))
    return y_true, y_pred, shape


@st.composite
def binary_accuracy(draw, dtype, bool_scores=False):
    """0/1 targets (maybe bool) and scores that often sit exactly on the threshold; (N,) targets against (N, 1)
    scores; with ``bool_scores`` sometimes bool scores."""
    n = draw(st.integers(1, 12))
    # Keras makes the threshold a float32 tensor: draw float32 values (a float32 subnormal would be flushed to 0)
    threshold = draw(st.one_of(specials("float32", 0.5, 0.0, 0.7, 1.0), floats("float32", 0, 1)))
    scores = st.one_of(probability_values(dtype), specials(dtype, threshold, 0.7))
    y_true, y_pred, shape = binary_targets_and_scores(draw, dtype, n, scores)
    y_true = maybe_bool(draw, y_true)
    if bool_scores and draw(st.integers(0, 7)) == 0:   # ``True > threshold`` compares 1.0 (0 for False)
        y_pred = y_pred > draw(specials(dtype, 0.5, 0.0))
    return Sample(y_true=y_true, y_pred=y_pred, threshold=threshold,
                  sample_weight=draw(metric_weights(dtype, n) if shape != (n, 3) else st.none()))


@st.composite
def top_k_metric(draw, dtype, sparse=False):
    """Scores (N, C) with ties, and one-hot targets (integer labels with ``sparse``, also (N, 1))."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    labels = draw(sparse_labels((n,), c))
    if sparse:
        y_true = labels[:, None] if draw(st.booleans()) else labels
    else:
        y_true = one_hot(labels, c, dtype)
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, (n, c))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def sorted_ids_metric(draw, dtype):
    """For ``from_sorted_ids``: labels (N,) and each sample's class ids best first (N, K), int32, repeats allowed."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    ids = draw(hnp.arrays(np.int32, (n, draw(st.integers(1, c))), elements=st.integers(0, c - 1)))
    return Sample(y_true=draw(sparse_labels((n,), c)), y_pred=ids, sample_weight=draw(metric_weights(dtype, n)))


def top_k_values():
    """``k`` from 1 to past the number of classes (Keras gives 1.0 then, no error)."""
    return st.integers(1, MAX_CLASSES + 1)


# --- means, regression and probabilistic metrics -------------------------------------------------------------------


@st.composite
def mean_values(draw, dtype):
    """``values`` for Mean and Sum, (N,), (N, 1) or (N, 3), and weights (N,) / (N, 1) or None."""
    n = draw(st.integers(1, METRIC_MAX_SAMPLES))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    (values_,) = _maybe_integers(draw, draw(arrays(dtype, shape, values(dtype, 1e3))))
    return Sample(values=values_, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def regression_metric(draw, dtype, integers=True):
    """Targets and outputs (N, C) (also (N,) against (N, 1)), floats or (``integers``) integers, weights (N,) /
    (N, 1). Keras's cosine similarity rejects integers (its ``rsqrt``)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 4))
    elements = values(dtype, 1e3)
    y_true, y_pred = draw(arrays(dtype, (n, c), elements)), draw(arrays(dtype, (n, c), elements))
    if c == 1 and draw(st.booleans()):
        y_true = y_true[:, 0]
    if integers:
        y_true, y_pred = _maybe_integers(draw, y_true, y_pred)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def r2_metric(draw, dtype):
    """(N, C) targets and outputs of small integers (constant columns included), exact weights (R²'s sums exact)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 3))
    y_true = draw(arrays(dtype, (n, c), small_integer_values(dtype)))
    y_pred = draw(arrays(dtype, (n, c), small_integer_values(dtype)))
    y_true, y_pred = _maybe_integers(draw, y_true, y_pred)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(exact_weights(dtype, n)))


def _unconstant_rows(a):
    """``a`` with the first entry of each constant row moved by one (towards 0, so it stays in -3..3)."""
    a = a.copy()
    constant = a.max(axis=1) == a.min(axis=1)
    a[constant, 0] -= np.where(a[constant, 0] > 0, 1, -1).astype(a.dtype)
    return a


@st.composite
def correlation_metric(draw, dtype):
    """(N, C ≥ 2) rows of small integers as floats (Keras's ``mean`` of an int tensor fails), no constant rows
    (a 0/0 in Pearson: Keras's NaN, pinned in the example tests instead)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, 4))
    rows = arrays(dtype, (n, c), small_integer_values(dtype)).map(_unconstant_rows)
    y_true, y_pred = draw(rows), draw(rows)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def crossentropy_metric(draw, dtype, sparse=False):
    """Class scores (N, C) (probabilities with their edges, or logits: either meets either ``from_logits``),
    one-hot or soft targets, or with ``sparse`` integer labels (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    y_pred = draw(st.one_of(probabilities(dtype, (n, c)), arrays(dtype, (n, c), floats(dtype, -20, 20))))
    labels = draw(sparse_labels((n,), c))
    if sparse:
        y_true = labels[:, None] if draw(st.booleans()) else labels
    else:
        y_true = (maybe_bool(draw, one_hot(labels, c, dtype)) if draw(st.booleans()) else
                  draw(soft_labels(dtype, (n, c), normalised=True)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def binary_crossentropy_metric(draw, dtype):
    """0/1 or soft targets and probabilities (edges included) or logits, (N, C), weights (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 3))
    if draw(st.booleans()):
        y_true = maybe_bool(draw, draw(arrays(dtype, (n, c), specials(dtype, 0.0, 1.0))))
    else:
        y_true = draw(arrays(dtype, (n, c), st.one_of(specials(dtype, 0.0, 1.0), floats(dtype, 0, 1))))
    y_pred = draw(arrays(dtype, (n, c), st.one_of(probability_values(dtype), floats(dtype, -20, 20))))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def distribution_metric(draw, dtype):
    """Probability rows (edges included) for KLDivergence and Poisson, weights (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, MAX_CLASSES))
    y_true, y_pred = draw(probabilities(dtype, (n, c))), draw(probabilities(dtype, (n, c)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def hinge_metric(draw, dtype, categorical=False):
    """±1 or 0/1 targets (0/1 maybe bool; one-hot with ``categorical``), any float scores: Keras's hinges raise on
    integer or bool scores."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2 if categorical else 1, MAX_CLASSES))
    if categorical:
        y_true = maybe_bool(draw, one_hot(draw(sparse_labels((n,), c)), c, dtype))
    elif draw(st.booleans()):
        y_true = draw(arrays(dtype, (n, c), specials(dtype, -1.0, 1.0)))
    else:
        y_true = maybe_bool(draw, draw(arrays(dtype, (n, c), specials(dtype, 0.0, 1.0))))
    y_pred = draw(arrays(dtype, (n, c), values(dtype, 10.0)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))
