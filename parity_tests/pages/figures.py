"""The pages' pictures, computed by the reference itself (the gradients are its tape's, kinks and all).

* a loss: its value and its gradient along one line through its inputs (the error, the probability of the true
  class, the margin, the angle), as :data:`LOSS_LINES` defines it;
* an activation: the function and its derivative, the kinks marked (where the derivative jumps);
* a schedule: the learning rate over the steps;
* an optimizer: its path on one shared 2-D function, :func:`valley`, from the same start;
* AUC: the bucketed staircase against the exact ROC.

``draws(entry)`` says whether a name has a picture; ``draw_all`` draws them (matplotlib, the ``plot`` extra).
"""

import inspect

import numpy as np

import reference as rk
from reference.optimizers import schedules as rk_schedules
from reference.utils.file_utils import atomic_write

GRID = 401  # points along each curve


# --- losses: the value and the gradient along a line ------------------------------------------------------


def _regression(y=1.0, span=3.0):
    return "e", "error e = ŷ − y (y = 1)", np.linspace(-span, span, GRID), lambda e: ([[y]], [[y + e]], [[1.0]])


def _probability(label_shape="dense"):
    def inputs(p):
        y_true = [0] if label_shape == "sparse" else [[1.0, 0.0]]
        return y_true, [[p, 1.0 - p]], [[1.0, -1.0]]
    return "p", "probability p of the true class", np.linspace(1e-3, 1 - 1e-3, GRID), inputs


def _binary():
    return ("p", "predicted probability p (y = 1)", np.linspace(1e-3, 1 - 1e-3, GRID),
            lambda p: ([[1.0]], [[p]], [[1.0]]))


def _margin():
    return "ŷ", "score ŷ (y = 1)", np.linspace(-3, 3, GRID), lambda s: ([[1.0]], [[s]], [[1.0]])


def _angle():
    def inputs(t):
        return [[1.0, 0.0]], [[np.cos(t), np.sin(t)]], [[-np.sin(t), np.cos(t)]]
    return "θ", "angle θ between y and ŷ (radians)", np.linspace(-np.pi, np.pi, GRID), inputs


def _overlap():
    def inputs(p):
        return [[1.0, 1.0, 0.0, 0.0]], [[p, p, 1.0 - p, 1.0 - p]], [[1.0, 1.0, -1.0, -1.0]]
    return "p", "predicted probability p on the true pixels", np.linspace(1e-3, 1 - 1e-3, GRID), inputs


def _circle():
    def inputs(t):  # three unit embeddings; the second, of the first's class, turns by θ
        y_pred = [[1.0, 0.0], [np.cos(t), np.sin(t)], [0.0, 1.0]]
        return [0, 0, 1], y_pred, [[0.0, 0.0], [-np.sin(t), np.cos(t)], [0.0, 0.0]]
    return "θ", "angle θ between two embeddings of one class", np.linspace(0.0, np.pi, GRID), inputs


def _ctc():
    def inputs(z):  # 3 frames, 3 classes (the last is blank); the label [1]; z adds to class 1's logit in each frame
        logits = np.zeros((1, 3, 3))
        logits[0, :, 1] = z
        direction = np.zeros((1, 3, 3))
        direction[0, :, 1] = 1.0
        return [[1]], logits, direction
    return "z", "logit z of the label's class in every frame", np.linspace(-4, 4, GRID), inputs


LOSS_LINES = {
    "MeanSquaredError": _regression(), "MeanAbsoluteError": _regression(),
    "MeanAbsolutePercentageError": _regression(), "MeanSquaredLogarithmicError": _regression(span=0.99),
    "Huber": _regression(), "LogCosh": _regression(), "Poisson": _regression(span=0.99),
    "BinaryCrossentropy": _binary(), "BinaryFocalCrossentropy": _binary(),
    "CategoricalCrossentropy": _probability(), "CategoricalFocalCrossentropy": _probability(),
    "CategoricalGeneralizedCrossEntropy": _probability(), "KLDivergence": _probability(),
    "SparseCategoricalCrossentropy": _probability("sparse"),
    "Hinge": _margin(), "SquaredHinge": _margin(), "CategoricalHinge": _probability(),
    "CosineSimilarity": _angle(), "Dice": _overlap(), "Tversky": _overlap(), "Circle": _circle(), "CTC": _ctc(),
    "Loss": _regression(),  # the base class, drawn through its simplest subclass
}


