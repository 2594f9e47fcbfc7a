"""Optimizer trajectories against Keras: Adam (± amsgrad), SGD (momentum, nesterov), RMSprop (momentum, centered).

Each example draws hyperparameters, a few variables and a sequence of
gradients (1 to 6 steps), applies them with the reference optimizer to NumPy
arrays and with the Keras optimizer to ``tf.Variable``s, and after *every* step
compares the variables and every slot (moments, velocities, ...) and the
iteration count. The trajectory tolerance grows with the number of steps.
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.op_db import PINNED  # noqa: E402

# reference class, Keras class, {reference slot list: Keras slot attribute}
OPTIMIZERS = {
    "adam": ("Adam", {"momentums": "_momentums", "velocities": "_velocities", "velocity_hats": "_velocity_hats"}),
    "sgd": ("SGD", {"momentums": "momentums"}),
    "rmsprop": ("RMSprop", {"velocities": "_velocities", "momentums": "_momentums",
                            "average_gradients": "_average_gradients"}),
}

_CONSTANT = [[np.array([[0.5, -2.0], [0.0, 1e-3]])]] * 4        # one variable, the same gradient 4 times
_START = [np.array([[1.0, -1.0], [0.0, 3.0]])]
PINNED_CASES = {                                                   # (hyperparameters, (variables, gradients))
    "adam": [({"learning_rate": 1e-3}, (_START, _CONSTANT)),
             ({"learning_rate": 0.1, "amsgrad": True, "beta_1": 0.0}, (_START, _CONSTANT[:1] + [[_START[0] * 0]] * 2))],
    "sgd": [({"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}, (_START, _CONSTANT)),
            ({"learning_rate": 1.0}, (_START, _CONSTANT[:2]))],
    "rmsprop": [({"learning_rate": 1e-3, "centered": True, "momentum": 0.9}, (_START, _CONSTANT)),
                ({"learning_rate": 1e-3, "rho": 0.5}, (_START, [[_START[0] * 0]] * 2))],
}


def _repro(name, hp, variables, grads):
    """Inputs and code that replay the trajectory on each side."""
    inputs = {f"var{i}": v for i, v in enumerate(variables)}
    inputs.update({f"grad{t}_{i}": g for t, step in enumerate(grads) for i, g in enumerate(step)})
    names = ", ".join(f"var{i}" for i in range(len(variables)))
    steps = "[" + ", ".join("[" + ", ".join(f"grad{t}_{i}" for i in range(len(s))) + "]" for t, s in enumerate(grads)) + "]"
    ref_cls, slots = OPTIMIZERS[name]
    ref = (f"opt = rk.optimizers.{ref_cls}(**{hp!r})\nvariables = [v.copy() for v in [{names}]]\n"
           f"for step in {steps}:\n    opt.apply_gradients(zip(step, variables))\n"
           f"print(variables, {', '.join(f'opt.{s}' for s in slots)})")
    tf_code = (f"opt = keras.optimizers.{ref_cls}(**{hp!r})\nvariables = [tf.Variable(v) for v in [{names}]]\n"
               f"for step in {steps}:\n    opt.apply_gradients(zip(step, variables))\n"
               f"print(variables, {', '.join(f'getattr(opt, {k!r}, [])' for k in slots.values())})")
    return dict(inputs=inputs, ref=ref, tf=tf_code)


def check_trajectory(name, dtype, hp, variables, grads):
    ref_cls, slots = OPTIMIZERS[name]
    ref_opt = getattr(rk.optimizers, ref_cls)(**hp)
    tf_opt = getattr(keras.optimizers, ref_cls)(**hp)
    ref_vars = [v.copy() for v in variables]
    tf_vars = [tf.Variable(v) for v in variables]
    repro = _repro(name, hp, variables, grads)
    peak = {}  # largest |value| seen so far of each compared quantity: the trajectory's scale
    for t, step in enumerate(grads, start=1):
        ref_opt.apply_gradients(zip([g.copy() for g in step], ref_vars))
        tf_opt.apply_gradients(zip([tf.constant(g) for g in step], tf_vars))
        assert ref_opt.iterations == int(tf_opt.iterations.numpy()) == t
        pairs = [(f"variable {i}", r, v) for i, (r, v) in enumerate(zip(ref_vars, tf_vars))]
        for ref_slot, keras_slot in slots.items():
            ref_list, tf_list = getattr(ref_opt, ref_slot), getattr(tf_opt, keras_slot, None) or []
            assert len(ref_list) == len(tf_list), (f"{name} {hp}: slot {ref_slot} has {len(ref_list)} arrays in the "
                                                   f"reference, {len(tf_list)} in Keras ({keras_slot})")
            pairs += [(f"{ref_slot}[{i}]", r, v) for i, (r, v) in enumerate(zip(ref_list, tf_list))]
        for what, r, v in pairs:
            peak[what] = max(peak.get(what, 0.0), float(np.max(np.abs(r), initial=0.0)))
            assert_parity(r, v.numpy(), op="optimizer", dtype=dtype, size=t, scale=peak[what],
                          what=f"{name}({hp}) {what} after step {t}", **repro)


@pytest.mark.parametrize("dtype", S.DTYPES)
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@given(data=st.data())
@example(data=PINNED)
def test_trajectory_matches_keras(name, dtype, data):
    if data is PINNED:
        cases = [(hp, ([v.astype(dtype) for v in vs], [[g.astype(dtype) for g in s] for s in gs]))
                 for hp, (vs, gs) in PINNED_CASES[name]]
    else:
        cases = [(data.draw(S.optimizer_hyperparameters(name), label="hyperparameters"),
                  data.draw(S.optimizer_trajectory(dtype), label="trajectory"))]
    for hp, (variables, grads) in cases:
        check_trajectory(name, dtype, hp, variables, grads)
