"""Optimizer trajectories and learning-rate schedules against Keras, over ``optimizer_db``'s rows.

* ``test_trajectory_matches_keras[row-dtype]``: in each variable dtype Keras accepts (float32, float64, float16,
  bfloat16), hypothesis draws the row's hyperparameters, some base-class
  options (weight decay, clipping, EMA, loss scaling, gradient accumulation, a schedule) and a gradient stream
  of :data:`STEPS` steps (normal, repeated, zero, sparse, huge (1e30), tiny (1e-30) gradients, and steps where
  one variable gets ``None``); the reference optimizer runs on NumPy arrays, Keras's on ``keras.Variable``s, and
  after *every* step the variables, every slot, the EMA averages, the gradient accumulators, ``iterations`` and
  ``learning_rate`` are compared.
* ``test_option_matches_keras[option-dtype]``: each base-class option alone, on a drawn optimizer.
* ``test_schedule_matches_keras[row-dtype]``: each schedule, value by value over ``range(row.steps)``
  (float32: Python-float arguments, as Keras computes them; float64: ``np.float64`` initial learning rate).

Trajectories are expensive (a 50-step trajectory costs ~2-4 s: Keras's eager ``apply_gradients`` and the
comparison of every slot after every step), so their example count is the profile's divided by
:data:`TRAJECTORY_SHARE` (dev and ci: 1 drawn example per row and dtype, beside the pinned ones; thorough: 20).
"""

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import optimizer_db as db  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.op_db import PINNED  # noqa: E402
from reference import config  # noqa: E402