def _loss_class(entry):
    """The loss class whose line ``entry`` shows: itself, or its class (a function's partner)."""
    if entry.name == "Loss":
        return rk.losses.MeanSquaredError
    return entry.obj if inspect.isclass(entry.obj) else entry.partner


def loss_curve(entry):
    """``(symbol, label, x, loss, dloss/dx)``: the loss (default reduction) and its gradient along the line."""
    cls = _loss_class(entry)
    symbol, label, xs, inputs = LOSS_LINES[cls.__name__]
    loss = cls()
    values, slopes = [], []
    for x in xs:
        y_true, y_pred, direction = (np.asarray(a, dtype=np.float64) for a in inputs(x))
        if y_true.dtype.kind == "f" and cls.__name__ in ("SparseCategoricalCrossentropy", "Circle", "CTC"):
            y_true = y_true.astype(np.int64)
        with rk.GradientTape() as tape:
            tape.watch(y_pred)
            value = loss(y_true, y_pred)
        values.append(float(value))
        slopes.append(float(np.sum(tape.gradient(value, y_pred) * direction)))
    return symbol, label, xs, np.array(values), np.array(slopes)


# --- activations: the function, its derivative and its kinks ------------------------------------------------

VECTOR_ACTIVATIONS = {"softmax", "log_softmax", "sparsemax"}  # drawn as f([x, 0])₀, the derivative along x
ACTIVATION_OPTIONS = {"threshold": {"threshold": 1.0, "default_value": -1.0}}


def activation_curve(fn, name):
    """``(x, f, f′)`` on [-5, 5]; a vector activation along its first entry, ``glu`` on ``[x, x]`` (x·σ(x))."""
    xs = np.linspace(-5.0, 5.0, GRID)
    options = ACTIVATION_OPTIONS.get(name, {})
    if name in VECTOR_ACTIVATIONS or name == "glu":
        x = np.stack([xs, xs if name == "glu" else np.zeros_like(xs)], axis=-1)
        direction = np.stack([np.ones_like(xs), np.ones_like(xs) if name == "glu" else np.zeros_like(xs)], axis=-1)
    else:
        x, direction = xs.copy(), np.ones_like(xs)
    with rk.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, **options)
    y = np.asarray(y)
    if y.shape != x.shape:  # glu halves the last axis
        return xs, y[..., 0], np.sum(tape.gradient(y, x) * direction, axis=-1)
    upstream = np.zeros_like(y)
    upstream[..., 0] = 1.0
    if y.ndim == 1:
        return xs, y, tape.gradient(y, x)
    return xs, y[..., 0], np.sum(tape.gradient(y, x, output_gradients=upstream) * direction, axis=-1)


def kinks(xs, derivative):
    """Where the derivative jumps: the points the picture marks."""
    jumps = np.abs(np.diff(derivative))
    spread = max(float(np.ptp(derivative)), 1e-12)
    return [0.5 * (xs[i] + xs[i + 1]) for i in np.flatnonzero(jumps > 0.05 * spread)]


# --- schedules ------------------------------------------------------------------------------------------

SCHEDULE_EXAMPLES = {
    "ExponentialDecay": [("decay_rate=0.5 every 250 steps", lambda: rk_schedules.ExponentialDecay(0.1, 250, 0.5)),
                         ("staircase=True", lambda: rk_schedules.ExponentialDecay(0.1, 250, 0.5, staircase=True))],
    "InverseTimeDecay": [("decay_rate=1 per 250 steps", lambda: rk_schedules.InverseTimeDecay(0.1, 250, 1.0)),
                         ("staircase=True", lambda: rk_schedules.InverseTimeDecay(0.1, 250, 1.0, staircase=True))],
    "PiecewiseConstantDecay": [("boundaries [300, 600]",
                                lambda: rk_schedules.PiecewiseConstantDecay([300, 600], [0.1, 0.05, 0.01]))],
    "PolynomialDecay": [("power=2", lambda: rk_schedules.PolynomialDecay(0.1, 400, 0.01, power=2.0)),
                        ("power=2, cycle=True", lambda: rk_schedules.PolynomialDecay(0.1, 400, 0.01, power=2.0,
                                                                                      cycle=True))],
    "CosineDecay": [("alpha=0.1", lambda: rk_schedules.CosineDecay(0.1, 800, alpha=0.1)),
                    ("200 warmup steps to 0.2", lambda: rk_schedules.CosineDecay(0.0, 600, alpha=0.1,
                                                                                 warmup_target=0.2,
                                                                                 warmup_steps=200))],
    "CosineDecayRestarts": [("t_mul=2, m_mul=0.8", lambda: rk_schedules.CosineDecayRestarts(0.1, 150, t_mul=2.0,
                                                                                           m_mul=0.8, alpha=0.05)),
                            ("t_mul=1", lambda: rk_schedules.CosineDecayRestarts(0.1, 250, t_mul=1.0, m_mul=1.0))],
}
SCHEDULE_EXAMPLES["LearningRateSchedule"] = SCHEDULE_EXAMPLES["ExponentialDecay"][:1]
STEPS = np.arange(0, 1000)


