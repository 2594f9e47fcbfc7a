"""The accuracies, mirroring ``keras/src/metrics/accuracy_metrics.py``."""

import numpy as np

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank
from .reduction_metrics import MeanMetricWrapper


def _argmax_matches(y_true, y_pred_classes):
    """Shared tail of the accuracies: compare, then squeeze a trailing 1 away."""
    matches = (y_true == y_pred_classes).astype(config.floatx())
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


def accuracy(y_true, y_pred):
    """1 where ``y_pred == y_true`` exactly, else 0; element-wise (Keras ``Accuracy``)."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    return (y_true == y_pred.astype(y_true.dtype)).astype(config.floatx())


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where ``[y_pred > threshold]`` equals ``y_true``, else 0; element-wise (Keras ``binary_accuracy``).

    Labels (N,) and outputs (N, 1) are first brought to the same rank, as
    Keras does; the thresholded prediction is cast to ``y_true``'s dtype
    before the comparison, so float labels other than 0 and 1 never match.
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = (y_pred > np.asarray(threshold, dtype=config.floatx())).astype(y_true.dtype)
    return (y_true == y_pred).astype(config.floatx())


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``[y_pred > threshold]`` equals the 0/1 label.

    Args:
        name, dtype: see :class:`Metric`.
        threshold: the decision threshold on ``y_pred`` (a probability; use 0 for logits).
    """

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


def categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_pred) == argmax(y_true)``, else 0; per sample."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    return _argmax_matches(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1))


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax`` of the one-hot label."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_pred) == y_true``, else 0; per sample.

    ``y_true`` may be (N,) or (N, 1); ties in ``y_pred`` go to the first
    maximal index (``argmax``). Labels are compared as floats, as Keras casts
    them to ``y_pred``'s dtype.
    """
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = y_pred.astype(config.floatx())
    y_true = np.asarray(y_true).astype(y_pred.dtype)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"`y_true` must have the shape of `y_pred` without its last axis (or with a trailing 1): "
                         f"got y_true.shape={np.shape(y_true)}, y_pred.shape={y_pred.shape}.")
    return _argmax_matches(y_true, np.argmax(y_pred, axis=-1).astype(y_pred.dtype))


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label: the handbook's test metric."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)
