"""Tolerance helpers of the op table's rows: the size and the scale each row's rounding errors grow with."""

import numpy as np

import reference as rk

from .opinfo import CLIP_LOG, max_abs, sum_abs

def classes(sample, key="y_pred", axis="axis"):
    return sample[key].shape[sample.get(axis, -1)]


def loss_value_scale(sample):
    """Magnitude of the terms of one cross-entropy: ``max(1, |logits|)``, or ``|log clip p|``."""
    return max(1.0, max_abs(sample["y_pred"])) if sample.get("from_logits") else CLIP_LOG


def loss_size(sample):
    """Classes, plus the number of losses summed by a reduction."""
    shape = sample["y_pred"].shape
    return shape[-1] + (0 if sample.get("reduction", "none") in (None, "none") else int(np.prod(shape[:-1])))


def loss_scale(sample):
    """Per-loss error bound times the weight the reduction gives it; summed when reduced, else the max."""
    per_sample = reduction_weights(sample, sample["y_pred"].shape[:-1]) * loss_value_scale(sample)
    reduced = sample.get("reduction", "none") not in (None, "none")
    return max(1.0, float(np.sum(per_sample)) if reduced else max_abs(per_sample))


def label_mass(sample):
    """``max Σ|y_true|`` along the class axis (1 for integer labels): the gradient is proportional to it."""
    y_true = np.asarray(sample["y_true"])
    return 1.0 if y_true.dtype.kind != "f" else max(1.0, max_abs(np.sum(np.abs(y_true), axis=sample.get("axis", -1))))


