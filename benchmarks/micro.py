"""Per-op micro-benchmarks on the handbook's shapes: where each side spends a step.

Ops (``OPS``), on a batch of 50 MNIST images and the handbook's initial weights:

* ``loss``: the mean sparse cross-entropy of softmax probabilities (50, 10):
  forward, and backward to the probabilities;
* ``dense1``: ``Dense(100, relu)`` on the flattened images (50, 784): forward,
  and backward to its kernel and bias (not to the images, as in training);
* ``dense2``: ``Dense(10)`` on the hidden activations (50, 100): forward, and
  backward to its input, kernel and bias;
* ``adam``: one ``apply_gradients`` over the four weights (79,510 numbers).

Sides: the reference (forward inside a ``GradientTape``, so recording is
counted as in training; backward = ``tape.gradient``), TensorFlow eager (the
same with ``tf.GradientTape``), and ``tf.function``. A graph cannot be timed
inside, so ``tf.function`` has two functions per op, forward and
forward + backward; its "backward" is the difference of their medians
(``derived``, and at this size within the noise of a ~100 µs call overhead).
In the graphs the loss is computed from the probabilities passed in, as
eagerly; a training graph would use the logits behind the softmax instead.
"""

import time

import numpy as np

from . import timing, workload
from .workload import BATCH_SIZE, CLASSES, HIDDEN, LEARNING_RATE

OPS = ("loss", "dense1", "dense2", "adam")
WARMUP_CALLS = 10


def _inputs(seed, data_path):
    """A batch (images flattened to (50, 784), labels), the initial weights, upstream gradients, Adam's gradients."""
    loader = workload.data(data_path, "float32", seed)
    X, y = loader.get_batch(BATCH_SIZE)
    weights = workload.reference_initial_weights(seed, "float32")
    rng = np.random.default_rng(seed)
    dy1 = rng.standard_normal((BATCH_SIZE, HIDDEN)).astype(np.float32)
    dy2 = rng.standard_normal((BATCH_SIZE, CLASSES)).astype(np.float32)
    grads = [1e-3 * rng.standard_normal(w.shape).astype(np.float32) for w in weights]
    return X.reshape(BATCH_SIZE, -1), y, weights, dy1, dy2, grads


def _forward_backward(forward, backward, calls):
    """Time ``calls`` pairs ``out = forward(); backward(out)``: forward, backward and their sum, per call."""
    clock = time.perf_counter
    times = {"forward": [], "backward": [], "forward+backward": []}
    for _ in range(calls):
        start = clock()
        out = forward()
        middle = clock()
        backward(out)
        end = clock()
        times["forward"].append(middle - start)
        times["backward"].append(end - middle)
        times["forward+backward"].append(end - start)
    return times


class ReferenceOps:
    """Worker side: the reference's ops, with ``blas_threads`` BLAS threads."""

    def __init__(self, seed=0, data_path=None, blas_threads=1):
        from reference import activations, layers, ops, optimizers

        self.blas_threads = blas_threads
        self.X, self.y, weights, self.dy1, self.dy2, self.grads = _inputs(seed, data_path)
        self.dense1 = layers.Dense(HIDDEN, activation=activations.relu)
        self.dense2 = layers.Dense(CLASSES)
        self.H = self.dense1(self.X)
        logits = self.dense2(self.H)
        for w, value in zip(self.dense1.weights + self.dense2.weights, weights):
            w[...] = value
        self.probs = ops.softmax(logits)
        self.variables = [w.copy() for w in weights]
        self.optimizer = optimizers.Adam(learning_rate=LEARNING_RATE)
        for op in OPS:
            self.measure(op, WARMUP_CALLS)

    def measure(self, op, calls):
        from reference.commands import blas

        with blas.threads(self.blas_threads):
            return self._measure(op, calls)

    def _measure(self, op, calls):
        from reference import GradientTape, losses, ops

        if op == "adam":
            return {"step": timing.time_calls(
                lambda: self.optimizer.apply_gradients(zip(self.grads, self.variables)), calls)}
        specs = {  # op -> (forward, the array it watches or None, sources of the gradient, upstream gradient)
            "loss": (lambda: ops.reduce_mean(losses.sparse_categorical_crossentropy(y_true=self.y, y_pred=self.probs)),
                     self.probs, lambda: self.probs, None),
            "dense1": (lambda: self.dense1(self.X), None, lambda: self.dense1.weights, self.dy1),
            "dense2": (lambda: self.dense2(self.H), self.H, lambda: [self.H] + self.dense2.weights, self.dy2),
        }
        if op not in specs:
            raise ValueError(f"`op` must be one of {OPS}, got op={op!r}.")
        forward, watched, sources, upstream = specs[op]
        tape = None

        def run_forward():
            nonlocal tape
            tape = GradientTape()
            with tape:
                if watched is not None:
                    tape.watch(watched)
                return forward()

        return _forward_backward(run_forward,
                                 lambda out: tape.gradient(out, sources(), output_gradients=upstream), calls)


