"""The handbook's training in each mode, timed round-robin in one run.

Modes (``MODES``):

==================== ====================================================================
reference-float32    ``reference.handbook.train`` (NumPy), float32, ``--blas-threads`` (1)
reference-float64    the same in float64
eager                ``tf_impl.train(mode="eager")``: the handbook's TensorFlow loop as written
function             ``tf_impl.train(mode="function")``: the step under ``tf.function``
xla                  ``tf_impl.train(mode="xla")``: ``tf.function(jit_compile=True)``
fit                  Keras ``compile(Adam(1e-3), SparseCategoricalCrossentropy())`` +
                     ``fit(batch_size=50, epochs=5)``
torch-eager          the peers (:mod:`benchmarks.peers`, when installed): PyTorch eager,
torch-compile        the PyTorch step under ``torch.compile``,
jax-jit              ``jax.jit`` of the whole JAX step,
jax-jit-pipelined    and the same reading the loss once an epoch (pipelined)
==================== ====================================================================

Each mode runs its own training code, unmodified, in its own process (see
:mod:`benchmarks.workers`), paced by :mod:`benchmarks.pacing`: a step is one
iteration of that code's loop, from drawing the batch to reading the loss
(the handbook prints it; here it is converted to a Python float and kept, without
the I/O).

Which loop (``Mode.loop``): the handbook reads the loss every step, which waits
for the step to end. The reference, TensorFlow and PyTorch compute synchronously
on the CPU, so for them that read costs only its conversion; ``jax.jit``
dispatches asynchronously, and a loop that does not read the loss lets Python
draw and queue the next batches while XLA computes. So JAX runs both loops:
``jax-jit``, the handbook's, and ``jax-jit-pipelined``, reading the loss once an
epoch (and waiting for the queued steps at every pause, inside the timed
steps). A pipelined mode's single step times measure the dispatch, so its step
figure is the block's mean step (its wall time over its steps), and every ratio
involving it is taken between block means. Every mode starts from the same initial weights (the reference's
Glorot draw for the handbook) and, except ``fit``, draws the same batches (an
``MNISTLoader`` seeded alike). ``fit`` runs Keras's own pipeline: epochs
shuffled without replacement.

The modes take turns: block ``k`` of every mode runs before block ``k + 1``
of any (the order rotates each round), so a slow spell of the machine hits
all modes alike, and ratios are taken block by block
(:func:`benchmarks.timing.round_ratios`). After each block the test set is
evaluated, outside the timed steps.

A peer that fails (``torch.compile`` without a working compiler, say) is
dropped from the run with the reason, which the report gives; a failure of
any other mode ends the run.
"""

import dataclasses
import re

import numpy as np

from . import machine, timing, workload
from .memory import PeakMemory
from .pacing import PacedLoader, PacedRun, PacedTraining
from .peers import FRAMEWORKS as PEER_FRAMEWORKS
from .peers.runs import JaxRun, TorchRun
from .workers import WorkerError
from .workload import ACCURACY_GOAL, BATCH_SIZE, EPOCHS, LEARNING_RATE, SEED_STEPS, STEPS_PER_EPOCH


class ReferenceRun(PacedRun):
    """``reference.handbook.train`` in ``dtype``, with ``blas_threads`` BLAS threads."""

    def __init__(self, dtype="float32", blas_threads=1, seed=0, data_path=None, total_steps=SEED_STEPS):
        from reference import config, handbook
        from reference.commands import blas

        config.set_floatx(dtype)
        blas.set_threads(blas_threads)
        self.loader = workload.data(data_path, dtype, seed)
        self.memory = PeakMemory()
        self.model = handbook.MLP()
        self.model.build((None, 28, 28, 1))
        self.model.set_weights(workload.reference_initial_weights(seed, dtype))

        def train(tick):
            handbook.train(self.model, PacedLoader(self.loader, tick), num_epochs=EPOCHS,
                                 batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, on_batch=self._on_batch)

        self.paced = PacedTraining(train)

    def accuracy(self):
        """Accuracy on the 10,000 test images: one forward pass, then ``SparseCategoricalAccuracy``."""
        from reference import metrics

        accuracy = metrics.SparseCategoricalAccuracy()
        accuracy.update_state(y_true=self.loader.test_label, y_pred=self.model(self.loader.test_data))
        return float(accuracy.result())

    def describe(self):
        from reference import config
        from reference.commands import blas

        return {"floatx": config.floatx(), "blas_threads": blas.get_threads()}


