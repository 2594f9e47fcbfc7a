"""``Adafactor``, mirroring ``keras/src/optimizers/adafactor.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


def _rms(x):
    return np.sqrt(np.mean(np.square(x)))


class Adafactor(Optimizer):
    r"""Adafactor, as Keras computes it: a second moment stored as row and column means, a step relative to the
    size of the weights, clipped by the RMS of the update.

    Formula:

    $$
    \begin{aligned}
    \rho_t &= \min\big(\eta,\ 1/\sqrt{t}\big), \qquad \alpha_t = \max\big(\varepsilon_2,\
    \mathrm{RMS}(w_{t-1})\big)\,\rho_t,
      \qquad \hat\beta_{2t} = 1 - t^{\,c} \\
    G_t &= g_t^2 + \varepsilon_1 \\
    \text{rank} \ge 2:\ \ R_t &= \hat\beta_{2t} R_{t-1} + (1 - \hat\beta_{2t})\, \mathrm{mean}_{-1}(G_t), \quad
      C_t = \hat\beta_{2t} C_{t-1} + (1 - \hat\beta_{2t})\, \mathrm{mean}_{-2}(G_t), \quad
      V_t = \frac{R_t}{\mathrm{mean}_{-1}(R_t)} \otimes C_t \\
    \text{rank} < 2:\ \ V_t &= \hat\beta_{2t} V_{t-1} + (1 - \hat\beta_{2t})\, G_t \\
    U_t &= g_t / \sqrt{V_t}, \qquad \hat U_t = U_t / \max\big(1,\ \mathrm{RMS}(U_t)/d\big) \\
    w_t &= w_{t-1} - \alpha_t\, \hat U_t
    \end{aligned}
    $$

    where $t$ is ``iterations + 1``, $g_t$ the gradient, $\eta$ the learning rate, $\mathrm{RMS}(x) =
    \sqrt{\mathrm{mean}(x^2)}$ over the whole variable, $c$ = ``beta_2_decay`` (default $-0.8$, so
    $\hat\beta_{2t} = 1 - t^{-0.8}$, 0 at $t = 1$), $\varepsilon_1$ = ``epsilon_1`` ($10^{-30}$),
    $\varepsilon_2$ = ``epsilon_2`` ($10^{-3}$, rounded to float32), $d$ = ``clip_threshold`` (1),
    $\mathrm{mean}_{-1}$, $\mathrm{mean}_{-2}$ the means over the last and second-last axes, $\otimes$ the outer
    product over those two axes, and $R$, $C$, $V$ the slots ``r``, ``c``, ``v`` (0 at the start).

    Keras vs the textbook:

    * Shazeer & Stern (2018), Algorithms 4 and 5, use the relative step $\rho_t =
      \min(10^{-2}, 1/\sqrt{t})$; Keras's cap is ``learning_rate`` (default $10^{-3}$), so with the default
      $\rho_t = 10^{-3}$ until $t = 10^6$: the step no longer decays in practice.
    * ``relative_step`` changes nothing for a float learning rate: Keras takes $\min(\eta, 1/\sqrt{t})$ once
      more when it is set, and $\rho_t$ takes the same minimum anyway; there is no absolute-step mode (the
      step is always $\max(\varepsilon_2, \mathrm{RMS}(w))$ times $\rho_t$). A schedule or callable is not
      capped first, but $\rho_t$ caps it too.
    * There is no first moment (the paper's $\beta_1 = 0$ variant).
    * $R$ and $C$ are means, not the paper's sums; the factored $V$ is the same ($R C/\mathbf 1^\top R$ with
      sums equals Keras's $(R/\mathrm{mean}\,R) \otimes C$ with means). A variable of rank above 2 is factored
      over its last two axes.
    * $\hat\beta_{2t}$, $\varepsilon_1$ inside $G$, $\varepsilon_2$ and the update clipping $d$ are the paper's.
      The $\varepsilon_1$ keeps $0/0$ out of $U$: an entry whose gradients are all 0 has $U = 0$.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.float32([1.0, -1.0])
    >>> _ = rk.optimizers.Adafactor(learning_rate=0.5).apply_gradients([(np.float32([1.0, -2.0]), w)])
    >>> w                         # t = 1: V = g², U = sign(g), RMS(U) = 1 = d; α = max(1e-3, 1)·min(0.5, 1)
    array([ 0.5, -0.5], dtype=float32)
    >>> w = np.float32([1.0, -1.0])          # d = 0.5 halves U
    >>> _ = rk.optimizers.Adafactor(learning_rate=0.5, clip_threshold=0.5).apply_gradients(
    ...     [(np.float32([1.0, -2.0]), w)])
    >>> w
    array([ 0.75, -0.75], dtype=float32)
    >>> w = np.zeros(2, np.float32)          # RMS(w) = 0: α = ε₂·0.5; a zero gradient gives U = 0/sqrt(ε₁) = 0
    >>> _ = rk.optimizers.Adafactor(learning_rate=0.5).apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> w
    array([-0.0005,  0.    ], dtype=float32)

    Slots: ``r``, ``c`` (scalars 0 for a variable of rank < 2), ``v`` (Keras's ``_r``, ``_c``, ``_v``).
    """

    SLOTS = ("r", "c", "v")

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, name=None, **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step
        self.r, self.c, self.v = [], [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.r, self.c = [], []
        for v in variables:
            if v.ndim < 2:
                self.r.append(np.zeros((), v.dtype))
                self.c.append(np.zeros((), v.dtype))
            else:
                self.r.append(np.zeros(v.shape[:-1], v.dtype))
                self.c.append(np.zeros(v.shape[:-2] + v.shape[-1:], v.dtype))
        self.v = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        epsilon_2 = keras_cast(self.epsilon_2, variable.dtype)
        one = dtype(1.0)
        local_step = dtype(self.iterations + 1)
        if isinstance(self._learning_rate, np.ndarray) and self.relative_step:
            lr = np.minimum(lr, one / np.sqrt(local_step))
        r, c, v = self.r[index], self.c[index], self.v[index]
        t, u = self._scratch[index]

        rho_t = np.minimum(lr, one / np.sqrt(local_step))
        alpha_t = np.maximum(epsilon_2, _rms(variable)) * rho_t
        np.square(gradient, out=t)
        t += dtype(self.epsilon_1)                                # ĝ² = g² + ε₁
        beta_2_t = one - local_step ** dtype(self.beta_2_decay)
        if variable.ndim >= 2:
            r *= beta_2_t
            r += (one - beta_2_t) * np.mean(t, axis=-1)
            c *= beta_2_t
            c += (one - beta_2_t) * np.mean(t, axis=-2)
            np.multiply((r / np.mean(r, axis=-1, keepdims=True))[..., None], c[..., None, :], out=v)
        else:
            v *= beta_2_t
            t *= one - beta_2_t
            v += t                                                # v = β₂ₜv + (1-β₂ₜ)ĝ²
        np.sqrt(v, out=u)
        np.divide(gradient, u, out=u)                             # u = g / sqrt(v)
        u /= np.maximum(one, _rms(u) / dtype(self.clip_threshold))
        u *= alpha_t
        variable -= u                                             # w -= α·û

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step}
