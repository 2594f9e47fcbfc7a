"""Mixed precision against tf.keras: the rows of ``parity_tests/mixed_precision_db.py``.

* ``LossScaleOptimizer`` trajectories through inf/NaN and huge gradients, compared after every step: the
  scale and the step counter exactly, the inner ``iterations`` exactly, the variables and slots under the
  ``"optimizer"`` rule (its size is the number of steps actually applied). Keras's golden cases
  (``keras/src/optimizers/loss_scale_optimizer_test.py``) are pinned examples.
* A ``Dense`` under ``mixed_float16`` / ``mixed_bfloat16``: output dtype, forward, the float32 gradients of a
  float32 loss, one Adam step, under the ``"half_precision"`` rule in the compute dtype.
* The handbook's MLP compiled (``auto_scale_loss=True``) and fitted a few steps under each policy: logs,
  weights, and the loss scale.
"""

import contextlib

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import mixed_precision_db as db  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.op_db import PINNED  # noqa: E402
from parity_tests.optimizer_db import BY_NAME as OPTIMIZER_ROWS  # noqa: E402  (each optimizer's slot names, once)
from parity_tests.tolerances import adam_step_gain  # noqa: E402
from reference import config  # noqa: E402
from reference.dtype_policies import reset_dtype_policy  # noqa: E402
from tf_impl import handbook as tf_handbook  # noqa: E402


@contextlib.contextmanager
def global_policy(name):
    """Both sides' global dtype policy ``name`` inside the block, float32 (the reference's default) after it."""
    rk.config.set_dtype_policy(name)
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        reset_dtype_policy()
        keras.config.set_dtype_policy("float32")


# --- LossScaleOptimizer ----------------------------------------------------------------------------

_GOLDEN_GRADS = [np.array([1.0, 6.0, 7.0, 2.0])]
_GOLDEN_START = [np.array([1.0, 2.0, 3.0, 4.0])]
PINNED_LOSS_SCALE = [  # Keras's loss_scale_optimizer_test.py, each as (inner, inner kwargs, kwargs, vars, grads)
    ("sgd", {"learning_rate": 0.5}, {}, _GOLDEN_START, [[_GOLDEN_GRADS[0] * 2.0**15]]),        # test_finite_step
    ("sgd", {"learning_rate": 0.5}, {"initial_scale": 400.0}, _GOLDEN_START,
     [[np.full(4, np.inf)]] * 4),                                                                  # test_downscaling
    ("sgd", {"learning_rate": 0.5}, {"initial_scale": 2.0, "dynamic_growth_steps": 2}, _GOLDEN_START,
     [_GOLDEN_GRADS] * 8),                                                                         # test_upscaling
    ("adam", {"learning_rate": 1e-3}, {"initial_scale": 4.0, "dynamic_growth_steps": 1}, _GOLDEN_START,
     [_GOLDEN_GRADS, [np.array([1.0, np.nan, 0.0, 2.0])], _GOLDEN_GRADS, [np.full(4, -np.inf)], _GOLDEN_GRADS]),
    # a scale of 2¹⁶ is inf in float16: the unscaling runs in float32 (a float16 variable moves to 0.9907)
    ("sgd", {"learning_rate": 0.1}, {"initial_scale": 65536.0}, [np.array([1.0])], [[np.array([6000.0])]] * 2),
    ("rmsprop", {"learning_rate": 0.1, "centered": True}, {"initial_scale": 65536.0}, [np.array([1.0, -1.0])],
     [[np.array([6000.0, 30000.0])]] * 3),
]
HALF_DTYPES = ("float16", "bfloat16")


def _finite_peak(previous, array):
    """The larger of ``previous`` and the largest finite ``|array|``: a scale, when float16 overflowed somewhere."""
    return max(previous, float(np.max(np.abs(array[np.isfinite(array)]), initial=0.0)))


