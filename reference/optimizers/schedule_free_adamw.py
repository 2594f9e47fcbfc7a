"""``ScheduleFreeAdamW``, mirroring ``keras/src/optimizers/schedule_free_adamw.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class ScheduleFreeAdamW(Optimizer):
    r"""Schedule-free AdamW, as Keras computes it: no learning-rate decay needed, the model variable ``y`` an
    interpolation between a fast iterate ``z`` and its running average ``x``.

    Formula:

    $$
    \begin{aligned}
    \eta_t &= \eta\, \min(t/W,\ 1) \quad (W > 0;\ \text{else } \eta_t = \eta) \\
    v_t &= v_{t-1} + (g_t^2 - v_{t-1})(1 - \beta_2) \\
    z_t &= z_{t-1} - \frac{\eta_t\, g_t}{\sqrt{v_t/(1 - \beta_2^{\,t})} + \varepsilon} \\
    x_{t-1} &= \big(y_{t-1} - (1 - \beta_1)\, z_t\big) / \beta_1 \\
    x_t &= (1 - \tfrac1t)\, x_{t-1} + \tfrac1t\, z_t \\
    y_t &= (1 - \beta_1)\, z_t + \beta_1\, x_t
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $g_t$ the gradient (taken at $y$), $\eta$ the learning rate, $W$ =
    ``warmup_steps``, $y$ the model variable, $z$ the slot ``momentums`` (starting at the initial variable),
    $v$ the slot ``velocities`` (0), $x$ the average, not stored but recovered from $y$, and $\beta_1$,
    $\beta_2$, $\varepsilon$ = ``beta_1``, ``beta_2``, ``epsilon``, rounded to float32 (``ops.cast``).

    Keras vs the textbook:

    * Keras recovers $x_{t-1}$ with the *updated* $z_t$ (it reads the slot after ``assign_sub``). Defazio et
      al. (2024), Algorithm 1, keep $x$ exactly, so their $x_{t-1} = (y_{t-1} - (1 - \beta_1) z_{t-1})/\beta_1$:
      Keras's average is off by $(1 - \beta_1)(z_{t-1} - z_t)/\beta_1$ at every step. With a constant gradient
      of 1 and $\eta = 0.1$, step 2 gives $y = -0.15$ where the paper gives $-0.155$.
    * The average weights every step by the uniform $1/t$; the paper's $c_{t+1} = \eta_t^2/\sum_i \eta_i^2$
      is uniform only without warmup.
    * The weight decay is the base class's, applied to $y$ before the step; the paper adds $\lambda y$ to the
      gradient at $y$.
    * The variable holds $y$, where gradients are taken; the paper evaluates at $x$, which Keras does not store.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> opt = rk.optimizers.ScheduleFreeAdamW(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> w                          # t = 1: v̂ = g², z = -0.1·sign(g), and x = y = z
    array([-0.1,  0. ], dtype=float32)
    >>> _ = opt.apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> # z = -0.2; x = (-0.1 + 0.1·0.2)/0.9 = -0.0889 (the paper: -0.1); x = (x + z)/2; y = 0.1z + 0.9x
    >>> np.round(w, 4)
    array([-0.15,  0.  ], dtype=float32)

    Slots: ``momentums`` (z), ``velocities`` (Keras's ``_momentums``, ``_velocities``).
    """

    SLOTS = ("momentums", "velocities")
    elementwise = True

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, name=None,
                 **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps
        self.momentums, self.velocities = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)  # z starts at the variables' values
        for z, v in zip(self.momentums, variables):
            z[...] = v
        self.velocities = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        one = dtype(1.0)
        local_step = dtype(self.iterations + 1)
        beta_1, beta_2 = keras_cast(self.beta_1, variable.dtype), keras_cast(self.beta_2, variable.dtype)
        epsilon = keras_cast(self.epsilon, variable.dtype)
        if self.warmup_steps > 0:
            lr = lr * np.minimum(local_step / dtype(self.warmup_steps), one)
        z, velocity = self.momentums[index], self.velocities[index]
        t, u = self._scratch[index]

        bias_correction_2 = one - beta_2 ** local_step
        np.square(gradient, out=t)
        t -= velocity
        t *= one - beta_2
        velocity += t                                             # v += (g² - v)(1 - β₂)
        np.divide(velocity, bias_correction_2, out=u)
        np.sqrt(u, out=u)
        u += epsilon
        np.multiply(lr, gradient, out=t)
        t /= u
        z -= t                                                    # z -= lr·g / (sqrt(v̂) + ε)
        weight = one / local_step
        np.multiply(one - beta_1, z, out=t)                       # Keras: momentum_old is the updated z
        np.subtract(variable, t, out=t)
        t /= beta_1                                               # x = (y - (1-β₁)z) / β₁
        t *= one - weight
        np.multiply(weight, z, out=u)
        t += u                                                    # x = (1 - 1/t)x + z/t
        t *= beta_1
        np.multiply(one - beta_1, z, out=u)
        np.add(u, t, out=variable)                                # y = (1-β₁)z + β₁x

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
