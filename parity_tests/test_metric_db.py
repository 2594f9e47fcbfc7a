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
            after_each(k, _numpy(metric.result()))
    return _numpy(metric.result())


def _numpy(result):
    """A result as an ndarray: a TF tensor through ``numpy()`` (``np.asarray`` fails on TF's bfloat16)."""
    return np.asarray(result.numpy() if hasattr(result, "numpy") else result)


def _computed_in(result, sample, metric):
    """The dtype to compare ``result`` at: the coarsest (largest ε) of the metric's ``dtype``, the result's own float
    dtype, the dtypes of the reference metric's state (Keras keeps confusion counts, AUC's included, in ``floatx()``
    whatever ``dtype`` says: a float64 AUC with label weights is float32 arithmetic weighted in float64), the float
    dtype of ``y_pred`` (or ``values``: Keras's metric functions cast ``y_true`` to it, compute, and cast the values
    to the metric's dtype after, so float16 scores are float16 arithmetic in a float32 metric) and, for
    integer predictions, ``floatx()``: Keras's ops promote integers to it, so a float64 metric fed int32 scores
    computes each value in float32 and only accumulates in float64 (MeanSquaredLogarithmicError's ``log`` of int32
    scores then differs by an ulp of float32 between NumPy and TF)."""
    candidates = [metric.dtype, np.asarray(result).dtype, *(v.dtype for v in metric.variables),
                  *(np.asarray(sample[k]).dtype for k in ("y_pred", "values") if k in sample)]
    if np.asarray(sample.get("y_pred", 0.0)).dtype.kind in "biu":
        candidates.append(rk.config.floatx())
    floats = (rk.config.standardize_dtype(d) for d in candidates if rk.config.is_float_dtype(np.dtype(d)))
    return max(floats, key=lambda d: (rk.config.ml_dtypes or np).finfo(d).eps)   # bfloat16's ε above float16's


def _repro(row, kwargs, sample, cuts, dtype, as_policy=False):
    inputs = ", ".join(f"{name}[lo:hi]" for name in row.inputs)
    feed = (f"bounds = [0, *{cuts!r}, len({row.inputs[0]})]\n"
            "for lo, hi in zip(bounds, bounds[1:]):\n"
            f"    m.update_state({inputs}, "
            "sample_weight=None if sample_weight is None else sample_weight[lo:hi])\n"
            "    print(m.result())")
    dtype_arg = f"{{package}}.DTypePolicy({dtype!r})" if as_policy else repr(dtype)
    args = ", ".join([f"dtype={dtype_arg}"] + [f"{k}={v!r}" for k, v in kwargs.items()])
    make = (f"{{package}}.metrics.{row.name}({args})" if row.name[0].isupper() else
            f"{{package}}.metrics.MeanMetricWrapper({{package}}.metrics.{row.name}, {args})")
    return dict(inputs=dict(sample), ref=f"m = {make.format(package='rk')}\n{feed}",
                tf=f"m = {make.format(package='keras')}\n{feed}")


@pytest.mark.parametrize("row, dtype", PARAMS)
@given(data=st.data())
def test_streaming_matches_keras_after_every_chunk(row, dtype, data):
    _skip_if_pending(row)
    kwargs = data.draw(row.kwargs(), label="kwargs")
    sample = data.draw(row.sample(dtype), label="sample")
    n = len(sample[row.inputs[0]])
    cuts = data.draw(S.batch_splits(n), label="cuts")
    policy, as_policy = data.draw(S.metric_dtype(dtype), label="metric dtype")   # inputs in dtype, metric in policy
    repro = _repro(row, kwargs, sample, cuts, policy, as_policy)
    tol = row.tolerance_args(sample, kwargs)
    tf_results = []
    keras_metric = row.make(keras.metrics, policy, kwargs, as_policy)
    _feed(keras_metric, sample, cuts, row.inputs, lambda k, r: tf_results.append(r))

    ref_metric = row.make(rk.metrics, policy, kwargs, as_policy)
    assert ref_metric.dtype == keras_metric.dtype, (policy, ref_metric.dtype, keras_metric.dtype)

    def check(k, ref_result):
        assert_parity(ref_result, tf_results[k], op=row.tol, **tol,
                      dtype=_computed_in(tf_results[k], sample, ref_metric),
                      what=f"{row.name}({kwargs}), after chunk {k} of the cuts {cuts}", **repro)

    ref_batched = _feed(ref_metric, sample, cuts, row.inputs, check)
    ref_whole = _feed(row.make(rk.metrics, policy, kwargs, as_policy), sample, [], row.inputs)
    assert_parity(ref_batched, ref_whole, op=row.tol, dtype=_computed_in(ref_whole, sample, ref_metric), **tol,
                  what=f"{row.name}({kwargs}), batches {cuts} vs one", names=("reference, batched",
                                                                             "reference, one batch"), **repro)


