"""The parity suite: the NumPy reference against Keras 3 on TensorFlow, op by op, property by property.

It runs from the checkout (``python -m pytest parity_tests``; ``python -m parity_tests report | departures | pages
| backends | differential`` for the generated pages and the long runs) and is not installed. Its modules:

* ``tolerances``: the tolerance policy, the only place a tolerance is chosen (by dtype and problem size);
* ``strategies``: every hypothesis strategy (shapes, dtypes, adversarial values, hyperparameters);
* ``compare``: ``assert_parity``, whose failure message reproduces the case;
* ``op_db/``: the op table, one ``OpInfo`` row per op, activation, loss and metric function, that the generic
  value, gradient and bad-input tests iterate over;
* ``metric_db``: the metric table, one ``MetricInfo`` row per metric class (streaming, weighted, reset);
* ``optimizer_db``: the optimizer and schedule tables (trajectories compared, every slot, after every step);
* ``mixed_precision_db``: the mixed-precision table (``LossScaleOptimizer``, layers under a dtype policy);
* ``departures``: the one table of deliberate differences from Keras, each pinned by a test of both sides
  (``docs/departures.md`` is generated from it);
* ``differential``: random configurations of every public name, domain or not, run on both sides and compared by
  outcome (both return the same values, dtype and shape, or both raise);
* ``keras_suite``: Keras's own unit tests, shipped in its wheel, rewritten to run against the reference;
* ``report/``: the parity report, how far the reference and Keras each land from a float64 oracle
  (``docs/parity-report/``);
* ``pages/``: the generated per-name pages of ``docs/reference/``;
* ``backends/``: the referee of Keras on JAX and PyTorch against Keras on TensorFlow, and the catalogue that
  explains each disagreement (``docs/backends.md``);
* ``test_*.py``: the tests, each file named for the table or property it checks; ``test_coverage.py`` fails on
  any public Keras name without a parity row.
"""
