"""The building blocks of every strategy, and the samples of the elementary ops.

Values are realistic *and* adversarial: each element strategy mixes a
continuous range with the edge values that break implementations (exact 0
and 1, the clipping bounds ``ε = 1e-7`` and ``1 - ε``, values inside the
clipping zone, ``|logits|`` up to 1e4, ties). Shapes stay small (a few
elements per axis) so that one example costs a few milliseconds, most of it
hypothesis drawing and a handful of eager TF ops.

Domain limits, each deliberate:

* finite values only, and no subnormal *inputs*: TensorFlow's CPU kernels run
  with flush-to-zero and denormals-are-zero, so a subnormal input is 0 to TF
  (``relu``'s gradient at 1e-40 is 0 in TF, 1 in IEEE arithmetic); the
  reference follows IEEE. Subnormal *results* are allowed: the tolerance
  policy's ``tiny`` floor absorbs TF flushing them. For the same reason
  nonzero values have ``|x| >= MIN_MAGNITUDE`` and upstream gradients
  ``|dy| >= 1e-3``, so that no *intermediate* result falls below ``tiny``.
* finite-difference samples (``fd=True``, ``fd_values``) are float64, kept
  1e-3 away from kinks (relu at 0, clip bounds) and >= 0.05 from poles (log,
  1/x), with ``|logits| <= 3``, so that the truncation error stays within
  ``tolerances.FD_CURVATURE``; their soft labels sum to 1 (TF's fused softmax
  cross-entropy returns ``softmax - labels`` as the gradient, the derivative
  only then).

A drawn input is a :class:`Sample`: a dict of named arguments, ndarrays
(converted to ``tf.constant`` on the TF side) and plain Python values.
"""

from typing import NamedTuple

import numpy as np
from hypothesis import assume, strategies as st
from hypothesis.extra import numpy as hnp

from reference import config

DTYPES = ("float32", "float64")
# The half-precision dtypes TF's kernels run; bfloat16 where ml_dtypes registers it with NumPy (TensorFlow installs
# it; the NumPy-only tests may run without it).
BFLOAT16 = np.dtype(config.standardize_dtype("bfloat16")) if config.ml_dtypes is not None else None
HALF_DTYPES = ("float16", "bfloat16") if BFLOAT16 is not None else ("float16",)
LABEL_DTYPES = (np.int32, np.int64)

MAX_SIDE = 4          # largest side of a drawn array axis
MAX_CLASSES = 5       # largest number of classes
LOGIT_MAGNITUDE = 1e4  # largest |logit| drawn
FD_MARGIN = 1e-3      # distance kept from kinks in finite-difference domains


class Sample(dict):
    """Named inputs of one op call: ndarrays and plain values (``axis``, ``reduction``, ...)."""

    def arrays(self):
        """The ndarray-valued entries."""
        return {k: v for k, v in self.items() if isinstance(v, np.ndarray)}

    def astype(self, dtype):
        """A copy with lists made arrays and every float array cast to ``dtype``; the rest unchanged."""
        out = Sample()
        for k, v in self.items():
            if isinstance(v, list) and v and not isinstance(v[0], str):
                v = np.asarray(v)
            if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                v = v.astype(dtype)
            out[k] = v
        return out

    def __repr__(self):
        return "Sample(" + ", ".join(f"{k}={v!r}" for k, v in self.items()) + ")"


# --- scalars -------------------------------------------------------------------------------------------------------


def dtypes():
    return st.sampled_from(DTYPES)


def _as(dtype, value):
    """``value`` rounded to ``dtype``, as a Python float (hypothesis bounds must be representable)."""
    return float(np.asarray(value, dtype=dtype))


def floats(dtype, min_value=None, max_value=None):
    """Finite, normal (or zero) floats exactly representable in ``dtype`` (bfloat16: float32 ones, rounded)."""
    if np.dtype(dtype) == BFLOAT16:
        return floats("float32", min_value, max_value).map(lambda v: _as(dtype, v))
    width = np.dtype(dtype).itemsize * 8
    return st.floats(
        None if min_value is None else _as(dtype, min_value),
        None if max_value is None else _as(dtype, max_value),
        width=width, allow_nan=False, allow_infinity=False, allow_subnormal=False,
    )


