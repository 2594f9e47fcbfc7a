"""The parity report: how close float32 TensorFlow and the float32 reference each come to the truth.

``python -m parity_tests report --out DIR`` writes ``DIR/README.md`` and its PNGs:

1. **Op errors against a float64 oracle.** For each op case, float32 inputs are
   drawn with a fixed seed. The reference in float64, run on the same inputs
   (cast up, which is exact), is the oracle. The table gives the largest
   absolute and relative error of the reference in float32 and of TensorFlow
   in float32 against it, and which of the two is closer, for the op's value
   and, where it has one, its gradient (for a fixed random upstream gradient).
   Relative errors are taken where ``|oracle| >=`` float32's smallest normal
   number: below it float32 has no relative precision to speak of (and TF
   flushes such results to 0).
2. **Training trajectories** from ``tf_impl.compare``: TF and the reference
   trained from the same weights on the same batches, in eager and in
   ``tf.function`` mode, with the per-step gaps.
3. **Eager vs graph.** The same two runs show how far TF's eager loss
   (clipped probabilities) and its graph loss (logits) drift apart, and that
   the reference's two loss semantics drift the same way.

The op rows are the op table's (``parity_tests/op_db``): every row with a ``report``
input generator (seeded, realistic sizes: batches of 50, 784 pixels, 100 units) is
measured, with the row's own code on each side.
"""

import datetime
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reference.utils.file_utils import write_atomic
from reference.utils.markdown import table

from . import op_db
from .strategies import Sample
from .tolerances import trajectory_loss_rtol

REPORT_NAME = "README.md"


# --- measuring ------------------------------------------------------------------------------


def _cast(inputs, dtype):
    """``inputs`` with every float array cast to ``dtype`` (labels and other ints unchanged)."""
    return {k: v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v for k, v in inputs.items()}


def _value_and_grads(row, sample, dy, tf=None, keras=None):
    """The row's value on ``sample`` and, if ``dy`` is given, its gradients for ``dy``: the reference's,
    or TensorFlow's (eagerly) when ``tf`` is given."""
    if tf is None:
        value = row.run_ref(sample)
        grads = row.ref_grads(sample, dy) if dy is not None and row.grad_wrt else []
    else:
        value = row.run_tf(sample, tf, keras)
        grads = row.tf_grads(sample, dy, tf, keras) if dy is not None and row.grad_wrt else []
    return value, [np.asarray(g) for g in grads]


@dataclass
class Errors:
    """Largest absolute and relative errors of one side against the oracle, over all draws."""

    abs: float = 0.0
    rel: float = 0.0

    def update(self, actual, oracle, dtype):
        actual, oracle = np.asarray(actual, np.float64), np.asarray(oracle, np.float64)
        diff = np.abs(actual - oracle)
        self.abs = max(self.abs, float(diff.max(initial=0.0)))
        normal = np.abs(oracle) >= np.finfo(dtype).tiny
        self.rel = max(self.rel, float((diff[normal] / np.abs(oracle[normal])).max(initial=0.0)))


@dataclass
class OpErrors:
    """One row of the error table: ``what`` ("value" or "gradient") of ``case`` in ``dtype``."""

    case: str
    what: str
    dtype: str
    draws: int
    reference: Errors
    tensorflow: Errors

    @property
    def closer(self):
        """Which side has the smaller largest absolute error ("tie" if equal)."""
        ref, tf = self.reference.abs, self.tensorflow.abs
        return "tie" if ref == tf else "reference" if ref < tf else "TensorFlow"


def measure_ops(rows=None, dtype="float32", draws=20, seed=0, tf=None, keras=None):
    """Measure every row ``draws`` times in ``dtype`` against the float64 reference; return :class:`OpErrors` rows.

    ``rows`` defaults to the op table's ``REPORT_ROWS``. Inputs come from ``np.random.default_rng(seed)``
    through each row's ``report`` generator: the same seed gives the same table on any machine with the same
    libraries.
    """
    from tf_impl.floatx import use_floatx

    rng = np.random.default_rng(seed)
    measured = []
    for row in op_db.REPORT_ROWS if rows is None else rows:
        value = OpErrors(row.name, "value", dtype, draws, Errors(), Errors())
        grad = OpErrors(row.name, "gradient", dtype, draws, Errors(), Errors())
        for _ in range(draws):
            inputs = Sample(row.report(rng)).astype(dtype)
            with use_floatx(dtype):
                ref, _ = _value_and_grads(row, inputs, None)
                dy = np.asarray(rng.normal(size=ref.shape)).astype(dtype) if row.grad_wrt else None
                _, ref_grads = _value_and_grads(row, inputs, dy)
                got, tf_grads = _value_and_grads(row, inputs, dy, tf, keras)
            with use_floatx("float64"):
                oracle, oracle_grads = _value_and_grads(row, inputs.astype("float64"),
                                                        None if dy is None else dy.astype(np.float64))
            value.reference.update(ref, oracle, dtype)
            value.tensorflow.update(got, oracle, dtype)
            for r, t, o in zip(ref_grads, tf_grads, oracle_grads, strict=True):
                grad.reference.update(r, o, dtype)
                grad.tensorflow.update(t, o, dtype)
        measured += [value, grad] if row.grad_wrt else [value]
    return measured


