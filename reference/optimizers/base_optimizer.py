"""The optimizer base class, mirroring ``keras/src/optimizers/base_optimizer.py``.

Each ``update_step`` performs, in place and in the same order of operations,
the arithmetic that Keras's ``update_step`` performs, so float32 results agree
to the last few ulps. Scalars are cast to the variable's dtype the way Keras
casts them: ``learning_rate`` is stored as a ``floatx()`` scalar when the
optimizer is created (Keras keeps it in a ``floatx`` variable), and constants
such as ``1 - beta_1`` are computed in Python (float64) and then cast.

The in-place arithmetic uses two scratch buffers per variable, allocated once,
so a step allocates nothing.

**Subnormals.** TensorFlow runs its CPU kernels with flush-to-zero: a result
smaller than the dtype's ``tiny`` (1.2e-38 in float32) becomes exactly 0.
Adam's first moment decays by ``β₁`` on every step a weight gets no gradient
(a border pixel of MNIST), so after ~800 such steps TF holds 0 where plain
IEEE arithmetic holds a subnormal number, and subnormal arithmetic is ~40x
slower on x86. NumPy cannot switch flush-to-zero on, so every
``FLUSH_EVERY`` steps the optimizer sets its subnormal slot entries to 0. The
weights are unaffected (a subnormal step is far below half an ulp of any
weight); slots differ from TF's by less than ``tiny`` in between.
"""

import numpy as np

from .. import config
from ..utils.argument_validation import check_float

FLUSH_EVERY = 64


class Optimizer:
    """Base class: slot bookkeeping, ``apply_gradients`` and the step counter.

    Args:
        learning_rate: a positive float.
        name: a name for the optimizer.

    Attributes:
        iterations: how many times ``apply_gradients`` has run (Keras's
            ``optimizer.iterations``).
    """

    def __init__(self, learning_rate, name=None):
        self._learning_rate = np.asarray(check_float("learning_rate", learning_rate, 0.0), dtype=config.floatx())
        self.name = name or type(self).__name__.lower()
        self.iterations = 0
        self._index = None  # id(variable) -> position, fixed by `build`
        self._scratch = []

    @property
    def learning_rate(self):
        """The learning rate, as stored: a ``floatx()`` scalar."""
        return self._learning_rate[()]

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = np.asarray(check_float("learning_rate", value, 0.0), dtype=self._learning_rate.dtype)

    def build(self, variables):
        """Create the slots for ``variables``; called by the first ``apply_gradients``."""
        self._variables = list(variables)  # held, so that no other array can take over their ids
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._scratch = [(np.empty_like(v), np.empty_like(v)) for v in variables]

    def _zeros_like_each(self, variables):
        return [np.zeros_like(v) for v in variables]

    def apply_gradients(self, grads_and_vars):
        """Update each variable in place from its gradient, then ``iterations += 1``.

        Args:
            grads_and_vars: an iterable of ``(gradient, variable)`` pairs, as
                ``zip(grads, model.variables)``. ``None`` gradients are skipped,
                as in Keras; all ``None`` is an error.
        """
        pairs = [(g, v) for g, v in grads_and_vars]
        variables = [v for _, v in pairs]
        for i, v in enumerate(variables):
            if not isinstance(v, np.ndarray) or v.dtype.kind != "f":
                raise ValueError(f"variable {i} must be a float NumPy array, got {type(v).__name__} "
                                 f"{getattr(v, 'dtype', '')}.")
        if self._index is None:
            self.build(variables)
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            raise ValueError(f"No gradients provided for any variable: {[v.shape for v in variables]}.")
        for g, v in pairs:
            i = self._index.get(id(v))
            if i is None:
                raise ValueError(f"{self.name} was built for other variables; got a new variable of shape "
                                 f"{v.shape}. Create one optimizer per set of variables.")
            if np.shape(g) != v.shape:
                raise ValueError(f"gradient for variable {i} has shape {np.shape(g)}, "
                                 f"but the variable has shape {v.shape}.")
            g = np.asarray(g, dtype=v.dtype)
            lr = self._learning_rate if v.dtype == self._learning_rate.dtype else self._learning_rate.astype(v.dtype)
            self.update_step(g, v, lr, i)
        self.iterations += 1
        if self.iterations % FLUSH_EVERY == 0:
            self._flush_subnormals()
        return self.iterations

    def _slots(self):
        """Every slot array (moments, velocities, ...); subclasses list theirs."""
        return []

    def _flush_subnormals(self):
        """Set slot entries below the dtype's ``tiny`` to 0, as TF's flush-to-zero would."""
        for slot in self._slots():
            np.copyto(slot, 0, where=np.abs(slot) < np.finfo(slot.dtype).tiny)

    def apply(self, grads, trainable_variables):
        """``apply_gradients(zip(grads, trainable_variables))``, Keras 3's spelling."""
        return self.apply_gradients(zip(grads, trainable_variables))

    def update_step(self, gradient, variable, learning_rate, index):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "learning_rate": float(self._learning_rate)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
