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
    ("sparse: softmax([100, 0, 0]), label 1, eagerly: the clip caps the loss at 16.118", "softmax_then_sparse_categorical_crossentropy",
     {"y_true": [1], "logits": [[100.0, 0.0, 0.0]]},
     lambda lo, hi: -np.log(lo) + np.log(hi + lo + lo)),
    ("sparse: logits ±1e4", "sparse_categorical_crossentropy",
     {"y_true": [1], "y_pred": [[1e4, -1e4]], "from_logits": True},
     lambda lo, hi: 2e4),
    ("categorical: a row summing to 0.6 is normalised before clipping", "categorical_crossentropy",
     {"y_true": [[0.0, 1.0, 0.0]], "y_pred": [[0.2, 0.3, 0.1]], "from_logits": False, "label_smoothing": 0.0, "axis": -1},
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
    sample = data.draw(S.sparse_crossentropy(dtype), label="sample")
    labels = sample["y_true"]
    flat = labels[..., 0] if labels.ndim == sample["y_pred"].ndim else labels
    row = op_db.BY_NAME["SparseCategoricalCrossentropy"]
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
        assert np.all(g[in_zone] == 0), f"{side}: nonzero gradient inside the clip zone: {g[in_zone]} at {y_pred[in_zone]}"


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
