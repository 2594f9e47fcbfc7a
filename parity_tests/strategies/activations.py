"""Inputs of ``keras.activations``: ``x`` with each activation's kinks pinned, its keyword arguments, and
the same ``x`` redrawn in every input dtype Keras meets (integers and bool included, where some activations
raise and others compute).

``fd=True``: float64 values ``FD_MARGIN`` away from every kink (and from sparsemax's non-smooth points).
"""

import numpy as np
from hypothesis import strategies as st

from reference import config

from .common import (FD_MARGIN, LOGIT_MAGNITUDE, Sample, arrays, axis_of, fd_values, floats, shapes, softmax,
                     specials, values)


def kinked_values(dtype, kinks=(), magnitude=10.0):
    """:func:`values`, with each kink of the activation (0, 6, ±threshold, ...) and ``±LOGIT_MAGNITUDE`` pinned."""
    return st.one_of(values(dtype, magnitude), specials(dtype, 0.0, *kinks, LOGIT_MAGNITUDE, -LOGIT_MAGNITUDE))


@st.composite
def activation(draw, dtype, kinks=(), elements=None, fd=False, **params):
    """``x`` (any rank 1-3) for an element-wise activation, and its keyword arguments drawn from ``params``.

    Each ``params`` value is a strategy, or a function of the drawn arguments so far returning one (so a
    kink may depend on a drawn threshold); ``kinks`` likewise may be a function of the drawn arguments.
    ``fd``: float64 values for finite differences in ``[-3, 3]``, ``FD_MARGIN`` away from every kink.
    """
    args = {}
    for name, strategy in params.items():
        args[name] = draw(strategy(args) if callable(strategy) else strategy)
    kinks = tuple(k for k in (kinks(args) if callable(kinks) else kinks) if k is not None)
    if fd:
        elements = fd_values(avoid=kinks)
    elif elements is None:
        elements = kinked_values(dtype, kinks)
    return Sample(x=draw(arrays(dtype, shapes(), elements)), **args)


def relu_options():
    """Keras's ``relu`` arguments: slopes (0, leaky, > 1), caps (none, 6 for ``relu6``, others), thresholds."""
    return dict(negative_slope=st.sampled_from([0.0, 0.1, 0.2, 1.5, 2]),
                max_value=st.sampled_from([None, 6.0, 4.0, 0.5, 0.3, 4]),
                threshold=st.sampled_from([0.0, 1.0, -0.5, 0.2, 1, -1.5]))


@st.composite
def glu(draw, dtype, elements=None):
    """``x`` whose ``axis`` has even length."""
    shape = list(draw(shapes()))
    axis = draw(axis_of(len(shape)))
    shape[axis] *= 2
    elements = kinked_values(dtype) if elements is None else elements
    return Sample(x=draw(arrays(dtype, tuple(shape), elements)), axis=axis)


def _sparsemax_margins(x, axis):
    """How far ``x`` is from sparsemax's non-smooth points along ``axis``: a tie, an ``x`` at ``τ``, or a support
    test ``zⱼ - (cⱼ - 1)/j`` at 0 (where Keras's ``τ`` jumps)."""
    z = -np.sort(-x, axis=axis)
    c = np.cumsum(z, axis=axis)
    r = np.arange(1, x.shape[axis] + 1).reshape([-1 if a == axis % x.ndim else 1 for a in range(x.ndim)])
    tests = z - (c - 1) / r
    support = tests > 0
    tau = (np.where(support, c, 0).sum(axis=axis, keepdims=True) - 1) / support.sum(axis=axis, keepdims=True)
    gaps = np.abs(np.diff(z, axis=axis)) if x.shape[axis] > 1 else np.full(1, np.inf)
    return min(np.min(np.abs(tests)), np.min(np.abs(x - tau)), np.min(gaps, initial=np.inf))


def sparsemax_fd():
    """float64 ``x`` and ``axis`` for sparsemax's finite differences, ``FD_MARGIN`` away from its non-smooth points."""
    return softmax("float64", fd_values()).filter(lambda s: _sparsemax_margins(s["x"], s["axis"]) > FD_MARGIN)


# --- every input dtype ---------------------------------------------------------------------------------------------


ACTIVATION_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "bool", "float16", "bfloat16", "float32", "float64")
"""Every input dtype Keras's activations meet: each raises on some (a ``TypeError`` in the reference), computes
in others."""


FLOAT16_MAX = 65504.0


def _any_dtype_values(dtype, pinned):
    """Elements of ``dtype``: small integers and the extremes; bools; half-precision values up to and near float16
    overflow (``exp`` overflows from 11.09, squares from 256); ``pinned`` floats as they are and float32-rounded
    (where Keras casts a Python float through float32, a float64 ``x`` at the parameter decides)."""
    if dtype == "bool":
        return st.booleans()
    if dtype[0] in "iu":
        info = np.iinfo(dtype)
        return st.one_of(st.integers(max(info.min, -8), min(info.max, 8)), st.sampled_from([info.min, info.max]))
    pinned = [v for p in pinned for v in (p, float(np.float32(p)), -p)]
    near_overflow = [FLOAT16_MAX, -FLOAT16_MAX, 6e4, 11.09, 11.1, 256.0, -256.0, 300.0, 0.0]
    width = "float32" if dtype == "bfloat16" else dtype
    return st.one_of(values(width), specials(width, *near_overflow, *pinned), floats(width, -FLOAT16_MAX, FLOAT16_MAX))


@st.composite
def any_dtype(draw, sample):
    """A :class:`Sample` drawn from ``sample`` (a float32 activation row's), its ``x`` redrawn in one of
    :data:`ACTIVATION_DTYPES`, keeping its shape and arguments; the arguments' floats are pinned in ``x``."""
    s = draw(sample)
    dtype = draw(st.sampled_from(ACTIVATION_DTYPES))
    pinned = [v for v in s.values() if isinstance(v, float)]
    x = draw(arrays("float32" if dtype == "bfloat16" else dtype, s["x"].shape, _any_dtype_values(dtype, pinned)))
    if dtype == "bfloat16":   # normal float32 values round to normal bfloat16 values (same exponent range)
        x = x.astype(config.standardize_dtype("bfloat16"))
    return Sample(s, x=x)
