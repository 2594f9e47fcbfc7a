"""Names as Keras makes them, mirroring ``keras/src/utils/naming.py``."""

import itertools
import re
from collections import defaultdict

_name_counters = defaultdict(itertools.count)  # one counter per prefix, shared by layers and metrics, as in Keras


def to_snake_case(name):
    """Keras's ``to_snake_case``: ``"MeanSquaredError"`` -> ``"mean_squared_error"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(prefix):
    """Keras's ``auto_name``: ``Dense`` -> ``dense``, then ``dense_1``, ``dense_2``, ..."""
    base = to_snake_case(prefix)
    n = next(_name_counters[base])
    return base if n == 0 else f"{base}_{n}"


def get_object_name(obj):
    """Keras's ``get_object_name``: an object's ``name``, else its function or class name in snake_case."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)