class TensorFlowOps:
    """Worker side: the same ops in TensorFlow, ``mode`` ``"eager"`` or ``"function"``."""

    def __init__(self, mode, seed=0, data_path=None):
        from tf_impl import tf

        if mode not in ("eager", "function"):
            raise ValueError(f"`mode` must be 'eager' or 'function', got mode={mode!r}.")
        self.mode = mode
        X, y, weights, dy1, dy2, grads = _inputs(seed, data_path)
        self.X, self.y, dy1, dy2 = map(tf.convert_to_tensor, (X, y, dy1, dy2))
        self.dense1 = tf.keras.layers.Dense(HIDDEN, activation=tf.nn.relu)
        self.dense2 = tf.keras.layers.Dense(CLASSES)
        self.H = self.dense1(self.X)
        logits = self.dense2(self.H)
        self.dense1.set_weights(weights[:2])
        self.dense2.set_weights(weights[2:])
        self.probs = tf.nn.softmax(logits)
        self.grads = [tf.convert_to_tensor(g) for g in grads]
        self.variables = [tf.keras.Variable(w) for w in weights]  # Keras variables, as a model's weights are
        self.optimizer = tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE)
        self.optimizer.build(self.variables)

        def loss(probs):
            return tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y_true=self.y, y_pred=probs))

        # op -> (forward(x), x, whether x is watched (not the images, as in training), sources(x), upstream)
        self._ops = {
            "loss": (loss, self.probs, True, lambda x: x, None),
            "dense1": (self.dense1, self.X, False, lambda x: self.dense1.trainable_variables, dy1),
            "dense2": (self.dense2, self.H, True, lambda x: [x] + self.dense2.trainable_variables, dy2),
        }
        self._adam = lambda: self.optimizer.apply_gradients(zip(self.grads, self.variables))
        if mode == "function":
            self._compiled = {op: (tf.function(spec[0]), tf.function(_forward_and_gradient(*spec)))
                              for op, spec in self._ops.items()}
            self._adam = tf.function(self._adam)
        for op in OPS:
            self.measure(op, WARMUP_CALLS)

    def measure(self, op, calls):
        from tf_impl import tf

        if op == "adam":
            return {"step": timing.time_calls(self._adam, calls)}
        if op not in self._ops:
            raise ValueError(f"`op` must be one of {OPS}, got op={op!r}.")
        forward, x, watch, sources, upstream = self._ops[op]
        if self.mode == "function":
            compiled_forward, compiled_both = self._compiled[op]
            return {"forward": timing.time_calls(lambda: compiled_forward(x), calls),
                    "forward+backward": timing.time_calls(lambda: compiled_both(x), calls)}
        tape = None

        def run_forward():
            nonlocal tape
            tape = tf.GradientTape()
            with tape:
                if watch:
                    tape.watch(x)
                return forward(x)

        return _forward_backward(run_forward,
                                 lambda out: tape.gradient(out, sources(x), output_gradients=upstream), calls)


def _forward_and_gradient(forward, x, watch, sources, upstream):
    """``x -> gradient of forward(x) to sources(x)``, to be wrapped in a ``tf.function``."""
    from tf_impl import tf

    def forward_backward(x):
        with tf.GradientTape() as tape:
            if watch:
                tape.watch(x)
            out = forward(x)
        return tape.gradient(out, sources(x), output_gradients=upstream)
    return forward_backward


SIDES = {"reference": "reference", "eager": "TF eager", "function": "tf.function"}


def run(pool, plan, *, seed, data_path, blas_threads, log=print):
    """Time every op on every side, ``plan.micro_rounds`` rounds of ``plan.micro_calls`` calls, sides in turn.

    Returns ``{"sides", "ops": {"<op> <part>": {side: quantiles}}}``; for
    ``tf.function``, ``"<op> backward"`` is ``{"median": ..., "derived": True}``.
    """
    remotes = {"reference": pool["reference-float32"].new(ReferenceOps, seed=seed, data_path=data_path,
                                                          blas_threads=blas_threads),
               "eager": pool["function"].new(TensorFlowOps, mode="eager", seed=seed, data_path=data_path),
               "function": pool["function"].new(TensorFlowOps, mode="function", seed=seed, data_path=data_path)}
    times = {side: {} for side in remotes}
    keys = list(remotes)
    for round_index in range(plan.micro_rounds):
        shift = round_index % len(keys)
        for op in OPS:
            for side in keys[shift:] + keys[:shift]:
                for part, values in remotes[side].measure(op=op, calls=plan.micro_calls).items():
                    times[side].setdefault(f"{op} {part}", []).extend(values)
    results = {"sides": SIDES, "ops": {}}
    for name in times["reference"]:
        results["ops"][name] = {side: timing.quantiles(times[side][name]) for side in remotes if name in times[side]}
    for op in OPS:
        both, forward = results["ops"].get(f"{op} forward+backward"), results["ops"].get(f"{op} forward")
        if both and "function" in both:
            both_median, forward_median = both["function"]["median"], forward["function"]["median"]
            results["ops"][f"{op} backward"]["function"] = {"median": both_median - forward_median, "derived": True}
    for name, by_side in results["ops"].items():
        log(f"  {name:<22} " + ", ".join(f"{SIDES[side]} {1e6 * q['median']:.1f} us" for side, q in by_side.items()))
    return results
