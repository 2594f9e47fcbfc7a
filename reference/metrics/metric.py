"""The metric base class, mirroring ``keras/src/metrics/metric.py``.

A metric keeps running state across batches: ``update_state`` adds a batch to it, ``result`` reads it, and
``reset_state`` empties it. The state lives in :class:`Variable`\\ s made by :meth:`Metric.add_variable`, and
:attr:`Metric.variables` lists them (with those of any sub-metric), as Keras's do.
"""

import numpy as np

from .. import config, dtype_policies, initializers
from ..utils.naming import auto_name


class Variable(np.lib.mixins.NDArrayOperatorsMixin):
    """A metric's state: a named NumPy array with the part of Keras's ``backend.Variable`` that metrics use.

    ``assign(value)`` writes in place, cast to the variable's dtype; ``assign_add(value)`` is Keras's
    ``assign(self + value)``: the sum is taken in the promoted dtype, then cast (a float32 variable plus a float64
    batch sum rounds once, at the end). Arithmetic and NumPy functions see the array (``total / count`` is an
    ``ndarray``); ``numpy()`` is a copy of the value.
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
        self._value[...] = self._value + value
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
    r"""Base class: ``update_state``, ``result``, ``reset_state``.

    A metric is a fold over batches: its state starts at its initial value, each ``update_state`` folds one more
    batch into it, and ``result`` reads a value off the state, at any time, without changing it. The subclasses
    differ only in what the state holds (a sum, a count, four confusion counts, a confusion matrix...) and in the
    two functions below.

    Formula:

    $$
    s_0 = s_{\mathrm{init}}, \qquad s_b = u\big(s_{b-1},\, B_b\big), \qquad \mathrm{result}_b = r(s_b)
    $$

    where $B_b$ is the $b$-th batch given to ``update_state`` (its ``y_true``, ``y_pred`` and ``sample_weight``),
    $u$ is ``update_state``, $r$ is ``result``, and $s_{\mathrm{init}}$ the variables' initial values (zeros
    unless a subclass says otherwise); ``reset_state`` sets $s$ back to $s_{\mathrm{init}}$, and ``__call__`` is
    $u$ then $r$.

    Keras vs the textbook:

    * Nothing to depart from: this is Keras's ``Metric`` contract. What it implies is worth knowing: a metric
      whose $r$ is not linear in sums of the state (a root, a ratio, an argmax over thresholds) is *not* the mean
      of its per-batch values: :class:`~reference.metrics.RootMeanSquaredError` is $\sqrt{\text{streamed mean}}$,
      :class:`~reference.metrics.Precision` the ratio of the summed counts.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> class SumOfSquares(rk.metrics.Metric):
    ...     def __init__(self, name="sum_of_squares"):
    ...         super().__init__(name=name)
    ...         self.total = self.add_variable(shape=(), name="total")
    ...     def update_state(self, values):
    ...         self.total.assign_add(np.sum(np.square(values)))
    ...     def result(self):
    ...         return self.total.numpy()
    >>> m = SumOfSquares()
    >>> m.update_state([1., 2.])
    >>> float(m([2.]))          # 1² + 2² + 2², over both batches
    9.0
    >>> m.reset_state()         # back to the initial zeros
    >>> float(m.result())
    0.0

    Args:
        name: the metric's name; default its class name in snake_case, made unique like a Keras auto-name
            (``"my_metric"``, ``"my_metric_1"``, ...).
        dtype: the dtype of the computation and of the result; ``None`` means ``floatx()``, a Keras
            ``DTypePolicy`` its ``compute_dtype``. Integer dtypes are allowed, as in Keras. Read-only.

    Subclasses make their state in ``__init__`` with :meth:`add_variable` and update it with ``assign`` /
    ``assign_add``; the default :meth:`reset_state` zeroes every variable, as Keras's does.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = _standardize_metric_dtype(getattr(dtype, "compute_dtype", dtype))
        self._variables = []

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A new state :class:`Variable`, tracked in :attr:`variables` (Keras's ``Metric.add_variable``).

        Args:
            shape: its shape.
            initializer: a name (``"zeros"``, ``"ones"``, ...), a callable ``f(shape, dtype)``, or the initial
                value itself (an array of ``shape``), as Keras's ``backend.Variable`` takes one.
            dtype: its dtype; ``None`` means ``floatx()`` *when the variable is made*, not the metric's dtype
                (Keras's ``backend.Variable(dtype=None)``).
            aggregation: how distributed replicas combine it in Keras; recorded, unused here.
            name: its name.
        """
        dtype = np.dtype(dtype or config.floatx())
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if isinstance(initializer, str) or callable(initializer):
            value = initializers.get(initializer)(shape, dtype)
        else:
            value = np.asarray(initializer)
            if value.shape != shape:
                raise ValueError(f"`initializer` is a value of shape {value.shape}, but `shape` is {shape}.")
        value = np.array(value, dtype=dtype)
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

    # Keras's stateless API: the same three steps on given values of `variables`, leaving the metric's own intact.

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """The values ``variables`` would hold after ``update_state(*args, **kwargs)`` from ``metric_variables``."""
        return self._stateless(metric_variables, lambda: self.update_state(*args, **kwargs))[1]

    def stateless_result(self, metric_variables):
        """What ``result()`` would be with ``variables`` holding ``metric_variables``."""
        return self._stateless(metric_variables, self.result)[0]

    def stateless_reset_state(self):
        """The values ``variables`` would hold after ``reset_state()``."""
        return self._stateless(self.variables, self.reset_state)[1]

    def _stateless(self, metric_variables, step):
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError("Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                             f"{type(self).__name__}().variables. Received list with length "
                             f"{len(metric_variables)}, but expected {len(variables)} variables.")
        saved = [v.numpy() for v in variables]
        for v, value in zip(variables, [np.array(m) for m in metric_variables]):
            v.assign(value)
        try:
            out = step()
            return out, [v.numpy() for v in variables]
        finally:
            for v, value in zip(variables, saved):
                v.assign(value)

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


def _standardize_metric_dtype(dtype):
    """The metric's dtype, Keras's ``dtype_policies.get(dtype or floatx()).compute_dtype``: an integer or bool
    dtype by name (Keras's policies take those; the reference's :class:`DTypePolicy` takes floats only), else the
    compute dtype of the policy ``dtype`` names (``"mixed_float16"`` computes, and keeps its state, in float16)."""
    try:
        integer = np.dtype(dtype).kind in "biu"
    except TypeError:                                     # a policy name ("mixed_float16") or "bfloat16"
        integer = False
    if integer:
        return np.dtype(dtype).name
    policy = dtype_policies.get(config.floatx() if dtype is None else dtype)
    return config.standardize_dtype(policy.compute_dtype).name


def _submetrics(values):
    """The metrics among ``values``, looking into lists, tuples and dict values (Keras's ``Tracker``)."""
    for value in values:
        if isinstance(value, Metric):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from _submetrics(value)
        elif isinstance(value, dict):
            yield from _submetrics(list(value.values()))
