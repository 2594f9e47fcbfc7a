"""The benchmark's outputs: a Markdown report, a JSON file with every figure, PNG plots.

Every file is written atomically: to a temporary file in the output folder,
then ``os.replace``d over the old one, so a crashed or interrupted run never
leaves a half-written report behind. Plots need matplotlib (an optional
extra, ``pip install -e '.[plot]'``); without it they are skipped and the
report says so.
"""

import importlib.util
import io
import json
import os

from reference.utils.file_utils import atomic_write
from markdown_tables import table

from . import peers, step_profile, targets
from .modes import MODES, QUIET_LOAD
from .workload import ACCURACY_GOAL, SEED_STEPS

PLOT_FILES = ("step_time_by_mode.png", "step_time_over_training.png", "throughput_vs_batch.png",
              "throughput_vs_width.png")


def _json_default(value):
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def to_json(results):
    return json.dumps(results, indent=1, default=_json_default, allow_nan=False) + "\n"


# --- Markdown ---------------------------------------------------------------------


def _sig(value):
    """Three significant digits, never in exponent notation."""
    text = f"{value:.3g}"
    return f"{value:.0f}" if "e" in text else text


def _ms(seconds):
    return "–" if seconds is None else _sig(1e3 * seconds)


def _us(seconds):
    return "–" if seconds is None else f"{1e6 * seconds:.1f}"


def _machine_section(results):
    m = results["machine"]
    blas = m.get("blas_runtime") or {}
    lines = ["## Machine", "",
             f"* CPU: {m['cpu']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable); "
             f"load average (1/5/15 min) {_loads(m['load_average_at_start'])} at the start, "
             f"{_loads(m.get('load_average_at_end'))} at the end",
             f"* Python {m['python']}, NumPy {m['numpy']}; BLAS: {blas.get('config') or m['blas_build']}"
             f" (kernels for {blas.get('core', '?')})",
             f"* reference BLAS threads: {results['options']['blas_threads']} in the modes "
             "(the reference CLI's default); 1 and 2 in the sweeps"]
    tf = results.get("tensorflow")
    if tf:
        intra, inter = tf["intra_op_threads"], tf["inter_op_threads"]
        lines.append(f"* TensorFlow {tf['tensorflow']}, Keras {tf['keras']}; intra-op threads {intra}, inter-op "
                     f"threads {inter} (0 = TensorFlow's default: one per core); oneDNN {tf['onednn']}")
    else:
        lines.append("* TensorFlow: not measured in this run")
    lines += _peer_machine_lines(results.get("peers") or {})
    if m.get("thread_env"):
        lines.append(f"* thread variables: {m['thread_env']}")
    peaks = results.get("matmul_peak", [])
    if peaks:
        lines.append("* float32 matrix-product peak (NumPy, best of "
                     f"{len(peaks[0]['runs_gflops'])} {peaks[0]['size']}² products, at the start and the end): "
                     + ", ".join(f"{p['gflops']:.1f} GFLOP/s with {p['threads']} thread"
                                 f"{'s' if p['threads'] > 1 else ''}" for p in peaks))
    git = m.get("git") or {}
    if git.get("commit"):
        dirty = git.get("uncommitted_changes_in")
        lines.append(f"* code: commit {git['commit'][:12]}"
                     + (f", with uncommitted changes in {', '.join(dirty)}" if dirty else ""))
    return lines + [""]


def _peer_machine_lines(settings):
    """The machine section's lines on PyTorch and JAX (those measured in this run)."""
    lines = []
    torch, jax = settings.get("torch"), settings.get("jax")
    if torch:
        lines.append(f"* PyTorch {torch['torch']}: {torch['threads']} intra-op threads, {torch['interop_threads']} "
                     "inter-op (its defaults, left as they are: one per physical core)")
    if jax:
        optax = f"optax {jax['optax']}" if jax["optax"] else "no optax (a hand-written Adam)"
        lines.append(f"* JAX {jax['jax']}, backend {jax['backend']} ({', '.join(jax['devices'])}; XLA's default "
                     f"threads: all cores), {optax}")
    return lines


