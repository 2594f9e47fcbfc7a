"""Dense, Flatten, Model and Sequential: shapes, weights, persistence, errors."""

import numpy as np
import pytest

import reference as rk
from reference import GradientTape, layers, ops
from reference.handbook import MLP


@pytest.fixture
def mlp():
    model = MLP()
    model(np.zeros((1, 28, 28, 1), dtype=np.float32))
    return model


def test_dense_builds_kernel_in_out_and_bias_out_on_first_call():
    layer = layers.Dense(5)
    assert not layer.built
    y = layer(np.ones((3, 7), dtype=np.float32))
    assert layer.built and y.shape == (3, 5)
    assert layer.kernel.shape == (7, 5) and layer.bias.shape == (5,)
    assert layer.kernel.dtype == np.float32 and np.all(layer.bias == 0)


def test_dense_glorot_uniform_limits():
    layer = layers.Dense(300)
    layer(np.ones((1, 500), dtype=np.float32))
    limit = np.sqrt(6 / (500 + 300))
    assert np.abs(layer.kernel).max() <= limit and np.abs(layer.kernel).max() > 0.9 * limit


@pytest.mark.parametrize("activation, expected", [
    ("relu", [[0.0, 2.0]]), ("linear", [[-1.0, 2.0]]), (None, [[-1.0, 2.0]]), (rk.activations.relu, [[0.0, 2.0]]),
])
def test_dense_activation_by_name_or_function(activation, expected):
    layer = layers.Dense(2, activation=activation, kernel_initializer="zeros", bias_initializer="zeros")
    layer(np.zeros((1, 2), dtype=np.float32))
    layer.kernel[...] = [[1, 0], [0, 1]]
    layer.bias[...] = [-1, 2]
    np.testing.assert_array_equal(layer(np.zeros((1, 2), dtype=np.float32)), expected)


def test_dense_softmax_by_name_rows_sum_to_one():
    out = layers.Dense(4, activation="softmax")(np.random.default_rng(0).normal(size=(3, 5)))
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-6)


def test_dense_on_rank_3_applies_along_last_axis():
    layer = layers.Dense(4)
    x = np.random.default_rng(0).normal(size=(2, 3, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(x), x @ layer.kernel + layer.bias, rtol=1e-6)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_dense_rejects_bad_units(bad):
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        layers.Dense(bad)


def test_unknown_activation_lists_the_choices():
    with pytest.raises(ValueError, match=r"Unknown activation 'swishy'.*relu"):
        layers.Dense(3, activation="swishy")


def test_dense_input_feature_mismatch_names_both_shapes():
    layer = layers.Dense(3)
    layer(np.ones((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"5 features.*\(2, 5\).*expects 4.*\(4, 3\)"):
        layer(np.ones((2, 5), dtype=np.float32))


def test_flatten():
    assert layers.Flatten()(np.zeros((4, 28, 28, 1))).shape == (4, 784)


def test_seed_mlp_parameter_count_and_variable_order(mlp):
    assert mlp.count_params() == 79_510
    assert [v.shape for v in mlp.variables] == [(784, 100), (100,), (100, 10), (10,)]
    assert [n.split("/")[1] for n in mlp.weight_names] == ["kernel", "bias", "kernel", "bias"]
    assert mlp.trainable_variables == mlp.variables


def test_weights_are_views_of_one_buffer_in_variables_order(mlp):
    buffer = mlp.variables[0].base
    assert buffer is not None and buffer.ndim == 1 and buffer.size == mlp.count_params()
    offset = 0
    for v in mlp.variables:
        assert v.base is buffer and v.flags.c_contiguous
        np.testing.assert_array_equal(v.ravel(), buffer[offset: offset + v.size])
        offset += v.size
    assert mlp.dense1.kernel is mlp.variables[0] and mlp.dense2.bias is mlp.variables[3]
    with GradientTape() as tape:
        loss = ops.reduce_mean(mlp(np.ones((2, 28, 28, 1), dtype=np.float32)))
    assert all(g is not None for g in tape.gradient(loss, mlp.variables)), "the views are watched as trainable"


def test_weights_of_a_layer_built_before_stay_where_they_are():
    dense = layers.Dense(3)
    dense(np.ones((1, 4), dtype=np.float32))
    kernel = dense.kernel
    model = rk.Sequential([dense, layers.Dense(2)])
    model.build((None, 4))
    assert dense.kernel is kernel and model.variables[0] is kernel


def test_a_nested_model_shares_the_outer_buffer():
    inner = rk.Sequential([layers.Dense(4), layers.Dense(3)])
    outer = rk.Sequential([layers.Flatten(), inner, layers.Dense(2)])
    outer(np.ones((5, 2, 3), dtype=np.float32))
    assert len(outer.variables) == 6 and all(v.base is outer.variables[0].base for v in outer.variables)
    assert all(a is b for a, b in zip(inner.variables, outer.variables[:4]))


def test_outputs_are_probabilities(mlp):
    out = mlp(np.random.default_rng(0).random((5, 28, 28, 1), dtype=np.float32))
    assert out.shape == (5, 10) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)


def test_count_params_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="no weights yet"):
        MLP().count_params()


def test_get_set_weights_roundtrip_in_place(mlp):
    ids = [id(v) for v in mlp.variables]
    new = [np.full_like(w, i) for i, w in enumerate(mlp.get_weights())]
    mlp.set_weights(new)
    assert [id(v) for v in mlp.variables] == ids, "set_weights must assign in place (the tape tracks identity)"
    for w, n in zip(mlp.get_weights(), new):
        np.testing.assert_array_equal(w, n)


def test_set_weights_mismatch_names_the_weight(mlp):
    weights = mlp.get_weights()
    with pytest.raises(ValueError, match="has 3 arrays, but the layer has 4"):
        mlp.set_weights(weights[:3])
    weights[2] = np.zeros((10, 100))
    with pytest.raises(ValueError, match=r"kernel has shape \(100, 10\).*\(10, 100\)"):
        mlp.set_weights(weights)


def test_every_layer_has_get_and_set_weights():
    """As every Keras layer: ``Dense(...).set_weights`` assigns in place; wrong counts and shapes are ValueErrors."""
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="has 2 arrays, but the layer has 0: none yet"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(2)])          # unbuilt: no weights yet, as in Keras
    layer(np.ones((1, 3), dtype=np.float32))
    kernel = layer.kernel
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    assert layer.kernel is kernel
    np.testing.assert_array_equal(layer.get_weights()[1], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"kernel has shape \(3, 2\).*\(2, 3\)"):
        layer.set_weights([np.ones((2, 3)), np.zeros(2)])
    assert layers.Flatten().get_weights() == []


