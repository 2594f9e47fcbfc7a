"""``Ftrl``, mirroring ``keras/src/optimizers/ftrl.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Ftrl(Optimizer):
    r"""FTRL-Proximal, as Keras computes it: a per-coordinate closed-form step from a linear term ``z`` and an
    accumulator ``n``, exactly 0 where the L1 term dominates.

    Formula:

    $$
    \begin{aligned}
    \hat g_t &= g_t + 2\lambda_2^{s}\, w_{t-1} \\
    n'_t &= n_{t-1} + g_t^2 \\
    \sigma_t &= \big(n'^{\,p}_t - n_{t-1}^{\,p}\big) / \eta \\
    z_t &= z_{t-1} + \hat g_t - \sigma_t\, w_{t-1} \\
    w_t &= \frac{\mathrm{clip}(z_t, -\lambda_1, \lambda_1) - z_t}{n'^{\,p}_t/\eta + 2\lambda_2 + \beta/\eta}
      = \begin{cases} 0 & |z_t| \le \lambda_1 \\[2pt]
      -\dfrac{z_t - \mathrm{sign}(z_t)\,\lambda_1}{n'^{\,p}_t/\eta + 2\lambda_2 + \beta/\eta} & \text{otherwise}
      \end{cases} \\
    n_t &= n'_t
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate, $p$ = ``-learning_rate_power`` (default 0.5, the
    square root), $\lambda_1$ = ``l1_regularization_strength``, $\lambda_2$ = ``l2_regularization_strength``,
    $\lambda_2^s$ = ``l2_shrinkage_regularization_strength``, $\beta$ = ``beta`` (Keras adds $\beta/(2\eta)$ to
    $\lambda_2$, which the $2\lambda_2$ doubles); $n'$ is the new accumulator, $\sigma_t$ the increase of the
    inverse per-coordinate rate $n^p/\eta$, and $n$, $z$ the slots ``accumulators`` (starting at
    ``initial_accumulator_value``, default 0.1, through float32) and ``linears`` (0).

    Keras vs the textbook:

    * McMahan et al. (2013), Algorithm 1, starts $n$ at 0, uses the square root ($p = \frac12$) and the
      denominator $(\beta + \sqrt{n})/\alpha + \lambda_2$. Keras starts $n$ at 0.1, lets the power be any
      ``-learning_rate_power``, and has $2\lambda_2$ where the paper has $\lambda_2$ (TensorFlow's L2 term is
      $\lambda_2 w^2$, the paper's $\frac12\lambda_2 w^2$); $\beta/\eta$ is the paper's $\beta/\alpha$.
    * The shrinkage $\lambda_2^s$ is TensorFlow's addition: it enters the linear term $z$ through $\hat g$, while
      the accumulator $n$ sees the raw $g$.
    * With ``initial_accumulator_value=0`` a coordinate whose gradients are all 0 divides 0 by 0 (NaN) unless
      $\lambda_2$ or $\beta$ is positive; Keras's default 0.1 avoids it.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> opt = rk.optimizers.Ftrl(learning_rate=1.0, initial_accumulator_value=0.0)
    >>> _ = opt.apply_gradients([(np.float32([3.0, -4.0]), w)])
    >>> w                                   # n' = g², z = g, w = -z/sqrt(n') = -sign(g)
    array([-1.,  1.], dtype=float32)
    >>> w = np.zeros(3, np.float32)         # λ₁ = 1: -(z - sign(z))/|g|, and 0 where |z| = 0.5 ≤ λ₁
    >>> opt = rk.optimizers.Ftrl(learning_rate=1.0, initial_accumulator_value=0.0, l1_regularization_strength=1.0)
    >>> _ = opt.apply_gradients([(np.float32([3.0, -4.0, 0.5]), w)])
    >>> np.round(w, 4)
    array([-0.6667,  0.75  ,  0.    ], dtype=float32)

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