INPUT_KINDS = ("bool", *S.HALF_DTYPES)
"""What a user passes besides float32 and float64: masks and boolean labels, and a mixed-precision model's outputs."""


def _as_input_kind(array, kind):
    """A drawn input as ``kind``: bool where nonzero (the loss tests' rule), or a float array cast to half precision
    (integer labels stay integers)."""
    if kind == "bool":
        return S.as_kind(np.asarray(array), kind)
    array = np.asarray(array)
    return array.astype(rk.config.standardize_dtype(kind)) if array.dtype.kind == "f" else array


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
@given(data=st.data())
def test_bool_and_half_inputs_raise_exactly_where_keras_raises(row, data):
    """``y_true``, ``y_pred`` or both (``values`` for Mean and Sum) as bool or float16/bfloat16, the row's float32
    sample converted: the reference raises a ``TypeError`` or ``ValueError`` naming a converted argument exactly when
    Keras raises (scores to ``in_top_k``, bool scores to a loss's arithmetic); otherwise both agree as in the
    streaming test. Every row, the float32-only ones included."""
    _skip_if_pending(row)
    kwargs = data.draw(row.kwargs(), label="kwargs")
    sample = data.draw(row.sample("float32"), label="sample")
    keys = data.draw(st.sampled_from([(name,) for name in row.inputs] + ([row.inputs] if len(row.inputs) > 1 else [])),
                     label="converted")
    kind = data.draw(st.sampled_from(INPUT_KINDS), label="kind")
    sample = S.Sample(sample, **{key: _as_input_kind(sample[key], kind) for key in keys})
    repro = _repro(row, kwargs, sample, [], "float32")
    try:
        keras_result = _feed(row.make(keras.metrics, "float32", kwargs), sample, [], row.inputs)
    except Exception:                                           # Keras's own failure, any type
        with pytest.raises((TypeError, ValueError), match="|".join(keys)):
            _feed(row.make(rk.metrics, "float32", kwargs), sample, [], row.inputs)
        return
    ref_metric = row.make(rk.metrics, "float32", kwargs)
    ref_result = _feed(ref_metric, sample, [], row.inputs)
    assert_parity(ref_result, keras_result, op=row.tol, **row.tolerance_args(sample, kwargs),
                  dtype=_computed_in(keras_result, sample, ref_metric),
                  what=f"{row.name}({kwargs}) on {kind} {' and '.join(keys)}", **repro)


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
    fn = {"SparseCategoricalAccuracy": "sparse_categorical_accuracy",
          "CategoricalAccuracy": "categorical_accuracy"}[name]
    np.testing.assert_array_equal(getattr(keras.metrics, fn)(y_true, y_pred), expected)
    np.testing.assert_array_equal(getattr(rk.metrics, fn)(y_true, y_pred), expected)


NEGATIVE_ZERO = {  # name: (make, y_true, y_pred): scores -0 and +0, where Keras's argmax picks the first +0
    "SparseCategoricalAccuracy": (lambda m: m.SparseCategoricalAccuracy(), [1, 0, 0], [[-0.0, 0.0, 0.0],
                                                                                   [0.0, -0.0, -1.0],
                                                                                   [-0.0, -0.0, -0.0]]),
    "CategoricalAccuracy": (lambda m: m.CategoricalAccuracy(), [[0, 1], [1, 0]], [[-0.0, 0.0], [0.0, -0.0]]),
    "OneHotMeanIoU": (lambda m: m.OneHotMeanIoU(num_classes=2), [[0, 1], [1, 0]], [[-0.0, 0.0], [-0.0, -0.0]]),
}