def loss_grad_scale(sample, dy):
    """Magnitude of the gradient terms wrt ``y_pred``, per element: ``max|dy|·w/divisor`` of the sample,
    times ``1/clip(p) + 1/Σp`` for probabilities (the log's derivative and the normalisation, which cancel),
    times the label mass."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    axis = sample.get("axis", -1)
    loss_shape = np.delete(np.array(y_pred.shape), axis)
    per_sample = np.expand_dims(reduction_weights(sample, tuple(loss_shape)), axis) * max_abs(dy)
    if sample.get("from_logits"):
        factor = 1.0
    else:
        total = np.maximum(np.abs(y_pred.sum(axis, keepdims=True)), np.finfo(np.float64).tiny)
        factor = 1 / np.clip(y_pred, rk.config.epsilon(), 1) + 1 / np.minimum(total, 1e300)
    with np.errstate(over="ignore"):                     # Σp = 0: capped below, so the tolerance stays finite
        return np.minimum(per_sample * factor * label_mass(sample) + 0.0 * y_pred, 1e300)


def matmul_scale(sample):
    return max_abs(np.abs(sample["a"]) @ np.abs(sample["b"]))


def matmul_grad_scale(sample, dy):
    a, b, dy = np.abs(sample["a"]), np.abs(sample["b"]), np.abs(dy)
    return max(max_abs(dy @ b.T), max_abs(a.T @ dy))


def dense_scale(sample):
    x = np.abs(sample["x"]).reshape(-1, sample["x"].shape[-1])
    return max_abs(x @ np.abs(sample["kernel"])) + max_abs(sample["bias"])


def dense_grad_scale(sample, dy):
    x = np.abs(sample["x"]).reshape(-1, sample["x"].shape[-1])
    dy = np.abs(dy).reshape(-1, dy.shape[-1])
    return max(max_abs(dy @ np.abs(sample["kernel"]).T), max_abs(x.T @ dy), max_abs(dy.sum(0))) * \
        (2.0 if sample["activation"] == "softmax" else 1.0)


def binary_grad_scale(factor):
    """Unbroadcasting sums ``dy·factor`` over up to ``dy.size`` terms: scale ``Σ|dy|·max|factor|``."""
    return lambda s, dy: sum_abs(dy) * max(1.0, factor(s))


def xent_scale(sample):
    labels_mass = np.sum(np.abs(sample["labels"]), axis=sample["axis"])
    return max(1.0, max_abs(sample["logits"])) * max(1.0, max_abs(labels_mass))


def bce_grad_scale(sample, dy):
    """Per element of ``y_pred``: ``max|dy|·w/divisor`` of its sample over the ``n`` averaged elements, times
    ``|z|/clip(p) + |1-z|/clip(1-p)`` for probabilities (the two logs' derivatives), 2 for logits (``σ(x) - z``)."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    axis = sample.get("axis", -1)
    loss_shape = tuple(np.delete(np.array(y_pred.shape), axis))
    per_sample = np.expand_dims(reduction_weights(sample, loss_shape), axis) * max_abs(dy) / y_pred.shape[axis]
    if sample.get("from_logits"):
        return per_sample * 2.0 + 0.0 * y_pred
    eps = rk.config.epsilon()
    return per_sample * (1 / np.clip(y_pred, eps, 1) + 1 / np.clip(1 - y_pred, eps, 1)) + 0.0 * y_pred


def mse_magnitude(sample):
    """``max|y_true| + max|y_pred|``: the scale of ``y_true - y_pred`` before it cancels."""
    return max_abs(sample["y_true"]) + max_abs(sample["y_pred"])


def mse_scale(sample):
    """The squared magnitude, times the weight each loss gets from the reduction (summed if reduced)."""
    per_sample = reduction_weights(sample, sample["y_pred"].shape[:-1]) * mse_magnitude(sample) ** 2
    reduced = sample.get("reduction", "none") not in (None, "none")
    return max(1.0, float(np.sum(per_sample)) if reduced else max_abs(per_sample))


def mse_grad_scale(sample, dy):
    """``2·max|dy|·magnitude / n`` times the sample's reduction weight: the derivative ``-2(a - b)/n·dy``."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    per_sample = np.expand_dims(reduction_weights(sample, y_pred.shape[:-1]), -1)
    return per_sample * 2 * max_abs(dy) * mse_magnitude(sample) / y_pred.shape[-1] + 0.0 * y_pred


# --- the rest of keras.losses ------------------------------------------------------------------
#
# Each loss's rounding errors grow with the magnitude of its terms before they cancel: ``term`` below is a
# per-element bound on that magnitude (float64, shaped like ``y_pred``), ``slope`` a per-element bound on the
# derivative of one sample's loss with respect to ``y_pred`` (the 1/n of a mean included). The reduction
# weighs each sample by ``|w| / |divisor|``.

def _abs64(sample, key):
    return np.abs(np.asarray(sample[key], dtype=np.float64))


def reduction_weights(sample, loss_shape):
    """``|w| / |divisor|`` per loss, as Keras's ``reduce_weighted_values`` applies it: ``w`` squeezed or expanded to
    the losses' rank, the divisor ``Σw`` of the weights as given (``mean_with_sample_weight``: a scalar weight
    cancels) or the number of losses; negative weights and divisors included."""
    w = sample.get("sample_weight")
    w = np.ones(loss_shape) if w is None else np.asarray(w, dtype=np.float64)
    if w.ndim == len(loss_shape) + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    elif w.ndim == len(loss_shape) - 1 and loss_shape[-1] == 1:    # the rank rule expands (N,) to (N, 1)
        w = w[..., None]
    wb = np.broadcast_to(w, loss_shape) if len(loss_shape) else w
    reduction = sample.get("reduction", "none")
    if reduction in (None, "none", "sum"):
        divisor = 1.0
    elif reduction == "mean_with_sample_weight" and sample.get("sample_weight") is not None:
        divisor = abs(float(np.sum(w)))
    else:
        divisor = float(np.prod(loss_shape)) if len(loss_shape) else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(np.abs(wb) / divisor, 1e300) if divisor else np.zeros(loss_shape)


def _loss_shape(sample):
    if "loss_shape" in sample:                                     # set by strategies whose loss is not per row
        return tuple(sample["loss_shape"])
    axis = sample.get("axis", -1)
    shape = np.shape(sample["y_pred"])
    if axis is None:
        return ()
    axes = {a % len(shape) for a in np.atleast_1d(axis)}
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def term_scale(term, per_sample="max"):
    """Forward scale: the largest term of each sample (times the count of terms summed, for ``"sum"``),
    weighted by the reduction (summed if reduced, else the max)."""
    def scale(sample):
        t = np.asarray(term(sample), dtype=np.float64)
        loss_shape = _loss_shape(sample)
        per = np.broadcast_to(np.max(t, initial=0.0), loss_shape) * (t.size / max(np.prod(loss_shape), 1)
                                                                     if per_sample == "sum" else 1.0)
        weighted = reduction_weights(sample, loss_shape) * per
        reduced = sample.get("reduction", "none") not in (None, "none")
        return max(1.0, float(np.sum(weighted)) if reduced else max_abs(weighted))
    return scale


def slope_scale(slope):
    """Gradient scale: ``max|dy| · max(|w|/|divisor|) · slope`` per element of ``y_pred``."""
    def scale(sample, dy):
        y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
        w = float(np.max(reduction_weights(sample, _loss_shape(sample)), initial=0.0))
        with np.errstate(all="ignore"):
            s = np.nan_to_num(np.asarray(slope(sample), dtype=np.float64), nan=1e300, posinf=1e300)
            return np.minimum(max_abs(dy) * w * np.abs(s) + 0.0 * y_pred, 1e300)
    return scale


def last_axis_count(sample):
    return np.shape(sample["y_pred"])[-1]


def mse_term(s):
    return (_abs64(s, "y_true") + _abs64(s, "y_pred")) ** 2


def mae_term(s):
    return _abs64(s, "y_true") + _abs64(s, "y_pred")


def mape_term(s):
    eps = rk.config.epsilon()
    return 100 * (_abs64(s, "y_true") + _abs64(s, "y_pred")) / np.maximum(_abs64(s, "y_true"), eps)


def msle_term(s):
    eps = rk.config.epsilon()
    logs = [np.abs(np.log(np.maximum(np.asarray(s[k], dtype=np.float64), eps) + 1)) for k in ("y_true", "y_pred")]
    return (logs[0] + logs[1] + 1) ** 2


def huber_term(s):
    a = _abs64(s, "y_true") + _abs64(s, "y_pred")
    return a ** 2 + s["delta"] * (a + s["delta"])


def log_prob_term(s, key):
    """``|log clip(x)|`` for a probability input: at most ``-log ε``."""
    eps = rk.config.epsilon()
    return np.abs(np.log(np.clip(np.asarray(s[key], dtype=np.float64), eps, 1)))


def kl_term(s):
    eps = rk.config.epsilon()
    y = np.clip(_abs64(s, "y_true"), eps, 1)
    return y * (log_prob_term(s, "y_true") + log_prob_term(s, "y_pred") + 1)


def kl_slope(s):
    eps = rk.config.epsilon()
    return np.clip(_abs64(s, "y_true"), eps, 1) / np.clip(_abs64(s, "y_pred"), eps, 1)


def poisson_term(s):
    eps = rk.config.epsilon()
    return _abs64(s, "y_pred") + _abs64(s, "y_true") * (np.abs(np.log(_abs64(s, "y_pred") + eps)) + 1)


def poisson_slope(s):
    eps = rk.config.epsilon()
    return (1 + _abs64(s, "y_true") / (_abs64(s, "y_pred") + eps)) / last_axis_count(s)


def cosine_slope(s):
    """``2/‖ŷ‖`` (capped at 2/ε·... by Keras's 1/ε cap on the inverse norm) along the axis."""
    axis = s.get("axis", -1)
    norm = np.sqrt(np.sum(_abs64(s, "y_pred") ** 2, axis=axis, keepdims=True))
    return 4 * np.minimum(1 / np.maximum(norm, 1e-300), 1 / rk.config.epsilon()) + 0 * _abs64(s, "y_pred")


def hinge_term(s, squared=False):
    t = 1 + _abs64(s, "y_true") * _abs64(s, "y_pred") + _abs64(s, "y_pred")
    return t ** 2 if squared else t


def focal_term(s):
    """The cross-entropy's term (``-log clip p`` or ``|logit|``) times the focal factor's magnitude."""
    if s.get("from_logits"):
        base = 1 + _abs64(s, "y_pred")
    else:
        base = np.full(np.shape(s["y_pred"]), CLIP_LOG)
    return base * (1 + np.abs(np.asarray(s.get("alpha", 1.0), dtype=np.float64)).max()) * 2


def focal_slope(s):
    """The derivative of ``(1 - pₜ)^γ · bce``: the cross-entropy's ``1/clip(p)`` (or 1 from logits) times
    ``1 + γ·|bce|``, times ``max(1, α)``."""
    eps = rk.config.epsilon()
    p = _abs64(s, "y_pred")
    gamma = s.get("gamma", 2.0)
    if s.get("from_logits"):
        core = 2 * (1 + gamma * (1 + p))
    else:
        core = (1 / np.clip(p, eps, 1) + 1 / np.clip(1 - p, eps, 1) + 2) * (1 + gamma * (CLIP_LOG + 1)) * 2
    alpha = np.max(np.abs(np.asarray(s.get("alpha", 1.0), dtype=np.float64)))
    return core * max(1.0, alpha) * (1 + np.sum(_abs64(s, "y_true"), axis=s.get("axis", -1), keepdims=True))


def gce_slope(s):
    p = np.clip(_abs64(s, "y_pred"), 1e-300, None)
    return p ** (s["q"] - 1) + 0 * p


def overlap_slope(s):
    """``2(Σy + 1)/den`` over the summed axes, ``den = Σy + Σŷ + ε`` (Dice's; Tversky's is smaller)."""
    axis = s.get("axis")
    y, p = _abs64(s, "y_true"), _abs64(s, "y_pred")
    den = np.sum(y, axis=axis, keepdims=True) + np.sum(p, axis=axis, keepdims=True) + rk.config.epsilon()
    return 4 * (np.sum(y, axis=axis, keepdims=True) + 1) * (1 + np.max(y, initial=1.0)) / den ** 2 * \
        np.maximum(den, 1) + 0 * p


def circle_term(s):
    n = np.shape(s["y_pred"])[0]
    return np.full(np.shape(s["y_pred"])[:1], s["gamma"] * 6 + np.log(n) + 1)


def circle_slope(s):
    n = np.shape(s["y_pred"])[0]
    return np.full(np.shape(s["y_pred"]), (s["gamma"] * 8 + 1) * n)


def ctc_slope(s):
    """Posteriors come out of log-space sums of magnitude ``ctc_term`` (TF's ``log 0`` is -707), each rounded
    to ε of that magnitude: the gradient ``softmax - posterior`` inherits ``ctc_term·ε`` per element."""
    return np.full(np.shape(s["y_pred"]), np.max(ctc_term(s)))


def ctc_term(s):
    frames, classes = np.shape(s["y_pred"])[1:]
    logits = np.max(_abs64(s, "y_pred"), initial=0.0)
    return np.full(np.shape(s["y_pred"])[:1], frames * (2 * logits + np.log(classes) + 1) + 707)
