"""Every metric of ``metric_db`` against Keras: streaming, weights, ``reset_state``; and argmax ties.

``update_state`` keeps running totals, so the result must not depend on how
the data is cut into batches: checked on the reference against itself and
against Keras fed the same batches, after every chunk. Weights (N,) and (N, 1)
with exact zeros, and ties in ``argmax`` (scores drawn from a handful of
values), are drawn by the strategies; the forward parity of a single
``update_state`` of the metrics that ``op_db`` also holds is in ``test_ops.py``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.metric_db import ROWS  # noqa: E402

PARAMS = [pytest.param(row, dtype, id=f"{row.id}-{dtype}") for row in ROWS for dtype in row.dtypes]
RESET_PARAMS = [pytest.param(row, row.dtypes[0], id=f"{row.id}-{row.dtypes[0]}") for row in ROWS]
"""``reset_state`` in one dtype per row: it zeroes the state whatever its dtype, and TF eager is the suite's cost."""


def _skip_if_pending(row):
    if row.needs and not hasattr(rk.losses, row.needs):
        pytest.skip(f"needs reference.losses.{row.needs} (the losses branch)")


def _feed(metric, sample, cuts, inputs, after_each=None):
    """``update_state`` batch by batch (cut before each index in ``cuts``); the result as NumPy.

    ``inputs`` name the sample's positional arguments; ``after_each(k, result)`` sees the result after chunk ``k``.
    """
    bounds = [0, *cuts, len(sample[inputs[0]])]
    w = sample["sample_weight"]
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        metric.update_state(*(sample[name][lo:hi] for name in inputs), sample_weight=None if w is None else w[lo:hi])
        if after_each:
            after_each(k, np.asarray(metric.result()))
    return np.asarray(metric.result())


def _computed_in(result, dtype, sample, metric):
    """The dtype to compare ``result`` at: the coarsest of the metric's ``dtype``, the result's own float dtype,
    the dtypes of the reference metric's state (Keras keeps confusion counts, AUC's included, in ``floatx()``
    whatever ``dtype`` says: a float64 AUC with label weights is float32 arithmetic weighted in float64) and, for
    integer predictions, ``floatx()``: Keras's ops promote integers to it, so a float64 metric fed int32 scores
    computes each value in float32 and only accumulates in float64 (found by CI: MeanSquaredLogarithmicError's
    ``log`` of int32 scores differs by an ulp of float32 between NumPy and TF)."""
    candidates = [np.dtype(dtype), np.asarray(result).dtype, *(v.dtype for v in metric.variables)]
    if np.asarray(sample.get("y_pred", 0.0)).dtype.kind in "biu":
        candidates.append(np.dtype(rk.config.floatx()))
    return min((d for d in candidates if d.kind == "f"), key=lambda d: d.itemsize)


def _repro(row, kwargs, sample, cuts, dtype):
    inputs = ", ".join(f"{name}[lo:hi]" for name in row.inputs)
    feed = (f"bounds = [0, *{cuts!r}, len({row.inputs[0]})]\n"
            "for lo, hi in zip(bounds, bounds[1:]):\n"
            f"    m.update_state({inputs}, "
            "sample_weight=None if sample_weight is None else sample_weight[lo:hi])\n"
            "    print(m.result())")
    args = ", ".join([f"dtype={dtype!r}"] + [f"{k}={v!r}" for k, v in kwargs.items()])
    make = (f"{{module}}.{row.name}({args})" if row.name[0].isupper() else
            f"{{module}}.MeanMetricWrapper({{module}}.{row.name}, {args})")
    return dict(inputs=dict(sample), ref=f"m = {make.format(module='rk.metrics')}\n{feed}",
                tf=f"m = {make.format(module='keras.metrics')}\n{feed}")


@pytest.mark.parametrize("row, dtype", PARAMS)
@given(data=st.data())
def test_streaming_matches_keras_after_every_chunk(row, dtype, data):
    _skip_if_pending(row)
    kwargs = data.draw(row.kwargs(), label="kwargs")
    sample = data.draw(row.sample(dtype), label="sample")
    n = len(sample[row.inputs[0]])
    cuts = data.draw(S.batch_splits(n), label="cuts")
    repro = _repro(row, kwargs, sample, cuts, dtype)
    tol = row.tolerance_args(sample, kwargs)
    tf_results = []
    _feed(row.make(keras.metrics, dtype, kwargs), sample, cuts, row.inputs, lambda k, r: tf_results.append(r))

    ref_metric = row.make(rk.metrics, dtype, kwargs)

    def check(k, ref_result):
        assert_parity(ref_result, tf_results[k], op=row.tol, **tol,
                      dtype=_computed_in(tf_results[k], dtype, sample, ref_metric),
                      what=f"{row.name}({kwargs}), after chunk {k} of the cuts {cuts}", **repro)

    ref_batched = _feed(ref_metric, sample, cuts, row.inputs, check)
    ref_whole = _feed(row.make(rk.metrics, dtype, kwargs), sample, [], row.inputs)
    assert_parity(ref_batched, ref_whole, op=row.tol, dtype=_computed_in(ref_whole, dtype, sample, ref_metric), **tol,
                  what=f"{row.name}({kwargs}), batches {cuts} vs one", names=("reference, batched",
                                                                             "reference, one batch"), **repro)


