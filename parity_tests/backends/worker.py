"""One side of the backend comparison, in its own process (Keras reads ``KERAS_BACKEND`` once, at import)::

    python -m parity_tests.backends.worker --backend jax --dtype float32 --out jax-float32.npz [--row NAME]

``--backend`` is ``reference`` (the NumPy reference; in float64 it is the oracle), ``tensorflow``, ``jax`` or
``torch``. On the deterministic draws (:mod:`.draws`) it evaluates, with ``floatx`` set to ``--dtype``:

* ``op/<row>/<draw>/value+gradient|dy``: every backend-neutral op row (every op row on the reference and on
  TensorFlow), value and gradient by the side's own autodiff (:mod:`.autodiff`), on the row's pinned examples
  (``<draw>`` is ``pinned<j>``, ``dy = 1``) and on its draws;
* ``case/<id>``: the catalogue's pinned cases (:mod:`.catalogue`), value and gradient for ``dy = 1``;
* ``metric/<row>/<draw>``: every metric row, the result after each chunk, then after ``reset_state``;
* ``optimizer/<row>/<draw>``: every optimizer row, every variable and slot after each of 50 steps;
* ``schedule/<row>/<draw>``: the 6 schedules at steps ``0 .. steps - 1``;
* ``trajectory/loss``, ``trajectory/weights``: the handbook's MLP trained ``--steps`` Adam steps on MNIST.

The file is an ``.npz``: arrays named ``<key>|<i>``, and ``__index__``, a JSON object
``{key: {"n": count, "bits": {i: dtype}} | {"error": "Type: first line"}}``. A side that raises on an entry
records the error and goes on. An array whose dtype NumPy cannot save (``bfloat16``, from ``ml_dtypes``: ``np.save``
writes it as raw ``V2`` bytes) is stored as its bits, its dtype named under ``"bits"``.
"""

import argparse
import json
import os
import sys
import time
import warnings
from fnmatch import fnmatchcase

import numpy as np

from .autodiff import SIDES, to_numpy, value_and_grads

FAMILIES = ("op", "case", "metric", "optimizer", "schedule", "trajectory")


def error_text(exc):
    line = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {line}".rstrip(": ")


class Results:
    """``key -> list of arrays`` or ``key -> error``, saved as one ``.npz``."""

    def __init__(self):
        self.arrays, self.index = {}, {}

    def record(self, key, compute):
        try:
            arrays = [np.asarray(a) for a in compute()]
        except Exception as exc:  # a side that raises is a result
            self.index[key] = {"error": error_text(exc)}
            return None
        self.index[key] = {"n": len(arrays)}
        for i, a in enumerate(arrays):
            if a.dtype.kind == "V":  # an ml_dtypes type: saved as its bits, viewed back by load
                self.index[key].setdefault("bits", {})[str(i)] = a.dtype.name
                a = a.view(f"u{a.dtype.itemsize}")
            self.arrays[f"{key}|{i}"] = a
        return arrays

    def save(self, path):
        from reference.utils.file_utils import atomic_write

        with atomic_write(path, "wb") as f:
            np.savez(f, __index__=np.array(json.dumps(self.index)), **self.arrays)


def load(path):
    """``{key: [arrays] | error string}`` from a worker's file."""
    from reference.config import standardize_dtype

    def array(data, key, entry, i):
        bits = entry.get("bits", {}).get(str(i))
        a = data[f"{key}|{i}"]
        return a.view(standardize_dtype(bits)) if bits else a

    with np.load(path, allow_pickle=False) as data:
        index = json.loads(str(data["__index__"]))
        return {key: entry["error"] if "error" in entry else [array(data, key, entry, i) for i in range(entry["n"])]
                for key, entry in index.items()}


