"""Metrics, mirroring Keras 3 (``keras/src/metrics``).

A metric keeps running state across batches. For the mean metrics (every
accuracy here) the state is two scalars in ``floatx``::

    total += Σᵢ wᵢ·valueᵢ        count += Σᵢ wᵢ        result = total / count

(``count`` adds the batch size when there are no weights; ``result`` is 0 when
``count`` is 0, Keras's ``divide_no_nan``). Because only sums are kept, the
result does not depend on how the data is split into batches, up to float
rounding.
"""

import numpy as np

from . import config, losses


class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``."""

    def __init__(self, name=None, dtype=None):
        self.name = name or type(self).__name__.lower()
        self.dtype = config.standardize_dtype(dtype).name

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Update with one batch, then return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name} result={self.result()}>"


def _align_weights(values, sample_weight, dtype):
    """Keras's ``reduce_to_samplewise_values``: shape the weights to the values.

    Returns ``(weighted values per sample, weight per sample)``.
    """
    w = np.asarray(sample_weight, dtype=dtype)
    if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
        w = w[..., 0] if values.ndim != 1 else w
        values = values[:, None] if values.ndim == 1 else values
    elif values.ndim == w.ndim + 1 and values.shape[-1] == 1:
        w = w[:, None] if w.ndim == 1 else w
        values = values if w.ndim == values.ndim else values[..., 0]
    if values.ndim > w.ndim:
        values = values.mean(axis=tuple(range(w.ndim, values.ndim)))
    try:
        w = np.broadcast_to(w, values.shape)
    except ValueError:
        raise ValueError(f"`sample_weight` of shape {np.shape(sample_weight)} does not broadcast to "
                         f"the values of shape {values.shape}.") from None
    values = values * w
    if w.ndim > 1:
        w = w.mean(axis=tuple(range(1, w.ndim)))
    return values, w


class Mean(Metric):
    """The (weighted) mean of the values given to ``update_state(values, sample_weight=None)``."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = np.zeros((), dtype=self.dtype)
        self.count = np.zeros((), dtype=self.dtype)

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, dtype=self.dtype)
        if sample_weight is not None:
            values, sample_weight = _align_weights(values, sample_weight, self.dtype)
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total += values.sum(dtype=self.dtype)
        if sample_weight is not None:
            self.count += sample_weight.sum(dtype=self.dtype)
        else:
            self.count += self.total.dtype.type(values.shape[0] if values.ndim else 1)

    def result(self):
        return self.total / self.count if self.count != 0 else np.zeros((), dtype=self.dtype)


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred)`` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in losses.ALL_FUNCTIONS.values() or type(fn) in losses.ALL_CLASSES.values():
            self._direction = "down"  # a loss: lower is better (read by EarlyStopping's mode="auto")

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _argmax_matches(y_true, y_pred_classes):
    """Shared tail of the accuracies: compare, then squeeze a trailing 1 away."""
    matches = (y_true == y_pred_classes).astype(config.floatx())
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


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


