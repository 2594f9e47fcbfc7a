"""The thresholded binary metrics, mirroring ``keras/src/metrics/confusion_metrics.py``.

Every class here keeps some of the four confusion counts, one per threshold, and updates them with
:func:`~reference.metrics.metrics_utils.update_confusion_matrix_variables` (which also says when Keras buckets
instead of comparing). Labels are positives where nonzero; predictions are scores, positive above a threshold
(strictly). The counts are kept in ``floatx()`` whatever ``dtype`` says, as Keras's ``add_variable(dtype=None)``;
inputs are cast to it first, so int and bool inputs work. Every ratio is Keras's ``divide_no_nan``: 0, not NaN,
when its denominator is 0 (no positives, no predicted positives, ...).
"""

import numpy as np

from .. import config
from ..activations import sigmoid
from ..ops import divide_no_nan
from . import metrics_utils
from .metric import Metric
from .metrics_utils import (FALSE_NEGATIVES, FALSE_POSITIVES, TRUE_NEGATIVES, TRUE_POSITIVES, AUCCurve,
                            AUCSummationMethod)


class _ConfusionMatrixConditionCount(Metric):
    """The (weighted) count of one confusion-matrix cell, at one or more thresholds.

    Args:
        thresholds: a float in [0, 1] or a list of them; default 0.5. One count per threshold.
        name: default the class name in snake case, uniquified like a Keras auto-name.
        dtype: recorded; the count itself is kept in ``floatx()``, as in Keras.

    The state is one variable, ``accumulator``, of shape (thresholds,); ``result`` is its only element for
    one threshold, else the whole array.
    """

    _condition = None  # a key of metrics_utils.CONFUSION_MATRIX

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {self._condition: self.accumulator}, y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly, sample_weight=sample_weight)

    def result(self):
        return self.accumulator[0] if len(self.thresholds) == 1 else self.accumulator.numpy()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    r"""``TP(t) = Σ w·[y ≠ 0]·[p > t]``: the (weighted) count of positives predicted positive.

    Formula:

    $$
    \mathrm{TP}(t) = \sum_i w_i\, \mathbb{1}\big[\, y_i \neq 0 \,\big]\, \mathbb{1}\big[\, p_i > t \,\big]
    $$

    where $i$ runs over every element of every batch seen (``y_true`` and ``y_pred`` flattened alike), $y_i$ is the
    label, $p_i$ the score, $w_i$ the ``sample_weight`` broadcast to the elements (1 without), $t$ each of
    ``thresholds`` (default 0.5: one count per threshold), and $\mathbb{1}[\cdot]$ is 1 when true.

    Keras vs the textbook:

    * The comparison is strict: a score exactly at $t$ is a negative. A label is a positive when it is nonzero.
    * With 3 or more thresholds evenly spaced from 0 to 1, Keras buckets instead of comparing: scores are clipped to
      [0, 1] and fall in bucket $\lceil p(T-1)\rceil - 1$, which can differ from $p > t$ where $p(T-1)$ rounds
      across an integer.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.metrics.TruePositives()(np.array([0, 1, 1, 1]), np.float32([1., 0., 1., 1.])))
    2.0
    >>> m = rk.metrics.TruePositives(thresholds=[0., 0.5])
    >>> m(np.array([1, 1]), np.float32([0.5, 0.7]))     # 0.5 is above 0 but not above 0.5
    array([2., 1.], dtype=float32)
    """

    _condition = TRUE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    r"""``TN(t) = Σ w·[y = 0]·[p ≤ t]``: the (weighted) count of negatives predicted negative.

    Formula:

    $$
    \mathrm{TN}(t) = \sum_i w_i\, \mathbb{1}\big[\, y_i = 0 \,\big]\, \mathbb{1}\big[\, p_i \le t \,\big]
    $$

    where $i$ runs over every element of every batch seen (``y_true`` and ``y_pred`` flattened alike), $y_i$ is the
    label, $p_i$ the score, $w_i$ the ``sample_weight`` broadcast to the elements (1 without), $t$ each of
    ``thresholds`` (default 0.5: one count per threshold), and $\mathbb{1}[\cdot]$ is 1 when true.

    Keras vs the textbook:

    * The comparison is strict: a score exactly at $t$ is a negative. A label is a positive when it is nonzero.
    * With 3 or more thresholds evenly spaced from 0 to 1, Keras buckets instead of comparing: scores are clipped to
      [0, 1] and fall in bucket $\lceil p(T-1)\rceil - 1$, which can differ from $p > t$ where $p(T-1)$ rounds
      across an integer.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.TrueNegatives()
    >>> float(m(np.array([0, 0, 1]), np.float32([0.5, 0.9, 0.1]), sample_weight=[2., 1., 1.]))   # 0.5 is not > 0.5
    2.0
    """

    _condition = TRUE_NEGATIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    r"""``FP(t) = Σ w·[y = 0]·[p > t]``: the (weighted) count of negatives predicted positive.

    Formula:

    $$
    \mathrm{FP}(t) = \sum_i w_i\, \mathbb{1}\big[\, y_i = 0 \,\big]\, \mathbb{1}\big[\, p_i > t \,\big]
    $$

    where $i$ runs over every element of every batch seen (``y_true`` and ``y_pred`` flattened alike), $y_i$ is the
    label, $p_i$ the score, $w_i$ the ``sample_weight`` broadcast to the elements (1 without), $t$ each of
    ``thresholds`` (default 0.5: one count per threshold), and $\mathbb{1}[\cdot]$ is 1 when true.

    Keras vs the textbook:

    * The comparison is strict: a score exactly at $t$ is a negative. A label is a positive when it is nonzero.
    * With 3 or more thresholds evenly spaced from 0 to 1, Keras buckets instead of comparing: scores are clipped to
      [0, 1] and fall in bucket $\lceil p(T-1)\rceil - 1$, which can differ from $p > t$ where $p(T-1)$ rounds
      across an integer.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.FalsePositives()
    >>> y_true, y_pred = np.array([0, 0, 0, 1]), np.float32([0.9, 0.5, 0.2, 0.9])
    >>> float(m(y_true, y_pred, sample_weight=[3., 1., 1., 1.]))   # only the 0.9 of a negative, weighing 3
    3.0
    """

    _condition = FALSE_POSITIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    r"""``FN(t) = Σ w·[y ≠ 0]·[p ≤ t]``: the (weighted) count of positives predicted negative.

    Formula:

    $$
    \mathrm{FN}(t) = \sum_i w_i\, \mathbb{1}\big[\, y_i \neq 0 \,\big]\, \mathbb{1}\big[\, p_i \le t \,\big]
    $$

    where $i$ runs over every element of every batch seen (``y_true`` and ``y_pred`` flattened alike), $y_i$ is the
    label, $p_i$ the score, $w_i$ the ``sample_weight`` broadcast to the elements (1 without), $t$ each of
    ``thresholds`` (default 0.5: one count per threshold), and $\mathbb{1}[\cdot]$ is 1 when true.

    Keras vs the textbook:

    * The comparison is strict: a score exactly at $t$ is a negative. A label is a positive when it is nonzero.
    * With 3 or more thresholds evenly spaced from 0 to 1, Keras buckets instead of comparing: scores are clipped to
      [0, 1] and fall in bucket $\lceil p(T-1)\rceil - 1$, which can differ from $p > t$ where $p(T-1)$ rounds
      across an integer.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.metrics.FalseNegatives()(np.array([1, 1, 0]), np.float32([0.5, 0.9, 0.1])))   # 0.5: not above
    1.0
    """

    _condition = FALSE_NEGATIVES


