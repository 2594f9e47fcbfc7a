"""Optimizers, mirroring Keras 3's ``keras/src/optimizers``: ``reference.optimizers.X`` is ``keras.optimizers.X``.

One file per optimizer, as in Keras: ``base_optimizer.py`` holds the base class (slot bookkeeping,
``apply_gradients``, the step counter, flush-to-zero), and ``adam.py``, ``sgd.py``, ``rmsprop.py`` each hold one
``update_step``. Each performs, in place and in the same order of operations, the arithmetic that Keras's
``update_step`` performs.
"""

from .adam import Adam
from .base_optimizer import FLUSH_EVERY, Optimizer
from .loss_scale_optimizer import LossScaleOptimizer
from .rmsprop import RMSprop
from .sgd import SGD


ALL = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(identifier):
    """An optimizer from an instance or a name ("sgd", "adam", "rmsprop"; any case)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ALL:
        return ALL[identifier.lower()]()
    raise ValueError(f"Unknown optimizer {identifier!r}. Expected an Optimizer or one of {sorted(ALL)}.")
