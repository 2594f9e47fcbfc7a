"""Invalid inputs: where TensorFlow raises, the reference raises ``ValueError`` naming the argument at fault.

Two sources of cases, one test:

* the ``error_inputs`` of the op table's rows (``op_db``): inputs on which the row's own code must fail,
  as PyTorch's OpInfo keeps its error inputs on the op's row;
* :data:`CASES` below, for what is not a call of a row's code: constructor arguments, layers called twice,
  metric and optimizer state, ``set_weights``. Each names the argument the message must mention, the
  reference call and the TF call (each a zero-argument function building its own inputs).

The test checks that TF raises (so the case really is invalid for the spec) and
that the reference raises ``ValueError`` whose message contains the argument's
name. Add a case by adding an ``ErrorInput`` to the row, or a row here.
"""

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import op_db  # noqa: E402


@dataclass(frozen=True)
class BadInput:
    name: str
    argument: str                 # must appear in the reference's message
    reference: Callable[[], object]
    tensorflow: Callable[[], object]


def f32(*shape, fill=0.5):
    return np.full(shape, fill, dtype=np.float32)


P = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], dtype=np.float32)   # (2, 3) probabilities
ONE_HOT = np.eye(3, dtype=np.float32)[[0, 2]]


def _dense_called_twice(module, first, second):
    layer = module.layers.Dense(2)
    layer(first)
    return layer(second)


def _apply(module, variable, gradient):
    if module is rk:
        return rk.optimizers.Adam().apply_gradients([(gradient, variable)])
    return keras.optimizers.Adam().apply_gradients([(tf.constant(gradient), tf.Variable(variable))])


def _set_weights(module, weights):
    if module is rk:
        model = rk.Sequential([rk.layers.Dense(2)])
        model.build((None, 3))
    else:
        model = keras.Sequential([keras.layers.Dense(2)])
        model.build((None, 3))
    return model.set_weights(weights)


def _set_layer_weights(module, weights):
    layer = module.layers.Dense(2)
    layer.build((None, 3))
    return layer.set_weights(weights)