def _loads(loads):
    return "?" if not loads else "/".join(f"{x:.2f}" for x in loads)


def _modes_section(results, plan_name):
    section = results.get("modes")
    if not section:
        return []
    modes = section["modes"]
    estimated = any(m["training_estimated"] for m in modes.values())
    lines = ["## The handbook's training, by mode", "",
             f"MLP 784-100-10, batch 50, Adam(1e-3); every mode from the same initial weights. "
             f"{section['steps_run']} steps per mode, in blocks of {section['eval_every']} run round-robin "
             f"across the modes, the test set evaluated after each block (not timed); the first "
             f"{section['warmup_steps']} steps (tracing, first calls) are timed apart.", ""]
    header = ["mode", "loop", "step ms: median [p10–p90]", "steps/s", f"5 epochs ({SEED_STEPS:,} steps) s",
              "evaluate 10k s", "test accuracy", f"time to {ACCURACY_GOAL:.0%} s (step)",
              "peak memory +MB (process MB)", "first step ms", "CPU/wall", "other work, cores (quiet blocks)"]
    rows = []
    for name, m in modes.items():
        step = m["step"]
        goal = "not reached" if m["time_to_goal_s"] is None else f"{m['time_to_goal_s']:.2f} ({m['goal_step']})"
        memory = m["memory"]
        rows.append([
            m["label"], MODES[name].loop, f"{_ms(step['median'])} [{_ms(step['p10'])}–{_ms(step['p90'])}]",
            f"{m['steps_per_s']:.0f}",
            f"{m['training_s']:.1f}{' (est.)' if m['training_estimated'] else ''}",
            f"{m['evaluation']['median']:.3f}" if m["evaluation"] else "–",
            f"{m['accuracy']:.4f}" if m["accuracy"] is not None else "–", goal,
            f"{memory['growth_mb']:.0f} ({memory['peak_mb']:.0f})",
            _ms(m["first_steps_s"][0] if m["first_steps_s"] else None), f"{m['cpu_per_wall']:.2f}",
            "–" if m["others_load"] is None else
            f"{m['others_load']:.2f} ({m['quiet_blocks']}/{len(m['block_medians'])})"])
    lines += table(header, rows) + [""]
    lines.append("Loop: the handbook prints the loss every step, and reading it waits for the step to end. The "
                 "reference, TensorFlow and PyTorch compute synchronously on the CPU, so for them the read costs "
                 "only its conversion; `jax.jit` dispatches asynchronously, so JAX runs twice: with the handbook's "
                 "loop, and with the loss read once an epoch (pipelined: the next batches are drawn and queued "
                 "while XLA computes; the queue is waited for at every pause, inside the timed steps). A pipelined "
                 "mode's step is its blocks' mean step (median and p10–p90 over the blocks): its single steps time "
                 "the dispatch, not the work.")
    if estimated:
        lines.append(f"*(est.)*: the {SEED_STEPS:,}-step training is the median step × {SEED_STEPS:,} "
                     f"(this {plan_name} run trained {section['steps_run']} steps); the test accuracy is the "
                     "accuracy after those steps.")
    else:
        lines.append(f"The 5-epoch training is the measured sum of the {SEED_STEPS:,} steps, with the "
                     f"first {section['warmup_steps']} (tracing, first calls) counted at the median step; the "
                     f"time to {ACCURACY_GOAL:.0%} is counted the same way, up to the first evaluation at or "
                     "above it.")
    lines += ["Memory: the growth of the process's peak resident set over its state after importing its "
              "libraries and loading MNIST (" + next(iter(modes.values()))["memory"]["method"] +
              "); in brackets the process's peak, MNIST and the libraries included. CPU/wall: CPU seconds the "
              "process used per second of training; a single-threaded side (the reference with 1 BLAS thread) "
              "well below 1.0 was kept waiting for a core by other work on the machine. Other work: the CPU "
              "time all other processes used during the mode's blocks, per second (from /proc/stat), and how "
              f"many blocks ran while it was at most {QUIET_LOAD:g} core (quiet blocks).", ""]
    pairs = section.get("pairs", [])
    if pairs:
        lines += ["### Ratios, block by block", "",
                  "Each ratio is taken between blocks of the same round (run seconds apart), then the median "
                  "over the rounds is reported, with the interquartile range of the per-round ratios; and the "
                  "same over the quiet rounds only (both blocks run while other processes used at most "
                  f"{QUIET_LOAD:g} core). Other work slows multi-threaded TensorFlow more than the "
                  "single-threaded reference, so on a busy machine the quiet rounds are the fairer figure.", ""]
        rows = []
        for p in pairs:
            if not p["ratio"]:
                continue
            quiet = p.get("quiet_ratio")
            rows.append([p["what"] + (" (block means)" if p.get("statistic") == "mean" else "")]
                        + _ratio_cells(p["ratio"]) + (_ratio_cells(quiet) if quiet else ["–", "–", 0]))
        lines += table(["ratio", "median", "p25–p75", "rounds", "quiet rounds: median", "p25–p75", "rounds"],
                        rows) + [""]
    if any(MODES[name].side in peers.FRAMEWORKS for name in modes):
        lines += ["### Adam in each framework", "",
                  "The peers start from the same weights, draw the same batches and compute the same loss (Keras's "
                  "eager one, from the clipped probabilities), but each framework's Adam places ε differently:", ""]
        lines += [f"* {note}" for note in peers.ADAM_NOTES] + [""]
    return lines


