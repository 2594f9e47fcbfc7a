"""``python -m benchmarks``: the NumPy reference and TensorFlow (and PyTorch and JAX), timed side by side in one run.

``python -m benchmarks readme`` rewrites the README's speed section from ``results/results.json`` (:mod:`.readme`).
"""

import argparse
import dataclasses
import importlib.util
import os
import sys
import tempfile
import time

from reference.commands.cli import positive_int
from reference.utils.file_utils import atomic_write

SECTIONS = ("modes", "profile", "micro", "sweeps")
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
SCRATCH_OUT = os.path.join(tempfile.gettempdir(), "benchmarks")  # quick and partial runs: never the committed results


def _csv(choices):
    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown or not items:
            raise argparse.ArgumentTypeError(f"expected a comma-separated subset of {', '.join(choices)}; "
                                             f"got {text!r}")
        return items
    return parse


def parse_args(argv):
    from .modes import MODES

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the handbook's MNIST training with the NumPy reference, with TensorFlow (eager, "
                    "tf.function, XLA, Keras fit) and, when installed, with PyTorch (eager, torch.compile) and "
                    "JAX (jax.jit) in one run, modes interleaved; sweep batch size and width; time single ops; "
                    "profile the reference's step. Writes results.md, results.json and PNG plots.")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run in under a minute: tiny step counts, few sweep points; every figure is "
                             "a rough estimate")
    parser.add_argument("--out", metavar="DIR",
                        help=f"output folder (default: {os.path.relpath(DEFAULT_OUT)} for a full run of every "
                             f"section and mode; {SCRATCH_OUT} for --quick or a partial run)")
    parser.add_argument("--sections", type=_csv(SECTIONS), default=list(SECTIONS),
                        help=f"what to run, comma-separated (default: all: {','.join(SECTIONS)})")
    parser.add_argument("--modes", type=_csv(tuple(MODES)), default=list(MODES),
                        help=f"the training modes to compare (default: all: {','.join(MODES)})")
    parser.add_argument("--blas-threads", type=positive_int, default=1, metavar="N",
                        help="BLAS threads of the reference in the modes and the profile (default: 1, as "
                             "`python -m reference train`); the sweeps run 1 and 2")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights and batches (default: 0)")
    parser.add_argument("--data", metavar="PATH", default=None,
                        help="MNIST folder or mnist.npz (default: $MNIST_PATH, then the Keras cache)")
    parser.add_argument("--no-plots", dest="plots", action="store_false", help="do not draw the PNG plots")
    args = parser.parse_args(argv)
    complete = not args.quick and set(args.sections) == set(SECTIONS) and set(args.modes) == set(MODES)
    args.out = args.out or (DEFAULT_OUT if complete else SCRATCH_OUT)
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["readme"]:  # python -m benchmarks readme: the README's speed section from results.json
        from . import readme

        changed = readme.update()
        print(f"{os.path.relpath(readme.README)}: speed section {'rewritten' if changed else 'already current'} "
              f"from {os.path.relpath(readme.RESULTS)}")
        return 0
    args = parse_args(argv)

    from . import machine, micro, modes, peers, report, step_profile, sweeps
    from .plan import FULL, QUICK
    from .workers import Pool

    def log(message):
        print(message, flush=True)

    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    results = {"command": " ".join(["python -m benchmarks"] + argv), "plan": dataclasses.asdict(plan),
               "options": {"blas_threads": args.blas_threads, "seed": args.seed, "modes": args.modes,
                           "sections": args.sections}, "notes": []}
    sections, mode_names = list(args.sections), list(args.modes)
    if importlib.util.find_spec("tensorflow") is None:
        note = ("TensorFlow is not installed (pip install -e '.[tf]'): its modes were not measured; "
                "the micro-benchmarks and sweeps, which compare with it, were skipped.")
        results["notes"].append(note)
        log(note)
        mode_names = [name for name in mode_names if modes.MODES[name].side != "tensorflow"]
        sections = [s for s in sections if s not in ("micro", "sweeps")]
    mode_names, notes = peers.not_installed(mode_names)
    for note in notes:
        results["notes"].append(note)
        log(note)
    if args.plots and not report.plots_available():
        results["notes"].append("matplotlib is not installed (pip install -e '.[plot]'): no plots were drawn.")
        log(results["notes"][-1])

    results["machine"] = machine.describe()
    cores = results["machine"]["usable_cores"] or results["machine"]["logical_cores"] or 1
    log(f"{plan.name} run on {results['machine']['cpu']} ({cores} cores), "
        f"load average {results['machine']['load_average_at_start'][0]:.2f}")

    def measure_peak(when):
        peaks = [machine.matmul_peak(plan.peak_size, plan.peak_repeats, threads)
                 for threads in sorted({1, min(cores, 2)})]
        log(f"matrix-product peak (NumPy float32), {when}: " + ", ".join(
            f"{p['gflops']:.1f} GFLOP/s with {p['threads']} thread(s)" for p in peaks))
        return peaks

    peaks_at_start = measure_peak("at the start")

    common = {"seed": args.seed, "data_path": args.data}
    results["section_seconds"] = {}

    def section(name, title, measure):
        if name in sections:
            log(title)
            start = time.perf_counter()
            results[name] = measure()
            results["section_seconds"][name] = time.perf_counter() - start

    with Pool() as pool:
        if mode_names:
            def train_modes():
                runs = modes.start(pool, mode_names, plan, blas_threads=args.blas_threads, **common)
                failed = modes.ready(pool, runs, log=log)
                log(f"  {len(runs)} worker processes ready")
                measured = modes.run(runs, plan, log=log)
                measured["failed"] = dict(failed, **measured["failed"])
                for name, reason in measured["failed"].items():
                    results["notes"].append(f"{modes.MODES[name].label} failed and was left out: {reason}")
                later = ("reference-float32", "function") + tuple(sweeps.PEER_SIDES)  # the workers reused below
                pool.close([name for name in mode_names if name not in later])
                return measured
            section("modes", f"the handbook's training, {plan.total_steps} steps per mode, round-robin:", train_modes)
        section("profile", "profile of the reference's step:",
                lambda: step_profile.run(pool, plan, blas_threads=args.blas_threads, log=log, **common))
        section("micro", "per-op micro-benchmarks:",
                lambda: micro.run(pool, plan, blas_threads=args.blas_threads, log=log, **common))
        section("sweeps", "sweeps:", lambda: sweeps.run(pool, plan, cores=cores, log=log, **common))
        measured = results.get("modes", {}).get("modes", {})
        settings = [m["settings"] for name, m in measured.items() if modes.MODES[name].side == "tensorflow"]
        if settings:
            results["tensorflow"] = settings[0]
        elif {"micro", "sweeps"} & set(sections):
            results["tensorflow"] = pool["function"].new(machine.TensorFlowSettings).describe()
        results["peers"] = peers.measured_settings(results, modes.MODES)

    results["matmul_peak"] = machine.best_peaks(peaks_at_start, measure_peak("at the end"))
    if "sweeps" in results:
        sweeps.add_fractions_of_peak(results["sweeps"], results["matmul_peak"])
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    results["elapsed_s"] = time.perf_counter() - started
    if args.plots and report.plots_available():
        results["plots"] = report.write_plots(results, args.out)
    markdown = report.to_markdown(results)
    for name, text in (("results.json", report.to_json(results)), ("results.md", markdown)):
        with atomic_write(os.path.join(args.out, name), "w") as f:
            f.write(text)
    print()
    print(markdown)
    log(f"written to {args.out}: results.md, results.json" +
        "".join(f", {name}" for name in results.get("plots", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
