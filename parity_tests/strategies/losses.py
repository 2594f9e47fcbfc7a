"""Inputs of ``keras.losses``: one strategy per family of losses, as functions and as reduced classes.

Each draws from the loss's real domain with its edges pinned (exact ties y = ŷ where ``|·|`` kinks, the clip
bounds ε and 1 - ε, zeros where a log or a division sits, huge logits), integer and bool labels where Keras
accepts them, and (``with_weights``) a reduction and sample weights that may be all zero or negative: the
reductions divide by a weight sum that can vanish or change sign. ``fd=True``: float64, away from every kink
and pole, for finite differences.
"""

import numpy as np
from hypothesis import assume, strategies as st
from hypothesis.extra import numpy as hnp

from reference import losses

from .common import (BFLOAT16, FLOAT16_EDGES, MAX_CLASSES, MAX_SIDE, Sample, arrays, axis_of, class_axis_of,
                     class_shapes, fd_values, floats, logit_values, magnitudes, one_hot, probabilities,
                     probability_values, soft_labels, sparse_labels, specials, values, weight_values)


REDUCTIONS = losses.REDUCTIONS  # every reduction Keras accepts, from the one list


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


# --- weights and reductions ----------------------------------------------------------------------------------------


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


def loss_weights(dtype, loss_shape):
    """:func:`sample_weights`, plus negative weights (Keras multiplies them in like any other)."""
    negative = st.builds(lambda w: -w, floats(dtype, 1e-3, 4))
    signed = arrays(dtype, loss_shape, st.one_of(weight_values(dtype), negative))
    return st.one_of(sample_weights(dtype, loss_shape), signed)


def _with_reduction(draw, sample, dtype, loss_shape, fd):
    """``sample`` with a reduction and :func:`loss_weights` for losses of ``loss_shape`` (float64 ones for ``fd``)."""
    sample.update(sample_weight=draw(loss_weights("float64" if fd else dtype, loss_shape)),
                  reduction=draw(st.sampled_from(REDUCTIONS)))
    return sample


# --- shared draws --------------------------------------------------------------------------------------------------


def _outputs_shapes():
    """Shapes of model outputs: ``class_shapes``, or the same with one unit (a sigmoid or a regression head)."""
    return st.one_of(class_shapes(), class_shapes().map(lambda shape: shape[:-1] + (1,)))


def _labels_as(draw, y_true):
    """``y_true`` as drawn, or as int32 / bool when it holds only integers (bool only for 0/1)."""
    if np.all(y_true == np.round(y_true)) and np.all(np.abs(y_true) < 2**20):
        kinds = [None, np.int32] + ([np.bool_] if np.all((y_true == 0) | (y_true == 1)) else [])
        kind = draw(st.sampled_from(kinds))
        if kind is not None:
            return y_true.astype(kind)
    return y_true


def _y_pred(dtype, shape, from_logits, fd):
    """Logits or probabilities; with ``fd``, float64 ones in a smooth domain (no clipping, no pole)."""
    if fd:
        return arrays("float64", shape, fd_values() if from_logits else floats("float64", 0.05, 0.95))
    return arrays(dtype, shape, logit_values(dtype)) if from_logits else probabilities(dtype, shape)


# --- cross-entropies -----------------------------------------------------------------------------------------------


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
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


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
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
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
    last_axis = sample["axis"] in (-1, sample["y_pred"].ndim - 1)     # only there may alpha have one per class
    sample.update(gamma=draw(st.one_of(specials("float64", 2.0, 0.0), floats("float64", 1.0 if fd else 0.0, 5))),
                  alpha=draw(st.one_of(scalar, per_class) if last_axis else scalar))
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
    y_pred = draw(arrays("float64", (n, classes), floats("float64", 0.05, 0.95)) if fd
                  else probabilities(dtype, (n, classes)))
    q = st.one_of(specials("float64", 0.5, 0.1, 0.9), floats("float64", 0.01, 0.99))
    sample = Sample(y_true=labels, y_pred=y_pred, q=draw(q))
    if with_weights:
        _with_reduction(draw, sample, dtype, (n,), fd)
    return sample


# --- regression and margin losses ----------------------------------------------------------------------------------


@st.composite
def regression(draw, dtype, with_weights=True, fd=False):
    """Inputs of ``mean_squared_error`` (targets (N,) against outputs (N, 1) included), or of the loss class."""
    shape = draw(_outputs_shapes())
    elements = fd_values() if fd else loss_values(dtype, 1e3)
    y_pred = draw(arrays("float64" if fd else dtype, shape, elements))
    true_shape = shape[:-1] if shape[-1] == 1 and len(shape) == 2 and draw(st.booleans()) else shape
    sample = Sample(y_true=draw(arrays("float64" if fd else dtype, true_shape, elements)), y_pred=y_pred)
    if with_weights:
        _with_reduction(draw, sample, dtype, shape[:-1], fd)
    return sample


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


# --- distribution losses -------------------------------------------------------------------------------------------


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


# --- set and sequence losses ---------------------------------------------------------------------------------------


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