def _ratio_cells(ratio):
    """Median, p25–p75 and number of rounds of a :func:`benchmarks.timing.round_ratios` result."""
    return [_sig(ratio["median"]), f"{_sig(ratio['p25'])}–{_sig(ratio['p75'])}", ratio["n"]]


def _targets_section(results):
    lines = ["## Targets", ""]
    cells = []

    def shown(row, value):
        return "not measured" if value is None else f"{value:.0%}" if "share" in row["what"] else f"{value:.3g}"

    def verdict(passed):
        return "–" if passed is None else ("**pass**" if passed else "**miss**")

    for row in targets.evaluate(results):
        floor = "–" if row["floor"] is None else f"{shown(row, row['floor'])} ({verdict(row['floor_passed'])})"
        cells.append([row["what"], row["target"] or "reported", shown(row, row["measured"]), verdict(row["passed"]),
                      floor, row["note"]])
    lines += table(["target", "wanted", "measured", "", "at the kernel floor", "how"], cells) + [""]
    lines += ["*At the kernel floor*: the figure the reference's NumPy kernels alone reach, the step with no framework "
              "(`benchmarks/kernel_floor.py`, bit for bit the reference's arithmetic): the ratios times the profile's "
              "floor / reference ratio. A target missed there is out of reach for a NumPy reference computing Keras's "
              "arithmetic with these kernels on this machine.", ""]
    return lines


