"""``RMSprop``, mirroring ``keras/src/optimizers/rmsprop.py``."""

import numpy as np

from ..utils.argument_validation import check_float
from .base_optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop, as Keras computes it (``compile``'s default optimizer).

    Formula:

    $$
    \begin{aligned}
    v_t &= \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \\
    a_t &= \rho\, a_{t-1} + (1 - \rho)\, g_t & &\text{(centered only)} \\
    \Delta_t &= \frac{\eta\, g_t}{\sqrt{v_t - a_t^2 + \varepsilon}} \ \text{(centered)}
      \quad\text{or}\quad \frac{\eta\, g_t}{\sqrt{v_t + \varepsilon}} \\
    s_t &= \mu\, s_{t-1} + \Delta_t, \quad w_t = w_{t-1} - s_t \ \text{(momentum)}
      \quad\text{or}\quad w_t = w_{t-1} - \Delta_t
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate, $\rho$ = ``rho``, $\mu$ = ``momentum``,
    $\varepsilon$ = ``epsilon``, and $v$, $a$, $s$ the slots ``velocities``, ``average_gradients`` (centered)
    and ``momentums`` (momentum > 0), all 0 at the start.

    Keras vs the textbook:

    * $\varepsilon$ sits *inside* the square root, as in Graves (2013), eq. (38)-(41); PyTorch adds it outside,
      $\eta\, g/(\sqrt{v} + \varepsilon)$. Hinton's lecture (2012, slide 6e) has no $\varepsilon$.
    * With momentum, the buffer $s$ holds steps already multiplied by the learning rate (as Graves); PyTorch's
      buffer holds $g/\sqrt{v}$ and multiplies by $\eta$ after.
    * $v$ starts at 0 and is not bias-corrected: the first step is $\eta\, g/\sqrt{(1 - \rho) g^2}$ =
      $\eta/\sqrt{1 - \rho}$ times $\mathrm{sign}(g)$, 3.16 learning rates with the default $\rho = 0.9$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> _ = rk.optimizers.RMSprop(learning_rate=0.1, rho=0.75, epsilon=0.0).apply_gradients(
    ...     [(np.float32([2.0, -1.0]), w)])
    >>> w                                  # v = 0.25·g², so 0.1·g/(0.5·|g|) = 0.2·sign(g)
    array([-0.2,  0.2], dtype=float32)
    >>> w = np.zeros(2, np.float32)        # centered: v = 1, a = 0.5, 0.1·2/sqrt(1 - 0.25); a zero g stays 0
    >>> _ = rk.optimizers.RMSprop(learning_rate=0.1, rho=0.75, centered=True).apply_gradients(
    ...     [(np.float32([2.0, 0.0]), w)])
    >>> np.round(w, 5)
    array([-0.23094,  0.     ], dtype=float32)

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
