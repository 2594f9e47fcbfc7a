"""Optimizers, mirroring Keras 3's ``keras/src/optimizers``: ``reference.optimizers.X`` is ``keras.optimizers.X``.

One file per optimizer, as in Keras: ``base_optimizer.py`` holds the base class (the options every optimizer
takes: weight decay, clipping, EMA, loss scaling, gradient accumulation; slot bookkeeping, ``apply_gradients``,
the step counter, flush-to-zero), each other file one optimizer's ``update_step``, performing in place and in
the same order of operations the arithmetic that Keras's ``update_step`` performs. ``schedules`` holds the
learning-rate schedules.
"""

from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import FLUSH_EVERY, Optimizer
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .multi_optimizer import MultiOptimizer, OptimizerMap
from .muon import Muon
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedule_free_adamw import ScheduleFreeAdamW
from .sgd import SGD

# Keras's ALL_OBJECTS_DICT: the lower-cased class names that `get` resolves. Lamb is exported by
# keras.optimizers but missing from Keras's list, so `keras.optimizers.get("lamb")` fails: so does ours.
_CLASSES = [Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Adafactor, Muon, MultiOptimizer,
            OptimizerMap, Nadam, Ftrl, Lion, ScheduleFreeAdamW, LossScaleOptimizer]
ALL = {cls.__name__.lower(): cls for cls in _CLASSES}

__all__ = ["ALL", "FLUSH_EVERY", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion",
           "LossScaleOptimizer", "MultiOptimizer", "Muon", "Nadam", "Optimizer", "OptimizerMap", "RMSprop", "SGD",
           "ScheduleFreeAdamW", "deserialize", "get", "schedules", "serialize"]
_NEED_ARGUMENTS = {"optimizer": "it is the abstract base class", "multioptimizer": "it needs an `optimizer_map`",
                   "optimizermap": "it needs a `default_optimizer`",
                   "lossscaleoptimizer": "it needs an `inner_optimizer`"}


def serialize(optimizer):
    """``{"module", "class_name", "config", "registered_name"}``, as Keras's ``serialize``."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None}


def deserialize(config, custom_objects=None):
    """An optimizer from ``{"class_name", "config"}``; the class name in any case, as Keras."""
    name = config.get("class_name") if isinstance(config, dict) else None
    objects = {**ALL, **{k.lower(): v for k, v in (custom_objects or {}).items()}}
    key = str(name).lower()
    if key in _NEED_ARGUMENTS and not config.get("config"):
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}: {_NEED_ARGUMENTS[key]}.")
    if key not in objects:
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}. Expected an Optimizer, a config dict, "
                         f"or one of {sorted(k for k in ALL if k not in _NEED_ARGUMENTS)} (any case).")
    return objects[key].from_config(dict(config.get("config") or {}))


def get(identifier):
    """An optimizer from an instance, a config dict or a name, as ``keras.optimizers.get``: the class name
    in any case (``"adam"``, ``"Adam"``, ``"ADAM"``, ``"adamw"``, ``"schedulefreeadamw"``, ...); ``None`` gives
    ``None``."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
