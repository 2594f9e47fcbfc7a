"""Tolerance helpers of the op table's rows: the size and the scale each row's rounding errors grow with."""

import numpy as np

import reference as rk

from .opinfo import CLIP_LOG, max_abs, sum_abs

def classes(sample, key="y_pred", axis="axis"):
    return sample[key].shape[sample.get(axis, -1)]


def loss_value_scale(sample):
    """Magnitude of the terms of one cross-entropy: ``max(1, |logits|)``, or ``|log clip p|``."""
    return max(1.0, max_abs(sample["y_pred"])) if sample.get("from_logits") else CLIP_LOG


def weights_over_divisor(sample, loss_shape):
    """Per-sample factor ``w / divisor`` that the reduction applies to each loss (Keras's rules)."""
    w = sample.get("sample_weight")
    w = np.ones(loss_shape) if w is None else np.asarray(w, dtype=np.float64)
    if w.ndim == len(loss_shape) + 1:
        w = w[..., 0]
    wb = np.broadcast_to(w, loss_shape)
    reduction = sample.get("reduction", "none")
    if reduction in (None, "none", "sum"):
        divisor = 1.0
    elif reduction == "mean_with_sample_weight" and sample.get("sample_weight") is not None:
        divisor = float(np.sum(w))
    else:
        divisor = float(np.prod(loss_shape))
    return np.abs(wb) / divisor if divisor else np.zeros(loss_shape)


def loss_size(sample):
    """Classes, plus the number of losses summed by a reduction."""
    shape = sample["y_pred"].shape
    return shape[-1] + (0 if sample.get("reduction", "none") in (None, "none") else int(np.prod(shape[:-1])))


def loss_scale(sample):
    """Per-loss error bound times the weight the reduction gives it; summed when reduced, else the max."""
    per_sample = weights_over_divisor(sample, sample["y_pred"].shape[:-1]) * loss_value_scale(sample)
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
    per_sample = np.expand_dims(weights_over_divisor(sample, tuple(loss_shape)), axis) * max_abs(dy)
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
    per_sample = np.expand_dims(weights_over_divisor(sample, loss_shape), axis) * max_abs(dy) / y_pred.shape[axis]
    if sample.get("from_logits"):
        return per_sample * 2.0 + 0.0 * y_pred
    eps = rk.config.epsilon()
    return per_sample * (1 / np.clip(y_pred, eps, 1) + 1 / np.clip(1 - y_pred, eps, 1)) + 0.0 * y_pred


def mse_magnitude(sample):
    """``max|y_true| + max|y_pred|``: the scale of ``y_true - y_pred`` before it cancels."""
    return max_abs(sample["y_true"]) + max_abs(sample["y_pred"])


def mse_scale(sample):
    """The squared magnitude, times the weight each loss gets from the reduction (summed if reduced)."""
    per_sample = weights_over_divisor(sample, sample["y_pred"].shape[:-1]) * mse_magnitude(sample) ** 2
    reduced = sample.get("reduction", "none") not in (None, "none")
    return max(1.0, float(np.sum(per_sample)) if reduced else max_abs(per_sample))


def mse_grad_scale(sample, dy):
    """``2·max|dy|·magnitude / n`` times the sample's reduction weight: the derivative ``-2(a - b)/n·dy``."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    per_sample = np.expand_dims(weights_over_divisor(sample, y_pred.shape[:-1]), -1)
    return per_sample * 2 * max_abs(dy) * mse_magnitude(sample) / y_pred.shape[-1] + 0.0 * y_pred
