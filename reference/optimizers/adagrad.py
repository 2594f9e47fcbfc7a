"""``Adagrad``, mirroring ``keras/src/optimizers/adagrad.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad, as Keras computes it::

        a ← a + g²                   (a starts at initial_accumulator_value, default 0.1)
        w ← w - lr·g / sqrt(a + ε)

    Where it departs from the paper (Duchi et al., 2011): the accumulator starts at 0.1, not 0, and ε sits
    *inside* the square root (PyTorch adds it outside, to ``sqrt(a)``).

    Slots: ``accumulators`` (Keras's ``_accumulators``).
    """

    SLOTS = ("accumulators",)
    elementwise = True

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon
        self.accumulators = []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.accumulators = self._full_like_each(variables, self.initial_accumulator_value)

    def update_step(self, gradient, variable, lr, index):
        accumulator = self.accumulators[index]
        t, u = self._scratch[index]
        np.square(gradient, out=t)
        accumulator += t                                          # a += g²
        np.multiply(lr, gradient, out=t)
        np.add(accumulator, variable.dtype.type(self.epsilon), out=u)
        np.sqrt(u, out=u)
        t /= u
        variable -= t                                             # w -= lr·g / sqrt(a + ε)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
