"""``SGD``, mirroring ``keras/src/optimizers/sgd.py``."""

import numpy as np

from ..utils.argument_validation import is_number
from .base_optimizer import Optimizer, keras_cast


class SGD(Optimizer):
    r"""Gradient descent, with optional momentum and Nesterov momentum.

    Formula:

    $$
    \begin{aligned}
    &\text{no momentum:} & w_t &= w_{t-1} - \eta\, g_t \\
    &\text{momentum:} & m_t &= \mu\, m_{t-1} - \eta\, g_t, \qquad w_t = w_{t-1} + m_t \\
    &\text{nesterov:} & m_t &= \mu\, m_{t-1} - \eta\, g_t, \qquad w_t = w_{t-1} + \mu\, m_t - \eta\, g_t
    \end{aligned}
    $$

    where $g_t$ is the gradient, $\eta$ the learning rate of this step, $\mu$ = ``momentum`` (rounded to float32,
    ``ops.cast``, in a float64 run) and $m$ the slot ``momentums`` (0 at the start, only when $\mu \ne 0$).

    Keras vs the textbook:

    * The velocity $m$ carries the learning rate, as in Sutskever et al. (2013), eq. (1); PyTorch's buffer
      does not ($b = \mu b + g$, $w \leftarrow w - \eta b$). The two agree while $\eta$ is constant; when it
      changes mid-run, Keras's past contributions keep their old $\eta$: with the learning rate set to 0, the
      weights go on moving by $\mu m$.
    * ``nesterov=True`` is the reformulation of Bengio et al. (2013), in the variable itself: no
      gradient is taken at a look-ahead point, unlike Sutskever et al.'s (2013) eq. (3)-(4).

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(1, np.float32)
    >>> opt = rk.optimizers.SGD(learning_rate=0.5, momentum=0.5)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(np.float32([1.0]), w)])
    >>> w                                        # m = -0.5, then 0.5·(-0.5) - 0.5 = -0.75: w = -0.5 - 0.75
    array([-1.25], dtype=float32)
    >>> opt.learning_rate = 0.0
    >>> _ = opt.apply_gradients([(np.float32([1.0]), w)])
    >>> w                                        # η = 0, yet w moves by μm = -0.375
    array([-1.625], dtype=float32)

    Args:
        learning_rate: float, schedule or callable, default 0.01.
        momentum: float in [0, 1], default 0.
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the base class's options (``weight_decay``, ``clipnorm``, ``use_ema``, ...).

    Slots: ``momentums`` (Keras's name), only with momentum.
    """

    SLOTS = ("momentums",)
    elementwise = True

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        if not is_number(momentum) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.momentums = []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables) if self.momentum != 0 else []

    def update_step(self, gradient, variable, lr, index):
        t, u = self._scratch[index]
        if self.momentum == 0:
            np.multiply(gradient, lr, out=t)
            variable -= t                                         # w -= g·lr
            return
        m = self.momentums[index]
        # Keras's ops.cast(momentum, dtype) is tf.cast, which makes a Python float a float32 tensor first:
        # in float64 the momentum is μ rounded to float32, so the float64 trajectory is Keras's, not the textbook's
        momentum = keras_cast(self.momentum, variable.dtype)
        np.multiply(gradient, lr, out=u)                          # u = g·lr
        m *= momentum
        m -= u                                                    # m = m·μ - g·lr
        if self.nesterov:
            np.multiply(m, momentum, out=t)
            t -= u
            variable += t                                         # w += m·μ - g·lr
        else:
            variable += m                                         # w += m

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
