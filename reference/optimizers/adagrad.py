"""``Adagrad``, mirroring ``keras/src/optimizers/adagrad.py``."""

import numpy as np

from .base_optimizer import Optimizer


class Adagrad(Optimizer):
    r"""Adagrad, as Keras computes it.

    Formula:

    $$
    \begin{aligned}
    a_t &= a_{t-1} + g_t^2 \\
    w_t &= w_{t-1} - \frac{\eta\, g_t}{\sqrt{a_t + \varepsilon}}
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate, $\varepsilon$ = ``epsilon`` and $a$ the slot
    ``accumulators``, starting at $a_0$ = ``initial_accumulator_value`` (default 0.1, through float32).

    Keras vs the textbook:

    * Duchi et al. (2011), Section 1.1 (the diagonal version), start the sum of squares at 0 and add their
      $\delta$ outside the root, $\eta\, g/(\delta + \sqrt{a_t})$ (as PyTorch does). Keras starts $a$ at 0.1
      and puts $\varepsilon$ *inside* the root. The 0.1 damps the first steps: a first gradient of 0.3 moves a
      weight by $0.3\eta/\sqrt{0.19}$ = $0.69\eta$, where the paper's first step is $\eta\,\mathrm{sign}(g)$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(2, np.float32)
    >>> opt = rk.optimizers.Adagrad(learning_rate=0.5, initial_accumulator_value=0.0, epsilon=0.0)
    >>> _ = opt.apply_gradients([(np.float32([2.0, -3.0]), w)])
    >>> w                                  # a = g², so -0.5·g/|g|
    array([-0.5,  0.5], dtype=float32)
    >>> _ = opt.apply_gradients([(np.float32([2.0, 4.0]), w)])
    >>> np.round(w, 4)                     # a = (8, 25): -0.5 - 0.5·2/sqrt(8), 0.5 - 0.5·4/5
    array([-0.8536,  0.1   ], dtype=float32)
    >>> w = np.zeros(1, np.float32)        # the default a₀ = 0.1: 0.1·0.3/sqrt(0.09 + 0.1), not 0.1
    >>> _ = rk.optimizers.Adagrad(learning_rate=0.1).apply_gradients([(np.float32([0.3]), w)])
    >>> np.round(w, 4)
    array([-0.0688], dtype=float32)

    Slots: ``accumulators`` (Keras's ``_accumulators``).
    """

    SLOTS = ("accumulators",)
    elementwise = True

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon
        self.accumulators = []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.accumulators = self._full_like_each(variables, self.initial_accumulator_value)

    def update_step(self, gradient, variable, lr, index):
        accumulator = self.accumulators[index]
        t, u = self._scratch[index]
        np.square(gradient, out=t)
        accumulator += t                                          # a += g²
        np.multiply(lr, gradient, out=t)
        np.add(accumulator, variable.dtype.type(self.epsilon), out=u)
        np.sqrt(u, out=u)
        t /= u
        variable -= t                                             # w -= lr·g / sqrt(a + ε)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
