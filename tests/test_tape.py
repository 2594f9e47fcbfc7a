"""GradientTape: what it records, what it refuses, and TF's conventions."""

import numpy as np
import pytest

import reference as rk
from reference import ops


def test_gradient_of_a_simple_chain():
    x = np.array([1.0, -2.0, 3.0])
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = ops.reduce_sum(ops.square(x))
    np.testing.assert_array_equal(tape.gradient(y, x), 2 * x)


def test_trainable_weights_are_watched_automatically():
    layer = rk.layers.Dense(2)
    x = np.ones((3, 4), dtype=np.float32)
    with rk.GradientTape() as tape:
        y = ops.reduce_sum(layer(x))
    dk, db = tape.gradient(y, [layer.kernel, layer.bias])
    np.testing.assert_array_equal(dk, np.full((4, 2), 3.0))
    np.testing.assert_array_equal(db, np.full((2,), 3.0))


def test_unwatched_array_gets_none_like_tf():
    layer = rk.layers.Dense(2)
    x = np.ones((3, 4), dtype=np.float32)
    with rk.GradientTape() as tape:
        y = ops.reduce_sum(layer(x))
    dx, dk = tape.gradient(y, [x, layer.kernel])
    assert dx is None and dk is not None


def test_unconnected_gradients_zero():
    a, b = np.ones(2), np.ones(3)
    with rk.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.reduce_sum(a)
    ga, gb = tape.gradient(y, [a, b], unconnected_gradients="zero")
    np.testing.assert_array_equal(gb, np.zeros(3))


def test_numpy_mean_is_invisible_and_says_so():
    x = np.ones(3)
    with rk.GradientTape() as tape:
        tape.watch(x)
        loss = np.mean(ops.square(x))  # plain NumPy: the tape cannot see it
    with pytest.raises(ValueError, match="not recorded by this GradientTape.*reduce_mean"):
        tape.gradient(loss, x)


def test_loss_computed_outside_the_tape_is_an_error():
    x = np.ones(3)
    with rk.GradientTape() as tape:
        tape.watch(x)
    loss = ops.reduce_sum(x)
    with pytest.raises(ValueError, match="not recorded"):
        tape.gradient(loss, x)


@pytest.mark.parametrize("unconnected, expected", [("none", [None, None]), ("zero", [np.zeros(2), np.zeros((1, 3))])])
def test_a_target_independent_of_every_source_gets_tf_s_none_or_zeros(unconnected, expected):
    a, b, c = np.ones(2), np.ones(2), np.ones((1, 3))
    with rk.GradientTape() as tape:
        tape.watch([a, b, c])
        y = ops.reduce_sum(a)
    grads = tape.gradient(y, [b, c], unconnected_gradients=unconnected)
    assert len(grads) == 2
    for g, e in zip(grads, expected):
        assert g is None if e is None else (np.array_equal(g, e) and g.shape == e.shape)


def test_a_single_unconnected_source_gets_a_single_answer():
    a, b = np.ones(2), np.ones(3)
    with rk.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = ops.reduce_sum(a)
    assert tape.gradient(y, b) is None
    np.testing.assert_array_equal(tape.gradient(y, b, unconnected_gradients="zero"), np.zeros(3))


def test_nested_sources_come_back_in_their_structure():
    a, b = np.array([1.0, 2.0]), np.ones((1, 1))
    with rk.GradientTape(persistent=True) as tape:
        tape.watch({"a": a, "b": [b]})
        y = ops.reduce_sum(ops.multiply(a, 2.0))
    grads = tape.gradient(y, {"b": [b, (a,)], "a": a})
    assert list(grads) == ["b", "a"] and isinstance(grads["b"], list) and isinstance(grads["b"][1], tuple)
    assert grads["b"][0] is None
    np.testing.assert_array_equal(grads["b"][1][0], [2.0, 2.0])
    np.testing.assert_array_equal(grads["a"], [2.0, 2.0])
    da, db = tape.gradient(y, (a, b), unconnected_gradients="zero")
    np.testing.assert_array_equal(db, np.zeros((1, 1)))
    assert tape.gradient(y, []) == []


def test_non_persistent_tape_refuses_a_second_call_and_persistent_allows_it():
    x = np.ones(2)
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = ops.reduce_sum(x)
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)
    with rk.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ops.reduce_sum(ops.square(x))
    np.testing.assert_array_equal(tape.gradient(y, x), tape.gradient(y, x))


def test_gradients_accumulate_over_reuse():
    x = np.array([2.0])
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = ops.reduce_sum(ops.multiply(x, x))  # x used twice: dy/dx = 2x
    np.testing.assert_array_equal(tape.gradient(y, x), [4.0])


def test_gradient_with_respect_to_an_intermediate():
    x = np.array([[1.0, 2.0, 3.0]])
    with rk.GradientTape() as tape:
        tape.watch(x)
        logits = ops.multiply(x, 2.0)
        loss = ops.reduce_sum(rk.losses.sparse_categorical_crossentropy([0], logits, from_logits=True))
    d_logits = tape.gradient(loss, logits)
    p = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(d_logits, p - [[1, 0, 0]], rtol=1e-12)


def test_relu_gradient_at_zero_is_zero_like_tf():
    x = np.array([-1.0, 0.0, 1.0])
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = ops.reduce_sum(ops.relu(x))
    np.testing.assert_array_equal(tape.gradient(y, x), [0.0, 0.0, 1.0])


def test_stop_recording_and_predict_record_nothing():
    model = rk.Sequential([rk.layers.Dense(3)])
    x = np.ones((2, 4), dtype=np.float32)
    with rk.GradientTape() as tape:
        model.predict(x)
    assert tape._records == []


def test_watch_rejects_non_arrays():
    with rk.GradientTape() as tape, pytest.raises(TypeError, match="NumPy arrays"):
        tape.watch([1.0, 2.0])
