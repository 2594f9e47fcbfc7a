"""``Nadam``, mirroring ``keras/src/optimizers/nadam.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Nadam(Optimizer):
    """Nadam, as Keras computes it, at step ``t = iterations + 1``, with the momentum schedule
    ``μ_t = β₁(1 - ½·0.96ᵗ)`` and ``Π_t = μ₁···μ_t`` (the slot ``u_product``, updated once per step before
    the variables)::

        m ← m + (g - m)(1 - β₁);   v ← v + (g² - v)(1 - β₂)
        m̂ = μ_{t+1}·m / (1 - Π_t·μ_{t+1}) + (1 - μ_t)·g / (1 - Π_t)
        v̂ = v / (1 - β₂ᵗ)
        w ← w - m̂·lr / (sqrt(v̂) + ε)

    This is Dozat's (2016) Algorithm 2 with the schedule of Sutskever et al.; it departs from the paper in
    ε (added to ``sqrt(v̂)``; the paper has none), and in the casts: ``Π`` is updated with the exact
    ``β₁`` and 0.96, while the update uses ``β₁``, ``β₂`` and 0.96 through float32 (``ops.cast``), and
    ``1 - β₁``, ``1 - β₂`` are then computed in the variable's dtype. ``u_product`` has the dtype of the
    first variable.

    Slots: ``momentums``, ``velocities`` (Keras's ``_momentums``, ``_velocities``), and the scalar
    ``u_product`` (Keras's ``_u_product``).
    """

    SLOTS = ("momentums", "velocities")
    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentums, self.velocities = [], []
        self.u_product = None

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)
        self.velocities = self._zeros_like_each(variables)
        dtype = variables[0].dtype if variables else np.dtype("float32")
        self.u_product = np.ones((), dtype=dtype)

    @property
    def variables(self):
        return super().variables + [self.u_product]

    def _backend_update_step(self, grads, variables, learning_rate):
        dtype = self.u_product.dtype.type
        # Keras: u_product * beta_1 * (1.0 - 0.5 * ops.power(0.96, cast(iterations + 1)))
        self.u_product[...] = self.u_product * dtype(self.beta_1) * (
            dtype(1.0) - dtype(0.5) * dtype(0.96) ** dtype(self.iterations + 1))
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        local_step, next_step = dtype(self.iterations + 1), dtype(self.iterations + 2)
        decay = keras_cast(0.96, variable.dtype)
        beta_1, beta_2 = keras_cast(self.beta_1, variable.dtype), keras_cast(self.beta_2, variable.dtype)
        one, half = dtype(1.0), dtype(0.5)
        u_t = beta_1 * (one - half * decay ** local_step)
        u_t_1 = beta_1 * (one - half * decay ** next_step)
        u_product_t = self.u_product.astype(variable.dtype)[()]
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = beta_2 ** local_step
        m, v = self.momentums[index], self.velocities[index]
        t, u = self._scratch[index]

        np.subtract(gradient, m, out=t)
        t *= one - beta_1
        m += t                                                    # m += (g - m)(1 - β₁)
        np.square(gradient, out=t)
        t -= v
        t *= one - beta_2
        v += t                                                    # v += (g² - v)(1 - β₂)
        np.multiply(u_t_1, m, out=t)
        t /= one - u_product_t_1
        np.multiply(one - u_t, gradient, out=u)
        u /= one - u_product_t
        t += u                                                    # m̂
        t *= lr
        np.divide(v, one - beta_2_power, out=u)
        np.sqrt(u, out=u)
        u += dtype(self.epsilon)
        t /= u
        variable -= t                                             # w -= m̂·lr / (sqrt(v̂) + ε)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