STEPS = 50
TRAJECTORY_SHARE = 100
_PROFILE_EXAMPLES = settings().max_examples
TRAJECTORY_EXAMPLES = max(1, _PROFILE_EXAMPLES // TRAJECTORY_SHARE)
SCHEDULE_EXAMPLES = max(3, _PROFILE_EXAMPLES // 10)

BASE_SLOTS = db.BASE_SLOTS


def _params(rows):
    return [pytest.param(row, dtype, id=f"{row.name}-{dtype}") for row in rows for dtype in row.dtypes]


def _as_list(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _numpy(value):
    return None if value is None else np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _repro(row, hp, opts, trajectory):
    setup = (f"from parity_tests import optimizer_db as db\ntrajectory = {trajectory!r}\n"
             f"row, hp, opts = db.BY_NAME[{row.name!r}], {hp!r}, {opts!r}\n")
    ref = (setup + "opt = db.with_options(rk, row, hp, opts)\nvariables = trajectory.variables()\n"
           "opt.build(variables, names=trajectory.names)\n"
           "for step in trajectory.gradients():\n    opt.apply_gradients(zip(step, variables))")
    tf_code = (setup + "opt = db.with_options(keras, row, hp, opts)\n"
               "variables = [keras.Variable(v, name=n) for v, n in zip(trajectory.variables(), trajectory.names)]\n"
               "for step in trajectory.gradients():\n"
               "    opt.apply_gradients([(None if g is None else tf.constant(g), v) for g, v in zip(step, variables)])")
    return dict(inputs={}, ref=ref, tf=tf_code)


def check_trajectory(row, dtype, hp, opts, trajectory):
    ref_opt = db.with_options(rk, row, hp, opts)
    tf_opt = db.with_options(keras, row, hp, opts)
    ref_vars = trajectory.variables()
    tf_vars = [keras.Variable(v, name=n, dtype=dtype) for v, n in zip(ref_vars, trajectory.names)]
    ref_opt.build(ref_vars, names=trajectory.names)
    tf_opt.build(tf_vars)
    slots = {**row.slots, **(BASE_SLOTS if row.options else {})}
    repro = _repro(row, hp, opts, trajectory)
    what = f"{row.name}({hp}, {opts})"
    # a schedule computes in float32 (as Keras, from Python floats), and NumPy's float32 cos/pow/log differ
    # from TF's by an ulp or two: the learning rate then carries float32 rounding into a float64 trajectory
    tol_dtype = "float32" if "schedule" in opts and dtype == "float64" else dtype
    peak = {}  # largest |value| seen so far of each compared quantity: the trajectory's scale
    for t, step in enumerate(trajectory.gradients(), start=1):
        ref_opt.apply_gradients(zip([None if g is None else g.copy() for g in step], ref_vars))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns about the None gradients
            tf_opt.apply_gradients([(None if g is None else tf.constant(g), v) for g, v in zip(step, tf_vars)])
        assert ref_opt.iterations == int(tf_opt.iterations.numpy()), (
            f"{what}: iterations {ref_opt.iterations} vs Keras {int(tf_opt.iterations.numpy())} after call {t}")
        pairs = [(f"variable {i}", r, v) for i, (r, v) in enumerate(zip(ref_vars, tf_vars))]
        for ref_slot, keras_slot in slots.items():
            ref_list, tf_list = _as_list(db.resolve(ref_opt, ref_slot)), _as_list(db.resolve(tf_opt, keras_slot))
            ref_list, tf_list = [a for a in ref_list if a is not None], [a for a in tf_list if a is not None]
            assert len(ref_list) == len(tf_list), (f"{what}: slot {ref_slot} has {len(ref_list)} arrays in the "
                                                   f"reference, {len(tf_list)} in Keras ({keras_slot})")
            pairs += [(f"{ref_slot}[{i}]", r, v) for i, (r, v) in enumerate(zip(ref_list, tf_list))]
        for name, r, v in pairs:
            r, v = np.asarray(r), _numpy(v)
            with np.errstate(invalid="ignore", over="ignore"):
                finite = np.abs(r[np.isfinite(r)].astype(np.float64))
            peak[name] = max(peak.get(name, 0.0), float(np.max(finite, initial=0.0)))
            assert_parity(r, v, op=row.tol, dtype=tol_dtype, size=t, scale=peak[name],
                          what=f"{what} {name} after call {t}", **repro)
        if row.name != "MultiOptimizer":
            assert_parity(np.asarray(ref_opt.learning_rate), _numpy(tf_opt.learning_rate), op="schedule",
                          dtype="float32", scale=peak.setdefault("lr", 1.0),
                          what=f"{what} learning_rate after call {t}", **repro)


def _pinned(row, dtype):
    """A default-hyperparameter run of every row; for Adam, also the base-class options in three groups
    (the drawn examples and ``test_option_matches_keras`` cover them on the other rows)."""
    shapes = ((3, 4), (4,))
    if row.name == "Muon":
        shapes = ((3, 4), (4,), (5, 2))
    base = db.Trajectory(seed=0, shapes=shapes, kinds=("normal", "repeat", "none", "zeros", "sparse") * 10,
                         scale=1.0, dtype=dtype, names=tuple(f"var{i}" for i in range(len(shapes))), keep=row.keep)
    hp = {"learning_rate": 0.01}
    if row.name == "MultiOptimizer":
        hp = {"learning_rate": 0.01, "beta_1": 0.9, "sgd_learning_rate": 0.1, "momentum": 0.9}
    cases = [(hp, {}, base)]
    if row.name == "Adam":
        cases += [(hp, {"weight_decay": 0.1, "clipnorm": 1.0}, base),
                  (hp, {"use_ema": True, "ema_overwrite_frequency": 3, "gradient_accumulation_steps": 2}, base),
                  (hp, {"global_clipnorm": 0.5, "loss_scale_factor": 128.0,
                        "schedule": ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 20,
                                                     "warmup_target": 0.1, "warmup_steps": 10})}, base)]
    return cases


@pytest.mark.parametrize("row, dtype", _params(db.ROWS))
@settings(max_examples=TRAJECTORY_EXAMPLES)
@given(data=st.data())
@example(data=PINNED)
def test_trajectory_matches_keras(row, dtype, data):
    if data is PINNED:
        cases = _pinned(row, dtype)
    else:
        hp = data.draw(row.hyperparameters(), label="hyperparameters")
        opts = data.draw(db.options(), label="options") if row.options else {}
        cases = [(hp, opts, data.draw(db.trajectories(dtype, STEPS, keep=row.keep), label="trajectory"))]
    for hp, opts, trajectory in cases:
        check_trajectory(row, dtype, hp, opts, trajectory)


OPTION_ROWS = [row for row in db.ROWS if row.options and "float64" in row.dtypes]


@pytest.mark.parametrize("dtype", ("float32", "float64"))
@pytest.mark.parametrize("option", db.OPTIONS)
@settings(max_examples=TRAJECTORY_EXAMPLES)
@given(data=st.data())
def test_option_matches_keras(option, dtype, data):
    row = data.draw(st.sampled_from(OPTION_ROWS), label="row")
    hp = data.draw(row.hyperparameters(), label="hyperparameters")
    opts = data.draw(db.option_values(option), label="option")
    check_trajectory(row, dtype, hp, opts, data.draw(db.trajectories(dtype, STEPS), label="trajectory"))


def _schedule_kwargs(kwargs, dtype):
    """In float64, the initial learning rate (or the first value) as ``np.float64``: Keras then computes in
    float64 (a Python float makes it float32)."""
    return kwargs if dtype == "float32" else db.float64_schedule_kwargs(kwargs)


@pytest.mark.parametrize("dtype", ("float32", "float64"))
@pytest.mark.parametrize("row", db.SCHEDULE_ROWS, ids=[r.name for r in db.SCHEDULE_ROWS])
@settings(max_examples=SCHEDULE_EXAMPLES)
@given(data=st.data())
def test_schedule_matches_keras(row, dtype, data):
    kwargs = _schedule_kwargs(data.draw(row.kwargs(), label="kwargs"), dtype)
    ref = getattr(rk.optimizers.schedules, row.name)(**kwargs)
    ker = getattr(keras.optimizers.schedules, row.name)(**kwargs)
    values = [v for v in kwargs.values() if isinstance(v, float)] + list(kwargs.get("values", []))
    scale = max([1.0] + [abs(float(v)) for v in values])
    for step in range(row.steps):
        r = np.asarray(ref(step))
        k = ker(tf.constant(step, tf.int64)).numpy()
        assert r.dtype == k.dtype, f"{row.name}({kwargs}) at step {step}: dtype {r.dtype} vs Keras {k.dtype}"
        assert_parity(r, k, op=row.tol, dtype=dtype, scale=scale, what=f"{row.name}({kwargs}) at step {step}")


@pytest.mark.parametrize("row", db.SCHEDULE_ROWS, ids=[r.name for r in db.SCHEDULE_ROWS])
@settings(max_examples=SCHEDULE_EXAMPLES)
@given(data=st.data())
def test_schedule_config_matches_keras(row, data):
    kwargs = data.draw(row.kwargs(), label="kwargs")
    ref = getattr(rk.optimizers.schedules, row.name)(**kwargs)
    ker = getattr(keras.optimizers.schedules, row.name)(**kwargs)
    assert ref.get_config() == ker.get_config()
    assert type(ref).from_config(ref.get_config()).get_config() == ref.get_config()
    serialized = keras.optimizers.schedules.serialize(ker)
    assert rk.optimizers.schedules.serialize(ref) == {k: serialized[k] for k in ("module", "class_name",
                                                                                  "config", "registered_name")}


@pytest.mark.parametrize("name", sorted(rk.optimizers.ALL) + ["Adam", "ADAM", "AdamW", "SGD", "lamb", "Lamb",
                                                               "adam_w", "nope"])
def test_get_resolves_names_as_keras(name):
    try:
        expected = type(keras.optimizers.get(name)).__name__
    except Exception:  # noqa: BLE001 - Keras's KeyError/TypeError/ValueError: the reference raises ValueError
        with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
            rk.optimizers.get(name)
        return
    assert type(rk.optimizers.get(name)).__name__ == expected


@pytest.mark.parametrize("row", [r for r in db.ROWS if r.name != "MultiOptimizer"], ids=lambda r: r.name)
def test_defaults_and_config_match_keras(row):
    ref, ker = getattr(rk.optimizers, row.name)(), getattr(keras.optimizers, row.name)()
    ref_config, keras_config = ref.get_config(), ker.get_config()
    keras_config.pop("name"), ref_config.pop("name")
    assert ref_config == keras_config
    assert type(ref).from_config(ref.get_config()).get_config() == ref.get_config()


# --- the learning rate: any float, of any sign; nothing else -----------------------------------------------

CONSTRUCTIBLE = [r for r in db.ROWS if r.name != "MultiOptimizer"]


@pytest.mark.parametrize("learning_rate", [1, 0, np.float32(0.1), "0.1"], ids=repr)
@pytest.mark.parametrize("row", CONSTRUCTIBLE, ids=lambda r: r.name)
def test_learning_rate_that_is_not_a_float_raises_as_keras(row, learning_rate):
    """Keras's ``BaseOptimizer.__init__`` checks ``isinstance(learning_rate, float)``: ``learning_rate=1`` and a
    ``np.float32`` are refused (a ``np.float64`` is a ``float``)."""
    with pytest.raises(ValueError, match="should be float"):
        getattr(keras.optimizers, row.name)(learning_rate=learning_rate)
    with pytest.raises(ValueError, match="Argument `learning_rate` should be float.*learning_rate="):
        getattr(rk.optimizers, row.name)(learning_rate=learning_rate)
    assert getattr(rk.optimizers, row.name)(learning_rate=np.float64(0.1)).learning_rate == np.float32(0.1)


@pytest.mark.parametrize("row", [db.BY_NAME[n] for n in ("SGD", "Adam", "RMSprop", "Lion")], ids=lambda r: r.name)
def test_negative_learning_rate_steps_as_keras(row):
    """Keras accepts ``learning_rate=-0.1`` (and assigns -0.2 later): the step goes up the gradient."""
    ref_opt, tf_opt = getattr(rk.optimizers, row.name)(learning_rate=-0.1), getattr(keras.optimizers, row.name)(
        learning_rate=-0.1)
    ref_var, tf_var = np.array([1.0, -2.0], np.float32), keras.Variable(np.array([1.0, -2.0], np.float32))
    for learning_rate in (-0.1, -0.2):
        ref_opt.learning_rate, tf_opt.learning_rate = learning_rate, learning_rate
        ref_opt.apply([np.array([0.5, -3.0], np.float32)], [ref_var])
        tf_opt.apply([tf.constant([0.5, -3.0])], [tf_var])
        assert ref_opt.learning_rate == tf_opt.learning_rate.numpy() == np.float32(learning_rate)
        assert_parity(ref_var, tf_var.numpy(), op=row.tol, dtype="float32", size=2, scale=4.0,
                      what=f"{row.name}(learning_rate={learning_rate})")
    assert np.all(np.abs(ref_var) > [1.0, 2.0]), "a negative learning rate ascends"


@pytest.mark.parametrize("use_ema", [False, True], ids=["plain", "use_ema"])
def test_lion_takes_no_step_where_tf_flushes_the_interpolation_to_zero(use_ema):
    """Lion steps by ``lr·sign(β₁m + (1-β₁)g)``: for a normal float32 gradient of ±2e-38, ``0.1·g`` is subnormal
    and TF's kernels flush it to 0, so the sign is 0 and the weight stays; in IEEE arithmetic it would step."""
    start = np.float32([0.9, 0.9, 0.9])
    grads = [np.float32([2e-38, -2e-38, 0.5]), np.float32([2e-38, 0.0, -1e-7]), np.float32([0.0, 0.0, 0.0])]
    ref_var, tf_var = start.copy(), keras.Variable(start)
    ref_opt, tf_opt = rk.optimizers.Lion(use_ema=use_ema), keras.optimizers.Lion(use_ema=use_ema)
    for g in grads:
        ref_opt.apply([g.copy()], [ref_var])
        tf_opt.apply([tf.constant(g)], [tf_var])
        assert ref_var.tobytes() == tf_var.numpy().tobytes(), f"{ref_var} vs Keras {tf_var.numpy()}"
    assert ref_var[0] == ref_var[1] == np.float32(0.9)


# --- departures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, loss_scale", [({}, False), ({"use_ema": True}, False), ({"use_ema": True}, True)],
                         ids=["plain", "use_ema", "use_ema inside LossScaleOptimizer"])
