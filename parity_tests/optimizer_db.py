"""The optimizer table: one :class:`OptimizerInfo` row per optimizer, one :class:`ScheduleInfo` row per schedule.

``parity_tests/test_optimizers.py`` runs over the rows: trajectories of >= 50 steps against Keras with variables
in float32, float64, float16 and bfloat16, with hypothesis-drawn hyperparameters, base-class options and gradient
streams; every slot is
compared after every step. The schedules are compared value by value over ranges of steps.

**Adding an optimizer is adding a row**::

    OptimizerInfo(
        name="Lion",                                      # the class, in reference.optimizers and keras.optimizers
        hyperparameters=lambda: st.fixed_dictionaries({   # strategy of constructor kwargs
            "learning_rate": S.learning_rates(), "beta_1": S.unit_interval(0.01, 1.0, [0.9])}),
        slots={"momentums": "_momentums"},               # reference attribute -> Keras attribute
        tol="optimizer",                                  # tolerances.RULES key
    )

A slot path may be dotted and indexed (``"optimizers[0].momentums"``); its value is a list of arrays (one per
variable, ``None`` where the optimizer keeps none) or one array. The table never imports TensorFlow: the
``make`` functions take the module (``reference`` or ``keras``) whose ``optimizers`` they build from.
"""

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from . import strategies as S
from .strategies import Trajectory, trajectories  # noqa: F401 - the gradient streams, re-exported for the tests

# --- hyperparameters ----------------------------------------------------------------------------

EPSILONS = st.sampled_from([1e-7, 1e-8, 1e-4, 1e-3])


def _hp(**entries):
    return lambda: st.fixed_dictionaries({"learning_rate": S.learning_rates(), **entries})


def _keras_class(name):
    return lambda module, hp: getattr(module.optimizers, name)(**hp)


def _multi(module, hp):
    """Adam for every variable but ``var0``, which gets SGD with momentum (an OptimizerMap)."""
    o = module.optimizers
    default = o.Adam(learning_rate=hp["learning_rate"], beta_1=hp["beta_1"])
    return o.MultiOptimizer(o.OptimizerMap(default_optimizer=default,
                                           optimizer_map={"var0": o.SGD(learning_rate=hp["sgd_learning_rate"],
                                                                        momentum=hp["momentum"])}),
                            loss_scale_factor=hp.get("loss_scale_factor"))


@dataclass(frozen=True)
class OptimizerInfo:
    """One checked optimizer class.

    Attributes:
        name: the class name, the same in ``reference.optimizers`` and ``keras.optimizers``.
        hyperparameters: ``() -> strategy`` of constructor kwargs.
        slots: ``{reference path: Keras path}`` of every per-variable state, compared after every step.
        tol: the tolerance key (``tolerances.RULES``).
        dtypes: the dtypes the row runs in.
        options: whether the base-class options (weight decay, clipping, EMA, ...) are drawn for it.
        keep: variables that must get a gradient at every step (an inner optimizer with all ``None`` raises).
        make: ``(module, kwargs) -> optimizer``; by default ``module.optimizers.<name>(**kwargs)``.
        keras_names: the ``keras.optimizers.<Name>`` the row covers (default: ``name``).
        note: why the row departs from the defaults.
    """

    name: str
    hyperparameters: Callable[[], Any]
    slots: dict
    tol: str = "optimizer"
    dtypes: tuple = S.OPTIMIZER_DTYPES
    options: bool = True
    keep: tuple = ()
    make: Callable = None
    keras_names: tuple = ()
    note: str = ""

    def __repr__(self):
        return f"optimizer_db.BY_NAME[{self.name!r}]"

    def build(self, module, kwargs):
        return (self.make or _keras_class(self.name))(module, kwargs)


