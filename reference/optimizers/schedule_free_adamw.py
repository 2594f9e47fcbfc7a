"""``ScheduleFreeAdamW``, mirroring ``keras/src/optimizers/schedule_free_adamw.py``."""

import numpy as np

from .base_optimizer import Optimizer, keras_cast


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW, as Keras computes it, at step ``t = iterations + 1``. The model variable holds
    ``y`` (where gradients are taken), the slot ``momentums`` holds ``z`` (starts at the initial ``w``)::

        lr_t = lr·min(t / warmup_steps, 1)                 (with warmup_steps > 0)
        v ← v + (g² - v)(1 - β₂)
        z ← z - lr_t·g / (sqrt(v / (1 - β₂ᵗ)) + ε)
        x = (y - (1 - β₁)·z) / β₁                          (the average x, recovered from y)
        x ← (1 - 1/t)·x + (1/t)·z
        y ← (1 - β₁)·z + β₁·x

    Where it departs from the paper (Defazio et al., 2024, Algorithm 1): the average's weight is the
    uniform ``1/t`` (the paper weights by ``lr_t²``), ``x`` is not stored but recovered from ``y``; and,
    Keras's order: the ``z`` in the recovery of ``x`` is the *updated* one (Keras reads
    ``momentum.value`` after ``assign_sub``; the paper uses the old ``z``). The weight decay is the base
    class's (on ``y``, before the step; the paper decays at ``y`` inside the gradient). Keras's variable
    is ``y``: evaluate with the average ``x`` computed from it.
    ``β₁``, ``β₂``, ``ε`` pass through float32 (``ops.cast``).

    Slots: ``momentums`` (z), ``velocities`` (Keras's ``_momentums``, ``_velocities``).
    """

    SLOTS = ("momentums", "velocities")
    elementwise = True

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, name=None,
                 **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps
        self.momentums, self.velocities = [], []

    def build(self, variables, names=None):
        super().build(variables, names)
        self.momentums = self._zeros_like_each(variables)  # z starts at the variables' values
        for z, v in zip(self.momentums, variables):
            z[...] = v
        self.velocities = self._zeros_like_each(variables)

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        one = dtype(1.0)
        local_step = dtype(self.iterations + 1)
        beta_1, beta_2 = keras_cast(self.beta_1, variable.dtype), keras_cast(self.beta_2, variable.dtype)
        epsilon = keras_cast(self.epsilon, variable.dtype)
        if self.warmup_steps > 0:
            lr = lr * np.minimum(local_step / dtype(self.warmup_steps), one)
        z, velocity = self.momentums[index], self.velocities[index]
        t, u = self._scratch[index]

        bias_correction_2 = one - beta_2 ** local_step
        np.square(gradient, out=t)
        t -= velocity
        t *= one - beta_2
        velocity += t                                             # v += (g² - v)(1 - β₂)
        np.divide(velocity, bias_correction_2, out=u)
        np.sqrt(u, out=u)
        u += epsilon
        np.multiply(lr, gradient, out=t)
        t /= u
        z -= t                                                    # z -= lr·g / (sqrt(v̂) + ε)
        weight = one / local_step
        np.multiply(one - beta_1, z, out=t)                       # Keras: momentum_old is the updated z
        np.subtract(variable, t, out=t)
        t /= beta_1                                               # x = (y - (1-β₁)z) / β₁
        t *= one - weight
        np.multiply(weight, z, out=u)
        t += u                                                    # x = (1 - 1/t)x + z/t
        t *= beta_1
        np.multiply(one - beta_1, z, out=u)
        np.add(u, t, out=variable)                                # y = (1-β₁)z + β₁x

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
