"""The metric base class, mirroring ``keras/src/metrics/metric.py``.

A metric keeps running state across batches: ``update_state`` adds a batch to it, ``result`` reads it, and
``reset_state`` empties it. The state lives in :class:`Variable`\\ s made by :meth:`Metric.add_variable`, and
:attr:`Metric.variables` lists them (with those of any sub-metric), as Keras's do.
"""

import numpy as np

from .. import config, initializers
from ..utils.naming import auto_name


class Variable(np.lib.mixins.NDArrayOperatorsMixin):
    """A metric's state: a named NumPy array with the part of Keras's ``backend.Variable`` that metrics use.

    ``assign(value)`` and ``assign_add(value)`` write in place, cast to the variable's dtype; arithmetic and
    NumPy functions see the array (``total / count`` is an ``ndarray``); ``numpy()`` is a copy of the value.
    """

    def __init__(self, value, name):
        self._value = value
        self.name = name

    @property
    def value(self):
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return self._value.ndim

    def assign(self, value):
        self._value[...] = value
        return self

    def assign_add(self, value):
        self._value[...] = self._value + np.asarray(value, dtype=self._value.dtype)
        return self

    def numpy(self):
        return self._value.copy()

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        unwrap = lambda x: x._value if isinstance(x, Variable) else x  # noqa: E731
        if "out" in kwargs:                                           # `v += x` writes into the value
            kwargs["out"] = tuple(unwrap(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*map(unwrap, inputs), **kwargs)

    def __getitem__(self, key):
        return self._value[key]

    def __len__(self):
        return len(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __repr__(self):
        return f"<Variable name={self.name} shape={self.shape} dtype={self.dtype} value={self._value!r}>"


class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``.

    Args:
        name: the metric's name; default its class name in snake_case, made unique like a Keras auto-name
            (``"my_metric"``, ``"my_metric_1"``, ...).
        dtype: the dtype of the computation and of the result; ``None`` means ``floatx()``. Read-only, as in Keras.

    Subclasses make their state in ``__init__`` with :meth:`add_variable` and update it with ``assign`` /
    ``assign_add``; the default :meth:`reset_state` zeroes every variable, as Keras's does.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = config.standardize_dtype(dtype).name
        self._variables = []

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A new state :class:`Variable`, tracked in :attr:`variables` (Keras's ``Metric.add_variable``).

        Args:
            shape: its shape.
            initializer: a name (``"zeros"``, ``"ones"``, ...) or a callable ``f(shape, dtype)``.
            dtype: its dtype; ``None`` means ``floatx()`` *when the variable is made*, not the metric's dtype
                (Keras's ``backend.Variable(dtype=None)``).
            aggregation: how distributed replicas combine it in Keras; recorded, unused here.
            name: its name.
        """
        dtype = np.dtype(dtype or config.floatx())
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        value = np.array(initializers.get(initializer)(shape, dtype), dtype=dtype)
        variable = Variable(value, name)
        variable.aggregation = aggregation
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's backwards-compatible alias of :meth:`add_variable`."""
        return self.add_variable(shape=shape, initializer=initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables: this metric's, in the order made, then each sub-metric's (attributes, lists, dicts)."""
        variables = list(self._variables)
        for metric in _submetrics(list(vars(self).values())):
            variables.extend(metric.variables)
        return variables

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        for v in self._variables:
            v.assign(0)

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
        return f"<{type(self).__name__} name={self.name}>"


def _submetrics(values):
    """The metrics among ``values``, looking into lists, tuples and dict values (Keras's ``Tracker``)."""
    for value in values:
        if isinstance(value, Metric):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from _submetrics(value)
        elif isinstance(value, dict):
            yield from _submetrics(list(value.values()))
