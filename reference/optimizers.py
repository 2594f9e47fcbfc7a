"""Optimizers, mirroring Keras 3's update rules (``keras/src/optimizers``).

Each ``update_step`` performs, in place and in the same order of operations,
the arithmetic that Keras's ``update_step`` performs, so float32 results agree
to the last few ulps. Scalars are cast to the variable's dtype the way Keras
casts them: ``learning_rate`` is stored as a ``floatx()`` scalar when the
optimizer is created (Keras keeps it in a ``floatx`` variable), and constants
such as ``1 - beta_1`` are computed in Python (float64) and then cast.

The in-place arithmetic uses two scratch buffers per variable, allocated once,
so a step allocates nothing.

**Subnormals.** TensorFlow runs its CPU kernels with flush-to-zero: a result
smaller than the dtype's ``tiny`` (1.2e-38 in float32) becomes exactly 0.
Adam's first moment decays by ``β₁`` on every step a weight gets no gradient
(a border pixel of MNIST), so after ~800 such steps TF holds 0 where plain
IEEE arithmetic holds a subnormal number, and subnormal arithmetic is ~40x
slower on x86. NumPy cannot switch flush-to-zero on, so every
``FLUSH_EVERY`` steps the optimizer sets its subnormal slot entries to 0. The
weights are unaffected (a subnormal step is far below half an ulp of any
weight); slots differ from TF's by less than ``tiny`` in between.
"""

import numpy as np

from . import config

FLUSH_EVERY = 64


def _check_float(name, value, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"`{name}` must be a number, got {name}={value!r}.")
    if low is not None and (value < low or (low_open and value == low)) or high is not None and value > high:
        interval = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
        raise ValueError(f"`{name}` must be in {interval}, got {name}={value!r}.")
    return float(value)


