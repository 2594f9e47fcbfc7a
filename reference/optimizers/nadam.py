"""``Nadam``, mirroring ``keras/src/optimizers/nadam.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Nadam(Optimizer):
    r"""Nadam, as Keras computes it: Adam with Nesterov momentum and Dozat's warming-up momentum schedule.

    Formula:

    $$
    \begin{aligned}
    \mu_t &= \beta_1\big(1 - \tfrac12\, 0.96^{\,t}\big), \qquad \Pi_t = \prod_{i=1}^{t} \mu_i \\
    m_t &= m_{t-1} + (g_t - m_{t-1})(1 - \beta_1), \qquad v_t = v_{t-1} + (g_t^2 - v_{t-1})(1 - \beta_2) \\
    \hat m_t &= \frac{\mu_{t+1}\, m_t}{1 - \Pi_t\, \mu_{t+1}} + \frac{(1 - \mu_t)\, g_t}{1 - \Pi_t},
      \qquad \hat v_t = \frac{v_t}{1 - \beta_2^{\,t}} \\
    w_t &= w_{t-1} - \frac{\eta\, \hat m_t}{\sqrt{\hat v_t} + \varepsilon}
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $g_t$ the gradient, $\eta$ the learning rate, $m$, $v$ the slots
    ``momentums``, ``velocities`` (0 at the start), $\Pi_t$ the scalar slot ``u_product`` (1 at the start,
    updated once per step before the variables, in the dtype of the first variable), $\beta_1$, $\beta_2$,
    $\varepsilon$ = ``beta_1``, ``beta_2``, ``epsilon``. ``u_product`` is updated with the exact $\beta_1$ and
    0.96; the update itself uses $\beta_1$, $\beta_2$ and 0.96 rounded to float32 (``ops.cast``), then $1 -
    \beta_1$, $1 - \beta_2$ in the variable's dtype.

    Keras vs the textbook:

    * The momentum schedule runs 250 times faster than the paper's. Dozat (2016), after Sutskever et al.
      (2013), warms the momentum up as $\mu_t = \beta_1(1 - \frac12\, 0.96^{\,t\psi})$ with $\psi = 0.004$, i.e.
      $0.96^{t/250}$, and so did Keras 2 and TF's ``optimizer_v2`` Nadam (``schedule_decay=0.004``, still in
      ``tensorflow/python/keras/optimizer_v2/nadam.py``: ``pow(0.96, 0.004·t)``). Keras 3 computes
      $0.96^{\,t}$ with no $\psi$: $\mu_t$ passes $0.99\,\beta_1$ at $t = 96$, where the paper's schedule takes
      $t = 23\,958$; $\mu_1 = 0.468$ (0.45 in the paper), and after a hundred steps Keras's Nadam is Adam with
      a plain Nesterov momentum $\beta_1$.
    * $\varepsilon$ is added to $\sqrt{\hat v_t}$ (the bias-corrected $v$), as in the paper and unlike Keras's
      :class:`Adam`.
    * Since $\mu_{t+1} > \mu_t$ early on, the first step is larger than the learning rate: $\eta(\mu_2 \cdot
      0.1/(1 - \mu_1\mu_2) + 1) = 1.0628\,\eta$ for the defaults, whatever the size of $g$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> opt = rk.optimizers.Nadam(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> round(float(opt.u_product), 4)         # μ₁ = 0.9·(1 - 0.5·0.96)
    0.468
    >>> # μ₂ = 0.9·(1 - 0.5·0.96²) = 0.48528; m̂ = μ₂·0.1/(1 - μ₁μ₂) + (1 - μ₁)/(1 - μ₁) = 1.06279; v̂ = 1
    >>> np.round(w, 5)
    array([-0.10628,  0.     ], dtype=float32)

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
