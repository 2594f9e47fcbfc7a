"""Activation functions, as ``keras.activations`` (``get`` resolves a name).

The math and the backward pass of each live in :mod:`reference.ops`.
"""

from . import ops


def relu(x):
    """``max(x, 0)``; the gradient at exactly 0 is 0, as in TF."""
    return ops.relu(x)


def softmax(x, axis=-1):
    """``exp(x) / Σ exp(x)`` along ``axis``, computed after subtracting the max."""
    return ops.softmax(x, axis=axis)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def linear(x):
    """The identity: ``linear(x) is x``."""
    return x


ALL = {"relu": relu, "softmax": softmax, "sigmoid": sigmoid, "linear": linear}


def get(identifier):
    """An activation from a name, a callable, or ``None`` (meaning ``linear``)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]
    raise ValueError(f"Unknown activation {identifier!r}. Expected a callable or one of {sorted(ALL)}.")