def specials(dtype, *values):
    """A choice among edge values, rounded to ``dtype``."""
    return st.sampled_from([_as(dtype, v) for v in values])


MIN_MAGNITUDE = 1e-12
"""Smallest nonzero |value| drawn by :func:`values`: products of three such values stay normal in
float32 (1e-36 > 1.2e-38), so no intermediate result is flushed to zero by TF but not by NumPy."""


def magnitudes(dtype, low, high):
    """``±[low, high]``: a sign times a magnitude."""
    return st.builds(lambda sign, x: sign * x, st.sampled_from([1.0, -1.0]), floats(dtype, low, high))


def values(dtype, magnitude=10.0):
    """Realistic reals: 0, or ``MIN_MAGNITUDE <= |x| <= magnitude``, with 0, ±1 and ±magnitude pinned."""
    m = magnitude
    return st.one_of(magnitudes(dtype, MIN_MAGNITUDE, m), specials(dtype, 0.0, 1.0, -1.0, m, -m))


def one_of_values(dtype, magnitude, pinned):
    """:func:`values` up to ``magnitude``, with the given edge values pinned (thresholds of a kernel)."""
    return st.one_of(values(dtype, magnitude), specials(dtype, *pinned))


def logit_values(dtype):
    """Logits: mostly moderate, sometimes huge (up to ±1e4), with 0, ±100, ±1e4 pinned."""
    m = LOGIT_MAGNITUDE
    return st.one_of(floats(dtype, -10, 10), floats(dtype, -m, m), specials(dtype, 0.0, 100.0, -100.0, m, -m))


class ProbabilityEdges(NamedTuple):
    """The probabilities where the cross-entropies' clip decides: exact 0 and 1, the bounds, one value inside each
    clip zone, and 0.5."""

    zero: float
    one: float
    eps: float
    one_minus_eps: float
    half_eps: float
    one_minus_half_eps: float
    half: float


def probability_edges(dtype):
    """:class:`ProbabilityEdges` in ``dtype``: the clip bounds ε and 1-ε as ``dtype`` rounds them."""
    eps = config.epsilon()
    return ProbabilityEdges(*(_as(dtype, v) for v in (0.0, 1.0, eps, 1 - eps, eps / 2, 1 - eps / 2, 0.5)))


def probability_values(dtype):
    """Values in [0, 1]: continuous, or one of :func:`probability_edges`."""
    return st.one_of(floats(dtype, 0, 1), st.sampled_from(probability_edges(dtype)))


def positive_values(dtype, low=1e-3, high=1e3):
    """Positive values away from 0 (divisors, log arguments), with 1 pinned."""
    return st.one_of(floats(dtype, low, high), specials(dtype, 1.0, low, high))


def nonzero_values(dtype, low=1e-3, high=1e3):
    """Values with ``low <= |x| <= high`` (divisors), ±1 and the bounds likely."""
    return st.one_of(magnitudes(dtype, low, high), specials(dtype, 1.0, -1.0, low, -high))


def fd_values(low=-3.0, high=3.0, avoid=()):
    """float64 values for finite differences, kept ``FD_MARGIN`` away from each kink in ``avoid``."""
    return floats("float64", low, high).filter(lambda x: all(abs(x - k) > FD_MARGIN for k in avoid))


# --- shapes, arrays and labels -------------------------------------------------------------------------------------


def shapes(min_dims=1, max_dims=3, min_side=1, max_side=MAX_SIDE):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def arrays(dtype, shape, elements=None):
    """An array of ``dtype`` and ``shape`` (a tuple or a strategy), elements from ``elements``."""
    if np.dtype(dtype) == BFLOAT16:      # hypothesis has no bfloat16 arrays: float32 ones of bfloat16 values
        return arrays("float32", shape, values(dtype) if elements is None else elements).map(lambda a: a.astype(dtype))
    return hnp.arrays(np.dtype(dtype), shape, elements=values(dtype) if elements is None else elements)


