"""``python -m benchmarks readme``: the README's speed section, regenerated from ``results/results.json``.

The README's speed figures live between the markers ``<!-- benchmarks:speed -->`` and
``<!-- /benchmarks:speed -->``; this writes there what the last full run measured (the machine, the table
of modes with the loop each figure measures, the targets), so the README never holds a figure that
``results.json`` does not. Run it after a full ``python -m benchmarks`` on a quiet machine.
"""

import json
import os

from reference.utils.file_utils import atomic_write
from markdown_tables import table

from . import targets
from .modes import MODES, PIPELINED
from .workload import SEED_STEPS

BEGIN, END = "<!-- benchmarks:speed -->", "<!-- /benchmarks:speed -->"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "results.json")
ROW_LABELS = {  # mode -> its row in the README
    "reference-float32": "reference, float32", "reference-float64": "reference, float64",
    "eager": "TF eager (the handbook as written)", "function": "TF `tf.function`", "xla": "TF XLA",
    "fit": "Keras `fit`", "torch-eager": "PyTorch eager", "torch-compile": "`torch.compile`",
    "jax-jit": "JAX `jax.jit`", "jax-jit-pipelined": "JAX `jax.jit`",
}


def _sig(value):
    text = f"{value:.3g}"
    return f"{value:.0f}" if "e" in text else text


def speed_section(results):
    """The Markdown of the speed section (without the markers), from a full run's ``results``."""
    machine, modes = results["machine"], results["modes"]["modes"]
    versions = [f"NumPy {machine['numpy']} with {(machine.get('blas_runtime') or {}).get('config', 'its BLAS')}"]
    if results.get("tensorflow"):
        versions.append(f"TensorFlow {results['tensorflow']['tensorflow']}, Keras {results['tensorflow']['keras']}")
    peers = results.get("peers") or {}
    versions += ([f"PyTorch {peers['torch']['torch']}"] * ("torch" in peers)
                 + [f"JAX {peers['jax']['jax']}"] * ("jax" in peers))
    rounds = min(len(m["block_medians"]) for m in modes.values())
    quiet = min(m["quiet_blocks"] for m in modes.values())
    lines = [f"Speed, the handbook's {SEED_STEPS:,} steps on a {machine['usable_cores']}-core {machine['cpu']} "
             f"({'; '.join(versions)}; `python -m benchmarks`, all modes interleaved in one run, {quiet} of {rounds} "
             "rounds quiet; full tables in [benchmarks/results/results.md](benchmarks/results/results.md)). The "
             "handbook prints the loss every step, and reading it waits for the step to end: that costs NumPy, "
             "TensorFlow and PyTorch nothing but the conversion, as they compute synchronously on the CPU, but "
             "stops `jax.jit`'s asynchronous dispatch from queueing the next steps. So JAX is timed in both loops:",
             ""]
    reference = modes["reference-float32"]["step"]["median"]
    rows = []
    for name, mode in modes.items():
        loop = MODES[name].loop + (" (pipelined)" if MODES[name].loop == PIPELINED else "")
        rows.append([ROW_LABELS.get(name, mode["label"]), loop, _sig(1e3 * mode["step"]["median"]),
                     f"{mode['training_s']:.2g} s" if mode["training_s"] < 10 else f"{mode['training_s']:.0f} s",
                     f"{mode['accuracy']:.4f}", "1" if name == "reference-float32" else
                     _sig(_relative(results, name, mode["step"]["median"] / reference))])
    lines += table(["mode", "loop", "ms per step (median)", "5 epochs", "test accuracy",
                    "time relative to the reference"], rows) + [""]
    lines += ["A pipelined mode's step is the mean over its blocks: its single steps time the dispatch. The targets, "
              "measured pair by pair within the run: " + "; ".join(_target(row) for row in targets.evaluate(results))
              + ".", ""]
    return "\n".join(lines)


def _relative(results, name, fallback):
    """The mode's time over the reference's: the run's per-round pair ratio where it has one, else ``fallback``."""
    ratio, _ = targets.pair(results, name, "reference-float32")
    if ratio is None:
        inverse, _ = targets.pair(results, "reference-float32", name)
        ratio = None if inverse is None else 1 / inverse
    return fallback if ratio is None else ratio


def _target(row):
    if row["measured"] is None:
        return f"{row['what']}: not measured"
    if row["target"] is None:
        return f"{row['what']}: {row['measured']:.0%}"
    floor = "" if row["floor"] is None else f", {_sig(row['floor'])} at the kernel floor"
    return (f"{row['what']} {_sig(row['measured'])} (target {row['target']}: "
            f"{'met' if row['passed'] else 'missed'}{floor})")


def update(readme=README, results_path=RESULTS):
    """Rewrite ``readme``'s speed section from ``results_path``; returns whether the file changed."""
    with open(results_path, encoding="utf-8") as file:
        results = json.load(file)
    if results["plan"]["name"] != "full":
        raise ValueError(f"{results_path} holds a {results['plan']['name']} run: the README takes a full run's.")
    with open(readme, encoding="utf-8") as file:
        text = file.read()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"{readme} must hold {BEGIN} once, then {END} once, around the speed section.")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    new = f"{head}{BEGIN}\n{speed_section(results)}{END}{tail}"
    if new != text:
        with atomic_write(readme, "w") as f:
            f.write(new)
    return new != text
