"""Throughput of the handbook's training step as the batch size and the hidden width grow.

Two sweeps: the batch size at the handbook's width (100 units), and the width at
the handbook's batch size (50). At each point, each side builds the MLP at that
width with fresh weights and a fresh Adam, draws two MNIST batches (reused in
turn: the batch draw is not part of what is timed here, unlike in
:mod:`benchmarks.modes`), runs a few warm-up steps, and then times steps in
blocks, the sides taking turns, ``plan.sweep_rounds`` blocks each.

Sides: the reference's step (``benchmarks.workload.reference_train_step``,
the handbook's loop body) with 1 and with 2 BLAS threads, its kernel floor
(:mod:`benchmarks.kernel_floor`: the same NumPy calls with no framework) with
1 BLAS thread, ``tf_impl``'s step
under ``tf.function`` (TensorFlow's default threads: all cores), and the
peers that are installed (``PEER_SIDES``: PyTorch eager and ``jax.jit``,
each with its framework's default threads and initialisation;
``torch.compile`` is left out, as it would recompile, for seconds, at every
point).

Figures per side and point, from the median step time ``t``: samples/s
(``batch / t``), GFLOP/s (``workload.matmul_flops / t``, the matrix
products only) and that as a fraction of the machine's measured float32
matrix-product peak at the side's thread count (measured at the start and at
the end of the run; the best of both). And per side, where its per-step
overhead stops mattering (``half_best_batch``): the smallest batch size at
which its throughput reaches half of its best over the batch sweep.
"""

import functools
import time

from . import peers, timing, workload
from .kernel_floor import KernelFloor
from .peers.runs import JaxSweep, TorchSweep
from .workload import BATCH_SIZE, HIDDEN, LEARNING_RATE

# After a block with 2 BLAS threads, OpenBLAS's idle worker thread keeps spinning for a while;
# wait that long so it does not steal a core from the next side's block.
SETTLE_S = 0.1

# side key (also its worker's name: the worker of that mode) -> (label, framework, worker-side class)
PEER_SIDES = {"torch-eager": ("PyTorch eager", "torch", TorchSweep), "jax-jit": ("jax.jit", "jax", JaxSweep)}


class ReferenceSweep:
    """Worker side: the reference's handbook step at one (batch size, width) point at a time."""

    def __init__(self, seed=0, data_path=None):
        self._seed = seed
        self._loader = workload.data(data_path, "float32", seed)

    def prepare(self, batch_size, hidden, warmup_steps):
        """Build the point's model, optimizer and batches; run ``warmup_steps`` (1 BLAS thread); return the
        last one's time."""
        from reference import initializers, optimizers

        initializers.set_random_seed(self._seed)
        model = workload.reference_mlp(hidden)
        model.build((None, 28, 28, 1))
        self._floor = KernelFloor(model.get_weights(), learning_rate=LEARNING_RATE)
        self._step = workload.reference_train_step(model, optimizers.Adam(learning_rate=LEARNING_RATE))
        self._batches = [self._loader.get_batch(batch_size) for _ in range(2)]
        self._calls = 0
        self.run(warmup_steps, blas_threads=1, floor=True)
        return self.run(warmup_steps, blas_threads=1)[-1]

    def _one_step(self, step):
        X, y = self._batches[self._calls % 2]
        self._calls += 1
        float(step(X, y))

    def run(self, steps, blas_threads, budget=None, floor=False):
        """Time ``steps`` steps (fewer if they take ``budget`` seconds) with ``blas_threads`` BLAS threads;
        the kernel floor's steps if ``floor``."""
        from reference.commands import blas

        step = self._floor.step if floor else self._step
        with blas.threads(blas_threads):
            return timing.time_calls(functools.partial(self._one_step, step), steps, budget)


class TensorFlowSweep:
    """Worker side: ``tf_impl.make_train_step(mode="function")`` at one point at a time."""

    def __init__(self, seed=0, data_path=None):
        self._seed = seed
        self._loader = workload.data(data_path, "float32", seed)

    def prepare(self, batch_size, hidden, warmup_steps):
        from tf_impl import make_train_step, tf

        tf.keras.utils.set_random_seed(self._seed)
        model = workload.tf_mlp(hidden)
        self._step = make_train_step(model, tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE), "function")
        self._batches = [tuple(map(tf.convert_to_tensor, self._loader.get_batch(batch_size))) for _ in range(2)]
        self._calls = 0
        return self.run(warmup_steps)[-1]

    def _one_step(self):
        X, y = self._batches[self._calls % 2]
        self._calls += 1
        float(self._step(X, y))

    def run(self, steps, budget=None):
        return timing.time_calls(self._one_step, steps, budget)


def peak_at(peaks, threads):
    """The matrix-product ceiling with ``threads`` threads: the best peak measured with at most that many.

    (Whatever runs on n threads could run on fewer, so a lower figure measured
    at n threads is interference, not a lower ceiling.)
    """
    usable = [p["gflops"] for p in peaks if p["threads"] <= threads]
    return max(usable) if usable else None