class _PrecisionOrRecall(Metric):
    """``TP / (TP + other)`` per threshold: Precision (``other = FP``) or Recall (``other = FN``).

    Args:
        thresholds: a float in [0, 1] or a list of them; default 0.5, or :data:`~metrics_utils.NEG_INF` with
            ``top_k`` (every kept score is then a positive). One result per threshold.
        top_k: count only the ``k`` highest scores of each row as candidates (the rest become ``NEG_INF``).
        class_id: look only at this column of the last axis (after ``top_k``).
        name, dtype: as for every metric; the counts are kept in ``floatx()``.
    """

    _direction = "up"
    _other = None  # (variable name, confusion-matrix key) of the denominator's second count

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.true_positives = self.add_variable(shape=(len(self.thresholds),), name="true_positives")
        other_name, _ = self._other
        setattr(self, other_name, self.add_variable(shape=(len(self.thresholds),), name=other_name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        other_name, other_key = self._other
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, other_key: getattr(self, other_name)}, y_true, y_pred,
            thresholds=self.thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight)

    def result(self):
        tp, other = self.true_positives.value, getattr(self, self._other[0]).value
        result = divide_no_nan(tp, tp + other)
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionOrRecall):
    r"""How many predicted positives are positives: ``TP / (TP + FP)`` at each threshold.

    With ``top_k``, how often a class among a row's ``k`` highest scores is in its label; with ``class_id``, the
    precision of that one column. State: ``true_positives``, ``false_positives``.

    Formula:

    $$
    \mathrm{precision}(t) = \frac{\mathrm{TP}(t)}{\mathrm{TP}(t) + \mathrm{FP}(t)} \quad (0 \text{ when }
    \mathrm{TP}(t) + \mathrm{FP}(t) = 0)
    $$

    where $\mathrm{TP}(t)$ and $\mathrm{FP}(t)$ are the counts of ``TruePositives`` and
    ``FalsePositives`` at threshold $t$ over everything seen, after ``top_k`` (scores
    outside a row's $k$ highest become $-10^{10}$, and $t$ defaults to $-10^{10}$) and ``class_id`` (one column).

    Keras vs the textbook:

    * A zero denominator gives 0 (``divide_no_nan``), where the ratio is undefined.
    * With ``top_k``, ties go to the lower index (``tf.math.top_k``): scores (1, 1, 1, 1) keep classes 0 and 1 only,
      whereas :func:`~reference.metrics.top_k_categorical_accuracy` (``in_top_k``) counts every tied class in.
    * The comparison is strict ($p > t$), and evenly spaced thresholds bucket (see
      :class:`~reference.metrics.TruePositives`).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.metrics.Precision()(np.array([0, 1, 1, 0]), np.float32([0.9, 0.8, 0.2, 0.1])))  # 0.9 and 0.8 above
    0.5
    >>> float(rk.metrics.Precision()(np.array([1]), np.float32([0.5])))   # nothing predicted positive: 0, not NaN
    0.0
    >>> float(rk.metrics.Precision(top_k=2)(np.float32([[0, 0, 1, 1]]), np.float32([[1, 1, 1, 1]])))  # keeps 0, 1
    0.0
    """

    _other = ("false_positives", FALSE_POSITIVES)


