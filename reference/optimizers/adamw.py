"""``AdamW``, mirroring ``keras/src/optimizers/adamw.py``."""

from .adam import Adam


class AdamW(Adam):
    r"""AdamW, as Keras computes it: :class:`Adam` with the base class's decoupled weight decay on by default.

    Formula:

    $$
    \begin{aligned}
    w' &= w_{t-1} - w_{t-1}\,\lambda\,\eta \\
    w_t &= \mathrm{Adam}(w', g_t)
    \end{aligned}
    $$

    where $\lambda$ is ``weight_decay`` (rounded to float32), $\eta$ the learning rate, $g_t$ the gradient and
    $\mathrm{Adam}$ the update of the Adam page (moments, step size $\alpha_t = \eta\sqrt{1 - \beta_2^t}/(1 -
    \beta_1^t)$, $w' - \alpha_t m_t/(\sqrt{v_t} + \varepsilon)$), for a variable not excluded from weight decay
    (``exclude_from_weight_decay``); an excluded one takes Adam's step alone.

    Keras vs the textbook:

    * Loshchilov & Hutter (2019), Algorithm 2, decays by $\eta_t \lambda w$, where $\eta_t$ is a schedule
      multiplier and the decay is *not* scaled by the step size $\alpha$. Keras multiplies the decay by the
      learning rate itself, $\eta\lambda$: the default ``weight_decay=0.004`` at ``learning_rate=1e-3`` shrinks
      the weights by a factor $1 - 4\cdot 10^{-6}$ per step.
    * The decay is applied *before* the gradient step, to the old weights, and the gradient (already taken) is
      not corrected for it; everything else is Keras's Adam (bias corrections folded into $\alpha_t$,
      $\varepsilon$ outside the square root: see :class:`Adam`).
    * ``Adam(weight_decay=wd)`` runs exactly the same arithmetic; ``AdamW`` differs only by its default (0.004)
      and by refusing ``weight_decay=None``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.float32([2.0, -2.0])
    >>> opt = rk.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> _ = opt.apply_gradients([(np.float32([1.0, 0.0]), w)])
    >>> # decay: w·(1 - 0.5·0.1) = ±1.9; Adam's first step: -0.1·sign(g), and 0 for a zero gradient
    >>> np.round(w, 4)
    array([ 1.8, -1.9], dtype=float32)

    Args:
        learning_rate: float, schedule or callable, default 0.001.
        weight_decay: float, default 0.004.
        beta_1, beta_2, epsilon, amsgrad: as :class:`Adam`.
        **kwargs: the base class's options.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, name=name, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
