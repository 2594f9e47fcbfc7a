"""Losses, mirroring Keras 3's ``keras/src/losses``: ``reference.losses.X`` is ``keras.losses.X``.

Keras keeps every loss in one file, ``keras/src/losses/losses.py`` (over 2,500 lines); the reference splits it by
family. Which file mirrors which part of Keras's:

======================================  ==================================================================
``reference/losses/loss.py``            ``keras/src/losses/loss.py``: ``Loss``, the reductions, the rank rule,
                                        the loss masks (and ``LossFunctionWrapper``, from ``losses.py``)
``reference/losses/probabilistic.py``   the cross-entropies (binary, categorical, sparse, focal,
                                        generalized), KL divergence and Poisson of ``losses.py``, with the
                                        cross-entropy kernels of ``backend/tensorflow/nn.py``
``reference/losses/regression.py``      MSE, MAE, MAPE, MSLE, cosine similarity, Huber and log-cosh of
                                        ``losses.py`` (and ``ops.normalize``)
``reference/losses/hinge.py``           the hinge, squared hinge and categorical hinge of ``losses.py``
``reference/losses/segmentation.py``    Dice and Tversky of ``losses.py``
``reference/losses/circle.py``          Circle of ``losses.py`` (and ``utils/numerical_utils.build_pos_neg_masks``)
``reference/losses/ctc.py``             CTC of ``losses.py`` and the dense ``tf.nn.ctc_loss`` it calls
                                        (``tensorflow/python/ops/ctc_ops.py``)
``reference/losses/__init__.py``        ``keras/src/losses/__init__.py``: ``get`` and the names it resolves
======================================  ==================================================================
"""

from .circle import Circle, circle
from .ctc import CTC, ctc, ctc_loss
from .hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .loss import (REDUCTIONS, Loss, LossFunctionWrapper, get_keras_mask, reduce_weighted_values, set_keras_mask,
                   squeeze_or_expand_to_same_rank, standardize_reduction)
from .probabilistic import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                            CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, KLDivergence, Poisson,
                            SparseCategoricalCrossentropy, binary_crossentropy, binary_focal_crossentropy,
                            categorical_crossentropy, categorical_focal_crossentropy,
                            categorical_generalized_cross_entropy, kl_divergence, poisson,
                            sparse_categorical_crossentropy)
from .regression import (CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError,
                         MeanSquaredError, MeanSquaredLogarithmicError, cosine_similarity, huber, log_cosh,
                         mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                         mean_squared_logarithmic_error)
from .segmentation import Dice, Tversky, dice, tversky

__all__ = [
    # keras.losses's public names (but serialize and deserialize)
    "get", "Loss",
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy", "CategoricalHinge", "Circle", "CosineSimilarity", "CTC", "Dice", "Hinge",
    "Huber", "KLDivergence", "LogCosh", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "categorical_hinge", "circle", "cosine_similarity", "ctc", "dice",
    "hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "poisson", "sparse_categorical_crossentropy",
    "squared_hinge", "tversky",
    # the machinery of keras/src/losses/loss.py (LossFunctionWrapper: losses.py) and the tf.nn.ctc_loss CTC calls
    "LossFunctionWrapper", "REDUCTIONS", "reduce_weighted_values", "standardize_reduction",
    "squeeze_or_expand_to_same_rank", "get_keras_mask", "set_keras_mask", "ctc_loss",
]

ALL_FUNCTIONS = {f.__name__: f for f in (
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, categorical_generalized_cross_entropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, log_cosh, huber, hinge, squared_hinge, categorical_hinge, dice, tversky, circle, ctc)}

ALL_CLASSES = {c.__name__: c for c in (
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber, Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky, Circle, CTC)}

ALIASES = {  # Keras's short names (keras/src/losses/__init__.py), each in lower and upper case
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
}


def get(identifier):
    """A loss from ``None`` (gives ``None``), a name, a ``{"class_name", "config"}`` dict, a ``Loss`` or a callable.

    A function name (or alias) gives the function, a class name an instance with default arguments, as
    Keras's ``get``. Anything else raises a ``ValueError`` naming the known names.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict) and identifier.get("class_name") in ALL_CLASSES:
        return ALL_CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
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