class _TensorFlowRun(PacedRun):
    """Shared set-up of the TensorFlow modes: seeds, data, the handbook's MLP from the common initial weights."""

    def _set_up(self, seed, data_path):
        from tf_impl import MLP, tf

        tf.keras.utils.set_random_seed(seed)
        self.loader = workload.data(data_path, "float32", seed)
        (tf.zeros(1) + 1).numpy()  # start TF's runtime (thread pools, oneDNN) before the memory baseline
        self.memory = PeakMemory()
        self.model = MLP()
        self.model(tf.zeros((1, 28, 28, 1)))
        self.model.set_weights(workload.reference_initial_weights(seed, "float32"))

    def accuracy(self):
        """Accuracy on the 10,000 test images: ``tf_impl.evaluate_fast`` (one forward pass)."""
        from tf_impl import evaluate_fast

        return evaluate_fast(self.model, self.loader, batch_size=BATCH_SIZE)

    def describe(self):
        return machine.tensorflow_settings()


class TensorFlowRun(_TensorFlowRun):
    """``tf_impl.train`` in ``mode`` (``eager``, ``function`` or ``xla``)."""

    def __init__(self, mode, seed=0, data_path=None, total_steps=SEED_STEPS):
        from tf_impl import train as tf_train

        self._set_up(seed, data_path)

        def train(tick):
            tf_train(self.model, PacedLoader(self.loader, tick), num_epochs=EPOCHS, batch_size=BATCH_SIZE,
                     learning_rate=LEARNING_RATE, mode=mode, on_batch=self._on_batch)

        self.paced = PacedTraining(train)


def fit_schedule(total_steps):
    """``(number of training samples, epochs)`` for ``fit`` to run ``total_steps`` steps of 50."""
    if total_steps <= STEPS_PER_EPOCH:
        return total_steps * BATCH_SIZE, 1
    return STEPS_PER_EPOCH * BATCH_SIZE, total_steps // STEPS_PER_EPOCH


class FitRun(_TensorFlowRun):
    """Keras ``compile`` + ``fit``, with a callback that ticks at ``on_train_batch_begin``."""

    def __init__(self, seed=0, data_path=None, total_steps=SEED_STEPS):
        from tf_impl import tf

        self._set_up(seed, data_path)
        self.model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                           loss=tf.keras.losses.SparseCategoricalCrossentropy())
        samples, epochs = fit_schedule(total_steps)

        class Tick(tf.keras.callbacks.Callback):
            """Calls ``tick`` at the start of every step and at the end of the training; leaves
            ``on_train_batch_end`` alone, so Keras still dispatches its batch-end work asynchronously,
            as in a plain ``fit``."""

            def __init__(self, tick):
                super().__init__()
                self.tick = tick

            def on_train_batch_begin(self, batch, logs=None):
                self.tick()

            def on_train_end(self, logs=None):
                self.tick(last=True)

        def train(tick):
            self.model.fit(self.loader.train_data[:samples], self.loader.train_label[:samples],
                           batch_size=BATCH_SIZE, epochs=epochs, verbose=0, callbacks=[Tick(tick)])

        self.paced = PacedTraining(train)


SYNCHRONOUS = "loss read every step"      # the handbook's loop
PIPELINED = "loss read once an epoch"     # lets an asynchronous framework queue steps ahead
FIT_LOOP = "Keras fit's own"


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    label: str
    side: str       # "reference", "tensorflow", or a peer's framework ("torch", "jax")
    run: type
    options: dict
    loop: str = SYNCHRONOUS

    @property
    def pipelined(self):
        return self.loop == PIPELINED


MODES = {m.name: m for m in (
    Mode("reference-float32", "reference float32", "reference", ReferenceRun, {"dtype": "float32"}),
    Mode("reference-float64", "reference float64", "reference", ReferenceRun, {"dtype": "float64"}),
    Mode("eager", "TF eager", "tensorflow", TensorFlowRun, {"mode": "eager"}),
    Mode("function", "tf.function", "tensorflow", TensorFlowRun, {"mode": "function"}),
    Mode("xla", "XLA (jit_compile)", "tensorflow", TensorFlowRun, {"mode": "xla"}),
    Mode("fit", "Keras fit", "tensorflow", FitRun, {}, loop=FIT_LOOP),
    Mode("torch-eager", "PyTorch eager", "torch", TorchRun, {"compile": False}),
    Mode("torch-compile", "torch.compile", "torch", TorchRun, {"compile": True}),
    Mode("jax-jit", "jax.jit", "jax", JaxRun, {}),
    Mode("jax-jit-pipelined", "jax.jit, pipelined", "jax", JaxRun, {"read_loss_every": STEPS_PER_EPOCH},
         loop=PIPELINED),
)}