def categorical_accuracy(y_true, y_pred):
    """1 where ``argmax(y_pred) == argmax(y_true)``, else 0; per sample."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape, "
                         f"got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    return _argmax_matches(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1))


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


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label: the seed's test metric."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax`` of the one-hot label."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


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
    y_true, y_pred = losses.squeeze_or_expand_to_same_rank(y_true, y_pred)
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


class FalseNegatives(Metric):
    """The (weighted) count of positives predicted negative, at one or more thresholds.

    An element is a false negative at threshold ``t`` when ``y_true != 0`` and
    ``y_pred <= t``; with ``sample_weight`` each counts its weight. The result
    is a scalar for one threshold, else one count per threshold.

    Args:
        thresholds: a float in [0, 1] or a list of them; default 0.5.
        name: default ``"false_negatives"``, uniquified like a Keras auto-name
            (``"false_negatives_1"``, ... for later instances).
        dtype: recorded, but as in Keras the counts are kept (and the inputs
            compared) in ``floatx()`` as it was when the metric was made.

    As Keras (``keras/src/metrics/metrics_utils.py``), ``y_pred`` is compared
    with each threshold unless there are 3 or more evenly spaced thresholds
    from 0 to 1; then Keras buckets instead: ``y_pred`` is clipped to [0, 1]
    and counts as positive at threshold ``i`` when ``ceil(y_pred·(T-1)) - 1 >= i``
    (``T`` thresholds), which can differ from ``y_pred > tᵢ`` by rounding.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        from .layers import _auto_name  # Keras names metrics and layers from one counter per prefix
        super().__init__(name=name or _auto_name(type(self).__name__), dtype=dtype)
        listed = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
        if thresholds is not None and any(t is None or not 0 <= t <= 1 for t in listed):
            raise ValueError(f"`thresholds` must be in [0, 1], got thresholds={thresholds!r}.")
        self.init_thresholds = thresholds
        self.thresholds = [0.5] if thresholds is None else listed
        count = len(self.thresholds)
        self._evenly_distributed = count >= 3 and np.allclose(
            self.thresholds, np.arange(count, dtype=np.float32) / (count - 1), atol=config.epsilon())
        self._variable_dtype = config.floatx()  # Keras's `add_variable(dtype=None)`
        self.reset_state()

    def reset_state(self):
        self.accumulator = np.zeros(len(self.thresholds), dtype=self._variable_dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        dtype = self._variable_dtype
        y_pred, y_true = losses.squeeze_or_expand_to_same_rank(
            np.asarray(y_pred, dtype=dtype), np.asarray(y_true, dtype=dtype))
        weights = np.ones((), dtype=dtype)
        if sample_weight is not None:
            weights = np.expand_dims(np.asarray(sample_weight, dtype=dtype), -1)
            if weights.ndim == y_true.ndim + 1 and weights.shape[-1] == 1:
                weights = weights[..., 0]
        weights = np.broadcast_to(weights, y_pred.shape).reshape(-1)
        positive = (y_true != 0).reshape(-1)
        y_pred = y_pred.reshape(-1)
        if self._evenly_distributed:
            count = len(self.thresholds)
            y_pred = np.clip(y_pred, 0, 1)
            buckets = (np.ceil(y_pred * y_pred.dtype.type(count - 1)) - 1).astype(np.int32)
            true_labels = np.where(positive, weights, 0).astype(dtype)
            per_bucket = np.zeros(count, dtype=dtype)
            np.add.at(per_bucket, buckets[buckets >= 0], true_labels[buckets >= 0])
            true_positives = np.cumsum(per_bucket[::-1], dtype=dtype)[::-1]
            self.accumulator += true_labels.sum(dtype=dtype) - true_positives
            return
        thresholds = np.asarray(self.thresholds, dtype=dtype)[:, None]
        missed = positive & ~(y_pred > thresholds)                # (thresholds, elements)
        self.accumulator += np.where(missed, weights, 0).sum(axis=1, dtype=dtype)

    def result(self):
        return self.accumulator[0] if len(self.thresholds) == 1 else self.accumulator.copy()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class MeanSquaredError(MeanMetricWrapper):
    """The mean of :func:`reference.losses.mean_squared_error` over all samples seen."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean of :func:`reference.losses.binary_crossentropy` over all samples seen."""

    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


ALL = {c.__name__: c for c in (Mean, SparseCategoricalAccuracy, CategoricalAccuracy, Accuracy,
                               BinaryAccuracy, FalseNegatives, MeanSquaredError, BinaryCrossentropy)}
ALL_FUNCTIONS = {f.__name__: f for f in (sparse_categorical_accuracy, categorical_accuracy, accuracy,
                                         binary_accuracy)}
ALIASES = {  # Keras also knows each class by its snake_case name, and some by a short one
    "mean": Mean, "accuracy": Accuracy, "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "categorical_accuracy": CategoricalAccuracy, "binary_accuracy": BinaryAccuracy,
    "false_negatives": FalseNegatives, "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "MSE": MeanSquaredError, "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
}


def get(identifier):
    """A metric from a ``Metric``, a class name, a function name, or a function."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]()
    if isinstance(identifier, str) and identifier in ALIASES:
        return ALIASES[identifier]()
    if isinstance(identifier, str) and identifier in ALL_FUNCTIONS:
        return MeanMetricWrapper(ALL_FUNCTIONS[identifier])
    if callable(identifier) and not isinstance(identifier, type):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Unknown metric {identifier!r}. Expected a Metric, a function, or one of "
                     f"{sorted(ALL) + sorted(set(ALIASES) | set(ALL_FUNCTIONS))}.")
