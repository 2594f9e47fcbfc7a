"""The inputs every side evaluates: the parity report's seeded draws (``parity_tests.report``), drawn once by the
parent and shared with every worker through a file (:func:`save_shared`, :func:`load_shared`), so that each side
and the comparison see the same inputs.

Drawing in each worker from the same seed is not enough: hypothesis's choices from a seed are not a function of the
seed alone in every process (in one run a JAX worker drew a ``binary_accuracy`` input of 7 rows where the other
sides, and a rerun of the same worker, drew 10), and a comparison of two sides on different inputs is no comparison.

Ops take the float32 draw cast to the run's dtype (exact); the upstream gradient of draw ``i`` is standard normal,
from its own seeded generator, so that a side that raised on draw ``i - 1`` does not shift the others'.
"""

import pickle
import re

import numpy as np
from hypothesis import strategies as st

from .. import metric_db, op_db, optimizer_db
from ..report.draws import hypothesis_draws, row_rng
from ..report.metrics import stream_strategy
from ..report.ops import op_inputs
from ..report.optimizers import STEPS as OPTIMIZER_STEPS  # the trajectories' length, re-exported
from ..strategies import Sample

_SHARED = {}
"""``(kind, row id, draws, seed) -> draws``: the hypothesis draws of this run, filled by :func:`load_shared` in a
worker (and by drawing, in the parent)."""


def _shared(kind, row_id, draws, seed, draw):
    """The draws ``draw()`` makes for ``(kind, row_id, draws, seed)``, made once per process (or read from the
    parent's file)."""
    key = (kind, row_id, draws, seed)
    if key not in _SHARED:
        _SHARED[key] = draw()
    return _SHARED[key]


def save_shared(path, draws, seed):
    """Draw every row's inputs of every family and write them to ``path`` for the workers."""
    for row in op_rows():
        op_samples(row, draws, seed, "float32")
    for row in metric_rows():
        metric_samples(row, draws, seed, "float32")
    for row in optimizer_db.ROWS:
        optimizer_samples(row, draws, seed)
    for row in optimizer_db.SCHEDULE_ROWS:
        schedule_samples(row, draws, seed, "float32")
    with open(path, "wb") as f:
        pickle.dump(_SHARED, f)


def load_shared(path):
    """Use the parent's draws (:func:`save_shared`) in this process."""
    with open(path, "rb") as f:
        _SHARED.update(pickle.load(f))


TF_ONLY = re.compile(r"\btf\.")
"""A row whose Keras side calls ``tf.`` directly runs on TensorFlow only."""


FLOAT32_COMPUTE = frozenset({"ctc", "CTC", "ctc_loss"})
"""Op rows that Keras computes in float32 whatever the input's dtype, so that a float64 run compares them under
float32's tolerance: ``ctc_loss`` casts float64 logits to float32 on TensorFlow (``keras/src/backend/tensorflow/
nn.py``, ``compute_dtype = "float32" if result_dtype == "float64"``: TF's CTC kernel refuses float64), and on JAX
and PyTorch through ``result_type(output.dtype, "float32")``, float32 there; the reference mirrors TensorFlow."""


def tolerance_dtype(row, sample, dtype, gradient=False):
    """The dtype whose ε an op row's comparison takes: the row's own (:meth:`OpInfo.tolerance_dtype`), float32 for
    a row in :data:`FLOAT32_COMPUTE`."""
    return row.tolerance_dtype(sample, "float32" if row.name in FLOAT32_COMPUTE else dtype, gradient=gradient)


def backend_neutral(row):
    """Whether an op row's Keras side is ``keras.`` code only (it then runs on every backend)."""
    return not TF_ONLY.search(row.tf)


def op_rows():
    """The op rows the workers run (the generic tests' rows, plus the report-only compositions)."""
    return [row for row in op_db.ROWS if row.sample is not None or row.report is not None]


def op_samples(row, draws, seed, dtype):
    """The row's draws as Samples of ``dtype``."""
    drawn = _shared("op", row.name, draws, seed, lambda: op_inputs(row, draws, seed))
    return [Sample(Sample(s).astype("float32")).astype(dtype) for s in drawn]


def op_cases(row, draws, seed, dtype):
    """``(index, sample)`` for every input an op row runs on: its pinned examples first (``"pinned<j>"``: the kinks
    and edges its parity tests pin, cast to ``dtype``), then its ``draws`` draws (``0 .. draws - 1``)."""
    pinned = [(f"pinned{j}", Sample(e)) for j, e in enumerate(row.pinned(dtype))]
    return pinned + list(enumerate(op_samples(row, draws, seed, dtype)))


def upstream(row, index, seed, value):
    """The upstream gradient of draw ``index``: float32 normal numbers in ``value``'s shape and dtype; ones for a
    pinned example (as the parity tests' gradient check takes them, so that a kink's gradient shows as is)."""
    dtype = np.asarray(value).dtype
    dtype = dtype if dtype.name in ("float16", "bfloat16", "float32", "float64") else np.dtype(np.float32)
    if str(index).startswith("pinned"):
        return np.ones(np.shape(value), dtype=dtype)
    dy = row_rng(seed, f"{row.name}/dy/{index}").normal(size=np.shape(value)).astype(np.float32)
    return dy.astype(dtype)


def metric_samples(row, draws, seed, dtype):
    """``(kwargs, sample, cuts)`` for each draw of a metric row, the sample in ``dtype``."""
    drawn = _shared("metric", row.id, draws, seed, lambda: hypothesis_draws(stream_strategy(row), draws, seed, row.id))
    return [(kwargs, Sample(Sample(sample).astype("float32")).astype(dtype), cuts) for kwargs, sample, cuts in drawn]


def optimizer_samples(row, draws, seed):
    """``(hyperparameters, options, trajectory)`` for each draw of an optimizer row (as the report draws them)."""
    strategy = st.tuples(row.hyperparameters(), optimizer_db.options() if row.options else st.just({}),
                         optimizer_db.trajectories("float32", OPTIMIZER_STEPS, keep=row.keep))
    return _shared("optimizer", row.name, draws, seed, lambda: hypothesis_draws(strategy, draws, seed, row.name))


def schedule_samples(row, draws, seed, dtype):
    """Constructor kwargs for each draw of a schedule row: Python floats in float32 (Keras then computes in
    float32); in float64 the initial learning rate (or the values) as ``np.float64``, which Keras computes in."""
    drawn = _shared("schedule", row.name, draws, seed, lambda: hypothesis_draws(row.kwargs(), draws, seed, row.name))
    return drawn if dtype == "float32" else [optimizer_db.float64_schedule_kwargs(kw) for kw in drawn]


def metric_rows():
    return metric_db.ROWS


def trajectory_weights(seed, dtype):
    """The handbook MLP's initial weights, the same on every side: Glorot kernels and zero biases, Keras's
    defaults, from a seeded generator."""
    from ..op_db.report_inputs import glorot

    rng = row_rng(seed, "handbook trajectory")
    return [w.astype(dtype) for w in (glorot(rng, 784, 100), np.zeros(100), glorot(rng, 100, 10), np.zeros(10))]