def axis_of(ndim):
    """Any valid axis of an array of rank ``ndim``, negative ones included."""
    return st.integers(-ndim, ndim - 1)


def class_axis_of(ndim):
    """A class axis for TF's ``softmax_cross_entropy_with_logits``: ``-1`` or a non-negative axis.

    TF 2.21 fails on other negative axes (``axis=-2`` raises "Requires start <= limit" from a
    ``tf.range`` inside the op's axis handling), so they are not drawn.
    """
    return st.one_of(st.just(-1), st.integers(0, ndim - 1))


@st.composite
def class_shapes(draw, max_rank=3):
    """``(batch, classes)`` or ``(batch, time, classes)``, classes >= 2."""
    batch = draw(st.integers(1, MAX_SIDE + 1))
    classes = draw(st.integers(2, MAX_CLASSES))
    time = draw(st.sampled_from([(), (draw(st.integers(1, 3)),)] if max_rank >= 3 else [()]))
    return (batch, *time, classes)


def sparse_labels(shape, num_classes):
    """Integer class ids in ``[0, num_classes)``, int32 or int64."""
    return st.sampled_from(LABEL_DTYPES).flatmap(
        lambda d: hnp.arrays(d, shape, elements=st.integers(0, num_classes - 1)))


def as_kind(array, kind):
    """A drawn float array as ``kind``: bool where nonzero, integers rounded (they keep the array's ties and zeros);
    how the error-parity tests turn a float sample into the integer and bool inputs users pass."""
    return array != 0 if kind == "bool" else np.round(np.asarray(array, dtype=np.float64)).astype(kind)


def one_hot(labels, num_classes, dtype):
    return np.eye(num_classes, dtype=dtype)[labels]


@st.composite
def soft_labels(draw, dtype, shape, axis=-1, normalised=False):
    """One-hot rows, or soft rows: drawn from [0, 1], not summing to 1 unless ``normalised``.

    TF's fused softmax cross-entropy returns ``softmax - labels`` as the logits' gradient, the
    derivative of the loss only when the labels sum to 1: finite-difference checks need ``normalised``.
    """
    if draw(st.booleans()):
        return np.moveaxis(one_hot(draw(sparse_labels(shape[:axis] + shape[axis:][1:] if axis != -1 else shape[:-1],
                                                      shape[axis])), shape[axis], dtype), -1, axis)
    rows = draw(arrays(dtype, shape, probability_values(dtype)))
    if normalised:
        total = rows.sum(axis=axis, keepdims=True)
        rows = np.where(total > 0, rows / np.where(total > 0, total, 1), 1.0 / shape[axis]).astype(dtype)
    return rows


def cotangents(dtype, shape):
    """An upstream gradient ``dy`` for an output of ``shape``: ones, or 0 and ``1e-3 <= |dy| <= 2``.

    A tiny ``dy`` would push intermediate products below ``tiny``, where TF flushes them to 0.
    """
    elements = st.one_of(magnitudes(dtype, 1e-3, 2.0), specials(dtype, 0.0, 1.0, -1.0))
    return st.one_of(st.just(np.ones(shape, dtype=dtype)), arrays(dtype, shape, elements))


# --- probabilities and sample weights (losses and metrics) ---------------------------------------------------------


def flush_subnormals(array, dtype=None):
    """``array`` with its entries that are subnormal in ``dtype`` (default: its own) set to 0: arrays computed
    inside a strategy stay in the domain, and float64 values that Keras computes in float32 are none of
    float32's subnormals (TF would flush them)."""
    array = array.copy()
    array[np.abs(array) < np.finfo(dtype or array.dtype).tiny] = 0
    return array


def _softmax_rows(z, dtype):
    e = np.exp(z - z.max(-1, keepdims=True))
    return flush_subnormals((e / e.sum(-1, keepdims=True)).astype(dtype))


def probabilities(dtype, shape):
    """``y_pred`` as probabilities: raw [0, 1] values (rows not summing to 1, exact 0s and 1s, clip-zone
    values), or proper softmax rows (the realistic case)."""
    raw = arrays(dtype, shape, probability_values(dtype))
    normalised = arrays("float64", shape, logit_values("float64")).map(lambda z: _softmax_rows(z, dtype))
    return st.one_of(raw, normalised)


