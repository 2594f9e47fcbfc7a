"""The parity report: how close float32 TensorFlow and the float32 reference each come to the truth.

``python -m parity_tests report --out DIR`` writes ``DIR/README.md`` and its PNGs:

1. **Op errors against a float64 oracle.** For each op case, float32 inputs are
   drawn with a fixed seed. The reference in float64, run on the same inputs
   (cast up, which is exact), is the oracle. The table gives the largest
   absolute and relative error of the reference in float32 and of TensorFlow
   in float32 against it, and which of the two is closer, for the op's value
   and, where it has one, its gradient (for a fixed random upstream gradient).
   Relative errors are taken where ``|oracle| >=`` float32's smallest normal
   number: below it float32 has no relative precision to speak of (and TF
   flushes such results to 0).
2. **Training trajectories** from ``tf_impl.compare``: TF and the reference
   trained from the same weights on the same batches, in eager and in
   ``tf.function`` mode, with the per-step gaps.
3. **Eager vs graph.** The same two runs show how far TF's eager loss
   (clipped probabilities) and its graph loss (logits) drift apart, and that
   the reference's two loss semantics drift the same way.

OP CASES: the report's own list, :data:`OP_CASES`, written while
``parity_tests/op_db.py`` (the suite's op table) was still in progress. An
:class:`OpCase` names its code like an ``op_db.OpInfo`` row (source text over
the input names) so that the list can be replaced by the op table's rows.
"""

import datetime
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

import reference as rk

from .tolerances import trajectory_loss_rtol

REPORT_NAME = "README.md"


# --- op cases (the report's own list; see the module docstring) --------------------------


def _normal(rng, shape, scale=1.0):
    return rng.normal(0.0, scale, shape)


def _glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def _pixels(rng, shape):
    """MNIST-like inputs: k/255 for random bytes k, about 80% of them 0."""
    return np.where(rng.random(shape) < 0.8, 0, rng.integers(1, 256, shape)) / 255.0


def _labels(rng, n, classes=10):
    return rng.integers(0, classes, n).astype(np.int32)


@dataclass(frozen=True)
class OpCase:
    """One measured op: code on each side as source text, and a seeded input generator.

    Attributes:
        name: the row's name.
        ref: an expression over the input names, with ``rk`` (``reference``) and ``np`` in scope.
        tf: the same over ``tf.constant`` inputs, with ``tf``, ``keras`` and ``np`` in scope.
        inputs: ``rng -> {name: value}``, float arrays in float64 (cast to the measured dtype), ints as they are.
        grad_wrt: the inputs to differentiate with respect to (empty: value only).
    """

    name: str
    ref: str
    tf: str
    inputs: Callable[[np.random.Generator], dict]
    grad_wrt: tuple = ()


_MLP_REF = ("rk.ops.reduce_mean(rk.losses.sparse_categorical_crossentropy(y, rk.ops.softmax(rk.ops.add(rk.ops.matmul("
            "rk.ops.relu(rk.ops.add(rk.ops.matmul(X, W1), b1)), W2), b2))))")
_MLP_TF = ("tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, tf.nn.softmax(tf.add(tf.matmul("
           "tf.nn.relu(tf.add(tf.matmul(X, W1), b1)), W2), b2))))")


def _mlp_inputs(rng):
    return {"X": _pixels(rng, (50, 784)), "W1": _glorot(rng, 784, 100), "b1": _normal(rng, 100, 0.01),
            "W2": _glorot(rng, 100, 10), "b2": _normal(rng, 10, 0.01), "y": _labels(rng, 50)}


