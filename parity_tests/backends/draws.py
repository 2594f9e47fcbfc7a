"""The inputs every side evaluates: the parity report's deterministic draws (``parity_tests.report``), so that each
worker process, and the parent that compares them, draws the same inputs from the same seed.

Ops take the float32 draw cast to the run's dtype (exact); the upstream gradient of draw ``i`` is standard normal,
from its own seeded generator, so that a side that raised on draw ``i - 1`` does not shift the others'.
"""

import re

import numpy as np
from hypothesis import strategies as st

from .. import metric_db, op_db, optimizer_db
from ..report.draws import hypothesis_draws, row_rng
from ..report.metrics import stream_strategy
from ..report.ops import op_inputs
from ..report.optimizers import STEPS as OPTIMIZER_STEPS  # the trajectories' length, re-exported
from ..strategies import Sample

TF_ONLY = re.compile(r"\btf\.")
"""A row whose Keras side calls ``tf.`` directly runs on TensorFlow only."""


def backend_neutral(row):
    """Whether an op row's Keras side is ``keras.`` code only (it then runs on every backend)."""
    return not TF_ONLY.search(row.tf)


def op_rows():
    """The op rows the workers run (the generic tests' rows, plus the report-only compositions)."""
    return [row for row in op_db.ROWS if row.sample is not None or row.report is not None]


def op_samples(row, draws, seed, dtype):
    """The row's draws as Samples of ``dtype``."""
    return [Sample(Sample(s).astype("float32")).astype(dtype) for s in op_inputs(row, draws, seed)]


def upstream(row, index, seed, value):
    """The upstream gradient of draw ``index``: float32 normal numbers in ``value``'s shape and dtype."""
    dy = row_rng(seed, f"{row.name}/dy/{index}").normal(size=np.shape(value)).astype(np.float32)
    dtype = np.asarray(value).dtype
    return dy.astype(dtype if dtype.name in ("float16", "bfloat16", "float32", "float64") else np.float32)


def metric_samples(row, draws, seed, dtype):
    """``(kwargs, sample, cuts)`` for each draw of a metric row, the sample in ``dtype``."""
    return [(kwargs, Sample(Sample(sample).astype("float32")).astype(dtype), cuts)
            for kwargs, sample, cuts in hypothesis_draws(stream_strategy(row), draws, seed, row.id)]


def optimizer_samples(row, draws, seed):
    """``(hyperparameters, options, trajectory)`` for each draw of an optimizer row (as the report draws them)."""
    strategy = st.tuples(row.hyperparameters(), optimizer_db.options() if row.options else st.just({}),
                         optimizer_db.trajectories("float32", OPTIMIZER_STEPS, keep=row.keep))
    return hypothesis_draws(strategy, draws, seed, row.name)


def schedule_samples(row, draws, seed, dtype):
    """Constructor kwargs for each draw of a schedule row: Python floats in float32 (Keras then computes in
    float32); in float64 the initial learning rate (or the values) as ``np.float64``, which Keras computes in."""
    drawn = hypothesis_draws(row.kwargs(), draws, seed, row.name)
    return drawn if dtype == "float32" else [optimizer_db.float64_schedule_kwargs(kw) for kw in drawn]


def metric_rows():
    return metric_db.ROWS


def trajectory_weights(seed, dtype):
    """The handbook MLP's initial weights, the same on every side: Glorot kernels and zero biases, Keras's
    defaults, from a seeded generator."""
    from ..op_db.report_inputs import glorot

    rng = row_rng(seed, "handbook trajectory")
    return [w.astype(dtype) for w in (glorot(rng, 784, 100), np.zeros(100), glorot(rng, 100, 10), np.zeros(10))]
