"""The optimizer table's rows (``parity_tests/optimizer_db``) measured: trajectories and schedules.

**Trajectories.** Each draw comes from the row's strategies, as ``test_optimizers.py`` draws them: hyperparameters,
base-class options (for rows that take them) and a float32 gradient stream of :data:`STEPS` steps. The reference
(float32 NumPy arrays), Keras (float32 ``keras.Variable``s) and the oracle (the reference on the same variables and
gradients cast to float64) each take the steps; after *every* step every variable and every slot (the row's and the
base class's: EMA averages, gradient accumulators) is one compared array. A drawn schedule computes the learning
rate in float32 on every side, the oracle included (Keras casts the Python floats it is given).

**Schedules.** Each draw is the row's constructor kwargs; the compared values are the schedule at steps
``0 .. row.steps - 1``: the reference and Keras built from Python floats (float32 arithmetic, as Keras), the
oracle the reference built from ``np.float64`` values (``optimizer_db.float64_schedule_kwargs``).
"""

import dataclasses
import warnings

import numpy as np
from hypothesis import strategies as st

import reference as rk

from .. import optimizer_db as db
from .draws import hypothesis_draws
from .errors import RowFigures, measure

STEPS = 50
TRAJECTORY_TEST = "parity_tests/test_optimizers.py::test_trajectory_matches_keras"
SCHEDULE_TEST = "parity_tests/test_optimizers.py::test_schedule_matches_keras"


def trajectory_id(row):
    return f"{TRAJECTORY_TEST}[{row.name}-float32]"


def schedule_id(row):
    return f"{SCHEDULE_TEST}[{row.name}-float32]"


def keras_names(row):
    """``keras.optimizers.<Name>`` for each Keras class the row covers (as ``optimizer_db.covered_keras_names``)."""
    return [f"keras.optimizers.{n}" for n in (row.keras_names or (row.name,))]


def _slots(row, opt, paths):
    """The arrays of every slot, in the table's order (``None`` entries dropped, as the test does)."""
    arrays = []
    for path in paths:
        value = db.resolve(opt, path)
        arrays += [np.array(a) for a in (value if isinstance(value, (list, tuple)) else [value]) if a is not None]
    return arrays


def trajectory_snapshots(row, module, hp, opts, variables, names, steps):
    """Every variable and slot after every step, as one list of arrays."""
    slots = {**row.slots, **(db.BASE_SLOTS if row.options else {})}
    opt = db.with_options(module, row, hp, opts)
    snapshots = []
    if module is rk:
        opt.build(variables, names=names)
        paths = list(slots)
        for step in steps:
            opt.apply_gradients(zip([None if g is None else g.copy() for g in step], variables))
            snapshots += [np.array(v) for v in variables] + _slots(row, opt, paths)
        return snapshots
    import tensorflow as tf

    tf_vars = [module.Variable(v, name=n, dtype=v.dtype.name) for v, n in zip(variables, names)]
    opt.build(tf_vars)
    paths = list(slots.values())
    for step in steps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns about the None gradients
            opt.apply_gradients([(None if g is None else tf.constant(g), v) for g, v in zip(step, tf_vars)])
        snapshots += [np.array(v) for v in tf_vars] + [np.asarray(a) for a in _slots(row, opt, paths)]
    return snapshots


RANGE_EDGES = ("huge", "edge")
"""Gradient kinds at float32's range edges (1e30, a quarter of float32's max, subnormals): the suite's to check
against Keras. The float64 oracle neither overflows nor flushes where float32 must, so an error against it there
measures float32's range, not an implementation. The report draws ordinary gradients in their place."""


def within_float32_range(trajectory):
    return dataclasses.replace(trajectory, kinds=tuple("normal" if k in RANGE_EDGES else k for k in trajectory.kinds))


def _trajectory_cases(row, draws, seed, keras):
    strategy = st.tuples(row.hyperparameters(), db.options() if row.options else st.just({}),
                         db.trajectories("float32", STEPS, keep=row.keep))
    for hp, opts, trajectory in hypothesis_draws(strategy, draws, seed, row.name):
        trajectory = within_float32_range(trajectory)
        def run(module, dtype, hp=hp, opts=opts, trajectory=trajectory):
            def steps():
                variables = [v.astype(dtype) for v in trajectory.variables()]
                grads = [[None if g is None else g.astype(dtype) for g in step] for step in trajectory.gradients()]
                return {"value": trajectory_snapshots(row, module, hp, opts, variables, trajectory.names, grads)}
            return steps

        yield {"oracle": run(rk, np.float64), "reference": run(rk, np.float32), "keras_tf": run(keras, np.float32)}


