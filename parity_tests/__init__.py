"""The parity suite: the NumPy reference against tf.keras, op by op, property by property.

* ``tolerances``: the tolerance policy (the only place a tolerance is chosen);
* ``strategies``: every hypothesis strategy;
* ``compare``: ``assert_parity``, with failure messages that reproduce the case;
* ``op_db``: the table of ops that the generic tests iterate over.

Disagreements with tf.keras the suite found, and what became of them:

* ``softmax_cross_entropy_with_logits``: TF's gradient for the logits is
  ``softmax - labels`` even when the labels do not sum to 1 (the derivative
  is ``softmax·Σlabels - labels``); the reference now returns TF's.
* SGD in float64: Keras's ``ops.cast(momentum, dtype)`` is ``tf.cast`` of a
  Python float, which goes through float32; the reference now rounds the
  same way.
* ``GradientTape.gradient`` of a watched array with respect to itself (e.g.
  ``cast(x, x.dtype)``, which returns ``x``): TF returns ``dy``, the
  reference raised; fixed.
* A NaN loss with all-zero weights under ``mean_with_sample_weight``: Keras's
  ``divide_no_nan`` gives 0, the reference gave NaN; the reference now has
  ``ops.divide_no_nan``.
* ``matmul`` with mismatched inner dimensions and non-broadcastable
  ``labels``/``logits``: the reference's ValueError now names the argument.

Documented, not changed (outside the contract, or TF's own limits):

* subnormal inputs: TF's CPU kernels treat them as 0 (``relu'(1e-40) = 0``,
  ``log(1e-40) = -103.97`` in float32); the reference follows IEEE
  (``test_ops.py::test_relu_gradient_at_a_subnormal_input``, a strict xfail).
  Subnormal results that TF flushes to 0 are within the tolerance floor.
* ``tf.nn.softmax_cross_entropy_with_logits`` fails for a negative ``axis``
  other than -1 (``axis=-2`` raises from a ``tf.range``); the strategies draw
  -1 or non-negative axes.
* Keras smooths categorical labels with ``num_classes = shape[-1]`` whatever
  ``axis`` is; the reference does the same.
* At probabilities within an ulp of the clip bounds, the last bit of the
  softmax decides whether the clip passes the gradient (a discontinuity, not
  a rounding error): the training-step test discards such examples, and
  ``test_losses.py`` pins the bounds' convention with exact inputs.
"""