@pytest.mark.parametrize("dtype", S.DTYPES + S.HALF_DTYPES)
@pytest.mark.parametrize("name", sorted(NEGATIVE_ZERO))
def test_argmax_puts_negative_zero_below_zero(name, dtype):
    """Keras's ``ops.argmax`` replaces -0 by ``-tiny`` (in float32 or wider) before ``tf.argmax``, against
    flush-to-zero: scores (-0, +0) predict class 1, where NumPy's argmax (-0 == 0) picks class 0. Bit for bit."""
    make, y_true, y_pred = NEGATIVE_ZERO[name]
    y_pred = np.asarray(np.array(y_pred, np.float32), dtype=rk.config.standardize_dtype(dtype))
    y_true = np.asarray(y_true, np.float32)
    keras_result, ref_result = _both(make, _fed(y_true, y_pred))
    np.testing.assert_array_equal(ref_result, keras_result)
    below = np.where((y_pred == 0) & np.signbit(y_pred), -1, y_pred).astype(y_pred.dtype)
    np.testing.assert_array_equal(keras_result, _both(make, _fed(y_true, below))[0])   # -0 decides as -1 would


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


# --- pinned cases: each runs Keras and the reference on one input and asserts both sides ----------------------


def _both(make, update):
    """``(keras_result, reference_result)`` of ``update(make(module))``; an exception class where a side raises."""
    out = []
    for module in (keras.metrics, rk.metrics):
        try:
            result = update(make(module))
            out.append(np.asarray(result.numpy() if hasattr(result, "numpy") else result))  # TF's bfloat16
        except Exception as error:  # noqa: BLE001 (Keras raises TF's errors; the reference a ValueError/TypeError)
            out.append(type(error))
    return out


def _fed(*args, **kwargs):
    """An ``update`` that feeds one batch and returns the result."""
    def update(metric):
        metric.update_state(*args, **kwargs)
        return metric.result()
    return update


def test_mape_metric_on_integer_predictions_divides_by_the_integer_epsilon():
    """Keras's wrapper hands the int32 inputs to the loss function as they are, which casts ε to int32 (0): a zero
    target divides by 0, inf. The reference metric casts nothing either (it gave 6.7e8 from a float ε)."""
    y_true, y_pred = np.array([[0, 2, 3], [1, 0, 5]], np.int32), np.array([[1, 2, 4], [0, 3, 5]], np.int32)
    keras_result, ref_result = _both(lambda m: m.MeanAbsolutePercentageError(), _fed(y_true, y_pred))
    assert np.isposinf(keras_result) and np.isposinf(ref_result), (keras_result, ref_result)


def test_cosine_similarity_rejects_integer_predictions():
    """Keras's metric ``cosine_similarity`` normalizes with ``rsqrt``, which TF has for floats only."""
    y = np.array([[1, 2], [3, 4]], np.int32)
    keras_result, ref_result = _both(lambda m: m.CosineSimilarity(), _fed(y, y))
    assert isinstance(keras_result, type) and ref_result is TypeError, (keras_result, ref_result)


@pytest.mark.parametrize("name", ["Precision", "Recall"])
def test_top_k_zero_keeps_no_prediction(name):
    """``top_k=0``: ``tf.math.top_k`` keeps nothing, every prediction is a negative, and the ratio is 0."""
    y_true, y_pred = np.array([[0, 1, 1], [1, 0, 1]], np.float32), np.array([[0.2, 0.6, 0.9], [0.7, 0.1, 0.3]],
                                                                           np.float32)
    keras_result, ref_result = _both(lambda m: getattr(m, name)(top_k=0), _fed(y_true, y_pred))
    assert float(keras_result) == float(ref_result) == 0.0


F_SCORE_CASE = (np.array([[0, 1, 1], [1, 0, 1]], np.float32), np.array([[0.2, 0.6, 0.9], [0.7, 0.1, 0.3]], np.float32))


@pytest.mark.parametrize("name, kwargs", [("F1Score", {}), ("FBetaScore", {"beta": 2.0})])
@pytest.mark.parametrize("weight", [np.array([[1, 2, 3], [4, 5, 6]], np.float32), np.array([[1], [2]], np.float32)],
                         ids=["(N, C)", "(N, 1)"])
