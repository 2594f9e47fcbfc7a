"""Write the report: ``README.md`` (tables by family, the trajectories, eager vs graph, AUC) and ``parity.json``
(the same figures, machine-readable, for the per-name documentation pages), each atomically."""

import json
from pathlib import Path

from reference.utils.file_utils import atomic_write
from markdown_tables import table

from ..tolerances import TRAJECTORY_STEPS
from . import ops
from .text import figure_table
from .trajectories import divergence_text, plot_divergence, trajectory_table

REPORT_NAME = "README.md"
JSON_NAME = "parity.json"

TABLE_TITLES = {"metric": "The metrics (`parity_tests/metric_db.py`): the streamed result",
                "optimizer": "The optimizers (`parity_tests/optimizer_db.py`): trajectories",
                "schedule": "The learning-rate schedules (`parity_tests/optimizer_db.py`)"}


def parity_json(rows, stamp):
    """The ``parity.json`` document: ``{"stamp": ..., "rows": {row id: figures}}``."""
    return {"stamp": stamp, "rows": {row.id: row.as_json() for row in rows}}


STAMP_LABELS = {"generated": "generated", "commit": "commit", "machine": "machine", "python": "Python",
                "numpy": "NumPy", "tensorflow": "TensorFlow", "keras": "Keras", "sources": "sources (SHA-256)"}


def _stamp_table(stamp):
    return "\n".join(table(["", ""], [[label, f"`{stamp[k]}`" if k in ("commit", "sources") else stamp[k]]
                                      for k, label in STAMP_LABELS.items()]))


def _how_measured(seed, draws):
    return (
        "Every row of the parity tables is measured: the op table's value and gradient, each metric's streamed "
        "result, each optimizer's trajectory, each schedule's values. For each, the float32 reference and float32 "
        "Keras on TensorFlow (eager) are compared with an **oracle**: the reference in float64 on the same inputs, "
        "cast up (exact). Errors are the largest over all draws and elements; relative errors skip oracle values "
        "below float32's smallest normal number. A relative error far above float32's ε = 1.2e-07 comes from an "
        "element that cancels to nearly 0 (a matmul entry, a gradient component, a correlation of 0): there the "
        "absolute error is the measure that means something. *closer* compares the largest absolute errors.\n\n"
        f"Inputs are deterministic (seed {seed}): a row with a `report` generator (realistic sizes: batches of 50, "
        "784 pixels, 100 units) draws from a seeded NumPy generator, every other row from its own hypothesis "
        "strategy under `hypothesis.seed` with no database and no shrinking (hypothesis starts each row from its "
        "strategy's simplest example), as in `parity_tests/report/draws.py`. Draws per row: "
        + ", ".join(f"{n} {what}" for what, n in draws.items()) + ". A side that raises is shown as *raised* "
        "with the error's type, and written as `null` with the error in `parity.json`.")


def _sections(rows):
    parts = ["## 1. The op table (`parity_tests/op_db`): values and gradients", ""]
    for what in ("value", "gradient"):
        parts += [f"### {'Values' if what == 'value' else 'Gradients'}", ""]
        if what == "gradient":
            parts += ["Gradients of Σ dy·op for an upstream gradient dy drawn from a standard normal in float32.", ""]
        for family in ops.FAMILIES:
            family_rows = [r for r in rows if r.table == "op" and r.family == family and getattr(r, what)]
            if family_rows:
                parts += [f"#### {family}", "", figure_table(family_rows, what, "op"), ""]
    for number, (table_name, title) in enumerate(TABLE_TITLES.items(), start=2):
        table_rows = [r for r in rows if r.table == table_name]
        if table_rows:
            parts += [f"## {number}. {title}", "", figure_table(table_rows, "value", table_name), ""]
    return parts


