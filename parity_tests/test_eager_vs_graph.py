"""The handbook's loss is one thing eagerly and another under ``tf.function``; the reference reproduces each.

Eagerly, Keras's sparse cross-entropy clips the softmax probabilities to
``[ε, 1 - ε]`` before the log. In a graph, ``_get_logits`` spots the
``Softmax`` op behind them and computes the loss from its input logits. So
``softmax([100, 0, 0])`` with label 1 costs 16.118095 eagerly and 100.0 in a
graph, and its gradient is 0 eagerly (every probability is clipped) but
``softmax(z) - onehot(y)`` in a graph.

The reference computes the eager loss by default (from probabilities), and the
graph loss inside ``reference.logits.remember_logits()`` or, explicitly, from the
logits with ``from_logits=True`` (``tf_impl.loss_semantics``). Here: the split
in TF itself, then each reference route against the TF mode it mirrors, on
single softmax outputs and on the handbook's MLP, values and gradients.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity_tests import strategies
from parity_tests.compare import assert_parity
import reference as rk
from reference import GradientTape, config, logits, losses, ops

tf_impl = pytest.importorskip("tf_impl", reason="tf_impl needs TensorFlow")
from reference import handbook  # noqa: E402
from tf_impl.loss_semantics import mlp_logits  # noqa: E402

tf = tf_impl.tf
pytestmark = pytest.mark.tf

NUM_PIXELS = 28 * 28


# --- TensorFlow: the handbook's loss and its gradient, eagerly and in a graph -------------------


def tf_softmax_loss(z, labels):
    """Per-sample handbook loss of logits ``z`` and its gradient with respect to ``z`` (TF)."""
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.keras.losses.sparse_categorical_crossentropy(y_true=labels, y_pred=tf.nn.softmax(z))
    return loss, tape.gradient(loss, z)


_graphs = {}


def tf_softmax_loss_graph(z, labels):
    """``tf_softmax_loss`` under ``tf.function``: one graph per rank and dtypes, any sizes."""
    key = (z.shape.rank, z.dtype, labels.shape.rank, labels.dtype)
    if key not in _graphs:
        signature = [tf.TensorSpec([None] * z.shape.rank, z.dtype),
                     tf.TensorSpec([None] * labels.shape.rank, labels.dtype)]
        _graphs[key] = tf.function(tf_softmax_loss, input_signature=signature)
    return _graphs[key](z, labels)


def tf_mlp_loss(model, X, y):
    """The handbook's mean loss of ``model`` on a batch and its gradients (TF)."""
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y_true=y, y_pred=model(X)))
    return loss, tape.gradient(loss, model.variables)


def tf_run(mode, z, labels):
    """``tf_softmax_loss`` eagerly or in a graph, as NumPy arrays."""
    fn = tf_softmax_loss if mode == "eager" else tf_softmax_loss_graph
    return tf.nest.map_structure(lambda t: t.numpy(), fn(tf.constant(z), tf.constant(labels)))


# --- the reference's two semantics ----------------------------------------------------------


def ref_softmax_loss(z, labels, route):
    """Per-sample reference loss of ``softmax(z)`` and its gradient, by ``route``.

    ``route``: ``"probabilities"`` (eager TF), ``"remember_logits"`` or ``"from_logits"`` (graph TF).
    """
    with GradientTape() as tape:
        tape.watch(z)
        if route == "from_logits":
            loss = losses.sparse_categorical_crossentropy(labels, z, from_logits=True)
        elif route == "remember_logits":
            with logits.remember_logits():
                loss = losses.sparse_categorical_crossentropy(labels, ops.softmax(z))
        else:
            loss = losses.sparse_categorical_crossentropy(labels, ops.softmax(z))
    return loss, tape.gradient(loss, z)


ROUTES = {"eager": ["probabilities"], "graph": ["remember_logits", "from_logits"]}
CASES = [(mode, route) for mode, routes in ROUTES.items() for route in routes]


# --- the confident mistake -----------------------------------------------------------------


