"""The training trajectories of the report: ``tf_impl.compare`` in eager and in ``tf.function`` mode, their table,
and the eager-vs-graph divergence (text and plot).

The target ``tolerances.TRAJECTORY_LOSS_RTOL`` bounds the relative loss gap over the first
``tolerances.TRAJECTORY_STEPS`` steps, and that is what the table holds beside it. Two float32 runs that round
differently are two chaotic trajectories: the gap grows by a roughly constant factor per step until the runs are
as far apart as two trainings from different seeds. A longer run (``--steps``) shows where that happens; its
largest relative gap is then a decorrelated batch's, on the loss of one batch, not a rounding figure.
"""

import numpy as np

from markdown_tables import table

from ..tolerances import TRAJECTORY_STEPS, trajectory_loss_rtol
from .text import e


def run_trajectories(steps, seed=0, data_path=None, dtype="float32"):
    """``tf_impl.compare`` in eager and in ``tf.function`` mode: ``{"eager": result, "function": result}``."""
    from tf_impl.compare import compare

    return {mode: compare(steps=steps, dtype=dtype, mode=mode, seed=seed, data_path=data_path,
                          target=trajectory_loss_rtol(dtype))
            for mode in ("eager", "function")}


def first_step_above(gap, loss, rtol):
    """The first step whose gap exceeds ``rtol·|loss|``, or ``None``."""
    above = np.flatnonzero(gap > rtol * np.abs(loss))
    return int(above[0]) if above.size else None


def trajectory_table(results):
    """Markdown: per mode, the gap the target bounds, where it is first exceeded, and the largest gap of the run."""
    rows = []
    for r in results.values():
        horizon = min(r.steps, TRAJECTORY_STEPS)
        worst = int(r.rel_gap.argmax())
        above = None if r.target is None else first_step_above(r.abs_gap, r.tf_loss, r.target)
        rows.append([f"`{r.mode}`", r.loss_from, r.steps, e(float(r.rel_gap[:horizon].max())),
                     "-" if r.target is None else f"{r.target:g} (first {horizon} steps)",
                     "-" if above is None else above,
                     f"{e(float(r.rel_gap[worst]))} at step {worst} (TF loss {r.tf_loss[worst]:.3g})",
                     e(float(r.weight_gap[-1])), f"{r.tf_accuracy:.4f} / {r.ref_accuracy:.4f}"])
    return "\n".join(table(
        ["TF mode", "reference loss from", "steps", f"max rel loss gap, first {TRAJECTORY_STEPS} steps", "target",
         "first step above target", "largest rel loss gap of the run", "max weight gap (last step)",
         "test accuracy TF / reference"], rows, align="llrrrrrrl"))


def divergence_text(eager, graph):
    """Markdown: how far TF's eager and graph runs drift apart, beside the reference's two loss semantics."""
    tf_gap = np.abs(eager.tf_loss - graph.tf_loss)
    ref_gap = np.abs(eager.ref_loss - graph.ref_loss)
    rows = [["largest loss gap", e(float(tf_gap.max())), e(float(ref_gap.max()))],
            ["mean loss gap, last 100 steps", e(float(tf_gap[-100:].mean())), e(float(ref_gap[-100:].mean()))]]
    for rtol in (1e-6, 1e-3):
        steps = [first_step_above(g, eager.tf_loss, rtol) for g in (tf_gap, ref_gap)]
        rows.append([f"first step with a relative gap > {rtol:g}", *("-" if s is None else s for s in steps)])
    rows.append(["test accuracy after the run, eager / graph", f"{eager.tf_accuracy:.4f} / {graph.tf_accuracy:.4f}",
                 f"{eager.ref_accuracy:.4f} / {graph.ref_accuracy:.4f}"])
    return "\n".join(table(["", "TF: eager vs graph", "reference: probabilities vs logits"], rows, align="lrr"))


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
