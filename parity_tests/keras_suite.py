"""Keras's own unit tests, run against the reference.

Keras ships its tests in the wheel (``keras/src/losses/losses_test.py``, ``keras/src/metrics/*_test.py``,
``keras/src/optimizers/*_test.py``, ...).
Their golden values are Keras's own statement of what it computes, so the strongest check of a mirror is to run
them with the mirror in Keras's place. :func:`load` reads a test file's source, rewrites the lines that import
the module under test so that they bind the reference's twin instead, and executes the result as a new module;
everything else (``keras.src.testing``, ``backend``, ``ops``, NumPy) stays Keras's, so the assertions are
Keras's own; a suite's ``names`` may rebind a module-level name after loading (the optimizer tests get a
``backend`` whose ``Variable`` is a NumPy array, as the reference's optimizers take). :func:`cases` lists its
test methods, :func:`run` runs one.

``SUITES`` says which files run against which reference package, and, for each, the tests that cannot apply to
a NumPy mirror, each with its reason (``NOT_APPLICABLE``): mostly Keras's serialization registry
(``run_class_serialization_test``, ``saving``), symbolic ``KerasTensor`` inputs and backend variables.
``parity_tests/test_keras_suite.py`` runs every other test and expects it to pass.
"""

import dataclasses
import importlib.util
import re
import types
import unittest
from pathlib import Path

import numpy as np


@dataclasses.dataclass(frozen=True)
class Suite:
    """One Keras test file and the reference modules that replace the modules it tests.

    ``imports`` maps a Keras module path (``"keras.src.losses.losses"``) to the reference module that takes its
    place (``"reference.losses"``). A ``from P import N`` line is rewritten when ``P.N`` or ``P`` is mapped.
    """

    file: str                     # relative to the installed ``keras`` package, e.g. "src/losses/losses_test.py"
    imports: dict
    not_applicable: dict = dataclasses.field(default_factory=dict)  # test id (Class.method or a regex) -> reason
    pending: tuple = ()           # test ids (or regexes) of what the reference does not mirror yet: strict xfail
    names: dict = dataclasses.field(default_factory=dict)  # module-level names to bind after loading, e.g. "backend"

    def reason_not_applicable(self, test_id):
        return next((reason for pattern, reason in self.not_applicable.items() if re.fullmatch(pattern, test_id)),
                    None)

    def is_pending(self, test_id):
        return any(re.fullmatch(pattern, test_id) for pattern in self.pending)


TRAINS = ("compiles a Keras model with the metric and fits it: Keras's trainer calls it on symbolic TF tensors, "
          "which a NumPy metric cannot take (the reference's own fit is checked in test_fit_parity.py)")
SERIALIZATION = "tests Keras's serialization registry (saving/serialization_lib), which the reference does not mirror"

METRICS_IMPORTS = {"keras.src.metrics": "reference.metrics", "keras.src.metrics.metric": "reference.metrics.metric"}

SYMBOLIC = "feeds symbolic KerasTensors (a functional model's placeholders), which NumPy cannot hold"

METRICS_NOT_APPLICABLE = {  # file stem -> {test id pattern: reason}
    "metric": {
        "MetricTest.test_variable_tracking": "tracks Keras backend Variables assigned as attributes; the reference "
                                             "tracks its own, made by add_variable",
        "MetricTest.test_default_dtype": "sets Keras's global floatx and dtype policy, which reference.config does "
                                         "not read",
    },
    "reduction_metrics": {r"MeanTest\.test_weighted_dynamic_shapes": SYMBOLIC,
                          r"MetricWrapperTest\.test_weighted_dynamic_shape": SYMBOLIC},
    "probabilistic_metrics": {r"(Poisson|BinaryCrossentropy|CategoricalCrossentropy|SparseCategoricalCrossentropy)"
                              r"Test\.test_config": SERIALIZATION},
}

CONFUSION_NOT_APPLICABLE = {  # their test_config tests only call get_config/from_config: they run
    "SensitivityAtSpecificityTest.test_handles_sas_metrics": TRAINS,
    "RecallAtPrecisionTest.test_end_to_end": TRAINS,
    "IoUTest.test_compilation": TRAINS,
}