def weight_values(dtype):
    """A sample weight: exactly 0 or 1, or in [1e-3, 4]."""
    return st.one_of(floats(dtype, 1e-3, 4), specials(dtype, 0.0, 1.0))


# --- op samples ----------------------------------------------------------------------------------------------------


FLOAT16_EDGES = (65504.0, -65504.0, 6e4, -6e4, 300.0, -300.0, 256.0, 6.104e-5, -6.104e-5, 1e-3)
"""float16's edges: its largest values, products that overflow it (300² = 9e4, 256·256), its smallest normal."""


def op_values(dtype, magnitude=10.0):
    """:func:`values` in float32/float64; in float16 and bfloat16 also :data:`FLOAT16_EDGES`, where TF's gradient
    registrations overflow or select differently from a textbook backward (``0·inf``, ``y³`` against ``(dy·y)·y²``)."""
    if np.dtype(dtype) not in (np.dtype(np.float16), BFLOAT16):
        return values(dtype, magnitude)
    return st.one_of(values(dtype, magnitude), specials(dtype, *FLOAT16_EDGES))


def positive_op_values(dtype, low=1e-3, high=1e3):
    """:func:`positive_values`, and in half precision float16's positive edges too (log and rsqrt's poles)."""
    if np.dtype(dtype) not in (np.dtype(np.float16), BFLOAT16):
        return positive_values(dtype, low, high)
    low, high = max(low, FLOAT16_EDGES[-3]), min(high, FLOAT16_EDGES[2])     # within float16's normal range
    return st.one_of(positive_values(dtype, low, high), specials(dtype, *(v for v in FLOAT16_EDGES if v > 0)))


@st.composite
def unary(draw, dtype, elements=None, min_dims=1):
    return Sample(x=draw(arrays(dtype, shapes(min_dims=min_dims), elements)))


@st.composite
def binary(draw, dtype, a_elements=None, b_elements=None):
    """``a`` and ``b`` of mutually broadcastable shapes."""
    shape_a, shape_b = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=MAX_SIDE)).input_shapes
    return Sample(a=draw(arrays(dtype, shape_a, a_elements)), b=draw(arrays(dtype, shape_b, b_elements)))


@st.composite
def select(draw, dtype):
    """``condition``, ``a``, ``b`` of mutually broadcastable shapes, for ``where``."""
    sample = draw(binary(dtype))
    shape = np.broadcast_shapes(sample["a"].shape, sample["b"].shape)
    return Sample(condition=draw(hnp.arrays(np.bool_, shape)), **sample)


@st.composite
def ties(draw, dtype, fd=False):
    """``a``, ``b`` of broadcastable shapes, equal in places (where ``maximum``/``minimum`` pick a side)."""
    sample = draw(binary(dtype, fd_values() if fd else None, fd_values() if fd else None))
    if not fd:
        a = np.broadcast_to(sample["a"], np.broadcast_shapes(sample["a"].shape, sample["b"].shape)).copy()
        equal = draw(hnp.arrays(np.bool_, a.shape))
        sample["a"] = np.where(equal, np.broadcast_to(sample["b"], a.shape), a).astype(dtype)
        return sample
    assume(np.all(np.abs(np.subtract(sample["a"], sample["b"])) > 10 * FD_MARGIN))   # no tie within a step
    return sample


def distinct(strategy, key="x", gap=10 * FD_MARGIN):
    """``strategy`` restricted to samples whose ``key`` has no two values within ``gap`` (no tie for a max)."""
    return strategy.filter(lambda s: s[key].size < 2 or np.min(np.diff(np.sort(s[key].ravel()))) > gap)


@st.composite
def divide_no_nan(draw, dtype):
    """``a`` (sometimes NaN or infinite where ``b`` is 0) and ``b`` with exact zeros, broadcastable."""
    sample = draw(binary(dtype, values(dtype), st.one_of(specials(dtype, 0.0), nonzero_values(dtype))))
    a, b = np.broadcast_arrays(sample["a"], sample["b"])
    if draw(st.booleans()):
        sample["a"] = np.where(b == 0, draw(st.sampled_from([np.nan, np.inf])), a).astype(dtype)
    return sample


