"""``GradientTape``: reverse-mode differentiation by recording NumPy ops.

Arrays stay plain ``numpy.ndarray``. Every differentiable op in
:mod:`reference.ops` computes its result and hands it to :func:`record`
together with its inputs and a ``backward`` closure. While a tape is active,
``record`` appends that triple to the tape, but only if one of the inputs is
*tracked*, exactly as ``tf.GradientTape`` does:

* trainable variables (weights created by a layer) are tracked automatically
  (``watch_accessed_variables=True``);
* any other array is tracked once passed to ``tape.watch``;
* the output of a recorded op is tracked.

``tape.gradient(target, sources)`` then walks the records backwards from
``target``, calling each op's ``backward(dy, needs)``, where ``needs[i]`` says
whether the op's ``i``-th input leads to a source (so a matmul never computes
the gradient of the input images, as TF would not either).

An array computed outside the tape's sight, e.g. with ``np.mean`` instead of
``reference.ops.reduce_mean``, is not in the records: asking for its gradient
raises a ``ValueError`` saying so, where TF returns ``None`` for every source
(the departure ``unrecorded-target``). A recorded target that depends on none
of the sources gets TF's answer: ``None`` for each, or zeros with
``unconnected_gradients="zero"``.
"""

import contextlib

import numpy as np

from .registry import ArrayRegistry

_active_tapes = []
_trainable = ArrayRegistry()  # the trainable variables, each for as long as it lives


def mark_trainable(array):
    """Register ``array`` as a trainable variable: every tape will watch it."""
    return _trainable.set(array)


def is_trainable(array):
    """Whether ``array`` is a registered trainable variable."""
    return array in _trainable


def record(output, inputs, backward):
    """Hand ``output = op(*inputs)`` and its ``backward`` to every active tape.

    Returns ``output`` unchanged, so an op can end with ``return record(...)``.
    Outside any tape this costs one truth test.
    """
    for tape in _active_tapes:
        tape._record(output, inputs, backward)
    return output


@contextlib.contextmanager
def stop_recording():
    """Suspend every active tape inside the block (inference, metrics, ``predict``)."""
    saved = _active_tapes[:]
    _active_tapes.clear()
    try:
        yield
    finally:
        _active_tapes[:] = saved


class GradientTape:
    """Records ops for automatic differentiation, like ``tf.GradientTape``.

    Args:
        persistent: if ``False`` (the default), ``gradient`` may be called
            once, after which the records are released.
        watch_accessed_variables: if ``True`` (the default), trainable
            variables are watched without a call to ``watch``.

    Example::

        with GradientTape() as tape:
            y_pred = model(X)
            loss = losses.sparse_categorical_crossentropy(y, y_pred)
            loss = ops.reduce_mean(loss)          # the handbook's tf.reduce_mean
        grads = tape.gradient(loss, model.variables)
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._records = []  # (output, inputs, needs, backward), in creation order
        self._tracked = {}  # id(array) -> array, for everything the tape follows
        self._used = False

    def __enter__(self):
        _active_tapes.append(self)
        return self

    def __exit__(self, *exc_info):
        _active_tapes.remove(self)

    def watch(self, array):
        """Track ``array`` (or each array of a nested list, tuple or dict) like a trainable variable."""
        for a in _flatten(array):
            if not isinstance(a, np.ndarray):
                raise TypeError(f"`watch` takes NumPy arrays; got {type(a).__name__}.")
            self._tracked[id(a)] = a

    def _is_tracked(self, array):
        return id(array) in self._tracked or (self.watch_accessed_variables and is_trainable(array))

    def _record(self, output, inputs, backward):
        tracked, auto = self._tracked, self.watch_accessed_variables   # _is_tracked, inlined: a hot path
        needs = tuple([id(x) in tracked or (auto and x in _trainable) for x in inputs])
        if True in needs:
            self._records.append((output, inputs, needs, backward))
            self._tracked[id(output)] = output

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradient of ``target`` (summed if not scalar) with respect to ``sources``.

        Args:
            target: an array computed inside this tape by recorded ops.
            sources: an array, or a nested list, tuple or dict of arrays; the
                gradients come back in the same structure (``tf.nest``'s).
            output_gradients: the upstream gradient ``dL/dtarget``; ones by default.
            unconnected_gradients: ``"none"`` (TF's default) returns ``None`` for
                a source the target does not depend on, ``"zero"`` zeros of its
                shape, even when that is every source.

        Raises:
            ValueError: if ``target`` was not recorded by this tape.
            RuntimeError: on a second call to a non-persistent tape.
        """
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"`unconnected_gradients` must be 'none' or 'zero', got {unconnected_gradients!r}.")
        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients.")
        self._used = True
        structure, sources = sources, _flatten(sources)
        # a watched array is its own target too (TF: the gradient of a watched x, or of cast(x, x.dtype)
        # which returns x itself, with respect to x is dy), so an identity op has a gradient
        if not any(output is target for output, *_ in reversed(self._records)) and not self._is_tracked(target):
            raise ValueError(
                "`target` was not recorded by this GradientTape: it was computed outside the "
                "`with GradientTape() as tape:` block, from arrays the tape does not watch, or by "
                "plain NumPy (e.g. `np.mean`), which the tape cannot see. Compute the loss inside "
                "the block with reference ops, e.g. `reference.ops.reduce_mean(loss)` for `tf.reduce_mean`."
            )
        grads = {id(target): np.ones_like(target) if output_gradients is None else np.asarray(output_gradients)}
        for output, inputs, needs, backward in reversed(self._records):
            dy = grads.get(id(output))
            if dy is None:
                continue
            for x, need, dx in zip(inputs, needs, backward(dy, needs)):
                if need and dx is not None:
                    key = id(x)
                    grads[key] = grads[key] + dx if key in grads else dx
        result = [grads.get(id(s)) for s in sources]
        if unconnected_gradients == "zero":
            result = [np.zeros_like(s) if g is None else g for s, g in zip(sources, result)]
        if not self.persistent:
            self._records, self._tracked = [], {}
        return _pack_like(structure, iter(result))


def _flatten(structure):
    """The arrays of a nested list, tuple or dict, in ``tf.nest.flatten``'s order (a dict's by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack_like(structure, leaves):
    """``leaves`` (an iterator, :func:`_flatten`'s order) in ``structure``'s shape: ``tf.nest.pack_sequence_as``."""
    if isinstance(structure, dict):
        packed = {key: _pack_like(structure[key], leaves) for key in sorted(structure)}
        return {key: packed[key] for key in structure}
    if isinstance(structure, (list, tuple)):
        items = [_pack_like(item, leaves) for item in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else type(structure)(items)  # namedtuple
    return next(leaves)