CASES = [
    BadInput("sparse: axis other than the last", "axis",
             lambda: rk.losses.sparse_categorical_crossentropy(np.array([0, 1, 2]), P, axis=0),
             lambda: keras.losses.sparse_categorical_crossentropy(np.array([0, 1, 2]), P, axis=0)),
    BadInput("loss: unknown reduction", "reduction",
             lambda: rk.losses.CategoricalCrossentropy(reduction="average"),
             lambda: keras.losses.CategoricalCrossentropy(reduction="average")),
    BadInput("Dense: features differ from the built kernel", "inputs",
             lambda: _dense_called_twice(rk, f32(1, 3), f32(1, 4)),
             lambda: _dense_called_twice(keras, f32(1, 3), f32(1, 4))),
    BadInput("Dense: rank-1 input", "inputs",
             lambda: rk.layers.Dense(2)(f32(3)),
             lambda: keras.layers.Dense(2)(f32(3))),
    BadInput("metric: sparse labels and predictions disagree on the batch", "y_true",
             lambda: rk.metrics.SparseCategoricalAccuracy().update_state(np.array([0, 1, 2]), P),
             lambda: keras.metrics.SparseCategoricalAccuracy().update_state(np.array([0, 1, 2]), P)),
    BadInput("metric: one-hot labels and predictions disagree on the batch", "y_true",
             lambda: rk.metrics.CategoricalAccuracy().update_state(np.eye(3, dtype=np.float32), P),
             lambda: keras.metrics.CategoricalAccuracy().update_state(np.eye(3, dtype=np.float32), P)),
    BadInput("metric: accuracy shapes differ", "y_true",
             lambda: rk.metrics.Accuracy().update_state(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0])),
             lambda: keras.metrics.Accuracy().update_state(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0]))),
    BadInput("optimizer: gradient shape differs from the variable's", "gradient",
             lambda: _apply(rk, f32(2), f32(3)),
             lambda: _apply(keras, f32(2), f32(3))),
    *[BadInput(f"optimizer: {label}", argument, (lambda make=make: make(rk)), (lambda make=make: make(keras)))
      for label, argument, make in [
          ("learning_rate not a number", "learning_rate", lambda m: m.optimizers.Adam(learning_rate="high")),
          ("clipnorm with global_clipnorm", "clipnorm", lambda m: m.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)),
          ("clipvalue with clipnorm", "clipvalue", lambda m: m.optimizers.Adam(clipnorm=1.0, clipvalue=1.0)),
          ("Lion beta_1 outside (0, 1]", "beta_1", lambda m: m.optimizers.Lion(beta_1=0.0)),
          ("Lion beta_1 above 1", "beta_1", lambda m: m.optimizers.Lion(beta_1=1.5)),
          ("SGD momentum above 1", "momentum", lambda m: m.optimizers.SGD(momentum=1.5)),
          ("gradient_accumulation_steps of 1", "gradient_accumulation_steps",
           lambda m: m.optimizers.Adam(gradient_accumulation_steps=1)),
          ("gradient_accumulation_steps negative", "gradient_accumulation_steps",
           lambda m: m.optimizers.Adam(gradient_accumulation_steps=-2)),
          ("ema_momentum above 1", "ema_momentum", lambda m: m.optimizers.Adam(use_ema=True, ema_momentum=1.5)),
          ("ema_overwrite_frequency negative", "ema_overwrite_frequency",
           lambda m: m.optimizers.Adam(use_ema=True, ema_overwrite_frequency=-1)),
          ("AdamW without weight_decay", "weight_decay", lambda m: m.optimizers.AdamW(weight_decay=None)),
          ("Ftrl negative l1", "l1_regularization_strength",
           lambda m: m.optimizers.Ftrl(l1_regularization_strength=-0.1)),
          ("Ftrl negative l2", "l2_regularization_strength",
           lambda m: m.optimizers.Ftrl(l2_regularization_strength=-0.1)),
          ("Ftrl negative l2 shrinkage", "l2_shrinkage_regularization_strength",
           lambda m: m.optimizers.Ftrl(l2_shrinkage_regularization_strength=-0.1)),
          ("Ftrl positive learning_rate_power", "learning_rate_power",
           lambda m: m.optimizers.Ftrl(learning_rate_power=0.5)),
          ("Ftrl negative initial_accumulator_value", "initial_accumulator_value",
           lambda m: m.optimizers.Ftrl(initial_accumulator_value=-1.0)),
          ("unknown keyword argument", "nesterof", lambda m: m.optimizers.SGD(nesterof=True)),
          ("unknown optimizer name", "identifier", lambda m: m.optimizers.get("adamw_plus")),
          ("apply without variables before build", "variables",
           lambda m: m.optimizers.Adam().apply([np.ones(2, np.float32)])),
          # (keras.optimizers.schedules.deserialize itself returns the unknown name as a string: no error)
          ("unknown schedule name in an optimizer config", "class_name",
           lambda m: m.optimizers.Adam.from_config({"learning_rate": {
               "class_name": "CosineDecayz", "config": {}, "module": "keras.optimizers.schedules",
               "registered_name": None}})),
          ("unknown optimizer config", "identifier", lambda m: m.optimizers.get({"class_name": "Nope", "config": {}})),
          ("ExponentialDecay decay_steps 0", "decay_steps",
           lambda m: m.optimizers.schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.9)),
          ("PolynomialDecay decay_steps negative", "decay_steps",
           lambda m: m.optimizers.schedules.PolynomialDecay(0.1, decay_steps=-1)),
          ("InverseTimeDecay decay_steps 0", "decay_steps",
           lambda m: m.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=0, decay_rate=0.5)),
          ("CosineDecay decay_steps 0", "decay_steps", lambda m: m.optimizers.schedules.CosineDecay(0.1, 0)),
          ("CosineDecayRestarts first_decay_steps 0", "first_decay_steps",
           lambda m: m.optimizers.schedules.CosineDecayRestarts(0.1, 0)),
          ("PiecewiseConstantDecay boundaries and values", "boundaries",
           lambda m: m.optimizers.schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01])),
      ]],
    BadInput("set_weights: a weight of the wrong shape", "weights",
             lambda: _set_weights(rk, [f32(3, 3), f32(2)]),
             lambda: _set_weights(keras, [f32(3, 3), f32(2)])),
    BadInput("set_weights: the wrong number of weights", "weights",
             lambda: _set_weights(rk, [f32(3, 2)]),
             lambda: _set_weights(keras, [f32(3, 2)])),
    BadInput("Dense.set_weights: a weight of the wrong shape", "weights",
             lambda: _set_layer_weights(rk, [f32(2, 3), f32(2)]),
             lambda: _set_layer_weights(keras, [f32(2, 3), f32(2)])),
    BadInput("Dense.set_weights: the wrong number of weights", "weights",
             lambda: _set_layer_weights(rk, [f32(3, 2), f32(2), f32(2)]),
             lambda: _set_layer_weights(keras, [f32(3, 2), f32(2), f32(2)])),
    BadInput("Dense.set_weights: before the layer is built", "weights",
             lambda: rk.layers.Dense(2).set_weights([f32(3, 2), f32(2)]),
             lambda: keras.layers.Dense(2).set_weights([f32(3, 2), f32(2)])),
]


