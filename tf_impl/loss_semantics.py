"""Which loss TensorFlow computes in each mode, and the reference step that computes the same one.

The handbook's loss is ``sparse_categorical_crossentropy(y, model(X))`` where
``model(X) = softmax(z)``. What Keras computes from it depends on the mode
(see ``tf_impl.handbook``):

=============  ==============================  ===========================================
TF mode        Keras computes the loss from    per sample
=============  ==============================  ===========================================
``eager``      the probabilities               ``-log clip(p)[y] + log Σⱼ clip(p)ⱼ``
``function``   the logits (``_get_logits``)    ``-z[y] + log Σⱼ exp(zⱼ)``
``xla``        the logits (``_get_logits``)    ``-z[y] + log Σⱼ exp(zⱼ)``
=============  ==============================  ===========================================

``LOSS_FROM_BY_MODE[mode]`` names the row in the reference's terms, one of
``reference.handbook.LOSS_FROM``. In graph mode Keras finds the logits by
looking at the graph (``y_pred.op.type == "Softmax"``, then ``op.inputs[0]``).
A NumPy array carries no graph, so the reference is *told* instead, in one of
two equivalent ways:

* ``reference.logits.remember_logits()``: inside this block every softmax output
  remembers its input, and the reference's cross-entropies look it up as
  ``_get_logits`` does. :func:`reference.handbook.compute_loss` uses it, so the
  reference step runs the handbook's code unchanged, and the block plays the part of ``tf.function``.
* explicitly: :func:`mlp_logits` (the model's ``call`` without its final
  softmax) passed with ``from_logits=True``. The tests check that both give
  TF's graph loss and gradients.

Either way the gradient flows straight from the fused cross-entropy into
``z`` (``softmax(z) - onehot(y)``) instead of back through the clip and the
softmax, exactly as in TF's graph.
"""

from reference.handbook import LOSS_FROM

PROBABILITIES, LOGITS = LOSS_FROM
LOSS_FROM_BY_MODE = {"eager": PROBABILITIES, "function": LOGITS, "xla": LOGITS}


def mlp_logits(model, X):
    """The handbook's MLP's logits ``z``: its ``call`` up to, not including, the softmax.

    Works for ``reference.handbook.MLP`` and ``tf_impl.MLP`` alike (both name
    their layers ``flatten``, ``dense1``, ``dense2``).
    """
    return model.dense2(model.dense1(model.flatten(X)))
