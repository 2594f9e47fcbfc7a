"""``Adam``, mirroring ``keras/src/optimizers/adam.py``."""

import numpy as np

from ..utils.argument_validation import check_float
from .base_optimizer import Optimizer, keras_cast


class Adam(Optimizer):
    r"""Adam, as Keras computes it.

    Formula:

    $$
    \begin{aligned}
    m_t &= m_{t-1} + (g_t - m_{t-1})(1 - \beta_1) \\
    v_t &= v_{t-1} + (g_t^2 - v_{t-1})(1 - \beta_2) \\
    \alpha_t &= \eta\,\frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}} \\
    w_t &= w_{t-1} - \frac{\alpha_t\, m_t}{\sqrt{v_t} + \varepsilon}
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $w$ the variable, $g_t$ its gradient (after the base class's clipping and
    weight decay, see :class:`~reference.optimizers.Optimizer`), $\eta$ the learning rate, $m$ and $v$ the
    slots ``momentums`` and ``velocities`` (both 0 at $t = 0$), $\beta_1$, $\beta_2$, $\varepsilon$ the
    arguments ``beta_1``, ``beta_2``, ``epsilon``; the powers $\beta^t$ use $\beta$ rounded to float32
    (``ops.cast``), $1 - \beta$ is exact. With ``amsgrad``, $\hat v_t = \max(\hat v_{t-1}, v_t)$ (the slot
    ``velocity_hats``) replaces $v_t$ in the last line.

    Keras vs the textbook:

    * Kingma & Ba (2015), Algorithm 1, divides the moments by their bias corrections, $\hat m_t = m_t/(1 -
      \beta_1^t)$, $\hat v_t = v_t/(1 - \beta_2^t)$, and steps $\eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)$.
      Keras folds both corrections into the step size $\alpha_t$ (the paper's own "more efficient" ordering,
      end of its Section 2), so its $\varepsilon$ is added to $\sqrt{v_t}$, not to $\sqrt{\hat v_t}$: it is the
      paper's $\hat\epsilon = \epsilon\sqrt{1 - \beta_2^t}$. Early on it weighs $1/\sqrt{1 - \beta_2^t}$ times
      more than the paper's $\epsilon$ (31.6 times at $t = 1$): the first step is $\eta\,g/(|g| +
      \varepsilon/\sqrt{1 - \beta_2})$, so a gradient of $10^{-6}$ moves the weight by $0.24\,\eta$, not
      $0.91\,\eta$.
    * The moments are written $m + (g - m)(1 - \beta_1)$, which rounds differently from $\beta_1 m + (1 -
      \beta_1) g$.
    * ``amsgrad`` keeps the running maximum of $v$ itself, not of the bias-corrected $\hat v$ (Reddi et al.,
      2018, Algorithm 2, has no bias correction at all).
    * ``epsilon`` defaults to $10^{-7}$ (the paper suggests $10^{-8}$).
    * ``weight_decay`` is the base class's decoupled $w \leftarrow w - w\,\lambda\,\eta$ before the rule, the same
      arithmetic as :class:`AdamW`; it is *not* the L2 penalty $g + \lambda w$ of the paper's Adam.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(3, np.float32)
    >>> _ = rk.optimizers.Adam(learning_rate=0.1).apply_gradients([(np.float32([2.0, 1e-6, 0.0]), w)])
    >>> # step 1 is 0.1·g/(|g| + 1e-7/sqrt(0.001)): about -0.1·sign(g); 0.024 for g = 1e-6; 0 for g = 0
    >>> np.round(w, 4)
    array([-0.1  , -0.024,  0.   ], dtype=float32)

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
            # Keras's ops.cast(beta, dtype), through float32: in float64, β = 0.999 is 0.9990000128746033
            beta_1, beta_2 = keras_cast(self.beta_1, dtype), keras_cast(self.beta_2, dtype)
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
