"""Dtype policies, the loss-scale optimizer and mixed-precision training, without TensorFlow.

The pinned numbers are Keras's own (``keras/src/optimizers/loss_scale_optimizer_test.py``,
``keras/src/dtype_policies/dtype_policy_test.py``); the parity suite compares the rest with tf.keras.
"""

import subprocess
import sys

import numpy as np
import pytest

import reference as rk
from reference import config, mixed_precision
from reference.dtype_policies import DTypePolicy
from reference.optimizers import SGD, Adam, LossScaleOptimizer

ml_dtypes = pytest.importorskip("ml_dtypes")


# --- policies (dtype_policy_test.py) ---------------------------------------------------------------------


@pytest.mark.parametrize("name, compute, variable", [
    ("mixed_float16", "float16", "float32"), ("mixed_bfloat16", "bfloat16", "float32"),
    ("float32", "float32", "float32"), ("float16", "float16", "float16"), ("bfloat16", "bfloat16", "bfloat16"),
    ("float64", "float64", "float64"),
])
def test_policy_names_give_keras_dtypes(name, compute, variable):
    policy = DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert repr(policy) == f'<DTypePolicy "{name}">'
    assert DTypePolicy.from_config(policy.get_config()) == policy


def test_invalid_policy_names_raise_as_keras():
    with pytest.raises(ValueError, match="Cannot convert 'mixed_float8'"):
        DTypePolicy("mixed_float8")
    with pytest.raises(TypeError, match="'name' must be a string"):
        DTypePolicy(16)
    with pytest.raises(ValueError, match="Invalid `policy` argument"):
        rk.config.set_dtype_policy(16)


def test_global_policy_and_its_legacy_names():
    assert rk.config.dtype_policy() == DTypePolicy("float32")
    rk.config.set_dtype_policy("mixed_float16")
    assert mixed_precision.global_policy() is rk.config.dtype_policy()
    layer = rk.layers.Dense(10)                         # dtype_policy_test: the global policy reaches new layers
    assert layer.dtype_policy.name == "mixed_float16"
    assert rk.layers.Dense(10, dtype="float32").dtype_policy == DTypePolicy("float32")
    mixed_precision.set_global_policy("float32")
    assert rk.layers.Dense(10).dtype_policy.name == "float32"
    assert layer.dtype_policy.name == "mixed_float16"     # existing layers keep theirs


def test_the_default_policy_follows_floatx_until_one_is_set():
    rk.set_floatx("float64")
    assert rk.layers.Dense(2).dtype == "float64"
    rk.config.set_dtype_policy("float32")
    assert rk.layers.Dense(2).dtype == "float32"


def test_reference_imports_without_ml_dtypes():
    code = ("import sys; sys.modules['ml_dtypes'] = None; import reference as rk, numpy as np; "
            "print(rk.layers.Dense(2, dtype='mixed_float16')(np.ones((1, 3))).dtype)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "float16"


# --- a Dense under a mixed policy ------------------------------------------------------------------------


@pytest.mark.parametrize("policy, compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")])
def test_mixed_dense_computes_in_half_and_keeps_float32_weights(policy, compute):
    layer = rk.layers.Dense(3, activation="relu", dtype=policy)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = rk.losses.MeanSquaredError()(np.zeros((4, 3)), y)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    assert y.dtype == config.standardize_dtype(compute)
    assert loss.dtype == np.float32                       # the loss casts y_pred to float32 (Keras's Loss.__call__)
    assert [w.dtype for w in layer.weights] == [np.float32] * 2
    assert [g.dtype for g in grads] == [np.float32] * 3     # each cast's gradient casts back
    assert layer.get_config()["dtype"] == policy


def test_bfloat16_sums_accumulate_in_float32():
    x = np.random.default_rng(0).standard_normal(10_000).astype(ml_dtypes.bfloat16)
    assert float(rk.ops.reduce_sum(x)) == float(np.sum(x, dtype=np.float32).astype(ml_dtypes.bfloat16))
    assert abs(float(np.sum(x)) - float(np.sum(x.astype(np.float64)))) > 1   # NumPy alone: 60.25, not 63.0


# --- LossScaleOptimizer (loss_scale_optimizer_test.py) -----------------------------------------------------


def _golden():
    return [np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)], [np.array([1.0, 6.0, 7.0, 2.0], dtype=np.float32)]