def test_f_score_micro_takes_any_weight_that_broadcasts_at_axis_1(name, kwargs, weight):
    """Keras multiplies by ``expand_dims(sample_weight, 1)``: an (N, C) weight pairs each row with each weight row,
    (N, N, C), and ``"micro"``'s total sum takes it; a per-class sum (``average=None``) cannot, and both raise."""
    make = lambda average: lambda m: getattr(m, name)(average=average, **kwargs)  # noqa: E731
    keras_result, ref_result = _both(make("micro"), _fed(*F_SCORE_CASE, sample_weight=weight))
    np.testing.assert_allclose(ref_result, keras_result, rtol=0, atol=0)
    keras_result, ref_result = _both(make(None), _fed(*F_SCORE_CASE, sample_weight=weight))
    assert isinstance(keras_result, type) and ref_result is ValueError, (keras_result, ref_result)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f_score_rejects_a_scalar_weight(average):
    """Keras expands the weight at axis 1, which a scalar lacks: a ValueError on both sides."""
    keras_result, ref_result = _both(lambda m: m.F1Score(average=average),
                                     _fed(*F_SCORE_CASE, sample_weight=np.float32(2.0)))
    assert keras_result is ValueError and ref_result is ValueError, (keras_result, ref_result)


@pytest.mark.parametrize("scores_dtype", ["float64", "float16", "int32"])
@pytest.mark.parametrize("name, y_true", [("TopKCategoricalAccuracy", np.array([[0, 1, 0], [1, 0, 0]], np.float32)),
                                          ("SparseTopKCategoricalAccuracy", np.array([1, 0], np.int32))])
def test_top_k_accuracy_takes_float32_scores_only(name, y_true, scores_dtype):
    """TF's ``InTopKV2`` is float32 only and Keras does not cast, whatever the metric's dtype: both raise."""
    y_pred = np.array([[0.2, 0.6, 0.9], [0.7, 0.1, 0.3]]).astype(scores_dtype)
    for dtype in ("float32", "float64"):
        keras_result, ref_result = _both(lambda m: getattr(m, name)(k=1, dtype=dtype), _fed(y_true, y_pred))
        assert isinstance(keras_result, type) and ref_result is TypeError, (dtype, keras_result, ref_result)


SUBNORMAL_CASES = {  # name: (make, update): a value that is a float32 subnormal after a cast or a product decides
    "Precision, float64 score 1e-40 over threshold 0": (
        lambda m: m.Precision(thresholds=0.0), _fed(np.array([1.0, 0.0]), np.array([1e-40, 0.0]))),
    "Precision, evenly spaced thresholds (bucketed), score 1e-40": (
        lambda m: m.Precision(thresholds=[0.0, 0.5, 1.0]), _fed(np.array([1.0, 0.0]), np.array([1e-40, 0.0]))),
    "Recall, float64 weights 1e-40": (
        lambda m: m.Recall(), _fed(np.array([1.0, 1.0]), np.array([0.9, 0.1]), sample_weight=np.array([1e-40, 1e-40]))),
    "AUC, weights 1e-20 times label weights 1e-20": (
        lambda m: m.AUC(num_thresholds=3, label_weights=[1e-20, 1e-20]),
        _fed(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.9, 0.2], [0.3, 0.8]]),
             sample_weight=np.array([1e-20, 1e-20]))),
    "BinaryIoU, float64 score -1e-40 at threshold 0": (
        lambda m: m.BinaryIoU(threshold=0.0), _fed(np.array([1.0, 0.0]), np.array([-1e-40, 0.5]))),
    "Mean, float64 weights 1e-40": (
        lambda m: m.Mean(), _fed(np.array([2.0, 4.0]), sample_weight=np.array([1e-40, 1e-40]))),
}


@pytest.mark.parametrize("case", sorted(SUBNORMAL_CASES))
def test_a_flushed_subnormal_decides_as_in_tf(case):
    """TF's CPU kernels flush a subnormal result (of a cast to float32, a product, a sum) to 0 before Keras compares
    or counts it; the reference flushes there (``reference.ops.flush_subnormal``), so both decide alike."""
    keras_result, ref_result = _both(*SUBNORMAL_CASES[case])
    np.testing.assert_array_equal(ref_result, keras_result)


