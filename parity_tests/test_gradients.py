"""Gradients three ways: the reference tape, ``tf.GradientTape``, and float64 central differences.

For every ``op_db`` row with ``grad_wrt``:

* in float32 and float64, the reference's gradient of ``Σ dy·op`` matches TF's
  (drawn upstream gradient ``dy``; pinned examples included);
* in float64 on the row's smooth domain, both match a central finite
  difference along a random direction (``tests/test_gradcheck.py`` checks the
  reference's gradient element by element, without TensorFlow).
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from parity_tests import op_db  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity, directional_derivative, scaled_directions  # noqa: E402
from parity_tests.op_db import PINNED  # noqa: E402
from parity_tests.strategies import Sample  # noqa: E402

# a drawn Dense with one unit and a softmax is a legitimate edge case; Keras warns about it
pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis")


def _cotangent(row, sample, data):
    """``dy`` shaped and typed like the op's output (ones for pinned examples)."""
    y = row.run_ref(sample)
    if data is PINNED:
        return np.ones(y.shape, dtype=y.dtype)
    return data.draw(S.cotangents(y.dtype, y.shape), label="dy")


KNOWN_GRADIENT_GAPS = {  # (row, dtype) -> why: what the suite found and the reference does not mirror yet
    **{(name, "bfloat16"): "TF's bfloat16 Softmax kernel rounds unlike reference.ops.softmax (softmax of "
                           "[0, 6, -1, -2, -3] is 0.996094 in TF, 1 here): from logits, 1 - clip(p) is then 0 on one "
                           "side only, where pow(0, γ - 1) sends 0·inf = NaN through the focal factor's gradient"
       for name in ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy")},
}


@pytest.mark.parametrize("row, dtype", op_db.params(op_db.GRAD_ROWS))
@given(data=st.data())
@example(data=PINNED)
def test_gradients_match_tensorflow(row, dtype, data):
    if (row.name, dtype) in KNOWN_GRADIENT_GAPS:
        pytest.xfail(KNOWN_GRADIENT_GAPS[row.name, dtype])
    samples = row.pinned(dtype) if data is PINNED else [data.draw(row.sample(dtype), label="sample")]
    for sample in samples:
        dy = _cotangent(row, sample, data)
        g_ref = row.ref_grads(sample, dy)
        g_tf = row.tf_grads(sample, dy, tf, keras)
        inputs, ref_code, tf_code = row.repro(sample, dy)
        op, size, scale = row.grad_tolerance(sample, dy)
        for name, r, t in zip(row.grad_wrt, g_ref, g_tf):
            assert_parity(r, t, op=op, dtype=row.tolerance_dtype(sample, dtype, gradient=True), size=size, scale=scale,
                          what=f"{row.name} gradient wrt {name}", inputs=inputs, ref=ref_code, tf=tf_code)


@pytest.mark.parametrize("row", op_db.GRAD_ROWS, ids=lambda r: r.name)
@given(data=st.data())
def test_gradients_match_finite_differences_float64(row, data):
    """Both tapes' directional derivative ``Σᵢ <gradᵢ, vᵢ>`` along a random direction against a float64
    central difference (two evaluations; ``tests/test_gradcheck.py`` checks the reference element by element).
    Only the row's ``fd_sides``."""
    if not row.fd_sides:
        pytest.skip("this row computes in float32 whatever the input: no float64 finite differences")
    sample = data.draw(row.fd_strategy(), label="sample")
    y = row.run_ref(sample)
    dy = data.draw(S.cotangents("float64", y.shape), label="dy")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="direction seed"))
    xs = [sample[n] for n in row.grad_wrt]
    vs = scaled_directions(xs, [rng.uniform(-1, 1, x.shape) for x in xs])

    def run(*values):
        return row.run_ref(Sample(sample, **dict(zip(row.grad_wrt, values))))

    fd = directional_derivative(run, xs, [v / np.maximum(1.0, np.abs(x)) for x, v in zip(xs, vs)], dy)
    inputs, ref_code, tf_code = row.repro(sample, dy)
    sides = {"reference": lambda: row.ref_grads(sample, dy), "tensorflow": lambda: row.tf_grads(sample, dy, tf, keras)}
    for side, grads in ((side, sides[side]()) for side in row.fd_sides):
        along = sum(float(np.sum(g * v)) for g, v in zip(grads, vs))
        scale = max(1.0, float(np.sum(np.abs(dy * y))), sum(float(np.sum(np.abs(g * v))) for g, v in zip(grads, vs)))
        assert_parity(along, fd, op="finite_difference", dtype="float64", size=y.size, scale=scale,
                      what=f"{row.name}: directional derivative along a random direction "
                           f"({side} vs finite differences)",
                      inputs=inputs, ref=ref_code, tf=tf_code, names=(side, "finite differences"))