def test_save_and_load_weights(tmp_path, mlp):
    path = tmp_path / "mlp.npz"
    mlp.save_weights(path)
    other = MLP()
    other.build((None, 28, 28, 1))
    other.load_weights(path)
    for a, b in zip(mlp.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [p.name for p in tmp_path.iterdir()] == ["mlp.npz"], "no temporary file may be left behind"


def test_load_weights_from_a_different_model_is_a_clear_error(tmp_path, mlp):
    small = rk.Sequential([layers.Flatten(), layers.Dense(7)])
    small.build((None, 28, 28, 1))
    small.save_weights(tmp_path / "small.npz")
    with pytest.raises(ValueError, match="does not fit"):
        mlp.load_weights(tmp_path / "small.npz")


@pytest.mark.parametrize("content", ["truncated", "pickle", "npy", "text"])
def test_load_weights_from_a_file_that_is_no_weights_archive_names_it(tmp_path, mlp, content):
    """Whatever the file holds, the error names it and what was expected, and never suggests unpickling."""
    path = tmp_path / f"{content}.npz"
    if content == "truncated":
        mlp.save_weights(path)
        path.write_bytes(path.read_bytes()[:200])
    elif content == "pickle":
        np.save(path.with_suffix(".npy"), np.array([{"a": 1}], dtype=object), allow_pickle=True)
        path.with_suffix(".npy").rename(path)
    elif content == "npy":
        np.save(path.with_suffix(".npy"), np.zeros(3))
        path.with_suffix(".npy").rename(path)
    else:
        path.write_text("not weights")
    with pytest.raises(ValueError) as error:
        mlp.load_weights(path)
    message = str(error.value)
    assert str(path) in message and "is not a weights archive" in message and "save_weights" in message
    assert "pickle" not in message.replace(str(path), "").lower(), message


def test_save_weights_requires_npz(tmp_path, mlp):
    with pytest.raises(ValueError, match="must end in .npz"):
        mlp.save_weights(tmp_path / "weights.h5")


def test_summary_lists_layers_and_total(mlp):
    lines = []
    mlp.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 79,510" in text and "78,500" in text and "1,010" in text


def test_predict_batches_and_matches_call(mlp):
    x = np.random.default_rng(0).random((70, 28, 28, 1), dtype=np.float32)
    by_hand = np.concatenate([mlp(x[:32]), mlp(x[32:64]), mlp(x[64:])])
    np.testing.assert_array_equal(mlp.predict(x, batch_size=32), by_hand)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        mlp.predict(x, batch_size=0)


def test_sequential_matches_subclassed_model(mlp):
    seq = rk.Sequential([layers.Flatten(), layers.Dense(100, activation="relu"), layers.Dense(10, "softmax")])
    seq.build((None, 28, 28, 1))
    seq.set_weights(mlp.get_weights())
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    np.testing.assert_array_equal(seq(x), mlp(x))


def test_float64_pipeline():
    rk.set_floatx("float64")
    model = MLP()
    out = model(np.zeros((2, 28, 28, 1)))
    assert out.dtype == np.float64 and all(v.dtype == np.float64 for v in model.variables)
