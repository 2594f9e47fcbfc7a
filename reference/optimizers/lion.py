"""``Lion``, mirroring ``keras/src/optimizers/lion.py``."""

import numpy as np

from ..ops import flush_subnormal
from .base_optimizer import Optimizer, keras_cast


class Lion(Optimizer):
    r"""Lion, as Keras computes it: a step of the learning rate's size on every entry, in the sign of an
    interpolated momentum.

    Formula:

    $$
    \begin{aligned}
    w_t &= w_{t-1} - \eta\, \mathrm{sign}\big(\beta_1 m_{t-1} + (1 - \beta_1)\, g_t\big) \\
    m_t &= \beta_2\, m_{t-1} + (1 - \beta_2)\, g_t
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate, $m$ the slot ``momentums`` (0 at the start),
    $\beta_1$, $\beta_2$ = ``beta_1``, ``beta_2`` rounded to float32 (``ops.cast``) with $1 - \beta$ computed
    after, and $\mathrm{sign}(0) = 0$. TensorFlow flushes subnormal results to 0: each product of the
    interpolation and its sum are flushed before the sign (a gradient of $10^{-40}$ in float32 does not move
    its weight).

    Keras vs the textbook:

    * Chen et al. (2023), Algorithm 2, folds the weight decay into the step, $w - \eta(\mathrm{sign}(c) +
      \lambda w)$; Keras's is the base class's $w - w\lambda\eta$ applied just before, the same value up to
      rounding. Otherwise Keras computes the paper's rule.
    * Every entry moves by exactly $\eta$ unless its interpolation is exactly 0: a gradient of $10^{-20}$ moves
      its weight as far as one of $10^{3}$, and a weight keeps moving while $m \ne 0$ after its gradient
      becomes 0. ``beta_1`` must be in (0, 1] (Keras: otherwise Lion is SignSGD).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(3, np.float32)
    >>> opt = rk.optimizers.Lion(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(np.float32([3.0, -1e-20, 0.0]), w)])
    >>> w                                   # -0.1·sign(0.1·g): a full step for 1e-20, none for 0
    array([-0.1,  0.1,  0. ], dtype=float32)
    >>> _ = opt.apply_gradients([(np.float32([-1.0, 0.0, 0.0]), w)])
    >>> w                                   # 0.9·0.03 - 0.1 < 0 steps back; m = -1e-22 still steps
    array([0. , 0.2, 0. ], dtype=float32)

    Slots: ``momentums`` (Keras's ``_momentums``).
    """

    SLOTS = ("momentums",)
    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")
        self.momentums = []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        beta_1, beta_2 = keras_cast(self.beta_1, variable.dtype), keras_cast(self.beta_2, variable.dtype)
        one = variable.dtype.type(1.0)
        m = self.momentums[index]
        t, u = self._scratch[index]

        np.multiply(m, beta_1, out=t)
        np.multiply(gradient, one - beta_1, out=u)
        t[...] = flush_subnormal(t)                               # TF flushes each product and the sum:
        u[...] = flush_subnormal(u)                               # sign(c) of a subnormal c is 0 there
        t += u
        t[...] = flush_subnormal(t)
        np.sign(t, out=t)
        t *= lr
        variable -= t                                             # w -= lr·sign(β₁m + (1-β₁)g)
        m *= beta_2
        np.multiply(gradient, one - beta_2, out=u)
        m += u                                                    # m = β₂m + (1-β₂)g

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
