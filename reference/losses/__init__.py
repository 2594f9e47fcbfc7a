"""Losses, mirroring Keras 3's ``keras/src/losses``: ``reference.losses.X`` is ``keras.losses.X``.

Keras keeps every loss in one file, ``keras/src/losses/losses.py`` (over 2,500 lines); the reference splits it by
family. Which file mirrors which part of Keras's:

================================  ========================================================================
``reference/losses/loss.py``      ``keras/src/losses/loss.py``: ``Loss``, the reductions, the rank rule
                                  (and ``LossFunctionWrapper``, from ``losses.py``)
``reference/losses/probabilistic.py``  the cross-entropies of ``losses.py``
``reference/losses/regression.py``     the regression losses of ``losses.py``
``reference/losses/__init__.py``  ``keras/src/losses/__init__.py``: ``get`` and the names it resolves
================================  ========================================================================
"""

from .loss import (REDUCTIONS, Loss, LossFunctionWrapper, reduce_weighted_values, squeeze_or_expand_to_same_rank,
                   standardize_reduction)
from .probabilistic import (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
                            binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)
from .regression import MeanSquaredError, mean_squared_error


ALL_FUNCTIONS = {f.__name__: f for f in (sparse_categorical_crossentropy, categorical_crossentropy,
                                         binary_crossentropy, mean_squared_error)}


ALL_CLASSES = {c.__name__: c for c in (SparseCategoricalCrossentropy, CategoricalCrossentropy,
                                       BinaryCrossentropy, MeanSquaredError)}


ALIASES = {"bce": binary_crossentropy, "BCE": binary_crossentropy,  # Keras's short names
           "mse": mean_squared_error, "MSE": mean_squared_error}


def get(identifier):
    """A loss from a name (function or class name), a ``Loss`` instance, or any callable."""
    if isinstance(identifier, Loss) or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, str):
        if identifier in ALL_FUNCTIONS:
            return ALL_FUNCTIONS[identifier]
        if identifier in ALL_CLASSES:
            return ALL_CLASSES[identifier]()
        if identifier in ALIASES:
            return ALIASES[identifier]
    raise ValueError(f"Unknown loss {identifier!r}. Expected a callable, a Loss, or one of "
                     f"{sorted(ALL_FUNCTIONS) + sorted(ALL_CLASSES) + sorted(ALIASES)}.")
