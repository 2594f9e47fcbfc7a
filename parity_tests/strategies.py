"""Every hypothesis strategy of the suite: shapes, dtypes, values, hyperparameters.

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

A drawn op input is a :class:`Sample`: a dict of named arguments, ndarrays
(converted to ``tf.constant`` on the TF side) and plain Python values.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import backend_config, config, losses

DTYPES = ("float32", "float64")
HALF_DTYPES = ("float16", "bfloat16")   # the op rows that TF's half kernels run (ml_dtypes registers bfloat16)
BFLOAT16 = np.dtype(config.standardize_dtype("bfloat16"))
REDUCTIONS = losses.REDUCTIONS  # every reduction Keras accepts, from the one list
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


# --- scalars ----------------------------------------------------------------------------


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


# --- shapes and arrays ------------------------------------------------------------------


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


def sparse_labels(shape, num_classes):
    """Integer class ids in ``[0, num_classes)``, int32 or int64."""
    return st.sampled_from(LABEL_DTYPES).flatmap(
        lambda d: hnp.arrays(d, shape, elements=st.integers(0, num_classes - 1)))


def one_hot(labels, num_classes, dtype):
    return np.eye(num_classes, dtype=dtype)[labels]


def cotangents(dtype, shape):
    """An upstream gradient ``dy`` for an output of ``shape``: ones, or 0 and ``1e-3 <= |dy| <= 2``.

    A tiny ``dy`` would push intermediate products below ``tiny``, where TF flushes them to 0.
    """
    elements = st.one_of(magnitudes(dtype, 1e-3, 2.0), specials(dtype, 0.0, 1.0, -1.0))
    return st.one_of(st.just(np.ones(shape, dtype=dtype)), arrays(dtype, shape, elements))


# --- op samples ---------------------------------------------------------------------------


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
def class_shapes(draw, max_rank=3):
    """``(batch, classes)`` or ``(batch, time, classes)``, classes >= 2."""
    batch = draw(st.integers(1, MAX_SIDE + 1))
    classes = draw(st.integers(2, MAX_CLASSES))
    time = draw(st.sampled_from([(), (draw(st.integers(1, 3)),)] if max_rank >= 3 else [()]))
    return (batch, *time, classes)


@st.composite
def sparse_xent_with_logits(draw, dtype, elements=None):
    shape = draw(class_shapes())
    return Sample(labels=draw(sparse_labels(shape[:-1], shape[-1])),
                  logits=draw(arrays(dtype, shape, logit_values(dtype) if elements is None else elements)))


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


# --- losses -------------------------------------------------------------------------------


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


def sample_weights(dtype, loss_shape):
    """``None``, a Python scalar, or per-sample weights shaped like the losses, with or without a trailing 1.

    For (N,) losses that is (N,) or (N, 1); for (N, T) losses (N, T) or (N, T, 1). Weights are >= 0, with
    exact zeros (all-zero weights make ``mean_with_sample_weight`` divide by 0, which Keras maps to 0).
    """
    elements = weight_values(dtype)
    return st.one_of(
        st.none(),
        weight_values("float64"),
        arrays(dtype, loss_shape, elements),
        arrays(dtype, loss_shape + (1,), elements),
    )


def _y_pred(dtype, shape, from_logits, fd):
    """Logits or probabilities; with ``fd``, float64 ones in a smooth domain (no clipping, no pole)."""
    if fd:
        return arrays("float64", shape, fd_values() if from_logits else floats("float64", 0.05, 0.95))
    return arrays(dtype, shape, logit_values(dtype)) if from_logits else probabilities(dtype, shape)


@st.composite
def sparse_crossentropy(draw, dtype, with_weights=True, fd=False):
    """Inputs of ``sparse_categorical_crossentropy``, or (with weights) of the reduced loss class.

    ``fd``: a float64 sample in a smooth domain, for finite differences.
    """
    shape = draw(class_shapes())
    from_logits = draw(st.booleans())
    labels = draw(sparse_labels(shape[:-1], shape[-1]))
    if draw(st.booleans()):
        labels = labels[..., None]                                      # (N, 1) / (N, T, 1) labels
    sample = Sample(y_true=labels, y_pred=draw(_y_pred(dtype, shape, from_logits, fd)), from_logits=from_logits)
    if with_weights:
        sample.update(sample_weight=draw(sample_weights("float64" if fd else dtype, shape[:-1])),
                      reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


@st.composite
def categorical_crossentropy(draw, dtype, with_weights=True, fd=False):
    """Inputs of ``categorical_crossentropy`` (any ``axis``, label smoothing), or of the reduced loss class.

    ``fd``: a float64 sample in a smooth domain, for finite differences (labels summing to 1).
    """
    shape = draw(class_shapes())
    from_logits = draw(st.booleans())
    # Keras smooths labels with C = shape[-1] whatever the axis, so only axis -1 keeps smoothed rows summing to 1
    axis = draw(st.sampled_from([-1, len(shape) - 1]) if with_weights or fd else class_axis_of(len(shape)))
    sample = Sample(y_true=draw(soft_labels("float64" if fd else dtype, shape, axis, normalised=fd)),
                    y_pred=draw(_y_pred(dtype, shape, from_logits, fd)), from_logits=from_logits,
                    label_smoothing=draw(st.one_of(specials("float64", 0.0, 0.1, 1.0), floats("float64", 0, 1))),
                    axis=axis)
    if with_weights:
        sample.update(sample_weight=draw(sample_weights("float64" if fd else dtype, shape[:-1])),
                      reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


# --- metrics ------------------------------------------------------------------------------


def tied_scores(dtype, shape):
    """Scores from a tiny set of values, so that rows often tie for the maximum."""
    return arrays(dtype, shape, specials(dtype, 0.0, 0.25, 0.5, 1.0))


def scores(dtype, shape):
    """``y_pred`` for accuracies: any probabilities/logits, or deliberately tied ones."""
    return st.one_of(tied_scores(dtype, shape), arrays(dtype, shape, values(dtype)))


def metric_weights(dtype, n):
    """``None`` or per-sample weights (N,) / (N, 1), >= 0 with exact zeros."""
    elements = weight_values(dtype)
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


@st.composite
def sparse_accuracy(draw, dtype):
    n, classes = draw(st.integers(1, 12)), draw(st.integers(2, MAX_CLASSES))
    labels = draw(sparse_labels((n,), classes))
    if draw(st.booleans()):
        labels = labels[:, None]
    return Sample(y_true=labels, y_pred=draw(scores(dtype, (n, classes))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def categorical_accuracy(draw, dtype):
    n, classes = draw(st.integers(1, 12)), draw(st.integers(2, MAX_CLASSES))
    y_true = draw(st.one_of(st.builds(one_hot, sparse_labels((n,), classes), st.just(classes), st.just(dtype)),
                            tied_scores(dtype, (n, classes))))
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, (n, classes))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def accuracy(draw, dtype):
    """Exact-equality accuracy: predictions from a small set of values so that matches happen."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    small = specials(dtype, 0.0, 1.0, 2.0)
    return Sample(y_true=draw(arrays(dtype, shape, small)), y_pred=draw(arrays(dtype, shape, small)),
                  sample_weight=draw(metric_weights(dtype, n) if shape != (n, 3) else st.none()))


