"""Where the reference's training step spends its time: by phase, by op, by Python function.

The step is the handbook's (``reference.handbook.train``'s loop body), on the handbook's
model, batches and Adam, after ``plan.profile_warmup_steps`` untimed steps.
Three views, each from its own steps (the first two alternate in rounds):

* **phases** (uninstrumented: one clock reading between phases): ``get_batch``,
  ``forward`` (``model(X)`` inside the tape), ``loss`` (the sparse
  cross-entropy and ``reduce_mean``), ``backward`` (``tape.gradient``),
  ``adam`` (``apply_gradients``) and ``read loss`` (``float(loss)``, the handbook's
  print without the I/O). Medians per phase; their sum is close to the
  median step of :mod:`benchmarks.modes` (which adds the pacing tick).
* **ops** (instrumented): every public function of ``reference.ops`` is
  wrapped to time its forward (self time: nested ops and the tape's
  ``record`` are subtracted), every backward closure it records is wrapped
  to time the backward, and Adam's ``update_step`` and
  ``_flush_subnormals`` are wrapped too. What a phase spends outside them is
  listed as "unattributed" (layers' and models' Python, the tape's walk
  and gradient accumulation, ``apply_gradients``' checks). Per op, the
  median over steps (robust to the machine pausing the process) and the
  mean (which includes what runs only every few steps, and the pauses).
  The wrappers cost ~1 µs per call, so the instrumented step is slower
  than the real one.
* **functions** (``cProfile``): the Python functions with the most self time.

Beside them, the **kernel floor** (:mod:`benchmarks.kernel_floor`): the same step's NumPy calls in
straight-line code, bit for bit the reference's, timed in the same rounds as the phases from the same
start on the same batches. Floor over reference, round by round, is the share of the step that is
NumPy's kernels; the rest is the framework.
"""

import contextlib
import cProfile
import inspect
import pstats
import time

from . import timing, workload
from .kernel_floor import KernelFloor
from .workload import BATCH_SIZE, LEARNING_RATE

PHASES = ("get_batch", "forward", "loss", "backward", "adam", "read loss")
PROFILE_ROUNDS = 10
OPTIMIZER_METHODS = ("update_step", "_flush_subnormals")  # timed too, where the optimizer has them
UNATTRIBUTED = "(unattributed)"


