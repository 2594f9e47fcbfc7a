"""Circle loss, mirroring ``circle``/``Circle`` of ``keras/src/losses/losses.py`` (and ``build_pos_neg_masks``
of ``keras/src/utils/numerical_utils.py``).

For L2-normalised embeddings ``x`` (N, D) with integer labels, and reference embeddings ``r`` (default: the
batch itself), with the cosine distances ``d = max(1 - x·rᵀ, 0)``, margin ``m`` and scale ``γ``::

    positives (same label, not the sample itself):  wₚ = max(m + d, 0),      sₚ = -γ·wₚ·(m - d)
    negatives (another label):                      wₙ = max(1 + m - d, 0),  sₙ =  γ·wₙ·(1 - m - d)
    lossᵢ = softplus(logsumexp_positives sₚ + logsumexp_negatives sₙ)

(the paper's formula on similarities ``s = 1 - d``, written on distances as Keras does). Every step is a
recorded op. A sample without positives or without negatives has a ``logsumexp`` of ``-inf`` and a loss of
0; Keras masks the zero losses (``loss > 0``), so the mean divides by the number of nonzero ones. A loss that
is a subnormal number (8e-41 in float32) is 0 for TF, which flushes it, so it is left out too.

An integer ``y_pred`` is multiplied in integers by Keras, then meets the float ``0.0`` of the clip at 0 and goes
on in float32; the reference computes in float32 from the start (the same values for embeddings below 2²⁴).
"""

import numpy as np

from .. import ops
from .loss import LossFunctionWrapper, _as_array, convert_y_pred, promoted_by_float32, set_keras_mask