def batch_splits(n):
    """Cut points that split ``n`` samples into consecutive batches (possibly one batch, possibly size-1 ones)."""
    return st.lists(st.integers(1, max(n - 1, 1)), max_size=4, unique=True).map(
        lambda cuts: sorted(c for c in cuts if 0 < c < n))


# --- optimizers ---------------------------------------------------------------------------

LEARNING_RATES = (1e-3, 1e-2, 0.1, 1.0)
NEGATIVE_LEARNING_RATES = (-1e-3, -1e-2)
"""Keras takes any float: a negative rate ascends the loss (small ones, so that 50 steps of ascent stay finite)."""

OPTIMIZER_DTYPES = ("float32", "float64", "float16", "bfloat16")
"""The variable dtypes Keras's optimizers run in: every update op rounds to the variable's dtype on both sides."""


def learning_rates():
    return st.one_of(st.sampled_from(LEARNING_RATES), floats("float64", 1e-5, 1.0),
                     st.sampled_from(NEGATIVE_LEARNING_RATES))


def unit_interval(low=0.0, high=0.999, pinned=()):
    """A decay rate in ``[low, high]``, with Keras's defaults (``pinned``) and the bounds likely."""
    return st.one_of(st.sampled_from(tuple(pinned) + (low, high)), floats("float64", low, high))


# --- training step ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingCase:
    """One training step of the handbook's MLP, described by a few numbers (so that hypothesis prints them,
    not 784·N pixels): ``batch()`` and ``initial_weights()`` build the arrays from ``seed``."""

    seed: int
    batch_size: int
    kind: str            # "mnist-like" (mostly exact 0 with some ink), "uniform", "zeros" or "ones"
    weight_scale: float  # 1: Glorot-uniform weights; 2: larger logits (larger scales saturate the softmax,
    #                      where a last-ulp difference decides whether the clip passes a gradient: see training_cases)
    dtype: str

    def batch(self):
        """Images (N, 28, 28, 1) in [0, 1] and int32 labels (N,)."""
        rng = np.random.default_rng(self.seed)
        shape = (self.batch_size, 28, 28, 1)
        if self.kind == "mnist-like":
            images = np.where(rng.random(shape) < 0.2, rng.random(shape), 0.0)
        elif self.kind == "uniform":
            images = rng.random(shape)
        else:
            images = np.full(shape, 0.0 if self.kind == "zeros" else 1.0)
        return images.astype(self.dtype), rng.integers(0, 10, self.batch_size).astype(np.int32)

    def initial_weights(self, units=(784, 100, 10)):
        """Glorot-uniform kernels and small uniform biases, times ``weight_scale``, in Keras's order."""
        rng = np.random.default_rng(self.seed + 1)
        weights = []
        for n_in, n_out in zip(units, units[1:]):
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights += [rng.uniform(-limit, limit, (n_in, n_out)), rng.uniform(-0.1, 0.1, n_out)]
        return [(w * self.weight_scale).astype(self.dtype) for w in weights]


def training_cases(dtype):
    """A batch for the handbook's MLP, realistic (MNIST-like, batch 50) or adversarial (all-0 or all-1 images,
    batch of 1, doubled weights).

    Weights are not scaled up to saturate the softmax: with probabilities within an ulp of the clip bounds
    ``ε`` and ``1 - ε``, a last-ulp difference in the softmax decides whether the clip passes the gradient,
    a discontinuity rather than a rounding error. The clip's convention at the bounds is pinned with exact
    inputs in ``test_losses.py`` instead.
    """
    return st.builds(TrainingCase, seed=st.integers(0, 2**32 - 2), batch_size=st.sampled_from([1, 2, 7, 50]),
                     kind=st.sampled_from(["mnist-like", "uniform", "zeros", "ones"]),
                     weight_scale=st.sampled_from([1.0, 2.0]), dtype=st.just(dtype))


# --- compile's name resolution, binary and regression losses, binary metrics -----------------


@st.composite
def target_and_output_shapes(draw):
    """``(y_true shape, y_pred shape)`` as a model meets them: targets shaped like the output, without its
    last axis (integer labels), or with a last axis of 1; outputs of 1 to 4 units (1: binary)."""
    out = draw(shapes(min_dims=1, max_dims=3))
    kind = draw(st.sampled_from(["same", "labels", "labels_1"]))
    if kind == "labels" and len(out) > 1:
        return out[:-1], out
    if kind == "labels_1":
        return out[:-1] + (1,), out
    return out, out


def _outputs_shapes():
    """Shapes of model outputs: ``class_shapes``, or the same with one unit (a sigmoid or a regression head)."""
    return st.one_of(class_shapes(), class_shapes().map(lambda shape: shape[:-1] + (1,)))


