"""The op table's rows (``parity_tests/op_db``) measured: each op's value and, where it has one, its gradient.

Inputs: the row's ``report`` generator (realistic sizes) if it has one, else its own hypothesis strategy
(``row.sample("float32")``), both seeded (:mod:`.draws`). The gradient is that of ``Σ dy·op`` for an upstream
gradient ``dy`` drawn as float32 from a standard normal, the same ``dy`` (cast up) for the oracle. The float32
sides run with ``floatx`` float32, the oracle with ``floatx`` float64.
"""

import re

import numpy as np

from .. import op_db
from ..op_db import activations, losses, metrics, ops
from ..strategies import Sample
from .draws import hypothesis_draws, row_rng
from .errors import Figure, RowFigures, measure

FAMILIES = {"ops": ops.ROWS, "activations": activations.ROWS, "losses": losses.ROWS, "metric functions": metrics.ROWS}
"""The op table's rows by the family file that holds them, in the report's order."""

FORWARD_TEST = "parity_tests/test_ops.py::test_forward_matches_tensorflow"
TESTS = {"handbook_loss": "parity_tests/test_training_step.py::test_training_step_matches_tensorflow"}
"""The test of the rows that the generic forward test skips (``sample=None``)."""


def row_id(row):
    """The row's pytest id in its test, e.g.
    ``parity_tests/test_ops.py::test_forward_matches_tensorflow[softmax-float32]``."""
    return f"{test_of(row)}[{row.name}-float32]"


def test_of(row):
    return TESTS.get(row.name, FORWARD_TEST)


def keras_names(row):
    """The ``keras.<family>.<Name>`` names the row's TF code calls (as ``op_db.covered_keras_names``)."""
    return sorted(set(re.findall(op_db.KERAS_NAME, row.tf)))


def op_inputs(row, draws, seed):
    """The row's ``draws`` deterministic inputs from ``seed``: its report generator, else its hypothesis sample."""
    if row.report is not None:
        rng = row_rng(seed, row.name)
        return [Sample(row.report(rng)) for _ in range(draws)]
    return hypothesis_draws(row.sample("float32"), draws, seed, row.name)


def _cases(row, draws, seed, tf, keras):
    from tf_impl.floatx import use_floatx

    rng = row_rng(seed, f"{row.name}/dy")
    for sample in op_inputs(row, draws, seed):
        if "dtype" in sample:  # a class form's drawn ``dtype=`` policy: the report measures the float32 computation
            sample = Sample(sample, dtype=None, as_policy=False)  # (and its float64 oracle), not a half-precision one
        x32 = Sample(sample).astype("float32")
        x64 = x32.astype("float64")  # the float32 inputs cast up, exactly
        state = {}

        def oracle(x64=x64, state=state):
            with use_floatx("float64"):
                value = row.run_ref(x64)
                state["dy"] = rng.normal(size=value.shape).astype(np.float32) if row.grad_wrt else None
                grads = row.ref_grads(x64, state["dy"].astype(np.float64)) if row.grad_wrt else []
            return {"value": [value], "gradient": [np.asarray(g) for g in grads]}

        def reference(x32=x32, state=state):
            with use_floatx("float32"):
                grads = row.ref_grads(x32, state["dy"]) if row.grad_wrt else []
                return {"value": [row.run_ref(x32)], "gradient": [np.asarray(g) for g in grads]}

        def keras_tf(x32=x32, state=state):
            with use_floatx("float32"):
                grads = row.tf_grads(x32, state["dy"], tf, keras) if row.grad_wrt else []
                return {"value": [row.run_tf(x32, tf, keras)], "gradient": grads}

        yield {"oracle": oracle, "reference": reference, "keras_tf": keras_tf}


def measure_ops(draws, seed, tf, keras, only=None):
    """Every op row, ``draws`` draws each: a list of :class:`~.errors.RowFigures` (``only``: a row-id filter)."""
    measured = []
    for family, rows in FAMILIES.items():
        for row in rows:
            rid = row_id(row)
            if only and not only(rid):
                continue
            figures = RowFigures(rid, "op", family, keras_names(row), test_of(row), "value",
                                 gradient=Figure() if row.grad_wrt else None)
            measured.append(measure(figures, _cases(row, draws, seed, tf, keras)))
    return measured
