"""``SGD``, mirroring ``keras/src/optimizers/sgd.py``."""

import numbers

import numpy as np

from .base_optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent, with optional momentum and Nesterov momentum.

    Keras's rule (``lr`` = learning rate, ``μ`` = momentum)::

        no momentum:  w ← w - g·lr
        momentum:     m ← m·μ - g·lr;   w ← w + m
        nesterov:     m ← m·μ - g·lr;   w ← w + m·μ - g·lr

    The velocity ``m`` carries the learning rate inside it (PyTorch's keeps it
    outside), so changing ``lr`` mid-run affects only new contributions.

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
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
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
        # in float64 the momentum is μ rounded to float32 (found by the parity suite's float64 SGD trajectories)
        momentum = variable.dtype.type(np.float32(self.momentum))
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
