"""Batches from arrays, mirroring ``keras/src/trainers/data_adapters`` (``array_data_adapter.py`` and
``data_adapter_utils.py``): ``validation_split``, ``class_weight``, and the batch iterator ``fit`` walks."""

import math

import numpy as np

from .. import config
from ..tree import check_flat, flatten, is_nested, map_structure
from ..utils.argument_validation import check_positive_int


def unpack_x_y_sample_weight(data):
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (a tuple or list) -> ``(x, y, sample_weight)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found a tuple of {len(data)} elements.")


def _as_leaves(structure, what):
    """Each leaf of a flat structure as an array with a batch axis."""
    check_flat(structure, what)

    def convert(leaf):
        if leaf is None:
            return None
        leaf = leaf if isinstance(leaf, np.ndarray) else np.asarray(leaf)
        if leaf.ndim == 0:
            raise ValueError(f"`{what}` must be arrays with samples on the first axis; got the scalar {leaf!r} "
                             "(a Python list means one array per output: pass np.asarray(...) for one output).")
        return leaf
    return map_structure(convert, structure) if is_nested(structure) else convert(structure)


def train_validation_split(arrays, validation_split):
    """Keras's split: ``(train_arrays, validation_arrays)``, the last samples going to validation.

    ``split_at = floor(n · (1 - validation_split))``; the first ``split_at``
    samples train, the rest validate. ``ValueError`` if either part is empty.
    """
    if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float, np.floating)):
        raise ValueError(f"`validation_split` must be a float, got validation_split={validation_split!r}.")
    arrays = tuple(_as_leaves(a, "x, y, sample_weight") for a in arrays)
    leaves = [leaf for a in arrays for leaf in flatten(a) if leaf is not None]
    num_samples = len(leaves[0])
    split_at = int(math.floor(num_samples * (1.0 - validation_split)))
    if split_at == 0 or split_at == num_samples:
        raise ValueError(f"Training data contains {num_samples} samples, which is not sufficient to split it into "
                         f"a validation and training set as specified by `validation_split={validation_split}`. "
                         "Either provide more data, or a different value for the `validation_split` argument.")

    def part(start, stop):
        return tuple(None if a is None else map_structure(lambda t: None if t is None else t[start:stop], a)
                     for a in arrays)
    return part(0, split_at), part(split_at, num_samples)


def class_weight_to_sample_weights(y, class_weight):
    """Per-sample weights ``class_weight.get(class, 1.0)``, in ``floatx``.

    The class of a sample is its label rounded to an int; for one-hot rows
    (last axis > 1) the ``argmax``; a trailing axis of 1 is squeezed first.
    """
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    classes = np.round(y).astype("int32")
    return np.array([class_weight.get(int(c), 1.0) for c in classes], dtype=config.floatx())


class ArrayBatches:
    """The batches of one epoch over arrays, as Keras's ``ArrayDataAdapter`` makes them.

    Iterating yields ``(x, y, sample_weight)`` batches: ``ceil(n / batch_size)``
    of them, the last one partial. Each iteration is a new epoch (a new
    permutation when ``shuffle=True``).

    Args:
        x, y, sample_weight: arrays, ``y`` and ``sample_weight`` possibly one
            per output (list/tuple/dict); one ``sample_weight`` array is used
            for every output.
        batch_size: positive int; ``None`` means 32.
        shuffle: ``True``, ``"batch"`` or ``False``.
        class_weight: ``{class: weight}``; turned into ``sample_weight``.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, class_weight=None):
        if batch_size is None:
            batch_size = 32
        check_positive_int("batch_size", batch_size)
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch', got shuffle={shuffle!r}.")
        x = np.asarray(x) if x is not None else None
        if x is None or x.ndim == 0 or len(x) == 0:
            raise ValueError(f"`x` must be an array of inputs with at least one sample on its first axis, "
                             f"got {'None' if x is None else f'shape {x.shape}'}.")
        y = _as_leaves(y, "y")
        sample_weight = _as_leaves(sample_weight, "sample_weight")
        if sample_weight is not None and is_nested(y) and not is_nested(sample_weight):
            if not (sample_weight.ndim == 1 or sample_weight.ndim == 2 and sample_weight.shape[1] == 1):
                raise ValueError("For a model with multiple outputs, when providing a single `sample_weight` "
                                 "array, it should only have one scalar score per sample (i.e. shape "
                                 f"`(num_samples,)`), got shape {sample_weight.shape}. Pass one array per "
                                 "output for non-scalar weights.")
            sample_weight = map_structure(lambda _: sample_weight, y)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
            if is_nested(y):
                raise ValueError("`class_weight` is only supported for Models with a single output.")
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self._data = (x, y, sample_weight)
        sizes = {name: [len(leaf) for leaf in flatten(part) if leaf is not None]
                 for name, part in zip(("x", "y", "sample_weight"), self._data) if part is not None}
        if len({n for ns in sizes.values() for n in ns}) > 1:
            raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of "
                             "samples. " + " ".join(f"'{k}' sizes: {', '.join(map(str, v))}" for k, v in sizes.items()))
        self.num_samples = len(x)
        self.batch_size = int(batch_size)
        self.num_batches = math.ceil(self.num_samples / self.batch_size)
        self.shuffle = shuffle

    def __iter__(self):
        order = np.random.permutation(self.num_samples) if self.shuffle is True else None
        for start in range(0, self.num_samples, self.batch_size):
            stop = min(start + self.batch_size, self.num_samples)
            if self.shuffle == "batch":
                index = np.random.permutation(stop - start) + start
            elif order is not None:
                index = order[start:stop]
            else:
                index = slice(start, stop)
            yield tuple(None if part is None else
                        map_structure(lambda a: None if a is None else a[index], part) if is_nested(part) else
                        part[index] for part in self._data)