@pytest.mark.parametrize("dtype", strategies.DTYPES)
def test_tf_modes_split_on_a_confident_mistake(dtype):
    z, labels = np.array([[100.0, 0.0, 0.0]], dtype=dtype), np.array([1])
    eager_loss, eager_grad = tf_run("eager", z, labels)
    graph_loss, graph_grad = tf_run("graph", z, labels)

    eps, t = config.epsilon(), np.dtype(dtype).type
    clipped = np.array([1 - eps, eps, eps], dtype=dtype)      # softmax [1, e⁻¹⁰⁰, e⁻¹⁰⁰], clipped
    eager_expected = -np.log(clipped[1]) + np.log(clipped.sum(dtype=np.float64))  # 16.118095...
    assert_parity(eager_loss, [eager_expected], op="cross_entropy", dtype=dtype, size=3, scale=-np.log(eps),
                  what="TF eager loss of softmax([100, 0, 0]), label 1")
    assert_parity(graph_loss, [t(100.0)], op="cross_entropy", dtype=dtype, size=3, scale=100.0,
                  what="TF graph loss of softmax([100, 0, 0]), label 1")
    printed = {"float32": ("16.118095", "100.000000"), "float64": ("16.118096", "100.000000")}  # -log ε, rounded
    assert (f"{eager_loss[0]:.6f}", f"{graph_loss[0]:.6f}") == printed[dtype]
    assert_parity(eager_grad, [[0.0, 0.0, 0.0]], op="exact", dtype=dtype,
                  what="TF eager gradient: every probability is clipped")
    assert_parity(graph_grad, [[1.0, -1.0, 0.0]], op="softmax_grad", dtype=dtype, size=3,
                  what="TF graph gradient: softmax(z) - onehot(y)")


@pytest.mark.parametrize("dtype", strategies.DTYPES)
@pytest.mark.parametrize("mode, route", CASES)
def test_reference_matches_each_mode_on_a_confident_mistake(dtype, mode, route):
    z, labels = np.array([[100.0, 0.0, 0.0]], dtype=dtype), np.array([1])
    tf_loss, tf_grad = tf_run(mode, z, labels)
    ref_loss, ref_grad = ref_softmax_loss(z, labels, route)
    assert_parity(ref_loss, tf_loss, op="cross_entropy", dtype=dtype, size=3, scale=100.0,
                  what=f"loss, reference by {route} vs TF {mode}")
    assert_parity(ref_grad, tf_grad, op="softmax_grad", dtype=dtype, size=3,
                  what=f"gradient, reference by {route} vs TF {mode}")


# --- any logits -------------------------------------------------------------------------------


@given(data=st.data())
@pytest.mark.parametrize("mode, route", CASES)
def test_reference_matches_each_mode_on_any_logits(mode, route, data):
    """Values and gradients agree; the gradient's terms ``p·∂L/∂p`` are at most 1 in size (scale 1)."""
    dtype = data.draw(strategies.dtypes(), label="dtype")
    sample = data.draw(strategies.sparse_xent_with_logits(dtype), label="sample")
    z, labels = sample["logits"], sample["labels"]
    tf_loss, tf_grad = tf_run(mode, z, labels)
    ref_loss, ref_grad = ref_softmax_loss(z, labels, route)
    classes = z.shape[-1]
    scale = max(1.0, float(np.max(np.abs(z))) if mode == "graph" else -np.log(config.epsilon()))
    assert_parity(ref_loss, tf_loss, op="cross_entropy", dtype=dtype, size=classes, scale=scale,
                  what=f"loss, reference by {route} vs TF {mode}", inputs=dict(sample))
    assert_parity(ref_grad, tf_grad, op="softmax_grad", dtype=dtype, size=classes,
                  what=f"gradient, reference by {route} vs TF {mode}", inputs=dict(sample))


# --- the handbook's MLP ---------------------------------------------------------------------------


def mlp_pair(dtype):
    """A ``tf_impl.MLP`` and a ``reference.handbook.MLP`` in ``dtype``, built, and a graph of ``tf_mlp_loss``."""
    with tf_impl.use_floatx(dtype):
        tf.keras.utils.set_random_seed(0)
        tf_model, ref_model = tf_impl.MLP(), handbook.MLP()
        X0 = np.zeros((1, 28, 28, 1), dtype=dtype)
        tf_model(X0), ref_model(X0)
    graph = tf.function(lambda X, y: tf_mlp_loss(tf_model, X, y), reduce_retracing=True)
    return tf_model, ref_model, tf_model.get_weights(), graph


@pytest.fixture(scope="module", params=strategies.DTYPES)
def mlp(request):
    return request.param, *mlp_pair(request.param)


