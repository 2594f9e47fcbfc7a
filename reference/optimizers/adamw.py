"""``AdamW``, mirroring ``keras/src/optimizers/adamw.py``."""

from .adam import Adam


class AdamW(Adam):
    """AdamW, as Keras computes it: :class:`Adam` with the base class's decoupled weight decay on by default.

    Keras's rule, at step ``t = iterations + 1``, for a variable not excluded from weight decay::

        w ← w - w·wd·lr                       (the base class, before the update; wd through float32)
        then Adam's update (m, v, α = lr·sqrt(1 - β₂ᵗ)/(1 - β₁ᵗ), w -= m·α/(sqrt(v) + ε))

    Where it departs from the paper (Loshchilov & Hutter, Algorithm 2):

    * the decay is multiplied by the learning rate (``lr·wd``); the paper's ``η_t·λ`` uses a separate
      schedule multiplier ``η_t`` and a decay ``λ`` not scaled by the step size ``α``, so Keras's
      ``weight_decay=0.004`` at ``lr=1e-3`` shrinks by ``4e-6`` per step;
    * the decay is applied *before* the gradient step, to the old weights, and ``m`` is not corrected;
    * everything else is Keras's Adam (bias corrections folded into ``α``, ε outside the square root).

    ``Adam(weight_decay=wd)`` runs exactly the same arithmetic; ``AdamW`` differs only by its default
    (0.004) and by refusing ``weight_decay=None``.

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
