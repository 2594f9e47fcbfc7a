"""Where the weights live never changes a bit: one ``update_step`` over one buffer equals one per weight.

A model keeps its weights as views of one buffer, and an ``elementwise`` optimizer built on such variables runs
its ``update_step`` once per step, on the whole buffer (:mod:`reference.optimizers.base_optimizer`). Every row of
``optimizer_db`` runs the same drawn trajectory (hyperparameters, base-class options, gradients with ``None``
steps) on separate arrays and on views of one buffer; after every step every variable and every slot must be
equal bit for bit (NaNs only in place, not in sign). The Keras parity of both layouts is ``test_optimizers.py``'s
(its trajectories draw either).
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as rk
from parity_tests import optimizer_db as db

STEPS = 20
PARAMS = [pytest.param(row, dtype, id=f"{row.name}-{dtype}") for row in db.ROWS for dtype in row.dtypes]


def _state(optimizer, row):
    """Every array the optimizer holds, by name (a slot list entry by entry)."""
    state = {}
    for path in [*row.slots, "model_variables_moving_average", "accumulated_gradients"]:
        value = db.resolve(optimizer, path)
        for i, array in enumerate(value if isinstance(value, list) else [value]):
            if array is not None:
                state[f"{path}[{i}]"] = np.asarray(array)
    return state


def _assert_same_bits(separate, one_buffer, what):
    for name, a in separate.items():
        b = one_buffer[name]
        assert a.shape == b.shape and a.dtype == b.dtype, (f"{what}: {name} is {a.dtype}{a.shape} vs "
                                                           f"{b.dtype}{b.shape}")
        # compared as integers, so -0.0 is not 0.0; but a NaN is any NaN: IEEE leaves the sign of a NaN result
        # unspecified, and NumPy's vector and scalar loops give different ones
        bits = np.dtype(f"u{a.itemsize}")
        same = np.ascontiguousarray(a).view(bits) == np.ascontiguousarray(b).view(bits)
        same |= np.isnan(a) & np.isnan(b)
        if not np.all(same):
            i = np.unravel_index(np.argmin(same), a.shape) if a.ndim else ()
            raise AssertionError(f"{what}: {name} differs at index {i}: separate arrays {a[i]!r}, "
                                 f"one buffer {b[i]!r} ({int(np.size(same) - np.sum(same))} of {a.size} entries)")


@pytest.mark.parametrize("row, dtype", PARAMS)
@given(data=st.data())
def test_one_buffer_updates_the_same_bits(row, dtype, data):
    hp = data.draw(row.hyperparameters(), label="hyperparameters")
    opts = data.draw(db.options(), label="options") if row.options else {}
    trajectory = dataclasses.replace(data.draw(db.trajectories(dtype, STEPS, keep=row.keep), label="trajectory"),
                                     one_buffer=False)
    runs = []
    for layout in (trajectory, dataclasses.replace(trajectory, one_buffer=True)):
        optimizer, variables = db.with_options(rk, row, hp, opts), layout.variables()
        optimizer.build(variables, names=layout.names)
        runs.append((optimizer, variables))
    fused = runs[1][0]
    if getattr(fused, "elementwise", False):
        assert fused._whole is not None, f"{row.name} did not find the one buffer its variables are views of"
    for t, step in enumerate(trajectory.gradients(), start=1):
        states = []
        for optimizer, variables in runs:
            optimizer.apply_gradients(zip([None if g is None else g.copy() for g in step], variables))
            states.append({**{f"variable {i}": v for i, v in enumerate(variables)}, **_state(optimizer, row)})
        _assert_same_bits(*states, what=f"{row.name}({hp}, {opts}) in {dtype}, after step {t}")