OP_CASES = [
    OpCase("add (bias)", "rk.ops.add(a, b)", "tf.add(a, b)",
           lambda r: {"a": _normal(r, (50, 100)), "b": _normal(r, 100)}, ("a", "b")),
    OpCase("multiply", "rk.ops.multiply(a, b)", "tf.multiply(a, b)",
           lambda r: {"a": _normal(r, (50, 100)), "b": _normal(r, (50, 100))}, ("a", "b")),
    OpCase("divide", "rk.ops.divide(a, b)", "tf.divide(a, b)",
           lambda r: {"a": _normal(r, (50, 100)), "b": r.choice([-1, 1], (50, 100)) * r.uniform(0.5, 2, (50, 100))},
           ("a", "b")),
    OpCase("exp", "rk.ops.exp(x)", "tf.exp(x)", lambda r: {"x": r.uniform(-20, 20, (50, 100))}, ("x",)),
    OpCase("log", "rk.ops.log(x)", "tf.math.log(x)", lambda r: {"x": 10 ** r.uniform(-7, 0, (50, 100))}, ("x",)),
    OpCase("matmul (50×784 @ 784×100)", "rk.ops.matmul(a, b)", "tf.matmul(a, b)",
           lambda r: {"a": _pixels(r, (50, 784)), "b": _glorot(r, 784, 100)}, ("a", "b")),
    OpCase("reduce_sum (5000)", "rk.ops.reduce_sum(x)", "tf.reduce_sum(x)",
           lambda r: {"x": _normal(r, (50, 100))}, ("x",)),
    OpCase("reduce_mean (5000)", "rk.ops.reduce_mean(x)", "tf.reduce_mean(x)",
           lambda r: {"x": _normal(r, (50, 100))}, ("x",)),
    OpCase("relu", "rk.ops.relu(x)", "tf.nn.relu(x)", lambda r: {"x": _normal(r, (50, 100))}, ("x",)),
    OpCase("sigmoid", "rk.ops.sigmoid(x)", "tf.sigmoid(x)", lambda r: {"x": _normal(r, (50, 100), 5)}, ("x",)),
    OpCase("softmax (50×10)", "rk.ops.softmax(x)", "tf.nn.softmax(x)",
           lambda r: {"x": _normal(r, (50, 10), 5)}, ("x",)),
    OpCase("sparse_softmax_cross_entropy_with_logits",
           "rk.ops.sparse_softmax_cross_entropy_with_logits(labels, logits)",
           "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
           lambda r: {"labels": _labels(r, 50), "logits": _normal(r, (50, 10), 5)}, ("logits",)),
    OpCase("softmax_cross_entropy_with_logits",
           "rk.ops.softmax_cross_entropy_with_logits(labels, logits)",
           "tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
           lambda r: {"labels": np.eye(10)[_labels(r, 50)], "logits": _normal(r, (50, 10), 5)}, ("logits",)),
    OpCase("sparse_categorical_crossentropy(y, softmax(z))",
           "rk.losses.sparse_categorical_crossentropy(y, rk.ops.softmax(z))",
           "keras.losses.sparse_categorical_crossentropy(y, tf.nn.softmax(z))",
           lambda r: {"y": _labels(r, 50), "z": _normal(r, (50, 10), 5)}, ("z",)),
    OpCase("categorical_crossentropy(onehot(y), softmax(z))",
           "rk.losses.categorical_crossentropy(y, rk.ops.softmax(z))",
           "keras.losses.categorical_crossentropy(y, tf.nn.softmax(z))",
           lambda r: {"y": np.eye(10)[_labels(r, 50)], "z": _normal(r, (50, 10), 5)}, ("z",)),
    OpCase("SparseCategoricalAccuracy", "rk.metrics.SparseCategoricalAccuracy(dtype=p.dtype.name)(y, p)",
           "keras.metrics.SparseCategoricalAccuracy(dtype=p.dtype.name)(y, p)",
           lambda r: {"y": _labels(r, 1000), "p": r.random((1000, 10))}),
    OpCase("the handbook's loss: MLP forward + mean cross-entropy (50 images)", _MLP_REF, _MLP_TF, _mlp_inputs,
           ("W1", "b1", "W2", "b2")),
]


# --- measuring ------------------------------------------------------------------------------


def _cast(inputs, dtype):
    """``inputs`` with every float array cast to ``dtype`` (labels and other ints unchanged)."""
    return {k: v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v for k, v in inputs.items()}


