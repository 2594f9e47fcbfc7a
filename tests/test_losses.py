"""Losses: Keras's documented values, its clipping and normalisation, reductions, errors.

Expected numbers come from Keras's own docstrings and from the closed forms.
"""

import numpy as np
import pytest

import reference as rk
from reference import losses


def test_sparse_keras_docstring_example():
    loss = losses.sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert loss.shape == (2,) and loss.dtype == np.float32
    np.testing.assert_array_equal(np.round(loss, 4), np.float32([0.0513, 2.3026]))


def test_categorical_keras_docstring_example():
    a = np.eye(3, dtype=np.float32)
    b = np.float32([[.9, .05, .05], [.05, .89, .06], [.05, .01, .94]])
    np.testing.assert_array_equal(np.round(losses.categorical_crossentropy(a, b), 5),
                                  np.float32([0.10536, 0.11653, 0.06188]))
    np.testing.assert_array_equal(np.round(losses.categorical_crossentropy(a, a), 5), np.zeros(3, np.float32))


def test_clipping_caps_a_confident_mistake_at_minus_log_epsilon():
    """tf.nn.softmax([100, 0, 0]) with label 1: eager Keras clips p=e^-100 up to 1e-7."""
    p = rk.ops.softmax(np.float32([[100.0, 0.0, 0.0]]))
    assert losses.sparse_categorical_crossentropy([1], p)[0] == np.float32(16.118095)


def test_keras_softmax_and_sigmoid_carry_their_logits_eagerly():
    """keras.activations.softmax/sigmoid tag their output (`_keras_logits`): the loss takes the logits, no clip."""
    z = np.float32([[100.0, 0.0, 0.0]])
    assert losses.sparse_categorical_crossentropy([1], rk.activations.softmax(z))[0] == np.float32(100.0)
    dense = rk.layers.Dense(3, activation="softmax", kernel_initializer="zeros", bias_initializer=lambda s, d: z[0])
    assert losses.sparse_categorical_crossentropy([1], dense(np.zeros((1, 2))))[0] == np.float32(100.0)
    p = rk.activations.sigmoid(np.float32([[-100.0]]))
    assert losses.binary_crossentropy(np.float32([[1.0]]), p)[0] == np.float32(100.0)
    assert losses.binary_crossentropy(np.float32([[1.0]]), rk.ops.sigmoid(np.float32([[-100.0]])))[0] < 17
    assert losses.sparse_categorical_crossentropy([1], rk.activations.softmax(z).reshape(1, 3))[0] < 17  # a new array


def test_from_logits_gives_the_graph_mode_value():
    """Under tf.function Keras uses the logits instead: 100 exactly."""
    loss = losses.sparse_categorical_crossentropy([1], np.float32([[100.0, 0.0, 0.0]]), from_logits=True)
    assert loss[0] == np.float32(100.0)


def test_sparse_renormalises_rows_that_do_not_sum_to_one():
    p = np.float32([[0.2, 0.2]])  # sums to 0.4: Keras's log-softmax of log(p) renormalises
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([0], p), [np.log(2)], rtol=1e-6)


def test_categorical_normalises_then_clips():
    y = np.float32([[0, 1]])
    p = np.float32([[2.0, 0.0]])  # normalised to [1, 0], then 0 clipped to 1e-7
    assert losses.categorical_crossentropy(y, p)[0] == np.float32(-np.log(np.float32(1e-7)))


def test_sparse_and_one_hot_agree():
    p = rk.ops.softmax(np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32))
    y = np.array([0, 3, 1, 2, 2, 0])
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(y, p),
                               losses.categorical_crossentropy(np.eye(4, dtype=np.float32)[y], p), rtol=1e-6)


def test_label_smoothing():
    y = np.float32([[0, 1]])
    logits = np.float32([[0.0, 0.0]])
    smoothed = losses.categorical_crossentropy(y, logits, from_logits=True, label_smoothing=0.2)
    assert smoothed[0] == pytest.approx(np.log(2))


def test_labels_shaped_n_by_1_are_squeezed():
    p = np.float32([[0.3, 0.7], [0.6, 0.4]])
    np.testing.assert_array_equal(losses.sparse_categorical_crossentropy([[1], [0]], p),
                                  losses.sparse_categorical_crossentropy([1, 0], p))


def test_higher_rank_inputs():
    logits = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    y = np.array([[0, 1, 2], [3, 2, 1]])
    loss = losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
    assert loss.shape == (2, 3)


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", (1 * 2 + 3 * 0) / 2), ("mean", 1.0), ("sum", 2.0),
    ("mean_with_sample_weight", 2.0 / 2), (None, [2.0, 0.0]), ("none", [2.0, 0.0]),
])
def test_reductions(reduction, expected):
    values = np.float32([1.0, 3.0])
    np.testing.assert_array_equal(losses.reduce_weighted_values(values, np.float32([2, 0]), reduction), expected)


@pytest.mark.parametrize("weights", [2.0, [2.0, 2.0], [[2.0], [2.0]]])
def test_sample_weight_shapes(weights):
    p = np.float32([[0.3, 0.7], [0.6, 0.4]])
    plain = losses.SparseCategoricalCrossentropy()([1, 0], p)
    assert losses.SparseCategoricalCrossentropy()([1, 0], p, sample_weight=weights) == pytest.approx(2 * plain)


def test_class_works_inside_the_tape():
    logits = np.float32([[1.0, 2.0, 3.0]])
    with rk.GradientTape() as tape:
        tape.watch(logits)
        loss = losses.SparseCategoricalCrossentropy(from_logits=True)([2], logits)
    grad = tape.gradient(loss, logits)
    p = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(grad, p - [[0, 0, 1]], rtol=1e-6)


def test_get_and_config_roundtrip():
    loss = losses.get("SparseCategoricalCrossentropy")
    clone = type(loss).from_config(loss.get_config())
    assert clone.get_config() == loss.get_config()
    assert losses.get("categorical_crossentropy") is losses.categorical_crossentropy


@pytest.mark.parametrize("call, message", [
    (lambda: losses.sparse_categorical_crossentropy([0, 10], np.full((2, 10), 0.1)),
     r"outside the valid range \[0, 10\)"),
    (lambda: losses.sparse_categorical_crossentropy([0, -1], np.full((2, 10), 0.1)), "outside the valid range"),
    (lambda: losses.sparse_categorical_crossentropy([0, 1, 2], np.full((2, 10), 0.1)), r"y_true.shape=\(3,\)"),
    (lambda: losses.sparse_categorical_crossentropy([0.5, 1], np.full((2, 10), 0.1)), "integer class ids"),
    (lambda: losses.categorical_crossentropy(np.eye(3), np.eye(4)), "same shape"),
    (lambda: losses.categorical_crossentropy(np.eye(3), np.eye(3), label_smoothing=2), "label_smoothing"),
    (lambda: losses.SparseCategoricalCrossentropy(reduction="avg"), "Invalid value for argument `reduction`"),
    (lambda: losses.get("hinge_of_doom"), "Unknown loss"),
    (lambda: losses.reduce_weighted_values(np.ones(3, np.float32), np.ones(2)), "sample_weight"),
])
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
