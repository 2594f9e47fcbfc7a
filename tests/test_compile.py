"""``Model.compile``: how Keras's arguments are resolved, named, validated and rejected.

Expected names and classes are Keras 3's (keras/src/trainers/compile_utils.py);
the parity suite checks the same choices against tf.keras itself.
"""

import numpy as np
import pytest

import reference as rk
from reference import layers, losses, metrics, optimizers
from reference.trainers import compile_utils


def mlp(units=3, activation="softmax"):
    model = rk.Sequential([layers.Dense(4, "relu"), layers.Dense(units, activation)])
    model.build((None, 5))
    return model


class TwoHeads(rk.Model):
    """Outputs ``[a (3-way softmax), b (sigmoid)]``, named by ``output_names``."""

    def __init__(self, names=("a", "b")):
        super().__init__()
        self.hidden = layers.Dense(4, "relu")
        self.a = layers.Dense(3, "softmax")
        self.b = layers.Dense(1, "sigmoid")
        if names:
            self.output_names = list(names)

    def call(self, x):
        h = self.hidden(x)
        return [self.a(h), self.b(h)]


class DictHeads(TwoHeads):
    """The same heads returned as a dict (keys deliberately not in sorted order)."""

    def __init__(self):
        super().__init__(names=None)

    def call(self, x):
        h = self.hidden(x)
        return {"b": self.b(h), "a": self.a(h)}


@pytest.fixture
def data(rng):
    x = rng.normal(size=(12, 5)).astype(np.float32)
    return x, rng.integers(0, 3, 12), rng.integers(0, 2, 12).astype(np.float32)


# --- optimizer and the arguments with no effect ------------------------------------------


def test_default_optimizer_is_rmsprop_and_names_or_instances_work():
    model = mlp()
    model.compile(loss="mse")
    assert type(model.optimizer) is optimizers.RMSprop
    model.compile("adam", loss="mse")
    assert type(model.optimizer) is optimizers.Adam
    sgd = optimizers.SGD(0.1)
    model.compile(sgd, loss="mse")
    assert model.optimizer is sgd


@pytest.mark.parametrize("kwargs, message", [
    ({"run_eagerly": "yes"}, "`run_eagerly` must be a bool"),
    ({"auto_scale_loss": 1}, "`auto_scale_loss` must be a bool"),
    ({"jit_compile": "always"}, "`jit_compile` must be a bool or 'auto'"),
    ({"steps_per_execution": 0}, "`steps_per_execution` must be a positive integer"),
    ({"steps_per_execution": 2.0}, "`steps_per_execution` must be a positive integer"),
])
def test_no_effect_arguments_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp().compile("sgd", loss="mse", **kwargs)


def test_execution_arguments_are_recorded_and_jit_yields_to_run_eagerly():
    model = mlp()
    model.compile("sgd", loss="mse", run_eagerly=False, steps_per_execution=4, jit_compile=True,
                  auto_scale_loss=False)
    assert (model.run_eagerly, model.steps_per_execution, model.jit_compile, model.auto_scale_loss) == \
        (False, 4, True, False)
    with pytest.warns(UserWarning, match="`jit_compile` cannot also be True"):
        model.compile("sgd", loss="mse", run_eagerly=True, jit_compile=True)
    assert model.jit_compile is False


class SaturatedSoftmax(rk.Model):
    """``ops.softmax`` (``tf.nn.softmax``, untagged) of logits ``[100, 0, 0]`` for every input."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(3)

    def call(self, x):
        return rk.ops.softmax(self.dense(x))


def saturated_softmax(run_eagerly):
    model = SaturatedSoftmax()
    model.build((None, 5))
    model.set_weights([np.zeros((5, 3), "float32"), np.array([100.0, 0.0, 0.0], "float32")])
    model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy", run_eagerly=run_eagerly)
    return model


@pytest.mark.parametrize("run_eagerly, loss, bias", [
    (False, [100.0, 99.8], [99.8, 0.2]),           # traced: the loss of the logits, and its gradient
    (True, [16.118095, 16.118095], [100.0, 0.0]),   # eager: -log(1e-7) of the clipped probability, no gradient
])
def test_run_eagerly_decides_whether_a_softmax_is_scored_from_its_logits(run_eagerly, loss, bias):
    """Keras 3.15.1's numbers for label 1 against softmax([100, 0, 0]): evaluate, then two epochs of SGD(0.1)."""
    x, y = np.zeros((4, 5), "float32"), np.ones(4, int)
    model = saturated_softmax(run_eagerly)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), loss[0], rtol=1e-6)
    np.testing.assert_allclose(model.fit(x, y, epochs=2, verbose=0).history["loss"], loss, rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1][:2], bias, rtol=1e-6)


