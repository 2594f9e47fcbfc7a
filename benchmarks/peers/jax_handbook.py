"""The handbook's experiment in JAX, as a JAX user would write it.

Imported only in the worker process of the JAX mode (it imports ``jax`` at
the top); :mod:`benchmarks.peers` drives it.

The model is a pure function of a parameter dict in Keras's layout
(``kernel`` (in, out), ``bias``): Flatten -> Dense(100, relu) -> Dense(10) ->
softmax, returning probabilities as the handbook's ``MLP`` does. The loss is
the one Keras computes eagerly from them, ``-log clip(p)[y] + log Σ clip(p)``
with the clip to ``[1e-7, 1 - 1e-7]`` (see :mod:`benchmarks.peers.torch_handbook`
for the logits alternative). The whole training step, gradient and Adam
update included, is one ``jax.jit``-compiled function of
``(params, opt_state, X, y)``, the state donated so XLA updates it in place.

Adam is ``optax.adam(1e-3, b1=0.9, b2=0.999, eps=1e-7)`` when optax is
installed, else :func:`adam`, a hand-written Adam with the same update (eps
added to ``sqrt(v̂)``), so the mode computes the same thing either way.
"""

import functools

import jax
import jax.numpy as jnp

try:
    import optax
except ImportError:  # the hand-written adam below stands in
    optax = None

EPSILON = 1e-7  # Keras's backend epsilon: the probabilities' clip and Adam's epsilon


def init_params(weights):
    """The parameters from Keras-layout weights ``[W1 (784, h), b1, W2 (h, 10), b2]``."""
    kernel1, bias1, kernel2, bias2 = (jnp.asarray(w) for w in weights)
    return {"dense1": {"kernel": kernel1, "bias": bias1}, "dense2": {"kernel": kernel2, "bias": bias2}}


def mlp(params, images):
    """Flatten -> Dense(h, relu) -> Dense(10) -> softmax: the class probabilities."""
    x = images.reshape(images.shape[0], -1)
    x = jax.nn.relu(x @ params["dense1"]["kernel"] + params["dense1"]["bias"])
    x = x @ params["dense2"]["kernel"] + params["dense2"]["bias"]
    return jax.nn.softmax(x, axis=-1)


def sparse_categorical_crossentropy(probabilities, labels):
    """The mean sparse cross-entropy of clipped probabilities, as Keras computes it eagerly."""
    log_probabilities = jax.nn.log_softmax(jnp.log(jnp.clip(probabilities, EPSILON, 1 - EPSILON)), axis=-1)
    return -jnp.mean(jnp.take_along_axis(log_probabilities, labels[:, None], axis=-1))


def loss_fn(params, images, labels):
    return sparse_categorical_crossentropy(mlp(params, images), labels)


class Adam:
    """A hand-written ``optax.adam``: ``init(params) -> state``, ``update(grads, state) -> (updates, state)``.

    Kingma & Ba's Algorithm 1, as optax computes it (``eps_root`` = 0)::

        m = b1·m + (1 - b1)·g,   v = b2·v + (1 - b2)·g²
        update = -lr · (m / (1 - b1ᵗ)) / (sqrt(v / (1 - b2ᵗ)) + eps)
    """

    def __init__(self, learning_rate, b1=0.9, b2=0.999, eps=EPSILON):
        self.learning_rate, self.b1, self.b2, self.eps = learning_rate, b1, b2, eps

    def init(self, params):
        def zeros():  # two separate trees: the train step donates its state, and a buffer can be donated once
            return jax.tree_util.tree_map(jnp.zeros_like, params)

        return {"count": jnp.zeros([], jnp.int32), "mu": zeros(), "nu": zeros()}

    def update(self, grads, state, params=None):
        count = state["count"] + 1
        mu = jax.tree_util.tree_map(lambda m, g: self.b1 * m + (1 - self.b1) * g, state["mu"], grads)
        nu = jax.tree_util.tree_map(lambda v, g: self.b2 * v + (1 - self.b2) * g * g, state["nu"], grads)
        t = count.astype(jnp.float32)
        correction1, correction2 = 1 - self.b1 ** t, 1 - self.b2 ** t
        updates = jax.tree_util.tree_map(
            lambda m, v: -self.learning_rate * (m / correction1) / (jnp.sqrt(v / correction2) + self.eps), mu, nu)
        return updates, {"count": count, "mu": mu, "nu": nu}


def adam(learning_rate=1e-3):
    """``optax.adam`` with Keras's hyper-parameters (``eps=1e-7``), or :class:`Adam` without optax."""
    if optax is not None:
        return optax.adam(learning_rate, b1=0.9, b2=0.999, eps=EPSILON)
    return Adam(learning_rate)


def apply_updates(params, updates):
    return jax.tree_util.tree_map(lambda p, u: p + u, params, updates)


def make_train_step(optimizer):
    """The jitted step ``step(params, opt_state, X, y) -> (params, opt_state, loss)`` (the loss before the update)."""

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def train_step(params, opt_state, X, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, X, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return apply_updates(params, updates), opt_state, loss

    return train_step


def train(params, data_loader, num_epochs=5, batch_size=50, learning_rate=1e-3, on_batch=None, on_params=None,
          read_loss_every=1):
    """The handbook's loop: ``num_train_data // batch_size * num_epochs`` Adam steps on random batches.

    JAX's parameters are values, not variables: each step returns new ones.
    ``on_params(params)`` is called with them after each step (so a caller can
    evaluate the current model), ``on_batch(batch_index, loss)`` with the
    loss every ``read_loss_every`` steps and after the last. Reading the loss
    waits for the step: with ``read_loss_every=1`` (the handbook, which prints
    it every step) each step runs to its end before the next batch is drawn;
    with more (a JAX user's loop that logs once an epoch), ``jax.jit``'s
    asynchronous dispatch lets the next steps be drawn and queued while XLA
    computes. Returns the final parameters.
    """
    optimizer = adam(learning_rate)
    opt_state = optimizer.init(params)
    train_step = make_train_step(optimizer)
    num_batches = int(data_loader.num_train_data // batch_size * num_epochs)
    for batch_index in range(num_batches):
        X, y = data_loader.get_batch(batch_size)
        params, opt_state, loss = train_step(params, opt_state, X, y)
        if on_params:
            on_params(params)
        if on_batch and ((batch_index + 1) % read_loss_every == 0 or batch_index + 1 == num_batches):
            on_batch(batch_index, float(loss))
    return params


@jax.jit
def accuracy(params, images, labels):
    """The share of argmax predictions equal to ``labels``: one forward pass."""
    return jnp.mean(jnp.argmax(mlp(params, images), axis=-1) == labels)