ROWS = [
    OptimizerInfo("SGD", _hp(momentum=S.unit_interval(0.0, 0.99, [0.0, 0.9]), nesterov=st.booleans()),
                  {"momentums": "momentums"}),
    OptimizerInfo("RMSprop", _hp(rho=S.unit_interval(0.5, 0.99, [0.9]), momentum=S.unit_interval(0.0, 0.99, [0.0, 0.9]),
                                 epsilon=EPSILONS, centered=st.booleans()),
                  {"velocities": "_velocities", "momentums": "_momentums", "average_gradients": "_average_gradients"},
                  note="rho >= 0.5: centered RMSprop divides by v - a² + ε, whose conditioning grows like ρ^-T"),
    OptimizerInfo("Adam", _hp(beta_1=S.unit_interval(0.0, 0.99, [0.9]), beta_2=S.unit_interval(0.0, 0.9999, [0.999]),
                              epsilon=EPSILONS, amsgrad=st.booleans()),
                  {"momentums": "_momentums", "velocities": "_velocities", "velocity_hats": "_velocity_hats"}),
    OptimizerInfo("AdamW", _hp(weight_decay=S.unit_interval(0.0, 0.5, [0.004]),
                               beta_1=S.unit_interval(0.0, 0.99, [0.9]), beta_2=S.unit_interval(0.0, 0.9999, [0.999]),
                               epsilon=EPSILONS, amsgrad=st.booleans()),
                  {"momentums": "_momentums", "velocities": "_velocities", "velocity_hats": "_velocity_hats"}),
    OptimizerInfo("Adadelta", _hp(rho=S.unit_interval(0.5, 0.99, [0.95]), epsilon=EPSILONS),
                  {"accumulated_grads": "_accumulated_grads", "accumulated_delta_vars": "_accumulated_delta_vars"}),
    OptimizerInfo("Adagrad", _hp(initial_accumulator_value=st.sampled_from([0.1, 0.0, 1.0, 0.01]), epsilon=EPSILONS),
                  {"accumulators": "_accumulators"}),
    OptimizerInfo("Adamax", _hp(beta_1=S.unit_interval(0.0, 0.99, [0.9]), beta_2=S.unit_interval(0.0, 0.9999, [0.999]),
                                epsilon=EPSILONS),
                  {"m": "_m", "u": "_u"}),
    OptimizerInfo("Adafactor", _hp(beta_2_decay=st.sampled_from([-0.8, -0.5, -1.0]),
                                   epsilon_1=st.sampled_from([1e-30, 1e-20]), epsilon_2=st.sampled_from([1e-3, 1e-2]),
                                   clip_threshold=st.sampled_from([1.0, 0.5, 2.0]), relative_step=st.booleans()),
                  {"r": "_r", "c": "_c", "v": "_v"}),
    OptimizerInfo("Ftrl", _hp(learning_rate_power=st.sampled_from([-0.5, 0.0, -0.25, -1.0]),
                              initial_accumulator_value=st.sampled_from([0.1, 0.5, 1.0]),
                              l1_regularization_strength=st.sampled_from([0.0, 0.01, 0.1]),
                              l2_regularization_strength=st.sampled_from([0.0, 0.01, 0.1]),
                              l2_shrinkage_regularization_strength=st.sampled_from([0.0, 0.01, 0.1]),
                              beta=st.sampled_from([0.0, 0.1, 1.0])),
                  {"accumulators": "_accumulators", "linears": "_linears"}),
    OptimizerInfo("Lamb", _hp(beta_1=S.unit_interval(0.0, 0.99, [0.9]), beta_2=S.unit_interval(0.5, 0.9999, [0.999]),
                              epsilon=EPSILONS),
                  {"momentums": "_momentums", "velocities": "_velocities"}),
    OptimizerInfo("Lion", _hp(beta_1=S.unit_interval(0.01, 1.0, [0.9]), beta_2=S.unit_interval(0.0, 0.999, [0.99])),
                  {"momentums": "_momentums"}),
    OptimizerInfo("Nadam", _hp(beta_1=S.unit_interval(0.0, 0.99, [0.9]), beta_2=S.unit_interval(0.0, 0.9999, [0.999]),
                               epsilon=EPSILONS),
                  {"momentums": "_momentums", "velocities": "_velocities", "u_product": "_u_product"}),
    OptimizerInfo("Muon", _hp(momentum=S.unit_interval(0.0, 0.99, [0.95]), nesterov=st.booleans(),
                              ns_steps=st.sampled_from([5, 1, 3]), rms_rate=st.sampled_from([0.2, None, 1.0]),
                              adam_lr_ratio=st.sampled_from([1, 0.5]), weight_decay=st.sampled_from([0.004, 0.0, 0.1]),
                              adam_weight_decay=st.sampled_from([0.004, 0.0, 0.1]),
                              exclude_layers=st.sampled_from([None, ["var1"]]), exclude_embeddings=st.booleans()),
                  {"momentums": "momentums", "adam_velocities": "adam_velocities"}, tol="muon",
                  dtypes=("float32", "float16", "bfloat16"),
                  note="no float64: Keras fails there (departure muon-float64)"),
    OptimizerInfo("ScheduleFreeAdamW", _hp(beta_1=S.unit_interval(0.1, 0.99, [0.9]),
                                           beta_2=S.unit_interval(0.0, 0.9999, [0.999]), epsilon=EPSILONS,
                                           warmup_steps=st.sampled_from([0, 5, 20])),
                  {"momentums": "_momentums", "velocities": "_velocities"},
                  note="beta_1 >= 0.1: x = (y - (1-β₁)z)/β₁ amplifies rounding by 1/β₁"),
    OptimizerInfo("MultiOptimizer",
                  lambda: st.fixed_dictionaries({"learning_rate": S.learning_rates(),
                                                 "beta_1": S.unit_interval(0.0, 0.99, [0.9]),
                                                 "sgd_learning_rate": S.learning_rates(),
                                                 "momentum": S.unit_interval(0.0, 0.99, [0.9]),
                                                 "loss_scale_factor": st.sampled_from([None, 4.0])}),
                  {"optimizers[0].momentums": "optimizers[0].momentums",
                   "optimizers[1].momentums": "optimizers[1]._momentums",
                   "optimizers[1].velocities": "optimizers[1]._velocities"},
                  options=False, keep=(0,), make=_multi, keras_names=("MultiOptimizer", "OptimizerMap")),
]

