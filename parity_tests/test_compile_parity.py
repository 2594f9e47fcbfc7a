"""``compile`` against tf.keras: which loss and metric each argument becomes, what it is called, what fails.

The resolution tests call Keras's own ``keras.src.trainers.compile_utils``
(``get_metric``, ``get_loss``) on arrays of the drawn shapes and compare the
class and name it picks with the reference's. The structure tests compile
the same multi-output model on both sides and compare the log keys (and
values) of one epoch, traced and eagerly, and which configurations both
reject. The execution tests compare how ``run_eagerly`` and ``jit_compile``
resolve.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from keras.src.trainers import compile_utils as keras_compile_utils  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.test_fit_parity import RefTwoHeads, TFTwoHeads, assert_logs_match, paired  # noqa: E402
from reference.trainers import compile_utils  # noqa: E402


def _zeros(shape):
    return np.zeros(shape, dtype=np.float32)


@given(shapes=S.target_and_output_shapes(), identifier=st.sampled_from(["accuracy", "acc", "ACC", "Accuracy"]))
def test_accuracy_resolves_like_keras(shapes, identifier):
    y_true, y_pred = _zeros(shapes[0]), _zeros(shapes[1])
    expected = keras_compile_utils.get_metric(identifier, y_true, y_pred)
    metric = compile_utils.get_metric(identifier, y_true, y_pred)
    assert (type(metric).__name__, metric.name) == (type(expected).__name__, expected.name)


@given(shapes=S.target_and_output_shapes(), identifier=st.sampled_from(["crossentropy", "ce", "CE", "CrossEntropy"]))
def test_crossentropy_resolves_like_keras(shapes, identifier):
    y_true, y_pred = _zeros(shapes[0]), _zeros(shapes[1])
    expected = keras_compile_utils.get_loss(identifier, y_true, y_pred)
    loss = compile_utils.get_loss(identifier, y_true, y_pred)
    assert (loss.fn.__name__, loss.name) == (expected.fn.__name__, expected.name)


METRIC_NAMES = ["mse", "MSE", "mean_squared_error", "MeanSquaredError", "binary_accuracy", "BinaryAccuracy",
                "false_negatives", "FalseNegatives", "bce", "BCE", "binary_crossentropy", "categorical_accuracy",
                "sparse_categorical_accuracy", "SparseCategoricalAccuracy", "Mean"]


@pytest.mark.parametrize("identifier", METRIC_NAMES)
def test_metric_names_resolve_like_keras(identifier):
    expected = keras_compile_utils.get_metric(identifier, _zeros((4, 1)), _zeros((4, 1)))
    metric = compile_utils.get_metric(identifier, _zeros((4, 1)), _zeros((4, 1)))
    assert (type(metric).__name__, metric.name) == (type(expected).__name__, expected.name)


LOSS_NAMES = ["mse", "MSE", "mean_squared_error", "MeanSquaredError", "bce", "BCE", "binary_crossentropy",
              "BinaryCrossentropy", "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
              "categorical_crossentropy", "CategoricalCrossentropy"]


@pytest.mark.parametrize("identifier", LOSS_NAMES)
def test_loss_names_resolve_like_keras(identifier):
    expected = keras_compile_utils.get_loss(identifier, _zeros((4, 1)), _zeros((4, 1)))
    loss = compile_utils.get_loss(identifier, _zeros((4, 1)), _zeros((4, 1)))
    assert (type(loss).__name__, loss.name) == (type(expected).__name__, expected.name)
    if hasattr(expected, "fn"):
        assert loss.fn.__name__ == expected.fn.__name__


@pytest.mark.parametrize("identifier", ["accurracy", "crossentropy", "hinge_of_doom", 3])
def test_unknown_metrics_fail_like_keras(identifier):
    with pytest.raises(ValueError):
        keras_compile_utils.get_metric(identifier, _zeros((4, 1)), _zeros((4, 1)))
    with pytest.raises(ValueError):
        compile_utils.get_metric(identifier, _zeros((4, 1)), _zeros((4, 1)))


# --- structures of several outputs ----------------------------------------------------------


def _two_output_data(n=10):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, 5)).astype("float32"),
            [rng.integers(0, 4, n), rng.integers(0, 2, n).astype("float32")])


def _fit_both(as_dict, compile_kwargs, y_of=lambda y: y, run_eagerly=False):
    x, y = _two_output_data()
    tf_model, ref_model = paired(TFTwoHeads(as_dict), RefTwoHeads(as_dict), x)
    tf_model.compile(keras.optimizers.SGD(0.0), run_eagerly=run_eagerly, **compile_kwargs)
    ref_model.compile(rk.optimizers.SGD(0.0), run_eagerly=run_eagerly, **compile_kwargs)
    fit = dict(batch_size=4, epochs=1, shuffle=False, verbose=0)
    return ref_model.fit(x, y_of(y), **fit).history, tf_model.fit(x, y_of(y), **fit).history


@pytest.mark.parametrize("as_dict, compile_kwargs, y_of", [
    # outputs named by output_names; a weighted metric whose name is taken becomes "weighted_..."
    (False, dict(loss=["sparse_categorical_crossentropy", "bce"], loss_weights=[0.5, 2.0],
                 metrics=[["acc", "sparse_categorical_accuracy"], "mse"], weighted_metrics={"b": ["mse"]}),
     lambda y: y),
    # dict outputs, named by their sorted keys; a dict loss iterated in its own order; targets as a dict
    # ((N, 1) for "b": the "bce" *metric*, unlike the loss, does not align (N,) with (N, 1), in Keras either)
    (True, dict(loss={"b": "binary_crossentropy", "a": "sparse_categorical_crossentropy"},
                loss_weights={"a": 2.0, "b": 1.0}, metrics={"b": ["accuracy", "bce"]}),
     lambda y: {"a": y[0], "b": y[1][:, None]}),
])
@pytest.mark.parametrize("run_eagerly", [False, True], ids=["graph", "eager"])
def test_multi_output_log_keys_and_values_match_keras(as_dict, compile_kwargs, y_of, run_eagerly):
    """10 samples in batches of 4: the partial batch makes the per-output losses differ between the two modes."""
    ref_logs, tf_logs = _fit_both(as_dict, compile_kwargs, y_of, run_eagerly)
    assert_logs_match(ref_logs, tf_logs, "float32", 0, "fit")


@pytest.mark.filterwarnings("ignore:Gradients do not exist")  # Keras, tracing a head without a loss
@pytest.mark.parametrize("compile_kwargs", [
    dict(loss="mse", loss_weights=2),                                          # an int is not a weight
    dict(loss="mse", metrics="accuracy"),                                      # metrics must be a list
    dict(loss={"a": "sparse_categorical_crossentropy"}),                       # a loss dict must name every output
    dict(loss="sparse_categorical_crossentropy", loss_weights=[1.0, 1.0]),     # one loss, two weights
    dict(loss=[None, "bce"], metrics=["accuracy", "mse", "mse"]),              # three metric entries, two outputs
])
def test_both_reject_the_same_configurations(compile_kwargs):
    x, y = _two_output_data()
    for model_cls, framework in ((TFTwoHeads, keras), (RefTwoHeads, rk)):
        model = model_cls()
        with pytest.raises(ValueError):
            model.compile(framework.optimizers.SGD(0.0), **compile_kwargs)
            model.fit(x, y, verbose=0)


# --- execution ----------------------------------------------------------------------------------


def _compiled(model, framework, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.compile(framework.optimizers.SGD(0.0), "mse", **kwargs)
    return model.run_eagerly, model.jit_compile, [str(w.message) for w in caught if "jit_compile" in str(w.message)]


@pytest.mark.parametrize("run_eagerly", [False, True])
@pytest.mark.parametrize("jit_compile", ["auto", False, True])
def test_run_eagerly_and_jit_compile_resolve_like_keras(run_eagerly, jit_compile):
    """``"auto"`` is ``False`` eagerly and on this CPU-only machine; ``True`` with ``run_eagerly`` warns, then is
    False."""
    x = np.zeros((2, 5), "float32")
    tf_model, ref_model = paired(TFTwoHeads(), RefTwoHeads(), x)
    assert _compiled(ref_model, rk, run_eagerly=run_eagerly, jit_compile=jit_compile) == \
        _compiled(tf_model, keras, run_eagerly=run_eagerly, jit_compile=jit_compile)