def test_muon_computes_in_float64_where_keras_raises(kwargs, loss_scale):
    """Departure ``muon-float64``: Keras's Muon multiplies a float64 matrix update by ``sqrt(max(n, m))``, a
    float32 tensor (``lr_adjust`` with ``rms_rate``), and TF refuses the mixed product (inside a
    ``LossScaleOptimizer`` the message is that of its ``Cond``); the reference computes in float64, and agrees
    with Keras's float32 step to float32's tolerance."""
    def muon(api):
        opt = api.optimizers.Muon(learning_rate=0.01, **kwargs)
        return api.optimizers.LossScaleOptimizer(opt, initial_scale=1.0) if loss_scale else opt

    start, grad = np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.linspace(0.5, -0.5, 12).reshape(3, 4)
    # inside a LossScaleOptimizer the message is the Cond's, or the Mul's when the branch runs eagerly
    message = "Cond.call|double tensor but is a float tensor" if loss_scale else "double tensor but is a float tensor"
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        muon(keras).apply([tf.constant(grad)], [keras.Variable(start)])
    ref_var = start.copy()
    muon(rk).apply([grad], [ref_var])
    tf_var = keras.Variable(start.astype(np.float32))
    muon(keras).apply([tf.constant(grad, tf.float32)], [tf_var])
    assert ref_var.dtype == np.float64
    assert_parity(ref_var, tf_var.numpy(), op="muon", dtype="float32", size=1, scale=1.0, what="Muon in float64")


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_clipvalue_rounds_to_the_variable_dtype_as_keras(dtype):
    """``tf.clip_by_value`` converts the bounds to the gradient's dtype (0.1 is 0.10009766 in bfloat16) and keeps
    that dtype; NumPy's ``clip`` of a bfloat16 array returns float32, whose exact 0.1 would move the weights."""
    start = np.linspace(-1.0, 1.0, 16)
    grad = np.linspace(-3.0, 3.0, 16)
    ref_var = start.astype(config.standardize_dtype(dtype))
    tf_var = keras.Variable(start, dtype=dtype)
    rk.optimizers.SGD(0.455078125, clipvalue=0.1).apply([grad.astype(ref_var.dtype)], [ref_var])
    keras.optimizers.SGD(0.455078125, clipvalue=0.1).apply([tf.constant(grad, dtype=dtype)], [tf_var])
    assert ref_var.dtype == tf_var.numpy().dtype
    assert ref_var.tobytes() == tf_var.numpy().tobytes(), f"{ref_var} vs Keras {tf_var.numpy()}"
