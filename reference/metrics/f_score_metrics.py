"""The F-scores, mirroring ``keras/src/metrics/f_score_metrics.py``."""

import numpy as np

from .. import config
from .metric import Metric

AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    r"""The F-beta score of multi-label (or one-hot) predictions, per class or averaged.

    Predictions become 0/1 first: ``p > threshold``, or, with ``threshold=None``, ``p`` equal to its row's
    maximum (ties all count) and ``|p| > 1e-9`` (an all-zero row predicts nothing). Per class ``c`` (or over
    every element, ``average="micro"``) the state sums ``TP``, ``FP``, ``FN`` and the label weight
    ``Σ w·y``, each weighted by the per-sample ``sample_weight``; the result is the formula below, per class or
    averaged.

    Formula:

    $$
    \begin{aligned}
    P_c &= \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FP}_c + \epsilon}, \qquad
    R_c = \frac{\mathrm{TP}_c}{\mathrm{TP}_c + \mathrm{FN}_c + \epsilon}, \qquad
    F_c = (1 + \beta^2)\,\frac{P_c R_c}{\beta^2 P_c + R_c + \epsilon}, \\
    \mathrm{TP}_c &= \sum_i w_i\, \hat b_{ic}\, y_{ic}, \quad
    \mathrm{FP}_c = \sum_i w_i\, \hat b_{ic}\, (1 - y_{ic}), \quad
    \mathrm{FN}_c = \sum_i w_i\, (1 - \hat b_{ic})\, y_{ic}, \\
    \mathrm{result} &= \begin{cases} (F_c)_c & \texttt{None} \\ \frac{1}{C}\sum_c F_c & \texttt{"macro"} \\
      \sum_c F_c\, \frac{\sum_i w_i y_{ic}}{\sum_{c'}\sum_i w_i y_{ic'} + \epsilon} & \texttt{"weighted"} \\
      F \text{ of the counts summed over } c & \texttt{"micro"} \end{cases}
    \end{aligned}
    $$

    where $y_{ic}$ is ``y_true`` (0/1) for sample $i$ and class $c$ (of $C$), $\hat b_{ic}$ the 0/1 prediction
    ($1[\hat y_{ic} > \tau]$ with $\tau$ = ``threshold``, or, with ``threshold=None``, $1[\hat y_{ic} = \max_{c'}
    \hat y_{ic'}]\cdot 1[|\hat y_{ic}| > 10^{-9}]$), $w_i$ the ``sample_weight`` (1 without), $\beta$ = ``beta``,
    $\epsilon$ = ``epsilon()``, and $i$ runs over every sample seen.

    Keras vs the textbook:

    * van Rijsbergen's $F_\beta = (1 + \beta^2) P R / (\beta^2 P + R)$ is undefined when a class is never labelled
      nor predicted; Keras's $\epsilon$ in every denominator makes it 0, and it still counts in ``"macro"``'s mean.
      The $\epsilon$ also shifts every score slightly below the exact ratio.
    * ``threshold=None`` predicts every class tied at a row's maximum, not one of them.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> m = rk.metrics.FBetaScore(average="micro", beta=2.0, threshold=0.5)
    >>> print(np.round(m(np.float32([[1, 1]]), np.float32([[0.9, 0.1]])), 4))   # P = 1, R = 1/2: 5·(1/2) / (4 + 1/2)
    0.5556
    >>> m = rk.metrics.FBetaScore()            # per class, each row's argmax predicted
    >>> print(np.round(m(np.float32([[1, 0, 0], [0, 1, 0]]), np.float32([[0.9, 0.1, 0], [0.6, 0.7, 0]])), 4))
    [1. 1. 0.]

    Args:
        average: one of ``None`` (default), ``"micro"``, ``"macro"``, ``"weighted"``.
        beta: ``β`` > 0, a Python float (default 1.0): recall counts ``β`` times as much as precision.
        threshold: ``None`` (default: the row's maximum) or a Python float in (0, 1].
        name: default ``"fbeta_score"``.
        dtype: the dtype of the inputs, the state and the result (unlike the confusion metrics).

    Inputs must be 2-D (batch, classes); ``sample_weight`` is (batch,), or, with ``"micro"``, anything that
    broadcasts once expanded at axis 1 (Keras's arithmetic: an (N, C) weight pairs every row with every weight
    row, and the micro total sums them all); a scalar raises, as in Keras. State: ``true_positives``,
    ``false_positives``, ``false_negatives``, ``intermediate_weights``, each (classes,) or () for micro, made
    at the first batch.
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"Invalid `threshold` argument value. It should be a Python float. "
                                 f"Received: threshold={threshold} of type '{type(threshold)}'")
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                                 f"Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(f"FBetaScore expects 2D inputs with shape (batch_size, output_dim), with output_dim "
                             f"fully defined (not None). Received input shapes: y_pred.shape={y_pred_shape} and "
                             f"y_true.shape={y_true_shape}.")
        self._num_classes = y_pred_shape[-1]
        shape = () if self.average == "micro" else (self._num_classes,)
        self.true_positives = self.add_variable(shape=shape, dtype=self.dtype, name="true_positives")
        self.false_positives = self.add_variable(shape=shape, dtype=self.dtype, name="false_positives")
        self.false_negatives = self.add_variable(shape=shape, dtype=self.dtype, name="false_negatives")
        self.intermediate_weights = self.add_variable(shape=shape, dtype=self.dtype, name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true).astype(self.dtype), np.asarray(y_pred).astype(self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if y_true.shape != y_pred.shape or y_pred.ndim != 2 or y_pred.shape[-1] != self._num_classes:
            raise ValueError(f"`y_true` and `y_pred` must both be (batch_size, {self._num_classes}) as the first "
                             f"batch, got y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
        if self.threshold is None:
            y_pred = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.astype(self.dtype)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight).astype(self.dtype)
            if sample_weight.ndim == 0:
                raise ValueError("`sample_weight` must have a batch axis: Keras's F-score expands it at axis 1, "
                                 "which a scalar lacks. Received: a scalar sample_weight.")
        variable_shape = self.true_positives.shape

        def weighted_sum(value):
            """Keras's ``sum(value · expand_dims(sample_weight, 1), axis)``: a (N,) weight scales rows; other
            shapes broadcast as they fall ((N, C) gives (N, N, C), which only ``"micro"``'s total sum can take)."""
            if sample_weight is not None:
                try:
                    value = value * np.expand_dims(sample_weight, 1)
                except ValueError:
                    raise ValueError(f"`sample_weight` of shape {sample_weight.shape}, expanded at axis 1, does "
                                     f"not broadcast to y_pred.shape={value.shape}.") from None
            total = np.sum(value, axis=self.axis)
            if total.shape != variable_shape:
                raise ValueError(f"`sample_weight` of shape {sample_weight.shape} gives per-class sums of shape "
                                 f"{total.shape}, not the state's {variable_shape} (average={self.average!r}: "
                                 f"only a (batch_size,) weight, or any broadcastable one with 'micro').")
            return total

        self.true_positives.assign(self.true_positives + weighted_sum(y_pred * y_true))
        self.false_positives.assign(self.false_positives + weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign(self.false_negatives + weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign(self.intermediate_weights + weighted_sum(y_true))

    def result(self):
        if not self._built:  # Keras fails here too (with an AttributeError)
            raise ValueError("FBetaScore has no result before its first `update_state`: its state's shape "
                             "comes from the first y_pred.")
        eps, beta_2 = config.epsilon(), self.beta ** 2
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        f_score = precision * recall / (beta_2 * precision + recall + eps) * (1 + beta_2)
        if self.average == "weighted":
            weights = self.intermediate_weights.value / (np.sum(self.intermediate_weights.value) + eps)
            return np.sum(f_score * weights)
        if self.average is not None:
            return np.mean(f_score)
        return f_score

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    r""":class:`FBetaScore` with ``β = 1``: the harmonic mean of precision and recall, with Keras's ε smoothing.

    Formula:

    $$
    F_{1,c} = 2\,\frac{P_c R_c}{P_c + R_c + \epsilon}
    $$

    where $P_c$ and $R_c$ are ``FBetaScore``'s smoothed precision and recall of class $c$ (or of the pooled
    counts with ``average="micro"``) and $\epsilon$ = ``epsilon()``; ``average`` combines the $F_{1,c}$ as there.

    Keras vs the textbook:

    * The $\epsilon$ makes a class never labelled nor predicted score 0 (the textbook $F_1$ is $0/0$), and
      ``"macro"`` averages that 0 in.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> y_true = np.float32([[1, 0, 0], [0, 1, 0]])
    >>> y_pred = np.float32([[0.9, 0.1, 0.], [0.6, 0.7, 0.]])     # argmax: class 0, then class 1
    >>> print(np.round(rk.metrics.F1Score(average="macro")(y_true, y_pred), 4))   # (1 + 1 + 0) / 3: class 2 is empty
    0.6667
    >>> m = rk.metrics.F1Score(average="micro", threshold=0.5)
    >>> print(np.round(m(np.float32([[1, 0, 1]]), np.float32([[0.9, 0.6, 0.4]])), 4))   # TP = FP = FN = 1
    0.5
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config_ = super().get_config()
        del config_["beta"]
        return config_