# --- trajectories ---------------------------------------------------------------------------


def run_trajectories(steps, seed=0, data_path=None, dtype="float32", on_step=None):
    """``tf_impl.compare`` in eager and in ``tf.function`` mode: ``{"eager": result, "function": result}``."""
    from tf_impl.compare import compare

    return {mode: compare(steps=steps, dtype=dtype, mode=mode, seed=seed, data_path=data_path, on_step=on_step,
                          target=trajectory_loss_rtol(dtype))
            for mode in ("eager", "function")}


def _running_mean(x, window):
    """The mean of the last ``window`` values at each step (fewer at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, np.float64), 0, 0.0))
    n = np.arange(1, len(x) + 1)
    lo = np.maximum(n - window, 0)
    return (c[n] - c[lo]) / (n - lo)


def plot_divergence(eager, graph, filename, window=50):
    """PNG: TF's eager and graph losses from the same start, the reference's beside them, and their gaps."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    steps = np.arange(eager.steps)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, constrained_layout=True)
    for result, colour in ((eager, "C0"), (graph, "C1")):
        top.plot(steps, _running_mean(result.tf_loss, window), color=colour, lw=1.2,
                 label=f"TensorFlow, {result.mode} (loss from {result.loss_from})")
        top.plot(steps, _running_mean(result.ref_loss, window), color=colour, lw=1, ls="--",
                 label=f"reference, loss from {result.loss_from}")
    top.set_yscale("log")
    top.set_ylabel(f"training loss (mean of last {window} steps)")
    top.set_title(f"handbook MLP, {eager.dtype}, seed {eager.seed}: eager vs tf.function, same weights and batches")
    top.legend(fontsize="small")
    tf_gap = np.abs(eager.tf_loss - graph.tf_loss)
    ref_gap = np.abs(eager.ref_loss - graph.ref_loss)
    bottom.plot(steps, np.where(tf_gap > 0, tf_gap, np.nan), ".", ms=2, label="|TF eager - TF graph|")
    bottom.plot(steps, np.where(ref_gap > 0, ref_gap, np.nan), ".", ms=2, alpha=0.6,
                label="|reference (probabilities) - reference (logits)|")
    bottom.set_yscale("log")
    bottom.set_xlabel("step")
    bottom.set_ylabel("loss gap")
    bottom.legend(fontsize="small")
    fig.savefig(filename, dpi=120)
    plt.close(fig)


# --- the report -----------------------------------------------------------------------------


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        return None


def environment(tf, keras):
    """The machine and the versions, as ``(label, value)`` pairs."""
    import matplotlib

    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("machine", f"{platform.node()}: {_cpu_model() or platform.processor() or platform.machine()}, "
                    f"{os.cpu_count()} logical CPUs"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("NumPy", np.__version__),
        ("TensorFlow", tf.__version__),
        ("Keras", keras.__version__),
        ("matplotlib", matplotlib.__version__),
    ]


def _e(x):
    return "0" if x == 0 else f"{x:.2e}"


def _error_table(rows):
    return "\n".join(table(
        ["op", "", "draws", "reference: max abs", "max rel", "TensorFlow: max abs", "max rel", "closer"],
        [[r.case, r.what, r.draws, _e(r.reference.abs), _e(r.reference.rel), _e(r.tensorflow.abs),
          _e(r.tensorflow.rel), r.closer] for r in rows], align="llrrrrrl"))


def _trajectory_table(results):
    return "\n".join(table(
        ["TF mode", "reference loss from", "steps", "max rel loss gap", "target", "max weight gap (last step)",
         "test accuracy TF / reference"],
        [[f"`{r.mode}`", r.loss_from, r.steps, _e(r.max_rel_gap), "-" if r.target is None else f"{r.target:g}",
          _e(float(r.weight_gap[-1])), f"{r.tf_accuracy:.4f} / {r.ref_accuracy:.4f}"] for r in results.values()],
        align="llrrrrl"))


def _first_step_above(gap, loss, rtol):
    above = np.flatnonzero(gap > rtol * np.abs(loss))
    return int(above[0]) if above.size else None


