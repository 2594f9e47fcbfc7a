"""The tolerance policy of the parity suite: the one place a tolerance is chosen.

API (stable; other suites import it)::

    from parity_tests.tolerances import tolerance, explain

    rtol, atol = tolerance(op, dtype, size=1, scale=1.0)
    ok = abs(actual - desired) <= atol + rtol * abs(desired)      # elementwise
    why = explain(op, dtype, size=1, scale=1.0)                   # one line, for failure messages

* ``op``: a key of :data:`RULES` ("elementwise", "matmul", "softmax", ...).
* ``dtype``: anything ``np.dtype`` accepts ("float32", np.float64, ...).
* ``size``: the problem size the error grows with: the length of a reduction,
  the inner dimension of a matmul, the number of classes, the number of
  optimizer steps. Each rule says which.
* ``scale``: the magnitude that absolute rounding errors are proportional to
  when the result may cancel (|result| << |terms|), e.g. ``Σ|xᵢ|`` for a sum,
  ``max(|a| @ |b|)`` for a matmul, ``max|logits|`` for a cross-entropy. With
  no cancellation leave it at 1: ``rtol`` does the work.

Every rule is a bound ``b(ε, n)`` on the relative error of the difference of
two implementations (``ε`` = machine epsilon of ``dtype``, ``n`` = ``size``);
``rtol = b``, ``atol = b·scale + FLUSH_FLOOR·tiny``. The ``tiny`` (smallest
normal number) term is the flush-to-zero floor: TensorFlow's CPU kernels flush
subnormal results, final or intermediate, to 0 where NumPy keeps them.

Also here: the finite-difference step (:data:`FD_STEP`), the sensitivity of
Adam's first step to its gradient (:func:`adam_step_gain`, for scales), and
the targets of the long-trajectory comparison in ``tf_impl``
(:data:`TRAJECTORY_LOSS_RTOL`, :data:`TRAJECTORY_STEPS`).

To add a rule, add one :class:`Rule` to :data:`RULES` with its one-line
justification; tests never write a number themselves.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from reference import config
from reference.backend_config import ml_dtypes

# --- targets of the tf_impl trajectory comparison -------------------------------------

TRAJECTORY_STEPS = 1000
"""Length of the long training trajectory compared step by step in ``tf_impl``."""

TRAJECTORY_LOSS_RTOL = {"float32": 1e-4, "float64": 1e-9}
"""Bound on ``|loss_tf - loss_ref| / |loss_tf|`` at every step of a :data:`TRAJECTORY_STEPS` trajectory.

