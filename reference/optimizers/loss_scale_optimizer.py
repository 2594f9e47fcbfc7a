"""``LossScaleOptimizer``, mirroring ``keras/src/optimizers/loss_scale_optimizer.py``."""

import numpy as np

from .. import ops
from ..utils.argument_validation import check_float, check_positive_int
from .base_optimizer import Optimizer

# Keras's base-class options that the wrapper refuses (they belong on the inner optimizer), with their defaults:
# a deserialized old config may still carry them at these values.
_BASE_OPTIMIZER_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
    "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    r"""Dynamic loss scaling around another optimizer, as Keras computes it.

    In float16 a gradient below 2⁻²⁴ ≈ 6·10⁻⁸ is flushed to 0 and one above 65504 overflows. Multiplying the
    loss by a scale ``S`` multiplies every backpropagated gradient by ``S`` (the chain rule is linear in the
    upstream gradient), lifting small float16 gradients out of the underflow range; the float32 gradients of
    the weights are divided by ``S`` again before the inner optimizer sees them. ``S`` adapts at each step.

    ``S`` and the counter are Keras's ``dynamic_scale`` (a float32 scalar) and ``step_counter``. The gradient
    is unscaled first, then the inner step, then the counter, in Keras's order; dividing by ``S`` in float32
    is exact while ``S`` is a power of two (the default) and the quotient is a normal number. The quotient
    takes the wider of the gradient's dtype and float32 (Keras's ``ops.divide`` of a float16 gradient by the
    float32 ``S``), and the inner optimizer's step casts it to the variable's dtype (Muon's matrix step computes
    in it, as Keras's): a float16 gradient is never
    divided by ``S`` in float16, where ``2¹⁶`` and above are ``inf`` (every gradient would become 0).

    ``iterations`` and ``learning_rate`` read through to the inner optimizer, so ``iterations`` counts the
    steps actually applied, not the calls (Keras). ``train_step`` calls :meth:`scale_loss` on the loss before
    the gradient: ``loss·S``, with ``S = initial_scale`` before the first step.

    Formula:

    $$
    \begin{aligned}
    &\text{if every } g \text{ is finite:} && w \leftarrow \mathrm{inner}(w, g/S), \quad
      (k, S) \leftarrow \begin{cases} (0,\ 2S) & k = N - 1 \\ (k + 1,\ S) & \text{otherwise} \end{cases} \\
    &\text{else (an inf or NaN anywhere):} && w \text{ unchanged (no slot or iteration moves)}, \quad
      (k, S) \leftarrow (0,\ S/2)
    \end{aligned}
    $$

    where $g$ are the gradients of the scaled loss $S \cdot L$ (``scale_loss``), $S$ the scale
    (``dynamic_scale``, a float32 scalar starting at ``initial_scale``), $k$ the count of consecutive finite
    steps (``step_counter``), $N$ = ``dynamic_growth_steps`` and $\mathrm{inner}$ the inner optimizer's
    ``apply`` (its ``iterations`` grows by one).

    Keras vs the textbook:

    * Micikevicius et al. (2018), "Mixed precision training", describe the same dynamic scheme;
      Keras (like TensorFlow 2) doubles after ``dynamic_growth_steps`` = 2000 finite steps and halves on an
      overflow, skipping that step.
    * A skipped step does not count: ``iterations`` (read through to the inner optimizer) counts the steps
      applied, so Adam's bias correction and a schedule at ``iterations`` see only those.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.zeros(1, np.float32)
    >>> opt = rk.optimizers.LossScaleOptimizer(rk.optimizers.SGD(1.0), initial_scale=4.0, dynamic_growth_steps=2)
    >>> _ = opt.apply_gradients([(np.float32([8.0]), w)])
    >>> w, float(opt.dynamic_scale)        # 8/4 = 2 applied; 1 finite step of 2
    (array([-2.], dtype=float32), 4.0)
    >>> _ = opt.apply_gradients([(np.float32([np.inf]), w)])
    >>> w, float(opt.dynamic_scale), int(opt.iterations)   # skipped, S halved, not counted
    (array([-2.], dtype=float32), 2.0, 1)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(np.float32([2.0]), w)])
    >>> w, float(opt.dynamic_scale)        # two finite steps of 2/2 = 1: S doubles
    (array([-4.], dtype=float32), 4.0)

    Args:
        inner_optimizer: the optimizer to wrap (any :class:`~reference.optimizers.Optimizer`).
        initial_scale: the first ``S``, default ``2¹⁵``. Keras advises a high value: a scale too high is
            halved on each overflowing step, one too low is only doubled every ``dynamic_growth_steps``.
        dynamic_growth_steps: the number of consecutive finite steps after which ``S`` doubles, default 2000.
        name: a name; Keras's ``compile`` calls it ``"loss_scale_optimizer"``.

    Raises:
        ValueError: ``dynamic=False``, or a base-class option (``clipnorm``, ``weight_decay``, ...) given
            to the wrapper instead of the inner optimizer, as in Keras. Departing from Keras, which accepts
            them silently, also ``initial_scale <= 0`` (a scale of 0 zeroes every gradient, a negative one
            never changes sign) and a ``dynamic_growth_steps`` that is not a positive integer (with 0 the
            counter never meets ``dynamic_growth_steps - 1``, so the scale never grows).
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for arg_name, default in _BASE_OPTIMIZER_DEFAULTS.items():
            if arg_name in kwargs and kwargs.pop(arg_name) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg_name}`. Instead, set `{arg_name}` "
                                 "on the `inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError(f"`inner_optimizer` must be an Optimizer, got inner_optimizer={inner_optimizer!r}.")
        # Keras calls Optimizer.__init__(learning_rate=0.0) and never uses the wrapper's own learning rate or
        # iteration counter: both read through to the inner optimizer. The wrapper keeps no base-class state.
        self.name = name or "loss_scale_optimizer"
        self.inner_optimizer = inner_optimizer
        self.initial_scale = check_float("initial_scale", initial_scale, 0.0, low_open=True)
        self.dynamic_growth_steps = check_positive_int("dynamic_growth_steps", dynamic_growth_steps)
        if hasattr(inner_optimizer, "loss_scale_factor"):
            inner_optimizer.loss_scale_factor = None  # Keras: else the gradients would be unscaled twice
        self.built = False

    def build(self, variables):
        """Create ``step_counter`` (0) and ``dynamic_scale`` (``initial_scale``, float32), then build the inner."""
        self.step_counter = np.zeros((), dtype=np.int64)
        self.dynamic_scale = np.asarray(self.initial_scale, dtype=np.float32)
        self._trainable_variables = list(variables)
        self.inner_optimizer.build(self._trainable_variables)
        self.built = True

    @property
    def variables(self):
        """``[step_counter, dynamic_scale]``, then the inner optimizer's variables (Keras's order)."""
        return [self.step_counter, self.dynamic_scale] + list(getattr(self.inner_optimizer, "variables", []))

    @property
    def iterations(self):
        """The inner optimizer's ``iterations``: the steps applied, skipped steps not counted."""
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        """The inner optimizer's learning rate (read and set)."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        """``loss·S``, recorded (so its gradient is ``S`` times the loss's); ``S = initial_scale`` before ``build``."""
        scale = self.dynamic_scale if self.built else self.initial_scale
        return ops.multiply(loss, np.asarray(scale, dtype=np.result_type(loss, np.float32)))

    def check_finite(self, grads):
        """Whether every gradient that is not ``None`` is finite everywhere."""
        return all(bool(np.all(np.isfinite(g))) for g in grads if g is not None)

    def apply(self, grads, trainable_variables=None):
        """One step of the rule in the class docstring on ``grads`` (scaled gradients, one per variable)."""
        grads = [None if g is None else np.asarray(g) for g in grads]  # array-likes too (a TF tensor, a list)
        if not self.built:
            if trainable_variables is None:
                raise ValueError("When passing `grads` without `trainable_variables`, the optimizer must already "
                                 "be built on a list of variables. Call `optimizer.build(trainable_variables)` "
                                 "first.")
            self.build(trainable_variables)
        variables = self._trainable_variables if trainable_variables is None else list(trainable_variables)
        if self.check_finite(grads):
            scale = self.dynamic_scale
            unscaled = [None if g is None else np.divide(g, scale.astype(np.result_type(g, scale))) for g in grads]
            self.inner_optimizer.apply(unscaled, variables)
            if self.step_counter == self.dynamic_growth_steps - 1:
                self.step_counter[...] = 0
                self.dynamic_scale *= 2
            else:
                self.step_counter += 1
        else:
            self.step_counter[...] = 0
            self.dynamic_scale *= np.float32(0.5)
        return self.iterations

    def apply_gradients(self, grads_and_vars):
        """``apply`` on ``zip(*grads_and_vars)``; returns the inner optimizer's ``iterations``.

        (Keras returns the wrapper's own counter here, which never moves; the inner count is the one that means
        something.)
        """
        pairs = list(grads_and_vars)
        return self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def finalize_variable_values(self, var_list):
        """Delegated to the inner optimizer (Keras), where it has one."""
        finalize = getattr(self.inner_optimizer, "finalize_variable_values", None)
        if finalize is not None:
            finalize(var_list)

    def get_config(self):
        """Keras's keys: ``name``, ``inner_optimizer`` (``{"class_name", "config"}``), the two scale settings."""
        return {"name": self.name,
                "inner_optimizer": {"class_name": type(self.inner_optimizer).__name__,
                                    "config": self.inner_optimizer.get_config()},
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import ALL  # the optimizers by name; imported here, as this module is imported by the package

        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            classes = {c.__name__: c for c in ALL.values()} | dict(custom_objects or {})
            if inner.get("class_name") not in classes:
                raise ValueError(f"Unknown optimizer in `inner_optimizer`: {inner.get('class_name')!r}. "
                                 f"Expected one of {sorted(classes)}.")
            inner = classes[inner["class_name"]].from_config(inner["config"])
        return cls(inner, **config)
