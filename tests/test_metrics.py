"""Metrics: accumulation, label shapes, ties, weights, reset."""

import numpy as np
import pytest

from reference import metrics


def test_sparse_categorical_accuracy_keras_docstring_example():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert m.result() == 0.5
    m.reset_state()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)


def test_labels_n_and_n_by_1_agree():
    p = np.random.default_rng(0).random((20, 5))
    y = np.random.default_rng(1).integers(0, 5, 20)
    a, b = metrics.SparseCategoricalAccuracy(), metrics.SparseCategoricalAccuracy()
    a.update_state(y, p)
    b.update_state(y[:, None], p)
    assert a.result() == b.result()


def test_argmax_ties_go_to_the_first_index():
    assert metrics.sparse_categorical_accuracy([0, 1], [[0.5, 0.5], [0.5, 0.5]]).tolist() == [1.0, 0.0]


def test_result_is_independent_of_batching():
    p = np.random.default_rng(0).random((101, 10)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, 101)
    whole, parts = metrics.SparseCategoricalAccuracy(), metrics.SparseCategoricalAccuracy()
    whole.update_state(y, p)
    for i in range(0, 101, 17):
        parts.update_state(y[i:i + 17], p[i:i + 17])
    assert whole.result() == parts.result()
    assert whole.total.dtype == np.float32 and whole.count == 101


def test_empty_metric_is_zero_and_reset_clears():
    m = metrics.CategoricalAccuracy()
    assert m.result() == 0
    m.update_state(np.eye(3), np.eye(3))
    assert m.result() == 1
    m.reset_state()
    assert m.result() == 0 and m.count == 0


def test_accuracy_exact_match():
    assert metrics.Accuracy()([[1], [2], [3]], [[1], [2], [4]]) == pytest.approx(2 / 3)


def test_mean_weighted():
    m = metrics.Mean()
    m.update_state([1.0, 3.0], sample_weight=[1.0, 3.0])
    assert m.result() == 2.5


@pytest.mark.parametrize("call, message", [
    (lambda: metrics.sparse_categorical_accuracy([0, 1, 2], np.ones((2, 3))), r"y_true.shape=\(3,\)"),
    (lambda: metrics.categorical_accuracy(np.eye(3), np.eye(4)), r"incompatible shapes: y_true.shape=\(3, 3\)"),
    (lambda: metrics.Mean().update_state(np.ones(3), sample_weight=np.ones(2)), "sample_weight"),
    (lambda: metrics.get("f1_of_doom"), "Unknown metric"),
])
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()