def test_the_step_functions_keep_the_mode_they_were_made_in():
    """As Keras's: ``model.run_eagerly`` set after a first ``evaluate``/``fit`` changes nothing until ``compile``."""
    x, y = np.zeros((4, 5), "float32"), np.ones(4, int)
    model = saturated_softmax(run_eagerly=False)
    model.run_eagerly = True
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), 16.118095, rtol=1e-6)
    model.run_eagerly = False
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), 16.118095, rtol=1e-6)
    np.testing.assert_allclose(model.fit(x, y, verbose=0).history["loss"], [100.0])
    model.run_eagerly = True
    np.testing.assert_allclose(model.fit(x, y, verbose=0).history["loss"], [99.8], rtol=1e-6)
    model.make_train_function(force=True)
    np.testing.assert_allclose(model.fit(x, y, verbose=0).history["loss"], [16.118095], rtol=1e-6)
    model.compile(optimizers.SGD(0.1), run_eagerly=False)                    # compiling makes them anew
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), 99.6, rtol=1e-6)


def test_train_step_called_directly_runs_eagerly():
    """Outside ``fit`` no function traces the step, so its softmax is scored from clipped probabilities."""
    x, y = np.zeros((4, 5), "float32"), np.ones(4, int)
    logs = saturated_softmax(run_eagerly=False).train_step((x, y, None))
    np.testing.assert_allclose(logs["loss"], 16.118095, rtol=1e-6)


def test_steps_per_execution_changes_no_number(data):
    x, y, _ = data
    results = []
    for steps in (1, 3):
        rk.set_random_seed(0)
        model = mlp()
        model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy", steps_per_execution=steps)
        results.append(model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history)
    assert results[0] == results[1]


def test_unknown_optimizer_lists_the_valid_choices():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamw_of_doom'.*'rmsprop'"):
        mlp().compile("adamw_of_doom", loss="mse")


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "hinge_of_doom"}, "Unknown loss 'hinge_of_doom'.*'binary_crossentropy'"),
    ({"loss": "sparse_categorical_crossentropy", "metrics": ["accurracy"]},
     "Unknown metric 'accurracy'.*'sparse_categorical_accuracy'"),
])
def test_unknown_loss_and_metric_names_list_the_valid_choices_at_the_first_batch(data, kwargs, message):
    """Like Keras, names are resolved when the first batch shows the shapes (``"ce"`` and ``"acc"`` need them)."""
    x, y, _ = data
    model = mlp()
    model.compile("sgd", **kwargs)
    with pytest.raises(ValueError, match=message):
        model.fit(x, y, verbose=0)


# --- resolving names from shapes --------------------------------------------------------


@pytest.mark.parametrize("y_shape, out_shape, expected", [
    ((6,), (6, 1), metrics.BinaryAccuracy),                # one unit: binary, whatever the labels
    ((6, 1), (6, 1), metrics.BinaryAccuracy),
    ((6,), (6, 3), metrics.SparseCategoricalAccuracy),     # labels of lower rank
    ((6, 1), (6, 3), metrics.SparseCategoricalAccuracy),   # labels with a trailing 1
    ((6, 3), (6, 3), metrics.CategoricalAccuracy),         # one-hot
    ((6, 2, 3), (6, 2, 3), metrics.CategoricalAccuracy),
])
@pytest.mark.parametrize("identifier", ["accuracy", "acc", "ACC"])
def test_accuracy_follows_the_shapes(y_shape, out_shape, expected, identifier):
    metric = compile_utils.get_metric(identifier, np.zeros(y_shape), np.zeros(out_shape))
    assert type(metric) is expected and metric.name == identifier