class Side:
    """What evaluating code means on one side: its namespace, its autodiff, its metric and optimizer modules."""

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype
        import reference as rk

        rk.config.set_floatx(dtype)
        self.rk = rk
        if name == "reference":
            self.keras = None
            return
        if name == "jax" and dtype == "float64":
            os.environ["JAX_ENABLE_X64"] = "1"  # without it JAX makes every float64 array float32
        import keras

        keras.config.set_floatx(dtype)
        keras.config.set_dtype_policy(dtype)
        self.keras = keras

    @property
    def is_reference(self):
        return self.keras is None

    def namespace(self):
        if self.is_reference:
            return {"rk": self.rk, "np": np}
        space = {"keras": self.keras, "np": np}
        if self.name == "tensorflow":
            import tensorflow as tf

            space["tf"] = tf
        return space

    def evaluate(self, code, sample, wrt, dy_for):
        """``(value, grads)`` of ``code`` (source text) on ``sample``, differentiated with respect to ``wrt``."""
        space = {**self.namespace(), **sample}
        compiled = compile(code, "<row>", "eval")
        f = lambda *xs: eval(compiled, {**space, **dict(zip(wrt, xs))})  # noqa: E731
        with np.errstate(all="ignore"):
            return value_and_grads(self.name, f, [sample[n] for n in wrt], dy_for)


# --- the families -------------------------------------------------------------------------------------------


def selected(name, rows):
    """Whether row ``name`` is among ``rows`` (``fnmatch`` patterns; ``None``: every row)."""
    return rows is None or any(fnmatchcase(name, pattern) for pattern in rows)


def run_ops(side, results, draws, seed, rows=None):
    from . import draws as D

    for row in D.op_rows():
        if not side.is_reference and side.name != "tensorflow" and not D.backend_neutral(row):
            continue
        if not selected(row.name, rows):
            continue
        code = row.ref if side.is_reference else row.tf
        if os.environ.get("PARITY_BACKENDS_VERBOSE"):
            print(f"  {row.name}", file=sys.stderr, flush=True)
        for i, sample in D.op_cases(row, draws, seed, side.dtype):
            key = f"op/{row.name}/{i}"
            dy = {}

            def dy_for(value, row=row, i=i, dy=dy):
                dy["dy"] = D.upstream(row, i, seed, value)
                return dy["dy"]

            out = results.record(key + "/value+gradient", lambda: _flat(side.evaluate(code, sample, row.grad_wrt,
                                                                                      dy_for)))
            if out is not None and "dy" in dy:
                results.record(key + "/dy", lambda: [dy["dy"]])


def _flat(value_grads):
    value, grads = value_grads
    return [value, *grads]


def run_cases(side, results, rows=None):
    from .catalogue import CATALOGUE

    for entry in CATALOGUE:
        if not selected(entry.id, rows):
            continue
        for j, case in enumerate(entry.cases):
            if side.dtype not in case.dtypes:
                continue
            code = case.ref if side.is_reference else case.keras
            sample = {k: np.asarray(v, dtype=side.dtype) if isinstance(v, list) and case.is_float(k) else
                      np.asarray(v) if isinstance(v, list) else v for k, v in case.inputs.items()}
            results.record(f"case/{entry.id}/{j}", lambda: _flat(side.evaluate(
                code, sample, case.wrt, lambda v: np.ones(np.shape(v), dtype=np.asarray(v).dtype))))


def run_metrics(side, results, draws, seed, rows=None):
    from ..report.metrics import stream
    from . import draws as D

    module = side.rk.metrics if side.is_reference else side.keras.metrics
    for row in D.metric_rows():
        if not selected(row.id, rows):
            continue
        for i, (kwargs, sample, cuts) in enumerate(D.metric_samples(row, draws, seed, side.dtype)):
            results.record(f"metric/{row.id}/{i}", lambda: [to_numpy(r) for r in stream(
                row, module, side.dtype, kwargs, sample, cuts)])


def run_optimizers(side, results, draws, seed, rows=None):
    from .. import optimizer_db as db
    from ..report.optimizers import trajectory_snapshots
    from . import draws as D

    for row in db.ROWS:
        if not selected(row.name, rows):
            continue
        for i, (hp, opts, trajectory) in enumerate(D.optimizer_samples(row, draws, seed)):
            variables = [v.astype(side.dtype) for v in trajectory.variables()]
            steps = [[None if g is None else g.astype(side.dtype) for g in step] for step in trajectory.gradients()]
            snapshots = trajectory_snapshots if side.is_reference else _keras_trajectory
            module = side.rk if side.is_reference else side.keras
            results.record(f"optimizer/{row.name}/{i}", lambda: snapshots(
                row, module, hp, opts, variables, trajectory.names, steps))