@st.composite
def binary_crossentropy(draw, dtype, with_weights=True, fd=False):
    """Inputs of ``binary_crossentropy`` (any ``axis``, label smoothing), or of the reduced loss class.

    Targets are 0/1 or soft; ``y_pred`` probabilities (edges included) or logits. ``fd``: float64,
    probabilities in [0.05, 0.95] (no clip, no pole), logits in the finite-difference range.
    """
    shape = draw(_outputs_shapes())
    from_logits = draw(st.booleans())
    hard = arrays("float64" if fd else dtype, shape, specials(dtype, 0.0, 1.0))
    soft = arrays("float64" if fd else dtype, shape, floats(dtype, 0, 1))
    if fd:
        y_pred = arrays("float64", shape, fd_values() if from_logits else floats("float64", 0.05, 0.95))
    else:
        y_pred = arrays(dtype, shape, logit_values(dtype) if from_logits else probability_values(dtype))
    sample = Sample(y_true=draw(st.one_of(hard, soft)), y_pred=draw(y_pred), from_logits=from_logits,
                    label_smoothing=draw(st.one_of(specials("float64", 0.0, 0.1, 1.0), floats("float64", 0, 1))),
                    axis=draw(st.just(-1) if with_weights else axis_of(len(shape))))
    if with_weights:
        sample.update(sample_weight=draw(sample_weights("float64" if fd else dtype, shape[:-1])),
                      reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


@st.composite
def regression(draw, dtype, with_weights=True, fd=False):
    """Inputs of ``mean_squared_error`` (targets (N,) against outputs (N, 1) included), or of the loss class."""
    shape = draw(_outputs_shapes())
    elements = fd_values() if fd else loss_values(dtype, 1e3)
    y_pred = draw(arrays("float64" if fd else dtype, shape, elements))
    true_shape = shape[:-1] if shape[-1] == 1 and len(shape) == 2 and draw(st.booleans()) else shape
    sample = Sample(y_true=draw(arrays("float64" if fd else dtype, true_shape, elements)), y_pred=y_pred)
    if with_weights:
        sample.update(sample_weight=draw(sample_weights("float64" if fd else dtype, shape[:-1])),
                      reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


def _binary_targets_and_scores(draw, dtype, n, score_elements):
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    y_true = draw(arrays(dtype, shape, specials(dtype, 0.0, 1.0)))
    y_pred = draw(arrays(dtype, draw(st.sampled_from([shape, (n, 1)])) if shape == (n,) else shape, score_elements))
    return y_true, y_pred, shape


@st.composite
def binary_accuracy(draw, dtype):
    """0/1 targets and scores that often sit exactly on the threshold; (N,) targets against (N, 1) scores."""
    n = draw(st.integers(1, 12))
    # Keras makes the threshold a float32 tensor: draw float32 values (a float32 subnormal would be flushed to 0)
    threshold = draw(st.one_of(specials("float32", 0.5, 0.0, 0.7, 1.0), floats("float32", 0, 1)))
    scores = st.one_of(probability_values(dtype), specials(dtype, threshold, 0.7))
    y_true, y_pred, shape = _binary_targets_and_scores(draw, dtype, n, scores)
    return Sample(y_true=y_true, y_pred=y_pred, threshold=threshold,
                  sample_weight=draw(metric_weights(dtype, n) if shape != (n, 3) else st.none()))


FALSE_NEGATIVE_THRESHOLDS = (None, 0.5, 0.0, 1.0, [0.25, 0.75], [0.3], [0.0, 0.5, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0],
                             [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
"""Single and listed thresholds; the last three are evenly spaced from 0 to 1, where Keras buckets instead."""


@st.composite
def false_negatives(draw, dtype):
    """Targets (any nonzero is a positive) and scores on, between and outside the thresholds (Keras clips
    scores to [0, 1] only in its bucketed path)."""
    n = draw(st.integers(1, 12))
    scores = st.one_of(probability_values(dtype), specials(dtype, 0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 1.0),
                       floats(dtype, -0.5, 1.5))
    y_true, y_pred, shape = _binary_targets_and_scores(draw, dtype, n, scores)
    if draw(st.booleans()):
        y_true = y_true * draw(specials(dtype, 2.0, 0.5))
    weights = draw(metric_weights(dtype, n))
    if weights is not None and weights.ndim > y_pred.ndim:
        weights = weights[:, 0]              # (N, 1) weights with (N,) scores: rejected by Keras (rank must match)
    return Sample(y_true=y_true, y_pred=y_pred, thresholds=draw(st.sampled_from(FALSE_NEGATIVE_THRESHOLDS)),
                  sample_weight=weights)


# --- mixed precision ------------------------------------------------------------------------

# The inner optimizers of the loss-scale trajectories: Adam and SGD with their flags, a few variables.

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


@dataclass(frozen=True)
class MixedDenseCase:
    """A ``Dense`` under a mixed policy, its batch and its sparse labels, built from a few numbers."""

    seed: int
    batch_size: int
    in_features: int
    units: int
    activation: str
    input_scale: float

    def arrays(self):
        """``(x, kernel, bias, labels)``: float32 inputs and weights, int32 labels in ``[0, units)``."""
        rng = np.random.default_rng(self.seed)
        x = (rng.standard_normal((self.batch_size, self.in_features)) * self.input_scale).astype(np.float32)
        limit = np.sqrt(6.0 / (self.in_features + self.units))
        kernel = rng.uniform(-limit, limit, (self.in_features, self.units)).astype(np.float32)
        bias = rng.uniform(-0.1, 0.1, self.units).astype(np.float32)
        return x, kernel, bias, rng.integers(0, self.units, self.batch_size).astype(np.int32)


def mixed_dense_cases():
    """Small and MNIST-sized layers; inputs from 1e-3 (products near float16's subnormals) to 100."""
    return st.builds(MixedDenseCase, seed=st.integers(0, 2**32 - 2), batch_size=st.sampled_from([1, 3, 32]),
                     in_features=st.sampled_from([1, 5, 100, 784]), units=st.sampled_from([1, 2, 10]),
                     activation=st.sampled_from(["linear", "relu", "softmax"]),
                     input_scale=st.sampled_from([1e-3, 1.0, 100.0]))

# --- metrics (issue 13) ---
# Samples for the rows of parity_tests/metric_db.py: Sample(y_true, y_pred, sample_weight) (``values`` for Mean and
# Sum). Where Keras accepts integers, they are drawn too (``_maybe_integers``); weights come with exact zeros
# (metric_weights). Inputs whose result cancels (R², correlations) are small integers and exact weights, so that
# both sides' sums are exact and the difference is the few roundings of the result alone.

METRIC_MAX_SAMPLES = 8   # samples per drawn batch: Keras metrics in TF eager cost ~1 ms a call
METRIC_POLICIES = ("float16", "bfloat16", "mixed_float16", "mixed_bfloat16")
"""A metric's ``dtype=`` besides its inputs' own: Keras's ``Metric`` computes and keeps its state in the policy's
compute dtype (float16 or bfloat16; confusion counts stay in ``floatx()``)."""


@st.composite
def metric_dtype(draw, dtype):
    """``(name, as_policy)``: the metric's ``dtype=``, the inputs' own ``dtype`` or one of :data:`METRIC_POLICIES`,
    passed by name or (``as_policy``) as a ``DTypePolicy`` object."""
    name = draw(st.sampled_from((dtype, dtype) + METRIC_POLICIES))
    return name, name in METRIC_POLICIES and draw(st.booleans())


def _maybe_integers(draw, *arrays_):
    """The arrays as they are, or (one time in three) rounded to int32, as Keras's int tests feed them."""
    if draw(st.integers(0, 2)) == 0:
        return tuple(np.rint(a).astype(np.int32) for a in arrays_)
    return arrays_


def exact_weights(dtype, n):
    """``None`` or weights (N,) / (N, 1) from {0, 0.5, 1, 2}: weighted sums of small integers stay exact."""
    elements = specials(dtype, 0.0, 0.5, 1.0, 2.0)
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


@st.composite
def mean_values(draw, dtype):
    """``values`` for Mean and Sum, (N,), (N, 1) or (N, 3), and weights (N,) / (N, 1) or None."""
    n = draw(st.integers(1, METRIC_MAX_SAMPLES))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, 3)]))
    (values_,) = _maybe_integers(draw, draw(arrays(dtype, shape, values(dtype, 1e3))))
    return Sample(values=values_, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def regression_metric(draw, dtype, integers=True):
    """Targets and outputs (N, C) (also (N,) against (N, 1)), floats or (``integers``) integers, weights (N,) /
    (N, 1). Keras's cosine similarity rejects integers (its ``rsqrt``)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 4))
    elements = values(dtype, 1e3)
    y_true, y_pred = draw(arrays(dtype, (n, c), elements)), draw(arrays(dtype, (n, c), elements))
    if c == 1 and draw(st.booleans()):
        y_true = y_true[:, 0]
    if integers:
        y_true, y_pred = _maybe_integers(draw, y_true, y_pred)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


def small_integer_values(dtype):
    """-3, ..., 3 as floats: sums, squares and means of a few are exact or once rounded."""
    return specials(dtype, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)


@st.composite
def r2_metric(draw, dtype):
    """(N, C) targets and outputs of small integers (constant columns included), exact weights (R²'s sums exact)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 3))
    y_true = draw(arrays(dtype, (n, c), small_integer_values(dtype)))
    y_pred = draw(arrays(dtype, (n, c), small_integer_values(dtype)))
    y_true, y_pred = _maybe_integers(draw, y_true, y_pred)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(exact_weights(dtype, n)))


def _unconstant_rows(a):
    """``a`` with the first entry of each constant row moved by one (towards 0, so it stays in -3..3)."""
    a = a.copy()
    constant = a.max(axis=1) == a.min(axis=1)
    a[constant, 0] -= np.where(a[constant, 0] > 0, 1, -1).astype(a.dtype)
    return a


@st.composite
def correlation_metric(draw, dtype):
    """(N, C ≥ 2) rows of small integers as floats (Keras's ``mean`` of an int tensor fails), no constant rows
    (a 0/0 in Pearson: Keras's NaN, pinned in the example tests instead)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, 4))
    rows = arrays(dtype, (n, c), small_integer_values(dtype)).map(_unconstant_rows)
    y_true, y_pred = draw(rows), draw(rows)
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def crossentropy_metric(draw, dtype, sparse=False):
    """Class scores (N, C) (probabilities with their edges, or logits: either meets either ``from_logits``),
    one-hot or soft targets, or with ``sparse`` integer labels (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    y_pred = draw(st.one_of(probabilities(dtype, (n, c)), arrays(dtype, (n, c), floats(dtype, -20, 20))))
    labels = draw(sparse_labels((n,), c))
    if sparse:
        y_true = labels[:, None] if draw(st.booleans()) else labels
    else:
        y_true = draw(st.one_of(st.just(one_hot(labels, c, dtype)), soft_labels(dtype, (n, c), normalised=True)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def binary_crossentropy_metric(draw, dtype):
    """0/1 or soft targets and probabilities (edges included) or logits, (N, C), weights (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, 3))
    y_true = draw(arrays(dtype, (n, c), st.one_of(specials(dtype, 0.0, 1.0), floats(dtype, 0, 1))))
    y_pred = draw(arrays(dtype, (n, c), st.one_of(probability_values(dtype), floats(dtype, -20, 20))))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def distribution_metric(draw, dtype):
    """Probability rows (edges included) for KLDivergence and Poisson, weights (N,) / (N, 1)."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(1, MAX_CLASSES))
    y_true, y_pred = draw(probabilities(dtype, (n, c))), draw(probabilities(dtype, (n, c)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def hinge_metric(draw, dtype, categorical=False):
    """±1 or 0/1 targets (one-hot with ``categorical``), any scores; floats only: Keras's hinges raise on integers."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2 if categorical else 1, MAX_CLASSES))
    if categorical:
        y_true = one_hot(draw(sparse_labels((n,), c)), c, dtype)
    else:
        y_true = draw(arrays(dtype, (n, c), draw(st.sampled_from([specials(dtype, -1.0, 1.0),
                                                                   specials(dtype, 0.0, 1.0)]))))
    y_pred = draw(arrays(dtype, (n, c), values(dtype, 10.0)))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def top_k_metric(draw, dtype, sparse=False):
    """Scores (N, C) with ties, and one-hot targets (integer labels with ``sparse``, also (N, 1))."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    labels = draw(sparse_labels((n,), c))
    if sparse:
        y_true = labels[:, None] if draw(st.booleans()) else labels
    else:
        y_true = one_hot(labels, c, dtype)
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, (n, c))), sample_weight=draw(metric_weights(dtype, n)))


@st.composite
def sorted_ids_metric(draw, dtype):
    """For ``from_sorted_ids``: labels (N,) and each sample's class ids best first (N, K), int32, repeats allowed."""
    n, c = draw(st.integers(1, METRIC_MAX_SAMPLES)), draw(st.integers(2, MAX_CLASSES))
    ids = draw(hnp.arrays(np.int32, (n, draw(st.integers(1, c))), elements=st.integers(0, c - 1)))
    return Sample(y_true=draw(sparse_labels((n,), c)), y_pred=ids, sample_weight=draw(metric_weights(dtype, n)))


def top_k_values():
    """``k`` from 1 to past the number of classes (Keras gives 1.0 then, no error)."""
    return st.integers(1, MAX_CLASSES + 1)


# --- confusion-matrix metrics (issue 13) ---------------------------------------------------

CONFUSION_CLASSES = 3
"""The last axis of the inputs of every confusion row that takes ``class_id``, ``top_k``, ``multi_label``,
``label_weights`` or one-hot labels: the kwargs are drawn apart from the sample, so both agree on 3."""

CONFUSION_THRESHOLDS = (None, 0.5, 0.0, 1.0, [0.25, 0.75], [0.75, 0.25, 0.5], [0.0, 0.5, 1.0],
                        [0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
"""Single, listed and unsorted thresholds; the last three are evenly spaced from 0 to 1 (the bucketed path)."""


def confusion_scores(dtype, shape, out_of_range=False):
    """Scores in [0, 1] (optionally [-0.5, 1.5]) that often sit exactly on a threshold or a bucket edge
    (0, 0.25, 0.5, 0.75, 1, 0.1·k) or tie with each other; in float64 also ±1e-40, subnormal once Keras casts
    them to ``floatx()`` (TF's cast flushes them to 0, so they are not above a threshold of 0)."""
    pinned = specials(dtype, 0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.3, 0.7, *float32_subnormals(dtype))
    elements = st.one_of(probability_values(dtype), pinned, *([floats(dtype, -0.5, 1.5)] if out_of_range else []))
    return st.one_of(arrays(dtype, shape, elements), tied_scores(dtype, shape))


def float32_subnormals(dtype):
    """Values that are normal in ``dtype`` but subnormal in float32 (none for float32 itself: a subnormal *input*
    is the documented ``subnormal-inputs`` departure), for the metrics that cast to ``floatx()`` and decide."""
    return (1e-40, -1e-40, 3e-43) if np.dtype(dtype) == np.float64 else ()


def binary_labels(dtype, shape):
    """0/1 labels as ``dtype``, int32 or bool (Keras casts them), or all of one class (no positives, or no
    negatives: the ``divide_no_nan`` cases)."""
    label_dtype = st.sampled_from([np.dtype(dtype), np.dtype(np.int32), np.dtype(bool)])
    mixed = label_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=st.sampled_from([0, 1]).map(d.type)))
    one_class = st.tuples(label_dtype, st.sampled_from([0, 1])).map(lambda dv: np.full(shape, dv[1], dtype=dv[0]))
    return st.one_of(mixed, one_class)


def confusion_weights(dtype, n, exact=False):
    """``None`` or weights (N,) / (N, 1), >= 0 with exact zeros; ``exact``: from {0, 0.5, 1, 2, 3} only, so that
    every weighted count is exact on both sides (the ``...At...`` metrics compare rates with a constraint, and
    one ulp would flip it)."""
    elements = specials(dtype, 0.0, 0.5, 1.0, 2.0, 3.0) if exact else st.one_of(
        weight_values(dtype), specials(dtype, 1e-40) if float32_subnormals(dtype) else st.nothing())
    return st.one_of(st.none(), arrays(dtype, (n,), elements), arrays(dtype, (n, 1), elements))


@st.composite
def confusion_counts(draw, dtype):
    """Binary labels and scores of shape (N,), (N, 1) or (N, 3), scores also outside [0, 1]."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 1), (n, CONFUSION_CLASSES)]))
    weights = draw(confusion_weights(dtype, n))
    if weights is not None and weights.ndim > len(shape):
        weights = weights[:, 0]              # (N, 1) weights with (N,) scores: rejected by Keras (rank must match)
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=draw(confusion_scores(dtype, shape, True)),
                  sample_weight=weights)


@st.composite
def confusion_classes(draw, dtype, exact_weights=False, int_scores=True):
    """(N, 3) binary labels and scores in [0, 1]; the scores sometimes int 0/1 (Keras casts them)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    int_arrays = [hnp.arrays(np.int32, shape, elements=st.integers(0, 1))] if int_scores else []
    y_pred = draw(st.one_of(confusion_scores(dtype, shape), *int_arrays))
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=y_pred,
                  sample_weight=draw(confusion_weights(dtype, n, exact=exact_weights)))


@st.composite
def confusion_logits(draw, dtype):
    """(N, 3) binary labels and either scores in [0, 1] or logits (for ``AUC(from_logits=True)``: a logit is
    also a valid score to bucket, clipped to [0, 1])."""
    sample = draw(confusion_classes(dtype, int_scores=False))  # Keras's sigmoid rejects int logits
    if draw(st.booleans()):
        sample["y_pred"] = draw(arrays(dtype, sample["y_pred"].shape, st.one_of(
            floats(dtype, -6, 6), specials(dtype, 0.0, 1.0, -1.0, -100.0))))   # sigmoid(-100) is 4e-44: flushed
    return sample


def confusion_thresholds():
    return st.sampled_from(CONFUSION_THRESHOLDS)


def precision_recall_kwargs():
    """``thresholds``, ``top_k`` (0..3: 0 keeps no prediction) and ``class_id`` (0..2), alone or together."""
    return st.fixed_dictionaries({}, optional={"thresholds": confusion_thresholds(),
                                               "top_k": st.integers(0, CONFUSION_CLASSES),
                                               "class_id": st.integers(0, CONFUSION_CLASSES - 1)})


def at_constraint_kwargs(constraint):
    """The constraint (pinned 0, 0.5, 1 and any value in [0, 1]), ``num_thresholds`` and ``class_id``.

    No constraint that is subnormal *in float32*: Keras compares it with the float32 rates, where TF flushes it
    to 0 (``rate >= 1e-45`` becomes ``rate >= 0``) and NumPy keeps it; so the floats are drawn as float32."""
    value = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 0.8]), st.floats(0, 1, width=32, allow_subnormal=False))
    return st.fixed_dictionaries({constraint: value}, optional={
        "num_thresholds": st.sampled_from([1, 2, 3, 5, 11, 200]),
        "class_id": st.integers(0, CONFUSION_CLASSES - 1)})