# --- metrics: reduction, accuracy, probabilistic, regression, hinge, correlation ---


def _metric_update(module, name, *args, **kwargs):
    """``module.metrics.<name>(**kwargs).update_state(*args)``, the arrays as they are."""
    def update(*inputs, sample_weight=None):
        metric = getattr(module.metrics, name)(**kwargs)
        metric.update_state(*inputs, sample_weight=sample_weight)
        return metric.result()
    return update


METRIC_CASES = [
    BadInput("R2Score: an unknown class_aggregation", "class_aggregation",
             lambda: rk.metrics.R2Score(class_aggregation="median"),
             lambda: keras.metrics.R2Score(class_aggregation="median")),
    BadInput("R2Score: num_regressors < 0", "num_regressors",
             lambda: rk.metrics.R2Score(num_regressors=-1), lambda: keras.metrics.R2Score(num_regressors=-1)),
    BadInput("R2Score: 1-D inputs", "y_true",
             lambda: _metric_update(rk, "R2Score")(f32(4), f32(4)),
             lambda: _metric_update(keras, "R2Score")(f32(4), f32(4))),
    BadInput("R2Score: weights that do not broadcast to the outputs", "sample_weight",
             lambda: _metric_update(rk, "R2Score")(f32(4, 2), f32(4, 2), sample_weight=f32(4, 3)),
             lambda: _metric_update(keras, "R2Score")(f32(4, 2), f32(4, 2), sample_weight=f32(4, 3))),
    BadInput("Accuracy: shapes that do not broadcast", "y_true",
             lambda: _metric_update(rk, "Accuracy")(f32(3, 2), f32(4, 2)),
             lambda: _metric_update(keras, "Accuracy")(f32(3, 2), f32(4, 2))),
    BadInput("BinaryAccuracy: shapes that do not broadcast", "y_pred",
             lambda: _metric_update(rk, "BinaryAccuracy")(f32(3, 2), f32(4, 2)),
             lambda: _metric_update(keras, "BinaryAccuracy")(f32(3, 2), f32(4, 2))),
    BadInput("CategoricalAccuracy: a different number of samples", "y_true",
             lambda: _metric_update(rk, "CategoricalAccuracy")(f32(3, 3), f32(4, 3)),
             lambda: _metric_update(keras, "CategoricalAccuracy")(f32(3, 3), f32(4, 3))),
    BadInput("SparseCategoricalAccuracy: labels that do not broadcast", "y_true",
             lambda: _metric_update(rk, "SparseCategoricalAccuracy")(np.array([0, 1, 2]), P),
             lambda: _metric_update(keras, "SparseCategoricalAccuracy")(np.array([0, 1, 2]), P)),
    BadInput("Mean: weights that do not broadcast to the values", "sample_weight",
             lambda: _metric_update(rk, "Mean")(f32(3), sample_weight=f32(2)),
             lambda: _metric_update(keras, "Mean")(f32(3), sample_weight=f32(2))),
    BadInput("RootMeanSquaredError: weights that do not broadcast", "sample_weight",
             lambda: _metric_update(rk, "RootMeanSquaredError")(f32(3, 2), f32(3, 2), sample_weight=f32(4)),
             lambda: _metric_update(keras, "RootMeanSquaredError")(f32(3, 2), f32(3, 2), sample_weight=f32(4))),
]
CASES += METRIC_CASES