class Optimizer:
    """Base class: slot bookkeeping, ``apply_gradients`` and the step counter.

    Args:
        learning_rate: a positive float.
        name: a name for the optimizer.

    Attributes:
        iterations: how many times ``apply_gradients`` has run (Keras's
            ``optimizer.iterations``).
    """

    def __init__(self, learning_rate, name=None):
        self._learning_rate = np.asarray(_check_float("learning_rate", learning_rate, 0.0), dtype=config.floatx())
        self.name = name or type(self).__name__.lower()
        self.iterations = 0
        self._index = None  # id(variable) -> position, fixed by `build`
        self._scratch = []

    @property
    def learning_rate(self):
        """The learning rate, as stored: a ``floatx()`` scalar."""
        return self._learning_rate[()]

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = np.asarray(_check_float("learning_rate", value, 0.0), dtype=self._learning_rate.dtype)

    def build(self, variables):
        """Create the slots for ``variables``; called by the first ``apply_gradients``."""
        self._variables = list(variables)  # held, so that no other array can take over their ids
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._scratch = [(np.empty_like(v), np.empty_like(v)) for v in variables]

    def _zeros_like_each(self, variables):
        return [np.zeros_like(v) for v in variables]

    def apply_gradients(self, grads_and_vars):
        """Update each variable in place from its gradient, then ``iterations += 1``.

        Args:
            grads_and_vars: an iterable of ``(gradient, variable)`` pairs, as
                ``zip(grads, model.variables)``. ``None`` gradients are skipped,
                as in Keras; all ``None`` is an error.
        """
        pairs = [(g, v) for g, v in grads_and_vars]
        variables = [v for _, v in pairs]
        for i, v in enumerate(variables):
            if not isinstance(v, np.ndarray) or v.dtype.kind != "f":
                raise ValueError(f"variable {i} must be a float NumPy array, got {type(v).__name__} "
                                 f"{getattr(v, 'dtype', '')}.")
        if self._index is None:
            self.build(variables)
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            raise ValueError(f"No gradients provided for any variable: {[v.shape for v in variables]}.")
        for g, v in pairs:
            i = self._index.get(id(v))
            if i is None:
                raise ValueError(f"{self.name} was built for other variables; got a new variable of shape "
                                 f"{v.shape}. Create one optimizer per set of variables.")
            if np.shape(g) != v.shape:
                raise ValueError(f"gradient for variable {i} has shape {np.shape(g)}, "
                                 f"but the variable has shape {v.shape}.")
            g = np.asarray(g, dtype=v.dtype)
            lr = self._learning_rate if v.dtype == self._learning_rate.dtype else self._learning_rate.astype(v.dtype)
            self.update_step(g, v, lr, i)
        self.iterations += 1
        if self.iterations % FLUSH_EVERY == 0:
            self._flush_subnormals()
        return self.iterations

    def _slots(self):
        """Every slot array (moments, velocities, ...); subclasses list theirs."""
        return []

    def _flush_subnormals(self):
        """Set slot entries below the dtype's ``tiny`` to 0, as TF's flush-to-zero would."""
        for slot in self._slots():
            np.copyto(slot, 0, where=np.abs(slot) < np.finfo(slot.dtype).tiny)

    def apply(self, grads, trainable_variables):
        """``apply_gradients(zip(grads, trainable_variables))``, Keras 3's spelling."""
        return self.apply_gradients(zip(grads, trainable_variables))

    def update_step(self, gradient, variable, learning_rate, index):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "learning_rate": float(self._learning_rate)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class SGD(Optimizer):
    """Gradient descent, with optional momentum and Nesterov momentum.

    Keras's rule (``lr`` = learning rate, ``μ`` = momentum)::

        no momentum:  w ← w - g·lr
        momentum:     m ← m·μ - g·lr;   w ← w + m
        nesterov:     m ← m·μ - g·lr;   w ← w + m·μ - g·lr

    The velocity ``m`` carries the learning rate inside it (PyTorch's keeps it
    outside), so changing ``lr`` mid-run affects only new contributions.

    Args:
        learning_rate: float, default 0.01.
        momentum: float in [0, 1], default 0.
        nesterov: whether to apply Nesterov momentum.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD"):
        super().__init__(learning_rate, name)
        self.momentum = _check_float("momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)
        self.momentums = []

    def build(self, variables):
        super().build(variables)
        self.momentums = self._zeros_like_each(variables) if self.momentum != 0 else []

    def _slots(self):
        return self.momentums

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

    Args:
        learning_rate: float, default 0.001.
        beta_1, beta_2: decay rates of the first and second moments, in [0, 1).
        epsilon: default 1e-7 (the paper suggests 1e-8).
        amsgrad: whether to use AMSGrad (Reddi et al., 2018).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name="adam"):
        super().__init__(learning_rate, name)
        self.beta_1 = _check_float("beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = _check_float("beta_2", beta_2, 0.0, 1.0)
        self.epsilon = _check_float("epsilon", epsilon, 0.0)
        self.amsgrad = bool(amsgrad)
        self.momentums, self.velocities, self.velocity_hats = [], [], []
        self._coefficients_key = None

    def build(self, variables):
        super().build(variables)
        self.momentums = self._zeros_like_each(variables)
        self.velocities = self._zeros_like_each(variables)
        self.velocity_hats = self._zeros_like_each(variables) if self.amsgrad else []

    def _slots(self):
        return self.momentums + self.velocities + self.velocity_hats

    def _coefficients(self, lr):
        """``(α, 1 - β₁, 1 - β₂, ε)`` in ``lr``'s dtype, with ``α = lr·sqrt(1 - β₂ᵗ)/(1 - β₁ᵗ)``.

        Computed once per step and dtype, not once per variable.
        """
        key = (self.iterations, lr.dtype)
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


class RMSprop(Optimizer):
    """RMSprop, as Keras computes it (``compile``'s default optimizer).

    Keras's rule (``ρ`` = rho, ``μ`` = momentum)::

        v ← ρ·v + (1 - ρ)·g²
        a ← ρ·a + (1 - ρ)·g                       (centered only)
        d = v - a² + ε   (centered)   or   v + ε
        Δ = lr·g / sqrt(d)
        s ← μ·s + Δ;  w ← w - s   (momentum)   or   w ← w - Δ

    Where it departs from Hinton's lecture and from PyTorch: ``ε`` sits
    *inside* the square root (PyTorch adds it outside), and with momentum
    the learning rate is applied before the momentum buffer.

    Args:
        learning_rate: float, default 0.001.
        rho: discount of the moving average of squared gradients, default 0.9.
        momentum: float in [0, 1], default 0.
        epsilon: default 1e-7.
        centered: if True, divide by the estimated variance instead of the
            raw second moment.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name="rmsprop"):
        super().__init__(learning_rate, name)
        self.rho = _check_float("rho", rho, 0.0, 1.0)
        self.momentum = _check_float("momentum", momentum, 0.0, 1.0)
        self.epsilon = _check_float("epsilon", epsilon, 0.0)
        self.centered = bool(centered)
        self.velocities, self.momentums, self.average_gradients = [], [], []

    def build(self, variables):
        super().build(variables)
        self.velocities = self._zeros_like_each(variables)
        self.momentums = self._zeros_like_each(variables) if self.momentum > 0 else []
        self.average_gradients = self._zeros_like_each(variables) if self.centered else []

    def _slots(self):
        return self.velocities + self.momentums + self.average_gradients

    def update_step(self, gradient, variable, lr, index):
        dtype = variable.dtype.type
        rho, one_minus_rho = dtype(self.rho), dtype(1 - self.rho)
        v = self.velocities[index]
        t, u = self._scratch[index]

        np.square(gradient, out=t)
        t *= one_minus_rho
        v *= rho
        v += t                                                    # v = ρv + (1-ρ)g²
        if self.centered:
            a = self.average_gradients[index]
            np.multiply(gradient, one_minus_rho, out=t)
            a *= rho
            a += t                                                # a = ρa + (1-ρ)g
            np.square(a, out=u)
            np.subtract(v, u, out=u)
            u += dtype(self.epsilon)                              # d = v - a² + ε
        else:
            np.add(v, dtype(self.epsilon), out=u)                 # d = v + ε
        np.sqrt(u, out=u)
        np.multiply(gradient, lr, out=t)
        t /= u                                                    # Δ = lr·g / sqrt(d)
        if self.momentum > 0:
            s = self.momentums[index]
            s *= dtype(self.momentum)
            s += t                                                # s = μs + Δ
            variable -= s
        else:
            variable -= t

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


ALL = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(identifier):
    """An optimizer from an instance or a name ("sgd", "adam", "rmsprop"; any case)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ALL:
        return ALL[identifier.lower()]()
    raise ValueError(f"Unknown optimizer {identifier!r}. Expected an Optimizer or one of {sorted(ALL)}.")