# --- half precision: TF's gradient registrations, operation for operation ----------------------------------------

_SATURATED = {"y_true": [[1.0, 1.0]], "y_pred": [[0.5, 0.0]]}    # y_pred 0 is clipped: its gradient must be an exact 0
HALF_PRECISION_CASES = [
    # (id, reference code, Keras code, inputs, the gradient wrt y_pred Keras 3.15.1 on TF 2.21 returns)
    *((f"{name}-saturated", f"rk.losses.{name}(y_true, y_pred)", f"keras.losses.{name}(y_true, y_pred)",
       _SATURATED, grad)
      for name, grad in (("binary_crossentropy", [[-1.0, 0.0]]), ("binary_focal_crossentropy", [[-0.5967, -15.945]]),
                         ("categorical_crossentropy", [[0.0, 2.0]]), ("categorical_focal_crossentropy", [[0.0, 0.0]]),
                         ("kl_divergence", [[-2.0, 0.0]]))),
    *((f"{cls}-class-saturated", f"rk.losses.{cls}(dtype='float16')(y_true, y_pred)",
       f"keras.losses.{cls}(dtype='float16')(y_true, y_pred)", _SATURATED, grad)
      for cls, grad in (("BinaryCrossentropy", [[-1.0, 0.0]]), ("CategoricalCrossentropy", [[0.0, 2.0]]),
                        ("KLDivergence", [[-2.0, 0.0]]))),
    # Log's gradient is dy·reciprocal(x): reciprocal(1.2e-7) is inf in float16, and dy = 0 there makes it NaN
    ("poisson-zero", "rk.losses.poisson(y_true, y_pred)", "keras.losses.poisson(y_true, y_pred)",
     {"y_true": [[0.0, 1.0]], "y_pred": [[0.0, 0.5]]}, [[np.nan, -0.5]]),
    # RsqrtGrad rounds (dy·y)·y², not y³ (which overflows float16 from y = 40)
    ("cosine_similarity-small-norm", "rk.losses.cosine_similarity(y_true, y_pred)",
     "keras.losses.cosine_similarity(y_true, y_pred)", {"y_true": [[0.0010023]], "y_pred": [[-0.010696]]}, [[0.0625]]),
    ("cosine_similarity-small-norms", "rk.losses.cosine_similarity(y_true, y_pred)",
     "keras.losses.cosine_similarity(y_true, y_pred)",
     {"y_true": [[-0.017014, -0.031464]], "y_pred": [[-0.0099258, -0.017975]]}, [[-0.3438, 0.25]]),
]


@pytest.mark.parametrize("ref, tf_code, inputs, expected",
                         [pytest.param(*case[1:], id=case[0]) for case in HALF_PRECISION_CASES])
def test_half_precision_loss_gradients_are_tfs_bit_for_bit(ref, tf_code, inputs, expected):
    """float16 gradients where a saturated or tiny input sends ``inf`` through a backward: TF selects zeros
    (``Minimum``/``Maximum``), multiplies by a reciprocal (``Log``) and rounds ``RsqrtGrad`` in its own order,
    so its NaNs, infinities and zeros sit where the reference's must."""
    row = op_db.OpInfo("half", ref, tf_code, sample=None, tol="exact", grad_wrt=("y_pred",))
    sample = Sample(inputs).astype("float16")
    dy = np.ones(row.run_ref(sample).shape, dtype=np.float16)
    g_tf = row.tf_grads(sample, dy, tf, keras)[0]
    g_ref = row.ref_grads(sample, dy)[0]
    np.testing.assert_array_equal(g_tf, np.asarray(expected, dtype=np.float16))
    np.testing.assert_array_equal(g_ref, g_tf)
