"""``Model`` and ``Sequential``, as ``keras.Model``.

Subclass ``Model`` exactly as the handbook subclasses ``tf.keras.Model``::

    class MLP(Model):
        def __init__(self):
            super().__init__()
            self.flatten = layers.Flatten()
            self.dense1 = layers.Dense(units=100, activation=activations.relu)
            self.dense2 = layers.Dense(units=10)

        def call(self, inputs):
            x = self.flatten(inputs)
            x = self.dense1(x)
            x = self.dense2(x)
            return ops.softmax(x)       # the handbook's tf.nn.softmax
"""

import os
import zipfile
import zlib

import numpy as np

from .layers import Layer, replace_weights
from .tape import is_trainable, mark_trainable, stop_recording
from .trainers.trainer import Trainer
from .utils.file_utils import atomic_write


class Model(Trainer, Layer):
    """A layer made of layers, with Keras's model API on top.

    Weights are created on the first call. ``variables`` lists them in Keras's
    order (each layer's kernel then bias, in the order the layers were
    assigned in ``__init__``), so ``get_weights``/``set_weights`` line up with
    a ``tf.keras`` model of the same architecture.

    Weights the model creates itself, all of one dtype, live in one buffer: each
    is a view of a contiguous array holding them all, in ``variables`` order
    (see :meth:`build`).
    """

    def __call__(self, inputs):
        inputs = self._convert_input(inputs)
        if not self.built:
            self.build(inputs.shape)
        return self.call(inputs)

    def build(self, input_shape):
        """Create every weight by calling the model once on zeros of ``input_shape``.

        A leading ``None`` (unknown batch size) is replaced by 1. The weights
        created are then gathered into one buffer (:meth:`_gather_weights`).
        """
        shape = tuple(1 if d is None else d for d in input_shape)
        had_weights = bool(self.weights)
        with stop_recording():
            self.call(np.zeros(shape, dtype=self.compute_dtype))
        self.built = True
        if not had_weights:  # weights made elsewhere (a layer built before) stay where they are
            self._gather_weights()

    def _gather_weights(self):
        """Move the weights into one contiguous array; each weight becomes a view of it, in ``weights`` order.

        Values, shapes, names and order are unchanged; only where the numbers
        live is. An elementwise optimizer then updates every weight in one pass of its
        formula over the buffer (:mod:`reference.optimizers.base_optimizer`). Nothing
        happens if the weights differ in dtype.
        """
        weights = self.weights
        if not weights or len({w.dtype for w in weights}) != 1:
            return
        buffer = np.empty(sum(w.size for w in weights), dtype=weights[0].dtype)
        replacements, offset = {}, 0
        for w in weights:
            view = buffer[offset: offset + w.size].reshape(w.shape)
            view[...] = w
            replacements[id(w)] = mark_trainable(view) if is_trainable(w) else view
            offset += w.size
        replace_weights(self, replacements)

    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"{self.name} has no weights yet, so `{what}` cannot run: call the model "
                             "on a batch first, or `model.build(input_shape)`.")

    def count_params(self):
        self._require_built("count_params")
        return super().count_params()

    def set_weights(self, weights):
        """:meth:`Layer.set_weights`, once the model is built (a model builds on its first call)."""
        self._require_built("set_weights")
        super().set_weights(weights)

    def save_weights(self, filepath):
        """Write the weights to ``filepath`` (.npz, no pickle), atomically."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".npz"):
            raise ValueError(f"`filepath` must end in .npz, got {filepath!r}.")
        self._require_built("save_weights")
        arrays = {f"{i:03d}:{name}": w for i, (name, w) in enumerate(zip(self.weight_names, self.weights))}
        with atomic_write(filepath) as f:
            np.savez(f, **arrays)

    def load_weights(self, filepath):
        """Read weights written by ``save_weights``; a mismatched file raises ``ValueError``.

        Nothing is ever unpickled: a file that is not a weights archive (truncated, or of another kind) is
        named in a ``ValueError`` that says what was expected.
        """
        self._require_built("load_weights")
        filepath = os.fspath(filepath)
        expected = [f"{i:03d}:{n}" for i, n in enumerate(self.weight_names)]
        try:
            with np.load(filepath, allow_pickle=False) as data:
                arrays = {k: data[k] for k in sorted(data.files)}
        except (ValueError, EOFError, TypeError, AttributeError, zipfile.BadZipFile, zlib.error) as exc:
            # NumPy's own message would offer `allow_pickle=True`; a lone .npy array is no context manager
            raise ValueError(f"{filepath} is not a weights archive: expected a .npz file written by "
                             f"`save_weights`, holding the arrays {expected}; it may be truncated or of "
                             f"another kind.") from exc
        found = [(k, a.shape) for k, a in arrays.items()]
        wanted = [(k, w.shape) for k, w in zip(expected, self.weights)]
        if [s for _, s in found] != [s for _, s in wanted]:
            raise ValueError(f"{filepath} does not fit {self.name}: the file holds {found}, "
                             f"the model needs {wanted}.")
        self.set_weights(list(arrays.values()))


    def summary(self, print_fn=print):
        """Print a table of layers, output shapes and parameter counts, like Keras."""
        self._require_built("summary")
        rows = [(f"{layer.name} ({type(layer).__name__})",
                 str(tuple(w.shape for w in layer.weights)) if layer.weights else "-",
                 layer.count_params()) for layer in self.layers]
        width = max([len(r[0]) for r in rows] + [20]) + 2
        line = "─" * (width + 40)
        print_fn(f'Model: "{self.name}"')
        print_fn(line)
        print_fn(f"{'Layer (type)':<{width}}{'Weight shapes':<28}{'Param #':>12}")
        print_fn(line)
        for name, shapes, count in rows:
            print_fn(f"{name:<{width}}{shapes:<28}{count:>12,}")
        print_fn(line)
        total = self.count_params()
        print_fn(f"Total params: {total:,}")
        print_fn(f"Trainable params: {sum(w.size for w in self.trainable_weights):,}")
        print_fn(f"Non-trainable params: {sum(w.size for w in self.non_trainable_weights):,}")


class Sequential(Model):
    """A linear stack of layers: ``Sequential([Flatten(), Dense(100, "relu"), Dense(10)])``."""

    def __init__(self, layers=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append ``layer`` to the stack."""
        if not isinstance(layer, Layer):
            raise TypeError(f"`layer` must be a reference Layer, got {type(layer).__name__}.")
        self._layers.append(layer)

    def call(self, inputs):
        x = inputs
        for layer in self._layers:
            x = layer(x)
        return x
