"""CTC, mirroring ``ctc``/``CTC`` of ``keras/src/losses/losses.py`` and the dense ``tf.nn.ctc_loss`` that Keras's
TensorFlow backend calls (``tensorflow/python/ops/ctc_ops.py``: ``ctc_loss_and_grad``, the forward–backward
algorithm of Sim et al., 2017, in log space).

**The loss.** For logits ``z`` (B, T, C), log-probabilities ``log p = log_softmax(z)`` and a label sequence
``l₁…l_L`` (class 0 is the blank), the loss is ``-log Σ_π Πₜ p_t(πₜ)`` over every frame-level path ``π`` that
collapses (merge repeats, drop blanks) to ``l``. TF lays the paths out on ``2(L+1)`` states: a start state
``0``, the label states ``1…L`` and the blank states ``L+1…2L+1`` (blank ``k`` follows label ``k``), with the
moves start→label 1, start→blank 0, label k→blank k, blank k→label k+1, label k→label k+1 (only if
``l_k ≠ l_{k+1}``) and every self-loop. Then, per frame and normalised per frame to stay in range::

    αₜ = logsumexp_from(αₜ₋₁ + log A) + log pₜ(state)          (forward, from α₀ = the start state)
    βₜ = logsumexp_to(βₜ₊₁ + log pₜ(state) + log Aᵀ)           (backward, from β_T = the final states)
    loss = -(β₀[start] + Σₜ log(normaliser of βₜ))

**TF's departures.** "Impossible" is not ``-inf``: TF's initial and final log-probabilities use
``log_0 = float32(log 1e-307) = -706.89``, so a label sequence that cannot fit in T frames costs about
``707 + …``, a large finite number, and its gradient is finite. Everything is computed in float32, float64 and
float16 logits included (Keras casts them, as TF's dense CTC refuses float64), and the loss cast back.

**The backward** (TF's custom gradient, not the derivative of the code above): with the per-frame state
posteriors ``γₜ(s) ∝ αₜ(s)·βₜ₊₁(s)`` summed onto the classes they emit::

    dz[b, t, c] = dy[b] · (softmax(zₜ)[c] - Σ_{s emits c} γₜ(s))       (0 past the logit length)

the classic "softmax minus posterior".
"""

import numpy as np

from .. import ops
from ..tape import record
from .loss import LossFunctionWrapper, _as_array, promoted_by_float32

LOG_0 = float(np.float32(np.log(1e-307)))  # TF's stand-in for log 0 in the initial and final states


def _logsumexp(x, axis, keepdims=False):
    """TF's ``reduce_logsumexp`` in NumPy (the max, 0 where not finite, shifted out), values only."""
    raw_max = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(raw_max), raw_max, 0)
    with np.errstate(divide="ignore"):
        y = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return y if keepdims else np.squeeze(y, axis=axis)


