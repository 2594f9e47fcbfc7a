"""Learning-rate schedules with the arguments users type, against Keras: Python ints, NumPy scalars, float steps.

Keras computes a schedule in the dtype of ``convert_to_tensor(initial_learning_rate)`` (``values[0]`` for
``PiecewiseConstantDecay``): a Python int makes it int32, so ``ops.cast`` truncates the other arguments
(``decay_rate=0.5`` is 0), ``ops.array(π)`` is 3, TF's ``/`` divides in float64 and Keras's ops promote to float32
or float64. Where TF refuses a mixed product, Keras raises, and so does the reference, naming the argument.

* ``test_typed_arguments_as_keras``: the pinned cases, value for value and dtype for dtype, or both raising;
* ``test_typed_schedule_matches_keras[row]``: hypothesis types each number of the row's kwargs
  (:func:`parity_tests.optimizer_db.typed_schedule_kwargs`) and the step (Python int, NumPy ints, floats).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import optimizer_db as db  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402

def _outcome(module, name, kwargs, step):
    try:
        return np.asarray(getattr(module.optimizers.schedules, name)(**kwargs)(step))
    except Exception as error:  # noqa: BLE001 - a raise is an outcome to compare
        return error


def check_as_keras(name, kwargs, step, *, names=None):
    """The reference's value equals Keras's in dtype and value (integers exactly, floats within the schedule
    tolerance of the result's dtype), or both raise; the reference's error is a TypeError or ValueError naming
    one of ``names`` (an argument)."""
    ref, ker = _outcome(rk, name, kwargs, step), _outcome(keras, name, kwargs, step)
    what = f"{name}({kwargs}) at step {step!r}"
    if isinstance(ker, Exception) or isinstance(ref, Exception):
        assert isinstance(ker, Exception), f"{what}: the reference raises {ref!r}, Keras returns {ker!r}"
        assert isinstance(ref, (TypeError, ValueError)), f"{what}: Keras raises {ker!r}, the reference {ref!r}"
        assert any(f"`{n}`" in str(ref) for n in names or kwargs), f"{what}: {ref} names no argument"
        return ref
    assert ref.dtype == ker.dtype, f"{what}: dtype {ref.dtype} vs Keras {ker.dtype}"
    if ker.dtype.kind != "f":
        np.testing.assert_array_equal(ref, ker, err_msg=what)
    else:
        numbers = [v for v in kwargs.values() if isinstance(v, (int, float))] + list(kwargs.get("values", []))
        scale = max([1.0] + [abs(float(v)) for v in numbers if not isinstance(v, bool)])
        assert_parity(ref, ker, op="schedule", dtype=ker.dtype, scale=scale, what=what)
    return ref


PINNED = [  # (name, kwargs, step, the value Keras returns, or the argument the raise names)
    # int32: a cast truncates (decay_rate 0.5 → 0, π → 3), TF's int32 `/` is float64, Keras's divide float32
    ("CosineDecay", dict(initial_learning_rate=1, decay_steps=10), 5, np.float32(0.5 * (1 + np.cos(np.float32(1.5))))),
    ("CosineDecay", dict(initial_learning_rate=1, decay_steps=10, alpha=0.1), 5, np.float32),
    ("CosineDecay", dict(initial_learning_rate=1, decay_steps=10, warmup_target=2, warmup_steps=4), 6, np.float32),
    ("CosineDecay", dict(initial_learning_rate=1, decay_steps=10, warmup_target=0.5, warmup_steps=4), 6,
     np.float32(0.0)),
    ("CosineDecay", dict(initial_learning_rate=1, decay_steps=10, warmup_target=2, warmup_steps=4), 2,
     "initial_learning_rate"),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=10, warmup_target=1, warmup_steps=4), 2,
     np.float32(0.55)),
    ("CosineDecayRestarts", dict(initial_learning_rate=1, first_decay_steps=7), 3, "t_mul"),
    ("CosineDecayRestarts", dict(initial_learning_rate=1, first_decay_steps=7, t_mul=1), 3,
     0.5 * (1 + np.cos(3 * (3 / 7)))),
    ("CosineDecayRestarts", dict(initial_learning_rate=1, first_decay_steps=7, t_mul=1.5), 3, np.float64),
    ("CosineDecayRestarts", dict(initial_learning_rate=np.int8(1), first_decay_steps=7, t_mul=1), 3, np.float32),
    ("ExponentialDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=0.5), 3, np.float64(0.0)),
    ("ExponentialDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=0.5), 0, np.float64(1.0)),
    ("ExponentialDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=2, staircase=True), 8,
     np.float64(2.0)),
    ("ExponentialDecay", dict(initial_learning_rate=np.int64(1), decay_steps=7, decay_rate=2), 3,
     np.float64(2 ** (3 / 7))),
    ("ExponentialDecay", dict(initial_learning_rate=1, decay_steps=0.5, decay_rate=2), 3, np.float64(np.inf)),
    ("ExponentialDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=2), 2.7, np.float64(2 ** (2 / 7))),
    ("ExponentialDecay", dict(initial_learning_rate=True, decay_steps=7, decay_rate=0.5), 3, "initial_learning_rate"),
    ("ExponentialDecay", dict(initial_learning_rate=np.uint8(3), decay_steps=7, decay_rate=2), 3, np.float32),
    ("InverseTimeDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=0.5), 3, np.float64(1.0)),
    ("InverseTimeDecay", dict(initial_learning_rate=1, decay_steps=7, decay_rate=2), 3, np.float64(1 / (1 + 6 / 7))),
    ("InverseTimeDecay", dict(initial_learning_rate=np.int16(1), decay_steps=7, decay_rate=2), 3, np.float32),
    ("PolynomialDecay", dict(initial_learning_rate=1, decay_steps=7), 3, np.float32(1 - np.float32(3 / 7))),
    ("PolynomialDecay", dict(initial_learning_rate=1, decay_steps=7, end_learning_rate=0, power=2, cycle=True), 9,
     np.float64((1 - 9 / 14) ** 2)),
    ("PolynomialDecay", dict(initial_learning_rate=1, decay_steps=7.0, cycle=True), 9, "decay_steps"),
    ("PolynomialDecay", dict(initial_learning_rate=1, decay_steps=np.float32(7.5), cycle=True), 9, np.float64),
    ("PolynomialDecay", dict(initial_learning_rate=2 ** 40, decay_steps=7), 3, np.float32),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[1, 2]), 3, np.int32(1)),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[1, 0.2]), 3, "values"),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[0.1, np.float64(0.2)]), 7, "values"),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[True, False]), 3, "values"),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[0.1, 0.2]), True, "step"),
    ("PiecewiseConstantDecay", dict(boundaries=[5.5], values=[0.1, 0.2]), 5, np.float32(0.1)),  # 5.5 cast to 5
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[0.1, 0.2]), 5.5, np.float32(0.2)),
    ("PiecewiseConstantDecay", dict(boundaries=[5], values=[0.1, 0.2]), np.array([3, 7]), np.float32),
    ("PiecewiseConstantDecay", dict(boundaries=[], values=[0.1]), 7, "boundaries"),
]


@pytest.mark.parametrize("name, kwargs, step, expected", PINNED, ids=[f"{c[0]}-{i}" for i, c in enumerate(PINNED)])
def test_typed_arguments_as_keras(name, kwargs, step, expected):
    """Each case as Keras computes it: its dtype (a dtype alone pins only that), its value, or the argument its
    raise names."""
    ref = check_as_keras(name, kwargs, step, names=[expected] if isinstance(expected, str) else None)
    if isinstance(expected, str):
        assert isinstance(ref, Exception), f"{name}({kwargs}): Keras raises, the reference returned {ref!r}"
        return
    expected_dtype = expected if isinstance(expected, type) else np.asarray(expected).dtype
    assert ref.dtype == expected_dtype
    if not isinstance(expected, type):
        assert_parity(ref, expected, op="schedule", dtype=ref.dtype if ref.dtype.kind == "f" else "float32",
                      what=f"{name}({kwargs}) at {step!r}")


def typed_steps(steps):
    """Strategy: a step as a user might pass it (the optimizer passes its int64 count)."""
    return st.integers(0, steps).flatmap(lambda n: st.sampled_from(
        [n, np.int32(n), np.int64(n), float(n), np.float32(n + 0.5), np.float64(n)]))


@pytest.mark.parametrize("row", db.SCHEDULE_ROWS, ids=[r.name for r in db.SCHEDULE_ROWS])
@settings(max_examples=max(15, settings().max_examples))
@given(data=st.data())
def test_typed_schedule_matches_keras(row, data):
    kwargs = data.draw(row.kwargs().flatmap(db.typed_schedule_kwargs), label="kwargs")
    for step in data.draw(st.lists(typed_steps(row.steps), min_size=1, max_size=4), label="steps"):
        check_as_keras(row.name, kwargs, step)


def test_optimizer_passes_its_int64_step_as_keras():
    """Keras's optimizer calls its schedule with ``_iterations``, an int64 variable, to which
    ``PiecewiseConstantDecay`` casts its boundaries: a boundary past int32's range stays what it is."""
    for api in (keras, rk):
        schedule = api.optimizers.schedules.PiecewiseConstantDecay([2 ** 40], [0.1, 0.2])
        optimizer = api.optimizers.SGD(learning_rate=schedule)
        variable = np.ones(2, np.float32) if api is rk else keras.Variable(np.ones(2, np.float32))
        for _ in range(2):
            optimizer.apply([np.ones(2, np.float32) if api is rk else tf.ones(2)], [variable])
        assert np.asarray(optimizer.learning_rate) == np.float32(0.1), api.__name__
        np.testing.assert_allclose(np.asarray(variable), 0.8, rtol=1e-6, err_msg=api.__name__)
