"""``Adamax``, mirroring ``keras/src/optimizers/adamax.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Adamax(Optimizer):
    r"""Adamax, as Keras computes it: Adam with the infinity norm in place of the second moment.

    Formula:

    $$
    \begin{aligned}
    m_t &= m_{t-1} + (g_t - m_{t-1})(1 - \beta_1) \\
    u_t &= \max(\beta_2\, u_{t-1},\ |g_t|) \\
    w_t &= w_{t-1} - \frac{\eta\, m_t}{(1 - \beta_1^{\,t})(u_t + \varepsilon)}
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $g_t$ the gradient, $\eta$ the learning rate, $m$ and $u$ the slots ``m``
    and ``u`` (0 at $t = 0$), $\beta_1$, $\beta_2$, $\varepsilon$ the arguments ``beta_1``, ``beta_2``,
    ``epsilon``. $\beta_1^t$ uses $\beta_1$ rounded to float32 (``ops.cast``); $1 - \beta_1$ and $\beta_2$ are
    exact.

    Keras vs the textbook:

    * Kingma & Ba (2015), Algorithm 2, steps $(\eta/(1 - \beta_1^t))\, m_t/u_t$ with no $\varepsilon$: a weight
      whose gradients have all been 0 divides 0 by 0. Keras adds $\varepsilon$ to $u_t$, so that weight does not
      move, and multiplies the denominator by the bias correction instead of dividing the step size.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(3, np.float32)
    >>> _ = rk.optimizers.Adamax(learning_rate=0.1).apply_gradients([(np.float32([2.0, -4.0, 0.0]), w)])
    >>> # step 1: m = 0.1·g, u = |g|, so -0.1·0.1g/(0.1·(|g| + 1e-7)) = -0.1·sign(g); 0/(0 + ε) = 0
    >>> np.round(w, 4)
    array([-0.1,  0.1,  0. ], dtype=float32)

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