@st.composite
def matmul(draw, dtype, elements=None):
    n, k, m = (draw(st.integers(1, MAX_SIDE + 2)) for _ in range(3))
    return Sample(a=draw(arrays(dtype, (n, k), elements)), b=draw(arrays(dtype, (k, m), elements)))


@st.composite
def reshape(draw, dtype):
    x = draw(arrays(dtype, shapes()))
    target = draw(st.sampled_from([(-1,), (x.size, 1), (1, -1), x.shape[::-1], (1,) + x.shape]))
    return Sample(x=x, shape=target)


@st.composite
def clip(draw, dtype, elements=None, fd=False):
    """``x`` and bounds ``lo <= hi``; unless ``fd``, some elements sit exactly on a bound."""
    lo, hi = sorted(draw(st.lists(floats(dtype, -5, 5) if not fd else fd_values(-2, 2), min_size=2, max_size=2)))
    kinks = (lo, hi) if fd else ()
    x = draw(arrays(dtype, shapes(), elements if not fd else fd_values(avoid=kinks)))
    if not fd and x.size:
        on_bound = draw(hnp.arrays(np.int8, x.shape, elements=st.integers(0, 2)))
        x = np.where(on_bound == 1, x.dtype.type(lo), np.where(on_bound == 2, x.dtype.type(hi), x))
    return Sample(x=x, clip_value_min=lo, clip_value_max=hi)


@st.composite
def reduction(draw, dtype, elements=None):
    x = draw(arrays(dtype, shapes(), elements))
    axes = st.one_of(st.none(), axis_of(x.ndim),
                     st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple))
    return Sample(x=x, axis=draw(axes), keepdims=draw(st.booleans()))


@st.composite
def softmax(draw, dtype, elements=None):
    x = draw(arrays(dtype, shapes(), logit_values(dtype) if elements is None else elements))
    return Sample(x=x, axis=draw(axis_of(x.ndim)))


@st.composite
def cast(draw, dtype, targets=DTYPES):
    """``x`` and a target float dtype name."""
    return Sample(x=draw(arrays(dtype, shapes(), values(dtype, 1e4))), dtype=draw(st.sampled_from(targets)))


@st.composite
def dense(draw, dtype, elements=None, activation=True):
    """``x`` of (batch, in) or (batch, time, in), a kernel (in, units), a bias, an activation name."""
    batch, n_in, units = (draw(st.integers(1, MAX_SIDE + 1)) for _ in range(3))
    time = draw(st.sampled_from([(), (2,)]))
    return Sample(
        x=draw(arrays(dtype, (batch, *time, n_in), elements)),
        kernel=draw(arrays(dtype, (n_in, units), elements)),
        bias=draw(arrays(dtype, (units,), elements)),
        activation=draw(st.sampled_from([None, "relu", "softmax"] if activation else [None])),
    )


@st.composite
def sparse_xent_with_logits(draw, dtype, elements=None):
    shape = draw(class_shapes())
    return Sample(labels=draw(sparse_labels(shape[:-1], shape[-1])),
                  logits=draw(arrays(dtype, shape, logit_values(dtype) if elements is None else elements)))


@st.composite
def xent_with_logits(draw, dtype, elements=None, normalised=False):
    shape = draw(class_shapes())
    axis = draw(class_axis_of(len(shape)))
    return Sample(labels=draw(soft_labels(dtype, shape, axis, normalised)),
                  logits=draw(arrays(dtype, shape, logit_values(dtype) if elements is None else elements)),
                  axis=axis)


@st.composite
def sigmoid_xent_with_logits(draw, dtype, elements=None):
    """Element-wise labels in [0, 1] (edges included) and logits of the same shape."""
    shape = draw(shapes())
    return Sample(labels=draw(arrays(dtype, shape, probability_values(dtype))),
                  logits=draw(arrays(dtype, shape, logit_values(dtype) if elements is None else elements)))
