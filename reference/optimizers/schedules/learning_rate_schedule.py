"""Learning-rate schedules, mirroring ``keras/src/optimizers/schedules/learning_rate_schedule.py``.

A schedule is a callable of the optimizer's step count. The optimizer calls it with its *real* count of
``apply_gradients`` calls (Keras's ``optimizer._iterations``, not ``iterations``, which gradient
accumulation divides), before the step is counted: the first step sees ``step = 0``.

**Dtype, as Keras.** Each schedule computes in the dtype of ``ops.convert_to_tensor(initial_learning_rate)``:
float32 for a Python float, *whatever* ``floatx()`` is (pass ``np.float64(0.1)`` for a float64 schedule).
Its other Python-float arguments go through ``ops.cast`` (float32 first, then that dtype); the optimizer then
casts the value to each variable's dtype. The arithmetic below is Keras's, op for op, in that dtype.
"""

import math
import numbers

import numpy as np


def _dtype_of(value):
    """The dtype of Keras's ``ops.convert_to_tensor(value)``: the array's own, float32 for a Python number."""
    if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind == "f":
        return np.asarray(value).dtype.type
    return np.float32


def _cast(value, dtype):
    """Keras's ``ops.cast(value, dtype)``: an int exactly, a Python float through float32 (``tf.cast``)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value).astype(dtype)[()]
    if isinstance(value, numbers.Integral):
        return dtype(value)
    return dtype(np.float32(value))


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """The base class: a callable of the step, serializable with ``get_config``/``from_config``.

    A subclass overrides ``__call__(self, step)``; the optimizer calls it at its real step count.
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
    """``lr₀ · rate^(step / decay_steps)``; with ``staircase``, the exponent is floored.

    Keras: ``p = cast(step) / cast(decay_steps)``, ``floor(p)`` if staircase, ``lr₀ · pow(cast(rate), p)``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        dtype = _dtype_of(self.initial_learning_rate)
        initial_learning_rate = dtype(self.initial_learning_rate)
        p = _cast(step, dtype) / _cast(self.decay_steps, dtype)
        if self.staircase:
            p = np.floor(p)
        return initial_learning_rate * _cast(self.decay_rate, dtype) ** p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <=
    boundaries[i]``, ``values[-1]`` after the last boundary.

    Keras sums ``indicator · value`` over the intervals, in the dtype of ``values[0]`` (float32 for Python
    floats).
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
        dtype = _dtype_of(self.values[0])
        values = [dtype(v) for v in self.values]
        b = self.boundaries
        result = dtype(0)
        result += dtype(step <= b[0]) * values[0]
        result += dtype(step > b[-1]) * values[-1]
        for low, high, value in zip(b[:-1], b[1:], values[1:-1]):
            result += dtype(low < step <= high) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(lr₀ - lr_end)·(1 - step/decay_steps)^power + lr_end``, the step capped at ``decay_steps``; with
    ``cycle``, ``decay_steps`` is multiplied by ``ceil(step/decay_steps)`` (1 at step 0) instead."""

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
        dtype = _dtype_of(self.initial_learning_rate)
        initial_learning_rate = dtype(self.initial_learning_rate)
        end_learning_rate = _cast(self.end_learning_rate, dtype)
        power = _cast(self.power, dtype)
        global_step = _cast(step, dtype)
        decay_steps = _cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = dtype(1.0) if global_step == 0 else np.ceil(global_step / dtype(self.decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            global_step = np.minimum(global_step, decay_steps)
        p = global_step / decay_steps
        return (initial_learning_rate - end_learning_rate) * (dtype(1) - p) ** power + end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``lr₀ / (1 + rate · step/decay_steps)``; with ``staircase``, ``step/decay_steps`` is floored."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        dtype = _dtype_of(self.initial_learning_rate)
        initial_learning_rate = dtype(self.initial_learning_rate)
        p = _cast(step, dtype) / _cast(self.decay_steps, dtype)
        if self.staircase:
            p = np.floor(p)
        return initial_learning_rate / (dtype(1) + _cast(self.decay_rate, dtype) * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """A linear warmup (optional), then a cosine decay to ``alpha`` times the peak.

    Keras computes, with ``s = min(step, decay_steps + warmup_steps)``:

    * without ``warmup_target``: ``lr₀ · ((1 - α)·½(1 + cos(π·min(step, D)/D)) + α)`` (``D = decay_steps``);
    * with it, while ``s < warmup_steps`` (``W``): ``(target - lr₀)·(s/W) + lr₀``, a straight line from
      ``lr₀`` at step 0 that would reach ``target`` at step ``W``;
    * then ``target · ((1 - α)·½(1 + cos(π·(s - W)/D)) + α)``.

    So ``CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)`` gives ``0.1·7/10 = 0.07`` at step 7 (the
    8th call of ``apply_gradients``, which sees ``step = 7``), its peak 0.1 at step 10, and ``α·0.1`` from step
    110 on.
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
        completed_fraction = step / decay_steps
        cosine_decayed = dtype(0.5) * (dtype(1.0) + np.cos(dtype(math.pi) * completed_fraction))
        decayed = dtype(1 - self.alpha) * cosine_decayed + dtype(self.alpha)
        return decay_from_lr * decayed

    def _warmup_function(self, step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = step / warmup_steps
        total_step_delta = warmup_target - initial_learning_rate
        return total_step_delta * completed_fraction + initial_learning_rate

    def __call__(self, step):
        dtype = _dtype_of(self.initial_learning_rate)
        initial_learning_rate = dtype(self.initial_learning_rate)
        decay_steps = _cast(self.decay_steps, dtype)
        global_step = _cast(step, dtype)
        if self.warmup_target is None:
            global_step = np.minimum(global_step, decay_steps)
            return self._decay_function(global_step, decay_steps, initial_learning_rate, dtype)
        warmup_target = _cast(self.warmup_target, dtype)
        warmup_steps = _cast(self.warmup_steps, dtype)
        global_step = np.minimum(global_step, decay_steps + warmup_steps)
        if global_step < warmup_steps:
            return self._warmup_function(global_step, warmup_steps, warmup_target, initial_learning_rate)
        return self._decay_function(global_step - warmup_steps, decay_steps, warmup_target, dtype)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decays from ``m_mul^i·lr₀`` to ``α·lr₀``-ish, each period ``t_mul`` times longer.

    Keras: with ``f = step/first_decay_steps``, the period index is ``i = floor(f)`` (``t_mul == 1``) or
    ``i = floor(log(1 - f(1 - t_mul)) / log(t_mul))``, and ``f`` becomes the fraction of period ``i`` done;
    then ``lr₀ · ((1 - α)·½·m_mul^i·(1 + cos(π f)) + α)``. Note that ``α`` is *not* multiplied by
    ``m_mul^i``: the floor of every period is ``α·lr₀``.
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
        dtype = _dtype_of(self.initial_learning_rate)
        initial_learning_rate = dtype(self.initial_learning_rate)
        first_decay_steps = _cast(self.first_decay_steps, dtype)
        alpha = _cast(self.alpha, dtype)
        t_mul = _cast(self._t_mul, dtype)
        m_mul = _cast(self._m_mul, dtype)
        completed_fraction = _cast(step, dtype) / first_decay_steps
        one = dtype(1.0)
        if t_mul == one:
            i_restart = np.floor(completed_fraction)
            completed_fraction = completed_fraction - i_restart
        else:
            i_restart = np.floor(np.log(one - completed_fraction * (one - t_mul)) / np.log(t_mul))
            sum_r = (one - t_mul ** i_restart) / (one - t_mul)
            completed_fraction = (completed_fraction - sum_r) / t_mul ** i_restart
        m_fac = m_mul ** i_restart
        cosine_decayed = dtype(0.5) * m_fac * (one + np.cos(dtype(math.pi) * completed_fraction))
        decayed = (one - alpha) * cosine_decayed + alpha
        return initial_learning_rate * decayed

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
