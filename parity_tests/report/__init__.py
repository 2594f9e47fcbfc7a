"""The parity report: how close the float32 reference and float32 Keras on TensorFlow each come to the truth,
for every row of the parity tables.

``python -m parity_tests report --out DIR`` writes ``DIR/README.md`` (tables by family), ``DIR/parity.json`` (the
same figures, machine-readable) and the PNGs:

1. **Every row against a float64 oracle** (:mod:`.errors`): the op table's values and gradients (:mod:`.ops`),
   the metrics' streamed results (:mod:`.metrics`), the optimizers' trajectories and the schedules
   (:mod:`.optimizers`), on deterministic draws (:mod:`.draws`).
2. **Training trajectories** from ``tf_impl.compare``, eager and ``tf.function``, and the eager/graph divergence
   (:mod:`.trajectories`).
3. **Keras's AUC against the exact AUC** (``parity_tests/auc_vs_exact.py``).

``parity.json``::

    {"stamp": {"commit", "generated", "python", "numpy", "tensorflow", "keras", "machine", "command", "sources"},
     "rows": {"<pytest id of the row's test>": {
         "table": "op" | "metric" | "optimizer" | "schedule",
         "names": ["keras.<family>.<Name>", ...],
         "draws": int, "test": "parity_tests/test_x.py::test_name",
         "quantity": "value" | "streamed result" | "trajectory",
         "value": {"reference": {"abs", "rel"}, "keras_tf": {"abs", "rel"}},
         "gradient": the same, or null}}}

A row's id is the pytest node id of the float32 case of the test that checks it (``test`` plus ``[<param>]``), so
that rows of different tables with the same name (the loss ``MeanSquaredError`` and the metric) stay apart. A figure
that could not be measured is ``null``; a side that raised also has ``"error"``: the exception's type and first line.
``stamp.sources`` is :func:`.stamp.sources_hash`; ``parity_tests/test_report.py`` fails when it is stale.
"""

from .metrics import measure_metrics
from .ops import measure_ops
from .optimizers import measure_loss_scale, measure_optimizers, measure_schedules
from .stamp import sources_hash, stamp
from .trajectories import run_trajectories
from .write import JSON_NAME, REPORT_NAME, write_report

DRAWS = {"op": 5, "metric": 3, "optimizer": 2, "schedule": 2}
"""Draws per row by table: the whole report (trajectories included) then takes a few minutes on 2 cores, most of
it in TF's eager dispatch (an optimizer draw is 50 eager ``apply_gradients`` per variable set, a schedule draw
120 eager calls)."""

__all__ = ["DRAWS", "JSON_NAME", "REPORT_NAME", "measure_all", "run_trajectories", "sources_hash", "stamp",
           "write_report"]


def measure_all(draws, seed, tf, keras, only=None, on_table=None):
    """Every row of every table: a list of :class:`~.errors.RowFigures`.

    ``draws`` maps a table to its draws per row (:data:`DRAWS`); ``only(row_id)`` keeps a subset;
    ``on_table(name, count)`` is told each table's row count as it finishes.
    """
    rows = []
    for name, run in (("op", lambda n: measure_ops(n, seed, tf, keras, only)),
                      ("metric", lambda n: measure_metrics(n, seed, keras, only)),
                      ("optimizer", lambda n: measure_optimizers(n, seed, keras, only)
                       + measure_loss_scale(n, seed, keras, only)),
                      ("schedule", lambda n: measure_schedules(n, seed, keras, only))):
        measured = run(draws[name])
        rows += measured
        if on_table:
            on_table(name, len(measured))
    return rows
