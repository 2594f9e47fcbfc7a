"""The checks behind the constructors' ``ValueError``\\ s: each names the argument and the value at fault."""

import numbers


def check_positive_int(name, value):
    """``value`` if it is an int >= 1 (``True`` is not an int here), else a ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {name}={value!r}.")
    return int(value)


def is_number(value):
    """Whether ``value`` is a real number: an int, a float or a NumPy scalar of either, but not a bool (which Python
    counts as an int, and which no numeric argument of Keras's means)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_float(name, value, low=None, high=None, low_open=False):
    """``float(value)`` if it is a real number in ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    if not is_number(value):
        raise ValueError(f"`{name}` must be a number, got {name}={value!r}.")
    if low is not None and (value < low or (low_open and value == low)) or high is not None and value > high:
        interval = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'}]"
        raise ValueError(f"`{name}` must be in {interval}, got {name}={value!r}.")
    return float(value)