def _transitions(labels):
    """``log A`` (B, S, S), ``A[b, to, from] = 1`` for the allowed moves (``_ctc_state_trans``)."""
    batch, length = labels.shape
    n = length + 1                                   # label states (the start state included)
    trans = np.eye(2 * n)
    trans[1, 0] = 1                                  # start -> label 1
    trans[np.arange(1, n), np.arange(n, 2 * n - 1)] = 1    # blank k-1 -> label k
    trans[np.arange(n, 2 * n), np.arange(n)] = 1     # label k -> blank k (start -> blank 0)
    trans = np.repeat(trans[None], batch, axis=0)
    not_repeated = (labels[:, :-1] != labels[:, 1:]).astype(np.float64)
    trans[:, np.arange(2, n), np.arange(1, n - 1)] += not_repeated   # label k-1 -> label k
    with np.errstate(divide="ignore"):
        return np.log(trans)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss of dense, zero-padded labels, as ``keras.ops.ctc_loss`` (TF backend) computes it.

    Args:
        target: integer labels (B, L), padded after ``target_length``.
        output: logits (B, T, C) (not probabilities: the op takes the log-softmax itself).
        target_length: the label lengths (B,).
        output_length: the logit lengths (B,); frames after them are ignored.
        mask_index: the blank class.

    Returns the loss (B,), computed in float32 whatever ``output``'s dtype, as Keras's TensorFlow backend does
    (TF's dense CTC casts half precision to float32 and refuses float64, so Keras casts float64 logits to float32
    itself), and returned in ``result_type(output.dtype, float32)``: float64 for float64 logits, else float32.
    Backward: see the module docstring.
    """
    output = _as_array(output)
    result_dtype = promoted_by_float32(output.dtype)
    loss = _ctc_loss_float32(target, ops.cast(output, np.float32), target_length, output_length, mask_index)
    return ops.cast(loss, result_dtype)


def _ctc_loss_float32(target, output, target_length, output_length, mask_index):
    """:func:`ctc_loss` on float32 logits, with its backward."""
    dtype = output.dtype
    batch, frames, classes = output.shape
    logits = np.transpose(output, (1, 0, 2))         # time major, as TF works
    labels = target
    if mask_index:                                   # move the blank to class 0, shift the labels below it
        logits = np.concatenate([logits[..., mask_index:mask_index + 1], logits[..., :mask_index],
                                 logits[..., mask_index + 1:]], axis=-1)
        labels = np.where(labels < mask_index, labels + 1, labels)
    log_probs = logits - _logsumexp(logits, axis=-1, keepdims=True)
    length = labels.shape[1]
    n = length + 1
    in_range = (labels >= 0) & (labels < classes)    # tf.one_hot gives an all-zero row (log-prob 0) otherwise
    label_lp = np.take_along_axis(log_probs, np.where(in_range, labels, 0)[None], axis=2) * in_range
    observed = np.concatenate([np.full((frames, batch, 1), -np.inf, dtype), label_lp,
                               np.repeat(log_probs[..., :1], n, axis=2)], axis=2)      # (T, B, S)
    log_trans = _transitions(labels).astype(dtype)
    log_0 = dtype.type(LOG_0)
    initial = np.full((batch, 2 * n), log_0, dtype)
    initial[:, 0] = 0
    final = np.full((batch, 2 * n), log_0, dtype)
    lengths = np.asarray(target_length).astype(np.int64)
    final[np.arange(batch), lengths] = 0
    final[np.arange(batch), n + lengths] = 0
    mask = (np.arange(frames)[:, None] < np.asarray(output_length)[None, :]).astype(dtype)     # (T, B)

    fwd = np.empty((frames + 1, batch, 2 * n), dtype)
    fwd[0] = initial
    for t in range(frames):
        state = _logsumexp(fwd[t][:, None, :] + log_trans, axis=-1) + observed[t]
        fwd[t + 1] = state - _logsumexp(state, axis=-1, keepdims=True)
    bwd = np.empty_like(fwd)
    bwd[frames] = final
    cum_log_sum = np.zeros(batch, dtype)
    back_trans = np.transpose(log_trans, (0, 2, 1))
    for t in reversed(range(frames)):
        state = _logsumexp((bwd[t + 1] + observed[t])[:, None, :] + back_trans, axis=-1)
        total = _logsumexp(state, axis=-1, keepdims=True)
        cum_log_sum += total[:, 0] * mask[t]
        bwd[t] = (state - total) * mask[t][:, None] + final * (1 - mask[t][:, None])
    loss = -(bwd[0, :, 0] + cum_log_sum)

    def backward(dy, needs):
        posterior = fwd[1:] + bwd[1:]
        posterior = posterior - _logsumexp(posterior, axis=2, keepdims=True)
        with np.errstate(divide="ignore"):
            posterior = posterior + np.log(mask[..., None])
        off = np.full((batch, length, classes - 1), -np.inf, dtype)          # one_hot(labels - 1), in log space
        b, k = np.nonzero((labels >= 1) & (labels < classes))
        off[b, k, labels[b, k] - 1] = 0
        label_olabels = _logsumexp(posterior[:, :, 1:n, None] + off[None], axis=2)
        blank_olabels = _logsumexp(posterior[:, :, n:], axis=2, keepdims=True)
        olabels = np.concatenate([blank_olabels, label_olabels], axis=-1)
        grad = (np.exp(log_probs) - np.exp(olabels)) * mask[..., None] * np.reshape(dy, (1, -1, 1))
        if mask_index:                               # back to the caller's class order
            grad = np.concatenate([grad[..., 1:mask_index + 1], grad[..., :1], grad[..., mask_index + 1:]], axis=-1)
        return (np.transpose(grad, (1, 0, 2)).astype(dtype, copy=False),)
    return record(loss.astype(dtype, copy=False), (output,), backward)


def ctc(y_true, y_pred):
    r"""CTC loss of 0-padded labels ``y_true`` (B, L) and logits ``y_pred`` (B, T, C), one value per sample.

    0 is the blank, never a class. As Keras's ``ctc``: every sample uses all T frames, and its label is the first
    ``L_b`` entries of its row, where ``L_b`` is the *number of nonzero labels*. Computed in float32 (:func:`ctc_loss`).

    Formula:

    $$
    \mathrm{loss}_b = -\log \sum_{\pi \in \mathcal{B}^{-1}(l_b)} \prod_{t=1}^{T} \mathrm{softmax}(z_{bt})_{\pi_t}
    $$

    where $z$ is ``y_pred`` (logits, not probabilities), $l_b$ the first $L_b$ entries of row $b$ of ``y_true`` with
    $L_b$ its number of nonzero entries, $\pi$ a path of $T$ classes and $\mathcal{B}$ the collapse that merges
    repeated classes and then drops blanks (class 0). The sum is computed by the forward–backward recursion in log
    space, in float32 for every input dtype, and cast to float64 for float64 logits (float32 otherwise).

    Keras vs the textbook:

    * Graves et al. (2006, "Connectionist Temporal Classification", eq. 14) give $-\log p(l \mid x)$, infinite
      when no path fits. TF's recursion starts and ends from $\log 0$ replaced by
      $\mathrm{float32}(\log 10^{-307}) = -706.89$: a label that cannot fit in $T$ frames costs about 707, a finite
      number with a finite gradient.
    * Everything is computed in float32: float64 logits are cast down (TF's dense CTC refuses float64) and the loss
      cast back, so it carries float32's rounding.
    * A 0 inside a row is not skipped: ``[1, 0, 2]`` has two nonzero labels and is scored as the label ``(1, 0)``.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> z = np.zeros((1, 2, 2), np.float32)   # 2 frames, uniform over {blank, 1}
    >>> np.round(rk.losses.ctc(np.int32([[1]]), z), 6)   # 3 paths (1 1, 1 -, - 1) of probability ¼: -log ¾
    array([0.287682], dtype=float32)
    >>> np.round(rk.losses.ctc(np.int32([[1, 1]]), z.astype(np.float64)), 4)   # 1 1 needs 3 frames: ≈ -log 0, float32's
    array([706.8936])
    """
    y_true = np.asarray(y_true)
    y_pred = _as_array(y_pred)
    if y_true.dtype == bool:      # Keras compares the labels with the int 0, which TF cannot convert to bool
        raise TypeError("`ctc` needs integer labels `y_true`, as Keras's does. Received: y_true.dtype=bool")
    if y_true.ndim != 2:
        raise ValueError(f"Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
                         f"integer format. Received: y_true.shape={y_true.shape}")
    if y_pred.ndim != 3:
        raise ValueError(f"Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
                         f"num_classes)`. Received: y_pred.shape={y_pred.shape}")
    batch, frames = y_pred.shape[:2]
    target_length = np.sum(y_true != 0, axis=-1).astype(np.int32)
    return ctc_loss(y_true.astype(np.int32), y_pred, target_length, np.full(batch, frames, np.int32), mask_index=0)


class CTC(LossFunctionWrapper):
    """:func:`ctc`, reduced. Args: reduction, name, dtype (see :class:`Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