def check_loss_scale_trajectory(dtype, name, inner_kwargs, kwargs, variables, grads):
    row = OPTIMIZER_ROWS[{"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}[name]]
    ref_cls, slots = row.name, row.slots
    ref_opt = rk.optimizers.LossScaleOptimizer(getattr(rk.optimizers, ref_cls)(**inner_kwargs), **kwargs)
    tf_opt = keras.optimizers.LossScaleOptimizer(getattr(keras.optimizers, ref_cls)(**inner_kwargs), **kwargs)
    ref_vars = [v.astype(dtype) for v in variables]
    tf_vars = [tf.Variable(v) for v in ref_vars]
    what = f"LossScaleOptimizer({name}({inner_kwargs}), {kwargs})"
    peak = {}
    for t, step in enumerate(grads, start=1):
        with np.errstate(over="ignore"):  # a float32 gradient beyond float16's range becomes inf, as tf.cast's
            step = [None if g is None else g.astype(dtype) for g in step]
        with np.errstate(all="ignore"):
            ref_opt.apply([None if g is None else g.copy() for g in step], ref_vars)
        tf_opt.apply([None if g is None else tf.constant(g) for g in step], tf_vars)
        at = f"{what} after step {t} (gradients {[None if g is None else g.tolist() for g in step]})"
        assert float(ref_opt.dynamic_scale) == float(tf_opt.dynamic_scale.numpy()), f"{at}: dynamic_scale"
        assert int(ref_opt.step_counter) == int(tf_opt.step_counter.numpy()), f"{at}: step_counter"
        assert ref_opt.iterations == int(tf_opt.iterations.numpy()), f"{at}: inner iterations"
        assert float(ref_opt.scale_loss(np.float32(1.0))) == float(tf_opt.scale_loss(1.0)), f"{at}: scale_loss"
        pairs = [(f"variable {i}", r, v.numpy()) for i, (r, v) in enumerate(zip(ref_vars, tf_vars))]
        for ref_slot, keras_slot in slots.items():
            ref_list = getattr(ref_opt.inner_optimizer, ref_slot)
            tf_list = getattr(tf_opt.inner_optimizer, keras_slot, None) or []
            pairs += [(f"{ref_slot}[{i}]", r, v.numpy()) for i, (r, v) in enumerate(zip(ref_list, tf_list))]
        for quantity, r, v in pairs:
            peak[quantity] = _finite_peak(peak.get(quantity, 0.0), r)
            assert_parity(r, v, op="optimizer", dtype=dtype, size=max(1, ref_opt.iterations), scale=peak[quantity],
                          what=f"{at}: {quantity}")


@pytest.mark.filterwarnings("ignore:Gradients do not exist:UserWarning")  # Keras, on a None gradient
@pytest.mark.parametrize("dtype", S.DTYPES + HALF_DTYPES)
@given(data=st.data())
@example(data=PINNED)
def test_loss_scale_optimizer_matches_keras_through_non_finite_steps(dtype, data):
    """In float16 and bfloat16 the trajectory is drawn in float32 and rounded: 1e30 becomes inf in float16, and
    gradients of a few thousand times a scale of 2¹⁵ or more overflow it."""
    drawn = "float32" if dtype in HALF_DTYPES else dtype
    cases = PINNED_LOSS_SCALE if data is PINNED else [data.draw(S.loss_scale_trajectory(drawn), label="trajectory")]
    for name, inner_kwargs, kwargs, variables, grads in cases:
        check_loss_scale_trajectory(dtype, name, inner_kwargs, kwargs, variables, grads)


@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("inner", ["SGD", "Adam", "RMSprop"])
def test_loss_scale_optimizer_unscales_half_precision_gradients_in_float32(inner, dtype):
    """SGD(0.1) on a float16 variable at 1.0, gradient 6000 scaled by 2¹⁶ = inf in float16: Keras divides the
    gradient by the float32 scale (``ops.divide`` promotes), the inner optimizer casts the quotient to float16,
    and the variable becomes 0.9907. Divided in float16, every gradient would be 0 (SGD, Adam: no step) or
    NaN (centered RMSprop)."""
    kwargs = {"centered": True} if inner == "RMSprop" else {}
    ref_var, tf_var = np.array([1.0], dtype=config.standardize_dtype(dtype)), keras.Variable([1.0], dtype=dtype)
    grad = np.array([6000.0], dtype=ref_var.dtype)
    rk.optimizers.LossScaleOptimizer(getattr(rk.optimizers, inner)(0.1, **kwargs), initial_scale=65536.0).apply(
        [grad], [ref_var])
    keras.optimizers.LossScaleOptimizer(getattr(keras.optimizers, inner)(0.1, **kwargs),
                                        initial_scale=65536.0).apply([tf.constant(grad)], [tf_var])
    expected = tf_var.numpy()
    assert np.all(np.isfinite(expected)) and (dtype != "float16" or expected[0] != 1.0)
    assert ref_var.tobytes() == expected.tobytes(), f"{inner} in {dtype}: {ref_var} vs Keras {expected}"
    if inner == "SGD" and dtype == "float16":
        assert ref_var[0] == np.float16(0.9907)


# --- Dense under a mixed policy ----------------------------------------------------------------------

PINNED_DENSE = S.MixedDenseCase(seed=0, batch_size=32, in_features=784, units=10, activation="relu", input_scale=1.0)
OVERFLOWING_DENSE = S.MixedDenseCase(seed=0, batch_size=32, in_features=1, units=2, activation="softmax",
                                     input_scale=100.0)
"""A saturated float16 softmax, whose float32 loss gradient ``-1/(p·N)`` overflows float16 on the way back: the
infs and NaNs must sit where TF's do."""


def _dense_pair(policy, case):
    x, kernel, bias, labels = case.arrays()
    ref_layer = rk.layers.Dense(case.units, activation=case.activation, dtype=policy)
    tf_layer = keras.layers.Dense(case.units, activation=case.activation, dtype=policy)
    ref_layer(x[:1])
    tf_layer.build(x.shape)
    ref_layer.kernel[...], ref_layer.bias[...] = kernel, bias
    tf_layer.kernel.assign(kernel)
    tf_layer.bias.assign(bias)
    return ref_layer, tf_layer, x, labels


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")  # Keras, units=1
@pytest.mark.parametrize("row", db.rows("dense"), ids=lambda r: r.name)
@given(case=S.mixed_dense_cases())
@example(case=PINNED_DENSE)
@example(case=OVERFLOWING_DENSE)
def test_mixed_dense_matches_keras(row, case):
    ref_layer, tf_layer, x, labels = _dense_pair(row.policy, case)
    compute = config.standardize_dtype(tf_layer.compute_dtype)
    from_logits = case.activation != "softmax"
    with rk.GradientTape() as tape, np.errstate(over="ignore", invalid="ignore"):  # float16 may overflow, as TF's
        ref_out = ref_layer(x)
        ref_loss = rk.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, ref_out)
        ref_grads = tape.gradient(ref_loss, ref_layer.trainable_weights)
    with tf.GradientTape() as tape:
        tf_out = tf_layer(x)
        tf_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, tf_out)
    tf_grads = [g.numpy() for g in tape.gradient(tf_loss, tf_layer.trainable_weights)]

    what = f"Dense({case}) under {row.policy!r}"
    assert ref_out.dtype == compute == tf_out.dtype.as_numpy_dtype, f"{what}: output dtype"
    assert ref_loss.dtype == np.float32 == tf_loss.dtype.as_numpy_dtype, f"{what}: loss dtype"
    assert [g.dtype for g in ref_grads] == [g.dtype for g in tf_grads] == [np.float32] * 2, f"{what}: gradient dtypes"
    # magnitudes (float64): of the pre-activations, and of what a 1-ulp change of them moves the gradients by
    z_scale = float(np.max(np.abs(x.astype(np.float64)) @ np.abs(ref_layer.kernel) + np.abs(ref_layer.bias)))
    grad_scale = 2.0 * (1.0 + z_scale) * np.array([np.abs(x).sum(axis=0).max() / len(x), 1.0])
    assert_parity(ref_out.astype(np.float32), tf_out.numpy().astype(np.float32), op=row.tol, dtype=compute,
                  size=3, scale=z_scale, what=f"{what}: outputs")
    assert_parity(ref_loss, tf_loss.numpy(), op=row.tol, dtype=compute, size=5, scale=1.0 + z_scale,
                  what=f"{what}: loss")
    for name, r, t, scale in zip(("kernel", "bias"), ref_grads, tf_grads, grad_scale):
        assert_parity(r, t, op=row.tol, dtype=compute, size=8, scale=scale, what=f"{what}: gradient of the {name}")

    with np.errstate(invalid="ignore"):
        rk.optimizers.Adam().apply_gradients(zip(ref_grads, ref_layer.trainable_weights))
    keras.optimizers.Adam().apply_gradients(zip([tf.constant(g) for g in tf_grads], tf_layer.trainable_weights))
    for name, r, t, scale in zip(("kernel", "bias"), ref_layer.trainable_weights, tf_layer.trainable_weights,
                                 grad_scale):
        assert_parity(r, t.numpy(), op=row.tol, dtype=compute, size=8,
                      scale=_finite_peak(0.0, r) + adam_step_gain(1e-3) * scale,
                      what=f"{what}: {name} after one Adam step")


