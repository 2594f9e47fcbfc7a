"""Intersection over union, mirroring ``keras/src/metrics/iou_metrics.py``.

Every class keeps one (num_classes × num_classes) confusion matrix ``total_confusion_matrix``, row = label,
column = prediction, summed over the batches (:func:`~reference.metrics.metrics_utils.confusion_matrix`), and
reads the mean IoU of its target classes off it (the formula is :class:`IoU`'s).
"""

import warnings

import numpy as np

from .. import config
from ..ops import flush_subnormal
from ..utils.argument_validation import check_positive_int
from . import metrics_utils
from .metric import Metric


class _IoUBase(Metric):
    """The streaming confusion matrix of class ids.

    Args:
        num_classes: how many classes (the matrix is num_classes × num_classes).
        name: default the class name in snake case, uniquified like a Keras auto-name.
        dtype: of the matrix and of the cast inputs; default ``"int64"`` (Keras's ``"int"``), so float class ids
            and float weights are truncated toward 0 (Keras warns about float weights; so do we).
        ignore_class: a label id whose elements are left out (e.g. a "void" class in segmentation).
        sparse_y_true, sparse_y_pred: whether each input holds class ids (default) or scores to ``argmax``.
        axis: the class axis for that ``argmax`` (default -1).

    Ids outside ``[0, num_classes)`` in either input are dropped, as Keras masks them.
    """

    _direction = "up"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype="int" if dtype is None else dtype)         # Keras: `dtype or "int"`
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(shape=(num_classes, num_classes), dtype=self.dtype,
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        shapes = f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        if not self.sparse_y_true:
            y_true = metrics_utils.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = metrics_utils.argmax(y_pred, axis=self.axis)
        y_true, y_pred = (y.astype(self.dtype) for y in (y_true, y_pred))
        y_true, y_pred = (y.reshape(-1) if y.ndim > 1 else y for y in (y_true, y_pred))   # Keras flattens rank > 1
        try:
            ids_shape = np.broadcast_shapes(y_true.shape, y_pred.shape)   # Keras's where(mask, ...) broadcasts them
        except ValueError:
            raise ValueError(f"`y_true` and `y_pred` must hold as many class ids, got {y_true.size} and "
                             f"{y_pred.size} ({shapes}).") from None
        if not ids_shape:   # Keras stacks the ids at axis 1 (tf.stack: "Argument `axis` = 1 not in range")
            raise ValueError(f"`y_true` and `y_pred` are single class ids ({shapes}, argmax over `axis`="
                             f"{self.axis} where not sparse): the confusion matrix needs a batch axis.")
        if sample_weight is None:
            sample_weight = 1
        elif np.asarray(sample_weight).dtype.kind == "f" and np.dtype(self.dtype).kind in "iu":
            warnings.warn("You are passing weight as `float`, but dtype is `int`. This may result in an incorrect "
                          "weight due to type casting Consider using integer weights.", stacklevel=2)
        sample_weight = np.asarray(sample_weight).astype(self.dtype)
        if sample_weight.ndim > 1:
            sample_weight = sample_weight.reshape(-1)
        try:
            sample_weight = np.broadcast_to(sample_weight, y_true.shape)
        except ValueError:
            raise ValueError(f"`sample_weight` of shape {sample_weight.shape} does not match the {y_true.size} "
                             f"class ids.") from None
        in_range = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            in_range &= y_true != self.ignore_class
        current = metrics_utils.confusion_matrix(np.where(in_range, y_true, 0), np.where(in_range, y_pred, 0),
                                                 self.num_classes, weights=np.where(in_range, sample_weight, 0),
                                                 dtype=self.dtype)
        self.total_cm.assign(self.total_cm + current)


class IoU(_IoUBase):
    r"""The mean IoU over ``target_class_ids`` (see the module docstring): ``IoU(num_classes, [c])`` is class
    ``c``'s IoU alone.

    Formula:

    $$
    \mathrm{IoU}_c = \frac{M_{cc}}{D_c + \epsilon}, \quad D_c = \sum_k M_{kc} + \sum_k M_{ck} - M_{cc}, \qquad
    \mathrm{result} = \frac{\sum_{c \in V} \mathrm{IoU}_c}{|V| + \epsilon}, \quad
    V = \{ c \in T : D_c > 10^{-9} \}
    $$

    where $M_{ck} = \sum w$ over the elements seen with label $c$ and prediction $k$ (``sample_weight``, 1
    without; ids outside $[0, K)$ and ``ignore_class`` dropped) is the $K \times K$ confusion matrix, $K$ =
    ``num_classes``, so $M_{cc}$, $D_c - M_{cc}$ are $\mathrm{TP}_c$ and $\mathrm{FP}_c + \mathrm{FN}_c$; $T$ is
    ``target_class_ids`` and $\epsilon$ = ``epsilon()``.

    Keras vs the textbook:

    * A class absent from both the labels and the predictions (denominator 0) is left out of the mean, not counted
      as 0 or 1; the $\epsilon$ in both divisions pulls every score slightly below the exact ratio.
    * The confusion matrix is integer (``dtype="int64"``) by default: float weights are truncated (Keras warns).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> print(np.round(rk.metrics.IoU(num_classes=2, target_class_ids=[0])(y_true, y_pred), 4))   # 1 / (2 + 2 - 1)
    0.3333
    >>> m = rk.metrics.IoU(num_classes=3, target_class_ids=[0, 2])
    >>> print(np.round(m(y_true, y_pred), 4))      # class 2 never appears: left out, the mean is class 0's alone
    0.3333

    Args:
        num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis: see ``_IoUBase``.
        target_class_ids: the classes to average over, each in ``[0, num_classes)``.

    The result is float32 whatever ``dtype`` is: Keras casts the counts to it.
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < -num_classes:
            raise ValueError(f"`target_class_ids` must be in [0, {num_classes}), got "
                             f"target_class_ids={target_class_ids}.")
        self.target_class_ids = target_class_ids

    def result(self):
        cm = self.total_cm.value
        true_positives = np.diag(cm).astype(self.dtype)
        denominator = cm.sum(axis=0).astype(self.dtype) + cm.sum(axis=1).astype(self.dtype) - true_positives
        ids = np.asarray(self.target_class_ids, dtype=np.int32)
        true_positives, denominator = true_positives[ids].astype(np.float32), denominator[ids].astype(np.float32)
        valid = denominator > 1e-9
        iou = np.where(valid, true_positives / (denominator + np.float32(config.epsilon())), np.float32(0))
        return np.sum(iou, axis=self.axis) / (np.sum(valid, dtype=np.float32) + np.float32(config.epsilon()))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    r"""IoU of two classes, predicted by ``y_pred >= threshold`` (compared in float32, as Keras does).

    Formula:

    $$
    \hat c_i = \mathbb{1}\big[\, \hat y_i \ge \tau \,\big], \qquad \mathrm{result} = \mathrm{IoU}_{T}(y, \hat c)
    $$

    where $\hat y_i$ is element $i$ of ``y_pred`` (as float32), $\tau$ = ``threshold``, $y$ the 0/1 labels, and
    $\mathrm{IoU}_T$ ``IoU``'s mean over $T$ = ``target_class_ids`` with $K = 2$ classes.

    Keras vs the textbook:

    * A class absent from both the labels and the predictions (denominator 0) is left out of the mean, not counted
      as 0 or 1; the $\epsilon$ in both divisions pulls every score slightly below the exact ratio.
    * The confusion matrix is integer (``dtype="int64"``) by default: float weights are truncated (Keras warns).
    * The threshold is inclusive ($\ge$), where :class:`~reference.metrics.Precision` and the other confusion
      metrics use $>$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.BinaryIoU(target_class_ids=[1])
    >>> print(np.round(m(np.array([0, 1, 1]), np.float32([0.2, 0.5, 0.9])), 4))   # 0.5 ≥ 0.5: class 1, IoU 2/2
    1.0
    >>> float(rk.metrics.BinaryIoU()(np.array([0, 1]), np.float32([0.5, 0.5])))   # both ≥ 0.5: IoUs 0 and 1/2
    0.25

    Args:
        target_class_ids: ``(0, 1)`` (default) for the mean of both, ``[1]`` for the positives' IoU alone.
        threshold: scores at or above it predict class 1 (note ``>=``, where the confusion metrics use ``>``).
        name, dtype: as :class:`IoU`; labels are cast to ``dtype`` (int64: truncated).
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true).astype(self.dtype)
        y_pred = flush_subnormal(np.asarray(y_pred).astype(np.float32))   # TF's cast flushes: -1e-40 is >= 0
        y_pred = (y_pred >= np.float32(self.threshold)).astype(self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    r"""The mean IoU over every class (``target_class_ids = range(num_classes)``).

    Formula:

    $$
    \mathrm{result} = \frac{1}{|V| + \epsilon} \sum_{c \in V} \mathrm{IoU}_c, \qquad
    V = \{ c \in \{0, \dots, K-1\} : D_c > 10^{-9} \}
    $$

    where $\mathrm{IoU}_c$ and $D_c$ are ``IoU``'s, $K$ = ``num_classes`` and $\epsilon$ = ``epsilon()``.

    Keras vs the textbook:

    * A class absent from both the labels and the predictions (denominator 0) is left out of the mean, not counted
      as 0 or 1; the $\epsilon$ in both divisions pulls every score slightly below the exact ratio.
    * The confusion matrix is integer (``dtype="int64"``) by default: float weights are truncated (Keras warns).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> print(np.round(rk.metrics.MeanIoU(num_classes=3)(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])), 4))
    0.3333
    >>> print(np.round(rk.metrics.MeanIoU(num_classes=3)(np.array([0, 1]), np.array([0, 1])), 4))   # class 2 left out
    1.0
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, target_class_ids=list(range(check_positive_int("num_classes", num_classes))),
                         name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    r""":class:`IoU` for one-hot labels (``sparse_y_true=False``) and, by default, scores (``sparse_y_pred=False``).

    Formula:

    $$
    c_i = \operatorname*{argmax}_k y_{ik}, \quad \hat c_i = \operatorname*{argmax}_k \hat y_{ik}, \qquad
    \mathrm{result} = \mathrm{IoU}_T(c, \hat c)
    $$

    where $y_{ik}$ is ``y_true`` (one-hot), $\hat y_{ik}$ the scores ``y_pred`` (class ids instead with
    ``sparse_y_pred=True``), $k$ runs over ``axis``, and $\mathrm{IoU}_T$ is ``IoU``'s mean over $T$ =
    ``target_class_ids``.

    Keras vs the textbook:

    * A class absent from both the labels and the predictions (denominator 0) is left out of the mean, not counted
      as 0 or 1; the $\epsilon$ in both divisions pulls every score slightly below the exact ratio.
    * The confusion matrix is integer (``dtype="int64"``) by default: float weights are truncated (Keras warns).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([[1, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> y_pred = np.float32([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.6, 0.1]])    # argmax: 0, 1, 1
    >>> print(np.round(rk.metrics.OneHotIoU(num_classes=3, target_class_ids=[0])(y_true, y_pred), 4))   # 1 / 2
    0.5
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    r""":class:`MeanIoU` for one-hot labels and, by default, scores.

    Formula:

    $$
    \mathrm{result} = \frac{1}{|V| + \epsilon} \sum_{c \in V} \mathrm{IoU}_c\big(\operatorname{argmax} y,\
    \operatorname{argmax} \hat y\big), \qquad V = \{ c : D_c > 10^{-9} \}
    $$

    where the labels and predictions are the argmaxes of ``y_true`` (one-hot) and ``y_pred`` (scores) along
    ``axis``, and $\mathrm{IoU}_c$, $D_c$ and $\epsilon$ are ``IoU``'s.

    Keras vs the textbook:

    * A class absent from both the labels and the predictions (denominator 0) is left out of the mean, not counted
      as 0 or 1; the $\epsilon$ in both divisions pulls every score slightly below the exact ratio.
    * The confusion matrix is integer (``dtype="int64"``) by default: float weights are truncated (Keras warns).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([[1, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> y_pred = np.float32([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.6, 0.1]])    # argmax: 0, 1, 1
    >>> print(np.round(rk.metrics.OneHotMeanIoU(num_classes=3)(y_true, y_pred), 4))  # (1/2 + 1/2) / 2; class 2 left out
    0.5
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
