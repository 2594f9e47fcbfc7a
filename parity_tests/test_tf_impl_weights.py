"""Weights cross between ``tf_impl.MLP`` and ``reference.handbook.MLP`` both ways, and predictions then agree.

``get_weights`` lists each side's kernels and biases in the same order with
the same shapes, so ``set_weights`` of one side's list on the other is the
whole transfer: the arrays arrive bit for bit, and the two models' logits and
probabilities agree within the tolerance of one forward pass.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity_tests import strategies
from parity_tests.compare import assert_parity

tf_impl = pytest.importorskip("tf_impl", reason="tf_impl needs TensorFlow")
from reference import initializers  # noqa: E402
from reference import handbook  # noqa: E402
from tf_impl.loss_semantics import mlp_logits  # noqa: E402

pytestmark = pytest.mark.tf

NUM_PIXELS = 28 * 28  # the longest inner dimension of the forward pass
SHAPES = [(784, 100), (100,), (100, 10), (10,)]


def built_pair(dtype, seed=0):
    """A ``tf_impl.MLP`` and a ``reference.handbook.MLP`` in ``dtype``, both built, each with its own initial
    weights."""
    with tf_impl.use_floatx(dtype):
        tf_impl.tf.keras.utils.set_random_seed(seed)
        initializers.set_random_seed(seed)
        tf_model, ref_model = tf_impl.MLP(), handbook.MLP()
        X0 = np.zeros((1, 28, 28, 1), dtype=dtype)
        tf_model(X0), ref_model(X0)
    return tf_model, ref_model


@pytest.fixture(scope="module", params=strategies.DTYPES)
def pair(request):
    return request.param, *built_pair(request.param)


def assert_same_predictions(ref_model, tf_model, images, dtype):
    """Logits and probabilities of both models on ``images`` agree within one forward pass's tolerance."""
    ref_logits, tf_logits = mlp_logits(ref_model, images), mlp_logits(tf_model, images).numpy()
    scale = max(1.0, float(np.max(np.abs(tf_logits))))
    assert_parity(ref_logits, tf_logits, op="training_step", dtype=dtype, size=NUM_PIXELS, scale=scale,
                  what="MLP logits after the weight transfer")
    assert_parity(ref_model(images), tf_model(images).numpy(), op="training_step", dtype=dtype, size=NUM_PIXELS,
                  what="MLP probabilities after the weight transfer")


def test_both_sides_list_the_same_weights(pair):
    dtype, tf_model, ref_model = pair
    assert [w.shape for w in tf_model.get_weights()] == SHAPES
    assert [w.shape for w in ref_model.get_weights()] == SHAPES
    assert all(w.dtype == dtype for w in tf_model.get_weights() + ref_model.get_weights())
    assert tf_model.count_params() == ref_model.count_params() == 79_510


@given(data=st.data())
def test_tf_weights_in_the_reference(pair, data):
    dtype, tf_model, ref_model = pair
    case = data.draw(strategies.training_cases(dtype), label="case")
    tf_model.set_weights(case.initial_weights())
    ref_model.set_weights(tf_model.get_weights())
    for ref_w, tf_w in zip(ref_model.get_weights(), tf_model.get_weights()):
        assert_parity(ref_w, tf_w, op="exact", dtype=dtype, what="weights copied from TF")
    assert_same_predictions(ref_model, tf_model, case.batch()[0], dtype)


@given(data=st.data())
def test_reference_weights_in_tf(pair, data):
    dtype, tf_model, ref_model = pair
    case = data.draw(strategies.training_cases(dtype), label="case")
    ref_model.set_weights(case.initial_weights())
    tf_model.set_weights(ref_model.get_weights())
    for tf_w, ref_w in zip(tf_model.get_weights(), ref_model.get_weights()):
        assert_parity(tf_w, ref_w, op="exact", dtype=dtype, what="weights copied from the reference")
    assert_same_predictions(ref_model, tf_model, case.batch()[0], dtype)


@pytest.mark.parametrize("dtype", strategies.DTYPES)
def test_initial_weights_cross_both_ways_bit_exact(dtype):
    """Each side's own initial weights survive the trip to the other side and back, bit for bit."""
    tf_a, ref_a = built_pair(dtype, seed=1)
    tf_b, ref_b = built_pair(dtype, seed=2)
    for source, target, whose in ((tf_a, ref_a, "TF's"), (ref_b, tf_b, "the reference's")):
        original = source.get_weights()
        target.set_weights(original)
        source.set_weights([np.zeros_like(w) for w in original])
        source.set_weights(target.get_weights())
        for back, w in zip(source.get_weights(), original):
            assert_parity(back, w, op="exact", dtype=dtype, what=f"{whose} initial weights after a round trip")


def test_transfer_between_dtypes_rounds_once():
    """float64 weights set on a float32 model arrive rounded to float32, on both sides alike."""
    tf32, ref32 = built_pair("float32")
    _, ref64 = built_pair("float64", seed=1)
    tf32.set_weights(ref64.get_weights())
    ref32.set_weights(ref64.get_weights())
    for tf_w, ref_w, w64 in zip(tf32.get_weights(), ref32.get_weights(), ref64.get_weights()):
        assert_parity(tf_w, w64.astype(np.float32), op="exact", dtype="float32", what="float64 -> float32 in TF")
        assert_parity(ref_w, w64.astype(np.float32), op="exact", dtype="float32",
                      what="float64 -> float32 in the reference")


def test_mismatched_weights_are_refused_by_both(pair):
    dtype, tf_model, ref_model = pair
    wrong = [w.T for w in tf_model.get_weights()]
    with pytest.raises(ValueError):
        tf_model.set_weights(wrong)
    with pytest.raises(ValueError, match="shape"):
        ref_model.set_weights(wrong)