def run(pool, plan, *, seed, data_path, cores, log=print):
    """Both sweeps; returns ``{"batch_size": [points], "width": [points], "sides": {...}, "half_best_batch": {...}}``.

    The fractions of the peak are added afterwards (:func:`add_fractions_of_peak`),
    once the peak has been measured again at the end of the run.
    """
    reference = pool["reference-float32"].new(ReferenceSweep, seed=seed, data_path=data_path)
    tensorflow = pool["function"].new(TensorFlowSweep, seed=seed, data_path=data_path)
    sides = {"reference-1t": ("reference, 1 BLAS thread", reference, 1)}
    if cores >= 2:
        sides["reference-2t"] = ("reference, 2 BLAS threads", reference, 2)
    sides["floor-1t"] = ("kernel floor, 1 BLAS thread", reference, 1)
    sides["function"] = ("tf.function", tensorflow, cores)
    settings = {}
    for key, (label, framework, cls) in PEER_SIDES.items():
        if peers.installed(framework):
            remote = pool[key].new(cls, seed=seed, data_path=data_path)
            sides[key] = (label, remote, remote.threads())
            settings[key] = remote.describe()

    def sweep(points, what):
        results = []
        for batch_size, hidden in points:
            result = measure_point(sides, batch_size, hidden, plan)
            log(f"  {what}: batch {batch_size:>4}, width {hidden:>4}: " + ", ".join(
                f"{s['label']} {1e3 * s['step']['median']:.3g} ms ({s['gflops']:.3g} GFLOP/s)"
                for s in result["sides"].values()))
            results.append(result)
        return results

    described = {key: {"label": label, "threads": threads} for key, (label, _, threads) in sides.items()}
    for key, value in settings.items():
        described[key]["settings"] = value
    batch_points = sweep([(b, HIDDEN) for b in plan.sweep_batch_sizes], "batch sweep")
    return {
        "sides": described,
        "batch_size": batch_points,
        "width": sweep([(BATCH_SIZE, h) for h in plan.sweep_widths], "width sweep"),
        "half_best_batch": {key: half_best_batch(batch_points, key) for key in sides} if batch_points else {},
    }


def half_best_batch(points, side):
    """The smallest batch size at which ``side``'s samples/s reach half of its best over ``points``.

    Below it, the fixed cost of a step (dispatch, Python, framework
    overhead) dominates; above it, the arithmetic does.
    """
    rates = [(point["batch_size"], point["sides"][side]["samples_per_s"]) for point in points]
    best = max(rate for _, rate in rates)
    return next(batch for batch, rate in rates if rate >= best / 2)


def add_fractions_of_peak(results, peaks):
    """Set each side's ``peak_gflops`` and each point's ``fraction_of_peak`` from the measured ``peaks``."""
    for key, side in results["sides"].items():
        side["peak_gflops"] = peak_at(peaks, side["threads"])
        for point in results["batch_size"] + results["width"]:
            figures = point["sides"][key]
            figures["fraction_of_peak"] = figures["gflops"] / side["peak_gflops"] if side["peak_gflops"] else None


def measure_point(sides, batch_size, hidden, plan):
    """Time every side at one point, round-robin; return the point's figures."""
    estimates = {}
    for key, (_, remote, _) in sides.items():  # sides sharing a remote share its model: prepare it once
        if id(remote) not in estimates:
            estimates[id(remote)] = remote.prepare(batch_size=batch_size, hidden=hidden,
                                                   warmup_steps=plan.sweep_warmup_steps)
    times = {key: [] for key in sides}
    keys = list(sides)
    for round_index in range(plan.sweep_rounds):
        shift = round_index % len(keys)
        for key in keys[shift:] + keys[:shift]:
            _, remote, threads = sides[key]
            steps = max(2, min(200, round(plan.sweep_block_seconds / max(estimates[id(remote)], 1e-6))))
            budget = 2 * plan.sweep_block_seconds  # a side far slower than its estimate runs fewer steps
            if key.startswith(("reference", "floor")):
                floor = key.startswith("floor")
                times[key] += remote.run(steps=steps, budget=budget, blas_threads=threads, floor=floor)
                if threads > 1:
                    time.sleep(SETTLE_S)
            else:
                times[key] += remote.run(steps=steps, budget=budget)
    flops = workload.matmul_flops(batch_size, hidden)
    figures = {}
    for key, (label, _, threads) in sides.items():
        step = timing.quantiles(times[key])
        figures[key] = {"label": label, "threads": threads, "step": step,
                        "samples_per_s": batch_size / step["median"], "gflops": flops / step["median"] / 1e9}
    return {"batch_size": batch_size, "hidden": hidden, "matmul_flops": flops, "sides": figures}