# --- confusion-matrix metrics ---

def _update(module, name, y_true, y_pred, **kwargs):
    return getattr(module.metrics, name)(**kwargs).update_state(y_true, y_pred)


SCORES_2x3, SCORES_2x4 = f32(2, 3), f32(2, 4)
IDS_2, IDS_3 = np.array([0, 1]), np.array([0, 1, 1])

CONFUSION_CASES = [  # (name, argument, metric, y_true, y_pred or None for a constructor case, kwargs)
    ("Precision: a threshold outside [0, 1]", "thresholds", "Precision", None, None, {"thresholds": [0.5, 1.5]}),
    ("FalseNegatives: a negative threshold", "thresholds", "FalseNegatives", None, None, {"thresholds": -0.1}),
    ("Precision: top_k larger than the classes", "top_k", "Precision", SCORES_2x3, SCORES_2x3, {"top_k": 5}),
    ("Recall: class_id out of range", "class_id", "Recall", SCORES_2x3, SCORES_2x3, {"class_id": 3}),
    ("Precision: class_id with rank-1 scores", "class_id", "Precision", f32(3), f32(3), {"class_id": 0}),
    ("Precision: y_true and y_pred shapes differ", "y_true", "Precision", SCORES_2x3, SCORES_2x4, {}),
    ("AUC: multi_label with the wrong num_labels", "num_labels", "AUC", SCORES_2x4, SCORES_2x4,
     {"multi_label": True, "num_labels": 3}),
    ("AUC: num_labels without multi_label", "num_labels", "AUC", None, None, {"num_labels": 3}),
    ("AUC: num_thresholds < 2", "num_thresholds", "AUC", None, None, {"num_thresholds": 1}),
    ("AUC: an unknown curve", "curve", "AUC", None, None, {"curve": "DET"}),
    ("AUC: an unknown summation method", "summation_method", "AUC", None, None, {"summation_method": "simpson"}),
    ("SensitivityAtSpecificity: specificity > 1", "specificity", "SensitivityAtSpecificity", None, None,
     {"specificity": 1.5}),
    ("PrecisionAtRecall: num_thresholds < 1", "num_thresholds", "PrecisionAtRecall", None, None,
     {"recall": 0.5, "num_thresholds": 0}),
    ("FBetaScore: beta <= 0", "beta", "FBetaScore", None, None, {"beta": 0.0}),
    ("FBetaScore: an unknown average", "average", "FBetaScore", None, None, {"average": "mean"}),
    ("F1Score: y_true and y_pred shapes differ", "y_true", "F1Score", SCORES_2x3, SCORES_2x4, {}),
    ("MeanIoU: num_classes < 1", "num_classes", "MeanIoU", None, None, {"num_classes": 0}),
    ("IoU: a target class id out of range", "target_class_ids", "IoU", None, None,
     {"num_classes": 3, "target_class_ids": [3]}),
    ("MeanIoU: y_true and y_pred hold different numbers of ids", "y_true", "MeanIoU", IDS_2, IDS_3, {"num_classes": 3}),
]


def _confusion_case(name, argument, metric, y_true, y_pred, kwargs):
    if y_pred is None:
        return BadInput(name, argument, lambda: getattr(rk.metrics, metric)(**kwargs),
                        lambda: getattr(keras.metrics, metric)(**kwargs))
    return BadInput(name, argument, lambda: _update(rk, metric, y_true, y_pred, **kwargs),
                    lambda: _update(keras, metric, y_true, y_pred, **kwargs))