class Recall(_PrecisionOrRecall):
    r"""How many positives are predicted positive: ``TP / (TP + FN)`` at each threshold.

    With ``top_k``, how often a row's labelled class is among its ``k`` highest scores; with ``class_id``, the
    recall of that one column. State: ``true_positives``, ``false_negatives``.

    Formula:

    $$
    \mathrm{recall}(t) = \frac{\mathrm{TP}(t)}{\mathrm{TP}(t) + \mathrm{FN}(t)} \quad (0 \text{ when } \mathrm{TP}(t) +
    \mathrm{FN}(t) = 0)
    $$

    where $\mathrm{TP}(t)$ and $\mathrm{FN}(t)$ are the counts of ``TruePositives`` and
    ``FalseNegatives`` at threshold $t$ over everything seen, after ``top_k`` (scores
    outside a row's $k$ highest become $-10^{10}$, and $t$ defaults to $-10^{10}$) and ``class_id`` (one column).

    Keras vs the textbook:

    * A zero denominator gives 0 (``divide_no_nan``), where the ratio is undefined.
    * With ``top_k``, ties go to the lower index (``tf.math.top_k``): scores (1, 1, 1, 1) keep classes 0 and 1 only,
      whereas :func:`~reference.metrics.top_k_categorical_accuracy` (``in_top_k``) counts every tied class in.
    * The comparison is strict ($p > t$), and evenly spaced thresholds bucket (see
      :class:`~reference.metrics.TruePositives`).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> float(rk.metrics.Recall()(np.array([0, 1, 1, 0]), np.float32([0.9, 0.8, 0.2, 0.1])))   # 0.8 found, 0.2 missed
    0.5
    >>> float(rk.metrics.Recall()(np.array([0, 0]), np.float32([0.9, 0.1])))   # no positives: 0, not NaN
    0.0
    """

    _other = ("false_negatives", FALSE_NEGATIVES)


