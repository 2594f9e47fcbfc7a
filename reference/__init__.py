"""A from-scratch NumPy mirror of the tf.keras training pipeline.

Read it like ``tf.keras``::

    import reference as rk

    model = rk.Sequential([rk.layers.Flatten(), rk.layers.Dense(100, "relu"), rk.layers.Dense(10)])
    with rk.GradientTape() as tape:
        loss = rk.ops.reduce_mean(rk.losses.sparse_categorical_crossentropy(y, model(X), from_logits=True))
    grads = tape.gradient(loss, model.variables)
    rk.optimizers.Adam(1e-3).apply_gradients(zip(grads, model.variables))

Importing this package never imports TensorFlow. It depends on NumPy and threadpoolctl (which sets the BLAS
thread count, ``reference/commands/blas.py``); ``bfloat16`` needs ml_dtypes, an optional extra
(``pip install 'keras-numpy-reference[bfloat16]'``): without it every other dtype works.
"""

from . import (activations, callbacks, config, dtype_policies, initializers, layers, losses, metrics, mixed_precision,
               ops, optimizers)
from .config import floatx, set_floatx
from .dtype_policies import DTypePolicy
from .initializers import set_random_seed
from .models import Model, Sequential
from .ops import reduce_mean, reduce_sum
from .tape import GradientTape

__version__ = "0.1.0"
# The Keras the reference mirrors, read from its source; the test suite says so loudly when another is installed.
KERAS_VERSION = "3.15.1"

__all__ = [
    "DTypePolicy", "GradientTape", "Model", "Sequential", "activations", "callbacks", "config", "dtype_policies",
    "floatx", "initializers", "layers", "losses", "metrics", "mixed_precision", "ops", "optimizers", "reduce_mean",
    "reduce_sum", "set_floatx", "set_random_seed",
]