MAX_REASON = 300  # characters of a failed peer's reason kept for the report
QUIET_LOAD = 0.5  # cores' worth of other processes' work, at most, for a block to count as quiet

# (numerator, denominator, what the ratio answers)
PAIRS = (
    ("reference-float32", "function", "reference / tf.function"),
    ("reference-float32", "xla", "reference / XLA"),
    ("reference-float32", "fit", "reference / Keras fit"),
    ("eager", "reference-float32", "TF eager / reference"),
    ("eager", "function", "TF eager / tf.function"),
    ("reference-float64", "reference-float32", "reference float64 / float32"),
    ("torch-eager", "reference-float32", "PyTorch eager / reference"),
    ("torch-compile", "reference-float32", "torch.compile / reference"),
    ("jax-jit", "reference-float32", "jax.jit / reference"),
    ("jax-jit-pipelined", "reference-float32", "jax.jit pipelined / reference"),
    ("jax-jit-pipelined", "jax-jit", "jax.jit pipelined / jax.jit"),
)


# --- the parent side -------------------------------------------------------------


def start(pool, names, plan, *, seed, data_path, blas_threads):
    """Start one worker per mode and build its run (in the background); returns ``{name: Remote}``."""
    runs = {}
    for name in names:
        mode = MODES[name]
        options = dict(mode.options, seed=seed, data_path=data_path, total_steps=plan.total_steps)
        if mode.run is ReferenceRun:
            options["blas_threads"] = blas_threads
        runs[name] = pool[name].new(mode.run, **options)
    return runs


def ready(pool, runs, log=print):
    """Wait until every mode's run is built; drop (from ``runs``) the peers whose build failed.

    Returns ``{name: reason}`` for the peers dropped; a failure of any other mode raises.
    """
    failed = {}
    for name in list(runs):
        try:
            pool[name].wait()
        except WorkerError as error:
            failed[name] = _peer_failure(name, error, log)
            del runs[name]
    return failed


def _peer_failure(name, error, log):
    """The reason a peer failed, logged; re-raises ``error`` if ``name`` is not a peer."""
    if MODES[name].side not in PEER_FRAMEWORKS:
        raise error
    # the worker's traceback ends with the training thread's; its last exception line names the cause
    # (the very last line may be a framework's advice, as torch's "Set TORCHDYNAMO_VERBOSE=1 ...")
    lines = str(error).splitlines()
    causes = [line for line in lines if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Failed|Exit): ", line)]
    reason = (causes[-1] if causes else lines[0])[:MAX_REASON]
    log(f"  {MODES[name].label} failed and is left out of the run: {reason}")
    return reason


def run(runs, plan, log=print):
    """Train every mode to ``plan.total_steps``, round-robin; return the summary of each and the pair ratios.

    A peer that fails is dropped from the later rounds and listed in ``failed`` with the reason.
    """
    names = list(runs)
    blocks = {name: [] for name in names}
    evaluations = {name: [] for name in names}
    failed = {}
    for round_index, boundary in enumerate(plan.boundaries):
        names = [name for name in names if name not in failed]
        if not names:
            break
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            try:
                block = runs[name].run_to(step=boundary)
                if round_index > 0:
                    evaluations[name].append(dict(runs[name].evaluate(), step=block["steps_done"]))
            except WorkerError as error:
                failed[name] = _peer_failure(name, error, log)
                continue
            blocks[name].append(block)
        log(f"  step {boundary:>5}/{plan.total_steps}: " + ", ".join(
            f"{MODES[n].label} {_block_ms(blocks[n][-1], n):.3g} ms" for n in names if n not in failed))
    names = [name for name in names if name not in failed]
    results = {}
    for name in names:
        results[name] = summarize(blocks[name], evaluations[name], plan, pipelined=MODES[name].pipelined)
        results[name]["label"] = MODES[name].label
        results[name]["memory"] = runs[name].memory_result()
        results[name]["settings"] = runs[name].describe()
        runs[name].close()
    return {"modes": results, "failed": failed, "pairs": pair_ratios({name: blocks[name] for name in names}),
            "steps_run": plan.total_steps, "warmup_steps": plan.warmup_steps, "eval_every": plan.eval_every}


def block_step(block, pipelined=False):
    """A block's step time (s): the median step, or for a pipelined mode the mean (wall over steps); ``None``
    for an empty block."""
    if not block["times"]:
        return None
    return float(np.mean(block["times"]) if pipelined else np.median(block["times"]))


