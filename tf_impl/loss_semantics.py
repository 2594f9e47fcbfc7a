"""Which loss TensorFlow computes in each mode, and the reference step that computes the same one.

The seed's loss is ``sparse_categorical_crossentropy(y, model(X))`` where
``model(X) = softmax(z)``. What Keras computes from it depends on the mode
(see ``tf_impl.seed``):

=============  ==============================  ===========================================
TF mode        Keras computes the loss from    per sample
=============  ==============================  ===========================================
``eager``      the probabilities               ``-log clip(p)[y] + log Σⱼ clip(p)ⱼ``
``function``   the logits (``_get_logits``)    ``-z[y] + log Σⱼ exp(zⱼ)``
``xla``        the logits (``_get_logits``)    ``-z[y] + log Σⱼ exp(zⱼ)``
=============  ==============================  ===========================================

``LOSS_FROM[mode]`` names the row. In graph mode Keras finds the logits by
looking at the graph (``y_pred.op.type == "Softmax"``, then ``op.inputs[0]``).
A NumPy array carries no graph, so the reference is *told* instead, in one of
two equivalent ways:

* ``reference.ops.remember_logits()``: inside this block every softmax output
  remembers its input, and the reference's cross-entropies look it up as
  ``_get_logits`` does. :func:`reference_loss` uses it, so the reference step
  runs the seed's code unchanged, and the block plays the part of ``tf.function``.
* explicitly: :func:`mlp_logits` (the model's ``call`` without its final
  softmax) passed with ``from_logits=True``. The tests check that both give
  TF's graph loss and gradients.

Either way the gradient flows straight from the fused cross-entropy into
``z`` (``softmax(z) - onehot(y)``) instead of back through the clip and the
softmax, exactly as in TF's graph.
"""

import contextlib

from reference import GradientTape, losses, ops

LOSS_FROM = {"eager": "probabilities", "function": "logits", "xla": "logits"}
CHOICES = ("probabilities", "logits")


def check_loss_from(loss_from):
    """Return ``loss_from`` if it is one of ``CHOICES``, else raise ``ValueError`` naming it."""
    if loss_from not in CHOICES:
        raise ValueError(f"`loss_from` must be one of {CHOICES}, got loss_from={loss_from!r}.")
    return loss_from


def mlp_logits(model, X):
    """The seed MLP's logits ``z``: its ``call`` up to, not including, the softmax.

    Works for ``reference.seed.MLP`` and ``tf_impl.MLP`` alike (both name
    their layers ``flatten``, ``dense1``, ``dense2``).
    """
    return model.dense2(model.dense1(model.flatten(X)))


def reference_loss(model, X, y, loss_from="probabilities"):
    """The seed's mean loss on the reference MLP, computed as TF computes it in the mode ``loss_from`` names.

    Must run inside a ``reference.GradientTape`` to be differentiated.
    """
    graph = check_loss_from(loss_from) == "logits"
    with ops.remember_logits() if graph else contextlib.nullcontext():
        loss = losses.sparse_categorical_crossentropy(y_true=y, y_pred=model(X))
    return ops.reduce_mean(loss)


def reference_train_step(model, optimizer, loss_from="probabilities"):
    """The reference's twin of ``tf_impl.seed.make_train_step``: ``step(X, y) -> loss``.

    ``loss_from="probabilities"`` is ``reference.seed.train``'s step (TF's eager
    mode); ``"logits"`` is TF's graph modes.
    """
    check_loss_from(loss_from)

    def train_step(X, y):
        with GradientTape() as tape:
            loss = reference_loss(model, X, y, loss_from)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))
        return loss

    return train_step