SUITES = {
    "losses": Suite("src/losses/losses_test.py", {"keras.src.losses.losses": "reference.losses"},
                    {r".*\.test_config": SERIALIZATION}),
    **{f"metrics.{stem}": Suite(f"src/metrics/{stem}_test.py", METRICS_IMPORTS, METRICS_NOT_APPLICABLE.get(stem, {}))
       for stem in ("metric", "reduction_metrics", "accuracy_metrics", "probabilistic_metrics", "regression_metrics",
                    "hinge_metrics", "correlation_metrics")},
    "confusion_metrics": Suite("src/metrics/confusion_metrics_test.py",
                               {"keras.src.metrics": "reference.metrics",
                                "keras.src.metrics.metrics_utils": "reference.metrics.metrics_utils"},
                               CONFUSION_NOT_APPLICABLE),
    "f_score_metrics": Suite("src/metrics/f_score_metrics_test.py",
                             {"keras.src.metrics.f_score_metrics": "reference.metrics.f_score_metrics"},
                             CONFUSION_NOT_APPLICABLE),
    "iou_metrics": Suite("src/metrics/iou_metrics_test.py",
                         {"keras.src.metrics.iou_metrics": "reference.metrics.iou_metrics"},
                         CONFUSION_NOT_APPLICABLE),
}


# --- optimizers: Keras's tests make their variables with backend.Variable; the reference's optimizers take ndarrays ---


class NumpyVariable(np.ndarray):
    """A float ndarray standing in for ``backend.Variable`` in Keras's optimizer tests, with the ``name`` (and
    ``path``, which the reference's ``exclude_from_weight_decay`` reads) and ``numpy()`` that they use."""

    def __new__(cls, initializer, shape=None, dtype=None, name=None, **kwargs):
        value = initializer(shape, dtype) if callable(initializer) else initializer
        array = np.array(value, dtype=dtype or "float32").view(cls)
        array.name = array.path = name or "variable"
        return array

    def __array_finalize__(self, obj):
        self.name = self.path = getattr(obj, "name", "variable")

    def numpy(self):
        return np.array(self)  # a copy, as a Keras variable's numpy() is


class _BackendWithNumpyVariables:
    """Keras's ``backend`` module, but ``Variable`` is :class:`NumpyVariable`."""

    Variable = NumpyVariable

    def __init__(self, backend):
        self._backend = backend

    def __getattr__(self, name):
        return getattr(self._backend, name)


OPTIMIZER_FILES = ("adadelta", "adagrad", "adam", "adamax", "adamw", "ftrl", "lion", "nadam", "rmsprop", "sgd",
                   "lamb", "adafactor", "schedule_free_adamw", "muon", "loss_scale_optimizer")

OPTIMIZER_IMPORTS = {f"keras.src.optimizers.{stem}": f"reference.optimizers.{stem}" for stem in OPTIMIZER_FILES}

OPTIMIZERS_TRAIN = ("compiles a Keras model with the optimizer: Keras's trainer accepts only its own optimizers "
                    "(the reference's own fit is checked in test_fit_parity.py)")
MUON_PRIVATE = ("calls Muon's private helpers with Keras's signatures (the reference's take the variable's index "
                "and NumPy dtypes)")