def test_finite_step_unscales_the_gradients():
    variables, grads = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5))
    optimizer.apply([grads[0] * optimizer.initial_scale], variables)
    np.testing.assert_allclose(variables[0], [0.5, -1.0, -0.5, 3.0], rtol=1e-4, atol=1e-4)


def test_apply_without_variables_once_built():
    variables, grads = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5))
    optimizer.build(variables)
    optimizer.apply([grads[0] * optimizer.initial_scale])
    np.testing.assert_allclose(variables[0], [0.5, -1.0, -0.5, 3.0], rtol=1e-4, atol=1e-4)


def test_infinite_step_is_skipped():
    variables, _ = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5))
    optimizer.apply([np.full(4, np.inf, dtype=np.float32)], variables)
    np.testing.assert_array_equal(variables[0], [1.0, 2.0, 3.0, 4.0])
    assert optimizer.iterations == 0


def test_downscaling():
    variables, _ = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5), initial_scale=400.0)
    for _ in range(4):
        optimizer.apply([np.full(4, np.inf, dtype=np.float32)], variables)
    assert float(optimizer.scale_loss(np.float32(1.0))) == 25.0


def test_upscaling():
    variables, grads = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5), initial_scale=2.0, dynamic_growth_steps=2)
    for _ in range(8):
        optimizer.apply(grads, variables)
    assert float(optimizer.scale_loss(np.float32(1.0))) == 32.0


def test_iterations_count_the_inner_steps():
    variables, grads = _golden()
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5))
    assert optimizer.iterations == 0
    for i in range(3):
        optimizer.apply(grads, variables)
        assert optimizer.iterations == i + 1
    optimizer.apply([np.array([np.nan, 0, 0, 0], dtype=np.float32)], variables)
    assert optimizer.iterations == 3


def test_serialization():
    optimizer = LossScaleOptimizer(SGD(learning_rate=0.5), initial_scale=3.0, dynamic_growth_steps=2, name="test_opt")
    config_ = optimizer.get_config()
    assert (config_["name"], config_["initial_scale"], config_["dynamic_growth_steps"]) == ("test_opt", 3.0, 2)
    restored = LossScaleOptimizer.from_config(config_)
    assert isinstance(restored.inner_optimizer, SGD) and restored.get_config() == config_


def test_learning_rate_reads_through():
    optimizer = LossScaleOptimizer(Adam(learning_rate=0.01))
    optimizer.learning_rate = 0.5
    assert optimizer.inner_optimizer.learning_rate == np.float32(0.5) == optimizer.learning_rate


@pytest.mark.parametrize("kwargs, argument", [
    ({"dynamic": False}, "dynamic"), ({"clipnorm": 1.0}, "clipnorm"), ({"momentum": 0.9}, "momentum"),
    ({"initial_scale": 0.0}, "initial_scale"), ({"dynamic_growth_steps": 0}, "dynamic_growth_steps"),
])
def test_bad_arguments_name_themselves(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        LossScaleOptimizer(SGD(), **kwargs)


# --- compile and fit -----------------------------------------------------------------------------------


def _model():
    return rk.Sequential([rk.layers.Dense(8, "relu"), rk.layers.Dense(3)])


def test_compile_wraps_the_optimizer_under_mixed_float16_only():
    rk.config.set_dtype_policy("mixed_float16")
    model = _model()
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, LossScaleOptimizer) and model.optimizer.name == "loss_scale_optimizer"
    model.compile("adam", "mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, Adam)
    rk.config.set_dtype_policy("mixed_bfloat16")
    model = _model()
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, Adam)


def test_fit_scales_the_loss_and_unscales_the_gradients():
    """The same step with and without the scale: a power-of-two scale changes no bit of the float32 update."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 3)).astype(np.float32)
    results = []
    for auto_scale_loss in (True, False):
        rk.set_random_seed(0)
        rk.config.set_dtype_policy("mixed_float16")
        model = _model()
        model.compile(rk.optimizers.SGD(0.1), "mse", auto_scale_loss=auto_scale_loss)
        history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        results.append((history.history["loss"], [w.copy() for w in model.weights]))
    (loss_a, weights_a), (loss_b, weights_b) = results
    assert loss_a == loss_b                                  # the tracker logs the unscaled loss
    assert model.optimizer.iterations == 2
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_allclose(a, b, rtol=2 ** -9)       # float16 gradients: the scale moves their rounding
