"""How far Keras's thresholded AUC lands from scikit-learn's exact one, as a function of ``num_thresholds``.

Keras's ``AUC`` buckets every score between ``num_thresholds`` evenly spaced thresholds and sums trapezoids
(or lower/upper rectangles) over them; ``sklearn.metrics.roc_auc_score`` ranks every score exactly. Two scores
in one bucket are a tie to Keras, so the error depends on how the scores spread over [0, 1]: small when they
are spread out, large when they crowd into a few buckets (e.g. a confident model's scores, all near 0 or 1).

:func:`auc_vs_exact` draws seeded data sets, runs the reference's ``AUC`` (which the parity suite holds to
tf.keras's) for each ``num_thresholds``, and returns the table; it also writes the plot. The parity report
calls it (``python -m parity_tests report``)::

    from parity_tests.auc_vs_exact import auc_vs_exact
    rows, markdown = auc_vs_exact("docs/parity-report/auc-vs-exact.png")

Run as a module to regenerate the committed PNG and Markdown table::

    python -m parity_tests.auc_vs_exact docs/parity-report
"""

import sys
from pathlib import Path

import numpy as np

import reference as rk
from markdown_tables import table

NUM_THRESHOLDS = (3, 5, 10, 20, 50, 100, 200, 500, 1000, 5000)
SAMPLES = 4000


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def data_sets(seed=0, n=SAMPLES):
    """``{name: (y_true, y_pred)}``: half positives; scores ``sigmoid(logit)`` of two Gaussian logit clouds."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.float32)
    sets = {}
    for name, shift, spread in (("spread out (logits ±1, σ 1.5)", 1.0, 1.5),
                                ("confident (logits ±4, σ 2)", 4.0, 2.0),
                                ("crowded near 0 (logits -6 ± 1, σ 1)", None, 1.0)):
        if shift is None:
            logits = -6 + (2 * y - 1) + spread * rng.standard_normal(n)
        else:
            logits = shift * (2 * y - 1) + spread * rng.standard_normal(n)
        sets[name] = (y, _sigmoid(logits).astype(np.float32))
    return sets


def auc_vs_exact(png_path=None, seed=0, num_thresholds=NUM_THRESHOLDS):
    """The table of ``AUC(num_thresholds)`` (interpolation, minoring, majoring) against ``roc_auc_score``.

    Args:
        png_path: where to write the plot (needs matplotlib), or ``None`` for no plot.
        seed: of the data sets (:func:`data_sets`).
        num_thresholds: the values to try.

    Returns:
        ``(rows, markdown)``: one dict per (data set, num_thresholds) with ``exact``, ``interpolation``,
        ``minoring``, ``majoring`` and ``error`` (interpolation - exact); and the rows as a Markdown table.
    """
    from sklearn.metrics import roc_auc_score

    rows = []
    for name, (y_true, y_pred) in data_sets(seed).items():
        exact = float(roc_auc_score(y_true, y_pred))
        for count in num_thresholds:
            row = {"data": name, "num_thresholds": count, "exact": exact}
            for method in ("interpolation", "minoring", "majoring"):
                metric = rk.metrics.AUC(num_thresholds=count, summation_method=method)
                metric.update_state(y_true, y_pred)
                row[method] = float(metric.result())
            row["error"] = row["interpolation"] - exact
            rows.append(row)
    if png_path is not None:
        _plot(rows, png_path)
    return rows, _markdown(rows)


def _markdown(rows):
    return "\n".join(table(
        ["data", "num_thresholds", "sklearn (exact)", "Keras interpolation", "error", "minoring", "majoring"],
        [[r["data"], r["num_thresholds"], f"{r['exact']:.6f}", f"{r['interpolation']:.6f}", f"{r['error']:+.2e}",
          f"{r['minoring']:.6f}", f"{r['majoring']:.6f}"] for r in rows], align="lrrrrrr")) + "\n"


def _plot(rows, png_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name in dict.fromkeys(r["data"] for r in rows):
        mine = [r for r in rows if r["data"] == name]
        counts = [r["num_thresholds"] for r in mine]
        line, = ax.loglog(counts, [max(abs(r["error"]), 1e-8) for r in mine], "o-", label=f"{name}: |interp. - exact|")
        ax.fill_between(counts, [max(r["exact"] - r["minoring"], 1e-8) for r in mine],
                        [max(r["majoring"] - r["exact"], 1e-8) for r in mine], color=line.get_color(), alpha=0.12)
    ax.set_xlabel("num_thresholds")
    ax.set_ylabel("distance from sklearn's roc_auc_score")
    ax.set_title("Keras AUC (ROC) vs the exact AUC; shaded: minoring/majoring gap")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    Path(png_path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png_path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/parity-report")
    _, table = auc_vs_exact(out / "auc-vs-exact.png")
    (out / "auc-vs-exact.md").write_text("# Keras's AUC vs scikit-learn's exact AUC\n\nWritten by "
                                         "`python -m parity_tests.auc_vs_exact` (seed 0, "
                                         f"{SAMPLES} samples per data set, ROC curve).\n\n" + table)
    print(table)
