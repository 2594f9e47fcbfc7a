"""The metric base class, mirroring ``keras/src/metrics/metric.py``.

A metric keeps running state across batches: ``update_state`` adds a batch to it, ``result`` reads it, and
``reset_state`` empties it. The state is a list of named :class:`Variable`\\ s, declared with
:meth:`Metric.add_variable` and listed by :attr:`Metric.variables`, as Keras's are.
"""

import numpy as np

from .. import config
from ..utils.naming import auto_name


class Variable(np.lib.mixins.NDArrayOperatorsMixin):
    """A metric's state: a named NumPy array (Keras's ``backend.Variable``, reduced to what metrics use).

    Arithmetic and NumPy functions see the array (``self.true_positives + tp``, ``np.sum(v)``, ``v[1:]``) and
    return plain arrays; ``assign`` replaces the value, cast to the variable's dtype and shape.
    """

    def __init__(self, shape, dtype, name, initializer=None):
        self.name = name
        self.value = np.zeros(shape, dtype="int64" if dtype == "int" else dtype)   # Keras's "int" is int64
        if initializer is not None and not (isinstance(initializer, str) and initializer == "zeros"):
            self.assign(initializer)

    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def assign(self, value):
        self.value = np.asarray(np.broadcast_to(value, self.shape), dtype=self.dtype).copy()

    def numpy(self):
        return self.value.copy()

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if "out" in kwargs:
            return NotImplemented  # no in-place arithmetic: state changes only through `assign`
        inputs = [x.value if isinstance(x, Variable) else x for x in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __getitem__(self, key):
        return self.value[key]

    def __len__(self):
        return len(self.value)

    def __repr__(self):
        return f"<Variable name={self.name} shape={self.shape} dtype={self.dtype.name}>"


class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``; its state in :attr:`variables`."""

    def __init__(self, name=None, dtype=None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = config.standardize_dtype(dtype).name
        self._variables = []

    @property
    def dtype(self):
        """The dtype of the metric's computations (its name); the state may differ, see :meth:`add_variable`."""
        return self._dtype

    def add_variable(self, shape, initializer=None, dtype=None, name=None):
        """A new :class:`Variable`, listed in :attr:`variables` (Keras's ``add_variable``).

        ``initializer``: ``None`` or ``"zeros"`` (what every metric uses), or an array of initial values.
        ``dtype=None`` is ``floatx()``, as in Keras, *not* the metric's dtype.
        """
        variable = Variable(shape, config.floatx() if dtype is None else dtype, name, initializer)
        self._variables.append(variable)
        return variable

    @property
    def variables(self):
        """The state variables, in the order they were added."""
        return list(self._variables)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        """Zero every state variable (Keras's default)."""
        for variable in self._variables:
            variable.assign(0)

    def __call__(self, *args, **kwargs):
        """Update with one batch, then return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name} result={self.result()}>"