# --- optimizers: paths on one valley ----------------------------------------------------------------------

START = np.array([-2.0, 1.5])
PATH_STEPS = 150


def valley(w):
    """The shared test function: a narrow, tilted valley, ``f = ½(w₀² + 10 (w₁ - ¼ w₀)²)``, with its gradient."""
    u = w[1] - 0.25 * w[0]
    value = 0.5 * (w[0] ** 2 + 10.0 * u ** 2)
    return value, np.array([w[0] - 2.5 * u, 10.0 * u])


OPTIMIZER_EXAMPLES = {  # a learning rate that shows each rule's character in PATH_STEPS steps
    "SGD": lambda: rk.optimizers.SGD(0.05, momentum=0.5),
    "Optimizer": lambda: rk.optimizers.SGD(0.05),
    "Adam": lambda: rk.optimizers.Adam(0.05), "AdamW": lambda: rk.optimizers.AdamW(0.05),
    "Adamax": lambda: rk.optimizers.Adamax(0.05), "Nadam": lambda: rk.optimizers.Nadam(0.05),
    "RMSprop": lambda: rk.optimizers.RMSprop(0.02), "Adagrad": lambda: rk.optimizers.Adagrad(0.3),
    "Adadelta": lambda: rk.optimizers.Adadelta(20.0), "Adafactor": lambda: rk.optimizers.Adafactor(0.05),
    "Ftrl": lambda: rk.optimizers.Ftrl(0.5), "Lamb": lambda: rk.optimizers.Lamb(0.05),
    "Lion": lambda: rk.optimizers.Lion(0.01), "Muon": lambda: rk.optimizers.Muon(adam_lr_ratio=1.0, learning_rate=0.05),
    "ScheduleFreeAdamW": lambda: rk.optimizers.ScheduleFreeAdamW(0.05),
    "LossScaleOptimizer": lambda: rk.optimizers.LossScaleOptimizer(rk.optimizers.Adam(0.05)),
}


def _two_optimizers():
    return rk.optimizers.OptimizerMap(rk.optimizers.SGD(0.05, momentum=0.5), {"w1": rk.optimizers.Adam(0.05)})


OPTIMIZER_EXAMPLES["MultiOptimizer"] = lambda: rk.optimizers.MultiOptimizer(_two_optimizers())
OPTIMIZER_EXAMPLES["OptimizerMap"] = OPTIMIZER_EXAMPLES["MultiOptimizer"]


def optimizer_path(name):
    """The points the optimizer visits on :func:`valley` from :data:`START` (one variable per coordinate, named
    ``w0`` and ``w1``, so that a map can send them to different optimizers)."""
    optimizer = OPTIMIZER_EXAMPLES[name]()
    w = [START[:1].copy(), START[1:].copy()]
    if isinstance(optimizer, rk.optimizers.MultiOptimizer):
        optimizer.build(w, names=["w0", "w1"])
    path = [START.copy()]
    for _ in range(PATH_STEPS):
        _, grad = valley(np.concatenate(w))
        optimizer.apply_gradients(zip([grad[:1].copy(), grad[1:].copy()], w))
        path.append(np.concatenate(w))
    return np.array(path)


# --- which names have a picture, and drawing them ------------------------------------------------------------


def draws(entry):
    if entry.family == "losses":
        cls = _loss_class(entry)
        return cls is not None and cls.__name__ in LOSS_LINES
    if entry.family == "activations":
        return True
    if entry.family == "optimizers.schedules":
        return entry.name in SCHEDULE_EXAMPLES
    if entry.family == "optimizers":
        return entry.name in OPTIMIZER_EXAMPLES
    return entry.family == "metrics" and entry.name == "AUC"