def _keras_trajectory(row, keras, hp, opts, variables, names, steps):
    """Every variable and slot after every step, on Keras's variables of the current backend."""
    from .. import optimizer_db as db

    slots = list({**row.slots, **(db.BASE_SLOTS if row.options else {})}.values())
    opt = db.with_options(keras, row, hp, opts)
    kvars = [keras.Variable(v, name=n, dtype=v.dtype.name) for v, n in zip(variables, names)]
    opt.build(kvars)
    snapshots = []
    for step in steps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras warns about the None gradients
            opt.apply_gradients([(None if g is None else keras.ops.convert_to_tensor(g), v)
                                 for g, v in zip(step, kvars)])
        snapshots += [to_numpy(v.value) for v in kvars]
        for path in slots:
            value = db.resolve(opt, path)
            snapshots += [to_numpy(getattr(a, "value", a)) for a in
                          (value if isinstance(value, (list, tuple)) else [value]) if a is not None]
    return snapshots


def run_schedules(side, results, draws, seed, rows=None):
    from .. import optimizer_db as db
    from . import draws as D

    module = side.rk if side.is_reference else side.keras
    for row in db.SCHEDULE_ROWS:
        if not selected(row.name, rows):
            continue
        for i, kwargs in enumerate(D.schedule_samples(row, draws, seed, side.dtype)):
            schedule = getattr(module.optimizers.schedules, row.name)
            results.record(f"schedule/{row.name}/{i}",
                           lambda: [to_numpy(schedule(**kwargs)(step)) for step in range(row.steps)])


def run_trajectory(side, results, steps, seed, data_path):
    from .trajectory import train

    results.record("trajectory/loss", lambda: [train(side, steps, seed, data_path)])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m parity_tests.backends.worker",
                                     description="Evaluate every backend-neutral row on one side; write an .npz.")
    parser.add_argument("--backend", required=True, choices=SIDES)
    parser.add_argument("--dtype", required=True, choices=("float32", "float64"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000, help="trajectory steps (0: no trajectory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=None, help="MNIST (default: $MNIST_PATH, then the Keras cache)")
    parser.add_argument("--family", action="append", choices=FAMILIES, default=None)
    parser.add_argument("--shared-draws", default=None, metavar="FILE",
                        help="the parent's draws (draws.save_shared), so that every side sees the same inputs")
    parser.add_argument("--row", action="append", default=None,
                        help="only the rows (or catalogue entries) matching this fnmatch pattern (repeatable)")
    args = parser.parse_args(argv)
    if args.backend != "reference" and os.environ.get("KERAS_BACKEND") != args.backend:
        raise SystemExit(f"--backend {args.backend} needs KERAS_BACKEND={args.backend} in the environment "
                         f"(Keras reads it at import), got {os.environ.get('KERAS_BACKEND')!r}")
    warnings.simplefilter("ignore")  # Keras's advice (softmax over an axis of size 1, ...) is not a result
    if args.shared_draws:
        from .draws import load_shared

        load_shared(args.shared_draws)
    side = Side(args.backend, args.dtype)
    results = Results()
    families = args.family or FAMILIES
    start = time.perf_counter()
    for family in families:
        if family == "op":
            run_ops(side, results, args.draws, args.seed, args.row)
        elif family == "case":
            run_cases(side, results, args.row)
        elif family == "metric":
            run_metrics(side, results, args.draws, args.seed, args.row)
        elif family == "optimizer":
            run_optimizers(side, results, args.draws, args.seed, args.row)
        elif family == "schedule":
            run_schedules(side, results, args.draws, args.seed, args.row)
        elif family == "trajectory" and args.steps:
            run_trajectory(side, results, args.steps, args.seed, args.data)
        print(f"{args.backend} {args.dtype}: {family} done, {time.perf_counter() - start:.0f} s",
              file=sys.stderr, flush=True)
    results.save(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