POLICIES = ("mixed_float16", "mixed_bfloat16", "float16", "bfloat16")


@pytest.mark.parametrize("as_policy", [False, True], ids=["name", "DTypePolicy"])
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("name, kwargs", [("Mean", {}), ("Accuracy", {}), ("MeanSquaredError", {}), ("Precision", {}),
                                          ("AUC", {}), ("MeanIoU", {"num_classes": 2}), ("F1Score", {})])
def test_a_policy_makes_the_metric_compute_in_its_compute_dtype(name, kwargs, policy, as_policy):
    """Keras's ``Metric.__init__`` takes ``dtype_policies.get(dtype).compute_dtype``: ``"mixed_float16"`` is a
    float16 metric (its own variables float16, the confusion counts in ``floatx()``), as ``"float16"`` is."""
    make = lambda m: getattr(m, name)(dtype=(rk.DTypePolicy if m is rk.metrics else keras.DTypePolicy)(policy)  # noqa: E731
                                      if as_policy else policy, **kwargs)
    keras_metric, ref_metric = make(keras.metrics), make(rk.metrics)
    assert ref_metric.dtype == keras_metric.dtype, (ref_metric.dtype, keras_metric.dtype)
    assert [np.dtype(v.dtype).name for v in ref_metric.variables] == [
        rk.config.standardize_dtype(v.dtype).name for v in keras_metric.variables]
    y = np.array([[1, 0], [0, 1]], np.float32), np.array([[0.75, 0.5], [0.25, 1.0]], np.float32)
    keras_result, ref_result = _both(make, _fed(*y[1:]) if name == "Mean" else _fed(*y))
    assert ref_result.dtype == keras_result.dtype and np.array_equal(ref_result, keras_result), (ref_result,
                                                                                                 keras_result)


def test_auc_from_logits_rejects_integer_predictions():
    """Keras's ``AUC(from_logits=True)`` applies ``sigmoid``, which TF has for floats only: both raise."""
    keras_result, ref_result = _both(lambda m: m.AUC(from_logits=True),
                                     _fed(np.array([[1, 0]], np.float32), np.array([[2, -1]], np.int64)))
    assert isinstance(keras_result, type) and ref_result is TypeError, (keras_result, ref_result)


SUBNORMAL_LABEL_CASES = {  # a float32 label of 1e-40 is 0 to TF's cast to bool: a negative, not a positive
    "Recall(top_k=1), bfloat16 scores": (
        lambda m: m.Recall(top_k=1),
        _fed(np.array([[1, 1e-40, 0], [0, 1, 1e-40], [1, 0, 1]], np.float32),
             np.array([[0.5, 0.9, 0.1], [0.3, 0.2, 0.7], [1, 1, 0]]).astype(S.BFLOAT16))),
    "Recall, float64 labels in a float64 metric": (
        lambda m: m.Recall(dtype="float64"), _fed(np.array([1.0, 1e-40, 1.0]), np.array([0.9, 0.8, 0.1]))),
    "AUC, int32 scores": (
        lambda m: m.AUC(num_thresholds=5),
        _fed(np.array([1e-40, 1.0, 0.0], np.float32), np.array([1, 1, 0], np.int32))),
    "BinaryAccuracy(threshold=1), a subnormal label equals a negative prediction": (
        lambda m: m.BinaryAccuracy(threshold=1.0),
        _fed(np.array([[1e-40, 1 - 1e-7, 1 - 1e-7]], np.float32), np.array([[0, 1, 1]]).astype(S.BFLOAT16))),
    "BinaryAccuracy(threshold=0), a subnormal score is not above it": (
        lambda m: m.BinaryAccuracy(threshold=0.0),
        _fed(np.array([[1.0, 0.0, 1.0]], np.float32), np.array([[1e-40, 1e-40, 1.0]], np.float32))),
    "Accuracy, a subnormal equals 0": (
        lambda m: m.Accuracy(), _fed(np.array([[1e-40, 0, 1]], np.float32), np.array([[0, 1e-40, 1]], np.float32))),
}