def _evenly_spaced_thresholds(num_thresholds):
    """Keras's ``[0, 1/(T-1), ..., (T-2)/(T-1), 1]``, each computed as ``(i+1)·1.0/(T-1)`` in float64."""
    return [0.0] + [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]


class SensitivitySpecificityBase(Metric):
    """Base of the "best X where Y ≥ value" metrics: all four counts over ``num_thresholds`` evenly spaced
    thresholds in [0, 1] (the bucketed path), then a masked maximum.

    Args:
        value: the constraint, in [0, 1].
        num_thresholds: how many thresholds (default 200); 1 means the single threshold 0.5.
        class_id: look only at this column of the last axis.
        name, dtype: as for every metric; the counts are kept in ``floatx()``.

    ``result`` is ``max_t [Y(t) ≥ value]·X(t)``, and 0 when no threshold meets the constraint (Keras's
    ``ops.max(where(feasible, dependent, 0), initial=0)``). Which threshold is "best" is read off the
    thresholds only, so the answer is only as fine as ``num_thresholds``.
    """

    _direction = "up"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}")
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._thresholds_distributed_evenly = [0.5], False
        else:
            self.thresholds, self._thresholds_distributed_evenly = _evenly_spaced_thresholds(num_thresholds), True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, name="true_positives")
        self.false_positives = self.add_variable(shape=shape, name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, TRUE_NEGATIVES: self.true_negatives,
             FALSE_POSITIVES: self.false_positives, FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly, class_id=self.class_id,
            sample_weight=sample_weight)

    def _rates(self):
        """Sensitivity (= recall), specificity and precision at every threshold."""
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {"sensitivity": divide_no_nan(tp, tp + fn), "specificity": divide_no_nan(tn, tn + fp),
                "precision": divide_no_nan(tp, tp + fp)}

    def _find_max_under_constraint(self, constrained, dependent):
        """``max(where(constrained ≥ value, dependent, 0), initial=0)``; ``value`` cast to the counts' dtype."""
        feasible = constrained >= constrained.dtype.type(self.value)
        return np.max(np.where(feasible, dependent, 0), initial=0).astype(dependent.dtype)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}