BY_NAME = {row.name: row for row in ROWS}

BASE_SLOTS = {"model_variables_moving_average": "_model_variables_moving_average",
              "accumulated_gradients": "_accumulated_gradients"}
"""The base class's per-variable state (EMA averages, gradient accumulators), compared beside a row's ``slots``
when the row draws the base-class options."""

# --- the base-class options -------------------------------------------------------------------

CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")
OPTIONS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "loss_scale_factor",
           "gradient_accumulation_steps", "schedule")


def option_values(option):
    """Strategy of the constructor kwargs that switch ``option`` on (``schedule``: a learning-rate schedule)."""
    norms = st.sampled_from([0.1, 1.0, 5.0]) | S.floats("float64", 0.01, 10.0)
    if option == "weight_decay":
        return st.fixed_dictionaries({"weight_decay": st.sampled_from([0.004, 0.1, 0.5])})
    if option in CLIPPING:
        return st.fixed_dictionaries({option: norms})
    if option == "use_ema":
        return st.fixed_dictionaries({"use_ema": st.just(True),
                                      "ema_momentum": st.sampled_from([0.99, 0.0, 0.5, 0.9]),
                                      "ema_overwrite_frequency": st.sampled_from([None, 1, 3, 7])})
    if option == "loss_scale_factor":
        return st.fixed_dictionaries({"loss_scale_factor": st.sampled_from([0.5, 128.0, 1024.0, 3.0])})
    if option == "gradient_accumulation_steps":
        return st.fixed_dictionaries({"gradient_accumulation_steps": st.integers(2, 4)})
    if option == "schedule":
        return st.fixed_dictionaries({"schedule": st.sampled_from(SCHEDULE_ROWS).flatmap(
            lambda row: row.kwargs(short=True).map(lambda kw: (row.name, kw)))})
    raise ValueError(f"Unknown option {option!r}; expected one of {OPTIONS}.")


@st.composite
def options(draw, names=OPTIONS):
    """Some base-class options at once (at most one clipping), as one kwargs dict."""
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    clip = [c for c in chosen if c in CLIPPING]
    chosen = [c for c in chosen if c not in CLIPPING] + clip[:1]
    kwargs = {}
    for option in chosen:
        kwargs.update(draw(option_values(option), label=option))
    return kwargs


def with_options(module, row, hp, opts):
    """The row's optimizer with ``opts`` (a ``schedule`` entry becomes the learning rate)."""
    kwargs = dict(hp)
    opts = dict(opts)
    schedule = opts.pop("schedule", None)
    if schedule is not None:
        name, schedule_kwargs = schedule
        kwargs["learning_rate"] = getattr(module.optimizers.schedules, name)(**schedule_kwargs)
    kwargs.update(opts)
    return row.build(module, kwargs)


# --- schedules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleInfo:
    """One checked schedule: ``kwargs(short)`` is a strategy of constructor kwargs (``short``: periods of a
    few steps, for trajectories); values are compared over ``range(steps)``."""

    name: str
    kwargs: Callable[..., Any]
    steps: int = 120
    tol: str = "schedule"

    def __repr__(self):
        return f"optimizer_db.SCHEDULE_BY_NAME[{self.name!r}]"


def _decay_steps(short):
    return st.integers(1, 10) if short else st.integers(1, 100)


LR0 = st.sampled_from([0.1, 1e-3, 1.0]) | S.floats("float64", 1e-4, 1.0)

