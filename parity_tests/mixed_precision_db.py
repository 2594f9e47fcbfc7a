"""The mixed-precision table: one :class:`MixedPrecisionRow` per comparison with Keras under a dtype policy.

``parity_tests/test_mixed_precision.py`` runs each row's ``check``:

* ``"loss_scale"``: a :class:`~reference.optimizers.LossScaleOptimizer` trajectory through inf/NaN gradients,
  compared after every step (scale, step counter, inner iterations, variables, slots);
* ``"dense"``: a ``Dense`` under the row's policy: forward, the gradients of a float32 loss, one Adam step;
* ``"fit"``: the handbook's MLP compiled and fitted a few steps under the policy (``auto_scale_loss``).

The table never imports TensorFlow; the tests pass ``keras`` in.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class MixedPrecisionRow:
    """One comparison.

    Attributes:
        name: the test id.
        keras_name: what it compares against, ``"keras.<family>.<Name>"`` (read by ``test_coverage.py``).
        policy: the dtype policy the row runs under.
        check: which test runs it (see the module docstring).
        tol: the tolerance key (``tolerances.RULES``).
    """

    name: str
    keras_name: str
    policy: str
    check: str
    tol: str = "half_precision"

    def __repr__(self):
        return f"mixed_precision_db.BY_NAME[{self.name!r}]"


ROWS = [
    MixedPrecisionRow("LossScaleOptimizer", "keras.optimizers.LossScaleOptimizer", "float32", "loss_scale",
                      tol="optimizer"),
    MixedPrecisionRow("Dense mixed_float16", "keras.layers.Dense", "mixed_float16", "dense"),
    MixedPrecisionRow("Dense mixed_bfloat16", "keras.layers.Dense", "mixed_bfloat16", "dense"),
    MixedPrecisionRow("MLP fit mixed_float16", "keras.Model", "mixed_float16", "fit"),
    MixedPrecisionRow("MLP fit mixed_bfloat16", "keras.Model", "mixed_bfloat16", "fit"),
]

BY_NAME = {row.name: row for row in ROWS}


def rows(check):
    """The rows run by ``check``."""
    return [row for row in ROWS if row.check == check]


def covered_keras_names():
    """Every Keras name a row compares against (``test_coverage.py`` keeps the families it measures)."""
    return {row.keras_name for row in ROWS}
