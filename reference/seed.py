"""The seed's experiment in NumPy: its MLP, its training loop, its evaluation.

Set beside the handbook's TensorFlow code, it reads line for line the same;
``tf_impl.seed`` is the TensorFlow twin. The two differences are names:
``tf.GradientTape`` is :class:`reference.GradientTape`, and ``tf.reduce_mean``
is :func:`reference.ops.reduce_mean`, a recorded op (``np.mean`` would be
invisible to the tape, and ``tape.gradient`` would say so).
"""

from . import activations, layers, losses, metrics, ops, optimizers
from .models import Model
from .tape import GradientTape


class MLP(Model):
    """Flatten -> Dense(100, relu) -> Dense(10) -> softmax: 79,510 parameters."""

    def __init__(self):
        super().__init__()
        self.flatten = layers.Flatten()
        self.dense1 = layers.Dense(units=100, activation=activations.relu)
        self.dense2 = layers.Dense(units=10)

    def call(self, inputs):         # [batch_size, 28, 28, 1]
        x = self.flatten(inputs)    # [batch_size, 784]
        x = self.dense1(x)          # [batch_size, 100]
        x = self.dense2(x)          # [batch_size, 10]
        output = activations.softmax(x)
        return output


def train(model, data_loader, num_epochs=5, batch_size=50, learning_rate=0.001, on_batch=None):
    """The seed's loop: ``num_train_data // batch_size * num_epochs`` Adam steps on random batches.

    ``on_batch(batch_index, loss)`` is called after each forward pass (the
    seed prints there). Returns the optimizer.
    """
    optimizer = optimizers.Adam(learning_rate=learning_rate)
    num_batches = int(data_loader.num_train_data // batch_size * num_epochs)
    for batch_index in range(num_batches):
        X, y = data_loader.get_batch(batch_size)
        with GradientTape() as tape:
            y_pred = model(X)
            loss = losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
            loss = ops.reduce_mean(loss)
            if on_batch:
                on_batch(batch_index, loss)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))
    return optimizer


def evaluate(model, data_loader, batch_size=50):
    """The seed's evaluation: ``SparseCategoricalAccuracy`` over whole test batches.

    ``verbose=0`` is the one change, as in ``tf_impl.seed``: ``predict`` would
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
