"""``docs/backends.md``: the counts table, the catalogue with causes, issues and advice, and what runs in float64 on
each backend, from a :class:`~.run.Summary`."""

from .catalogue import CATALOGUE
from .compare import VERDICTS

FLOAT64 = {
    "tensorflow": "float64 throughout, with three exceptions: a Python float that Keras casts (`ops.cast`, a "
                  "hyperparameter, `tf.nn.leaky_relu`'s `alpha` attribute) is rounded to float32 first; CTC runs in "
                  "float32 (TF's kernel refuses float64, so `ctc_loss` casts the logits down and the loss back up); "
                  "`in_top_k` takes float32 only, so the top-k metrics raise.",
    "jax": "float64 only with `JAX_ENABLE_X64=1` (the worker sets it; without it every float64 array is silently "
           "float32). Even then Keras's `result_type` maps 64-bit results of mixed arithmetic to 32 bits "
           "(`BIT64_TO_BIT32_DTYPE`, keras#23223): `ops.mean` (every reducing loss and metric), `ops.floor`, "
           "`ops.ceil`, `ops.cos` and CTC compute float64 inputs in float32 and cast back.",
    "torch": "float64 tensors stay float64 through PyTorch's own kernels, but the same `BIT64_TO_BIT32_DTYPE` rule "
             "makes Keras's `ops.mean`, `ops.matmul` (a float64 Dense layer) and CTC compute in float32; "
             "`hardsigmoid`'s backward kernel multiplies by a float32 1/6 in every dtype.",
}
"""What a float64 run computes in float64 on each backend, as the catalogue's float64 entries measured it."""


def _cell(counts):
    return " | ".join(str(counts[v]) if counts[v] else "" for v in VERDICTS)


def markdown(summary, command):
    lines = ["# Keras on TensorFlow, JAX and PyTorch", "",
             "Keras 3 runs the same code on three backends. This page is written by `" + command + "`: every "
             "backend-neutral row of the parity tables (op values and gradients by each backend's own autodiff, on "
             "each op row's pinned kinks and edges and on its draws; streamed metrics, optimizer trajectories, "
             "schedules, the handbook's MLP trajectory) and every catalogue entry's pinned cases run on each "
             "backend in its own process, and are compared with Keras-TF and with the reference, the referee "
             "(float32, and float64 where the reference is the oracle). The command exits non-zero on a "
             "disagreement that the catalogue below does not explain (or, for Keras-TF against the reference, that "
             "no documented departure in `parity_tests/departures.py` explains). `parity_tests/test_backends.py` "
             "runs the same referee in the default test run on the pinned cases, the op rows' pinned examples "
             "and one draw each, the schedules and a 20-step trajectory; with `RUN_BACKENDS=1` also the metric "
             "and optimizer rows. A float64 disagreement within float32 rounding is matched against the precision "
             "entries below by rule (`Entry.float32_close`).", ""]
    if summary.missing:
        lines += [f"**Not run: {', '.join(summary.missing)} (not installed).**", ""]
    lines += [f"Draws per row: {summary.draws}; trajectory: {summary.steps} steps. Verdicts: agree (bit-equal, or "
              "both raise), rounding (within `parity_tests/tolerances.py`), real, one-sided NaN, one-sided raise.",
              "", "## Counts", "",
              "| family | pair | dtype | " + " | ".join(VERDICTS) + " |", "|---|---|---|" + "---|" * len(VERDICTS)]
    for (family, pair, dtype), counts in sorted(summary.counts().items()):
        lines.append(f"| {family} | {pair} | {dtype} | {_cell(counts)} |")
    unexplained = summary.unexplained
    lines += ["", f"Unexplained disagreements: **{len(unexplained)}**.", ""]
    for o in unexplained:
        lines.append(f"* {o.key} ({o.side} vs {o.against}, {o.dtype}): {o.verdict}: `{o.detail[:200]}`")
    departures = [o for o in summary.outcomes if o.side == "tensorflow" and o.explained_by]
    if departures:
        lines += ["", "Keras-TF against the reference, explained by a documented departure "
                  "([departures](departures.md)):", ""]
        lines += [f"* {o.key} ({o.dtype}): {o.verdict}: {o.explained_by}" for o in departures]
    lines += ["", "## The catalogue", "",
              "Each entry: where Keras on a backend departs from Keras-TF (and the reference, which mirrors it), the "
              "backend function responsible, which side matches the mathematics, and what to do. Source: "
              "`parity_tests/backends/catalogue.py`.", ""]
    for entry in CATALOGUE:
        issue = f" Upstream: <{entry.issue}>." if entry.issue else ""
        lines += [f"### {entry.id}", "", f"*Backends:* {', '.join(entry.backends)}; *rows:* "
                  f"{', '.join(f'`{r}`' for r in entry.rows)}; *dtypes:* {', '.join(entry.dtypes)}.", "",
                  entry.departure, "", f"*Cause:* {entry.cause}{issue}", "", f"*The mathematics:* {entry.math}", "",
                  f"*What to do:* {entry.advice}", ""]
    lines += ["## What runs in float64", "", "| backend | float64 |", "|---|---|"]
    lines += [f"| {b} | {text} |" for b, text in FLOAT64.items()]
    return "\n".join(lines) + "\n"
