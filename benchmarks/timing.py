"""Summaries of measured times: quantiles, and ratios of interleaved blocks.

Times are wall-clock seconds from ``time.perf_counter``. A summary reports
the median (robust to the pauses a busy machine inflicts) with two spreads,
the interquartile range (p25–p75) and p10–p90, and the mean (which a
pause does move: compare the two to see how noisy a run was).
"""

import time

import numpy as np


def quantiles(times):
    """``{n, median, mean, p10, p25, p75, p90, min, max}`` of ``times`` (seconds); ``None`` if empty."""
    times = np.asarray(times, dtype=np.float64)
    if times.size == 0:
        return None
    p10, p25, median, p75, p90 = np.percentile(times, [10, 25, 50, 75, 90])
    return {"n": int(times.size), "median": float(median), "mean": float(times.mean()),
            "p10": float(p10), "p25": float(p25), "p75": float(p75), "p90": float(p90),
            "min": float(times.min()), "max": float(times.max())}


def round_ratios(numerator, denominator):
    """The ratio of two modes' times, measured round by round.

    ``numerator`` and ``denominator`` hold one figure per round of the
    round-robin (e.g. each block's median step time). Blocks of the same
    round ran seconds apart, so a slow spell of the machine weighs on both;
    the median of the per-round ratios then says "A takes r× the time of B"
    more reliably than a ratio of two overall medians would.

    Returns ``{median, p25, p75, n}``, or ``None`` when no round has both.
    """
    ratios = [a / b for a, b in zip(numerator, denominator) if a is not None and b is not None and b > 0]
    if not ratios:
        return None
    p25, median, p75 = np.percentile(ratios, [25, 50, 75])
    return {"median": float(median), "p25": float(p25), "p75": float(p75), "n": len(ratios)}


def time_calls(fn, n, budget=None):
    """Call ``fn()`` ``n`` times, or until the calls took ``budget`` seconds; return each call's duration."""
    clock = time.perf_counter
    times, spent = [], 0.0
    for _ in range(n):
        start = clock()
        fn()
        times.append(clock() - start)
        spent += times[-1]
        if budget is not None and spent >= budget:
            break
    return times
