"""The handbook's experiment in NumPy: its MLP, its training step and loop, its evaluation.

Set beside the handbook's TensorFlow code, it reads line for line the same;
``tf_impl.handbook`` is the TensorFlow twin. The two differences are names:
``tf.GradientTape`` is :class:`reference.GradientTape`, and ``tf.reduce_mean``
is :func:`reference.ops.reduce_mean`, a recorded op (``np.mean`` would be
invisible to the tape, and ``tape.gradient`` would say so). The handbook's
``tf.nn.softmax`` is :func:`reference.ops.softmax`.

This module is the one definition of the handbook's model and step: the
commands, ``tf_impl``'s comparison, the benchmarks and the parity tests all
import :class:`MLP` and :func:`make_train_step` from here.
"""

import contextlib

from . import layers, logits, losses, metrics, ops, optimizers
from .models import Model
from .tape import GradientTape

LOSS_FROM = ("probabilities", "logits")


class MLP(Model):
    """Flatten -> Dense(100, relu) -> Dense(10) -> softmax: 79,510 parameters.

    Args:
        hidden_units: the width of the hidden layer; the handbook's is 100 (the benchmarks sweep it).
    """

    def __init__(self, hidden_units=100):
        super().__init__()
        self.flatten = layers.Flatten()
        self.dense1 = layers.Dense(units=hidden_units, activation=ops.relu)
        self.dense2 = layers.Dense(units=10)

    def call(self, inputs):         # [batch_size, 28, 28, 1]
        x = self.flatten(inputs)    # [batch_size, 784]
        x = self.dense1(x)          # [batch_size, 100]
        x = self.dense2(x)          # [batch_size, 10]
        output = ops.softmax(x)     # the handbook's tf.nn.softmax
        return output


def check_loss_from(loss_from):
    """Return ``loss_from`` if it is one of :data:`LOSS_FROM`, else raise ``ValueError`` naming it."""
    if loss_from not in LOSS_FROM:
        raise ValueError(f"`loss_from` must be one of {LOSS_FROM}, got loss_from={loss_from!r}.")
    return loss_from


def compute_loss(model, X, y, loss_from="probabilities"):
    """The handbook's loss: the batch mean of ``sparse_categorical_crossentropy(y, model(X))``.

    Args:
        loss_from: ``"probabilities"`` computes it as TF does eagerly (the handbook as written);
            ``"logits"`` as TF does under ``tf.function``, where Keras takes the logits behind the softmax
            (the forward pass then runs inside :func:`reference.logits.remember_logits`).

    Must run inside a :class:`reference.GradientTape` to be differentiated.
    """
    graph = check_loss_from(loss_from) == "logits"
    with logits.remember_logits() if graph else contextlib.nullcontext():
        y_pred = model(X)
        loss = losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
    return ops.reduce_mean(loss)


def make_train_step(model, optimizer, loss_from="probabilities"):
    """The handbook's training step, ``step(X, y) -> loss``: the twin of ``tf_impl.handbook.make_train_step``.

    One step: the mean sparse cross-entropy of ``model(X)`` against ``y``,
    its gradients with respect to ``model.variables``, one
    ``optimizer.apply_gradients``. Returns the loss before the update.

    ``loss_from`` is :func:`compute_loss`'s.
    """
    check_loss_from(loss_from)

    def train_step(X, y):
        with GradientTape() as tape:
            loss = compute_loss(model, X, y, loss_from)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))
        return loss

    return train_step


def train(model, data_loader, num_epochs=5, batch_size=50, learning_rate=0.001, on_batch=None):
    """The handbook's loop: ``num_train_data // batch_size * num_epochs`` Adam steps on random batches.

    ``on_batch(batch_index, loss)`` is called after each step with the loss
    of that batch (the handbook prints there). Returns the optimizer.
    """
    optimizer = optimizers.Adam(learning_rate=learning_rate)
    train_step = make_train_step(model, optimizer)
    num_batches = int(data_loader.num_train_data // batch_size * num_epochs)
    for batch_index in range(num_batches):
        X, y = data_loader.get_batch(batch_size)
        loss = train_step(X, y)
        if on_batch:
            on_batch(batch_index, loss)
    return optimizer


def evaluate(model, data_loader, batch_size=50):
    """The handbook's evaluation: ``SparseCategoricalAccuracy`` over whole test batches.

    ``verbose=0`` is the one change, as in ``tf_impl.handbook``: ``predict`` would
    otherwise draw a progress bar for each of its 200 calls, as Keras's does.
    """
    sparse_categorical_accuracy = metrics.SparseCategoricalAccuracy()
    num_batches = int(data_loader.num_test_data // batch_size)
    for batch_index in range(num_batches):
        start_index, end_index = batch_index * batch_size, (batch_index + 1) * batch_size
        y_pred = model.predict(data_loader.test_data[start_index: end_index], verbose=0)
        sparse_categorical_accuracy.update_state(
            y_true=data_loader.test_label[start_index: end_index], y_pred=y_pred)
    return float(sparse_categorical_accuracy.result())