def _constraint(name, value):
    """``value`` if it is in [0, 1], with Keras's message otherwise."""
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")
    return value


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    r"""The best sensitivity ``TP/(TP+FN)`` over the thresholds whose specificity ``TN/(TN+FP)`` ≥ ``specificity``.

    Formula:

    $$
    \max_{k}\ \Big\{ \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k} \ :\ \frac{\mathrm{TN}_k}{\mathrm{TN}_k +
    \mathrm{FP}_k} \ge s \Big\}
    $$

    where $s$ is ``specificity``, $t_k = k/(T-1)$ for $k = 0, \dots, T-1$ are the $T$ = ``num_thresholds`` grid
    thresholds (0.5 alone when $T = 1$), the counts are those of ``TruePositives`` and its siblings at $t_k$ over
    everything seen (``class_id``: one column), every ratio is 0 where its denominator is 0, and the maximum is 0 when
    no $t_k$ qualifies.

    Keras vs the textbook:

    * The textbook reads the curve at every distinct score (or interpolates it at the constraint); Keras searches
      only its $T$ grid thresholds, so the answer is only as fine as ``num_thresholds``, and scores between two grid
      points count as tied.
    * Where no threshold meets the constraint the result is 0, not undefined; a rate with a zero denominator is 0
      (``divide_no_nan``), so the precision of an empty prediction set is 0, not the 1 some definitions use.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 0, 1, 1]), np.float32([0., 0.3, 0.8, 0.3, 0.8])
    >>> float(rk.metrics.SensitivityAtSpecificity(0.5)(y_true, y_pred))   # t in [0.3, 0.8): spec. 2/3, sens. 1/2
    0.5
    >>> float(rk.metrics.SensitivityAtSpecificity(1.)(y_true, np.float32([1., 1., 1., 0., 0.])))  # only t = 1 qualifies
    0.0
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.specificity = _constraint("specificity", specificity)
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    r"""The best specificity ``TN/(TN+FP)`` over the thresholds whose sensitivity ``TP/(TP+FN)`` ≥ ``sensitivity``.

    Formula:

    $$
    \max_{k}\ \Big\{ \frac{\mathrm{TN}_k}{\mathrm{TN}_k + \mathrm{FP}_k} \ :\ \frac{\mathrm{TP}_k}{\mathrm{TP}_k +
    \mathrm{FN}_k} \ge s \Big\}
    $$

    where $s$ is ``sensitivity``, $t_k = k/(T-1)$ for $k = 0, \dots, T-1$ are the $T$ = ``num_thresholds`` grid
    thresholds (0.5 alone when $T = 1$), the counts are those of ``TruePositives`` and its siblings at $t_k$ over
    everything seen (``class_id``: one column), every ratio is 0 where its denominator is 0, and the maximum is 0 when
    no $t_k$ qualifies.

    Keras vs the textbook:

    * The textbook reads the curve at every distinct score (or interpolates it at the constraint); Keras searches
      only its $T$ grid thresholds, so the answer is only as fine as ``num_thresholds``, and scores between two grid
      points count as tied.
    * Where no threshold meets the constraint the result is 0, not undefined; a rate with a zero denominator is 0
      (``divide_no_nan``), so the precision of an empty prediction set is 0, not the 1 some definitions use.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 0, 1, 1]), np.float32([0., 0.3, 0.8, 0.3, 0.8])
    >>> m = rk.metrics.SpecificityAtSensitivity(0.5)
    >>> print(np.round(m(y_true, y_pred), 4))   # t in [0.3, 0.8): sensitivity 1/2, specificity 2/3
    0.6667
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.sensitivity = _constraint("sensitivity", sensitivity)
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    r"""The best precision ``TP/(TP+FP)`` over the thresholds whose recall ``TP/(TP+FN)`` ≥ ``recall``.

    Formula:

    $$
    \max_{k}\ \Big\{ \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FP}_k} \ :\ \frac{\mathrm{TP}_k}{\mathrm{TP}_k +
    \mathrm{FN}_k} \ge r \Big\}
    $$

    where $r$ is ``recall``, $t_k = k/(T-1)$ for $k = 0, \dots, T-1$ are the $T$ = ``num_thresholds`` grid thresholds
    (0.5 alone
    when $T = 1$), the counts are those of ``TruePositives`` and its siblings at $t_k$ over
    everything seen (``class_id``: one column), every ratio is 0 where its denominator is 0, and the maximum is 0 when
    no $t_k$ qualifies.

    Keras vs the textbook:

    * The textbook reads the curve at every distinct score (or interpolates it at the constraint); Keras searches
      only its $T$ grid thresholds, so the answer is only as fine as ``num_thresholds``, and scores between two grid
      points count as tied.
    * Where no threshold meets the constraint the result is 0, not undefined; a rate with a zero denominator is 0
      (``divide_no_nan``), so the precision of an empty prediction set is 0, not the 1 some definitions use.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 0, 1, 1]), np.float32([0., 0.3, 0.8, 0.3, 0.8])
    >>> float(rk.metrics.PrecisionAtRecall(0.5)(y_true, y_pred))   # recall ≥ 1/2 needs t < 0.8; best precision 1/2
    0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.recall = _constraint("recall", recall)
        self.num_thresholds = num_thresholds
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    r"""The best recall ``TP/(TP+FN)`` over the thresholds whose precision ``TP/(TP+FP)`` ≥ ``precision``
    (0 when no threshold reaches that precision).

    Formula:

    $$
    \max_{k}\ \Big\{ \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k} \ :\ \frac{\mathrm{TP}_k}{\mathrm{TP}_k +
    \mathrm{FP}_k} \ge q \Big\}
    $$

    where $q$ is ``precision``, $t_k = k/(T-1)$ for $k = 0, \dots, T-1$ are the $T$ = ``num_thresholds`` grid thresholds
    (0.5 alone
    when $T = 1$), the counts are those of ``TruePositives`` and its siblings at $t_k$ over
    everything seen (``class_id``: one column), every ratio is 0 where its denominator is 0, and the maximum is 0 when
    no $t_k$ qualifies.

    Keras vs the textbook:

    * The textbook reads the curve at every distinct score (or interpolates it at the constraint); Keras searches
      only its $T$ grid thresholds, so the answer is only as fine as ``num_thresholds``, and scores between two grid
      points count as tied.
    * Where no threshold meets the constraint the result is 0, not undefined; a rate with a zero denominator is 0
      (``divide_no_nan``), so the precision of an empty prediction set is 0, not the 1 some definitions use.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 0, 1, 1]), np.float32([0., 0.3, 0.8, 0.3, 0.8])
    >>> float(rk.metrics.RecallAtPrecision(0.5)(y_true, y_pred))   # t in [0, 0.3): precision 2/4, recall 1
    1.0
    >>> float(rk.metrics.RecallAtPrecision(0.8)(y_true, y_pred))   # no threshold reaches precision 0.8: 0
    0.0
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.precision = _constraint("precision", precision)
        self.num_thresholds = num_thresholds
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "precision": self.precision}


