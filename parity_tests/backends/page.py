"""``docs/backends.md``: the counts table, the catalogue with causes, issues and advice, and what runs in float64 on
each backend, from a :class:`~.run.Summary`."""

from .catalogue import CATALOGUE
from .compare import VERDICTS

FLOAT64 = {
    "tensorflow": "float64 throughout: Keras-TF keeps every op in the input's dtype (`in_top_k` takes float32 only, "
                  "so the top-k metrics raise).",
    "jax": "float64 only with `JAX_ENABLE_X64=1` (the worker sets it; without it every float64 array is silently "
           "float32); Keras's `result_type` then still maps 64-bit results of mixed Python/array arithmetic to "
           "32 bits (`BIT64_TO_BIT32_DTYPE`, keras#23223).",
    "torch": "float64 tensors stay float64; the same `BIT64_TO_BIT32_DTYPE` rule demotes 64-bit results of "
             "mixed arithmetic (keras#23223).",
}


def _cell(counts):
    return " | ".join(str(counts[v]) if counts[v] else "" for v in VERDICTS)


def markdown(summary, command):
    lines = ["# Keras on TensorFlow, JAX and PyTorch", "",
             "Keras 3 runs the same code on three backends. This page is written by `" + command + "`: every "
             "backend-neutral row of the parity tables (op values and gradients by each backend's own autodiff, "
             "streamed metrics, optimizer trajectories, schedules, the handbook's MLP trajectory) runs on each "
             "backend in its own process, and is compared with Keras-TF and with the reference, the referee "
             "(float32, and float64 where the reference is the oracle). A disagreement that the catalogue below "
             "does not explain fails `parity_tests/test_backends.py` when it runs with `RUN_BACKENDS=1` (the "
             "default test run skips the workers, which take minutes, and keeps the referee's own unit tests). A "
             "float64 disagreement within float32 rounding is matched against the precision entries below by rule "
             "(`Entry.float32_close`).", ""]
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