@st.composite
def auc_kwargs(draw):
    """Every curve and summation method; ``num_thresholds`` or explicit (even or uneven) ``thresholds``;
    ``multi_label`` with or without ``num_labels``; ``label_weights``; ``from_logits``."""
    kwargs = draw(st.fixed_dictionaries({}, optional={
        "curve": st.sampled_from(["ROC", "PR", "PRGAIN"]),
        "summation_method": st.sampled_from(["interpolation", "majoring", "minoring"]),
        "from_logits": st.booleans(),
        "label_weights": st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=CONFUSION_CLASSES,
                                  max_size=CONFUSION_CLASSES)}))
    how = draw(st.sampled_from(["num_thresholds", "thresholds", "default"]))
    if how == "num_thresholds":
        kwargs["num_thresholds"] = draw(st.sampled_from([2, 3, 4, 11, 50, 200]))
    elif how == "thresholds":
        kwargs["thresholds"] = draw(st.sampled_from([[0.5], [0.3, 0.5, 0.8], [0.25, 0.5, 0.75], [0.1, 0.9, 0.4]]))
    if draw(st.integers(0, 3)) == 0:  # 1 in 4: Keras's multi-label update (a vectorized_map) costs ~0.2 s a call
        kwargs["multi_label"] = True
        if draw(st.booleans()):
            kwargs["num_labels"] = CONFUSION_CLASSES
    return kwargs