class ReferenceStepProfile:
    """Worker side: the handbook's reference step, profiled three ways (see the module docstring)."""

    def __init__(self, seed=0, data_path=None, blas_threads=1, dtype="float32"):
        from reference import config, handbook, optimizers
        from reference.commands import blas

        config.set_floatx(dtype)
        self.blas_threads = blas_threads
        self._blas = blas
        self.loader = workload.data(data_path, dtype, seed)
        self.model = handbook.MLP()
        self.model.build((None, 28, 28, 1))
        self.model.set_weights(workload.reference_initial_weights(seed, dtype))
        self.optimizer = optimizers.Adam(learning_rate=LEARNING_RATE)
        self.floor = KernelFloor(self.model.get_weights(), learning_rate=LEARNING_RATE)
        self.floor_loader = workload.data(data_path, dtype, seed)   # the reference's batches, drawn again
        self._phase = None

    def warm_up(self, steps):
        with self._blas.threads(self.blas_threads):
            for _ in range(steps):
                self._step(lambda phase: None)
                self._floor_step()

    def _floor_step(self):
        """The kernel floor's step, with the reference's ``get_batch`` and read of the loss."""
        X, y = self.floor_loader.get_batch(BATCH_SIZE)
        float(self.floor.step(X, y))

    def floor_steps(self, steps):
        """``[seconds, one per step]`` of the kernel floor."""
        clock = time.perf_counter
        times = []
        with self._blas.threads(self.blas_threads):
            for _ in range(steps):
                start = clock()
                self._floor_step()
                times.append(clock() - start)
        return times

    def _step(self, mark):
        """One handbook step; ``mark(phase)`` is called as each phase begins, and with ``None`` at the end."""
        from reference import GradientTape, losses, ops

        mark("get_batch")
        X, y = self.loader.get_batch(BATCH_SIZE)
        with GradientTape() as tape:
            mark("forward")
            y_pred = self.model(X)
            mark("loss")
            loss = losses.sparse_categorical_crossentropy(y_true=y, y_pred=y_pred)
            loss = ops.reduce_mean(loss)
        mark("backward")
        grads = tape.gradient(loss, self.model.variables)
        mark("adam")
        self.optimizer.apply_gradients(grads_and_vars=zip(grads, self.model.variables))
        mark("read loss")
        float(loss)
        mark(None)

    def phases(self, steps):
        """``{phase: [seconds, one per step]}``, plus ``"step"`` for the whole step."""
        clock = time.perf_counter
        times = {phase: [] for phase in PHASES + ("step",)}
        state = {"phase": None, "since": 0.0, "start": 0.0}

        def mark(phase):
            now = clock()
            if state["phase"] is None:
                state["start"] = now
            else:
                times[state["phase"]].append(now - state["since"])
            if phase is None:
                times["step"].append(now - state["start"])
            state["phase"], state["since"] = phase, now

        with self._blas.threads(self.blas_threads):
            for _ in range(steps):
                self._step(mark)
        return times

    def ops(self, steps):
        """Instrumented steps: ``{(phase, name, direction): [(seconds, calls) per step]}``.

        Each phase also gets an ``UNATTRIBUTED`` entry per step: its time not
        spent in any timed op.
        """
        clock = time.perf_counter
        series = {}
        step_ops, step_phases = {}, {}
        state = {"phase": None, "since": 0.0}

        def mark(phase):
            now = clock()
            if state["phase"] is not None:
                step_phases[state["phase"]] = step_phases.get(state["phase"], 0.0) + now - state["since"]
            state["phase"], state["since"] = phase, now
            if phase is None:  # the step is over: file its figures
                for (op_phase, name, direction), value in step_ops.items():
                    series.setdefault((op_phase, name, direction), []).append(tuple(value))
                for op_phase, seconds in step_phases.items():
                    attributed = sum(value[0] for key, value in step_ops.items() if key[0] == op_phase)
                    series.setdefault((op_phase, UNATTRIBUTED, ""), []).append((seconds - attributed, 0))
                step_ops.clear()
                step_phases.clear()

        def add(name, direction, seconds):
            entry = step_ops.setdefault((state["phase"], name, direction), [0.0, 0])
            entry[0] += seconds
            entry[1] += 1

        with self._blas.threads(self.blas_threads), _instrumented(self.optimizer, add):
            for _ in range(steps):
                self._step(mark)
        return series

    def functions(self, steps, top=20):
        """The ``top`` functions by self time under ``cProfile``: per step, calls and self/cumulative seconds."""
        profiler = cProfile.Profile()
        with self._blas.threads(self.blas_threads):
            profiler.enable()
            for _ in range(steps):
                self._step(lambda phase: None)
            profiler.disable()
        stats = pstats.Stats(profiler)
        rows = []
        for (filename, line, function), (_, calls, self_time, cumulative, _) in stats.stats.items():
            rows.append({"function": f"{_short_path(filename)}:{line}({function})", "calls_per_step": calls / steps,
                         "self_seconds_per_step": self_time / steps, "cumulative_seconds_per_step": cumulative / steps})
        rows.sort(key=lambda row: -row["self_seconds_per_step"])
        return {"functions": rows[:top], "steps": steps}


