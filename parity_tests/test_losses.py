"""Cross-entropy conventions, pinned against Keras.

The forward and gradient parity of the loss functions and classes over drawn
inputs (every reduction, every ``sample_weight`` form, label smoothing, any
``axis``, rank 3) are rows of ``op_db`` checked by ``test_ops.py`` and
``test_gradients.py``. Here: the conventions those rows rely on, each stated
and checked on both sides:

* the closed-form value of Keras's formula on edge inputs (probabilities
  exactly 0 and 1, at and inside the clip bounds, rows off 1, logits ±1e4);
* labels (N,) and (N, 1) give the same loss;
* the clip blocks the gradient strictly inside ``[0, ε)`` and ``(1 - ε, 1]``
  and passes it at exactly ``ε`` and ``1 - ε`` (TF's ``clip_by_value`` gradient).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import op_db  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.strategies import Sample  # noqa: E402

EPS = rk.config.epsilon()

# (name, row, inputs, expected(lo, hi)) with lo, hi = the clip bounds ε, 1 - ε as the dtype rounds them
EDGE_CASES = [
    ("sparse: p[y] = 0, certain and wrong", "sparse_categorical_crossentropy",
     {"y_true": [0], "y_pred": [[0.0, 1.0, 0.0]], "from_logits": False},
     lambda lo, hi: -np.log(lo) + np.log(lo + hi + lo)),
    ("sparse: p[y] = 1, certain and right", "sparse_categorical_crossentropy",
     {"y_true": [0], "y_pred": [[1.0, 0.0, 0.0]], "from_logits": False},
     lambda lo, hi: -np.log(hi) + np.log(hi + lo + lo)),
    ("sparse: p[y] exactly ε", "sparse_categorical_crossentropy",
     {"y_true": [0], "y_pred": [[EPS, 1 - EPS]], "from_logits": False},
     lambda lo, hi: -np.log(lo) + np.log(lo + hi)),
    ("sparse: p[y] = ε/2, inside the clip zone", "sparse_categorical_crossentropy",
     {"y_true": [0], "y_pred": [[EPS / 2, 1 - EPS / 2]], "from_logits": False},
     lambda lo, hi: -np.log(lo) + np.log(lo + hi)),
    ("sparse: a row summing to 0.6 is renormalised after clipping", "sparse_categorical_crossentropy",
     {"y_true": [1], "y_pred": [[0.2, 0.3, 0.1]], "from_logits": False},
     lambda lo, hi: -np.log(0.3) + np.log(0.6)),
    ("sparse: softmax([100, 0, 0]), label 1, eagerly: the clip caps the loss at 16.118",
     "softmax_then_sparse_categorical_crossentropy",
     {"y_true": [1], "logits": [[100.0, 0.0, 0.0]]},
     lambda lo, hi: -np.log(lo) + np.log(hi + lo + lo)),
    ("sparse: logits ±1e4", "sparse_categorical_crossentropy",
     {"y_true": [1], "y_pred": [[1e4, -1e4]], "from_logits": True},
     lambda lo, hi: 2e4),
    ("categorical: a row summing to 0.6 is normalised before clipping", "categorical_crossentropy",
     {"y_true": [[0.0, 1.0, 0.0]], "y_pred": [[0.2, 0.3, 0.1]], "from_logits": False, "label_smoothing": 0.0,
      "axis": -1},
     lambda lo, hi: -np.log(0.5)),
    ("categorical: p[y] = 0", "categorical_crossentropy",
     {"y_true": [[0.0, 1.0]], "y_pred": [[1.0, 0.0]], "from_logits": False, "label_smoothing": 0.0, "axis": -1},
     lambda lo, hi: -np.log(lo)),
    ("categorical: label smoothing 1 makes the targets uniform", "categorical_crossentropy",
     {"y_true": [[0.0, 1.0]], "y_pred": [[0.25, 0.75]], "from_logits": False, "label_smoothing": 1.0, "axis": -1},
     lambda lo, hi: -(np.log(0.25) + np.log(0.75)) / 2),
    ("categorical: logits ±1e4", "categorical_crossentropy",
     {"y_true": [[0.0, 1.0]], "y_pred": [[1e4, -1e4]], "from_logits": True, "label_smoothing": 0.0, "axis": -1},
     lambda lo, hi: 2e4),
]


@pytest.mark.parametrize("dtype", S.DTYPES)
@pytest.mark.parametrize("name, row_name, inputs, expected", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_edge_values_follow_keras_formula(name, row_name, inputs, expected, dtype):
    row = op_db.BY_NAME[row_name]
    sample = Sample(inputs).astype(dtype)
    lo, hi = (float(np.asarray(b, dtype=dtype)) for b in (EPS, 1 - EPS))
    want = np.full(len(inputs["y_true"]), expected(lo, hi))
    op, size, scale = row.forward_tolerance(sample)
    repro = dict(zip(("inputs", "ref", "tf"), row.repro(sample)))
    ref, out = row.run_ref(sample), row.run_tf(sample, tf, keras)
    assert_parity(out, want, op=op, dtype=dtype, size=size, scale=scale, what=f"TF: {name}",
                  names=("tensorflow", "Keras's formula"), **repro)
    assert_parity(ref, want, op=op, dtype=dtype, size=size, scale=scale, what=f"reference: {name}",
                  names=("reference", "Keras's formula"), **repro)


@pytest.mark.parametrize("dtype", S.DTYPES)
@given(data=st.data())
def test_labels_n_and_n1_give_the_same_loss(dtype, data):
    row = op_db.BY_NAME["SparseCategoricalCrossentropy"]
    sample = data.draw(row.sample(dtype), label="sample")
    labels = sample["y_true"]
    flat = labels[..., 0] if labels.ndim == sample["y_pred"].ndim else labels
    with_flat, with_column = Sample(sample, y_true=flat), Sample(sample, y_true=flat[..., None])
    for side, run in (("reference", row.run_ref), ("tensorflow", lambda s: row.run_tf(s, tf, keras))):
        assert_parity(run(with_column), run(with_flat), op="exact", dtype=dtype,
                      what=f"{side}: labels {with_column['y_true'].shape} vs {flat.shape}",
                      names=("(N, 1) labels", "(N,) labels"),
                      **dict(zip(("inputs", "ref", "tf"), row.repro(with_flat))))


def _probability_gradients(y_true, y_pred):
    """d(Σ sparse CE)/d y_pred on each side, from probabilities."""
    with rk.GradientTape() as tape:
        tape.watch(y_pred)
        loss = rk.losses.sparse_categorical_crossentropy(y_true, y_pred)
    g_ref = tape.gradient(loss, y_pred)
    p = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(p)
        loss = keras.losses.sparse_categorical_crossentropy(y_true, p)
    return g_ref, tape.gradient(loss, p).numpy()


@pytest.mark.parametrize("dtype", S.DTYPES)
@given(data=st.data())
def test_clip_zone_blocks_the_gradient(dtype, data):
    """Strictly inside the clip zones the gradient with respect to the probability is exactly 0."""
    shape = data.draw(S.class_shapes(max_rank=2), label="shape")
    y_pred = data.draw(S.arrays(dtype, shape, S.probability_values(dtype)), label="y_pred")
    y_true = data.draw(S.sparse_labels(shape[:-1], shape[-1]), label="y_true")
    lo, hi = y_pred.dtype.type(EPS), y_pred.dtype.type(1 - EPS)
    in_zone = (y_pred < lo) | (y_pred > hi)
    for side, g in zip(("reference", "tensorflow"), _probability_gradients(y_true, y_pred)):
        assert np.all(g[in_zone] == 0), (f"{side}: nonzero gradient inside the clip zone: "
                                         f"{g[in_zone]} at {y_pred[in_zone]}")


@pytest.mark.parametrize("dtype", S.DTYPES)
def test_clip_bounds_pass_the_gradient(dtype):
    """At exactly ε and 1 - ε the gradient flows (TF's clip gradient tests lo <= x <= hi), on both sides."""
    y_pred = np.array([[EPS, 1 - EPS, 0.5]], dtype=dtype)
    g_ref, g_tf = _probability_gradients(np.array([0]), y_pred)
    assert np.all(g_tf[0, :2] != 0) and np.all(g_ref[0, :2] != 0), f"reference {g_ref}, tensorflow {g_tf}"
    assert_parity(g_ref, g_tf, op="cross_entropy", dtype=dtype, size=3, scale=1 / EPS,
                  what="gradient at the clip bounds", inputs={"y_true": np.array([0]), "y_pred": y_pred},
                  ref="rk.losses.sparse_categorical_crossentropy(y_true, y_pred)",
                  tf="keras.losses.sparse_categorical_crossentropy(y_true, y_pred)")


# --- input dtypes: what Keras's loss code does with integer, half-precision and policy inputs ------------------


def test_circle_leaves_out_a_loss_tf_flushes_to_zero():
    """One sample's loss is 8.3e-41, a float32 subnormal: TF flushes it to 0, so Keras's mask ``loss > 0`` drops it
    and the mean divides by 2 nonzero losses, not 3."""
    y_true = np.int32([1, 0, 1, 0])
    y_pred = np.float32([[1.2, 1.6], [1.3, -0.4], [-0.1, -0.3], [1.4, 0.9]])
    want = np.float32(61.016006)
    assert np.asarray(keras.losses.Circle(margin=1.0)(y_true, y_pred)) == pytest.approx(want, rel=1e-6)
    assert rk.losses.Circle(margin=1.0)(y_true, y_pred) == pytest.approx(want, rel=1e-6)


# a float y_true meeting an integer y_pred is truncated to it: (0.5, 2.7, 1.0) -> (0, 2, 1) against (0, 3, 1)
INTEGER_Y_PRED = {"mean_squared_error": (1 / 3, "float32"), "mean_absolute_error": (1 / 3, "float32"),
                  "huber": (0.0, "float32"), "mean_squared_logarithmic_error": (0.02758699, "float32"),
                  "mean_absolute_percentage_error": (np.nan, "float64")}
RAISES_ON_INTEGER_Y_PRED = ("hinge", "squared_hinge", "categorical_hinge", "log_cosh", "kl_divergence", "poisson",
                            "cosine_similarity", "binary_crossentropy", "categorical_crossentropy", "dice", "tversky",
                            "binary_focal_crossentropy", "categorical_focal_crossentropy")


@pytest.mark.parametrize("name", sorted(INTEGER_Y_PRED))
@pytest.mark.parametrize("int_dtype", ["int32", "int64"])
def test_loss_functions_compute_in_an_integer_y_pred_dtype(name, int_dtype):
    """The function forms convert ``y_true`` to ``y_pred``'s dtype: integer arithmetic, as Keras's."""
    y_true, y_pred = np.array([[0.5, 2.7, 1.0]]), np.array([[0, 3, 1]], dtype=int_dtype)
    value, dtype = INTEGER_Y_PRED[name]
    for side, fn in (("tensorflow", getattr(keras.losses, name)), ("reference", getattr(rk.losses, name))):
        out = np.asarray(fn(y_true, y_pred))
        assert out.dtype == dtype, f"{side}: {name} returns {out.dtype}, expected {dtype}"
        np.testing.assert_allclose(out, [value], rtol=1e-6, err_msg=f"{side}: {name}")


@pytest.mark.parametrize("name", RAISES_ON_INTEGER_Y_PRED)
def test_loss_functions_refuse_an_integer_y_pred_where_keras_fails(name):
    y_true, y_pred = np.array([[0.5, 2.7, 1.0]]), np.int32([[0, 3, 1]])
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError)):
        getattr(keras.losses, name)(y_true, y_pred)
    with pytest.raises(TypeError, match="y_pred"):
        getattr(rk.losses, name)(y_true, y_pred)


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "huber",
                                  "mean_absolute_percentage_error"])