@st.composite
def f_score_sample(draw, dtype):
    """(N, 3) one-hot or multi-hot labels (or all zero), scores with ties for the row maximum and all-zero rows;
    weights (N,) only (Keras's F-score takes no other shape)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    y_true = draw(st.one_of(st.builds(one_hot, sparse_labels((n,), CONFUSION_CLASSES), st.just(CONFUSION_CLASSES),
                                      st.just(dtype)), binary_labels(dtype, shape)))
    weights = draw(st.one_of(st.none(), arrays(dtype, (n,), weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=draw(confusion_scores(dtype, shape)), sample_weight=weights)


def f_score_kwargs(beta=True):
    options = {"average": st.sampled_from([None, "micro", "macro", "weighted"]),
               "threshold": st.sampled_from([None, 0.5, 0.25, 1.0, 0.1])}
    if beta:
        options["beta"] = st.sampled_from([1.0, 0.5, 2.0, 0.1])
    return st.fixed_dictionaries({}, optional=options)


@st.composite
def iou_sparse(draw, dtype):
    """Class ids (N,) or (N, 2) in [0, 3), sometimes -1 or 3 (out of range: Keras drops them), as ``dtype`` or
    int; weights per id or per sample."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 2)]))
    ids = st.sampled_from([0, 1, 2, 0, 1, 2, -1, 3])
    id_dtype = st.sampled_from([np.dtype(dtype), np.dtype(np.int32), np.dtype(np.int64)])
    y_true = draw(id_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=ids.map(d.type))))
    y_pred = draw(id_dtype.flatmap(lambda d: hnp.arrays(d, shape, elements=ids.map(d.type))))
    weights = draw(st.one_of(st.none(), arrays(dtype, shape, weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=y_pred, sample_weight=weights)


@st.composite
def iou_one_hot(draw, dtype):
    """One-hot (or tied) labels and scores (N, 3), argmaxed by the metric; weights (N,)."""
    n = draw(st.integers(1, 12))
    shape = (n, CONFUSION_CLASSES)
    y_true = draw(st.one_of(st.builds(one_hot, sparse_labels((n,), CONFUSION_CLASSES), st.just(CONFUSION_CLASSES),
                                      st.just(dtype)), tied_scores(dtype, shape)))
    weights = draw(st.one_of(st.none(), arrays(dtype, (n,), weight_values(dtype))))
    return Sample(y_true=y_true, y_pred=draw(scores(dtype, shape)), sample_weight=weights)


@st.composite
def binary_iou_sample(draw, dtype):
    """0/1 labels and scores on and around the thresholds; weights (N,) or per element."""
    n = draw(st.integers(1, 12))
    shape = draw(st.sampled_from([(n,), (n, 3)]))
    weights = draw(st.one_of(st.none(), arrays(dtype, shape, weight_values(dtype))))
    return Sample(y_true=draw(binary_labels(dtype, shape)), y_pred=draw(confusion_scores(dtype, shape)),
                  sample_weight=weights)


def iou_kwargs(target_class_ids=True, ignore_class=True):
    required = {"num_classes": st.just(CONFUSION_CLASSES)}
    if target_class_ids:
        required["target_class_ids"] = st.sampled_from([[0], [2], [0, 1], [2, 0, 1], [1, 1]])
    optional = {"ignore_class": st.sampled_from([None, 0, 2, -1])} if ignore_class else {}
    return st.fixed_dictionaries(required, optional=optional)

# --- activations (issue 11) ---------------------------------------------------------------


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


@st.composite
def glu(draw, dtype, elements=None):
    """``x`` whose ``axis`` has even length."""
    shape = list(draw(shapes()))
    axis = draw(axis_of(len(shape)))
    shape[axis] *= 2
    return Sample(x=draw(arrays(dtype, tuple(shape), kinked_values(dtype) if elements is None else elements)), axis=axis)


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


# --- optimizers: 50-step gradient streams (parity_tests/optimizer_db.py, test_optimizers.py) ---

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


# --- losses (issue 11) ---------------------------------------------------------------------
#
# One strategy per family of keras.losses. Each draws from the loss's real domain with its edges pinned
# (exact ties y = ŷ where |·| kinks, the clip bounds ε and 1 - ε, zeros where a log or a division sits, huge
# logits), integer and bool labels where Keras accepts them, and (``with_weights``) a reduction and sample
# weights that may be all zero or negative. ``fd=True``: float64, away from every kink and pole.

LOSS_DTYPES = (None, "float16", "bfloat16", "mixed_float16", "mixed_bfloat16")
"""A loss class's ``dtype=`` besides its inputs' own: ``floatx`` (None), half precision, and the mixed policies,
whose compute dtype is float16 or bfloat16 (Keras's ``Loss.__init__`` takes the policy's compute dtype)."""


@st.composite
def with_loss_dtype(draw, samples, dtype, fd=False):
    """A class form's sample from ``samples`` with its ``dtype=`` argument: the inputs' own ``dtype`` or one of
    :data:`LOSS_DTYPES`, passed by name or (``as_policy``) as a ``DTypePolicy`` object. ``fd``: the inputs' own."""
    name = dtype if fd else draw(st.sampled_from((dtype,) + LOSS_DTYPES))
    return Sample(draw(samples), dtype=name, as_policy=name is not None and not fd and draw(st.booleans()))


FLUSHED_SQUARES = (1e-20, -1e-20, 2e-20, 3e-20)
"""Values whose differences and products (~1e-40) are float32 subnormals, which TF flushes to 0: a loss of that
order is 0 to Keras, so a mask ``loss > 0`` or a divisor must see it as 0 too. 0 in half precision."""


def loss_values(dtype, magnitude):
    """:func:`values` up to ``magnitude``, with the edges where a loss's dtype decides: in float32 and float64
    :data:`FLUSHED_SQUARES`; in float16 and bfloat16 float16's overflow range (:data:`FLOAT16_EDGES`: squares and
    sums past 65504 are ``inf``)."""
    if np.dtype(dtype) in (np.dtype(np.float16), BFLOAT16):
        return st.one_of(values(dtype, magnitude), specials(dtype, *FLOAT16_EDGES, 3e4, -3e4))
    return st.one_of(values(dtype, magnitude), specials(dtype, *FLUSHED_SQUARES))


def loss_weights(dtype, loss_shape):
    """:func:`sample_weights`, plus negative weights (Keras multiplies them in like any other)."""
    negative = st.builds(lambda w: -w, floats(dtype, 1e-3, 4))
    return st.one_of(sample_weights(dtype, loss_shape), arrays(dtype, loss_shape, st.one_of(weight_values(dtype), negative)))


def _with_reduction(draw, sample, dtype, loss_shape, fd):
    sample.update(sample_weight=draw(loss_weights("float64" if fd else dtype, loss_shape)),
                  reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


def _labels_as(draw, y_true):
    """``y_true`` as drawn, or as int32 / bool when it holds only integers (bool only for 0/1)."""
    if np.all(y_true == np.round(y_true)) and np.all(np.abs(y_true) < 2**20):
        kinds = [None, np.int32] + ([np.bool_] if np.all((y_true == 0) | (y_true == 1)) else [])
        kind = draw(st.sampled_from(kinds))
        if kind is not None:
            return y_true.astype(kind)
    return y_true


@st.composite
def regression_loss(draw, dtype, kind="plain", with_weights=True, fd=False):
    """``y_true``/``y_pred`` for MSE-like losses. ``kind``: ``"plain"`` (any reals, ties), ``"percentage"``
    (MAPE: targets with exact zeros and tiny ones), ``"log"`` (MSLE: negatives and zeros, clipped at ε),
    ``"huber"`` (a drawn ``delta``, errors exactly at ±δ)."""
    shape = draw(_outputs_shapes())
    if fd:
        y_true = draw(arrays("float64", shape, floats("float64", 0.2, 3.0) if kind in ("percentage", "log")
                             else fd_values()))
        offset = draw(arrays("float64", shape, magnitudes("float64", 0.05, 1.0)))
        if kind in ("percentage", "log"):
            offset = np.abs(offset)                                       # stay above MSLE's ε floor
        sample = Sample(y_true=y_true, y_pred=y_true + offset)
    else:
        if kind == "percentage":
            elements = st.one_of(loss_values(dtype, 1e3), specials(dtype, 0.0, 1e-7, -1e-7, 1e-8))
        elif kind == "log":
            elements = st.one_of(loss_values(dtype, 1e3), specials(dtype, 0.0, 1e-7, -1.0, -0.5))
        else:
            elements = loss_values(dtype, 1e3)
        y_true = draw(arrays(dtype, shape, elements))
        y_pred = draw(arrays(dtype, shape, elements))
        ties = draw(hnp.arrays(np.bool_, shape))
        sample = Sample(y_true=_labels_as(draw, y_true), y_pred=np.where(ties, y_true, y_pred).astype(dtype))
    if kind == "huber":
        delta = draw(st.one_of(specials("float64", 1.0, 0.5, 2.0), floats("float64", 0.1, 5.0)))
        if fd:   # no error within a step of the kink |e| = δ (f'' jumps there)
            delta = float(np.min(np.abs(sample["y_pred"] - sample["y_true"]))) / 2
        sample["delta"] = delta
        if not fd:
            on_kink = draw(hnp.arrays(np.bool_, shape))
            sample["y_pred"] = np.where(on_kink, sample["y_true"] + np.asarray(delta, dtype=dtype),
                                        sample["y_pred"]).astype(dtype)
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


@st.composite
def cosine_loss(draw, dtype, with_weights=True, fd=False):
    """Vectors for ``cosine_similarity``: zero vectors, parallel and opposite pairs, tiny norms; any ``axis``."""
    shape = draw(class_shapes())
    elements = fd_values() if fd else st.one_of(loss_values(dtype, 1e3), specials(dtype, 0.0, 1e-9))
    y_true = draw(arrays("float64" if fd else dtype, shape, elements))
    y_pred = draw(arrays("float64" if fd else dtype, shape, elements))
    if not fd:   # copies: a sample holding one array twice would be watched twice by the tape
        y_pred = draw(st.sampled_from([y_pred, y_true.copy(), -y_true, np.zeros_like(y_true)]))
    else:        # every |element| >= 0.5: norms far from 0 and from Keras's 1/ε cap
        y_true, y_pred = (np.where(v >= 0, v + 0.5, v - 0.5) for v in (y_true, y_pred))
    sample = Sample(y_true=y_true, y_pred=y_pred, axis=-1 if with_weights else draw(axis_of(len(shape))))
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


@st.composite
def hinge_loss(draw, dtype, categorical=False, with_weights=True, fd=False):
    """Labels in {-1, 1} or {0, 1} (converted by Keras), or one-hot for the categorical hinge; scores with
    margins exactly 0 (``y·ŷ = 1``) and ties for the max. ``fd``: scores 0.05 away from ±1 and from each other."""
    shape = draw(class_shapes())
    if categorical:
        y_true = one_hot(draw(sparse_labels(shape[:-1], shape[-1])), shape[-1], "float64")
    else:
        y_true = draw(arrays("float64", shape, specials("float64", 0.0, 1.0) if draw(st.booleans())
                             else specials("float64", -1.0, 1.0)))
    if fd:
        y_pred = draw(arrays("float64", shape, fd_values(-3, 3, avoid=(-1.0, 1.0, 0.0)).filter(
            lambda x: min(abs(x - 1), abs(x + 1)) > 0.05)))
        if categorical:   # distinct scores: no tie for the max, no margin at exactly 0
            y_pred = y_pred + np.arange(shape[-1]) * 0.37
    else:
        y_pred = draw(arrays(dtype, shape, st.one_of(loss_values(dtype, 100.0), specials(dtype, 1.0, -1.0, 0.0, 2.0))))
    sample = Sample(y_true=y_true.astype("float64" if fd else dtype), y_pred=y_pred.astype("float64" if fd else dtype))
    if not fd:
        sample["y_true"] = _labels_as(draw, sample["y_true"])
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


@st.composite
def distribution_loss(draw, dtype, kind="kl", with_weights=True, fd=False):
    """``kind="kl"``: probability rows (exact 0 and 1, values below ε, above 1); ``"poisson"``: counts and
    rates >= 0, rates exactly 0. ``fd``: inside (ε, 1) / rates >= 0.1."""
    shape = draw(class_shapes())
    if fd:
        low, high = (0.05, 0.95) if kind == "kl" else (0.1, 5.0)
        y_true = draw(arrays("float64", shape, floats("float64", low, high)))
        y_pred = draw(arrays("float64", shape, floats("float64", low, high)))
    elif kind == "kl":
        y_true = draw(probabilities(dtype, shape))
        y_pred = draw(st.one_of(probabilities(dtype, shape), arrays(dtype, shape, specials(dtype, 0.0, 1e-8, 1.5))))
    else:
        y_true = draw(arrays(dtype, shape, st.one_of(specials(dtype, 0.0, 1.0, 3.0), floats(dtype, 0, 100))))
        y_pred = draw(arrays(dtype, shape, st.one_of(specials(dtype, 0.0, 1e-7, 1.0), floats(dtype, 0, 100))))
        y_true = _labels_as(draw, y_true)
    sample = Sample(y_true=y_true, y_pred=y_pred)
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


@st.composite
def binary_focal_loss(draw, dtype, with_weights=True, fd=False):
    """:func:`binary_crossentropy`'s inputs plus ``gamma`` (0 and 2 pinned), ``alpha`` and class balancing."""
    sample = draw(binary_crossentropy(dtype, with_weights=False, fd=fd))
    sample.update(gamma=draw(st.one_of(specials("float64", 2.0, 0.0, 1.0), floats("float64", 0, 5))),
                  alpha=draw(st.one_of(specials("float64", 0.25, 0.0, 1.0), floats("float64", 0, 1))),
                  apply_class_balancing=draw(st.booleans()))
    if fd:
        sample["gamma"] = max(sample["gamma"], 1.0)      # (1 - pₜ)^γ is smooth at pₜ < 1 for γ >= 1
    if with_weights:
        sample["axis"] = -1
        _with_reduction(draw, sample, dtype, sample["y_pred"].shape[:-1], fd)
    return sample


@st.composite
def categorical_focal_loss(draw, dtype, with_weights=True, fd=False):
    """:func:`categorical_crossentropy`'s inputs plus ``gamma``, and ``alpha`` a scalar or one per class."""
    sample = draw(categorical_crossentropy(dtype, with_weights=False, fd=fd))
    classes = sample["y_pred"].shape[sample["axis"]]
    scalar = st.one_of(specials("float64", 0.25, 1.0), floats("float64", 0, 1))
    per_class = st.lists(floats("float64", 0, 1), min_size=classes, max_size=classes)
    sample.update(gamma=draw(st.one_of(specials("float64", 2.0, 0.0), floats("float64", 1.0 if fd else 0.0, 5))),
                  alpha=draw(scalar if sample["axis"] not in (-1, sample["y_pred"].ndim - 1) else st.one_of(scalar, per_class)))
    if fd:
        sample["gamma"] = max(sample["gamma"], 1.0)
    if with_weights:
        sample["axis"] = -1
        _with_reduction(draw, sample, dtype, sample["y_pred"].shape[:-1], fd)
    return sample


@st.composite
def generalized_crossentropy(draw, dtype, with_weights=True, fd=False):
    """Integer labels (N,) and probabilities (N, C), true-class probability 0 included; ``q`` in (0, 1)."""
    n, classes = draw(st.integers(1, MAX_SIDE + 1)), draw(st.integers(2, MAX_CLASSES))
    labels = draw(sparse_labels((n,), classes))
    y_pred = draw(arrays("float64", (n, classes), floats("float64", 0.05, 0.95)) if fd else probabilities(dtype, (n, classes)))
    sample = Sample(y_true=labels, y_pred=y_pred, q=draw(st.one_of(specials("float64", 0.5, 0.1, 0.9), floats("float64", 0.01, 0.99))))
    if with_weights:
        _with_reduction(draw, sample, dtype, (n,), fd)
    return sample


@st.composite
def overlap_loss(draw, dtype, with_weights=True, fd=False):
    """Masks for Dice/Tversky: (N, H, W) or (N, H, W, C), {0, 1} (int or bool) or soft targets, probabilities,
    empty masks; ``axis`` None (one number) or the spatial axes; Tversky's ``alpha``, ``beta``."""
    images = (draw(st.integers(1, 3)), 2, 3)
    shape = images if with_weights else draw(st.sampled_from([images, (2, 2, 2, draw(st.integers(1, 3)))]))
    if fd:
        y_true = draw(arrays("float64", shape, floats("float64", 0.05, 0.95)))
        y_pred = draw(arrays("float64", shape, floats("float64", 0.05, 0.95)))
    else:
        hard = arrays(dtype, shape, specials(dtype, 0.0, 1.0))
        y_true = draw(st.one_of(hard, arrays(dtype, shape, probability_values(dtype)), st.just(np.zeros(shape, dtype))))
        y_true = _labels_as(draw, y_true)
        y_pred = draw(st.one_of(arrays(dtype, shape, probability_values(dtype)), st.just(np.zeros(shape, dtype))))
    axis = draw(st.sampled_from([None, (1, 2)] if not with_weights else [(1, 2)]))
    sample = Sample(y_true=y_true, y_pred=y_pred, axis=axis,
                    alpha=draw(st.one_of(specials("float64", 0.5, 0.3, 0.7), floats("float64", 0, 1))),
                    beta=draw(st.one_of(specials("float64", 0.5, 0.3, 0.7), floats("float64", 0, 1))))
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:1], fd)
    return sample


@st.composite
def circle_loss(draw, dtype, with_weights=True, fd=False):
    """Integer labels (N,) from a few classes (so positives and negatives occur, or a sample has none) and
    L2-normalised embeddings (N, D), duplicates included; ``gamma``, ``margin``, ``remove_diagonal``."""
    n, d = draw(st.integers(2, 6)), draw(st.integers(2, 4))
    labels = draw(hnp.arrays(np.int32, (n,), elements=st.integers(0, 2)))
    # A pair at distance 0 (a sample with itself, a duplicate) sits on the kink of max(1 - x·y, 0), where the
    # last ulp of the dot product decides whether the gradient passes: such pairs only among exact unit
    # vectors ±eₖ, whose dot products are exact in any summation order.
    exact = not fd and draw(st.booleans())
    if exact:
        axes, signs = (draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, d - 1))),
                       draw(hnp.arrays(np.int64, (n,), elements=st.sampled_from([-1, 1]))))
        embeddings = np.eye(d)[axes] * signs[:, None]
    else:
        raw = draw(arrays("float64", (n, d), fd_values() if fd else values("float64", 10.0)))
        raw = raw + np.where(np.abs(raw) < 0.1, 0.5, 0.0)
        embeddings = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    sample = Sample(y_true=labels, y_pred=embeddings.astype("float64" if fd else dtype),
                    gamma=draw(st.one_of(specials("float64", 80.0, 1.0) if not fd else specials("float64", 1.0, 2.0))),
                    margin=draw(st.one_of(specials("float64", 0.4, 0.25), floats("float64", 0.0, 0.5))),
                    remove_diagonal=draw(st.booleans()) if exact else True)
    if fd:   # no pair within a step of the kinks of max(d, 0) and max(1 + m - d, 0)
        from hypothesis import assume

        dist = (1 - embeddings @ embeddings.T)[~np.eye(n, dtype=bool)]
        assume(np.all(dist > 0.05) and np.all(np.abs(dist - 1 - sample["margin"]) > 0.05))
    if with_weights:
        _with_reduction(draw, sample, dtype, (n,), fd)
    return sample