def _short_path(filename):
    for marker in ("/reference/", "/numpy/", "/benchmarks/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    return filename.rsplit("/", 1)[-1]


@contextlib.contextmanager
def _instrumented(optimizer, add):
    """Inside the block, ``reference.ops`` and ``optimizer`` report their self times to ``add(name, direction, s)``."""
    from reference import ops

    clock = time.perf_counter
    inner = []   # per active timed call: the time spent in timed calls nested in it
    names = []   # the ops being run, innermost last

    def timed(name, function, direction, is_op=False):
        def wrapper(*args, **kwargs):
            inner.append(0.0)
            if is_op:
                names.append(name)
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = clock() - start
                if is_op:
                    names.pop()
                add(name, direction, elapsed - inner.pop())
                if inner:
                    inner[-1] += elapsed
        return wrapper

    original_record = ops.record

    def record(output, inputs, backward):
        op = names[-1] if names else "?"
        return original_record(output, inputs, timed(op, backward, "backward"))

    methods = [m for m in OPTIMIZER_METHODS if hasattr(optimizer, m)]
    # the ops: the public functions defined in reference.ops itself (its imports, such as record, are not ops)
    originals = {name: fn for name, fn in vars(ops).items()
                 if inspect.isfunction(fn) and fn.__module__ == ops.__name__
                 and not name.startswith("_")}
    try:
        for name, fn in originals.items():
            setattr(ops, name, timed(name, fn, "forward", is_op=True))
        ops.record = timed("tape.record", record, "forward")
        for method in methods:
            setattr(optimizer, method, timed(f"{type(optimizer).__name__}.{method}", getattr(optimizer, method),
                                             "forward"))
        yield
    finally:
        for name, fn in originals.items():
            setattr(ops, name, fn)
        ops.record = original_record
        for method in methods:
            delattr(optimizer, method)  # the class's method shows through again


def run(pool, plan, *, seed, data_path, blas_threads, log=print):
    """Profile the reference's step in the reference-float32 worker; returns the three views.

    The phase and op views alternate in ``PROFILE_ROUNDS`` rounds, so a busy
    spell of the machine weighs on both alike.
    """
    profile = pool["reference-float32"].new(ReferenceStepProfile, seed=seed, data_path=data_path,
                                            blas_threads=blas_threads)
    profile.warm_up(steps=plan.profile_warmup_steps)
    phase_times = {phase: [] for phase in PHASES + ("step",)}
    op_series = {}
    floor_times, floor_ratios = [], []
    rounds = min(PROFILE_ROUNDS, plan.profile_steps, plan.profile_op_steps)
    for _ in range(rounds):
        measured = profile.phases(steps=plan.profile_steps // rounds)
        for phase, values in measured.items():
            phase_times[phase] += values
        floor = profile.floor_steps(steps=plan.profile_steps // rounds)
        floor_times += floor
        floor_ratios.append(timing.quantiles(floor)["median"] / timing.quantiles(measured["step"])["median"])
        for key, values in profile.ops(steps=plan.profile_op_steps // rounds).items():
            op_series.setdefault(key, []).extend(values)
    op_steps = rounds * (plan.profile_op_steps // rounds)
    result = {"blas_threads": blas_threads, "warmup_steps": plan.profile_warmup_steps, "rounds": rounds,
              "phases": {phase: timing.quantiles(values) for phase, values in phase_times.items()},
              "ops": _op_table(op_series, op_steps),
              "floor": {"step": timing.quantiles(floor_times), "ratio": timing.quantiles(floor_ratios)},
              "functions": profile.functions(steps=plan.profile_cprofile_steps)}
    log("  " + ", ".join(f"{phase} {1e6 * result['phases'][phase]['median']:.0f} us" for phase in PHASES)
        + f"; step {1e6 * result['phases']['step']['median']:.0f} us; kernel floor "
        f"{1e6 * result['floor']['step']['median']:.0f} us")
    return result


def _op_table(series, steps):
    """One row per (phase, op, direction): median and mean seconds per step, calls per step.

    A step in which an op did not run (Adam's flush runs every 64th) counts
    as 0 for it, so its median can be 0 while its mean shows the amortised cost.
    """
    rows = []
    for (phase, name, direction), values in series.items():
        seconds = [value[0] for value in values] + [0.0] * (steps - len(values))
        stats = timing.quantiles(seconds)
        rows.append({"phase": phase, "name": name, "direction": direction, "median_seconds": stats["median"],
                     "mean_seconds": stats["mean"], "calls_per_step": sum(value[1] for value in values) / steps})
    rows.sort(key=lambda row: -row["median_seconds"])
    return {"rows": rows, "steps": steps}
