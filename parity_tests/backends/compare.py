"""The verdict on one (row, pair of sides, dtype): how two sides' results on the same draws compare.

Verdicts, from best to worst (a row's verdict is its worst draw's):

* ``agree``: bit-equal (NaN where NaN), or both sides raise;
* ``rounding``: within the row's tolerance (``parity_tests.tolerances``, the key, size and scale the row's own
  parity test uses);
* ``real``: beyond it (or a different shape);
* ``one-sided NaN``: NaN on one side where the other is a number;
* ``one-sided raise``: one side raises, the other computes.
"""

from dataclasses import dataclass

import numpy as np

from ..tolerances import tolerance, trajectory_loss_rtol

VERDICTS = ("agree", "rounding", "real", "one-sided NaN", "one-sided raise")
DISAGREEMENTS = VERDICTS[2:]


def worst(*verdicts):
    return max(verdicts, key=VERDICTS.index, default="agree")


@dataclass(frozen=True)
class Tol:
    """A tolerance request: ``tolerances.tolerance(op, dtype, size=size, scale=scale)``."""

    op: str
    dtype: str
    size: int = 1
    scale: object = 1.0

    def bounds(self):
        """``(rtol, atol)``; ``op="trajectory"``: the relative loss gap of the long-trajectory target."""
        if self.op == "trajectory":
            return trajectory_loss_rtol(self.dtype), 0.0
        return tolerance(self.op, self.dtype, size=self.size, scale=self.scale)


def is_float(dtype):
    """Whether ``dtype`` is a floating type: NumPy's, or an ``ml_dtypes`` one such as ``bfloat16`` (whose NumPy
    kind is ``"V"``), which is compared as a number, not bit for bit."""
    if dtype.kind in "fc":
        return True
    try:
        import ml_dtypes

        ml_dtypes.finfo(dtype)
    except (ImportError, ValueError):
        return False
    return True


def compare_arrays(actual, desired, tol):
    """The verdict on one pair of arrays."""
    a, d = np.asarray(actual), np.asarray(desired)
    if a.shape != d.shape:
        return "real", f"shape {a.shape} against {d.shape}"
    if not is_float(a.dtype) and not is_float(d.dtype):
        return ("agree", "") if np.array_equal(a, d) else ("real", f"{np.sum(a != d)} of {a.size} differ")
    a, d = a.astype(np.float64), d.astype(np.float64)
    if np.array_equal(a, d, equal_nan=True):
        return "agree", ""
    nan_a, nan_d = np.isnan(a), np.isnan(d)
    if np.any(nan_a != nan_d):
        where = np.argwhere(nan_a != nan_d)[0]
        return "one-sided NaN", f"at {tuple(where)}: {a[tuple(where)]!r} against {d[tuple(where)]!r}"
    rtol, atol = tol.bounds()
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(a - d)
        bound = atol + rtol * np.abs(d)
        bad = ~((gap <= bound) | (a == d) | (nan_a & nan_d))
        bad |= (np.isinf(a) | np.isinf(d)) & (a != d)  # an infinity matches only itself (inf's bound is inf)
    if not np.any(bad):
        return "rounding", ""
    i = tuple(np.argwhere(bad)[0])
    return "real", f"at {i}: {a[i]!r} against {d[i]!r} (rtol={rtol:.2g}, atol={np.max(atol):.2g})"


def compare_results(actual, desired, tols):
    """The verdict and a detail line on one entry: ``actual``/``desired`` are lists of arrays or error strings,
    ``tols`` a :class:`Tol` per array (or one for all)."""
    a_err, d_err = isinstance(actual, str), isinstance(desired, str)
    if a_err and d_err:
        return "agree", ""
    if a_err or d_err:
        return "one-sided raise", actual if a_err else f"(the other side) {desired}"
    if len(actual) != len(desired):
        return "real", f"{len(actual)} arrays against {len(desired)}"
    tols = tols if isinstance(tols, (list, tuple)) else [tols] * len(actual)
    verdict, detail = "agree", ""
    for i, (a, d, t) in enumerate(zip(actual, desired, tols)):
        v, why = compare_arrays(a, d, t)
        if VERDICTS.index(v) > VERDICTS.index(verdict):
            verdict, detail = v, f"array {i}: {why}"
    return verdict, detail
