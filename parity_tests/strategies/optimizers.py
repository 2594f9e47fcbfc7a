"""Inputs of the optimizers: hyperparameters, 50-step gradient streams, and the loss-scaled ones.

Learning rates include negative ones (Keras takes any float) and decay rates their bounds. A
:class:`Trajectory` is a few numbers that build the variables and gradients (hypothesis prints the numbers,
not the arrays); its steps mix realistic gradients with repeats, zeros, sparse and absent ones, and values that
overflow or flush in float16. The loss-scale trajectories add steps with ±inf or NaN, which
``LossScaleOptimizer`` must skip while its scale shrinks and grows.
"""

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from reference import backend_config, config

from .common import arrays, floats, shapes, values


OPTIMIZER_DTYPES = ("float32", "float64", "float16", "bfloat16")
"""The variable dtypes Keras's optimizers run in: every update op rounds to the variable's dtype on both sides."""


LEARNING_RATES = (1e-3, 1e-2, 0.1, 1.0)


NEGATIVE_LEARNING_RATES = (-1e-3, -1e-2)
"""Keras takes any float: a negative rate ascends the loss (small ones, so that 50 steps of ascent stay finite)."""


def learning_rates():
    return st.one_of(st.sampled_from(LEARNING_RATES), floats("float64", 1e-5, 1.0),
                     st.sampled_from(NEGATIVE_LEARNING_RATES))


def unit_interval(low=0.0, high=0.999, pinned=()):
    """A decay rate in ``[low, high]``, with Keras's defaults (``pinned``) and the bounds likely."""
    return st.one_of(st.sampled_from(tuple(pinned) + (low, high)), floats("float64", low, high))


def optimizer_hyperparameters(name):
    """Keras constructor kwargs for ``name`` in ("adam", "sgd", "rmsprop"), flags included."""
    epsilons = st.sampled_from([1e-7, 1e-8, 1e-4, 1e-3])
    if name == "adam":
        return st.fixed_dictionaries({
            "learning_rate": learning_rates(), "beta_1": unit_interval(0.0, 0.99, [0.9]),
            "beta_2": unit_interval(0.0, 0.9999, [0.999]), "epsilon": epsilons, "amsgrad": st.booleans()})
    if name == "sgd":
        return st.fixed_dictionaries({
            "learning_rate": learning_rates(), "momentum": unit_interval(0.0, 0.99, [0.9]), "nesterov": st.booleans()})
    if name == "rmsprop":
        # rho >= 0.5: centered RMSprop divides by v - a² + ε, whose relative conditioning grows like ρ^-T
        return st.fixed_dictionaries({
            "learning_rate": learning_rates(), "rho": unit_interval(0.5, 0.99, [0.9]),
            "momentum": unit_interval(0.0, 0.99, [0.0, 0.9]), "epsilon": epsilons, "centered": st.booleans()})
    raise ValueError(f"Unknown optimizer name {name!r}; expected 'adam', 'sgd' or 'rmsprop'.")


# --- 50-step gradient streams --------------------------------------------------------------------------------------


STEP_KINDS = ("normal", "normal", "normal", "repeat", "zeros", "sparse", "huge", "none", "tiny", "edge")
"""``huge``: 1e30 entries (``inf`` in float16); ``tiny``: times 1e-30 (0 in float16); ``edge``: entries at a
quarter of the dtype's largest finite value and at a subnormal (``tiny/4``), where float16 overflows or
flushes first."""


@dataclass(frozen=True)
class Trajectory:
    """Initial variables and a stream of gradients, described by a few numbers (hypothesis prints them)."""

    seed: int
    shapes: tuple
    kinds: tuple          # one of STEP_KINDS per step
    scale: float          # magnitude of the "normal" gradients
    dtype: str
    names: tuple = ()
    keep: tuple = ()      # variables that always get a gradient (MultiOptimizer: var0 is SGD's only one)
    one_buffer: bool = False  # the variables as views of one array, as a model's weights are

    def variables(self):
        rng = np.random.default_rng(self.seed)
        arrays = [rng.normal(0.0, 1.0, s).astype(self.dtype) for s in self.shapes]
        if not self.one_buffer:
            return arrays
        buffer = np.concatenate([a.reshape(-1) for a in arrays])
        offsets = np.cumsum([0] + [a.size for a in arrays])
        return [buffer[lo:hi].reshape(a.shape) for a, lo, hi in zip(arrays, offsets, offsets[1:])]

    def gradients(self):
        """One list per step, one entry per variable (``None``: no gradient for it this step)."""
        rng = np.random.default_rng(self.seed + 1)
        steps, previous = [], None
        for t, kind in enumerate(self.kinds):
            step = [self._gradient(rng, kind, s) for s in self.shapes]
            if kind == "repeat" and previous is not None:
                step = [None if g is None else g.copy() for g in previous]
            if kind == "none":
                free = [i for i in range(len(step)) if i not in self.keep]
                if len(free) > 1:  # never all of them: all None is an error, for Keras too
                    step[free[t % len(free)]] = None
            steps.append(step)
            previous = step
        return steps

    def _gradient(self, rng, kind, shape):
        if kind == "zeros":
            return np.zeros(shape, self.dtype)
        g = rng.normal(0.0, self.scale, shape)
        if kind == "sparse":
            g = np.where(rng.random(shape) < 0.8, 0.0, g)
        elif kind == "huge":
            g = np.where(rng.random(shape) < 0.3, np.sign(g) * 1e30, g)
        elif kind == "tiny":
            g = g * 1e-30
        elif kind == "edge":
            info = backend_config.ml_dtypes.finfo(config.standardize_dtype(self.dtype))  # bfloat16 included
            edge = np.where(rng.random(shape) < 0.5, float(info.max) / 4, float(info.tiny) / 4)
            g = np.where(rng.random(shape) < 0.4, np.sign(g) * edge, g)
        return np.asarray(g, dtype=self.dtype)


