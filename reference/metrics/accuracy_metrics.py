"""The accuracies, mirroring ``keras/src/metrics/accuracy_metrics.py``.

Each is a function returning one match (1.0 or 0.0, in ``floatx``) per sample, and a
:class:`~reference.metrics.reduction_metrics.MeanMetricWrapper` around it that streams their (weighted) mean.
As in Keras, the shapes are not checked: after the rank rule the comparison broadcasts, so ``y_true`` (2, 1)
against ``argmax(y_pred)`` (1, 2) compares every label with every prediction (Keras's ``test_reshape_matches``).
"""

import numpy as np

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank
from .reduction_metrics import MeanMetricWrapper


def _equal(y_true, y_pred, shapes):
    """``y_true == y_pred`` broadcast, as ``floatx`` 1.0/0.0; when they do not broadcast, a ``ValueError`` naming
    both, with their shapes as given (``shapes``)."""
    try:
        return np.equal(y_true, y_pred).astype(config.floatx())
    except ValueError:
        raise ValueError(f"`y_true` and `y_pred` have incompatible shapes: y_true.shape={shapes[0]}, "
                         f"y_pred.shape={shapes[1]}.") from None


def in_top_k(targets, predictions, k):
    """Whether each target's score is among the ``k`` highest of its row (Keras's ``ops.in_top_k``).

    ``tf.math.in_top_k``'s rule: target ``t`` of row ``i`` is in when fewer than ``k`` scores are strictly
    greater than ``predictions[i, t]``, so ties at the boundary are all in. A row with a non-finite score, or a
    target outside ``[0, C)``, is out. ``k >= C`` puts every target in, ``k <= 0`` none.

    TF's ``InTopKV2`` kernel takes float32 predictions only, and Keras does not cast them: float64, float16,
    bfloat16, integer or bool scores fail there, so they raise a ``TypeError`` naming ``y_pred`` here.
    """
    if predictions.dtype != np.float32:
        raise TypeError(f"`y_pred` must be float32 scores: TF's in_top_k (InTopKV2) takes float32 only, and "
                        f"Keras does not cast them. Received: y_pred.dtype={predictions.dtype}")
    targets = np.asarray(targets)
    num_classes = predictions.shape[-1]
    inside = (targets >= 0) & (targets < num_classes)
    scores = np.take_along_axis(predictions, np.where(inside, targets, 0)[:, None], axis=-1)
    higher = np.count_nonzero(predictions > scores, axis=-1)
    return inside & np.isfinite(predictions).all(axis=-1) & (higher < k)


