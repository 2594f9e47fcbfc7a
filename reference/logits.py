"""The logits behind a softmax or sigmoid output, mirroring ``_get_logits`` and ``_keras_logits`` in
``keras/src/backend/tensorflow/nn.py``.

Keras's cross-entropies compute from the logits, unclipped, when ``y_pred`` came straight out of a softmax
(sigmoid for the binary one): found through the graph under ``tf.function``, or through the ``_keras_logits``
attribute Keras's own activations set. NumPy arrays know neither, so this module keeps both records:
:func:`remember_logits` (the graph's view, filled by :func:`remember` in ``reference.ops.softmax``/``sigmoid``)
and :func:`tag_logits` (the attribute); the cross-entropies ask :func:`get_logits`.
"""

import contextlib
import warnings

from .registry import ArrayRegistry


_logits_scopes = []  # one dict per active `remember_logits` block: id(output) -> (output, logits, op_type)


@contextlib.contextmanager
def remember_logits():
    """Inside the block, every ``softmax``/``sigmoid`` output remembers its input logits.

    This is how the reference reproduces Keras's graph mode. Under
    ``tf.function`` (how Keras runs ``fit``, ``evaluate`` and
    ``train_on_batch`` unless ``run_eagerly=True``) a tensor knows the op that
    made it, and Keras's cross-entropies look (``_get_logits``,
    keras/src/backend/tensorflow/nn.py): probabilities that come straight out
    of a ``Softmax`` op (``Sigmoid`` for the binary cross-entropy) are replaced
    by that op's input, and the loss is computed *from logits*, with no
    clipping. A confidently wrong sample (softmax of ``[100, 0, 0]``, label 1)
    then costs 100, not ``-log(1e-7) = 16.118``, and its gradient is not cut
    off by the clip. (Keras's own ``softmax``/``sigmoid`` activations also tag
    their outputs with ``_keras_logits``, which works eagerly too; ``tf.nn.softmax``
    does not.)

    NumPy arrays know no producer, so ``fit`` and ``evaluate`` run their
    steps inside this block (unless ``compile(run_eagerly=True)``, as
    Keras's eager steps see probabilities), where ``reference.ops.softmax`` and ``sigmoid`` file
    ``output -> logits`` and :func:`get_logits` looks them up. Outside it
    nothing is remembered and the cross-entropies see plain probabilities,
    as an eager ``tf.nn.softmax`` output is seen. Only the very array the op
    returned is recognised: a reshape, slice or cast of it is not, exactly as
    a graph's ``Reshape`` or ``Cast`` op hides the ``Softmax`` behind it.
    """
    _logits_scopes.append({})
    try:
        yield
    finally:
        _logits_scopes.pop()


def remember(output, logits, op_type):
    """File ``output -> logits`` in the innermost ``remember_logits`` block, if any; return ``output``."""
    if _logits_scopes:
        _logits_scopes[-1][id(output)] = (output, logits, op_type)
    return output


_keras_logits = ArrayRegistry()  # output -> logits: Keras's eager `output._keras_logits`


def tag_logits(output, logits):
    """Attach ``logits`` to ``output``, as Keras's ``softmax`` and ``sigmoid`` set ``output._keras_logits``.

    An ndarray takes no attributes, so the tag is filed in an :class:`~reference.registry.ArrayRegistry`:
    the entry (and with it the logits) goes when the output is garbage-collected, and an unrelated array that
    later reuses the id is not mistaken for it. Unlike :func:`remember_logits`,
    the tag holds eagerly, in and out of any block: :func:`reference.activations.softmax` and
    :func:`~reference.activations.sigmoid` tag (so ``Dense(activation="softmax")`` does);
    :func:`reference.ops.softmax`, the mirror of ``tf.nn.softmax``, does not. Returns ``output``.
    """
    return _keras_logits.set(output, logits)


def get_logits(output, from_logits, op_type, fn_name):
    """Keras's ``_get_logits``: ``(logits, True)`` if ``output`` carries its logits, else unchanged.

    Args:
        output: the ``y_pred`` given to a cross-entropy.
        from_logits: what the caller said ``output`` holds.
        op_type: ``"Softmax"`` (categorical cross-entropies) or ``"Sigmoid"`` (binary).
        fn_name: the loss's name, for the warning.

    Two ways, in Keras's order: the eager tag of :func:`tag_logits` (Keras's ``_keras_logits``), which,
    as in Keras, is taken whatever ``op_type`` asked for (a softmax's logits reach a binary
    cross-entropy too); else, inside :func:`remember_logits`, an ``op_type`` op's output (a graph's
    ``output.op.type == op_type``). Like Keras, warns when ``from_logits=True`` is passed probabilities
    that a softmax/sigmoid produced (and then uses the logits anyway).
    """
    logits = _keras_logits.get(output)
    if logits is None:
        entry = _logits_scopes[-1].get(id(output)) if _logits_scopes else None
        if entry is None or entry[0] is not output or entry[2] != op_type:
            return output, from_logits
        logits = entry[1]
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was produced by a '
                      f'{op_type} activation and thus does not represent logits. Was this intended?', stacklevel=3)
    return logits, True