def ref_mlp_loss(model, X, y, route):
    """The handbook's mean loss on the reference MLP and its gradients, by ``route`` (see ``ref_softmax_loss``)."""
    with GradientTape() as tape:
        if route == "from_logits":
            loss = ops.reduce_mean(losses.sparse_categorical_crossentropy(y, mlp_logits(model, X), from_logits=True))
        else:
            loss = handbook.compute_loss(model, X, y, "probabilities" if route == "probabilities" else "logits")
    return loss, tape.gradient(loss, model.variables)


def gradient_scales(model, X):
    """Per weight, the largest ``Σ|terms|`` of a gradient entry: the scale its rounding errors cancel against.

    Both losses have ``|∂L/∂zᵢⱼ| <= 1/N`` (its terms ``p·∂L/∂p`` or ``p - onehot`` are at
    most 1), so the backward pass run on absolute values, with ``1/N`` for
    every ``∂L/∂z``, bounds the terms that each gradient entry sums.
    """
    x = X.reshape(len(X), -1).astype(np.float64)
    kernel_1, bias_1, kernel_2, _ = (w.astype(np.float64) for w in model.get_weights())
    pre_activation = x @ kernel_1 + bias_1
    d_logits = np.full((len(X), kernel_2.shape[1]), 1.0 / len(X))
    d_hidden = (d_logits @ np.abs(kernel_2).T) * (pre_activation > 0)
    return [float(np.max(np.abs(x).T @ d_hidden)), float(np.max(d_hidden.sum(0))),
            float(np.max(np.maximum(pre_activation, 0).T @ d_logits)), float(np.max(d_logits.sum(0)))]


def assert_mlp_parity(ref, tf_out, dtype, what, model, X):
    """Loss (scale: the largest |logit|, against which logsumexp cancels) and gradients (:func:`gradient_scales`)."""
    (ref_loss, ref_grads), (tf_loss, tf_grads) = ref, tf_out
    loss_scale = max(1.0, float(np.max(np.abs(mlp_logits(model, X)))))
    assert_parity(ref_loss, tf_loss, op="training_step", dtype=dtype, size=NUM_PIXELS, scale=loss_scale,
                  what=f"{what}: loss")
    names = ("kernel 1", "bias 1", "kernel 2", "bias 2")
    for name, ref_g, tf_g, scale in zip(names, ref_grads, tf_grads, gradient_scales(model, X)):
        assert_parity(ref_g, tf_g, op="training_step", dtype=dtype, size=NUM_PIXELS, scale=scale,
                      what=f"{what}: gradient of {name}")


@pytest.mark.parametrize("mode, route", CASES)
def test_a_confidently_wrong_mlp_learns_only_in_a_graph(mlp, mode, route):
    """Logits [100, 0, …, 0] for every image, labels 1: loss 16.118 and zero gradients eagerly, 100 in a graph."""
    dtype, tf_model, ref_model, initial, graph = mlp
    weights = [initial[0], initial[1], np.zeros_like(initial[2]), np.eye(10, dtype=dtype)[0] * 100]
    tf_model.set_weights(weights), ref_model.set_weights(weights)
    X, y = np.random.default_rng(0).random((5, 28, 28, 1)).astype(dtype), np.ones(5, dtype=np.int32)
    tf_out = tf_mlp_loss(tf_model, X, y) if mode == "eager" else graph(X, y)
    tf_out = tf.nest.map_structure(lambda t: t.numpy(), tf_out)
    eps = config.epsilon()
    clipped = np.array([1 - eps] + [eps] * 9, dtype=dtype)    # softmax [1, e⁻¹⁰⁰, …], clipped
    expected = 100.0 if mode == "graph" else -np.log(clipped[1]) + np.log(clipped.sum(dtype=np.float64))
    assert_parity(tf_out[0], expected, op="cross_entropy", dtype=dtype, size=10, scale=100.0,
                  what=f"TF {mode} loss of a confidently wrong MLP")
    assert (np.count_nonzero(tf_out[1][3]) == 0) == (mode == "eager")
    assert_mlp_parity(ref_mlp_loss(ref_model, X, y, route), tf_out, dtype, f"reference by {route} vs TF {mode}",
                      ref_model, X)


