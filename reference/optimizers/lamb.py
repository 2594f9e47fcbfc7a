"""``Lamb``, mirroring ``keras/src/optimizers/lamb.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Lamb(Optimizer):
    r"""LAMB, as Keras computes it: Adam's bias-corrected step, rescaled per variable by a trust ratio.

    Formula:

    $$
    \begin{aligned}
    m_t &= m_{t-1} + (g_t - m_{t-1})(1 - \beta_1), \qquad v_t = v_{t-1} + (g_t^2 - v_{t-1})(1 - \beta_2) \\
    r_t &= \frac{m_t/(1 - \beta_1^{\,t})}{\sqrt{v_t/(1 - \beta_2^{\,t})} + \varepsilon} \\
    \rho_t &= \begin{cases} \lVert w_{t-1} \rVert / \lVert r_t \rVert & \text{if } \lVert w_{t-1} \rVert > 0
      \text{ and } \lVert r_t \rVert > 0 \\ 1 & \text{otherwise} \end{cases} \\
    w_t &= w_{t-1} - \rho_t\, \eta\, r_t
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $g_t$ the gradient, $\eta$ the learning rate, $m$, $v$ the slots
    ``momentums``, ``velocities`` (0 at the start), $\beta_1$, $\beta_2$, $\varepsilon$ = ``beta_1``,
    ``beta_2``, ``epsilon`` (the powers $\beta^t$ from $\beta$ rounded to float32), and $\lVert\cdot\rVert$ the
    L2 norm over the whole variable.

    Keras vs the textbook:

    * You et al. (2020), Algorithm 2, scales by $\phi(\lVert w \rVert)/\lVert r_t + \lambda w \rVert$, with a
      scaling function $\phi$ (often a clip) and the weight decay $\lambda w$ inside the trust ratio. Keras uses
      the plain $\lVert w \rVert/\lVert r_t \rVert$ (no $\phi$, no clip) and its weight decay is the base
      class's, applied before and not trust-scaled.
    * Unlike Keras's :class:`Adam`, $\varepsilon$ is added to the square root of the *bias-corrected*
      $v$, as in the paper.
    * A variable at 0 (a freshly zero-initialised bias) takes ratio 1: a plain Adam step.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.float32([3.0, 4.0])
    >>> _ = rk.optimizers.Lamb(learning_rate=0.1).apply_gradients([(np.float32([1.0, -1.0]), w)])
    >>> # r ≈ (1, -1), ratio = ‖w‖/‖r‖ = 5/sqrt(2): w - 0.1·(5/sqrt(2))·r = (3 - 0.35355, 4 + 0.35355)
    >>> np.round(w, 4)
    array([2.6464, 4.3536], dtype=float32)
    >>> w = np.zeros(2, np.float32)         # ‖w‖ = 0: ratio 1, the step is -0.1·sign(g)
    >>> _ = rk.optimizers.Lamb(learning_rate=0.1).apply_gradients([(np.float32([1.0, -1.0]), w)])
    >>> np.round(w, 4)
    array([-0.1,  0.1], dtype=float32)

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