def _visible_range(ys):
    """A y range showing the curve's body: all of it, unless a pole would flatten the rest (then the 2nd to 98th
    percentile), widened a little."""
    finite = ys[np.isfinite(ys)]
    if finite.size == 0:
        return -1.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    p2, p98 = np.percentile(finite, [2, 98])
    if high - low > 10 * max(p98 - p2, 1e-12):
        low, high = float(p2), float(p98)
    pad = 0.08 * max(high - low, 1e-6)
    return low - pad, high + pad


def _figure(plt, width=6.4, height=3.4):
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax.grid(alpha=0.3)
    return fig, ax


def _draw(entry, plt):
    if entry.family == "losses":
        symbol, label, xs, values, slopes = loss_curve(entry)
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2), layout="constrained")
        for ax, ys, title in ((left, values, "loss"), (right, slopes, f"d loss / d{symbol}")):
            ax.plot(xs, ys, color="C0" if ax is left else "C1")
            ax.set_ylim(*_visible_range(ys))
            ax.set_xlabel(label)
            ax.set_title(title)
            ax.grid(alpha=0.3)
        fig.suptitle(f"{entry.name} (gradient from the reference's tape)")
        return fig
    if entry.family == "activations":
        xs, ys, grad = activation_curve(entry.obj, entry.name)
        fig, ax = _figure(plt)
        ax.plot(xs, ys, label="f(x)" if entry.name not in VECTOR_ACTIVATIONS else "f([x, 0])₀")
        ax.plot(xs, grad, "--", label="f′(x)")
        for k in kinks(xs, grad):
            ax.axvline(k, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("x")
        ax.legend()
        ax.set_title(f"{entry.name} and its derivative (kinks dotted)")
        return fig
    if entry.family == "optimizers.schedules":
        fig, ax = _figure(plt)
        for label, make in SCHEDULE_EXAMPLES[entry.name]:
            schedule = make()
            ax.plot(STEPS, [float(schedule(s)) for s in STEPS], label=label)
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate")
        ax.legend()
        ax.set_title(f"{entry.name}")
        return fig
    if entry.family == "optimizers":
        path = optimizer_path(entry.name)
        fig, ax = _figure(plt, 6.4, 4.0)
        g0, g1 = np.meshgrid(np.linspace(-2.5, 2.5, 200), np.linspace(-1.5, 2.0, 200))
        ax.contour(g0, g1, valley(np.array([g0, g1]))[0], levels=np.geomspace(0.01, 30, 14), colors="lightgrey")
        ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1, label=f"{PATH_STEPS} steps")
        ax.plot(*START, "ko")
        ax.plot(0, 0, "k*", markersize=10)
        ax.set_xlabel("w₀")
        ax.set_ylabel("w₁")
        ax.legend()
        ax.set_title(f"{entry.name} on ½(w₀² + 10(w₁ − w₀/4)²) from (−2, 1.5)")
        return fig
    return _draw_auc(plt)


def _draw_auc(plt):
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.4).astype(np.float32)
    scores = np.clip(0.5 + 0.22 * (2 * y - 1) + 0.2 * rng.standard_normal(400), 0, 1).astype(np.float32)
    fig, ax = _figure(plt, 4.6, 4.2)
    order = np.argsort(-scores, kind="stable")
    tpr = np.concatenate([[0], np.cumsum(y[order]) / y.sum()])
    fpr = np.concatenate([[0], np.cumsum(1 - y[order]) / (1 - y).sum()])
    ax.plot(fpr, tpr, color="black", linewidth=1, label="exact ROC")
    for buckets in (5, 200):
        auc = rk.metrics.AUC(num_thresholds=buckets)
        auc.update_state(y, scores)
        tp, fp = np.asarray(auc.true_positives), np.asarray(auc.false_positives)
        fn, tn = np.asarray(auc.false_negatives), np.asarray(auc.true_negatives)
        ax.step(fp / (fp + tn), tp / (tp + fn), where="post",
                label=f"num_thresholds={buckets}: {float(auc.result()):.4f}")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right")
    ax.set_title("AUC: thresholds bucket the ROC")
    return fig


def draw_all(entries, path_of, progress=print):
    """Draw every entry's picture to ``path_of(entry)``; returns how many."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = 0
    for entry in entries:
        if not draws(entry):
            continue
        fig = _draw(entry, plt)
        path = path_of(entry)
        with atomic_write(path, "wb") as f:
            fig.savefig(f, format="png", dpi=72, metadata={"Software": None})
        plt.close(fig)
        count += 1
    return count
