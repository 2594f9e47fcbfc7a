"""``Ftrl``, mirroring ``keras/src/optimizers/ftrl.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal, as Keras computes it, with ``p = -learning_rate_power`` (default 0.5), ``λ₁`` =
    ``l1_regularization_strength``, ``λ₂ = l2_regularization_strength + beta/(2·lr)`` and ``λ₂ˢ`` =
    ``l2_shrinkage_regularization_strength``::

        ĝ = g + 2λ₂ˢ·w                           (shrinkage enters the linear term only)
        n' = n + g²                              (the accumulator sees the raw g)
        z ← z + ĝ - ((n'ᵖ - nᵖ) / lr)·w
        q = n'ᵖ / lr + 2λ₂
        w ← (clip(z, -λ₁, λ₁) - z) / q           (0 where |z| ≤ λ₁, else -(z - sign(z)λ₁)/q)
        n ← n'

    Where it departs from the paper (McMahan et al., 2013, Algorithm 1): ``n`` starts at
    ``initial_accumulator_value`` (0.1), not 0; the per-coordinate rate is ``lr / n^p`` with a free power
    ``p`` (the paper has ``α/(β + sqrt(n))``: Keras's ``beta`` enters as the extra L2 term ``beta/(2·lr)``,
    and ``learning_rate_power=-0.5`` gives the square root); ``λ₂`` enters the denominator as ``2λ₂``
    (the paper has ``λ₂``); the shrinkage term is TensorFlow's addition.

    Slots: ``accumulators``, ``linears`` (Keras's ``_accumulators``, ``_linears``).
    """

    SLOTS = ("accumulators", "linears")
    elementwise = True

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        for arg, value, what in (("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
                                 ("learning_rate_power", -learning_rate_power, "negative or zero"),
                                 ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
                                 ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
                                 ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength,
                                  "positive or zero")):
            if value < 0.0:
                shown = learning_rate_power if arg == "learning_rate_power" else value
                raise ValueError(f"`{arg}` needs to be {what}. Received: {arg}={shown}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta
        self.accumulators, self.linears = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.accumulators = self._full_like_each(variables, self.initial_accumulator_value)
        self.linears = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        accum, linear = self.accumulators[index], self.linears[index]
        t, new_accum = self._scratch[index]
        power = dtype(-self.learning_rate_power)
        l2_reg = dtype(self.l2_regularization_strength) + dtype(self.beta) / (dtype(2.0) * lr)
        l1 = dtype(self.l1_regularization_strength)

        np.square(gradient, out=new_accum)
        new_accum += accum                                        # n' = n + g²   (u holds n')
        np.power(new_accum, power, out=t)
        np.power(accum, power, out=accum)                         # n is replaced by n' below: reuse it
        t -= accum
        t /= lr
        t *= variable                                             # ((n'ᵖ - nᵖ)/lr)·w
        np.multiply(dtype(2 * self.l2_shrinkage_regularization_strength), variable, out=accum)
        accum += gradient                                         # ĝ = g + 2λ₂ˢw
        accum -= t
        linear += accum                                           # z += ĝ - ((n'ᵖ - nᵖ)/lr)·w
        np.power(new_accum, power, out=t)
        t /= lr
        t += dtype(2) * l2_reg                                    # q = n'ᵖ/lr + 2λ₂
        np.clip(linear, -l1, l1, out=accum)
        accum -= linear
        np.divide(accum, t, out=variable)                         # w = (clip(z, -λ₁, λ₁) - z) / q
        accum[...] = new_accum                                    # n = n'

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
