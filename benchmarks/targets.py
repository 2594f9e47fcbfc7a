"""The performance targets the reference is measured against (reported, never asserted).

* the handbook's training (6,000 steps of 50) in at most 0.3× the time of ``tf.function``;
* at least 30× faster than TensorFlow eager (the handbook as written);
* at batch sizes ≥ 1024, at least 60% of this machine's measured matrix-product peak;
* the 10,000 test images evaluated in under 0.1 s.

``TF_REFERENCE_POINTS`` are the step times TensorFlow was seen to take on
this machine before (ms): a measured figure far outside them means a noisy
run or a changed TensorFlow, worth a look before trusting the ratios.
"""

TRAINING_VS_FUNCTION = 0.3
FASTER_THAN_EAGER = 30.0
LARGE_BATCH = 1024
FRACTION_OF_PEAK = 0.6
EVALUATION_S = 0.1

TF_REFERENCE_POINTS = {"eager": (17.0, 22.0), "function": (1.7, 2.1), "xla": (1.6, 1.6)}


MIN_QUIET_ROUNDS = 5


def _pair(results, numerator, denominator):
    """The pair's ratio and how it was taken: over the quiet rounds if there are enough, else all rounds."""
    for pair in results.get("modes", {}).get("pairs", []):
        if pair["numerator"] == numerator and pair["denominator"] == denominator and pair["ratio"]:
            quiet = pair.get("quiet_ratio")
            if quiet and quiet["n"] >= MIN_QUIET_ROUNDS:
                return quiet["median"], f"median over the {quiet['n']} quiet rounds of per-round ratios"
            return pair["ratio"]["median"], (f"median over all {pair['ratio']['n']} rounds of per-round ratios "
                                             f"(fewer than {MIN_QUIET_ROUNDS} quiet rounds)")
    return None, "not measured"


def evaluate(results):
    """A list of ``{what, target, measured, passed, note}``; ``measured`` is ``None`` when not measured."""
    modes = results.get("modes", {}).get("modes", {})
    reference = modes.get("reference-float32")
    rows = []

    def row(what, target, measured, passed, note=""):
        rows.append({"what": what, "target": target, "measured": measured,
                     "passed": None if measured is None else bool(passed), "note": note})

    ratio, how = _pair(results, "reference-float32", "function")
    row("reference training time / tf.function's", f"≤ {TRAINING_VS_FUNCTION}", ratio,
        ratio is not None and ratio <= TRAINING_VS_FUNCTION, how)
    ratio, how = _pair(results, "eager", "reference-float32")
    row("TF eager training time / reference's", f"≥ {FASTER_THAN_EAGER:g}", ratio,
        ratio is not None and ratio >= FASTER_THAN_EAGER, how)

    points = [p for p in results.get("sweeps", {}).get("batch_size", []) if p["batch_size"] >= LARGE_BATCH]
    fractions = [p["sides"]["reference-1t"]["fraction_of_peak"] for p in points
                 if p["sides"].get("reference-1t", {}).get("fraction_of_peak") is not None]
    worst = min(fractions) if fractions else None
    row(f"reference (1 BLAS thread) at batch ≥ {LARGE_BATCH}: fraction of the matmul peak",
        f"≥ {FRACTION_OF_PEAK:.0%}", worst, worst is not None and worst >= FRACTION_OF_PEAK,
        "the lowest over those batch sizes: " + ", ".join(
            f"{p['batch_size']}: {f:.0%}" for p, f in zip(points, fractions)))

    seconds = reference["evaluation"]["median"] if reference and reference.get("evaluation") else None
    row("reference evaluation of the 10,000 test images (s)", f"< {EVALUATION_S}", seconds,
        seconds is not None and seconds < EVALUATION_S, "median over the evaluations during training")
    return rows


def reference_points(results):
    """TensorFlow's measured median step (ms) beside ``TF_REFERENCE_POINTS``: ``[(mode, measured, (lo, hi))]``."""
    modes = results.get("modes", {}).get("modes", {})
    return [(name, 1e3 * modes[name]["step"]["median"], bounds)
            for name, bounds in TF_REFERENCE_POINTS.items() if name in modes]
