"""``Adamax``, mirroring ``keras/src/optimizers/adamax.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Adamax(Optimizer):
    """Adamax, as Keras computes it, at step ``t = iterations + 1``::

        m ← m + (g - m)(1 - β₁)
        u ← max(β₂·u, |g|)
        w ← w - lr·m / ((1 - β₁ᵗ)·(u + ε))

    Where it departs from the paper (Kingma & Ba, Algorithm 2): ε is added to ``u`` (the paper has none),
    and the bias correction multiplies the denominator instead of dividing the step size. ``β₁ᵗ`` uses
    ``β₁`` through float32 (``ops.cast``); ``1 - β₁`` and ``β₂`` are exact.

    Slots: ``m``, ``u`` (Keras's ``_m``, ``_u``).
    """

    SLOTS = ("m", "u")
    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.m, self.u = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.m = self._zeros_like_each(variables)
        self.u = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        local_step = dtype(self.iterations + 1)
        beta_1_power = keras_cast(self.beta_1, variable.dtype) ** local_step
        m, u = self.m[index], self.u[index]
        t, s = self._scratch[index]

        np.subtract(gradient, m, out=t)
        t *= dtype(1 - self.beta_1)
        m += t                                                    # m += (g - m)(1 - β₁)
        u *= dtype(self.beta_2)
        np.abs(gradient, out=t)
        np.maximum(u, t, out=u)                                   # u = max(β₂u, |g|)
        np.multiply(lr, m, out=t)
        np.add(u, dtype(self.epsilon), out=s)
        s *= dtype(1) - beta_1_power
        t /= s
        variable -= t                                             # w -= lr·m / ((1 - β₁ᵗ)(u + ε))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
