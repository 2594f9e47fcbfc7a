"""The handbook's workload, on either side, at any batch size and hidden width.

The handbook trains an MLP 784-100-10 (Flatten -> Dense(100, relu) -> Dense(10)
-> softmax) with Adam(1e-3) on batches of 50 drawn by
``reference.data.MNISTLoader.get_batch``, for 5 epochs of
``60000 // 50 = 1200`` steps: 6,000 steps. Its loss is the mean sparse
cross-entropy of the softmax probabilities.

Everything a benchmark needs to rebuild that workload lives here: the
constants, the data (loaded once per process, with one seeded batch stream
per user), the models at any width, the reference's training step and the
matrix-product FLOPs of a step. TensorFlow is imported inside the functions
that need it, so the reference's worker processes never load it.
"""

import copy
import functools

import numpy as np

BATCH_SIZE = 50
LEARNING_RATE = 1e-3
EPOCHS = 5
INPUTS = 28 * 28
HIDDEN = 100
CLASSES = 10
STEPS_PER_EPOCH = 60000 // BATCH_SIZE
SEED_STEPS = STEPS_PER_EPOCH * EPOCHS      # 6,000
ACCURACY_GOAL = 0.97


@functools.lru_cache(maxsize=None)
def _mnist(path, dtype):
    from reference.data import MNISTLoader

    return MNISTLoader(path, dtype=dtype)


def data(path=None, dtype="float32", seed=0):
    """An ``MNISTLoader`` whose ``get_batch`` draws from ``np.random.default_rng(seed)``.

    The arrays are loaded once per process and dtype and shared by every
    loader this returns; each has its own generator, so two loaders with the
    same ``seed`` yield the same batches, as two ``MNISTLoader(seed=seed)`` would.
    """
    loader = copy.copy(_mnist(path, np.dtype(dtype).name))
    loader.rng = np.random.default_rng(seed)
    return loader


def matmul_flops(batch_size, hidden=HIDDEN):
    """Floating-point operations of the matrix products of one training step.

    Counted as ``2·m·k·n`` per (m, k) @ (k, n) product, for the five products
    a step computes::

        forward:   X @ W1  (B·784·h),  H @ W2  (B·h·10)
        backward:  dW1 = Xᵀ @ dZ1 (784·B·h),  dW2 = Hᵀ @ dZ2 (h·B·10),  dH = dZ2 @ W2ᵀ (B·10·h)

    that is ``4·B·784·h + 6·B·h·10``. The gradient of the input images is
    never computed (both sides skip it), so the usual "6 × forward" rule,
    ``6·B·(784·h + h·10)``, would overstate the work by about 1.5x.
    Elementwise work (bias, relu, softmax, the loss, Adam's ~12 operations per
    weight) is not counted.
    """
    return 4 * batch_size * INPUTS * hidden + 6 * batch_size * hidden * CLASSES


# --- the reference side --------------------------------------------------------


def reference_mlp(hidden=HIDDEN):
    """The handbook's MLP with ``hidden`` units (``reference.handbook.MLP``)."""
    from reference import handbook

    return handbook.MLP(hidden_units=hidden)


def reference_initial_weights(seed=0, dtype="float32"):
    """The initial weights of ``reference.handbook.MLP`` drawn with ``set_random_seed(seed)``, in ``dtype``.

    Every mode of the benchmark starts from these, so the modes differ only in
    how they compute, not where they start.
    """
    from reference import config, handbook, initializers

    previous = config.floatx()
    config.set_floatx(dtype)
    try:
        initializers.set_random_seed(seed)
        model = handbook.MLP()
        model.build((None, 28, 28, 1))
        return model.get_weights()
    finally:
        config.set_floatx(previous)


def reference_train_step(model, optimizer):
    """The body of ``reference.handbook.train``'s loop as ``step(X, y) -> loss``: ``handbook.make_train_step``,
    the twin of ``tf_impl.make_train_step``."""
    from reference import handbook

    return handbook.make_train_step(model, optimizer)


# --- the TensorFlow side -------------------------------------------------------


def tf_mlp(hidden=HIDDEN):
    """The handbook's MLP with ``hidden`` units, as a ``tf.keras.Sequential``, built for MNIST images."""
    from tf_impl import tf

    model = tf.keras.Sequential([tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(hidden, activation=tf.nn.relu),
                                 tf.keras.layers.Dense(CLASSES, activation=tf.nn.softmax)])
    model(tf.zeros((1, 28, 28, 1)))
    return model
