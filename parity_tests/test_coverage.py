"""Coverage is measured, not claimed: every public loss, activation, optimizer, schedule and metric of the
installed Keras has a parity row, or this test names it.

The public names come from Keras itself (``dir(keras.losses)`` and the rest), less the machinery that is no op
to compare: base classes, ``get``/``serialize``/``deserialize`` and submodules (``INFRASTRUCTURE``). A name is
covered when a parity table says so: each table module has ``covered_keras_names()``, the set of
``"keras.<family>.<Name>"`` its rows compare against. No name is exempt: when a later Keras adds a loss, this test
names it.
"""

import importlib
import inspect

import pytest

keras = pytest.importorskip("keras")

FAMILIES = {  # family -> the parity tables whose rows cover it
    "losses": ("parity_tests.op_db",),
    "activations": ("parity_tests.op_db",),
    "optimizers": ("parity_tests.optimizer_db", "parity_tests.mixed_precision_db"),
    "optimizers.schedules": ("parity_tests.optimizer_db",),
    "metrics": ("parity_tests.op_db", "parity_tests.metric_db"),
}

INFRASTRUCTURE = {"get", "serialize", "deserialize", "Loss", "Metric", "Optimizer", "LearningRateSchedule",
                  "legacy", "schedules"}


def public_names(family):
    """The public losses, activations, optimizers, schedules or metrics of the installed Keras."""
    module = importlib.import_module(f"keras.{family}")
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and name not in INFRASTRUCTURE and not inspect.ismodule(value)}


def covered(family):
    """``keras.<family>.<Name>`` names that some parity row compares against, as the bare ``Name``."""
    prefix = f"keras.{family}."
    names = set()
    for table in FAMILIES[family]:
        module = importlib.import_module(table)
        names |= {n[len(prefix):] for n in module.covered_keras_names() if n.startswith(prefix)
                  and "." not in n[len(prefix):]}
    return names


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_public_name_has_a_parity_row(family):
    public, rows = public_names(family), covered(family)
    missing = sorted(public - rows)
    assert not missing, (f"keras.{family} has no parity row for {missing}: add a row to "
                         f"{' or '.join(FAMILIES[family])}")

