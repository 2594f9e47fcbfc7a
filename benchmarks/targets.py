"""The performance targets the reference is measured against (reported, never asserted).

* the handbook's training (6,000 steps of 50) in at most 0.3× the time of ``tf.function``;
* at least 30× faster than TensorFlow eager (the handbook as written);
* at batch sizes ≥ 1024, at least 60% of this machine's measured matrix-product peak;
* the 10,000 test images evaluated in under 0.1 s.

Each speed target is also evaluated at the reference's kernel floor (:mod:`benchmarks.kernel_floor`).

``TF_REFERENCE_POINTS`` are the step times TensorFlow was seen to take before (ms) on each kind of
machine this project ran on, by CPU model: a measured figure far outside them means a noisy run or a
changed TensorFlow, worth a look before trusting the ratios. A CPU not listed has none.
"""

TRAINING_VS_FUNCTION = 0.3
FASTER_THAN_EAGER = 30.0
LARGE_BATCH = 1024
FRACTION_OF_PEAK = 0.6
EVALUATION_S = 0.1

TF_REFERENCE_POINTS = {  # CPU model (as ``benchmarks.machine`` reads it, a prefix) -> mode -> (lo, hi) ms
    "AMD EPYC": {"eager": (17.0, 22.0), "function": (1.7, 2.1), "xla": (1.6, 1.6)},
    "Intel(R) Xeon(R) Processor": {"eager": (10.6, 11.1), "function": (1.15, 1.48), "xla": (1.05, 1.09)},
}


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
    """A list of ``{what, target, measured, passed, floor, floor_passed, note}``; ``measured`` is ``None`` when
    not measured.

    ``floor`` is the figure the reference's NumPy kernels alone reach (:mod:`benchmarks.kernel_floor`: the
    step with no framework): a target the floor misses is out of reach for any NumPy reference computing
    Keras's arithmetic with these kernels on this machine.
    """
    modes = results.get("modes", {}).get("modes", {})
    reference = modes.get("reference-float32")
    floor_share = results.get("profile", {}).get("floor", {}).get("ratio", {}).get("median")  # floor / reference
    rows = []

    def row(what, target, measured, passes, note="", floor=None):
        rows.append({"what": what, "target": target, "measured": measured,
                     "passed": None if measured is None else bool(passes(measured)),
                     "floor": floor, "floor_passed": None if floor is None else bool(passes(floor)), "note": note})

    ratio, how = _pair(results, "reference-float32", "function")
    row("reference training time / tf.function's", f"≤ {TRAINING_VS_FUNCTION}", ratio,
        lambda r: r <= TRAINING_VS_FUNCTION, how,
        floor=ratio * floor_share if ratio is not None and floor_share else None)
    ratio, how = _pair(results, "eager", "reference-float32")
    row("TF eager training time / reference's", f"≥ {FASTER_THAN_EAGER:g}", ratio,
        lambda r: r >= FASTER_THAN_EAGER, how,
        floor=ratio / floor_share if ratio is not None and floor_share else None)

    points = [p for p in results.get("sweeps", {}).get("batch_size", []) if p["batch_size"] >= LARGE_BATCH]

    def lowest_fraction(side):
        fractions = [p["sides"][side]["fraction_of_peak"] for p in points
                     if p["sides"].get(side, {}).get("fraction_of_peak") is not None]
        return (min(fractions) if fractions else None), fractions

    worst, fractions = lowest_fraction("reference-1t")
    row(f"reference (1 BLAS thread) at batch ≥ {LARGE_BATCH}: fraction of the matmul peak",
        f"≥ {FRACTION_OF_PEAK:.0%}", worst, lambda f: f >= FRACTION_OF_PEAK,
        "the lowest over those batch sizes: " + ", ".join(
            f"{p['batch_size']}: {f:.0%}" for p, f in zip(points, fractions)),
        floor=lowest_fraction("floor-1t")[0])

    seconds = reference["evaluation"]["median"] if reference and reference.get("evaluation") else None
    row("reference evaluation of the 10,000 test images (s)", f"< {EVALUATION_S}", seconds,
        lambda s: s < EVALUATION_S, "median over the evaluations during training")
    return rows


def reference_points(results):
    """TensorFlow's measured median step (ms) beside this CPU's ``TF_REFERENCE_POINTS``:
    ``[(mode, measured, (lo, hi))]``, empty for a CPU with none."""
    modes = results.get("modes", {}).get("modes", {})
    cpu = results.get("machine", {}).get("cpu") or ""
    points = next((p for model, p in TF_REFERENCE_POINTS.items() if cpu.startswith(model)), {})
    return [(name, 1e3 * modes[name]["step"]["median"], bounds) for name, bounds in points.items() if name in modes]
