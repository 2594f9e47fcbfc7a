"""Learning-rate schedules, mirroring ``keras/src/optimizers/schedules/learning_rate_schedule.py``.

A schedule is a callable of the optimizer's step count. The optimizer calls it with its *real* count of
``apply_gradients`` calls (Keras's ``optimizer._iterations``, not ``iterations``, which gradient
accumulation divides), before the step is counted: the first step sees ``step = 0``.

**Dtype, as Keras.** Each schedule computes in the dtype of ``ops.convert_to_tensor(initial_learning_rate)``:
float32 for a Python float, *whatever* ``floatx()`` is (pass ``np.float64(0.1)`` for a float64 schedule).
Its other Python-float arguments go through ``ops.cast`` (float32 first, then that dtype); the optimizer then
casts the value to each variable's dtype. The arithmetic below is Keras's, op for op, in that dtype.
"""

import functools
import math

import numpy as np

from ... import config, ops
from ...losses.loss import float_result_type


# --- the dtypes of TF's and Keras's ops, as the schedules meet them -----------------------------------------
#
# A schedule computes in the dtype of ``initial_learning_rate`` *whatever* it is: a Python int makes Keras compute
# in int32, where a cast truncates (``decay_rate=0.5`` is 0, ``π`` is 3) and TF's ``/`` divides in float64. Each
# ``__call__`` below is Keras's, line for line, through these helpers, so the dtypes (and the raises) follow.


def _array(value, dtype):
    """Keras's ``ops.array(value, dtype)``: a float dtype converts the Python float directly (float64's π is
    float64's), an integer dtype casts its float32 tensor (π is 3)."""
    return np.dtype(dtype).type(value) if config.is_float_dtype(np.dtype(dtype)) else ops.keras_cast(value, dtype)


def _compute_dtype(initial_learning_rate):
    """The dtype a schedule computes in: ``initial_learning_rate``'s as a tensor. TF has none of the kernels the
    schedules call for bool (``/``, ``minimum``), so Keras raises on a bool there."""
    dtype = np.asarray(initial_learning_rate).dtype
    if dtype == np.bool_:
        raise TypeError("Argument `initial_learning_rate` must be a number: Keras computes the schedule in its "
                        "dtype, and TF's division and minimum refuse bool. Received: "
                        f"initial_learning_rate={initial_learning_rate!r}")
    return dtype.type


def _result_type(*operands):
    """Keras's ``result_type`` of an op's operands: the widest float among the tensors (float16 with bfloat16 is
    float32); else ``floatx()`` where a Python float meets integers; else the integers' promotion. A Python
    number is weak: it takes the tensors' dtype."""
    dtypes = [np.asarray(x).dtype for x in operands if isinstance(x, (np.ndarray, np.generic))]
    floats = [d for d in dtypes if config.is_float_dtype(d)]
    if floats:
        return functools.reduce(float_result_type, floats)
    if any(isinstance(x, float) and not isinstance(x, np.generic) for x in operands):
        return np.dtype(config.floatx())
    return np.result_type(*dtypes) if dtypes else np.dtype(np.int32)


def _keras(op, *operands, floating=False):
    """Keras's ``ops.<op>(*operands)``: the operands converted to their :func:`_result_type` (with ``floating``,
    as ``divide``, ``cos``, ``floor``, ``ceil`` and ``log`` add ``float`` to it: integers become ``floatx()``),
    then ``op`` in that dtype."""
    dtype = _result_type(*operands, *((1.0,) if floating else ()))
    with np.errstate(divide="ignore", invalid="ignore"):
        return op(*(np.asarray(x, dtype)[()] for x in operands))


_TRUEDIV = {1: np.float32, 2: np.float32, 4: np.float64, 8: np.float64}  # TF's _TRUEDIV_TABLE, by integer size


def _truediv(x, y):
    """TF's ``x / y`` of two tensors of one dtype: integers are divided in float32 (8 and 16 bits) or float64
    (32 and 64 bits), floats in their own dtype."""
    dtype = np.asarray(x).dtype
    if dtype.kind in "iu":
        x, y = (np.asarray(v, _TRUEDIV[dtype.itemsize])[()] for v in (x, y))
    with np.errstate(divide="ignore", invalid="ignore"):
        return x / y


