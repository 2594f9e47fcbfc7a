"""``Adam``, mirroring ``keras/src/optimizers/adam.py``."""

import numpy as np

from ..utils.argument_validation import check_float
from .base_optimizer import Optimizer


class Adam(Optimizer):
    """Adam, as Keras computes it.

    Keras's rule, at step ``t = iterations + 1``::

        α  = lr · sqrt(1 - β₂ᵗ) / (1 - β₁ᵗ)
        m ← m + (g - m)(1 - β₁)
        v ← v + (g² - v)(1 - β₂)
        v̂ ← max(v̂, v)                    (amsgrad only; then v̂ replaces v)
        w ← w - m·α / (sqrt(v) + ε)

    Where it departs from the paper (Kingma & Ba, Algorithm 1):

    * the bias corrections are folded into the step size ``α`` instead of
      computing ``m̂ = m/(1-β₁ᵗ)`` and ``v̂ = v/(1-β₂ᵗ)``;
    * so ``ε`` is added to ``sqrt(v)``, not to ``sqrt(v̂)``: Keras's ``ε`` is the
      paper's "ε-hat" (the paper's own footnote), and it weighs
      ``1/sqrt(1-β₂ᵗ)`` times more than the paper's ε in early steps;
    * the moment updates are written ``m + (g - m)(1 - β₁)``, which rounds
      differently from ``β₁m + (1 - β₁)g``;
    * amsgrad keeps the running max of ``v`` itself, not of the bias-corrected ``v̂``.

    ``weight_decay`` here is the base class's: decoupled (``w ← w - w·wd·lr`` before the rule above), the
    same arithmetic as :class:`AdamW`'s, which only changes the default (0.004) and forbids ``None``.
    It is *not* the L2 penalty ``g + wd·w`` of the paper's Adam with weight decay.

    Args:
        learning_rate: float, schedule or callable, default 0.001.
        beta_1, beta_2: decay rates of the first and second moments, in [0, 1].
        epsilon: default 1e-7 (the paper suggests 1e-8).
        amsgrad: whether to use AMSGrad (Reddi et al., 2018).
        **kwargs: the base class's options (``weight_decay``, ``clipnorm``, ``use_ema``, ...).

    Slots (Keras's names without the underscore): ``momentums``, ``velocities``, ``velocity_hats`` (amsgrad).
    """

    SLOTS = ("momentums", "velocities", "velocity_hats")
    elementwise = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name=None,
                 **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = check_float("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = check_float("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = check_float("epsilon", epsilon, 0.0)
        self.amsgrad = bool(amsgrad)
        self.momentums, self.velocities, self.velocity_hats = [], [], []
        self._coefficients_key = None

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)
        self.velocities = self._zeros_like_each(variables)
        self.velocity_hats = self._zeros_like_each(variables) if self.amsgrad else []

    def _coefficients(self, lr):
        """``(α, 1 - β₁, 1 - β₂, ε)`` in ``lr``'s dtype, with ``α = lr·sqrt(1 - β₂ᵗ)/(1 - β₁ᵗ)``.

        Computed once per step and dtype, not once per variable.
        """
        key = (self.iterations, lr.dtype, float(lr))
        if self._coefficients_key != key:
            dtype = lr.dtype.type
            step = dtype(self.iterations + 1)
            # Keras's ops.cast(beta, dtype) is tf.cast, which makes a Python float a float32 tensor
            # first: in float64 the powers use β rounded to float32 (0.999 -> 0.9990000128746033).
            beta_1, beta_2 = dtype(np.float32(self.beta_1)), dtype(np.float32(self.beta_2))
            beta_1_power, beta_2_power = beta_1 ** step, beta_2 ** step
            alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
            self._coefficients_value = (alpha, dtype(1 - self.beta_1), dtype(1 - self.beta_2), dtype(self.epsilon))
            self._coefficients_key = key
        return self._coefficients_value

    def update_step(self, gradient, variable, lr, index):
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = self._coefficients(lr)
        m, v = self.momentums[index], self.velocities[index]
        t, u = self._scratch[index]

        np.subtract(gradient, m, out=t)
        t *= one_minus_beta_1
        m += t                                                    # m += (g - m)(1 - β₁)
        np.square(gradient, out=t)
        t -= v
        t *= one_minus_beta_2
        v += t                                                    # v += (g² - v)(1 - β₂)
        if self.amsgrad:
            v = np.maximum(self.velocity_hats[index], v, out=self.velocity_hats[index])
        np.multiply(m, alpha, out=t)
        np.sqrt(v, out=u)
        u += epsilon
        t /= u
        variable -= t                                             # w -= m·α / (sqrt(v) + ε)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