def _schedule_cases(row, draws, seed, keras):
    import tensorflow as tf

    for kwargs in hypothesis_draws(row.kwargs(), draws, seed, row.name):
        def values(make, call, kwargs=kwargs):
            return lambda: {"value": [np.asarray(call(make(**kwargs), step)) for step in range(row.steps)]}

        ref_class = getattr(rk.optimizers.schedules, row.name)
        yield {"oracle": values(lambda **kw: ref_class(**db.float64_schedule_kwargs(kw)), lambda s, t: s(t)),
               "reference": values(ref_class, lambda s, t: s(t)),
               "keras_tf": values(getattr(keras.optimizers.schedules, row.name),
                                  lambda s, t: s(tf.constant(t, tf.int64)).numpy())}


def measure_optimizers(draws, seed, keras, only=None):
    """Every optimizer row's trajectories, ``draws`` each: a list of :class:`~.errors.RowFigures`."""
    measured = []
    for row in db.ROWS:
        rid = trajectory_id(row)
        if not only or only(rid):
            figures = RowFigures(rid, "optimizer", "optimizers", keras_names(row), TRAJECTORY_TEST, "trajectory")
            measured.append(measure(figures, _trajectory_cases(row, draws, seed, keras)))
    return measured


def measure_schedules(draws, seed, keras, only=None):
    """Every schedule row, ``draws`` kwargs each: a list of :class:`~.errors.RowFigures`."""
    measured = []
    for row in db.SCHEDULE_ROWS:
        rid = schedule_id(row)
        if not only or only(rid):
            figures = RowFigures(rid, "schedule", "schedules", [f"keras.optimizers.schedules.{row.name}"],
                                 SCHEDULE_TEST, "value")
            measured.append(measure(figures, _schedule_cases(row, draws, seed, keras)))
    return measured


LOSS_SCALE_TEST = ("parity_tests/test_mixed_precision.py::"
                   "test_loss_scale_optimizer_matches_keras_through_non_finite_steps")
LOSS_SCALE_ID = f"{LOSS_SCALE_TEST}[float32]"
INNER = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}


def loss_scale_snapshots(module, name, inner_kwargs, kwargs, variables, grads):
    """A ``LossScaleOptimizer`` around ``name`` through ``grads`` (finite, non-finite and huge steps): every
    variable and the dynamic scale after every step, as one list of arrays."""
    optimizer = module.optimizers.LossScaleOptimizer(getattr(module.optimizers, INNER[name])(**inner_kwargs),
                                                     **kwargs)
    snapshots = []
    if module is rk:
        for step in grads:
            with np.errstate(all="ignore"):
                optimizer.apply([None if g is None else g.copy() for g in step], variables)
            snapshots += [np.array(v) for v in variables] + [np.asarray(optimizer.dynamic_scale)]
        return snapshots
    import tensorflow as tf

    tf_vars = [tf.Variable(v) for v in variables]
    for step in grads:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns about the None gradients
            optimizer.apply([None if g is None else tf.constant(g) for g in step], tf_vars)
        snapshots += [v.numpy() for v in tf_vars] + [np.asarray(optimizer.dynamic_scale.numpy())]
    return snapshots


def _loss_scale_cases(draws, seed, keras):
    from ..strategies import loss_scale_trajectory

    for name, inner_kwargs, kwargs, variables, grads in hypothesis_draws(loss_scale_trajectory("float32"), draws,
                                                                          seed, "LossScaleOptimizer"):
        def run(module, dtype, name=name, inner_kwargs=inner_kwargs, kwargs=kwargs, variables=variables,
                grads=grads):
            def steps():
                cast = [[None if g is None else g.astype(dtype) for g in step] for step in grads]
                return {"value": loss_scale_snapshots(module, name, inner_kwargs, kwargs,
                                                      [v.astype(dtype) for v in variables], cast)}
            return steps

        yield {"oracle": run(rk, np.float64), "reference": run(rk, np.float32), "keras_tf": run(keras, np.float32)}


def measure_loss_scale(draws, seed, keras, only=None):
    """``LossScaleOptimizer`` through drawn streams with non-finite steps: a list of one :class:`RowFigures`."""
    if only and not only(LOSS_SCALE_ID):
        return []
    figures = RowFigures(LOSS_SCALE_ID, "optimizer", "optimizers", ["keras.optimizers.LossScaleOptimizer"],
                         LOSS_SCALE_TEST, "trajectory")
    return [measure(figures, _loss_scale_cases(draws, seed, keras))]