# --- the handbook's MLP, fitted -------------------------------------------------------------------------

FIT_STEPS = 4


def _mnist_like(n=64, seed=0):
    rng = np.random.default_rng(seed)
    images = np.where(rng.random((n, 28, 28, 1)) < 0.2, rng.random((n, 28, 28, 1)), 0.0).astype(np.float32)
    return images, rng.integers(0, 10, n).astype(np.int32)


@pytest.mark.parametrize("row", db.rows("fit"), ids=lambda r: r.name)
def test_handbook_mlp_fit_matches_keras(row):
    x, y = _mnist_like(n=16 * FIT_STEPS)
    with global_policy(row.policy):
        ref_model, tf_model = rk.handbook.MLP(), tf_handbook.MLP()
    tf_model(x[:1])
    ref_model(x[:1])
    for r, t in zip(ref_model.variables, tf_model.variables):
        r[...] = t.numpy()
    for model in (ref_model, tf_model):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert type(ref_model.optimizer).__name__ == type(tf_model.optimizer).__name__, "auto_scale_loss wrapping"
    ref_history = ref_model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    tf_history = tf_model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    compute = config.standardize_dtype(tf_model.dense1.compute_dtype)
    steps = 2 * FIT_STEPS
    what = f"handbook MLP fit under {row.policy!r}"
    assert_parity(np.array(ref_history["loss"]), np.array(tf_history["loss"]), op=row.tol, dtype=compute,
                  size=8 * steps, scale=1.0, what=f"{what}: epoch losses")
    assert ref_model.optimizer.iterations == int(tf_model.optimizer.iterations.numpy()), f"{what}: iterations"
    if row.policy == "mixed_float16":
        assert float(ref_model.optimizer.dynamic_scale) == float(tf_model.optimizer.dynamic_scale.numpy())
    for r, t in zip(ref_model.variables, tf_model.variables):
        # each applied Adam step moves a weight by at most lr·(1 + gain·δg): the steps' gradient differences
        assert_parity(r, t.numpy(), op=row.tol, dtype=compute, size=8 * steps,
                      scale=_finite_peak(0.0, r) + steps * 1e-3, what=f"{what}: {t.path}")


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("use_ema", [False, True], ids=["plain", "use_ema"])
@pytest.mark.parametrize("name", sorted(n for n in OPTIMIZER_ROWS if n != "MultiOptimizer"))
def test_loss_scale_optimizer_wraps_every_optimizer_in_float16(name, use_ema):
    """Every optimizer inside ``LossScaleOptimizer(initial_scale=2¹⁵)`` on a float16 matrix, gradients of order 1
    (``g/S`` ≈ 3e-5, subnormal in float16): the unscaled gradient is float32, and Keras's ``apply`` keeps it so
    until an ``update_step`` casts it. Muon's matrix path never casts: its Newton–Schulz iteration runs in float32,
    where in float16 the norm of ``g/S`` underflows and the iteration overflows to NaN."""
    start = np.float16([[0.1257, -0.1318, 0.6406]])
    grads = [np.float16([[0.5, -1.25, 2.0]]), np.float16([[-0.75, 0.25, 1.5]]), np.float16([[1.0, 1e-3, -2.0]])]
    ref_var, tf_var = start.copy(), keras.Variable(start)
    ref_opt = rk.optimizers.LossScaleOptimizer(getattr(rk.optimizers, name)(use_ema=use_ema), initial_scale=2.0**15)
    tf_opt = keras.optimizers.LossScaleOptimizer(getattr(keras.optimizers, name)(use_ema=use_ema),
                                                 initial_scale=2.0**15)
    for t, g in enumerate(grads, start=1):
        ref_opt.apply([g.copy()], [ref_var])
        tf_opt.apply([tf.constant(g)], [tf_var])
        assert_parity(ref_var, tf_var.numpy(), op="optimizer", dtype="float16", size=t, scale=1.0,
                      what=f"LossScaleOptimizer({name}(use_ema={use_ema})) in float16 after step {t}")
