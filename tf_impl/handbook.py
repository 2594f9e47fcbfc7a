"""The handbook's experiment in TensorFlow: its MLP, its training step and loop, its evaluation.

This is the handbook's code, kept as written, so that ``reference.handbook`` (its
NumPy twin) can be read against it line for line. The training step runs in
one of three modes (``MODES``):

* ``"eager"``: the handbook's loop as written, ``tf.GradientTape`` op by op;
* ``"function"``: the same step under ``tf.function`` (one traced graph);
* ``"xla"``: the same step under ``tf.function(jit_compile=True)``.

**The two modes compute different losses.** The handbook computes
``sparse_categorical_crossentropy(y, model(X))`` on the *probabilities*
``softmax(z)`` of logits ``z``. Eagerly, Keras clips them to ``[ε, 1 - ε]``
(ε = 1e-7) and takes their log::

    eager:  lossᵢ = -log clip(softmax(zᵢ))[yᵢ] + log Σⱼ clip(softmax(zᵢ))ⱼ      (≤ -log ε ≈ 16.118)

In a graph (``"function"``, ``"xla"``), Keras's ``_get_logits`` sees that the
probabilities came out of a ``Softmax`` op, takes that op's input ``z``
instead, and computes the loss from logits, with no clipping::

    graph:  lossᵢ = -zᵢ[yᵢ] + log Σⱼ exp(zᵢⱼ)                                    (unbounded)

The two agree while no probability leaves ``[ε, 1 - ε]``, which on MNIST
holds for most batches but not all: a confidently wrong sample (softmax of
logits ``[100, 0, 0]``, label 1) costs 16.118095 eagerly and 100.0 in a graph,
and the gradients differ too (clipping zeroes them). The handbook's gradients
therefore depend on the mode; ``tf_impl.compare`` runs the reference with the
matching semantics (``reference_semantics``).

Evaluation: :func:`evaluate` is the handbook's (``model.predict`` on test
batches of 50; in Keras 3 each ``predict`` call costs milliseconds of setup,
so it takes seconds), :func:`evaluate_fast` one forward pass over the same
test images, with the same result.
"""

from ._tf import tf

MODES = ("eager", "function", "xla")


class MLP(tf.keras.Model):
    """Flatten -> Dense(100, relu) -> Dense(10) -> softmax: 79,510 parameters."""

    def __init__(self):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=100, activation=tf.nn.relu)
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, inputs):         # [batch_size, 28, 28, 1]
        x = self.flatten(inputs)    # [batch_size, 784]
        x = self.dense1(x)          # [batch_size, 100]
        x = self.dense2(x)          # [batch_size, 10]
        output = tf.nn.softmax(x)
        return output


def check_mode(mode):
    """Return ``mode`` if it is one of ``MODES``, else raise ``ValueError`` naming it."""
    if mode not in MODES:
        raise ValueError(f"`mode` must be one of {MODES}, got mode={mode!r}.")
    return mode


def make_train_step(model, optimizer, mode="eager"):
    """The handbook's training step, ``step(X, y) -> loss``, run in ``mode`` (see the module docstring).

    One step: the mean sparse cross-entropy of ``model(X)`` against ``y``,
    its gradients with respect to ``model.variables``, one
    ``optimizer.apply_gradients``. Returns the loss before the update.
    """
    check_mode(mode)

    def train_step(X, y):
        with tf.GradientTape() as tape:
            y_pred = model(X)
            loss = tf.keras.losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))
        return loss

    if mode == "eager":
        return train_step
    return tf.function(train_step, jit_compile=mode == "xla")


def train(model, data_loader, num_epochs=5, batch_size=50, learning_rate=0.001, mode="eager", on_batch=None):
    """The handbook's loop: ``num_train_data // batch_size * num_epochs`` Adam steps on random batches.

    ``on_batch(batch_index, loss)`` is called after each step with the loss
    of that batch (the handbook prints there). Returns the optimizer.
    """
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    train_step = make_train_step(model, optimizer, mode)
    num_batches = int(data_loader.num_train_data // batch_size * num_epochs)
    for batch_index in range(num_batches):
        X, y = data_loader.get_batch(batch_size)
        loss = train_step(tf.convert_to_tensor(X), tf.convert_to_tensor(y))
        if on_batch:
            on_batch(batch_index, float(loss))
    return optimizer


def evaluate(model, data_loader, batch_size=50):
    """The handbook's evaluation: ``SparseCategoricalAccuracy`` over whole test batches, via ``model.predict``.

    ``verbose=0`` is the one change: Keras 3's ``predict`` would otherwise
    print a progress bar for each of the 200 batches.
    """
    sparse_categorical_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    num_batches = int(data_loader.num_test_data // batch_size)
    for batch_index in range(num_batches):
        start_index, end_index = batch_index * batch_size, (batch_index + 1) * batch_size
        y_pred = model.predict(data_loader.test_data[start_index: end_index], verbose=0)
        sparse_categorical_accuracy.update_state(
            y_true=data_loader.test_label[start_index: end_index], y_pred=y_pred)
    return float(sparse_categorical_accuracy.result())


def evaluate_fast(model, data_loader, batch_size=50):
    """:func:`evaluate`'s accuracy from one forward pass over the same test images.

    Same images (the whole batches of ``batch_size``), same metric; the counts
    are integers, exact in float32, so the result is identical.
    """
    count = int(data_loader.num_test_data // batch_size) * batch_size
    sparse_categorical_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    sparse_categorical_accuracy.update_state(
        y_true=data_loader.test_label[:count], y_pred=model(data_loader.test_data[:count]))
    return float(sparse_categorical_accuracy.result())