float32: 1e-4 ≈ 1000·ε₃₂, rounding differences amplified by 1000 Adam steps on a chaotic loss;
float64: 1e-9 ≈ 5·10⁶·ε₆₄, the same amplification with ~2·10⁹ times smaller rounding.
"""


def trajectory_loss_rtol(dtype):
    """:data:`TRAJECTORY_LOSS_RTOL` for ``dtype``."""
    return TRAJECTORY_LOSS_RTOL[np.dtype(dtype).name]


# --- flush to zero ----------------------------------------------------------------------

FLUSH_FLOOR = 4
"""Multiple of ``tiny`` added to every ``atol``: an intermediate that TF flushes to 0 (|x| < tiny) may
still be multiplied by the upstream gradient (|dy| <= 2 in the strategies) and a local derivative (<= 2,
e.g. ``exp``'s ``dy·y`` at x = -88 in float32) before it reaches the compared output."""


# --- finite differences ----------------------------------------------------------------

FD_STEP = float(np.finfo(np.float64).eps) ** (1 / 3)
"""Central-difference step (relative to ``max(1, |x|)``), float64 only: ``h = ε^(1/3) ≈ 6e-6``.

The error of ``(f(x+h) - f(x-h)) / 2h`` is ``h²·|f'''|/6`` (truncation) plus
``ε·|f|/h`` (rounding); ``h = ε^(1/3)`` balances the two at ``≈ ε^(2/3) ≈ 4e-11``.
"""

FD_CURVATURE = 1e3
"""Bound on ``|f'''|/6`` relative to the gradient's scale on the strategies' finite-difference domains
(inputs kept >= 0.1 from the poles of log and divide, |logits| <= 10, kinks >= 1e-3 away)."""


def adam_step_gain(learning_rate, beta_2=0.999, epsilon=1e-7):
    """Largest ``|∂Δw/∂g|`` of Adam's first step, ``lr·sqrt(1-β₂)/ε`` (316 for Keras's defaults).

    The first update is ``Δw = lr·sqrt(1-β₂)·g/(sqrt(1-β₂)|g| + ε)``, steepest at ``g = 0``: a weight
    compared after one step of two gradients that differ by δ may differ by up to gain·δ. Use it in a
    ``scale``: ``max|w| + adam_step_gain(...)·max|g|``.
    """
    return float(learning_rate) * float(np.sqrt(1 - beta_2)) / float(epsilon)


# --- rules -----------------------------------------------------------------------------

AUC_MAX_THRESHOLDS = 200
"""The most thresholds an AUC row draws (Keras's default ``num_thresholds``): the length of its Riemann sum."""


@dataclass(frozen=True)
class Rule:
    """A relative error bound ``bound(eps, n)`` and the reason for it."""

    bound: Callable[[float, int], float]
    why: str


RULES = {
    "exact": Rule(
        lambda eps, n: 0.0,
        "no rounding (select, compare, copy, max with 0): results must be identical"),
    "elementwise": Rule(
        lambda eps, n: 2 * eps,
        "one correctly rounded IEEE op per element on each side; 2 ulp allows TF's a*(1/b) for a/b"),
    "transcendental": Rule(
        lambda eps, n: 8 * eps,
        "exp/log/sigmoid: NumPy's libm/SIMD and Eigen's polynomials are each within ~4 ulp"),
    "reduction": Rule(
        lambda eps, n: 2 * (n + 1) * eps,
        "sum/mean of n=size terms in any order: each side within (n-1)·ε·Σ|x| (Higham §4.2), + the division"),
    "matmul": Rule(
        lambda eps, n: 2 * (n + 2) * eps,
        "dot products of inner dim k=size: each side within k·ε·(|a|@|b|) (any order, FMA or not), + bias add"),
    "softmax": Rule(
        lambda eps, n: 2 * (n + 6) * eps,
        "softmax over n=size classes: shift (exact), exp (≤4 ulp), positive sum (n·ε), normalise (2 ulp); per side"),
    "softmax_grad": Rule(
        lambda eps, n: 4 * (n + 6) * eps,
        "y·(dy - Σ dy·y) over n=size classes: softmax's error times the cancelling bracket, scale=max|dy|"),
    "cross_entropy": Rule(
        lambda eps, n: 2 * (n + 12) * eps,
        "logsumexp over size=C classes (+N samples if reduced), minus z[y]; cancels against scale=max(1,|z|,|log p|)"),
    "metric": Rule(
        lambda eps, n: 2 * (n + 2) * eps,
        "running totals over n=size samples (weighted sums, any batching), then total/count"),
    "correlation": Rule(
        lambda eps, n: 8 * (n + 4) * eps,
        "per-sample Pearson/concordance over C values (means, std, products: ~3C+6 roundings, conditioned by "
        "|y - mean|/std <= sqrt(C) <= 2), then running totals over N samples; size = N·C + 2"),

    "riemann_sum": Rule(
        lambda eps, n: 2 * (n + AUC_MAX_THRESHOLDS + 2) * eps,
        "AUC: rates from running totals over n=size samples (metric's bound), each entering ≤ 2 of the ≤ "
        "AUC_MAX_THRESHOLDS Riemann terms; the area is ≤ 1, so scale=1"),
    "optimizer": Rule(
        lambda eps, n: 16 * n * eps,
        "≤ 8 roundings per update on each side, accumulated linearly over size=T steps; "
        "scale=max|quantity|·conditioning"),
    "muon": Rule(
        lambda eps, n: 64 * n * eps,
        "the optimizer rule, times 4 for Muon's Newton–Schulz: 5 rounds of 3 small matmuls, each within "
        "k·ε of the exact product; scale=max|quantity|"),
    "schedule": Rule(
        lambda eps, n: 16 * eps,
        "a learning-rate schedule at one step: ≤ 4 transcendental ops (pow, cos, log) of ≤ 4 ulp each, "
        "1 + cos cancelling against scale=max learning rate"),
    "training_step": Rule(
        lambda eps, n: 4 * (n + 16) * eps,
        "forward+backward of the MLP: matmuls of inner dim ≤ size (784 pixels, units or batch) + softmax/CE; "
        "scale=magnitude"),
    "fit": Rule(
        lambda eps, n: 16 * (n + 16) * eps,
        "logs of fit/evaluate after size=T optimizer steps of a small model: each step within training_step's "
        "bound, compounded over T steps as in the optimizer rule; scale=max(1, |log|)"),
    "half_precision": Rule(
        lambda eps, n: 2 * (n + 1) * eps,
        "float16/bfloat16 compute (ε = 2⁻¹⁰ / 2⁻⁷): sums and matmuls accumulate in float32 on both sides (NumPy, "
        "ml_dtypes, TF's CPU kernels) and round once, so each half-precision op of the chain is within 1 ulp per "
        "side (inner dims < 2¹³ keep the float32 part below ε); size=n the ops in the chain (layers, softmax, "
        "loss, backward); scale=|a|@|b| or max|value| of the chain"),
    "finite_difference": Rule(
        lambda eps, n: FD_CURVATURE * FD_STEP ** 2 + (n + 1) * eps / FD_STEP,
        "central difference, h=ε^(1/3): truncation h²|f'''|/6 + rounding of the size=n summed outputs (n+1)ε/h"),
}


def _finfo(dtype):
    if dtype == "bfloat16" or getattr(dtype, "name", None) == "bfloat16":
        return ml_dtypes.finfo(config.standardize_dtype("bfloat16"))  # NumPy's finfo has no bfloat16
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"`dtype` must be a float dtype, got {dtype.name!r}.")
    return np.finfo(dtype)


