"""``Lion``, mirroring ``keras/src/optimizers/lion.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class Lion(Optimizer):
    """Lion, as Keras computes it::

        w ← w - lr·sign(β₁·m + (1 - β₁)·g)
        m ← β₂·m + (1 - β₂)·g

    As in the paper (Chen et al., 2023, Algorithm 2), except that the weight decay is the base class's
    (``w·wd·lr`` subtracted *before* the sign step; the paper folds ``λw`` into the step), and ``β₁, β₂``
    pass through ``ops.cast`` (float32, then the variable's dtype), ``1 - β`` being computed after.

    ``beta_1`` must be in (0, 1] (Keras: otherwise Lion is SignSGD).

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
        t += u
        np.sign(t, out=t)
        t *= lr
        variable -= t                                             # w -= lr·sign(β₁m + (1-β₁)g)
        m *= beta_2
        np.multiply(gradient, one - beta_2, out=u)
        m += u                                                    # m = β₂m + (1-β₂)g

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