@pytest.mark.parametrize("y_shape, out_shape, expected", [
    ((6,), (6, 1), losses.binary_crossentropy),
    ((6,), (6, 3), losses.sparse_categorical_crossentropy),
    ((6, 1), (6, 3), losses.sparse_categorical_crossentropy),
    ((6, 3), (6, 3), losses.categorical_crossentropy),
])
@pytest.mark.parametrize("identifier", ["crossentropy", "ce", "CE"])
def test_crossentropy_follows_the_shapes(y_shape, out_shape, expected, identifier):
    loss = compile_utils.get_loss(identifier, np.zeros(y_shape), np.zeros(out_shape))
    assert loss.fn is expected and loss.name == identifier


def test_crossentropy_is_not_a_metric_name():
    with pytest.raises(ValueError, match="Unknown metric 'ce'"):
        compile_utils.get_metric("ce", np.zeros(3), np.zeros((3, 2)))


@pytest.mark.parametrize("identifier, cls, name", [
    ("mse", metrics.MeanSquaredError, "mse"),
    ("MeanSquaredError", metrics.MeanSquaredError, "MeanSquaredError"),
    ("binary_accuracy", metrics.BinaryAccuracy, "binary_accuracy"),
    ("false_negatives", metrics.FalseNegatives, "false_negatives"),
    ("bce", metrics.BinaryCrossentropy, "bce"),
    (metrics.binary_accuracy, metrics.MeanMetricWrapper, "binary_accuracy"),
    (losses.mean_squared_error, metrics.MeanMetricWrapper, "mean_squared_error"),
    (lambda y_true, y_pred: y_pred, metrics.MeanMetricWrapper, "lambda"),
    (metrics.BinaryAccuracy(threshold=0.7, name="at_0.7"), metrics.BinaryAccuracy, "at_0.7"),
])
def test_metric_names(identifier, cls, name):
    metric = compile_utils.get_metric(identifier, np.zeros((3, 1)), np.zeros((3, 1)))
    assert type(metric) is cls and metric.name == name


@pytest.mark.parametrize("identifier, fn, name", [
    ("mse", losses.mean_squared_error, "mse"),
    ("binary_crossentropy", losses.binary_crossentropy, "binary_crossentropy"),
    (losses.mean_squared_error, losses.mean_squared_error, "mean_squared_error"),
])
def test_loss_functions_are_wrapped_and_named(identifier, fn, name):
    loss = compile_utils.get_loss(identifier, np.zeros((3, 1)), np.zeros((3, 1)))
    assert type(loss) is losses.LossFunctionWrapper and loss.fn is fn and loss.name == name
    assert loss.reduction == "sum_over_batch_size"


def test_loss_instances_and_classes_are_kept():
    bce = losses.BinaryCrossentropy(label_smoothing=0.1)
    assert compile_utils.get_loss(bce, None, None) is bce
    assert type(compile_utils.get_loss(losses.MeanSquaredError, None, None)) is losses.MeanSquaredError


# --- weighted and plain metrics ---------------------------------------------------------


def test_metrics_ignore_sample_weight_and_weighted_metrics_use_it(data):
    x, y, _ = data
    model = mlp()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
    weights = np.arange(12, dtype=np.float32)
    logs = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    hits = (np.argmax(model.predict(x, verbose=0), -1) == y).astype(np.float32)
    assert logs["accuracy"] == np.float32(hits.mean())
    assert logs["weighted_accuracy"] == pytest.approx(float((hits * weights).sum() / weights.sum()), rel=1e-6)
    assert sorted(logs) == ["accuracy", "loss", "weighted_accuracy"]


# --- several outputs ----------------------------------------------------------------------


def test_loss_weights_weigh_the_outputs_losses(data):
    x, ya, yb = data
    model = TwoHeads()
    model.compile(optimizers.SGD(0.0), loss={"b": "binary_crossentropy", "a": "sparse_categorical_crossentropy"},
                  loss_weights={"a": 1.0, "b": 0.5})
    logs = model.evaluate(x, {"a": ya, "b": yb}, batch_size=12, verbose=0, return_dict=True)
    assert sorted(logs) == ["a_loss", "b_loss", "loss"]
    pa, pb = model.predict(x, verbose=0)
    a = losses.SparseCategoricalCrossentropy()(ya, pa)
    b = losses.BinaryCrossentropy()(yb, pb)
    assert model.compute_loss(x, {"a": ya, "b": yb}, [pa, pb]) == a + b * np.float32(0.5)
    tracker = metrics.Mean()
    tracker.update_state(a, sample_weight=12)                   # the per-output tracker: (a·12)/12
    assert logs["a_loss"] == tracker.result()