def _sweep_section(results):
    sweeps = results.get("sweeps")
    if not sweeps:
        return []
    sides = sweeps["sides"]
    lines = ["## Sweeps", "",
             "The training step alone (batches drawn beforehand), median of interleaved blocks. GFLOP/s counts "
             "the five matrix products of a step, 4·B·784·h + 6·B·h·10 (no gradient for the images; "
             "elementwise work not counted); % of peak is against the measured float32 matmul peak at the "
             "side's thread count (" + ", ".join(
                 f"{s['label']}: {s['peak_gflops']:.1f} GFLOP/s" for s in sides.values() if s["peak_gflops"]) + ").",
             ""]
    for key, title, axis in (("batch_size", "Batch size (width 100)", "batch"), ("width", "Hidden width (batch 50)",
                                                                               "width")):
        points = sweeps.get(key, [])
        if not points:
            continue
        header = [axis] + [f"{s['label']}: ms · samples/s · GFLOP/s (% peak)" for s in sides.values()]
        if "reference-1t" in sides and "function" in sides:
            header.append("reference 1t / tf.function")
        rows = []
        for point in points:
            row = [point["batch_size"] if key == "batch_size" else point["hidden"]]
            for side in sides:
                s = point["sides"][side]
                row.append(f"{_ms(s['step']['median'])} · {s['samples_per_s']:,.0f} · {s['gflops']:.1f} "
                           f"({100 * s['fraction_of_peak']:.0f}%)")
            if len(header) > len(row):
                medians = {side: figures["step"]["median"] for side, figures in point["sides"].items()}
                row.append(f"{medians['reference-1t'] / medians['function']:.2f}")
            rows.append(row)
        lines += [f"### {title}", ""] + table(header, rows) + [""]
    half = sweeps.get("half_best_batch")
    if half:
        lines += ["Where the per-step overhead stops mattering: the smallest batch size at which each side's "
                  "throughput (samples/s) reaches half of its best over the batch sweep: " + "; ".join(
                      f"{sides[side]['label']} {batch}" for side, batch in half.items()) + ".", ""]
    return lines


def _micro_section(results):
    micro = results.get("micro")
    if not micro:
        return []
    sides = micro["sides"]
    lines = ["## Per-op micro-benchmarks (µs per call, median)", "",
             "On the handbook's shapes (batch 50, 784 → 100 → 10). Forward inside a gradient tape (recording "
             "included), backward = the tape's gradient. tf.function cannot be timed inside a graph: its "
             "backward (≈) is the median of a forward+backward function minus the median forward, within the "
             "noise of its ~100 µs call overhead.", ""]
    header = ["op"] + list(sides.values()) + ["reference / TF eager", "reference / tf.function"]
    rows = []
    for name, by_side in micro["ops"].items():
        median = {side: (q["median"] if q else None) for side, q in by_side.items()}
        row = [name] + [_derived(median.get(side)) if by_side.get(side, {}).get("derived") else _us(median.get(side))
                        for side in sides]
        for other in ("eager", "function"):
            a, b = median.get("reference"), median.get(other)
            derived = by_side.get(other, {}).get("derived")
            row.append(f"{a / b:.2f}" if a and b and b > 0 and not derived else "–")
        rows.append(row)
    return lines + table(header, rows) + [""]


def _derived(seconds):
    """A difference of two medians: "≈x", or "≈0" when the noise made it negative."""
    return "–" if seconds is None else f"≈{_us(max(seconds, 0.0))}"