def _trajectory_sections(out, trajectories):
    from tf_impl.compare import plot

    if not trajectories:
        return ["## 5. Training trajectories", "", "Not run (`--no-trajectory`).", ""]
    eager, graph = trajectories["eager"], trajectories["function"]
    for mode, result in trajectories.items():
        plot(result, out / f"trajectory-{mode}.png")
    plot_divergence(eager, graph, out / "eager-vs-graph.png")
    return [
        "## 5. Training trajectories (`tf_impl.compare`)", "",
        f"TensorFlow and the reference train the handbook's MLP from the same initial weights on the same "
        f"batches (seed {eager.seed}, data: `{eager.data_source}`), {eager.steps} Adam steps in {eager.dtype}. "
        "The reference computes the loss the way TF does in each mode: from the probabilities against eager "
        "TF, from the logits against `tf.function`. The relative loss gap of a step is "
        "|loss_TF - loss_ref| / |loss_TF| on that step's batch.", "",
        "The target bounds that gap over the first `TRAJECTORY_STEPS` steps (`parity_tests/tolerances.py`). "
        "Two float32 trainings that round differently are two chaotic trajectories: their gap grows roughly "
        "geometrically from one ulp until they are as far apart as two trainings from different seeds (the weight "
        "gap reaches the weights' own scale, the test accuracies stay equal). Past that point a step's relative "
        "gap compares two unrelated models on one batch, and is largest where one of them fits the batch almost "
        "perfectly (a loss near 0): that, not a rounding error, is the *largest rel loss gap of the run* of a run "
        "longer than the target's horizon.", "",
        trajectory_table(trajectories), "",
        _verdict(trajectories), "",
        *[f"![{mode}](trajectory-{mode}.png)\n" for mode in trajectories],
        "## 6. Eager vs graph", "",
        "The two runs above start from the same weights and see the same batches; only the mode differs. "
        "Eager TF computes the handbook's loss from the clipped probabilities, graph TF from the logits "
        "([guide, section 9](../guide/09-eager-vs-graph.md)). The gap between the two TF runs is the "
        "eager/graph divergence; the reference's two loss semantics, run the same way, diverge by as much.", "",
        divergence_text(eager, graph), "",
        "![eager vs graph](eager-vs-graph.png)", "",
    ]


def _verdict(trajectories):
    """One sentence per mode: whether its gap kept within the target over the target's horizon."""
    from .trajectories import first_step_above

    said = []
    for r in trajectories.values():
        step = None if r.target is None else first_step_above(r.abs_gap[:TRAJECTORY_STEPS],
                                                              r.tf_loss[:TRAJECTORY_STEPS], r.target)
        said.append(f"`{r.mode}`: " + ("no target (the loss semantics differ)." if r.target is None else
                                       f"within the target over the first {min(r.steps, TRAJECTORY_STEPS)} steps."
                                       if step is None else
                                       f"**above the target from step {step}**: missed."))
    return "Verdict, by mode: " + " ".join(said) + " " + EAGER_GAP


EAGER_GAP = (
    "Where the eager run misses its target, no step goes wrong: from identical weights, each step's gradients of "
    "the two sides agree to better than 1e-4 relative at every one of the first 520 steps (measured). The eager "
    "loss's backward runs through `Log`, whose TF gradient is `dy · reciprocal(x)`, and TF's float32 `Reciprocal` "
    "kernel is not correctly rounded on this CPU: it is 1 or 2 ulps from `1/x` on a third of inputs (its "
    "vectorised path refines the CPU's approximate reciprocal), which NumPy's correctly rounded arithmetic cannot "
    "reproduce portably. Adam divides each moment by the root of the second, so an ulp of difference in a "
    "near-zero gradient component can become a difference of a whole step in that weight, and the two float32 "
    "trainings part as two chaotic trajectories do. The graph run's loss, from the logits, has no `Log` "
    "gradient and stays within its target.")


def _auc_section(out, seed):
    """Keras's thresholded AUC against scikit-learn's exact one, by ``num_thresholds`` (:mod:`..auc_vs_exact`)."""
    from ..auc_vs_exact import auc_vs_exact

    _, markdown = auc_vs_exact(out / "auc-vs-exact.png", seed=seed)
    return ["## 7. Keras's AUC against the exact AUC", "",
            "`keras.metrics.AUC` (and `reference.metrics.AUC`, which matches it) is a Riemann sum over "
            "`num_thresholds` evenly spaced thresholds, not the exact area that `sklearn.metrics.roc_auc_score` "
            "computes from the sorted scores. The table shows how far the two land apart as the thresholds grow, "
            "on seeded data sets (`parity_tests/auc_vs_exact.py`).", "", markdown,
            "![AUC vs exact](auc-vs-exact.png)", ""]


def write_report(out, rows, trajectories, stamp, seed, draws, seconds=None):
    """Write ``out/README.md``, ``out/parity.json`` and the PNGs; return the README's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_write(out / JSON_NAME, "w") as f:
        f.write(json.dumps(parity_json(rows, stamp), indent=1, sort_keys=True, allow_nan=False) + "\n")
    took = "" if seconds is None else f" It took {seconds:.0f} s on this machine."
    parts = ["# Parity report", "",
             f"Generated by `{stamp['command']}`.{took} The figures are also in [`{JSON_NAME}`]({JSON_NAME}); "
             "the study guide explains them: [docs/guide.md](../guide.md).", "",
             _stamp_table(stamp), "",
             _how_measured(seed, draws), "",
             *_sections(rows),
             *_trajectory_sections(out, trajectories),
             *_auc_section(out, seed)]
    path = out / REPORT_NAME
    with atomic_write(path, "w") as f:
        f.write("\n".join(parts))
    return path