def _block_ms(block, name):
    step = block_step(block, MODES[name].pipelined)
    return float("nan") if step is None else 1e3 * step


def summarize(blocks, evaluations, plan, pipelined=False):
    """One mode's figures from its blocks (the first is the warm-up) and its evaluations.

    ``step`` summarises the single steps, or for a ``pipelined`` mode the
    blocks' mean steps (its single steps time the dispatch, not the work).

    ``training_s`` is the handbook's whole training (6,000 steps): when the plan
    runs all of them, the measured sum of the steps after the warm-up plus
    the warm-up steps counted at the median step time (so tracing and first
    calls are excluded; ``first_steps_s`` reports them); otherwise the median
    step time × 6,000 (``training_estimated``). ``time_to_goal_s`` is counted
    the same way up to the first evaluation reaching ``ACCURACY_GOAL``.
    """
    warmup, steady = blocks[0], blocks[1:]
    times = [t for block in steady for t in block["times"]]
    step = timing.quantiles([block_step(b, True) for b in steady if b["times"]] if pipelined else times)
    median = step["median"]
    steady_wall = sum(sum(block["times"]) for block in steady)
    steady_cpu = sum(block["cpu_s"] for block in steady)
    others = [block["others_cpu_s"] for block in steady]
    steps_done = blocks[-1]["steps_done"]
    warmup_steps = warmup["steps_done"]

    if plan.is_seed_run and steps_done == SEED_STEPS:
        training, estimated = sum(times) + warmup_steps * median, False
    else:
        training, estimated = median * SEED_STEPS, True

    time_to_goal, goal_step = None, None
    elapsed = warmup_steps * median
    for block, evaluation in zip(steady, evaluations):
        elapsed += sum(block["times"])
        if evaluation["accuracy"] >= ACCURACY_GOAL:
            time_to_goal, goal_step = elapsed, evaluation["step"]
            break

    eval_seconds = timing.quantiles([e["seconds"] for e in evaluations])
    return {
        "step": step,
        "steps_per_s": 1 / median,
        "first_steps_s": warmup["times"],
        "steps_done": steps_done,
        "training_s": training,
        "training_estimated": estimated,
        "cpu_per_wall": steady_cpu / sum(block["wall_s"] for block in steady) if steady else None,
        "others_load": (sum(others) / sum(block["wall_s"] for block in steady)
                        if steady and None not in others else None),
        "quiet_blocks": sum(_quiet(block) for block in steady),
        "steady_wall_s": steady_wall,
        "evaluation": eval_seconds,
        "accuracy": evaluations[-1]["accuracy"] if evaluations else None,
        "accuracy_curve": [(e["step"], e["accuracy"]) for e in evaluations],
        "time_to_goal_s": time_to_goal,
        "goal_step": goal_step,
        "goal": ACCURACY_GOAL,
        "last_loss": blocks[-1]["last_loss"],
        "block_medians": [block_step(b, pipelined) for b in steady],
    }


def _quiet(block):
    """Whether the rest of the machine used at most ``QUIET_LOAD`` cores while ``block`` ran."""
    others = block["others_cpu_s"]
    return others is not None and block["wall_s"] > 0 and others / block["wall_s"] <= QUIET_LOAD


def pair_ratios(blocks):
    """``PAIRS``' ratios of block step times, round by round, for the pairs whose modes both ran.

    The block step time is the median step (:func:`block_step`), or the mean
    step on both sides of a pair with a pipelined mode.

    ``ratio`` uses every round; ``quiet_ratio`` only the rounds in which both
    blocks ran while the rest of the machine was quiet (:func:`_quiet`): on a
    shared machine, other work slows multi-threaded TensorFlow more than the
    single-threaded reference, so the two can differ.
    """
    pairs = []
    for a, b, what in PAIRS:
        if a not in blocks or b not in blocks:
            continue
        mean = MODES[a].pipelined or MODES[b].pipelined
        steps = {name: [block_step(block, mean) for block in blocks[name][1:]] for name in (a, b)}
        quiet = {name: [t if _quiet(block) else None for t, block in zip(steps[name], blocks[name][1:])]
                 for name in (a, b)}
        pairs.append({"numerator": a, "denominator": b, "what": what, "statistic": "mean" if mean else "median",
                      "ratio": timing.round_ratios(steps[a], steps[b]),
                      "quiet_ratio": timing.round_ratios(quiet[a], quiet[b])})
    return pairs
