"""Activations on every input dtype Keras meets (``strategies.ACTIVATION_DTYPES``): integers, bool, half precision.

Keras on TF raises on most activations of an integer or bool input (each TF kernel registers its dtypes), computes
``relu``, ``relu6``, the shrinks and ``threshold`` in integers, and casts to float for ``leaky_relu``, ``tanh`` and
``exponential``. The property: the reference raises (a ``TypeError`` or ``ValueError`` naming the argument) exactly
where Keras raises; where both compute, the dtypes are equal, integer results equal, float results within the row's
tolerance. The pinned tests below are the cases the property was written for.
"""

import re

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

ROWS = [row for row in op_db.ROWS if row.name.startswith("activations.")]
ARGUMENT = re.compile(r"`(x|axis|threshold|negative_slope|default_value)`")


def check_like_keras(row, sample):
    try:
        want = row.run_tf(sample, tf, keras)
    except Exception:  # TF raises InvalidArgumentError, NotFoundError, TypeError, ValueError...
        with pytest.raises((TypeError, ValueError)) as error:
            row.run_ref(sample)
        assert ARGUMENT.search(str(error.value)), f"the message names no argument: {error.value}"
        return
    got = row.run_ref(sample)
    assert got.dtype == want.dtype, f"{row.name}: reference returns {got.dtype}, Keras {want.dtype} for {sample!r}"
    if not rk.config.is_float_dtype(got.dtype):
        np.testing.assert_array_equal(got, want, err_msg=f"{row.name} on {sample!r}")
        return
    op, size, scale = row.forward_tolerance(sample)
    assert_parity(got, want, op=op, dtype=got.dtype, size=size, scale=scale, what=f"{row.name} forward",
                  inputs=dict(sample), ref=row.ref, tf=row.tf)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
@given(data=st.data())
def test_reference_raises_where_keras_raises_and_computes_the_same_elsewhere(row, data):
    check_like_keras(row, data.draw(S.any_dtype(row.sample("float32")), label="sample"))


# --- the pinned cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "softmax", "elu", "gelu", "softplus", "hard_sigmoid", "sparse_plus"])
def test_a_float_only_activation_raises_on_int32_as_keras(name):
    x = np.int32([1, -2])
    with pytest.raises(Exception):  # TF's InvalidArgumentError, TypeError or ValueError
        getattr(keras.activations, name)(tf.constant(x))
    with pytest.raises((TypeError, ValueError), match=r"`x`.*int32|int32.*`x`"):
        getattr(rk.activations, name)(x)


@pytest.mark.parametrize("kwargs", [{}, {"max_value": 6.0}, {"max_value": 4.0}, {"threshold": 1.0}])
def test_relu_computes_in_int32_as_keras(kwargs):
    x = np.int32([-2, 0, 1, 5, 7])
    want = keras.activations.relu(tf.constant(x), **kwargs).numpy()
    got = rk.activations.relu(x, **kwargs)
    assert got.dtype == want.dtype == np.int32
    np.testing.assert_array_equal(got, want)


def test_relu6_and_leaky_relu_on_integers_as_keras():
    x = np.int8([-3, 0, 4, 9])
    assert rk.activations.relu6(x).dtype == keras.activations.relu6(tf.constant(x)).dtype == np.int8
    want = keras.activations.leaky_relu(tf.constant(x)).numpy()
    got = rk.activations.leaky_relu(x)
    assert got.dtype == want.dtype == np.float32
    np.testing.assert_array_equal(got, want)


def test_relu_threshold_and_max_value_pass_through_float32_in_float64():
    """Keras's ``ops.cast(threshold, float64)`` rounds 0.2 to float32 first: ``float32(0.2) > 0.2``, so 0.2 is cut."""
    x = np.array([0.2, float(np.float32(0.2)), 1.3])
    for kwargs in ({"threshold": 0.2}, {"max_value": 0.2}):
        want = keras.activations.relu(tf.constant(x), **kwargs).numpy()
        np.testing.assert_array_equal(rk.activations.relu(x, **kwargs), want)
    assert keras.activations.relu(tf.constant(x[:1]), threshold=0.2).numpy()[0] == 0.0


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "sparsemax", "glu"])
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_an_axis_of_a_0d_input_raises_as_keras(name, axis):
    x = np.float32(0.7)
    with pytest.raises(Exception):
        getattr(keras.activations, name)(tf.constant(x), axis=axis)
    with pytest.raises(ValueError, match="axis"):
        getattr(rk.activations, name)(np.asarray(x), axis=axis)


@pytest.mark.parametrize("name, want", [("softmax", 1.0), ("log_softmax", 0.0)])
def test_softmax_over_all_axes_of_a_0d_input_as_keras(name, want):
    x = np.float32(0.7)
    assert getattr(keras.activations, name)(tf.constant(x), axis=None).numpy() == want
    got = getattr(rk.activations, name)(np.asarray(x), axis=None)
    assert got.shape == () and got.dtype == np.float32 and got == want


def test_soft_shrink_of_an_integer_ndarray_computes_in_keras_and_raises_in_the_reference():
    """Keras's TF ``soft_shrink`` does not convert ``x``: on an int32 *ndarray*, NumPy computes ``x - 0.5`` in
    float64 and ``tf.where`` truncates it back into the int32 branch (-2 gives -1); on an int32 tensor TF raises.
    The reference's arrays are the tensors, and it raises on both."""
    x = np.int32([-2, 0, 1, 7])
    np.testing.assert_array_equal(keras.activations.soft_shrink(x).numpy(), [-1, 0, 0, 6])
    with pytest.raises(TypeError):
        keras.activations.soft_shrink(tf.constant(x))
    with pytest.raises(TypeError, match="threshold"):
        rk.activations.soft_shrink(x)