def _profile_section(results):
    profile = results.get("profile")
    if not profile:
        return []
    phases = profile["phases"]
    step = phases["step"]["median"]
    lines = ["## Profile of the reference's training step", "",
             f"The handbook's step (float32, {profile['blas_threads']} BLAS thread(s)) after "
             f"{profile['warmup_steps']} warm-up steps. Phases: {phases['step']['n']} uninstrumented steps, "
             "median per phase (the medians need not add up exactly to the median step).", ""]
    lines += table(["phase", "µs (median)", "p10–p90 µs", "share of the step"], [
        [phase, _us(phases[phase]["median"]), f"{_us(phases[phase]['p10'])}–{_us(phases[phase]['p90'])}",
         f"{phases[phase]['median'] / step:.0%}"] for phase in step_profile.PHASES]
        + [["**step**", _us(step), f"{_us(phases['step']['p10'])}–{_us(phases['step']['p90'])}", "100%"]]) + [""]
    floor = profile.get("floor")
    if floor:
        ratio = floor["ratio"]
        lines += [f"**The kernel floor** (`benchmarks/kernel_floor.py`): the same step's NumPy calls in straight-line "
                  "code, bit for bit the reference's (a test checks), with no tape, layers, optimizer class or "
                  "argument checks, timed in the same rounds from the same start on the same batches: "
                  f"{_us(floor['step']['median'])} µs per step (p10–p90 {_us(floor['step']['p10'])}–"
                  f"{_us(floor['step']['p90'])}), **{ratio['median']:.2f}** of the reference's step (median of "
                  f"{ratio['n']} per-round ratios, p25–p75 {ratio['p25']:.2f}–{ratio['p75']:.2f}). NumPy's "
                  "kernels are that share of the step, the framework the rest.", ""]
    ops = profile["ops"]
    lines += [f"By op ({ops['steps']} instrumented steps, alternating with the phases' in {profile['rounds']} "
              "rounds): self time per step, median over the steps (a step without the op counts 0) and mean "
              "(amortising what runs every few steps, like Adam's flush, and the machine's pauses). Each timing "
              "wrapper adds ~1 µs per call.", ""]
    lines += table(["phase", "op", "direction", "calls/step", "median µs/step", "mean µs/step"], [
        [row["phase"], row["name"], row["direction"], f"{row['calls_per_step']:.2g}" if row["calls_per_step"] else "",
         _us(row["median_seconds"]), _us(row["mean_seconds"])] for row in ops["rows"]]) + [""]
    functions = profile["functions"]
    lines += [f"Python functions with the most self time (cProfile, {functions['steps']} steps; cProfile slows "
              "Python calls, so Python-heavy rows are inflated):", ""]
    lines += table(["function", "calls/step", "self µs/step", "cumulative µs/step"], [
        [f"`{row['function']}`", f"{row['calls_per_step']:.3g}", _us(row["self_seconds_per_step"]),
         _us(row["cumulative_seconds_per_step"])] for row in functions["functions"][:12]]) + [""]
    return lines


def _method_section(results):
    return ["## How this was measured", "",
            "* One run, one process per mode (`multiprocessing` spawn): the parent never imports TensorFlow, the "
            "modes take turns on the CPU (only one computes at a time), and each process's memory belongs to "
            "one mode.",
            "* Each mode runs its own training code unmodified (`reference.handbook.train`, `tf_impl.train`, "
            "`Model.fit`), paused between blocks from its data loader's `get_batch` (`fit`: "
            "`on_train_batch_begin`). A step is one loop iteration: batch draw, forward, loss, backward, update, "
            "and reading the loss as a float (the handbook prints it; the I/O is left out), except in a pipelined "
            "mode, which reads it once an epoch.",
            "* Same batches for every mode except `fit` (the same seeded `MNISTLoader`); `fit` uses Keras's own "
            "shuffled epochs. Under `tf.function`/XLA/`fit`, Keras computes the loss from the logits behind "
            "the softmax (`_get_logits`); eagerly and in the reference, from the clipped probabilities.",
            "* Evaluation: one forward pass over the 10,000 test images + `SparseCategoricalAccuracy` "
            "(`tf_impl.evaluate_fast` for TensorFlow), not the handbook's 200 calls of `model.predict`.",
            "* Peers (`benchmarks.peers`, when installed): the same training written as a PyTorch user (eager, "
            "and the step under `torch.compile`) and a JAX user (`jax.jit` of the whole step) would write it, from "
            "the same weights and batches, paced and evaluated like the other modes; their workers never import "
            "TensorFlow, and the parent imports neither framework. A peer that fails (e.g. `torch.compile` "
            "without a C++ compiler) is left out with the reason in the notes above. `torch.compile`'s first "
            "step is shorter when an earlier run left Inductor's on-disk cache (in the temporary folder).",
            "* No timing is asserted anywhere; the machine is shared, so compare ratios from the same run "
            "rather than absolute times across runs.", ""]