def _divergence_text(eager, graph):
    tf_gap = np.abs(eager.tf_loss - graph.tf_loss)
    ref_gap = np.abs(eager.ref_loss - graph.ref_loss)
    rows = [["largest loss gap", _e(float(tf_gap.max())), _e(float(ref_gap.max()))],
            ["mean loss gap, last 100 steps", _e(float(tf_gap[-100:].mean())), _e(float(ref_gap[-100:].mean()))]]
    for rtol in (1e-6, 1e-3):
        steps = [_first_step_above(g, eager.tf_loss, rtol) for g in (tf_gap, ref_gap)]
        rows.append([f"first step with a relative gap > {rtol:g}", *("-" if s is None else s for s in steps)])
    rows.append(["test accuracy after the run, eager / graph", f"{eager.tf_accuracy:.4f} / {graph.tf_accuracy:.4f}",
                 f"{eager.ref_accuracy:.4f} / {graph.ref_accuracy:.4f}"])
    return "\n".join(table(["", "TF: eager vs graph", "reference: probabilities vs logits"], rows, align="lrr"))


def _auc_section(out, seed):
    """Keras's thresholded AUC against scikit-learn's exact one, by ``num_thresholds`` (:mod:`.auc_vs_exact`)."""
    from .auc_vs_exact import auc_vs_exact

    _, markdown = auc_vs_exact(out / "auc-vs-exact.png", seed=seed)
    return ["## 4. Keras's AUC against the exact AUC", "",
            "`keras.metrics.AUC` (and `reference.metrics.AUC`, which matches it) is a Riemann sum over "
            "`num_thresholds` evenly spaced thresholds, not the exact area that `sklearn.metrics.roc_auc_score` "
            "computes from the sorted scores. The table shows how far the two land apart as the thresholds grow, "
            "on seeded data sets (`parity_tests/auc_vs_exact.py`).", "", markdown,
            "![AUC vs exact](auc-vs-exact.png)", ""]


def write_report(out, op_rows, trajectories, env, command, seed):
    """Write ``out/README.md`` (and the trajectory PNGs, if any) and return its path."""
    from tf_impl.compare import plot

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    value_rows = [r for r in op_rows if r.what == "value"]
    grad_rows = [r for r in op_rows if r.what == "gradient"]
    wins = {side: sum(r.closer == side for r in op_rows) for side in ("reference", "TensorFlow", "tie")}
    parts = [
        "# Parity report",
        "",
        f"Generated by `{command}`. The study guide explains the numbers: [docs/guide.md](../guide.md).",
        "",
        *table(["", ""], env), "",
        "## 1. Op errors against a float64 oracle",
        "",
        f"Each op runs on float32 inputs drawn from `np.random.default_rng({seed})`; "
        "the oracle is the reference in float64 on the same inputs. Errors are the largest over all draws; "
        "relative errors skip oracle values below float32's smallest normal number. *closer* compares the largest "
        "absolute errors. Gradients are those of Σ dy·op for a random float32 upstream gradient dy. "
        "A largest relative error far above float32's ε = 1.2e-07 comes from an element that cancels to nearly 0 "
        "(a matmul entry, a gradient component): there the absolute error is the measure that means something. "
        "The rows are the op table's (`parity_tests/op_db`), each with its `report` inputs.",
        "",
        f"Closer to the oracle: the reference in {wins['reference']}, TensorFlow in {wins['TensorFlow']}, "
        f"tie in {wins['tie']} of {len(op_rows)} rows.",
        "",
        "### Values", "", _error_table(value_rows), "",
        "### Gradients", "", _error_table(grad_rows), "",
    ]
    if trajectories:
        eager, graph = trajectories["eager"], trajectories["function"]
        for mode, result in trajectories.items():
            plot(result, out / f"trajectory-{mode}.png")
        plot_divergence(eager, graph, out / "eager-vs-graph.png")
        parts += [
            "## 2. Training trajectories (`tf_impl.compare`)",
            "",
            f"TensorFlow and the reference train the handbook's MLP from the same initial weights on the same "
            f"batches (seed {eager.seed}, data: `{eager.data_source}`), {eager.steps} Adam steps in {eager.dtype}. "
            "The reference computes the loss the way TF does in each mode: from the probabilities against eager "
            "TF, from the logits against `tf.function`.",
            "",
            _trajectory_table(trajectories), "",
            *[f"![{mode}](trajectory-{mode}.png)\n" for mode in trajectories],
            "## 3. Eager vs graph",
            "",
            "The two runs above start from the same weights and see the same batches; only the mode differs. "
            "Eager TF computes the handbook's loss from the clipped probabilities, graph TF from the logits "
            "([guide, section 9](../guide/09-eager-vs-graph.md)). The gap between the two TF runs is the "
            "eager/graph divergence; the reference's two loss semantics, run the same way, diverge by as much.",
            "",
            _divergence_text(eager, graph), "",
            "![eager vs graph](eager-vs-graph.png)", "",
        ]
    else:
        parts += ["## 2. Training trajectories", "", "Not run (`--no-trajectory`).", ""]
    parts += _auc_section(out, seed)
    path = out / REPORT_NAME
    write_atomic(path, "\n".join(parts))
    return path
