"""``Adadelta``, mirroring ``keras/src/optimizers/adadelta.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta, as Keras computes it.

    Formula:

    $$
    \begin{aligned}
    E[g^2]_t &= \rho\, E[g^2]_{t-1} + (1 - \rho)\, g_t^2 \\
    \Delta_t &= -\frac{\sqrt{E[\Delta^2]_{t-1} + \varepsilon}}{\sqrt{E[g^2]_t + \varepsilon}}\; g_t \\
    E[\Delta^2]_t &= \rho\, E[\Delta^2]_{t-1} + (1 - \rho)\, \Delta_t^2 \\
    w_t &= w_{t-1} + \eta\, \Delta_t
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate, $\rho$ = ``rho``, $\varepsilon$ = ``epsilon``, and
    $E[g^2]$, $E[\Delta^2]$ the slots ``accumulated_grads`` and ``accumulated_delta_vars`` (0 at the start).

    Keras vs the textbook:

    * Zeiler (2012), Algorithm 1, has no learning rate: its update is $w + \Delta_t$. Keras multiplies
      $\Delta_t$ by ``learning_rate``, default 0.001, so the paper's method is ``learning_rate=1.0``.
    * ``epsilon`` defaults to $10^{-7}$ (the paper uses $10^{-6}$ and $10^{-8}$); at the first step
      $E[\Delta^2] = 0$ and the step is $-\eta\sqrt{\varepsilon}\, g/\sqrt{(1 - \rho) g^2 + \varepsilon}$, about
      $\eta\sqrt{\varepsilon/(1 - \rho)}$ whatever the size of $g$: $\varepsilon$ sets the initial step.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> _ = rk.optimizers.Adadelta(learning_rate=1.0, rho=0.5).apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> # step 1: -sqrt(1e-7)·1/sqrt(0.5 + 1e-7) ≈ -sqrt(2e-7) = -4.472e-4; a zero gradient: 0
    >>> np.round(w * 1e4, 3)
    array([-4.472,  0.   ], dtype=float32)

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