@pytest.mark.parametrize("case", sorted(SUBNORMAL_LABEL_CASES))
def test_a_subnormal_label_is_a_negative_as_in_tf(case):
    """Keras casts ``y_true`` to the counts' dtype, then to bool; TF's casts flush a float32 subnormal to 0 first."""
    keras_result, ref_result = _both(*SUBNORMAL_LABEL_CASES[case])
    np.testing.assert_array_equal(ref_result, keras_result)


@pytest.mark.parametrize("y_pred", [np.array([[1, 0, 2]], np.int32), np.array([[True, False, True]])],
                         ids=["int32", "bool"])
@pytest.mark.parametrize("name", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_correlations_reject_integer_and_bool_predictions(name, y_pred):
    """Keras's correlations subtract a float mean from the integer ``y_pred`` (and TF has no bool mean): both raise."""
    keras_result, ref_result = _both(lambda m: getattr(m, name)(),
                                     _fed(np.array([[1.0, 0.0, 1.0]], np.float32), y_pred))
    assert isinstance(keras_result, type) and ref_result is TypeError, (keras_result, ref_result)


@pytest.mark.parametrize("name, kwargs", [("OneHotIoU", {"target_class_ids": [0]}), ("OneHotMeanIoU", {}),
                                          ("IoU", {"target_class_ids": [0], "sparse_y_pred": False})])
def test_iou_of_a_single_unbatched_sample_raises(name, kwargs):
    """A rank-1 one-hot label and score vector argmax to single ids, which Keras's confusion matrix stacks at axis
    1 (tf.stack raises "Argument `axis` = 1 not in range"); the reference raises a ValueError naming them."""
    keras_result, ref_result = _both(lambda m: getattr(m, name)(num_classes=3, **kwargs),
                                     _fed(np.float32([1, 0, 0]) if name.startswith("OneHot") else np.int32(0),
                                          np.float32([0.2, 0.7, 0.1])))
    assert keras_result is ValueError and ref_result is ValueError, (keras_result, ref_result)


def test_iou_broadcasts_a_single_label_over_the_predictions():
    """Keras masks the ids with ``where``, which broadcasts a scalar label over a batch of predictions."""
    keras_result, ref_result = _both(lambda m: m.MeanIoU(num_classes=3), _fed(np.int32(1), np.int32([0, 1, 1, 2])))
    np.testing.assert_array_equal(ref_result, keras_result)


@pytest.mark.parametrize("y_pred", [-2.766, -2.0, 0.5, 6.0])
def test_log_cosh_of_half_precision_takes_tf_softplus_thresholds(y_pred):
    """``log_cosh`` is ``x + softplus(-2x) - log 2``; TF's float16 softplus returns ``x`` only above
    ``-(log ε + 2)`` with Eigen's half ε (2⁻¹³, so 7.0, not 4.9): ``softplus(6)`` is 6.004, not 6. Bit for bit."""
    y_true, y_pred = np.array([3], np.int64), np.array([y_pred], np.float16)
    keras_result, ref_result = _both(lambda m: m.LogCoshError(), _fed(y_true, y_pred))
    np.testing.assert_array_equal(ref_result, keras_result)


@pytest.mark.parametrize("name", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_correlations_of_bfloat16_average_in_float32(name):
    """Keras's ``ops.mean`` and ``ops.var`` sum half precision in float32 and round once (NumPy's bfloat16 mean
    accumulates in bfloat16); ``ops.std`` is TF's ``reduce_std`` in the dtype, over those means. Bit for bit."""
    y_true = np.array([[9.18e-41, -2.0, 0.5], [1.0, 1.0, 0.5], [0.5, 1e-7, 30.0]]).astype(S.BFLOAT16)
    y_pred = np.array([[2.0, 1.0, 2.0], [1.0, 2.0, 0.0], [2.0, 0.0, 1.0]]).astype(S.BFLOAT16)
    weight = np.array([0.950344, -2.761857, 0.523819], np.float32)

    def update(metric):
        metric.update_state(y_true, y_pred, sample_weight=weight)
        metric.update_state(y_true, y_pred)
        return metric.result()
    keras_result, ref_result = _both(lambda m: getattr(m, name)(), update)
    np.testing.assert_array_equal(ref_result, keras_result)