def accuracy(y_true, y_pred):
    """``1[y_true == y_pred]`` element-wise, in ``floatx``.

    ``y_true`` is cast to ``y_pred``'s dtype first (a float label 1.5 against an integer prediction is 1), then the
    rank rule squeezes or expands a trailing axis of size 1, then the two broadcast.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    shapes = y_true.shape, y_pred.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _equal(y_true, y_pred, shapes)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly: the streamed mean of :func:`accuracy`.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``1[ŷ == y]`` element-wise, with ``ŷ = 1[y_pred > threshold]`` cast to ``y_true``'s dtype; in ``floatx``.

    The threshold is a ``floatx`` number (0.7 is 0.69999999 in float32, also against float64 scores); a
    prediction exactly at it counts as negative; float labels other than 0 and 1 never match.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    threshold = np.asarray(threshold, dtype=config.floatx())
    shapes = y_true.shape, y_pred.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = np.greater(y_pred, threshold).astype(y_true.dtype)
    return _equal(y_true, y_pred, shapes)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``1[y_pred > threshold]`` equals the 0/1 label: the streamed mean of :func:`binary_accuracy`.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        threshold: the decision threshold on ``y_pred`` (a probability; use 0 for logits).
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


def categorical_accuracy(y_true, y_pred):
    """``1[argmax y_pred == argmax y_true]`` per sample (over the last axis), in ``floatx``.

    Ties go to the first maximal index, in both. When ``y_true`` has one axis more than ``y_pred`` (its argmax
    then has ``y_pred``'s rank), its trailing axis is squeezed and the matches reshaped back, as Keras does.
    """
    y_pred = np.asarray(y_pred)
    shapes = np.shape(y_true), y_pred.shape
    y_true = np.argmax(y_true, axis=-1).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim
    if reshape_matches:
        y_true = np.squeeze(y_true, -1)
    y_pred = np.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _equal(y_true, y_pred, shapes)
    return matches.reshape(original_shape) if reshape_matches else matches


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax`` of the one-hot label: the mean of :func:`categorical_accuracy`.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def sparse_categorical_accuracy(y_true, y_pred):
    """``1[argmax y_pred == y_true]`` per sample, in ``floatx``.

    ``y_true`` holds class ids, cast to ``y_pred``'s dtype (a float label 1.5 never matches); with ``y_pred``'s
    rank and a trailing 1 it is squeezed, and a trailing 1 of the matches is squeezed at the end. Ties in
    ``y_pred`` go to the first maximal index. Other shapes broadcast: labels (2, 1) against scores (1, 2, 3)
    compare each of the 2 labels with each of the 2 argmaxes.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    shapes = y_true.shape, y_pred.shape
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if reshape_matches:
        y_true = np.squeeze(y_true, -1)
    y_pred = np.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _equal(y_true, y_pred, shapes)
    if reshape_matches:
        matches = matches.reshape(original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = np.squeeze(matches, -1)
    return matches


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label: the handbook's test metric.

    The streamed mean of :func:`sparse_categorical_accuracy`.

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def _flatten_for_top_k(y_true, y_pred):
    """Scores to (samples, C) and labels to (samples,), Keras's reshape before ``in_top_k``."""
    if y_pred.ndim > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if y_true.ndim > 1:
        y_true = y_true.reshape(-1)
    return y_true, y_pred


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """``1[argmax y_true is among the k highest scores of y_pred]`` per sample, in ``floatx``.

    :func:`in_top_k`'s rule: ties at the k-th score all count as in, a row with a non-finite score is out, and
    ``k`` at least the number of classes gives 1 everywhere (no error). Samples may have extra axes: (N, T, C)
    gives (N, T) matches.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.argmax(np.asarray(y_true, dtype=y_pred.dtype), axis=-1)
    original_shape = y_true.shape
    y_true, y_pred = _flatten_for_top_k(y_true, y_pred)
    return in_top_k(y_true.astype(np.int32), y_pred, k).astype(config.floatx()).reshape(original_shape)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` highest scores: the mean of :func:`top_k_categorical_accuracy`.

    Args:
        k: how many of the highest scores count; default 5.
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """``1[y_true is among the k highest scores of y_pred]`` per sample, in ``floatx``.

    Args:
        y_true: class ids (N,) or (N, 1), cast to int32 (float ids are truncated).
        y_pred: scores (N, C), or with ``from_sorted_ids`` class ids sorted by decreasing score (N, ≥k); then the
            match is ``y_true ∈ y_pred[:, :k]``, compared in ``y_pred``'s dtype, counted once however often it
            appears.
        k: how many of the highest scores (or ids) count.

    Without ``from_sorted_ids``, :func:`in_top_k`'s rule: ties at the k-th score are in, non-finite rows and
    labels outside ``[0, C)`` are out.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype if from_sorted_ids else np.int32)
    original_shape = y_true.shape
    y_true, y_pred = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        matches = np.any(y_true[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    return matches.astype(config.floatx()).reshape(original_shape)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest scores: the mean of
    :func:`sparse_top_k_categorical_accuracy`.

    Args:
        k: how many of the highest scores count; default 5.
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
        from_sorted_ids: whether ``y_pred`` holds the top class ids, best first, instead of scores.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
