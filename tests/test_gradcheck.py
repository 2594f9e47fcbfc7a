"""Every backward of ``reference.ops`` against float64 central differences, without TensorFlow.

The ops, the Dense layer and the softmax + cross-entropy compositions come
from the parity suite's table (``parity_tests/op_db.py``); each row's
``fd_sample`` draws float64 inputs in a smooth domain (away from kinks and
poles), and ``parity_tests.tolerances`` bounds the central-difference error.
A new differentiable op in ``reference.ops`` without a row fails
``test_every_differentiable_op_has_a_row``.
"""

import inspect
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as rk
from parity_tests import op_db
from parity_tests import strategies as S
from parity_tests.compare import assert_parity


@pytest.mark.parametrize("row", op_db.GRAD_ROWS, ids=lambda r: r.name)
@given(data=st.data())
def test_backward_matches_finite_differences(row, data):
    if "reference" not in row.fd_sides:
        pytest.skip("this row computes in float32 whatever the input: no float64 finite differences")
    sample = data.draw(row.fd_strategy(), label="sample")
    y = row.run_ref(sample)
    dy = data.draw(S.cotangents("float64", y.shape), label="dy")
    inputs, ref_code, _ = row.repro(sample, dy)
    scale = max(1.0, float(np.sum(np.abs(dy * y))))
    for name, g, fd in zip(row.grad_wrt, row.ref_grads(sample, dy), row.fd_grads(sample, dy)):
        assert_parity(g, fd, op="finite_difference", dtype="float64", size=y.size, scale=scale,
                      what=f"{row.name} gradient wrt {name}", inputs=inputs, ref=ref_code,
                      names=("reference", "finite differences"))


def _differentiable_ops():
    """Public functions of ``reference.ops`` that record a backward on the tape."""
    return sorted(name for name, f in inspect.getmembers(rk.ops, inspect.isfunction)
                  if f.__module__ == rk.ops.__name__ and not name.startswith("_") and "record(" in inspect.getsource(f))


def _exercised(name, row):
    """Whether the row's reference code calls ``rk.ops.<name>``, itself or in the ``rk.activations`` function it
    calls."""
    activations = re.findall(r"\brk\.activations\.(\w+)\(", row.ref)
    return f"rk.ops.{name}(" in row.ref or any(f"ops.{name}(" in inspect.getsource(rk.activations.ALL[a])
                                                for a in activations)


def test_every_differentiable_op_has_a_row():
    covered = {name for name in _differentiable_ops() if any(_exercised(name, row) for row in op_db.GRAD_ROWS)}
    missing = sorted(set(_differentiable_ops()) - covered)
    assert not missing, (f"reference.ops has differentiable ops without a gradient row in parity_tests/op_db.py: "
                         f"{missing}. Add an OpInfo row (see the module docstring there).")