def tolerance(op, dtype, *, size=1, scale=1.0):
    """``(rtol, atol)`` for comparing ``op`` computed two ways in ``dtype``.

    Args:
        op: a key of :data:`RULES`.
        dtype: the dtype of the computation.
        size: the problem size the rule grows with (see the rule's ``why``).
        scale: magnitude for the absolute part (cancellation), >= 0: a number, or an array
            broadcastable to the compared values for a per-element magnitude.

    Returns:
        ``rtol = bound(ε, size)`` and ``atol = bound(ε, size)·scale + FLUSH_FLOOR·tiny``.
    """
    if op not in RULES:
        raise ValueError(f"Unknown tolerance key {op!r}. Known keys: {sorted(RULES)}.")
    scale = np.asarray(scale, dtype=np.float64)
    if size < 0 or not np.all(np.isfinite(scale)) or np.any(scale < 0):
        raise ValueError(f"`size` and `scale` must be finite and >= 0, got size={size!r}, scale={scale!r}.")
    info = _finfo(dtype)
    bound = float(RULES[op].bound(float(info.eps), int(size)))
    atol = bound * scale + FLUSH_FLOOR * float(info.tiny)
    return bound, atol if atol.ndim else float(atol)


def explain(op, dtype, *, size=1, scale=1.0):
    """One line: the tolerance used for ``op`` in ``dtype``, and why."""
    rtol, atol = tolerance(op, dtype, size=size, scale=scale)
    per_element = "max " if np.ndim(scale) else ""
    return (f"rtol={rtol:.3g}, {per_element}atol={np.max(atol):.3g} [{op!r}, {config.standardize_dtype(dtype).name}, "
            f"size={size}, {per_element}scale={np.max(scale):.3g}]: {RULES[op].why}")