OPTIMIZERS_NOT_APPLICABLE = {
    r".*\.test_config": SERIALIZATION,
    r".*\.(test_with_model|test_model_fit|test_clipnorm_indexed_slices)": OPTIMIZERS_TRAIN,
    r"LionTest\.test_ema": OPTIMIZERS_TRAIN,
    r"MuonTest\.(test_should_use_adamw|test_muon_weight_decay|test_adamw_weight_decay|test_muon_single_step|"
    r"test_adamw_single_step|test_Newton_Schulz|test_lr_adjust_2d)": MUON_PRIVATE,
    r"AdamTest\.test_ema(_overwrite_frequency)?": "reads Keras's private `_model_variables_moving_average`; the "
                                                  "reference's is the public `model_variables_moving_average` "
                                                  "(compared with Keras's in test_optimizers.py)",
    r"NadamTest\.test_build_with_empty_var_list": "reads Keras's private `_u_product`; the reference's is "
                                                  "`u_product` (compared after every step in test_optimizers.py)",
    r"LossScaleOptimizerTest\.test_(upscaling|downscaling|iterations_update)_stateful":
        "reads the optimizer's state as Keras variables (`v.value`); the reference's are ndarrays, compared with "
        "Keras's in test_mixed_precision.py",
}
OPTIMIZERS_PENDING = (
    "SGDTest.test_single_step",  # Keras's `variables` starts with the iteration counter and the learning rate
    # a variable's `overwrite_with_gradient` flag (float8 training: the gradient replaces the variable)
    r"LossScaleOptimizerTest\.test_finite_step_with_overwrite_stateful",
)

SUITES.update({
    f"optimizers.{stem}": Suite(f"src/optimizers/{stem}_test.py", OPTIMIZER_IMPORTS,
                                OPTIMIZERS_NOT_APPLICABLE, OPTIMIZERS_PENDING,
                                names={"backend": _BackendWithNumpyVariables})
    for stem in OPTIMIZER_FILES})


def keras_root():
    """The folder of the installed ``keras`` package."""
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("keras is not installed: pip install -e '.[tf]'")
    return Path(list(spec.submodule_search_locations)[0])


_FROM_IMPORT = re.compile(r"^from (?P<package>[\w.]+) import (?P<name>\w+)(?: as (?P<alias>\w+))?\s*$")


def rewrite(source, imports):
    """``source`` with each ``from P import N [as A]`` of a mapped module bound to its reference twin instead."""
    lines = []
    for line in source.splitlines():
        match = _FROM_IMPORT.match(line)
        if match:
            package, name, alias = match["package"], match["name"], match["alias"] or match["name"]
            if f"{package}.{name}" in imports:                   # a module: from keras.src.losses import losses
                line = f"import {imports[f'{package}.{name}']} as {alias}"
            elif package in imports:                             # a name in a module: from keras.src.metrics import X
                line = f"from {imports[package]} import {name} as {alias}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def load(suite):
    """Keras's test module for ``suite``, with the reference in place of the modules it tests."""
    path = keras_root() / suite.file
    module = types.ModuleType(f"keras_suite.{path.stem}")
    module.__file__ = str(path)
    exec(compile(rewrite(path.read_text(encoding="utf-8"), suite.imports), str(path), "exec"), module.__dict__)
    module.__dict__.update({name: make(module.__dict__[name]) for name, make in suite.names.items()})
    return module


def cases(module):
    """``[(test id, TestCase class, method name)]`` for every test method of ``module``, in source order."""
    found = []
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, unittest.TestCase) and value.__module__ == module.__name__:
            loader = unittest.TestLoader()
            found += [(f"{value.__name__}.{name}", value, name) for name in loader.getTestCaseNames(value)]
    return found


def _pytest_skip_reason(function):
    """The reason of a ``pytest.mark.skipif`` on ``function`` whose condition holds (Keras's backend-specific
    tests: under pytest Keras skips them; ``unittest`` would not read the mark), else ``None``."""
    for mark in getattr(function, "pytestmark", []):
        if mark.name == "skipif" and mark.args and mark.args[0]:
            return mark.kwargs.get("reason", "skipif")
    return None


def run(cls, method):
    """Run one test method; returns ``(outcome, detail)``: ``"passed"``, ``"failed"`` (with the traceback) or
    ``"skipped"`` (with the reason, Keras's own ``skipif`` marks included)."""
    reason = _pytest_skip_reason(getattr(cls, method))
    if reason:
        return "skipped", reason
    result = unittest.TestResult()
    cls(method).run(result)
    if result.failures or result.errors:
        return "failed", (result.failures + result.errors)[0][1]
    if result.skipped:
        return "skipped", result.skipped[0][1]
    return "passed", ""