def test_metrics_per_output_by_list_or_dict(data):
    x, ya, yb = data
    model = TwoHeads()
    model.compile("sgd", ["sparse_categorical_crossentropy", "binary_crossentropy"], metrics=["accuracy", "mse"])
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    assert sorted(logs) == ["a_accuracy", "a_loss", "b_loss", "b_mse", "loss"]     # one entry per output
    model.compile("sgd", metrics={"b": ["accuracy", "mse"]})                        # the loss is kept
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    assert sorted(logs) == ["a_loss", "b_accuracy", "b_loss", "b_mse", "loss"]
    assert type(model._compile_metrics.metrics[0]) is metrics.BinaryAccuracy


def test_dict_outputs_are_named_by_their_keys_in_sorted_order(data):
    x, ya, yb = data
    model = DictHeads()
    model.compile("sgd", ["sparse_categorical_crossentropy", "binary_crossentropy"], metrics=["accuracy", "mse"])
    logs = model.evaluate(x, {"a": ya, "b": yb}, verbose=0, return_dict=True)
    assert sorted(logs) == ["a_accuracy", "a_loss", "b_loss", "b_mse", "loss"]
    assert [type(m) for m in model._compile_metrics.metrics] == [metrics.SparseCategoricalAccuracy,
                                                                 metrics.MeanSquaredError]


def test_unnamed_outputs_take_their_losses_names(data):
    x, ya, yb = data
    model = TwoHeads(names=None)
    model.compile("sgd", [losses.sparse_categorical_crossentropy, "bce"])
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    assert sorted(logs) == ["bce_loss", "loss", "sparse_categorical_crossentropy_loss"]


def test_evaluate_list_order_is_keras_order(data):
    x, ya, yb = data
    model = TwoHeads()
    model.compile("sgd", ["sparse_categorical_crossentropy", "binary_crossentropy"],
                  metrics={"a": ["accuracy"], "b": ["accuracy", "mse"]})
    logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
    values = model.evaluate(x, [ya, yb], verbose=0)
    # loss, the per-output losses (found by name), then the prefixed metrics sorted
    names = ["loss", "a_loss", "b_loss", "a_accuracy", "b_accuracy", "b_mse"]
    assert values == [logs[n] for n in names]
    model.compile("sgd", ["sparse_categorical_crossentropy", "binary_crossentropy"], metrics=None)
    single = mlp()
    single.compile("sgd", "sparse_categorical_crossentropy")
    assert isinstance(single.evaluate(x, ya, verbose=0), float)


@pytest.mark.parametrize("model_fn, kwargs, error, message", [
    (TwoHeads, {"loss": "mse", "loss_weights": [1.0, 2.0]}, ValueError, "must match the number of losses"),
    (TwoHeads, {"loss": {"a": "mse"}}, ValueError, r"Expected keys \['a', 'b'\] in loss dict"),
    (TwoHeads, {"loss": [None, "mse"], "metrics": ["accuracy"]}, ValueError, "Invalid `metrics`"),
    (TwoHeads, {"loss": [["mse"], "mse"]}, ValueError, "nested more than one level"),
    (mlp, {"loss": "mse", "loss_weights": 2}, ValueError, "Expected `loss_weights` argument to be a float"),
    (mlp, {"loss": "mse", "metrics": "accuracy"}, ValueError, "Expected `metrics` argument to be a list"),
])
def test_structure_errors(data, model_fn, kwargs, error, message):
    x, ya, yb = data
    model = model_fn()
    with pytest.raises(error, match=message):
        model.compile("sgd", **kwargs)
        model.fit(x, [ya, yb] if model_fn is TwoHeads else ya, verbose=0)


def test_fit_needs_compile_and_a_loss(data):
    x, y, _ = data
    model = mlp()
    with pytest.raises(ValueError, match="You must call `compile\\(\\)` before calling `fit\\(\\)`"):
        model.fit(x, y)
    model.compile("sgd", metrics=["accuracy"])
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(x, y, verbose=0)
