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

from reference import config

DTYPES = ("float32", "float64")
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
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
    """Finite, normal (or zero) floats exactly representable in ``dtype``."""
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


def flush_subnormals(array):
    """``array`` with its subnormal entries set to 0: arrays computed inside a strategy stay in the domain."""
    array = array.copy()
    array[np.abs(array) < np.finfo(array.dtype).tiny] = 0
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


def learning_rates():
    return st.one_of(st.sampled_from(LEARNING_RATES), floats("float64", 1e-5, 1.0))


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
    elements = fd_values() if fd else values(dtype, 1e3)
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



# --- confusion-matrix metrics (issue 13) ---------------------------------------------------

CONFUSION_CLASSES = 3
"""The last axis of the inputs of every confusion row that takes ``class_id``, ``top_k``, ``multi_label``,
``label_weights`` or one-hot labels: the kwargs are drawn apart from the sample, so both agree on 3."""

CONFUSION_THRESHOLDS = (None, 0.5, 0.0, 1.0, [0.25, 0.75], [0.75, 0.25, 0.5], [0.0, 0.5, 1.0],
                        [0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
"""Single, listed and unsorted thresholds; the last three are evenly spaced from 0 to 1 (the bucketed path)."""


def confusion_scores(dtype, shape, out_of_range=False):
    """Scores in [0, 1] (optionally [-0.5, 1.5]) that often sit exactly on a threshold or a bucket edge
    (0, 0.25, 0.5, 0.75, 1, 0.1·k) or tie with each other."""
    pinned = specials(dtype, 0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.3, 0.7)
    elements = st.one_of(probability_values(dtype), pinned, *([floats(dtype, -0.5, 1.5)] if out_of_range else []))
    return st.one_of(arrays(dtype, shape, elements), tied_scores(dtype, shape))


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
    elements = specials(dtype, 0.0, 0.5, 1.0, 2.0, 3.0) if exact else weight_values(dtype)
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
        sample["y_pred"] = draw(arrays(dtype, sample["y_pred"].shape, st.one_of(floats(dtype, -6, 6),
                                                                                specials(dtype, 0.0, 1.0, -1.0))))
    return sample


def confusion_thresholds():
    return st.sampled_from(CONFUSION_THRESHOLDS)


def precision_recall_kwargs():
    """``thresholds``, ``top_k`` (1..3) and ``class_id`` (0..2), alone or together."""
    return st.fixed_dictionaries({}, optional={"thresholds": confusion_thresholds(),
                                               "top_k": st.integers(1, CONFUSION_CLASSES),
                                               "class_id": st.integers(0, CONFUSION_CLASSES - 1)})


def at_constraint_kwargs(constraint):
    """The constraint (pinned 0, 0.5, 1 and any value in [0, 1]), ``num_thresholds`` and ``class_id``."""
    value = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 0.8]), st.floats(0, 1))
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
