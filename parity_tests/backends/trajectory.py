"""The handbook's MLP trained on one side, as a user of that backend writes the loop: the same initial weights
(:func:`.draws.trajectory_weights`), the same MNIST batches (``reference.data.MNISTLoader(seed=seed)``), Adam at
1e-3 on the mean sparse cross-entropy of the *untagged* softmax (the handbook's ``tf.nn.softmax``: each backend's
own softmax kernel, which ``keras.ops.softmax`` calls, without the logits tag that only TensorFlow reads).

* ``reference``: ``reference.handbook.make_train_step`` (the eager handbook);
* ``tensorflow``: ``tf.GradientTape``, eagerly (the handbook as written; under ``tf.function`` Keras would spot the
  ``Softmax`` op and use the logits);
* ``jax``: ``jax.value_and_grad`` of ``model.stateless_call`` and ``optimizer.stateless_apply``, under ``jax.jit``,
  as Keras's JAX trainer runs its step;
* ``torch``: ``torch.autograd.grad`` and ``optimizer.apply``, eagerly, as Keras's torch trainer.
"""

import numpy as np

from .draws import trajectory_weights

BATCH = 50
LEARNING_RATE = 1e-3


def train(side, steps, seed, data_path):
    """The loss at each of ``steps`` steps (before each update), as a float64 array."""
    from reference.data import MNISTLoader

    loader = MNISTLoader(data_path, seed=seed, dtype=side.dtype)
    batches = (loader.get_batch(BATCH) for _ in range(steps))
    weights = trajectory_weights(seed, side.dtype)
    step = _reference_step(side, weights) if side.is_reference else _keras_step(side, weights)
    return np.array([float(step(np.asarray(X, dtype=side.dtype), y)) for X, y in batches])


def _reference_step(side, weights):
    from reference import handbook, optimizers

    model = handbook.MLP()
    model(np.zeros((1, 28, 28, 1), dtype=side.dtype))
    model.set_weights(weights)
    return handbook.make_train_step(model, optimizers.Adam(learning_rate=LEARNING_RATE))


def _keras_model(keras, weights):
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10)])
    model.set_weights(weights)
    return model


def _keras_step(side, weights):
    keras = side.keras
    model = _keras_model(keras, weights)
    optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE)
    optimizer.build(model.trainable_variables)
    return {"tensorflow": _tensorflow_step, "jax": _jax_step, "torch": _torch_step}[side.name](keras, model, optimizer)


def _loss(keras, softmax, logits, y):
    return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, softmax(logits)))


def _tensorflow_step(keras, model, optimizer):
    import tensorflow as tf

    def step(X, y):
        with tf.GradientTape() as tape:
            loss = _loss(keras, tf.nn.softmax, model(X), y)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return step


def _jax_step(keras, model, optimizer):
    import jax

    def loss_fn(trainable, X, y):
        logits, _ = model.stateless_call(trainable, [], X)
        return _loss(keras, jax.nn.softmax, logits, y)

    @jax.jit
    def update(trainable, opt_vars, X, y):
        loss, grads = jax.value_and_grad(loss_fn)(trainable, X, y)
        trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
        return loss, trainable, opt_vars

    state = {"trainable": [v.value for v in model.trainable_variables],
             "opt": [v.value for v in optimizer.variables]}

    def step(X, y):
        loss, state["trainable"], state["opt"] = update(state["trainable"], state["opt"], X, y)
        return loss

    return step


def _torch_step(keras, model, optimizer):
    import torch

    def step(X, y):
        loss = _loss(keras, lambda z: torch.softmax(z, dim=-1), model(X), y)
        grads = torch.autograd.grad(loss, [v.value for v in model.trainable_variables])
        with torch.no_grad():
            optimizer.apply(grads, model.trainable_variables)
        return loss.detach()

    return step
