"""The parity suite: the NumPy reference against tf.keras, op by op, property by property.

* ``tolerances``: the tolerance policy (the only place a tolerance is chosen);
* ``strategies``: every hypothesis strategy;
* ``compare``: ``assert_parity``, with failure messages that reproduce the case;
* ``op_db``: the table of ops that the generic tests iterate over.
"""
