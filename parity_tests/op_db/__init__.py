"""The op table (PyTorch's OpInfo, in small): one :class:`OpInfo` row per checked op.

The rows live by family: ``ops.py`` (``reference.ops`` and the handbook's compositions), ``activations.py``,
``losses.py``, ``metrics.py``; the row type is in ``opinfo.py`` and the rows' tolerance helpers in ``scales.py``.

Generic tests iterate over :data:`ROWS` (``pytest`` ids are the row names):
``test_ops.py`` compares forward values with TensorFlow, ``test_gradients.py``
compares gradients with ``tf.GradientTape`` and float64 finite differences,
``tests/test_gradcheck.py`` runs the finite differences without TensorFlow.

**Adding an op is adding a row.** For example, a mean squared error::

    OpInfo(
        name="mean_squared_error",
        call="losses.mean_squared_error(y_true, y_pred)",            # code over the sample's names, written once
        sample=lambda d: S.regression(d),                            # dtype -> strategy of Sample (strategies/)
        tol="reduction", size=lambda s: s["y_pred"].shape[-1],       # tolerances.RULES key, problem size
        grad_wrt=("y_pred",),                                        # differentiable inputs, if any
        fd_sample=lambda: S.regression("float64"),                   # smooth float64 domain for finite differences
        examples=({"y_true": [[0.0, 1.0]], "y_pred": [[0.0, 1.0]]},),  # pinned inputs, always run
    )

The ``call`` is resolved against each side's library: the reference runs
``rk.losses.mean_squared_error(y_true, y_pred)``, Keras runs
``keras.losses.mean_squared_error(y_true, y_pred)``, and these two strings
are the row's ``ref`` and ``tf``. In a loss class's call, ``{policy}``
stands for its ``dtype=`` argument, spelled with each side's
``DTypePolicy`` (see :class:`OpInfo`). A row whose sides call different
functions writes the two instead of ``call``::

    OpInfo("add", ref="rk.ops.add(a, b)", tf="tf.add(a, b)", ...)

A row's ``ref`` and ``tf`` are *source text*: the suite
evaluates exactly that text, and prints it, with the inputs, as the
reproduction snippet of a failure. The code sees ``rk`` (``reference``) and
``np`` (reference side) or ``tf``, ``keras`` and ``np`` (TF side), plus the
sample's entries by name. Strategies live in ``strategies/``; tolerance
keys in ``tolerances.py``. This module never imports TensorFlow: the TF side
gets ``tf`` and ``keras`` passed in, so ``tests/test_gradcheck.py`` runs without it.
"""

import re

from . import activations, losses, metrics, ops
from .opinfo import EDGE, OpInfo  # noqa: F401 - the table's public names

ROWS = ops.ROWS + activations.ROWS + losses.ROWS + metrics.ROWS

BY_NAME = {row.name: row for row in ROWS}
assert len(BY_NAME) == len(ROWS), "two rows share a name"

CHECKED = [row for row in ROWS if row.sample is not None]  # what the generic properties run over
GRAD_ROWS = [row for row in CHECKED if row.grad_wrt]
REPORT_ROWS = [row for row in ROWS if row.report is not None]  # what the parity report measures


def params(rows=CHECKED):
    """``(row, dtype)`` pairs for ``pytest.mark.parametrize``, with ids like ``softmax-float32``."""
    import pytest

    return [pytest.param(row, dtype, id=f"{row.name}-{dtype}") for row in rows for dtype in row.dtypes]


PINNED = object()
"""Sentinel for ``@example(data=PINNED)``: a generic ``@given(data=st.data())`` test receives it once per
parametrization and then checks the row's :attr:`OpInfo.examples` (``@example`` cannot depend on the row)."""


KERAS_NAME = r"\bkeras\.(?:losses|activations|metrics)\.\w+"
"""A ``keras.<family>.<Name>`` in a row's TF code: the name the row covers (the parity report reads it per row)."""


def covered_keras_names():
    """Every ``keras.<family>.<Name>`` that some row's TF code calls (read by ``test_coverage.py``)."""
    return {match for row in ROWS for match in re.findall(KERAS_NAME, row.tf)}
