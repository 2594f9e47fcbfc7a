"""``Adafactor``, mirroring ``keras/src/optimizers/adafactor.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


def _rms(x):
    return np.sqrt(np.mean(np.square(x)))


class Adafactor(Optimizer):
    """Adafactor, as Keras computes it, at step ``t = iterations + 1``::

        lr ← min(lr, 1/sqrt(t))                  (relative_step, for a float learning rate only)
        ρ = min(lr, 1/sqrt(t));   α = max(ε₂, RMS(w))·ρ
        ĝ² = g² + ε₁;             β₂ₜ = 1 - t^decay   (decay = beta_2_decay = -0.8)
        rank ≥ 2:  r ← β₂ₜ·r + (1 - β₂ₜ)·mean(ĝ², axis=-1);  c ← β₂ₜ·c + (1 - β₂ₜ)·mean(ĝ², axis=-2)
                   v = (r / mean(r, axis=-1))[..., None] · c[..., None, :]
        rank < 2:  v ← β₂ₜ·v + (1 - β₂ₜ)·ĝ²
        u = g / sqrt(v);   û = u / max(1, RMS(u)/clip_threshold)
        w ← w - α·û

    Where it departs from the paper (Shazeer & Stern, 2018, Algorithms 4-5): there is no first moment
    (the paper's β₁ = 0 variant); the relative step size is ``min(lr, 1/sqrt(t))`` (the paper's
    ``min(10⁻², 1/sqrt(t))``), so the learning rate is only an upper bound, and applying the min twice
    is harmless; ``r`` and ``c`` are means, not sums (the factored ``v`` is the same); with
    ``relative_step`` and a schedule or callable, the schedule's value is not clipped by ``1/sqrt(t)``
    *before* ρ is computed (ρ clips it anyway). ``epsilon_2`` passes through float32 (``ops.cast``);
    ``epsilon_1`` and ``beta_2_decay`` do not.

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