@st.composite
def ctc_loss(draw, dtype, with_weights=True, fd=False):
    """0-padded labels (B, L) in [1, C) (repeats, all-padding rows, sequences too long for the T frames) and
    logits (B, T, C), huge ones included. ``fd``: moderate logits, labels that fit."""
    batch, frames, classes = draw(st.integers(1, 3)), draw(st.integers(1, 5)), draw(st.integers(2, 4))
    length = draw(st.integers(1, 4))
    labels = draw(hnp.arrays(np.int32, (batch, length), elements=st.integers(1, classes - 1)))
    lengths = draw(hnp.arrays(np.int32, (batch,), elements=st.integers(0, length)))
    if fd:   # fits: L + repeats <= T
        frames = 2 * length + 1
    labels = np.where(np.arange(length) < lengths[:, None], labels, 0).astype(np.int32)
    logits = draw(arrays("float64" if fd else dtype, (batch, frames, classes),
                         fd_values() if fd else st.one_of(floats(dtype, -10, 10), specials(dtype, 0.0, 100.0, -100.0))))
    sample = Sample(y_true=labels, y_pred=logits, loss_shape=(batch,))   # one loss per sequence, for the scales
    if with_weights:
        _with_reduction(draw, sample, dtype, (batch,), fd)
    return sample


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
    from hypothesis import assume

    assume(np.all(np.abs(np.subtract(sample["a"], sample["b"])) > 10 * FD_MARGIN))   # no tie within a step
    return sample


def one_of_values(dtype, magnitude, pinned):
    """:func:`values` up to ``magnitude``, with the given edge values pinned (thresholds of a kernel)."""
    return st.one_of(values(dtype, magnitude), specials(dtype, *pinned))


def distinct(strategy, key="x", gap=10 * FD_MARGIN):
    """``strategy`` restricted to samples whose ``key`` has no two values within ``gap`` (no tie for a max)."""
    return strategy.filter(lambda s: s[key].size < 2 or np.min(np.diff(np.sort(s[key].ravel()))) > gap)