def to_markdown(results):
    plan = results["plan"]["name"]
    with_peers = " and its peers (PyTorch, JAX)" if results.get("peers") else ""
    lines = [f"# Benchmarks: the NumPy reference beside TensorFlow{with_peers}", "",
             f"`{results['command']}` ({plan} run, {results['machine']['date']}, "
             f"{results['elapsed_s']:.0f} s)." + (
                 " **Quick run: tiny step counts, figures are rough estimates.**" if plan == "quick" else ""), ""]
    for note in results.get("notes", []):
        lines.append(f"> {note}")
    if results.get("notes"):
        lines.append("")
    lines += _machine_section(results)
    lines += _modes_section(results, plan)
    lines += _targets_section(results)
    lines += _profile_section(results)
    lines += _micro_section(results)
    lines += _sweep_section(results)
    lines += _method_section(results)
    plots = results.get("plots")
    if plots:
        lines += ["## Plots", ""] + [f"![{name}]({name})" for name in plots] + [""]
    return "\n".join(lines)


# --- plots ---------------------------------------------------------------------------


def plots_available():
    return importlib.util.find_spec("matplotlib") is not None


def write_plots(results, out):
    """Write the PNG plots into ``out``; returns the file names written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    written = []

    def save(fig, name):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        with atomic_write(os.path.join(out, name)) as f:
            f.write(buffer.getvalue())
        written.append(name)

    modes = (results.get("modes") or {}).get("modes")
    if modes:
        fig, ax = plt.subplots(figsize=(8, 4))
        labels = [m["label"] for m in modes.values()]
        medians = [1e3 * m["step"]["median"] for m in modes.values()]
        low = [1e3 * (m["step"]["median"] - m["step"]["p10"]) for m in modes.values()]
        high = [1e3 * (m["step"]["p90"] - m["step"]["median"]) for m in modes.values()]
        side_colors = {"reference": "tab:blue", "tensorflow": "tab:orange", "torch": "tab:red", "jax": "tab:green"}
        colors = [side_colors[MODES[name].side] for name in modes]
        ax.bar(labels, medians, yerr=[low, high], capsize=4, color=colors)
        ax.set_yscale("log")
        ax.set_ylabel("ms per step (median, p10–p90)")
        ax.set_title("The handbook's training step by mode (batch 50)")
        for i, value in enumerate(medians):
            ax.annotate(f"{value:.3g}", (i, value), textcoords="offset points", xytext=(8, 2), fontsize=8)
        ax.tick_params(axis="x", labelrotation=20)
        save(fig, "step_time_by_mode.png")

        fig, ax = plt.subplots(figsize=(8, 4))
        every = results["modes"]["eval_every"]
        for name, m in modes.items():
            blocks = m["block_medians"]
            ax.plot([every * (i + 1) for i in range(len(blocks))], [1e3 * b for b in blocks], marker=".",
                    label=m["label"])
        ax.set_yscale("log")
        ax.set_xlabel("training step (end of block)")
        ax.set_ylabel("median ms per step in the block")
        ax.set_title("Step time over the training (blocks run round-robin)")
        ax.legend(fontsize=8)
        save(fig, "step_time_over_training.png")

    sweeps = results.get("sweeps")
    if sweeps:
        for key, name, axis in (("batch_size", "throughput_vs_batch.png", "batch size"),
                                ("width", "throughput_vs_width.png", "hidden width")):
            points = sweeps.get(key)
            if not points:
                continue
            fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
            xs = [p["batch_size"] if key == "batch_size" else p["hidden"] for p in points]
            for side, info in sweeps["sides"].items():
                left.plot(xs, [p["sides"][side]["samples_per_s"] for p in points], marker="o", label=info["label"])
                right.plot(xs, [100 * p["sides"][side]["fraction_of_peak"] for p in points], marker="o",
                           label=info["label"])
            for ax in (left, right):
                ax.set_xscale("log", base=2)
                ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}"))
                ax.set_xlabel(axis)
            left.set_yscale("log")
            left.set_ylabel("training samples per second")
            right.set_ylabel("matmul GFLOP/s, % of the measured peak")
            right.set_ylim(0, max(right.get_ylim()[1], 100))
            left.legend(fontsize=8)
            right.legend(fontsize=8)
            fig.suptitle(f"Throughput of the training step vs {axis}")
            save(fig, name)
    return written