def _ref_value_and_grads(case, inputs, dy):
    """The reference's value of ``case`` and, if ``dy`` is given, its gradients for ``dy``."""
    scope = {"rk": rk, "np": np, **inputs}
    with np.errstate(all="ignore"), rk.GradientTape() as tape:
        sources = [inputs[n] for n in case.grad_wrt]
        if sources:
            tape.watch(sources)
        value = np.asarray(eval(case.ref, scope))  # noqa: S307 - the cases are this module's own source text
    grads = tape.gradient(value, sources, output_gradients=dy) if dy is not None and sources else []
    return value, [np.asarray(g) for g in grads]


def _tf_value_and_grads(case, inputs, dy, tf, keras):
    """TensorFlow's value of ``case``, eagerly, and, if ``dy`` is given, its gradients for ``dy``."""
    tensors = {k: tf.constant(v) if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
    sources = [tensors[n] for n in case.grad_wrt]
    with tf.GradientTape() as tape:
        tape.watch(sources)
        value = eval(case.tf, {"tf": tf, "keras": keras, "np": np, **tensors})  # noqa: S307
    grads = tape.gradient(value, sources, output_gradients=tf.constant(dy)) if dy is not None and sources else []
    return np.asarray(value), [np.asarray(g) for g in grads]


@dataclass
class Errors:
    """Largest absolute and relative errors of one side against the oracle, over all draws."""

    abs: float = 0.0
    rel: float = 0.0

    def update(self, actual, oracle, dtype):
        actual, oracle = np.asarray(actual, np.float64), np.asarray(oracle, np.float64)
        diff = np.abs(actual - oracle)
        self.abs = max(self.abs, float(diff.max(initial=0.0)))
        normal = np.abs(oracle) >= np.finfo(dtype).tiny
        self.rel = max(self.rel, float((diff[normal] / np.abs(oracle[normal])).max(initial=0.0)))


@dataclass
class OpErrors:
    """One row of the error table: ``what`` ("value" or "gradient") of ``case`` in ``dtype``."""

    case: str
    what: str
    dtype: str
    draws: int
    reference: Errors
    tensorflow: Errors

    @property
    def closer(self):
        """Which side has the smaller largest absolute error ("tie" if equal)."""
        ref, tf = self.reference.abs, self.tensorflow.abs
        return "tie" if ref == tf else "reference" if ref < tf else "TensorFlow"


def measure_ops(cases=OP_CASES, dtype="float32", draws=20, seed=0, tf=None, keras=None):
    """Measure every case ``draws`` times in ``dtype`` against the float64 reference; return :class:`OpErrors` rows.

    Inputs come from ``np.random.default_rng(seed)``: the same seed gives the same table on any machine
    with the same libraries.
    """
    from tf_impl.floatx import use_floatx

    rng = np.random.default_rng(seed)
    rows = []
    for case in cases:
        value = OpErrors(case.name, "value", dtype, draws, Errors(), Errors())
        grad = OpErrors(case.name, "gradient", dtype, draws, Errors(), Errors())
        for _ in range(draws):
            inputs = _cast(case.inputs(rng), dtype)
            with use_floatx(dtype):
                ref, _ = _ref_value_and_grads(case, inputs, None)
                dy = np.asarray(rng.normal(size=ref.shape)).astype(dtype) if case.grad_wrt else None
                _, ref_grads = _ref_value_and_grads(case, inputs, dy)
                got, tf_grads = _tf_value_and_grads(case, inputs, dy, tf, keras)
            with use_floatx("float64"):
                oracle, oracle_grads = _ref_value_and_grads(case, _cast(inputs, "float64"),
                                                            None if dy is None else dy.astype(np.float64))
            value.reference.update(ref, oracle, dtype)
            value.tensorflow.update(got, oracle, dtype)
            for r, t, o in zip(ref_grads, tf_grads, oracle_grads, strict=True):
                grad.reference.update(r, o, dtype)
                grad.tensorflow.update(t, o, dtype)
        rows += [value, grad] if case.grad_wrt else [value]
    return rows


# --- trajectories ---------------------------------------------------------------------------


def run_trajectories(steps, seed=0, data_path=None, dtype="float32", on_step=None):
    """``tf_impl.compare`` in eager and in ``tf.function`` mode: ``{"eager": result, "function": result}``."""
    from tf_impl.compare import compare

    return {mode: compare(steps=steps, dtype=dtype, mode=mode, seed=seed, data_path=data_path, on_step=on_step,
                          target=trajectory_loss_rtol(dtype))
            for mode in ("eager", "function")}


def _running_mean(x, window):
    """The mean of the last ``window`` values at each step (fewer at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, np.float64), 0, 0.0))
    n = np.arange(1, len(x) + 1)
    lo = np.maximum(n - window, 0)
    return (c[n] - c[lo]) / (n - lo)


def plot_divergence(eager, graph, filename, window=50):
    """PNG: TF's eager and graph losses from the same start, the reference's beside them, and their gaps."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    steps = np.arange(eager.steps)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, constrained_layout=True)
    for result, colour in ((eager, "C0"), (graph, "C1")):
        top.plot(steps, _running_mean(result.tf_loss, window), color=colour, lw=1.2,
                 label=f"TensorFlow, {result.mode} (loss from {result.loss_from})")
        top.plot(steps, _running_mean(result.ref_loss, window), color=colour, lw=1, ls="--",
                 label=f"reference, loss from {result.loss_from}")
    top.set_yscale("log")
    top.set_ylabel(f"training loss (mean of last {window} steps)")
    top.set_title(f"handbook MLP, {eager.dtype}, seed {eager.seed}: eager vs tf.function, same weights and batches")
    top.legend(fontsize="small")
    tf_gap = np.abs(eager.tf_loss - graph.tf_loss)
    ref_gap = np.abs(eager.ref_loss - graph.ref_loss)
    bottom.plot(steps, np.where(tf_gap > 0, tf_gap, np.nan), ".", ms=2, label="|TF eager - TF graph|")
    bottom.plot(steps, np.where(ref_gap > 0, ref_gap, np.nan), ".", ms=2, alpha=0.6,
                label="|reference (probabilities) - reference (logits)|")
    bottom.set_yscale("log")
    bottom.set_xlabel("step")
    bottom.set_ylabel("loss gap")
    bottom.legend(fontsize="small")
    fig.savefig(filename, dpi=120)
    plt.close(fig)


# --- the report -----------------------------------------------------------------------------


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        return None


def environment(tf, keras):
    """The machine and the versions, as ``(label, value)`` pairs."""
    import matplotlib

    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("machine", f"{platform.node()}: {_cpu_model() or platform.processor() or platform.machine()}, "
                    f"{os.cpu_count()} logical CPUs"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("NumPy", np.__version__),
        ("TensorFlow", tf.__version__),
        ("Keras", keras.__version__),
        ("matplotlib", matplotlib.__version__),
    ]


def _e(x):
    return "0" if x == 0 else f"{x:.2e}"


def _error_table(rows):
    lines = ["| op | | draws | reference: max abs | max rel | TensorFlow: max abs | max rel | closer |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        ref, tf = row.reference, row.tensorflow
        lines.append(f"| {row.case} | {row.what} | {row.draws} | {_e(ref.abs)} | {_e(ref.rel)} | {_e(tf.abs)} | "
                     f"{_e(tf.rel)} | {row.closer} |")
    return "\n".join(lines)


def _trajectory_table(results):
    lines = ["| TF mode | reference loss from | steps | max rel loss gap | target | max weight gap (last step) "
             "| test accuracy TF / reference |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in results.values():
        target = "-" if r.target is None else f"{r.target:g}"
        lines.append(f"| `{r.mode}` | {r.loss_from} | {r.steps} | {_e(r.max_rel_gap)} | {target} | "
                     f"{_e(float(r.weight_gap[-1]))} | {r.tf_accuracy:.4f} / {r.ref_accuracy:.4f} |")
    return "\n".join(lines)


def _first_step_above(gap, loss, rtol):
    above = np.flatnonzero(gap > rtol * np.abs(loss))
    return int(above[0]) if above.size else None


def _divergence_text(eager, graph):
    tf_gap = np.abs(eager.tf_loss - graph.tf_loss)
    ref_gap = np.abs(eager.ref_loss - graph.ref_loss)
    lines = ["| | TF: eager vs graph | reference: probabilities vs logits |", "|---|---:|---:|"]
    lines.append(f"| largest loss gap | {_e(float(tf_gap.max()))} | {_e(float(ref_gap.max()))} |")
    lines.append(f"| mean loss gap, last 100 steps | {_e(float(tf_gap[-100:].mean()))} | "
                 f"{_e(float(ref_gap[-100:].mean()))} |")
    for rtol in (1e-6, 1e-3):
        tf_step, ref_step = (_first_step_above(g, eager.tf_loss, rtol) for g in (tf_gap, ref_gap))
        lines.append(f"| first step with a relative gap > {rtol:g} | {tf_step if tf_step is not None else '-'} | "
                     f"{ref_step if ref_step is not None else '-'} |")
    lines.append(f"| test accuracy after the run, eager / graph | {eager.tf_accuracy:.4f} / {graph.tf_accuracy:.4f} | "
                 f"{eager.ref_accuracy:.4f} / {graph.ref_accuracy:.4f} |")
    return "\n".join(lines)


def write_report(out, op_rows, trajectories, env, command, seed):
    """Write ``out/README.md`` (and the trajectory PNGs, if any) and return its path."""
    from tf_impl.compare import plot

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    value_rows = [r for r in op_rows if r.what == "value"]
    grad_rows = [r for r in op_rows if r.what == "gradient"]
    wins = {side: sum(r.closer == side for r in op_rows) for side in ("reference", "TensorFlow", "tie")}
    parts = [
        "# Parity report",
        "",
        f"Generated by `{command}`. The study guide explains the numbers: [docs/guide.md](../guide.md).",
        "",
        "| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in env], "",
        "## 1. Op errors against a float64 oracle",
        "",
        f"Each op runs on float32 inputs drawn from `np.random.default_rng({seed})`; "
        "the oracle is the reference in float64 on the same inputs. Errors are the largest over all draws; "
        "relative errors skip oracle values below float32's smallest normal number. *closer* compares the largest "
        "absolute errors. Gradients are those of Σ dy·op for a random float32 upstream gradient dy. "
        "A largest relative error far above float32's ε = 1.2e-07 comes from an element that cancels to nearly 0 "
        "(a matmul entry, a gradient component): there the absolute error is the measure that means something. "
        "The op cases are this report's own list (`parity_tests/report.py`, `OP_CASES`).",
        "",
        f"Closer to the oracle: the reference in {wins['reference']}, TensorFlow in {wins['TensorFlow']}, "
        f"tie in {wins['tie']} of {len(op_rows)} rows.",
        "",
        "### Values", "", _error_table(value_rows), "",
        "### Gradients", "", _error_table(grad_rows), "",
    ]
    if trajectories:
        eager, graph = trajectories["eager"], trajectories["function"]
        for mode, result in trajectories.items():
            plot(result, out / f"trajectory-{mode}.png")
        plot_divergence(eager, graph, out / "eager-vs-graph.png")
        parts += [
            "## 2. Training trajectories (`tf_impl.compare`)",
            "",
            f"TensorFlow and the reference train the handbook's MLP from the same initial weights on the same "
            f"batches (seed {eager.seed}, data: `{eager.data_source}`), {eager.steps} Adam steps in {eager.dtype}. "
            "The reference computes the loss the way TF does in each mode: from the probabilities against eager "
            "TF, from the logits against `tf.function`.",
            "",
            _trajectory_table(trajectories), "",
            *[f"![{mode}](trajectory-{mode}.png)\n" for mode in trajectories],
            "## 3. Eager vs graph",
            "",
            "The two runs above start from the same weights and see the same batches; only the mode differs. "
            "Eager TF computes the handbook's loss from the clipped probabilities, graph TF from the logits "
            "([guide, section 9](../guide/09-eager-vs-graph.md)). The gap between the two TF runs is the "
            "eager/graph divergence; the reference's two loss semantics, run the same way, diverge by as much.",
            "",
            _divergence_text(eager, graph), "",
            "![eager vs graph](eager-vs-graph.png)", "",
        ]
    else:
        parts += ["## 2. Training trajectories", "", "Not run (`--no-trajectory`).", ""]
    path = out / REPORT_NAME
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
