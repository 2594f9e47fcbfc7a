"""Seeded inputs of realistic size for the parity report: the ``report=`` of the op table's rows.

Each function takes a ``np.random.Generator`` and returns float64 arrays (the report casts them to the measured
dtype) or int32 labels, shaped like the handbook's tensors: batches of 50, 784 pixels, 100 hidden units, 10 classes.
"""

import numpy as np


def normal(rng, shape, scale=1.0):
    return rng.normal(0.0, scale, shape)


def glorot(rng, fan_in, fan_out):
    """Keras's default kernel initializer: uniform on ±sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def pixels(rng, shape):
    """MNIST-like inputs: k/255 for random bytes k, about 80% of them 0."""
    return np.where(rng.random(shape) < 0.8, 0, rng.integers(1, 256, shape)) / 255.0


def labels(rng, n, classes=10):
    return rng.integers(0, classes, n).astype(np.int32)


def one_hot(rng, n, classes=10):
    return np.eye(classes)[labels(rng, n, classes)]


def handbook_mlp(rng):
    """A batch of 50 images, the MLP's weights (Glorot kernels, small biases) and the labels."""
    return {"X": pixels(rng, (50, 784)), "W1": glorot(rng, 784, 100), "b1": normal(rng, 100, 0.01),
            "W2": glorot(rng, 100, 10), "b2": normal(rng, 10, 0.01), "y": labels(rng, 50)}