@st.composite
def trajectories(draw, dtype, steps=50, min_rank=0, keep=()):
    """A :class:`Trajectory` of ``steps`` steps on 1 to 3 variables (``keep``: indices never ``None``)."""
    var_shapes = tuple(draw(st.lists(shapes(min_dims=min_rank, max_dims=2, max_side=4), min_size=1, max_size=3)))
    kinds = tuple(draw(st.lists(st.sampled_from(STEP_KINDS), min_size=steps, max_size=steps)))
    scale = draw(st.sampled_from([1.0, 1e-3, 10.0, 0.1]))
    return Trajectory(draw(st.integers(0, 2 ** 16)), var_shapes, kinds, scale, dtype,
                      tuple(f"var{i}" for i in range(len(var_shapes))), keep, one_buffer=draw(st.booleans()))


# --- loss scaling --------------------------------------------------------------------------------------------------


@st.composite
def optimizer_trajectory(draw, dtype, max_steps=6):
    """Initial variables and one gradient per variable per step: ``(variables, [grads_step_1, ...])``.

    Gradients are moderate (|g| <= 10) with exact zeros (a weight that gets no signal) and
    steps that repeat the previous gradient (constant gradients are Adam's and RMSprop's hard case).
    """
    var_shapes = draw(st.lists(shapes(max_dims=2), min_size=1, max_size=3))
    variables = [draw(arrays(dtype, s, values(dtype, 3.0))) for s in var_shapes]
    steps = draw(st.integers(1, max_steps))
    grads = []
    for t in range(steps):
        if t and draw(st.booleans()):
            grads.append([g.copy() for g in grads[-1]])
        else:
            grads.append([draw(arrays(dtype, s, values(dtype, 10.0))) for s in var_shapes])
    return variables, grads


LOSS_SCALES = (2.0**15, 1.0, 2.0**-3, 2.0**20, 3.0, 2.0**16)
"""``initial_scale`` values: Keras's default, 1, a fraction, a large power of two, 3 (not a power of two:
the unscaling ``g / S`` then rounds), and 2¹⁶, ``inf`` in float16 (the unscaling must not happen in float16)."""


NON_FINITE = (np.inf, -np.inf, np.nan)


@st.composite
def loss_scale_trajectory(draw, dtype, max_steps=8):
    """``(inner name, inner kwargs, LossScaleOptimizer kwargs, variables, grads)`` with non-finite steps.

    Gradient streams mix finite steps (|g| <= 10, zeros, ``None`` for a variable) with steps where one element
    of one gradient is ±inf or NaN, and steps of huge finite values (1e30, finite in float32). Small
    ``dynamic_growth_steps`` make the scale grow within the trajectory.
    """
    name = draw(st.sampled_from(["sgd", "adam", "rmsprop"]))
    inner = draw(optimizer_hyperparameters(name))
    outer = {"initial_scale": draw(st.sampled_from(LOSS_SCALES)),
             "dynamic_growth_steps": draw(st.sampled_from([1, 2, 3, 2000]))}
    variables, grads = draw(optimizer_trajectory(dtype, max_steps=max_steps))
    for step in grads:
        kind = draw(st.sampled_from(["finite", "finite", "non-finite", "huge", "none"]))
        i = draw(st.integers(0, len(step) - 1))
        if kind == "non-finite":
            step[i] = step[i].copy()
            step[i].flat[draw(st.integers(0, step[i].size - 1))] = draw(st.sampled_from(NON_FINITE))
        elif kind == "huge":
            step[i] = np.full_like(step[i], draw(st.sampled_from([1e30, -1e30])))
        elif kind == "none" and len(step) > 1:
            step[i] = None
    return name, inner, outer, variables, grads