SCHEDULE_ROWS = [
    ScheduleInfo("ExponentialDecay", lambda short=False: st.fixed_dictionaries({
        "initial_learning_rate": LR0, "decay_steps": _decay_steps(short),
        "decay_rate": st.sampled_from([0.96, 0.5, 0.99]) | S.floats("float64", 0.1, 1.0), "staircase": st.booleans()})),
    ScheduleInfo("PiecewiseConstantDecay", lambda short=False: st.integers(1, 4).flatmap(
        lambda n: st.fixed_dictionaries({
            "boundaries": st.lists(st.integers(0, 20 if short else 100), min_size=n, max_size=n,
                                   unique=True).map(sorted),
            "values": st.lists(LR0, min_size=n + 1, max_size=n + 1)}))),
    ScheduleInfo("PolynomialDecay", lambda short=False: st.fixed_dictionaries({
        "initial_learning_rate": LR0, "decay_steps": _decay_steps(short),
        "end_learning_rate": st.sampled_from([1e-4, 0.0, 0.01]), "power": st.sampled_from([1.0, 0.5, 2.0, 3.0]),
        "cycle": st.booleans()})),
    ScheduleInfo("InverseTimeDecay", lambda short=False: st.fixed_dictionaries({
        "initial_learning_rate": LR0, "decay_steps": _decay_steps(short),
        "decay_rate": st.sampled_from([0.5, 1.0, 0.1]), "staircase": st.booleans()})),
    ScheduleInfo("CosineDecay", lambda short=False: st.fixed_dictionaries({
        "initial_learning_rate": st.sampled_from([0.0, 0.1]) | LR0, "decay_steps": _decay_steps(short),
        "alpha": st.sampled_from([0.0, 0.1, 0.5]),
        "warmup_target": st.sampled_from([None, 0.1, 1.0]), "warmup_steps": st.integers(0, 10 if short else 50)})),
    ScheduleInfo("CosineDecayRestarts", lambda short=False: st.fixed_dictionaries({
        "initial_learning_rate": LR0, "first_decay_steps": _decay_steps(short),
        "t_mul": st.sampled_from([2.0, 1.0, 1.5]), "m_mul": st.sampled_from([1.0, 0.5, 0.9]),
        "alpha": st.sampled_from([0.0, 0.1])})),
]

SCHEDULE_BY_NAME = {row.name: row for row in SCHEDULE_ROWS}


def float64_schedule_kwargs(kwargs):
    """``kwargs`` with the initial learning rate (or the values) as ``np.float64``: Keras then computes the
    schedule in float64 (from a Python float it computes in float32)."""
    kwargs = dict(kwargs)
    if "initial_learning_rate" in kwargs:
        kwargs["initial_learning_rate"] = np.float64(kwargs["initial_learning_rate"])
    else:
        kwargs["values"] = [np.float64(v) for v in kwargs["values"]]
    return kwargs


_TYPES = (lambda v: v, float, np.float32, np.float64, int, np.int64)  # how a user might type a number


def _typed(kind, value):
    """``value`` typed as ``kind``; a learning rate (a float of [0, 1]) made an integer is ``round(3·value)``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if kind in (int, np.int64) and isinstance(value, float):
        value = round(3 * value)
    return kind(value)


@st.composite
def typed_schedule_kwargs(draw, kwargs):
    """Strategy: a row's ``kwargs`` with each number typed as a user might (the numbers of a list alike, or each
    its own way). Keras computes a schedule in the dtype of ``initial_learning_rate`` (``values[0]``) as a tensor
    and casts the other arguments to it: a Python int makes it int32, where ``decay_rate=0.5`` truncates to 0."""
    def kind():
        return draw(st.sampled_from(_TYPES))

    typed = {}
    for name, value in kwargs.items():
        if isinstance(value, list):
            kinds = [kind()] * len(value) if draw(st.booleans()) else [kind() for _ in value]
            typed[name] = [_typed(k, v) for k, v in zip(kinds, value)]
        else:
            typed[name] = _typed(kind(), value)
    return typed


# --- slot paths -------------------------------------------------------------------------------


def resolve(obj, path):
    """``obj.a.b[0].c`` for ``path = "a.b[0].c"``; a missing attribute is ``[]`` (an optimizer without that
    slot, e.g. SGD without momentum)."""
    for part in path.split("."):
        match = re.fullmatch(r"(\w+)((?:\[\d+\])*)", part)
        obj = getattr(obj, match.group(1), None)
        if obj is None:
            return []
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            obj = obj[int(index)]
    return obj


def covered_keras_names():
    """Every ``keras.optimizers.<Name>`` and ``keras.optimizers.schedules.<Name>`` a row compares against
    (read by ``test_coverage.py``)."""
    names = {f"keras.optimizers.{n}" for row in ROWS for n in (row.keras_names or (row.name,))}
    return names | {f"keras.optimizers.schedules.{row.name}" for row in SCHEDULE_ROWS}