CASES += [_confusion_case(*case) for case in CONFUSION_CASES]
# --- end of confusion-matrix metrics ---


def _row_case(row, error, sample):
    return BadInput(f"{row.name}: {error.name}", error.argument, lambda: row.run_ref(sample),
                    lambda: row.run_tf(sample, tf, keras))


ALL_CASES = [_row_case(row, error, sample) for row in op_db.ROWS for error, sample in row.error_samples()] + CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_tf_raises_and_reference_raises_value_error_naming_the_argument(case):
    with pytest.raises(Exception) as tf_error:  # any TF/Keras error: ValueError, InvalidArgumentError...
        case.tensorflow()
    assert not isinstance(tf_error.value, (AssertionError, NameError, AttributeError)), tf_error.value
    with pytest.raises(ValueError) as ref_error:
        with np.errstate(all="ignore"):
            case.reference()
    assert re.search(rf"\b{re.escape(case.argument)}\b", str(ref_error.value)), (
        f"the reference's message does not name `{case.argument}`: {ref_error.value}")


# --- mixed precision ------------------------------------------------------------------------------------

def _loss_scale_optimizer(module, **kwargs):
    return module.optimizers.LossScaleOptimizer(module.optimizers.SGD(), **kwargs)


MIXED_PRECISION_CASES = [
    BadInput("DTypePolicy: unknown name", "name",
             lambda: rk.dtype_policies.DTypePolicy("mixed_float8"), lambda: keras.DTypePolicy("mixed_float8")),
    BadInput("Dense: unknown dtype policy", "dtype",
             lambda: rk.layers.Dense(2, dtype="float17"), lambda: keras.layers.Dense(2, dtype="float17")),
    BadInput("set_dtype_policy: neither a name nor a policy", "policy",
             lambda: rk.config.set_dtype_policy(16), lambda: keras.config.set_dtype_policy(16)),
    BadInput("LossScaleOptimizer: dynamic=False", "dynamic",
             lambda: _loss_scale_optimizer(rk, dynamic=False), lambda: _loss_scale_optimizer(keras, dynamic=False)),
    BadInput("LossScaleOptimizer: a base-class option on the wrapper", "clipnorm",
             lambda: _loss_scale_optimizer(rk, clipnorm=1.0), lambda: _loss_scale_optimizer(keras, clipnorm=1.0)),
    BadInput("LossScaleOptimizer: an unknown argument", "momentum",
             lambda: _loss_scale_optimizer(rk, momentum=0.9), lambda: _loss_scale_optimizer(keras, momentum=0.9)),
]


@pytest.mark.parametrize("case", MIXED_PRECISION_CASES, ids=[c.name for c in MIXED_PRECISION_CASES])
def test_mixed_precision_bad_input_raises_as_keras(case):
    test_tf_raises_and_reference_raises_value_error_naming_the_argument(case)


STRICTER_THAN_KERAS = [  # (name, argument, reference call, Keras call): Keras accepts these silently
    ("LossScaleOptimizer: initial_scale=0 (zeroes every gradient)", "initial_scale",
     lambda m: _loss_scale_optimizer(m, initial_scale=0.0)),
    ("LossScaleOptimizer: a negative initial_scale", "initial_scale",
     lambda m: _loss_scale_optimizer(m, initial_scale=-2.0)),
    ("LossScaleOptimizer: dynamic_growth_steps=0 (the scale never grows)", "dynamic_growth_steps",
     lambda m: _loss_scale_optimizer(m, dynamic_growth_steps=0)),
    ("LossScaleOptimizer: a fractional dynamic_growth_steps", "dynamic_growth_steps",
     lambda m: _loss_scale_optimizer(m, dynamic_growth_steps=1.5)),
]


@pytest.mark.parametrize("name, argument, call", STRICTER_THAN_KERAS, ids=[c[0] for c in STRICTER_THAN_KERAS])
def test_reference_rejects_what_keras_accepts_silently(name, argument, call):
    """Documented departures (the class docstring says why): Keras takes these and trains wrongly."""
    call(keras)
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        call(rk)