def test_loss_functions_refuse_a_bool_y_pred_where_keras_fails(name):
    y_true, y_pred = np.array([[0.5, 2.7, 1.0]]), np.array([[False, True, True]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        getattr(keras.losses, name)(y_true, y_pred)
    with pytest.raises(TypeError, match="y_pred"):
        getattr(rk.losses, name)(y_true, y_pred)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_msle_promotes_half_precision_to_float32(dtype):
    """Keras's ε is a float32 tensor: ``maximum(y_pred, ε)`` promotes float16 and bfloat16 to float32."""
    y_true, y_pred = (np.asarray(np.array(v, np.float32), dtype=rk.config.standardize_dtype(dtype))
                      for v in ([[0.5, 2.7]], [[0.1, 3.0]]))
    out = np.asarray(keras.losses.mean_squared_logarithmic_error(y_true, y_pred))
    ref = rk.losses.mean_squared_logarithmic_error(y_true, y_pred)
    assert out.dtype == ref.dtype == np.float32
    assert_parity(ref, out, op="transcendental", dtype="float32", size=2, what="msle on half-precision inputs")


POLICIES = ["mixed_float16", "mixed_bfloat16", "float16", "bfloat16"]


@pytest.mark.parametrize("policy", POLICIES + ["DTypePolicy(mixed_float16)"])
@pytest.mark.parametrize("row_name", sorted(n for n in rk.losses.ALL_CLASSES if n in op_db.BY_NAME))
def test_every_loss_class_computes_in_its_policy_compute_dtype(row_name, policy):
    """``dtype=`` takes a policy name or a ``DTypePolicy``; the loss computes in its compute dtype (Keras's
    ``Loss.__init__``), here on the row's first pinned class example."""
    row = op_db.BY_NAME[row_name]
    name = policy.removeprefix("DTypePolicy(").removesuffix(")")
    sample = Sample(row.pinned("float32")[0], dtype=name, as_policy=policy.startswith("DTypePolicy"))
    ref, out = row.run_ref(sample), row.run_tf(sample, tf, keras)
    compute = rk.dtype_policies.DTypePolicy(name).compute_dtype
    assert ref.dtype == out.dtype == rk.config.standardize_dtype(compute), (ref.dtype, out.dtype)
    op, size, scale = row.forward_tolerance(sample)
    assert_parity(ref.astype(np.float32), out.astype(np.float32), op="half_precision", dtype=compute, size=size + 8,
                  scale=scale, what=f"{row.name} with dtype={policy}",
                  **dict(zip(("inputs", "ref", "tf"), row.repro(sample))))


def test_categorical_crossentropy_from_logits_on_a_negative_inner_axis():
    """Departure ``cce-negative-axis``: Keras raises (TF's ``softmax_cross_entropy_with_logits`` builds a range
    from 0 to the negative axis); the reference computes the loss on that axis, as for the positive axis."""
    y_true = np.float32([[[1, 0], [0, 1]], [[0, 1], [1, 0]]])
    logits = np.float32([[[1, 2], [3, -1]], [[0.5, 0], [2, 1]]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Range"):
        keras.losses.CategoricalCrossentropy(from_logits=True, axis=-2)(y_true, logits)
    on_axis_1 = np.asarray(keras.losses.CategoricalCrossentropy(from_logits=True, axis=1)(y_true, logits))
    ref = rk.losses.CategoricalCrossentropy(from_logits=True, axis=-2)(y_true, logits)
    assert_parity(ref, on_axis_1, op="cross_entropy", dtype="float32", size=4, scale=4,
                  what="axis=-2 against Keras's axis=1")


# --- Python lists: TF's convert_to_tensor, whatever floatx ----------------------------------------------------

FUNCTION_ROWS = [row for row in op_db.losses.ROWS if row.name[0].islower() and row.name != "ctc_loss"]
# Keras's sparse_categorical_crossentropy, categorical_generalized_cross_entropy and ctc read `.shape` or `.dtype`
# of an argument before converting it: they fail on lists (AttributeError, a rank-0 reduction), the reference does not
KERAS_NEEDS_TENSORS = ("sparse_categorical_crossentropy", "categorical_generalized_cross_entropy", "ctc")


@pytest.mark.parametrize("row", [r for r in FUNCTION_ROWS if r.name not in KERAS_NEEDS_TENSORS], ids=lambda r: r.name)
def test_loss_functions_take_python_float_lists_as_float32_under_float64_floatx(row):
    """``tf.convert_to_tensor`` makes a list of Python floats float32 whatever ``floatx``: a loss function given
    lists returns float32 (its first pinned example, as lists, under ``floatx="float64"`` on both sides)."""
    inputs = {k: np.asarray(v).tolist() if isinstance(v, (list, np.ndarray)) else v for k, v in row.examples[0].items()}
    rk.config.set_floatx("float64")
    keras.config.set_floatx("float64")
    out = np.asarray(eval(row.tf, {"tf": tf, "keras": keras, "np": np, **inputs}))
    ref = np.asarray(eval(row.ref, {"rk": rk, "np": np, **inputs}))
    assert ref.dtype == out.dtype, f"{row.name}: reference {ref.dtype}, Keras {out.dtype}"
    op, size, scale = row.forward_tolerance(Sample(inputs).astype("float32"))
    assert_parity(ref, out, op=op, dtype=out.dtype if out.dtype.kind == "f" else "float32", size=size, scale=scale,
                  what=f"{row.name} on Python lists, floatx float64", inputs=inputs, ref=row.ref, tf=row.tf)


# --- integer and bool inputs: computed where Keras computes, refused where it fails -----------------------------

LOSS_ROWS = [row for row in op_db.losses.ROWS if row.sample is not None and row.name != "ctc_loss"]


@pytest.mark.parametrize("row", LOSS_ROWS, ids=lambda r: r.name)
@given(data=st.data())
def test_integer_and_bool_inputs_raise_exactly_where_keras_raises(row, data):
    """``y_true``, ``y_pred`` or both drawn as int32, int64 or bool (the row's float32 sample, rounded): the
    reference raises (a ``TypeError`` or ``ValueError``) exactly when Keras raises; otherwise both return the same
    dtype and values (integer results exactly)."""
    sample = data.draw(row.sample("float32"), label="sample")
    keys = data.draw(st.sampled_from([("y_true",), ("y_pred",), ("y_true", "y_pred")]), label="converted")
    kind = data.draw(st.sampled_from(["int32", "int64", "bool"]), label="kind")
    sample = Sample(sample, **{key: S.as_kind(sample[key], kind) for key in keys})
    inputs, ref_code, tf_code = row.repro(sample)
    try:
        out = row.run_tf(sample, tf, keras)
    except Exception:                                           # Keras's own failure, any type
        with pytest.raises((TypeError, ValueError)):
            row.run_ref(sample)
        return
    ref = row.run_ref(sample)
    assert ref.dtype == out.dtype, f"{row.name}: reference returns {ref.dtype}, Keras {out.dtype}"
    if out.dtype.kind != "f" and not rk.config.is_float_dtype(out.dtype):
        np.testing.assert_array_equal(ref, out, err_msg=f"{row.name} on {kind} {keys}")
        return
    op, size, scale = row.forward_tolerance(sample)
    assert_parity(ref, out, op=op, dtype=row.tolerance_dtype(sample, out.dtype.name), size=size, scale=scale,
                  what=f"{row.name} on {kind} {' and '.join(keys)}", inputs=inputs, ref=ref_code, tf=tf_code)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("alpha, result", [([0.25, 0.5, 1.0], "float32"), ("array", None), (0.25, None)])
def test_categorical_focal_alpha_promotes_as_keras_multiply_does(dtype, alpha, result):
    """A list ``alpha`` is a float32 tensor to TF, so half-precision losses come out float32; an ``alpha`` array of
    the inputs' dtype, or a Python float, keeps their dtype."""
    half = rk.config.standardize_dtype(dtype)
    y_true, y_pred = np.array([[0.0, 1.0, 0.0]], half), np.array([[0.2, 0.3, 0.5]], half)
    alpha = np.array([0.25, 0.5, 1.0], half) if alpha == "array" else alpha
    out = keras.losses.categorical_focal_crossentropy(tf.constant(y_true), tf.constant(y_pred), alpha=alpha).numpy()
    ref = rk.losses.categorical_focal_crossentropy(y_true, y_pred, alpha=alpha)
    assert ref.dtype == out.dtype == rk.config.standardize_dtype(result or dtype)
    assert_parity(ref, out, op="cross_entropy", dtype=dtype, size=3, scale=rk.config.standardize_dtype(dtype).type(2),
                  what=f"categorical_focal_crossentropy, alpha={alpha!r}")


LIST_CASES = {  # Keras fails on these lists; on the same values as arrays it computes
    "sparse_categorical_crossentropy": (([0, 1], [[0.9, 0.1], [0.2, 0.8]]), {}),
    "categorical_generalized_cross_entropy": (([0, 1], [[0.9, 0.1], [0.2, 0.8]]), {"q": 0.5}),
    "ctc": (([[1, 2]], [[[0.0, 1.0, 0.0, 0.0]] * 3]), {}),
}


@pytest.mark.parametrize("name", sorted(LIST_CASES))
def test_loss_functions_on_python_lists_departure(name):
    """Departure ``loss-functions-on-python-lists``: Keras raises on the lists, computes on the arrays; the
    reference computes on both, Keras's array values."""
    (y_true, y_pred), kwargs = LIST_CASES[name]
    with pytest.raises((AttributeError, tf.errors.InvalidArgumentError)):
        getattr(keras.losses, name)(y_true, y_pred, **kwargs)
    arrays = np.asarray(y_true), np.asarray(y_pred, dtype=np.float32)
    expected = np.asarray(getattr(keras.losses, name)(*arrays, **kwargs))
    assert_parity(getattr(rk.losses, name)(y_true, y_pred, **kwargs), expected, op="cross_entropy",
                  dtype="float32", size=expected.size, what=f"reference on lists: {name}")
