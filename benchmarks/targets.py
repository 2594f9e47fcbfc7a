"""The speed targets of the reference (reported in every run, never asserted).

* the handbook's training in at most 0.6× the time of ``tf.function``;
* ahead of every eager peer (TensorFlow eager, the handbook as written, and PyTorch eager): each takes more
  time than the reference;
* the framework's share of the step: the part of the reference's step above its kernel floor
  (:mod:`benchmarks.kernel_floor`, the same NumPy calls with no framework), reported, with no bound.

The two ratio targets are also judged at the kernel floor: a target the floor misses is out of reach for
a NumPy reference computing Keras's arithmetic with these kernels on this machine.
"""

from .modes import MODES

VERSUS_FUNCTION = 0.6
EAGER_PEERS = ("eager", "torch-eager")   # modes whose time the reference's must stay below
MIN_QUIET_ROUNDS = 5


def pair(results, numerator, denominator):
    """``(ratio, how)``: the measured pair's ratio, over the quiet rounds if there are enough, else all rounds;
    ``(None, "not measured")`` when the run has no such pair."""
    for measured in results.get("modes", {}).get("pairs", []):
        if measured["numerator"] == numerator and measured["denominator"] == denominator and measured["ratio"]:
            quiet = measured.get("quiet_ratio")
            if quiet and quiet["n"] >= MIN_QUIET_ROUNDS:
                return quiet["median"], f"median over the {quiet['n']} quiet rounds of per-round ratios"
            return measured["ratio"]["median"], (f"median over all {measured['ratio']['n']} rounds of per-round "
                                                 f"ratios (fewer than {MIN_QUIET_ROUNDS} quiet rounds)")
    return None, "not measured"


def floor_share(results):
    """The kernel floor's step over the reference's (median of the profile's per-round ratios), or ``None``."""
    return results.get("profile", {}).get("floor", {}).get("ratio", {}).get("median")


def evaluate(results):
    """A list of ``{what, target, measured, passed, floor, floor_passed, note}``; ``measured`` is ``None`` when
    not measured, ``target`` and ``passed`` are ``None`` for a figure reported without a bound."""
    share = floor_share(results)
    rows = []

    def row(what, target, measured, passes, note="", floor=None):
        rows.append({"what": what, "target": target, "measured": measured,
                     "passed": None if measured is None or passes is None else bool(passes(measured)),
                     "floor": floor, "floor_passed": None if floor is None or passes is None else bool(passes(floor)),
                     "note": note})

    ratio, how = pair(results, "reference-float32", "function")
    row("reference training time / tf.function's", f"≤ {VERSUS_FUNCTION}", ratio, lambda r: r <= VERSUS_FUNCTION,
        how, floor=ratio * share if ratio is not None and share else None)
    for peer in EAGER_PEERS:
        ratio, how = pair(results, peer, "reference-float32")
        row(f"{MODES[peer].label} training time / reference's", "> 1", ratio, lambda r: r > 1, how,
            floor=ratio / share if ratio is not None and share else None)
    row("framework's share of the reference's step (above the kernel floor)", None,
        None if share is None else 1 - share, None,
        "1 − the profile's kernel floor / reference step" if share is not None else "the profile was not run")
    return rows