class AUC(Metric):
    r"""The area under the ROC or PR curve, as Keras approximates it: a Riemann sum over thresholds.

    The four counts are kept at ``T = num_thresholds`` thresholds; from them, one point of the curve per threshold,
    and the area between consecutive points.

    Formula:

    $$
    \begin{aligned}
    &\text{ROC: } x_k = \frac{\mathrm{FP}_k}{\mathrm{FP}_k + \mathrm{TN}_k},\ \ y_k =
    \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k};
    \qquad \text{PR: } x_k = \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FN}_k},\ \ y_k =
    \frac{\mathrm{TP}_k}{\mathrm{TP}_k + \mathrm{FP}_k}; \\
    &\mathrm{AUC} = \sum_{k=0}^{T-2} (x_k - x_{k+1})\, h_k, \qquad
    h_k = \begin{cases} (y_k + y_{k+1})/2 & \texttt{"interpolation"} \\ \min(y_k, y_{k+1}) & \texttt{"minoring"} \\
                        \max(y_k, y_{k+1}) & \texttt{"majoring"} \end{cases} \\
    &\text{PR with } \texttt{"interpolation"}\text{: }
    \mathrm{AUC} = \sum_{k=0}^{T-2} \frac{s_k\big(\mathrm{TP}_k - \mathrm{TP}_{k+1} + c_k \log(P_k / P_{k+1})\big)}
                                          {\mathrm{TP}_{k+1} + \mathrm{FN}_{k+1}},\quad
    s_k = \frac{\mathrm{TP}_k - \mathrm{TP}_{k+1}}{P_k - P_{k+1}},\quad c_k = \mathrm{TP}_{k+1} - s_k P_{k+1}
    \end{aligned}
    $$

    where $\mathrm{TP}_k, \mathrm{FP}_k, \mathrm{TN}_k, \mathrm{FN}_k$ are the (weighted) counts of scores above /
    not above threshold $t_k$ (as ``TruePositives``) over everything seen; $t_0 =
    -\epsilon < t_1 < \dots < t_{T-1} = 1 + \epsilon$ with $\epsilon$ = ``epsilon()`` and the inner $t_k =
    k/(T-1)$ (or ``thresholds``, sorted), so every score is above $t_0$ and none above $t_{T-1}$; $P_k =
    \mathrm{TP}_k + \mathrm{FP}_k$ the predicted positives; every ratio is 0 where its denominator is 0, and the
    $\log$ is 0 where $P_k$ or $P_{k+1}$ is 0. With ``multi_label`` each label has its own counts and AUC, and
    the result is their mean (``label_weights``-weighted when given).

    Keras vs the textbook:

    * **Not scikit-learn's AUC.** The exact ROC AUC (``roc_auc_score``) ranks every score: it is the probability
      that a positive scores above a negative (Hanley & McNeil 1982). Keras sees only which bucket between
      thresholds a score falls in, so two scores in one bucket count as a tie; the error shrinks with
      ``num_thresholds`` (``parity_tests/auc_vs_exact.py`` measures how fast).
    * PR with ``"interpolation"`` is Davis & Goadrich (2006)'s interpolation between the thresholds' points, not
      the trapezoid, which overestimates the PR area; with the other summation methods, precision at a threshold
      with no predicted positive is 0, not the 1 of the usual convention.
    * ``"PRGAIN"`` is Flach & Kull (2015)'s precision-recall-gain curve with Keras's fixes: where
      $\mathrm{TP} = 0$ the recall gain is 0 and the precision gain 1, and the recall gain is clipped at 0.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true, y_pred = np.array([0, 0, 1, 1]), np.float32([0.1, 0.2, 0.3, 0.4])
    >>> float(rk.metrics.AUC()(y_true, y_pred))                  # every positive above every negative: 1
    1.0
    >>> float(rk.metrics.AUC(num_thresholds=3)(y_true, y_pred))  # all four below t = 0.5: one bucket, a tie
    0.5
    >>> y_pred = np.float32([0., 0.5, 0.3, 0.9])     # at t = 0.5: FPR 0 (0.5 is not above), recall 1/2
    >>> float(rk.metrics.AUC(num_thresholds=3)(y_true, y_pred))   # (1 - 0)·(1/2 + 1)/2; the exact AUC is 3/4 too
    0.75

    Args:
        num_thresholds: ``T`` > 1 (default 200); ignored when ``thresholds`` are given (then ``T = len + 2``).
        curve: ``"ROC"`` (default), ``"PR"``, or ``"PRGAIN"`` (precision-recall gain, :meth:`_gains`), or
            an :class:`~metrics_utils.AUCCurve`.
        summation_method: ``"interpolation"`` (default), ``"minoring"`` or ``"majoring"``, or an
            :class:`~metrics_utils.AUCSummationMethod`.
        name, dtype: as for every metric; the counts are kept in ``floatx()``.
        thresholds: explicit inner thresholds (not validated, as in Keras).
        multi_label: rank-2 inputs are ``L`` labels, each with its own curve (counts of shape (T, L)); the
            result is their mean, or their ``label_weights``-weighted mean. Otherwise everything is flattened
            into one curve, each element weighted by its label's ``label_weights``.
        num_labels: ``L``, to make the variables before the first batch (only with ``multi_label``).
        label_weights: per-label weights (see ``multi_label``), kept in ``dtype``.
        from_logits: apply a sigmoid to ``y_pred`` first.
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = _evenly_spaced_thresholds(num_thresholds)[1:-1]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - config.epsilon()] + thresholds + [1.0 + config.epsilon()])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        self.summation_method = (summation_method if isinstance(summation_method, AUCSummationMethod)
                                 else AUCSummationMethod.from_str(summation_method))
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True, "
                                 f"got num_labels={num_labels}.")
            self._build(None)

    @property
    def thresholds(self):
        """The ``T`` thresholds, endpoints ``-ε`` and ``1 + ε`` included."""
        return list(self._thresholds)

    def _build(self, shape):
        """Make the four (T,) or (T, labels) count variables, once the number of labels is known."""
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`, got y_pred.shape={shape}.")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape=variable_shape, name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred)
        if not self._built:
            self._build(y_pred.shape)
        if self.multi_label and (y_pred.ndim != 2 or y_pred.shape[1] != self._num_labels):
            raise ValueError(f"`y_pred` must be (batch, num_labels={self._num_labels}) with `multi_label=True`, "
                             f"got y_pred.shape={y_pred.shape}.")
        if self._from_logits:
            if not config.is_float_dtype(y_pred.dtype):  # Keras's sigmoid: TF's Sigmoid kernel is float-only
                raise TypeError(f"`{type(self).__name__}(from_logits=True)` needs a floating-point `y_pred`, as "
                                f"Keras's sigmoid does. Received: y_pred.dtype={y_pred.dtype}")
            y_pred = sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, TRUE_NEGATIVES: self.true_negatives,
             FALSE_POSITIVES: self.false_positives, FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights)

    def _average_over_labels(self, by_threshold):
        """Sum the (T-1[, labels]) terms over the thresholds; with ``multi_label``, average over the labels."""
        if not self.multi_label:
            return np.sum(by_threshold, axis=0)
        by_label = np.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC by Davis & Goadrich's interpolation, in Keras's closed form.

        Between thresholds ``i`` and ``i+1``, TP and the predicted positives ``P = TP + FP`` are taken as
        linear in each other: slope ``s = ΔTP/ΔP``, intercept ``c = TPᵢ₊₁ - s·Pᵢ₊₁``; the area of the step is
        ``s·(ΔTP + c·log(Pᵢ/Pᵢ₊₁)) / (TPᵢ₊₁ + FNᵢ₊₁)`` (the log ratio is 1 where either ``P`` is 0, every
        division ``divide_no_nan``).
        """
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = np.where((p[:-1] > 0) & (p[1:] > 0), divide_no_nan(p[:-1], np.maximum(p[1:], 0)),
                                np.ones_like(p[1:]))
        with np.errstate(divide="ignore"):
            log_ratio = np.log(safe_p_ratio)
        increment = divide_no_nan(prec_slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(increment)

    def _gains(self):
        """PR-gain's ``(recall gain, precision gain)``: ``1 - (P/N)·FN/TP`` and ``1 - (P/N)·FP/TP``, with
        Keras's fixes: where ``TP = 0`` the recall gain is 0 and the precision gain 1, and the recall gain is
        clipped at 0 (so an estimator anti-correlated with the label is overestimated)."""
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        scaling = divide_no_nan(tp + fn, tn + fp)
        recall_gain = np.where(tp == 0, 0, 1.0 - scaling * divide_no_nan(fn, tp)).astype(tp.dtype)
        precision_gain = np.where(tp == 0, 1, 1.0 - scaling * divide_no_nan(fp, tp)).astype(tp.dtype)
        return np.maximum(recall_gain, 0), precision_gain

    def result(self):
        if not self._built:  # Keras fails here too (with an AttributeError)
            raise ValueError("AUC(multi_label=True) without `num_labels` has no result before its first "
                             "`update_state`: the number of labels comes from the first y_pred.")
        if self.curve == AUCCurve.PR and self.summation_method == AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == AUCCurve.PR:
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            x, y = self._gains()
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[:-1] + y[1:]) / y.dtype.type(2)
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config_ = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve.value,
                   "summation_method": self.summation_method.value, "multi_label": self.multi_label,
                   "num_labels": self.num_labels,
                   "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                   "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config_["thresholds"] = self.thresholds[1:-1]   # without the endpoints, as it was given
        return config_