@pytest.mark.parametrize("row, dtype", RESET_PARAMS)
@given(data=st.data())
def test_reset_state_forgets_everything(row, dtype, data):
    """After ``reset_state`` the reference is a fresh metric, exactly, and agrees with Keras reset the same way."""
    _skip_if_pending(row)
    kwargs = data.draw(row.kwargs(), label="kwargs")
    first = data.draw(row.sample(dtype), label="first")
    second = row.sample(dtype)
    if row.built_by_first_update:
        second = second.filter(lambda s: np.shape(s["y_pred"])[1:] == np.shape(first["y_pred"])[1:])
    second = data.draw(second, label="second")
    name = row.name
    repro = _repro(row, kwargs, second, [], dtype)
    metric = row.make(rk.metrics, dtype, kwargs)
    _feed(metric, first, [], row.inputs)
    metric.reset_state()
    try:
        fresh_result = None if row.built_by_first_update else np.asarray(row.make(rk.metrics, dtype, kwargs).result())
    except ValueError:  # state shaped by the first batch (AUC(multi_label=True) without num_labels): no result yet
        fresh_result = None
    if fresh_result is not None:
        assert_parity(np.asarray(metric.result()), fresh_result, op="exact", dtype=dtype,
                      what=f"{name}: result after reset_state", names=("after reset", "fresh"), **repro)
    after_reset = _feed(metric, second, [], row.inputs)
    fresh = _feed(row.make(rk.metrics, dtype, kwargs), second, [], row.inputs)
    assert_parity(after_reset, fresh, op="exact", dtype=dtype, what=f"{name} after reset_state",
                  names=("after reset", "fresh"), **repro)
    keras_metric = row.make(keras.metrics, dtype, kwargs)    # Keras through the same reset (one metric: TF is slow)
    _feed(keras_metric, first, [], row.inputs)
    keras_metric.reset_state()
    assert_parity(after_reset, _feed(keras_metric, second, [], row.inputs), op=row.tol, dtype=dtype,
                  **row.tolerance_args(second, kwargs), what=f"{name} after reset_state, against Keras", **repro)


TIES = {  # name: (y_true, y_pred, expected matches when ties go to the first maximal index)
    "SparseCategoricalAccuracy": ([0, 1, 2, 1], [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [1, 1, 1], [0, 0.3, 0.3]],
                                  [1, 0, 0, 1]),
    "CategoricalAccuracy": ([[1, 0, 0], [0, 1, 0], [0, 0.5, 0.5], [0.2, 0.2, 0.2]],
                            [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0, 0.4, 0.4], [0, 0, 0]], [1, 0, 1, 1]),
}


@pytest.mark.parametrize("dtype", S.DTYPES)
@pytest.mark.parametrize("name", sorted(TIES))
def test_argmax_ties_go_to_the_first_maximum(name, dtype):
    """Ties in ``y_pred`` (and in ``y_true`` for CategoricalAccuracy) resolve to the first index, as tf.argmax."""
    y_true, y_pred, expected = TIES[name]
    y_true = np.asarray(y_true, dtype=np.int32 if name.startswith("Sparse") else dtype)
    y_pred = np.asarray(y_pred, dtype=dtype)
    fn = {"SparseCategoricalAccuracy": "sparse_categorical_accuracy", "CategoricalAccuracy": "categorical_accuracy"}[name]
    np.testing.assert_array_equal(getattr(keras.metrics, fn)(y_true, y_pred), expected)
    np.testing.assert_array_equal(getattr(rk.metrics, fn)(y_true, y_pred), expected)


@pytest.mark.parametrize("dtype", S.DTYPES)
@pytest.mark.parametrize("name", ["SparseCategoricalAccuracy", "CategoricalAccuracy", "Accuracy"])
def test_all_zero_weights_give_zero(name, dtype):
    """``count`` stays 0, and Keras's ``divide_no_nan`` makes the result 0, not NaN."""
    sample = {"SparseCategoricalAccuracy": ([0, 1], [[1.0, 0.0], [0.0, 1.0]]),
              "CategoricalAccuracy": ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]),
              "Accuracy": ([1.0, 2.0], [1.0, 2.0])}[name]
    y_true, y_pred = (np.asarray(a, dtype=dtype if np.asarray(a).dtype.kind == "f" else np.int32) for a in sample)
    for module in (rk.metrics, keras.metrics):
        metric = getattr(module, name)(dtype=dtype)
        metric.update_state(y_true, y_pred, sample_weight=np.zeros(2, dtype=dtype))
        assert float(metric.result()) == 0.0, f"{module.__name__}.{name}: all-zero weights give {metric.result()}"
