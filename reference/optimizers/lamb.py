"""``Lamb``, mirroring ``keras/src/optimizers/lamb.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Lamb(Optimizer):
    """LAMB, as Keras computes it, at step ``t = iterations + 1``::

        m ← m + (g - m)(1 - β₁);   v ← v + (g² - v)(1 - β₂)
        r = (m / (1 - β₁ᵗ)) / (sqrt(v / (1 - β₂ᵗ)) + ε)
        ratio = ‖w‖ / ‖r‖   (1 if either norm is 0)
        w ← w - ratio·lr·r

    Where it departs from the paper (You et al., 2020, Algorithm 2): the trust ratio is the plain
    ``‖w‖/‖r‖`` over the whole variable (no scaling function φ, no clipping), the weight decay is *not*
    inside ``r`` (it is the base class's, applied before and not trust-scaled), and ε is added after the
    square root of the bias-corrected ``v``.

    Slots: ``momentums``, ``velocities`` (Keras's ``_momentums``, ``_velocities``).
    """

    SLOTS = ("momentums", "velocities")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentums, self.velocities = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)
        self.velocities = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        local_step = dtype(self.iterations + 1)
        beta_1_power = keras_cast(self.beta_1, variable.dtype) ** local_step
        beta_2_power = keras_cast(self.beta_2, variable.dtype) ** local_step
        m, v = self.momentums[index], self.velocities[index]
        t, u = self._scratch[index]

        np.subtract(gradient, m, out=t)
        t *= dtype(1 - self.beta_1)
        m += t                                                    # m += (g - m)(1 - β₁)
        np.square(gradient, out=t)
        t -= v
        t *= dtype(1 - self.beta_2)
        v += t                                                    # v += (g² - v)(1 - β₂)
        np.divide(m, dtype(1.0) - beta_1_power, out=t)            # m̂
        np.divide(v, dtype(1.0) - beta_2_power, out=u)
        np.sqrt(u, out=u)
        u += dtype(self.epsilon)
        t /= u                                                    # r = m̂ / (sqrt(v̂) + ε)
        np.square(variable, out=u)
        w_norm = np.sqrt(np.sum(u))
        np.square(t, out=u)
        g_norm = np.sqrt(np.sum(u))
        ratio = (w_norm / g_norm if g_norm > 0 else dtype(1.0)) if w_norm > 0 else dtype(1.0)
        t *= ratio * lr
        variable -= t                                             # w -= ratio·lr·r

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