def build_pos_neg_masks(query_labels, key_labels, remove_diagonal=True):
    """``(positive, negative)``: boolean (N, M) masks of equal and different labels; without the diagonal
    ``i = j`` among the positives if ``remove_diagonal`` (Keras's ``eye(N, M)``, also when M != N)."""
    query_labels, key_labels = np.reshape(query_labels, (-1, 1)), np.reshape(key_labels, (-1, 1))
    positive = query_labels == key_labels.T
    negative = ~positive
    if remove_diagonal:
        positive &= ~np.eye(query_labels.size, key_labels.size, dtype=bool)
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    r"""Circle loss (Sun et al., 2020) of each embedding against the references, one value per sample.

    It pulls each embedding towards the references of its label and away from the others, weighting each pair by
    how far it is from its optimum.

    Formula:

    $$
    \mathrm{loss}_i = \mathrm{softplus}\Big(\log \sum_{k \in P_i} e^{-\gamma\, a^{+}_{ik} (m - d_{ik})}
    + \log \sum_{k \in N_i} e^{\gamma\, a^{-}_{ik} (1 - m - d_{ik})}\Big)
    $$

    $$
    d_{ik} = \max(1 - x_i \cdot r_k,\ 0), \qquad a^{+}_{ik} = \max(m + d_{ik},\ 0), \qquad
    a^{-}_{ik} = \max(1 + m - d_{ik},\ 0)
    $$

    where $x_i$ is row $i$ of ``y_pred`` (an L2-normalised embedding), $r_k$ row $k$ of the references
    (``ref_embeddings``, default ``y_pred``), $P_i$ the references with the label of sample $i$ (``y_true``;
    ``ref_labels``, default ``y_true``), $i$ itself left out if ``remove_diagonal``, $N_i$ those with another
    label, $\gamma$ is ``gamma`` and $m$ is ``margin``; $\mathrm{softplus}(x) = \log(1 + e^x)$ and a sum over an
    empty set is 0 ($\log 0 = -\infty$), so a sample without positives or negatives costs 0. The classes' mean leaves
    out every zero loss: it divides by the number of nonzero ones.

    Keras vs the textbook:

    * Sun et al. (2020, "Circle Loss: A Unified Perspective of Pair Similarity Optimization", eq. 6) write it on
      similarities $s = 1 - d$ with $O_p = 1 + m$, $O_n = -m$, $\Delta_p = 1 - m$, $\Delta_n = m$; Keras's distances
      are the same terms, except that $d$ is clipped at 0 (a similarity above 1 counts as 1).
    * Keras does not normalise the embeddings: it assumes they are.
    * Zero losses are masked out of the mean, and so is a loss that underflows to 0 or is subnormal (TF flushes it):
      the mean is over the samples with a nonzero loss, not over the batch.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> labels, x = np.int32([0, 0, 1]), np.float32([[1., 0.], [1., 0.], [0., 1.]])
    >>> # the positive at d = 0, the negative at d = 1: softplus(-2γm²) = log(1 + e⁻¹); sample 2 has no positive
    >>> np.round(rk.losses.circle(labels, x, gamma=2.0, margin=0.5), 6)
    array([0.313262, 0.313262, 0.      ], dtype=float32)
    >>> np.round(rk.losses.Circle(gamma=2.0, margin=0.5)(labels, x), 6)   # the zero is masked: not 2/3 of it
    np.float32(0.313262)

    Args:
        y_true: integer labels (N,) (floats are cast to int32, as Keras does).
        y_pred: L2-normalised embeddings (N, D).
        ref_labels, ref_embeddings: the references (M,) and (M, D); default: ``y_true`` and ``y_pred``.
        remove_diagonal: leave each sample out of its own positives.
        gamma: the scale ``γ``.
        margin: the relaxation ``m``.
    """
    y_pred = convert_y_pred(y_pred, "circle", accepts="fiu")
    y_pred = _as_array(y_pred, promoted_by_float32(y_pred.dtype)) if y_pred.dtype.kind in "iu" else y_pred
    y_true = np.asarray(y_true).astype(np.int32)
    ref_embeddings = y_pred if ref_embeddings is None else _as_array(ref_embeddings, dtype=y_pred.dtype)
    ref_labels = y_true if ref_labels is None else np.asarray(ref_labels).astype(np.int32)
    dtype = y_pred.dtype.type
    optim_pos, optim_neg = margin, 1 + margin
    delta_pos, delta_neg = margin, 1 - margin

    distances = ops.subtract(dtype(1), ops.matmul(y_pred, ops.transpose(ref_embeddings)))
    distances = ops.maximum(distances, dtype(0))
    positive, negative = build_pos_neg_masks(y_true, ref_labels, remove_diagonal=remove_diagonal)

    pos_weights = ops.maximum(ops.multiply(ops.add(dtype(optim_pos), distances), positive.astype(y_pred.dtype)),
                              dtype(0))
    neg_weights = ops.maximum(ops.multiply(ops.subtract(dtype(optim_neg), distances),
                                           negative.astype(y_pred.dtype)), dtype(0))
    pos_wdists = ops.multiply(ops.multiply(dtype(-1 * gamma), pos_weights), ops.subtract(dtype(delta_pos), distances))
    neg_wdists = ops.multiply(ops.multiply(dtype(gamma), neg_weights), ops.subtract(dtype(delta_neg), distances))
    minus_inf = dtype(-np.inf)
    p_loss = ops.reduce_logsumexp(ops.where(positive, pos_wdists, minus_inf), axis=1)
    n_loss = ops.reduce_logsumexp(ops.where(negative, neg_wdists, minus_inf), axis=1)
    loss = ops.softplus(ops.add(p_loss, n_loss))
    return set_keras_mask(loss, ops.flush_subnormal(loss) > 0)   # TF flushed a subnormal loss to 0


class Circle(LossFunctionWrapper):
    """:func:`circle`, reduced; the references are the batch itself.

    Args:
        gamma: the scale ``γ``.
        margin: the relaxation ``m``.
        remove_diagonal: leave each sample out of its own positives.
        reduction, name, dtype: see :class:`Loss`.
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size",
                 name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal
