"""The accuracies, mirroring ``keras/src/metrics/accuracy_metrics.py``.

Each is a function returning one match (1.0 or 0.0, in ``floatx``) per sample, and a
:class:`~reference.metrics.reduction_metrics.MeanMetricWrapper` around it that streams their (weighted) mean.
As in Keras, the shapes are not checked: after the rank rule the comparison broadcasts, so ``y_true`` (2, 1)
against ``argmax(y_pred)`` (1, 2) compares every label with every prediction (Keras's ``test_reshape_matches``).
"""

import numpy as np

from .. import config
from ..losses.loss import squeeze_or_expand_to_same_rank
from ..ops import flush_subnormal
from .metrics_utils import argmax
from .reduction_metrics import MeanMetricWrapper


def _equal(y_true, y_pred, shapes):
    """``y_true == y_pred`` broadcast, as ``floatx`` 1.0/0.0; when they do not broadcast, a ``ValueError`` naming
    both, with their shapes as given (``shapes``)."""
    try:
        return np.equal(flush_subnormal(y_true), flush_subnormal(y_pred)).astype(config.floatx())  # TF's DAZ
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
    r"""How often predictions equal labels exactly: the streamed mean of :func:`accuracy`.

    Formula:

    $$
    a_{ij} = \mathbb{1}\big[\, y_{ij} = \hat y_{ij} \,\big], \qquad
    \mathrm{result} = \frac{\sum_i w_i \frac{1}{d}\sum_{j=1}^{d} a_{ij}}{\sum_i w_i}
    $$

    where $y_{ij}$ and $\hat y_{ij}$ are the $j$-th of the $d$ elements of sample $i$ of ``y_true`` (cast to
    ``y_pred``'s dtype first) and ``y_pred``, $\mathbb{1}[\cdot]$ is 1 when true and 0 otherwise, $w_i$ the
    ``sample_weight`` (1 without), and the sums run over every sample seen since the last reset (0 when
    $\sum_i w_i = 0$).

    Keras vs the textbook:

    * Exact equality, after ``y_true`` is cast to ``y_pred``'s dtype: a float label 1.5 against integer predictions
      is truncated to 1 and matches a prediction of 1.
    * The shapes are not checked: after the rank rule the two broadcast, so labels (2, 1) against predictions (1, 2)
      compare every label with every prediction.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())                                    # 3 of 4 equal
    0.75
    >>> float(rk.metrics.Accuracy()([1.5], np.int32([1])))   # 1.5 cast to int32 is 1
    1.0

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def binary_accuracy(y_true, y_pred, threshold=0.5):
    r"""``1[ŷ == y]`` element-wise, with ``ŷ = 1[y_pred > threshold]`` cast to ``y_true``'s dtype; in ``floatx``.

    Formula:

    $$
    a_{ij} = \mathbb{1}\Big[\, y_{ij} = \mathbb{1}\big[\hat y_{ij} > \tau\big] \,\Big]
    $$

    one value per *element*, where $y_{ij}$ is ``y_true``, $\hat y_{ij}$ is ``y_pred``, $\tau$ is ``threshold``
    rounded to ``floatx``, and $\mathbb{1}[\cdot]$ is 1 when true, 0 otherwise. ``BinaryAccuracy`` averages
    the $a_{ij}$ per sample, then over the samples (weighted).

    Keras vs the textbook:

    * The comparison is strict: a score exactly at $\tau$ is a negative.
    * $\tau$ is a ``floatx`` number (0.7 is 0.69999999 in float32, also against float64 scores).
    * The label is compared, not thresholded: a soft label (0.5) never matches.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([1., 0., 1., 0.5])
    >>> y_pred = np.float32([0.7, 0.5, 0.3, 0.9])
    >>> rk.metrics.binary_accuracy(y_true, y_pred)   # 0.5 is at the threshold: a negative, as labelled
    array([1., 1., 0., 0.], dtype=float32)
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    threshold = np.asarray(threshold, dtype=config.floatx())
    shapes = y_true.shape, y_pred.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = np.greater(flush_subnormal(y_pred), threshold).astype(y_true.dtype)
    return _equal(y_true, y_pred, shapes)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``1[y_pred > threshold]`` equals the 0/1 label: the streamed mean of :func:`binary_accuracy`.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.BinaryAccuracy(threshold=0.)      # logits: positive above 0
    >>> m.update_state(np.float32([[1., 1.], [0., 0.]]), np.float32([[2., 0.], [-1., -3.]]))
    >>> float(m.result())            # the logit 0 is not above 0: 3 of 4 elements right
    0.75
    >>> m.update_state(np.float32([[1., 1.]]), np.float32([[5., 5.]]), sample_weight=[2.])
    >>> float(m.result())            # per-sample means 0.5, 1 and 1, weighted 1, 1, 2: (0.5 + 1 + 2) / 4
    0.875

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
    r"""``1[argmax y_pred == argmax y_true]`` per sample (over the last axis), in ``floatx``.

    Ties go to the first maximal index, in both. When ``y_true`` has one axis more than ``y_pred`` (its argmax
    then has ``y_pred``'s rank), its trailing axis is squeezed and the matches reshaped back, as Keras does.

    Formula:

    $$
    a_i = \mathbb{1}\Big[\, \operatorname*{argmax}_j \hat y_{ij} = \operatorname*{argmax}_j y_{ij} \,\Big]
    $$

    where $y_{ij}$ is ``y_true`` (one-hot, or any scores), $\hat y_{ij}$ is ``y_pred``, $j$ runs over the last
    axis, $\operatorname{argmax}$ returns the *first* maximal index, and $\mathbb{1}[\cdot]$ is 1 when true.
    ``CategoricalAccuracy`` averages the $a_i$ over the samples (weighted).

    Keras vs the textbook:

    * Ties are not shared: the first maximal index wins, so scores (0.4, 0.2, 0.4) predict class 0 only and a label
      on class 2 scores 0, where :func:`top_k_categorical_accuracy` with ``k=1`` scores it 1.
    * -0 is below +0 (Keras's :func:`~reference.metrics.metrics_utils.argmax`): scores (-0, 0) predict class 1.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([[0, 1, 0], [0, 0, 1]])
    >>> y_pred = np.float32([[0.1, 0.6, 0.3], [0.4, 0.2, 0.4]])
    >>> rk.metrics.categorical_accuracy(y_true, y_pred)    # row 2's tie goes to index 0, not 2
    array([1., 0.], dtype=float32)
    """
    y_pred = np.asarray(y_pred)
    shapes = np.shape(y_true), y_pred.shape
    y_true = argmax(y_true, axis=-1).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim
    if reshape_matches:
        y_true = np.squeeze(y_true, -1)
    y_pred = argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _equal(y_true, y_pred, shapes)
    return matches.reshape(original_shape) if reshape_matches else matches


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals ``argmax`` of the one-hot label: the mean of :func:`categorical_accuracy`.

    The per-sample matches are averaged over every sample seen, weighted by ``sample_weight`` (:class:`Mean`).

    Args:
        name, dtype: see :class:`~reference.metrics.metric.Metric`.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def sparse_categorical_accuracy(y_true, y_pred):
    r"""``1[argmax y_pred == y_true]`` per sample, in ``floatx``.

    ``y_true`` holds class ids, cast to ``y_pred``'s dtype (a float label 1.5 never matches); with ``y_pred``'s
    rank and a trailing 1 it is squeezed, and a trailing 1 of the matches is squeezed at the end. Ties in
    ``y_pred`` go to the first maximal index. Other shapes broadcast: labels (2, 1) against scores (1, 2, 3)
    compare each of the 2 labels with each of the 2 argmaxes.

    Formula:

    $$
    a_i = \mathbb{1}\Big[\, \operatorname*{argmax}_j \hat y_{ij} = y_i \,\Big]
    $$

    where $y_i$ is the class id of ``y_true`` (in ``y_pred``'s dtype), $\hat y_{ij}$ is ``y_pred``, $j$ runs over
    the last axis, $\operatorname{argmax}$ returns the *first* maximal index, and $\mathbb{1}[\cdot]$ is 1 when
    true. ``SparseCategoricalAccuracy`` averages the $a_i$ over the samples (weighted).

    Keras vs the textbook:

    * Ties are not shared: the first maximal index wins (scores (0.4, 0.2, 0.4) predict class 0 only); -0 is below
      +0 (scores (-0, 0) predict class 1).
    * The label is compared as a number in ``y_pred``'s dtype: a float label 1.5 never matches, and is no error.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_pred = np.float32([[0.1, 0.6, 0.3], [0.4, 0.2, 0.4], [0., 1., 0.]])
    >>> rk.metrics.sparse_categorical_accuracy(np.float32([1, 2, 1.5]), y_pred)   # row 2's tie goes to 0
    array([1., 0., 0.], dtype=float32)
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    shapes = y_true.shape, y_pred.shape
    original_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if reshape_matches:
        y_true = np.squeeze(y_true, -1)
    y_pred = argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _equal(y_true, y_pred, shapes)
    if reshape_matches:
        matches = matches.reshape(original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = np.squeeze(matches, -1)
    return matches


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` equals the integer label: the handbook's test metric.

    The streamed mean of :func:`sparse_categorical_accuracy`.

    The per-sample matches are averaged over every sample seen, weighted by ``sample_weight`` (:class:`Mean`).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.SparseCategoricalAccuracy()
    >>> m.update_state([2, 1], np.float32([[0.1, 0.6, 0.3], [0.05, 0.95, 0.]]))
    >>> float(m.result())     # row 1 predicts 1, not 2; row 2 is right
    0.5
    >>> m.update_state([0], np.float32([[0.5, 0.5, 0.]]), sample_weight=[2.])
    >>> float(m.result())     # the tie goes to index 0, a match weighing 2: (0 + 1 + 2) / (1 + 1 + 2)
    0.75

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
    r"""``1[argmax y_true is among the k highest scores of y_pred]`` per sample, in ``floatx``.

    :func:`in_top_k`'s rule: ties at the k-th score all count as in, a row with a non-finite score is out, and
    ``k`` at least the number of classes gives 1 everywhere (no error). Samples may have extra axes: (N, T, C)
    gives (N, T) matches.

    Formula:

    $$
    a_i = \mathbb{1}\Big[\, \big|\{\, j : \hat y_{ij} > \hat y_{i c_i} \,\}\big| < k \,\Big]
          \cdot \mathbb{1}\big[\, \hat y_{ij} \text{ finite for every } j \,\big],
    \qquad c_i = \operatorname*{argmax}_j y_{ij}
    $$

    where $y_{ij}$ is ``y_true`` (one-hot), $\hat y_{ij}$ the float32 scores ``y_pred``, $j$ runs over the $C$
    classes of the last axis, $c_i$ is the first maximal index of the label, and $\mathbb{1}[\cdot]$ is 1 when
    true: the labelled class is in when fewer than $k$ scores are strictly above its own (TF's ``in_top_k``).

    Keras vs the textbook:

    * Ties at the $k$-th score are all in: scores (0.4, 0.4, 0.2) put *both* classes 0 and 1 in the top 1, so the
      top-1 accuracy can exceed :func:`categorical_accuracy`, whose argmax keeps class 0 only.
    * A row with a NaN or infinite score scores 0, and $k \ge C$ gives 1 (no error).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([[0, 0, 1], [0, 1, 0]])
    >>> y_pred = np.float32([[0.1, 0.6, 0.3], [0.4, 0.4, 0.2]])
    >>> rk.metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)   # 0.3 is row 1's second highest
    array([1., 1.], dtype=float32)
    >>> rk.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1)   # row 2: no score above 0.4, so in
    array([0., 1.], dtype=float32)
    """
    y_pred = np.asarray(y_pred)
    y_true = argmax(np.asarray(y_true, dtype=y_pred.dtype), axis=-1)
    original_shape = y_true.shape
    y_true, y_pred = _flatten_for_top_k(y_true, y_pred)
    return in_top_k(y_true.astype(np.int32), y_pred, k).astype(config.floatx()).reshape(original_shape)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the ``k`` highest scores: the mean of :func:`top_k_categorical_accuracy`.

    The per-sample matches are averaged over every sample seen, weighted by ``sample_weight`` (:class:`Mean`).

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
    r"""``1[y_true is among the k highest scores of y_pred]`` per sample, in ``floatx``.

    Formula:

    $$
    a_i = \begin{cases}
    \mathbb{1}\big[\, |\{ j : \hat y_{ij} > \hat y_{i y_i} \}| < k \,\big]
        \cdot \mathbb{1}\big[\, 0 \le y_i < C \text{ and every } \hat y_{ij} \text{ finite} \,\big]
        & \text{scores,} \\
    \mathbb{1}\big[\, y_i \in \{\hat y_{i1}, \dots, \hat y_{ik}\} \,\big] & \text{with } \texttt{from\_sorted\_ids}
    \end{cases}
    $$

    where $y_i$ is the class id of ``y_true``, $\hat y_{ij}$ the float32 score of class $j$ in ``y_pred`` ($C$
    classes) or, with ``from_sorted_ids``, the $j$-th best class id, and $\mathbb{1}[\cdot]$ is 1 when true.

    Keras vs the textbook:

    * Ties at the $k$-th score are all in (TF's ``in_top_k``): scores (0.4, 0.4, 0.2) put classes 0 and 1 in the
      top 1.
    * A row with a NaN or infinite score, or a label outside $[0, C)$, scores 0; $k \ge C$ gives 1.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_pred = np.float32([[0.1, 0.6, 0.3], [0.4, 0.4, 0.2], [0.2, 0.3, np.nan]])
    >>> rk.metrics.sparse_top_k_categorical_accuracy([2, 1, 1], y_pred, k=1)   # 0.6 > 0.3; a tie; a NaN row
    array([0., 1., 0.], dtype=float32)

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

    The per-sample matches are averaged over every sample seen, weighted by ``sample_weight`` (:class:`Mean`).

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
