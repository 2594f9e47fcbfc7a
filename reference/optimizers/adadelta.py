"""``Adadelta``, mirroring ``keras/src/optimizers/adadelta.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta, as Keras computes it (``ρ`` = rho)::

        E[g²] ← ρ·E[g²] + (1 - ρ)·g²
        Δ = -(sqrt(E[Δ²] + ε)·g) / sqrt(E[g²] + ε)         (the old E[Δ²], the new E[g²])
        E[Δ²] ← ρ·E[Δ²] + (1 - ρ)·Δ²
        w ← w + lr·Δ

    Where it departs from the paper (Zeiler, 2012, Algorithm 1): the step is multiplied by a learning rate
    (default 0.001; the paper has none, i.e. ``learning_rate=1.0``), and ε defaults to 1e-7 (the paper
    uses 1e-6 and 1e-8).

    Slots: ``accumulated_grads``, ``accumulated_delta_vars`` (Keras's names without the underscore).
    """

    SLOTS = ("accumulated_grads", "accumulated_delta_vars")
    elementwise = True

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon
        self.accumulated_grads, self.accumulated_delta_vars = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.accumulated_grads = self._zeros_like_each(variables)
        self.accumulated_delta_vars = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        rho, one_minus_rho, epsilon = dtype(self.rho), dtype(1 - self.rho), dtype(self.epsilon)
        accumulated_grad = self.accumulated_grads[index]
        accumulated_delta_var = self.accumulated_delta_vars[index]
        t, u = self._scratch[index]

        np.square(gradient, out=t)
        t *= one_minus_rho
        accumulated_grad *= rho
        accumulated_grad += t                                     # E[g²] = ρE[g²] + (1-ρ)g²
        np.add(accumulated_delta_var, epsilon, out=t)
        np.sqrt(t, out=t)
        t *= gradient                                             # rms(E[Δ²])·g
        np.add(accumulated_grad, epsilon, out=u)
        np.sqrt(u, out=u)
        t /= u
        np.negative(t, out=t)                                     # Δ = -rms(E[Δ²])·g / rms(E[g²])
        np.square(t, out=u)
        u *= one_minus_rho
        accumulated_delta_var *= rho
        accumulated_delta_var += u                                # E[Δ²] = ρE[Δ²] + (1-ρ)Δ²
        t *= lr
        variable += t                                             # w += lr·Δ

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
