"""Every public name the pages document: Keras's, introspected, each paired with the reference's object.

A :class:`Entry` is one page. Its ``partner`` is where the sections its own docstring lacks come from: a loss or
metric class's function (Keras's own default ``name`` argument names it: ``MeanSquaredError(name=
"mean_squared_error")``), a function's class, or the first-named of a set of aliases (``silu`` for ``swish``).
"""

import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path

FAMILIES = ("losses", "activations", "optimizers", "optimizers.schedules", "metrics")
FOLDERS = {"losses": "losses", "activations": "activations", "optimizers": "optimizers",
           "optimizers.schedules": "schedules", "metrics": "metrics"}
INFRASTRUCTURE = {"get", "serialize", "deserialize", "legacy", "schedules"}
BASES = {"Loss", "Metric", "Optimizer", "LearningRateSchedule"}

# The methods that compute a class's result, linked on its page beside the class itself.
METHODS = ("call", "update_step", "update_state", "result", "reset_state", "apply", "__call__")


def keras_public_names(family):
    """The public names of ``keras.<family>``, base classes included, submodules and ``get``/... excluded."""
    module = importlib.import_module(f"keras.{family}")
    return sorted(name for name, value in vars(module).items()
                  if not name.startswith("_") and name not in INFRASTRUCTURE and not inspect.ismodule(value))


def reference_module(family):
    return importlib.import_module(f"reference.{family}")


@dataclass(frozen=True)
class Entry:
    """One page: ``keras.<family>.<name>`` and the reference's twin."""

    family: str
    name: str
    obj: object
    keras_obj: object
    partner: object = None
    aliases: tuple = ()

    @property
    def keras_name(self):
        return f"keras.{self.family}.{self.name}"

    @property
    def folder(self):
        return FOLDERS[self.family]

    @property
    def path(self):
        """The page, relative to ``docs/reference``."""
        return Path(self.folder) / f"{self.name}.md"

    @property
    def is_class(self):
        return inspect.isclass(self.obj)

    @property
    def keras_file(self):
        """The Keras source file it mirrors, as ``keras/src/...``."""
        path = Path(inspect.getsourcefile(inspect.unwrap(self.keras_obj)))
        parts = path.parts
        return "/".join(parts[parts.index("keras"):])

    def methods(self):
        """``(qualified name, function)`` for each computing method the class defines itself."""
        if not self.is_class:
            return []
        return [(f"{self.obj.__name__}.{m}", vars(self.obj)[m]) for m in METHODS if m in vars(self.obj)]


# Classes whose default ``name`` is not their function's name (Keras names LogCoshError "logcosh", Huber
# "huber_loss").
PARTNERS = {"LogCoshError": "log_cosh", "Huber": "huber"}


def _default_name(cls):
    if cls.__name__ in PARTNERS:
        return PARTNERS[cls.__name__]
    try:
        parameter = inspect.signature(cls).parameters.get("name")
    except (TypeError, ValueError):
        return None
    return parameter.default if parameter is not None and isinstance(parameter.default, str) else None


def entries(family):
    """Every page of ``family``, in Keras's name order."""
    keras_module = importlib.import_module(f"keras.{family}")
    module = reference_module(family)
    names = keras_public_names(family)
    missing = [n for n in names if not hasattr(module, n)]
    if missing:
        raise LookupError(f"reference.{family} has no {missing}: every public Keras name has a twin")
    objects = {n: getattr(module, n) for n in names}
    by_object = {}
    for n in names:
        by_object.setdefault(id(objects[n]), []).append(n)
    out = []
    for n in names:
        obj = objects[n]
        aliases = tuple(a for a in by_object[id(obj)] if a != n)
        partner = None
        if aliases:
            partner = objects[min(by_object[id(obj)])] if min(by_object[id(obj)]) != n else None
        elif inspect.isclass(obj) and _default_name(obj) in objects and _default_name(obj) != n:
            partner = objects[_default_name(obj)]
        elif not inspect.isclass(obj):
            partner = next((objects[c] for c in names
                            if inspect.isclass(objects[c]) and _default_name(objects[c]) == n), None)
        out.append(Entry(family, n, obj, getattr(keras_module, n), partner, aliases))
    return out


def all_entries():
    return [e for family in FAMILIES for e in entries(family)]