def _operand(name, value, dtype):
    """``value``, an argument Keras uses as it was passed, converted as TF converts the other operand of a tensor's
    operator (``step / decay_steps``) to the tensor's ``dtype``: a NumPy number even where that truncates, a
    Python float never to an integer dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu" and isinstance(value, float) and not isinstance(value, np.generic):
        raise TypeError(f"Argument `{name}` is a Python float, and Keras uses it with a tensor in the dtype of "
                        f"`initial_learning_rate`, {dtype.name}, to which TF converts no Python float. Pass a float "
                        f"`initial_learning_rate` or an int `{name}`. Received: {name}={value!r}")
    with np.errstate(invalid="ignore"):
        return np.asarray(value).astype(dtype)[()]


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    r"""The base class: a callable of the step, serializable with ``get_config``/``from_config``.

    A subclass overrides ``__call__(self, step)``; the optimizer calls it at its real step count.

    Formula:

    $$
    \eta_k = \mathrm{schedule}(k), \qquad k = 0, 1, 2, \dots
    $$

    where $\eta_k$ is the learning rate the optimizer uses at its $(k+1)$-th ``apply_gradients`` call and $k$
    the count of calls before it (Keras's ``optimizer._iterations``, not ``iterations``, which
    ``gradient_accumulation_steps`` divides), so the first step sees $k = 0$.

    Keras vs the textbook:

    * A plain callable given as ``learning_rate`` is called with *no* argument every step; only a
      ``LearningRateSchedule`` gets the step.
    * With gradient accumulation a schedule counts calls, while bias corrections count updates.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> class Halving(rk.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return np.float32(1.0) / np.float32(2.0) ** step
    >>> opt = rk.optimizers.SGD(Halving())
    >>> w = np.zeros(1, np.float32)
    >>> for _ in range(3):
    ...     _ = opt.apply_gradients([(np.float32([1.0]), w)])
    >>> w                      # steps 0, 1, 2: -(1 + 0.5 + 0.25)
    array([-1.75], dtype=float32)
    """

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override "
                                  "`__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
                                  "in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    r"""``lr₀ · rate^(step / decay_steps)``; with ``staircase``, the exponent is floored.

    Formula:

    $$
    \eta(k) = \eta_0\, r^{\,p}, \qquad p = \begin{cases} \lfloor k/D \rfloor & \text{staircase} \\ k/D &
      \text{otherwise} \end{cases}
    $$

    where $k$ is the step, $\eta_0$ = ``initial_learning_rate``, $r$ = ``decay_rate`` and $D$ =
    ``decay_steps``, computed in the dtype of $\eta_0$ (float32 for a Python float), $r$ rounded to float32
    (``ops.cast``).

    Keras vs the textbook:

    * Keras computes the usual formula; the decay never stops ($\eta \to 0$), and $r > 1$ is accepted (growth).

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)
    >>> float(lr(0)), float(lr(10)), round(float(lr(15)), 5)     # 0.5^1.5 = 0.35355
    (1.0, 0.5, 0.35355)
    >>> float(schedules.ExponentialDecay(1.0, 10, 0.5, staircase=True)(15))   # floor(1.5) = 1
    0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.tf_convert_to_tensor(self.initial_learning_rate)
        dtype = _compute_dtype(initial_learning_rate)
        decay_rate = ops.keras_cast(self.decay_rate, dtype)
        p = _truediv(ops.keras_cast(step, dtype), ops.keras_cast(self.decay_steps, dtype))
        if self.staircase:
            p = _keras(np.floor, p, floating=True)
        return _keras(np.multiply, initial_learning_rate, _keras(np.power, decay_rate, p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    r"""``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <=
    boundaries[i]``, ``values[-1]`` after the last boundary.

    Keras sums ``indicator · value`` over the intervals, in the dtype of ``values[0]`` (float32 for Python
    floats).

    Formula:

    $$
    \eta(k) = v_0\,[k \le b_0] + \sum_{i=1}^{n-1} v_i\,[b_{i-1} < k \le b_i] + v_n\,[k > b_{n-1}]
    $$

    where $k$ is the step, $b_0 < \dots < b_{n-1}$ the ``boundaries``, $v_0, \dots, v_n$ the ``values`` and
    $[\cdot]$ 1 when the condition holds, else 0.

    Keras vs the textbook:

    * Each interval includes its right end: at ``step == boundaries[i]`` the value is still ``values[i]``,
      the new value starts one step later.

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.25])
    >>> [float(lr(k)) for k in (10, 11, 20, 21)]              # a boundary belongs to the interval before it
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        if not self.boundaries:
            raise ValueError("Argument `boundaries` must hold at least one boundary: Keras reads boundaries[0]. "
                             f"Received: boundaries={self.boundaries}, values={self.values}")
        values = [ops.tf_convert_to_tensor(v) for v in self.values]
        step = ops.tf_convert_to_tensor(step)
        boundaries = [ops.keras_cast(b, step.dtype) for b in self.boundaries]  # Keras casts each to the step's dtype
        dtype = values[0].dtype
        if step.dtype == np.bool_:
            raise TypeError("Argument `step` must be a number: Keras compares it with the boundaries, and TF does "
                            f"not compare bools. Received: step={step!r}")
        if dtype == np.bool_ or any(v.dtype != dtype for v in values):
            raise TypeError("Argument `values` must share one numeric dtype: Keras adds up `cast(condition, "
                            "values[0].dtype) * value`, and TF multiplies no two dtypes, nor bools. Received: "
                            f"values={self.values} (dtypes {[v.dtype.name for v in values]})")
        result = dtype.type(0)
        result += (step <= boundaries[0]).astype(dtype) * values[0]
        result += (step > boundaries[-1]).astype(dtype) * values[-1]
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            result += ((step > low) & (step <= high)).astype(dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    r"""``(lr₀ - lr_end)·(1 - step/decay_steps)^power + lr_end``, the step capped at ``decay_steps``; with
    ``cycle``, ``decay_steps`` is multiplied by ``ceil(step/decay_steps)`` (1 at step 0) instead.

    Formula:

    $$
    \eta(k) = (\eta_0 - \eta_e)\Big(1 - \frac{k'}{D'}\Big)^{q} + \eta_e, \qquad
    (k', D') = \begin{cases} \big(k,\ D \max(1, \lceil k/D \rceil)\big) & \text{cycle} \\
      \big(\min(k, D),\ D\big) & \text{otherwise} \end{cases}
    $$

    where $k$ is the step, $\eta_0$ = ``initial_learning_rate``, $\eta_e$ = ``end_learning_rate``, $q$ =
    ``power`` and $D$ = ``decay_steps``, in the dtype of $\eta_0$.

    Keras vs the textbook:

    * With ``cycle``, a new cycle does not restart at $\eta_0$: after $m$ cycles the horizon becomes $(m+1)D$,
      so at step $mD + 1$ the rate restarts near $\eta_e + (\eta_0 - \eta_e)/(m + 1)^q$ (a half, a third, ...
      of the range for $q = 1$), and each cycle is longer. At a multiple of $D$ the value is exactly
      $\eta_e$ (the end of the cycle), except at step 0.

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=2.0)
    >>> float(lr(5)), float(lr(20))                       # (1 - 5/10)² ; capped at 10 steps: the end
    (0.25, 0.0)
    >>> lr = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, cycle=True)
    >>> [round(float(lr(k)), 4) for k in (0, 10, 11, 15, 21)]   # 1 - 11/20, 1 - 15/20, 1 - 21/30
    [1.0, 0.0, 0.45, 0.25, 0.3]
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.tf_convert_to_tensor(self.initial_learning_rate)
        dtype = _compute_dtype(initial_learning_rate)
        end_learning_rate = ops.keras_cast(self.end_learning_rate, dtype)
        power = ops.keras_cast(self.power, dtype)
        global_step = ops.keras_cast(step, dtype)
        decay_steps = ops.keras_cast(self.decay_steps, dtype)
        if self.cycle:
            ceil = _keras(np.ceil, _truediv(global_step, _operand("decay_steps", self.decay_steps, dtype)),
                          floating=True)
            multiplier = np.where(global_step == 0, ceil.dtype.type(1.0), ceil)[()]
            decay_steps = _keras(np.multiply, decay_steps, multiplier)
        else:
            global_step = _keras(np.minimum, global_step, decay_steps)
        p = _keras(np.divide, global_step, decay_steps, floating=True)
        decayed = _keras(np.multiply, initial_learning_rate - end_learning_rate, _keras(np.power, 1 - p, power))
        return _keras(np.add, decayed, end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    r"""``lr₀ / (1 + rate · step/decay_steps)``; with ``staircase``, ``step/decay_steps`` is floored.

    Formula:

    $$
    \eta(k) = \frac{\eta_0}{1 + r\, p}, \qquad p = \begin{cases} \lfloor k/D \rfloor & \text{staircase} \\ k/D &
      \text{otherwise} \end{cases}
    $$

    where $k$ is the step, $\eta_0$ = ``initial_learning_rate``, $r$ = ``decay_rate`` (rounded to float32) and
    $D$ = ``decay_steps``, in the dtype of $\eta_0$.

    Keras vs the textbook:

    * Keras computes the usual formula.

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.InverseTimeDecay(1.0, decay_steps=10, decay_rate=1.0)
    >>> float(lr(10)), round(float(lr(15)), 5)                 # 1/(1 + 1), 1/(1 + 1.5)
    (0.5, 0.4)
    >>> float(schedules.InverseTimeDecay(1.0, 10, 1.0, staircase=True)(15))   # 1/(1 + floor(1.5))
    0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.tf_convert_to_tensor(self.initial_learning_rate)
        dtype = _compute_dtype(initial_learning_rate)
        decay_rate = ops.keras_cast(self.decay_rate, dtype)
        p = _truediv(ops.keras_cast(step, dtype), ops.keras_cast(self.decay_steps, dtype))
        if self.staircase:
            p = _keras(np.floor, p, floating=True)
        denom = _keras(np.add, dtype(1), _keras(np.multiply, decay_rate, p))
        return _keras(np.divide, initial_learning_rate, denom, floating=True)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    r"""A linear warmup (optional), then a cosine decay to ``alpha`` times the peak.

    Formula:

    $$
    \eta(k) = \begin{cases}
      \eta_0 + (\eta_w - \eta_0)\, \dfrac{s}{W} & s < W \\[6pt]
      \eta_w \Big((1 - \alpha)\,\tfrac12\big(1 + \cos\big(\pi\, \tfrac{s - W}{D}\big)\big) + \alpha\Big)
        & s \ge W \end{cases}
    \qquad s = \min(k,\ W + D)
    $$

    where $k$ is the step, $\eta_0$ = ``initial_learning_rate``, $\eta_w$ = ``warmup_target``, $W$ =
    ``warmup_steps``, $D$ = ``decay_steps`` and $\alpha$ = ``alpha``, in the dtype of $\eta_0$. Without
    ``warmup_target``, $\eta_w = \eta_0$ and $W = 0$: a cosine from $\eta_0$ to $\alpha\eta_0$ over $D$ steps,
    then $\alpha\eta_0$.

    Keras vs the textbook:

    * The cosine is Loshchilov & Hutter's (2017) SGDR, eq. (5), without restarts, with the floor written
      relatively: $\eta_{\min} = \alpha\,\eta_w$.
    * The warmup (Goyal et al., 2017) is a straight line from ``initial_learning_rate``, not from 0: pass
      ``initial_learning_rate=0.0`` for the usual warmup from 0. The warmup peak $\eta_w$ is reached at step
      $W$, which is the first step of the cosine.

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
    >>> # 0.1·7/10 on the warmup; the peak at 10; 0.1·½(1 + cos(π/2)) half-way; α·0.1 = 0 after 110
    >>> [round(float(lr(k)), 6) for k in (7, 10, 60, 200)]
    [0.07, 0.1, 0.05, 0.0]
    >>> lr = schedules.CosineDecay(1.0, decay_steps=10, alpha=0.2)
    >>> [round(float(lr(k)), 6) for k in (0, 5, 10, 20)]       # from 1 to the floor α = 0.2, then flat
    [1.0, 0.6, 0.2, 0.2]
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps("decay_steps", decay_steps)

    def _decay_function(self, step, decay_steps, decay_from_lr, dtype):
        completed_fraction = _keras(np.divide, step, decay_steps, floating=True)
        pi = _array(math.pi, dtype)
        cosine_decayed = 0.5 * (1.0 + _keras(np.cos, _keras(np.multiply, pi, completed_fraction), floating=True))
        decayed = (_operand("alpha", 1 - self.alpha, cosine_decayed.dtype) * cosine_decayed
                   + _operand("alpha", self.alpha, cosine_decayed.dtype))
        return _keras(np.multiply, decay_from_lr, decayed)

    def _warmup_function(self, step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = _truediv(step, warmup_steps)
        total_step_delta = warmup_target - initial_learning_rate
        if total_step_delta.dtype != completed_fraction.dtype:
            raise TypeError("CosineDecay's warmup needs a float `initial_learning_rate`: Keras multiplies "
                            f"`warmup_target - initial_learning_rate`, in {total_step_delta.dtype.name}, by the "
                            f"{completed_fraction.dtype.name} fraction of the warmup done, and TF refuses the mixed "
                            f"product. Received: initial_learning_rate={self.initial_learning_rate!r}")
        return total_step_delta * completed_fraction + initial_learning_rate

    def __call__(self, step):
        initial_learning_rate = ops.tf_convert_to_tensor(self.initial_learning_rate)
        dtype = _compute_dtype(initial_learning_rate)
        decay_steps = ops.keras_cast(self.decay_steps, dtype)
        global_step = ops.keras_cast(step, dtype)
        if self.warmup_target is None:
            global_step = _keras(np.minimum, global_step, decay_steps)
            return self._decay_function(global_step, decay_steps, initial_learning_rate, dtype)
        warmup_target = ops.keras_cast(self.warmup_target, dtype)
        warmup_steps = ops.keras_cast(self.warmup_steps, dtype)
        global_step = _keras(np.minimum, global_step, decay_steps + warmup_steps)
        if global_step < warmup_steps:
            return self._warmup_function(global_step, warmup_steps, warmup_target, initial_learning_rate)
        return self._decay_function(global_step - warmup_steps, decay_steps, warmup_target, dtype)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    r"""SGDR: cosine decays from ``m_mul^i·lr₀`` to ``α·lr₀``-ish, each period ``t_mul`` times longer.

    Formula:

    $$
    \begin{aligned}
    f &= k / D_0, \qquad
    i = \begin{cases} \lfloor f \rfloor & t_{\mathrm{mul}} = 1 \\[2pt]
      \Big\lfloor \dfrac{\log\big(1 - f(1 - t_{\mathrm{mul}})\big)}{\log t_{\mathrm{mul}}} \Big\rfloor &
      \text{otherwise}
      \end{cases} \\
    f' &= \begin{cases} f - i & t_{\mathrm{mul}} = 1 \\[2pt]
      \Big(f - \dfrac{1 - t_{\mathrm{mul}}^{\,i}}{1 - t_{\mathrm{mul}}}\Big) \Big/ t_{\mathrm{mul}}^{\,i}
      & \text{otherwise} \end{cases} \\
    \eta(k) &= \eta_0 \Big((1 - \alpha)\, \tfrac12\, m_{\mathrm{mul}}^{\,i} \big(1 + \cos(\pi f')\big) + \alpha\Big)
    \end{aligned}
    $$

    where $k$ is the step, $\eta_0$ = ``initial_learning_rate``, $D_0$ = ``first_decay_steps``, $t_{\mathrm{mul}}$
    = ``t_mul`` (period $i$ lasts $D_0 t_{\mathrm{mul}}^i$ steps), $m_{\mathrm{mul}}$ = ``m_mul``, $\alpha$ =
    ``alpha``, $i$ the index of the current period and $f'$ the fraction of it done, in the dtype of $\eta_0$.
    $t_{\mathrm{mul}} = 1$ takes the first branches (the general ones would divide by $\log 1 = 0$).

    Keras vs the textbook:

    * Loshchilov & Hutter (2017), eq. (5), decay from $\eta_{\max}$ to $\eta_{\min}$. Keras scales only the
      cosine part by $m_{\mathrm{mul}}^i$, not the floor: the floor of every period is $\alpha\eta_0$, and the
      peak of period $i$ is $\eta_0(\alpha + (1 - \alpha) m_{\mathrm{mul}}^i)$, not $m_{\mathrm{mul}}^i\eta_0$ (0.6,
      not 0.5, for $\alpha = 0.2$, $m_{\mathrm{mul}} = 0.5$).
    * The period index comes from a logarithm in floating point, so a step that should open a period exactly
      may land in the previous one by rounding; $t_{\mathrm{mul}} = 1$ avoids it with a floor.

    Example:

    >>> from reference.optimizers import schedules
    >>> lr = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.2)
    >>> # periods [0, 10), [10, 30), [30, 70): peaks 0.2 + 0.8·0.5^i, mid-points 0.2 + 0.4·0.5^i
    >>> [round(float(lr(k)), 6) for k in (0, 5, 10, 20, 30, 70)]
    [1.0, 0.6, 0.6, 0.4, 0.4, 0.3]
    >>> lr = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0, m_mul=0.5, alpha=0.2)
    >>> [round(float(lr(k)), 6) for k in (5, 10, 15, 20)]      # equal periods of 10 steps
    [0.6, 0.6, 0.4, 0.4]
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.tf_convert_to_tensor(self.initial_learning_rate)
        dtype = _compute_dtype(initial_learning_rate)
        first_decay_steps = ops.keras_cast(self.first_decay_steps, dtype)
        alpha = ops.keras_cast(self.alpha, dtype)
        t_mul = ops.keras_cast(self._t_mul, dtype)
        m_mul = ops.keras_cast(self._m_mul, dtype)
        completed_fraction = _truediv(ops.keras_cast(step, dtype), first_decay_steps)
        if _keras(np.equal, t_mul, 1.0):
            i_restart = _keras(np.floor, completed_fraction, floating=True)
            completed_fraction = completed_fraction - i_restart
        else:
            if not config.is_float_dtype(np.dtype(dtype)):
                raise TypeError("CosineDecayRestarts with `t_mul` other than 1 needs a float "
                                "`initial_learning_rate`: Keras computes `1.0 - t_mul` with `t_mul` cast to "
                                f"{np.dtype(dtype).name}, and TF converts no 1.0 to it. Received: "
                                f"initial_learning_rate={self.initial_learning_rate!r}, t_mul={self._t_mul!r}")
            i_restart = np.floor(np.log(1.0 - completed_fraction * (1.0 - t_mul)) / np.log(t_mul))
            sum_r = (1.0 - t_mul ** i_restart) / (1.0 - t_mul)
            completed_fraction = (completed_fraction - sum_r) / t_mul ** i_restart
        m_fac = _keras(np.power, m_mul, i_restart)
        cosine = _keras(np.cos, _keras(np.multiply, _array(math.pi, dtype), completed_fraction), floating=True)
        cosine_decayed = 0.5 * m_fac * (1.0 + cosine)
        decayed = _keras(np.add, _keras(np.multiply, 1 - alpha, cosine_decayed), alpha)
        return _keras(np.multiply, initial_learning_rate, decayed)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                                     CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """The schedule as Keras's ``serialize`` writes it: ``{"module", "class_name", "config", "registered_name"}``."""
    return {"module": "keras.optimizers.schedules", "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """A schedule from :func:`serialize`'s dict (``{"class_name", "config"}``)."""
    objects = {**ALL, **(custom_objects or {})}
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in objects:
        raise ValueError(f"Unknown decay: class_name={name!r}. Expected one of {sorted(ALL)}, or pass it in "
                         "`custom_objects`.")
    return objects[name].from_config(config.get("config", {}))
