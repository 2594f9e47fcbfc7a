"""``RMSprop``, mirroring ``keras/src/optimizers/rmsprop.py``."""

import numpy as np

from ..utils.argument_validation import check_float
from .base_optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop, as Keras computes it (``compile``'s default optimizer).

    Keras's rule (``ρ`` = rho, ``μ`` = momentum)::

        v ← ρ·v + (1 - ρ)·g²
        a ← ρ·a + (1 - ρ)·g                       (centered only)
        d = v - a² + ε   (centered)   or   v + ε
        Δ = lr·g / sqrt(d)
        s ← μ·s + Δ;  w ← w - s   (momentum)   or   w ← w - Δ

    Where it departs from Hinton's lecture and from PyTorch: ``ε`` sits
    *inside* the square root (PyTorch adds it outside), and with momentum
    the learning rate is applied before the momentum buffer.

    Args:
        learning_rate: float, schedule or callable, default 0.001.
        rho: discount of the moving average of squared gradients, default 0.9.
        momentum: float in [0, 1], default 0.
        epsilon: default 1e-7.
        centered: if True, divide by the estimated variance instead of the
            raw second moment.
        **kwargs: the base class's options (``weight_decay``, ``clipnorm``, ``use_ema``, ...).

    Slots (Keras's names without the underscore): ``velocities``, ``momentums`` (momentum > 0),
    ``average_gradients`` (centered).
    """

    SLOTS = ("velocities", "momentums", "average_gradients")
    elementwise = True

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name=None,
                 **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho = check_float("rho", rho, 0.0, 1.0)
        self.momentum = check_float("momentum", momentum, 0.0, 1.0)
        self.epsilon = check_float("epsilon", epsilon, 0.0)
        self.centered = bool(centered)
        self.velocities, self.momentums, self.average_gradients = [], [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.velocities = self._zeros_like_each(variables)
        self.momentums = self._zeros_like_each(variables) if self.momentum > 0 else []
        self.average_gradients = self._zeros_like_each(variables) if self.centered else []

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        rho, one_minus_rho = dtype(self.rho), dtype(1 - self.rho)
        v = self.velocities[index]
        t, u = self._scratch[index]

        np.square(gradient, out=t)
        t *= one_minus_rho
        v *= rho
        v += t                                                    # v = ρv + (1-ρ)g²
        if self.centered:
            a = self.average_gradients[index]
            np.multiply(gradient, one_minus_rho, out=t)
            a *= rho
            a += t                                                # a = ρa + (1-ρ)g
            np.square(a, out=u)
            np.subtract(v, u, out=u)
            u += dtype(self.epsilon)                              # d = v - a² + ε
        else:
            np.add(v, dtype(self.epsilon), out=u)                 # d = v + ε
        np.sqrt(u, out=u)
        np.multiply(gradient, lr, out=t)
        t /= u                                                    # Δ = lr·g / sqrt(d)
        if self.momentum > 0:
            s = self.momentums[index]
            s *= dtype(self.momentum)
            s += t                                                # s = μs + Δ
            variable -= s
        else:
            variable -= t

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