@given(data=st.data())
@pytest.mark.parametrize("mode, route", CASES)
def test_reference_matches_each_mode_on_the_mlp(mlp, mode, route, data):
    dtype, tf_model, ref_model, _, graph = mlp
    case = data.draw(strategies.training_cases(dtype), label="case")
    weights = case.initial_weights()
    tf_model.set_weights(weights), ref_model.set_weights(weights)
    X, labels = case.batch()
    tf_out = tf_mlp_loss(tf_model, X, labels) if mode == "eager" else graph(X, labels)
    tf_out = tf.nest.map_structure(lambda t: t.numpy(), tf_out)
    assert_mlp_parity(ref_mlp_loss(ref_model, X, labels, route), tf_out, dtype,
                      f"reference by {route} vs TF {mode}", ref_model, X)



# --- Keras's eager logits tag ---------------------------------------------------------------------------------

Z = np.array([[100.0, 0.0, 0.0]], dtype=np.float32)   # a confident mistake for label 1


def _dense_softmax(module):
    """``Dense(3, activation="softmax")`` whose output on zeros is ``softmax(Z)``; built outside any graph."""
    if module is rk:
        layer = rk.layers.Dense(3, activation="softmax", kernel_initializer="zeros", bias_initializer=lambda s, d: Z[0])
    else:
        layer = module.layers.Dense(3, activation="softmax", kernel_initializer="zeros",
                                    bias_initializer=module.initializers.Constant(Z[0]))
    layer.build((1, 2))
    return lambda z: layer(np.zeros((1, 2), dtype=np.float32))


TAG_ROUTES = {  # name -> (reference route, TF route (tf, keras) -> z -> probabilities, loss); tagged routes give 100
    "keras.activations.softmax (tagged)": (rk.activations.softmax, lambda tf, keras: keras.activations.softmax,
                                           "sparse"),
    "keras.ops.softmax (tagged)": (rk.activations.softmax, lambda tf, keras: keras.ops.softmax, "sparse"),
    'Dense(activation="softmax") (tagged)': (_dense_softmax(rk), lambda tf, keras: _dense_softmax(keras), "sparse"),
    "tf.nn.softmax (untagged)": (ops.softmax, lambda tf, keras: tf.nn.softmax, "sparse"),
    "keras.activations.sigmoid (tagged)": (lambda z: rk.activations.sigmoid(-z[:, :1]),
                                           lambda tf, keras: lambda z: keras.activations.sigmoid(-z[:, :1]), "binary"),
    "tf.sigmoid (untagged)": (lambda z: ops.sigmoid(-z[:, :1]), lambda tf, keras: lambda z: tf.sigmoid(-z[:, :1]),
                              "binary"),
}


def _loss(module, kind, p):
    if kind == "sparse":
        return module.losses.sparse_categorical_crossentropy(np.array([1]), p)
    return module.losses.binary_crossentropy(np.array([[1.0]], dtype=np.float32), p)


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("route", sorted(TAG_ROUTES))
def test_keras_tagged_activations_take_the_logits_path_and_tf_nn_does_not_eagerly(route, mode):
    """Keras's softmax/sigmoid (function, ``keras.ops``, ``Dense(activation=...)``) carry ``_keras_logits``: the
    cross-entropy of the confident mistake is 100 even eagerly; ``tf.nn.softmax``/``tf.sigmoid`` give the clipped
    16.118095 eagerly and 100 only in a graph (``tf.function``; ``remember_logits`` in the reference)."""
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    ref_route, make_tf_route, kind = TAG_ROUTES[route]
    tf_route = make_tf_route(tf, keras)
    if mode == "eager":
        ref = _loss(rk, kind, ref_route(Z))
        out = _loss(keras, kind, tf_route(tf.constant(Z))).numpy()
    else:
        with logits.remember_logits():
            ref = _loss(rk, kind, ref_route(Z))
        out = tf.function(lambda z: _loss(keras, kind, tf_route(z)))(tf.constant(Z)).numpy()
    expected = 100.0 if "(tagged)" in route or mode == "graph" else -np.log(np.float32(config.epsilon()))
    for desired, against in ((out, "TensorFlow"), (np.full(ref.shape, expected, np.float32), "the expected value")):
        assert_parity(ref, desired, op="cross_entropy", dtype="float32", size=3, scale=100.0,
                      what=f"{route}, {mode}, against {against}")
