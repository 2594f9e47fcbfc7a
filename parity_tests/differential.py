"""A differential run: random configurations of every public loss, activation, metric, optimizer and schedule, on
the reference and on Keras, compared by outcome.

The suite's properties draw from each row's domain; this draws what a user might pass, domain or not: random
constructor options (picked by parameter name from :data:`OPTIONS`), input dtypes (floats of every width, integers,
bools), ranks, values (ordinary, saturated, near float16 overflow, subnormal) and sample weights. The same call runs
on both sides, since the reference keeps Keras's names and signatures. Each case ends in one of:

* ``agree``: both return, with the same shape, the same dtype, NaN and inf in the same places and the values within
  the bound of :func:`bound`; ``both raise``;
* ``value``: the values differ beyond it; ``nonfinite``: NaN or inf on one side only; ``dtype``, ``shape``;
* ``raise``: one side raises and the other returns;
* ``departure``: a one-sided raise on a name that a documented departure (:mod:`parity_tests.departures`) lists
  (every departure in that table is about whether a call raises; a wrong value is never counted as one).

``python -m parity_tests differential --cases N --seed S`` prints the counts per family and every finding; exits 1
on a finding that is not a documented departure.
"""

import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np

from reference.config import ml_dtypes

ARRAY_DTYPES = ("float32", "float32", "float64", "float16", "int32", "int64", "bool") + (
    ("bfloat16",) if ml_dtypes is not None else ())
POLICIES = (None, None, "float32", "float64", "float16", "mixed_float16", "bfloat16")

OPTIONS = {  # parameter name -> values a user might pass
    "from_logits": (False, True), "label_smoothing": (0.0, 0.1, 0.5), "axis": (-1, -1, 0, 1),
    "reduction": ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None, "none"),
    "dtype": POLICIES, "alpha": (0.25, 0.5, 1.0, 2.0), "gamma": (0.0, 2.0, 0.5), "delta": (1.0, 0.5, 3.0),
    "margin": (0.25, 1.0), "beta": (0.5, 1.0, 2.0), "apply_class_balancing": (False, True),
    "ignore_class": (None, None, 0), "threshold": (0.5, 0.0, 1.0, 0.2), "thresholds": (None, 0.5, [0.2, 0.7]),
    "top_k": (None, 1, 2), "k": (5, 1, 2), "num_classes": (3,), "num_thresholds": (200, 5, 10),
    "average": (None, "micro", "macro", "weighted"), "q": (0.5, 0.1, 1.0), "max_value": (None, 6.0, 0.5),
    "negative_slope": (0.2, 0.0, 1.5), "approximate": (False, True), "b": (4.0, 0.0),
    "default_value": (0.0, -1.0), "scale": (1.0, 2.0),
}
NEEDS = {"threshold": {"threshold": 0.5, "default_value": 0.0}}  # activations with required options


@dataclass
class Outcome:
    family: str
    name: str
    verdict: str
    detail: str = ""
    call: str = ""


def _values(rng, dtype, shape):
    """An array of ``dtype``: ordinary values, with saturated, huge and subnormal entries mixed in."""
    kind = rng.choice(["unit", "normal", "ints", "mixed"])
    if kind == "unit":
        x = rng.random(shape)
    elif kind == "normal":
        x = 3 * rng.standard_normal(shape)
    elif kind == "ints":
        x = rng.integers(0, 3, shape).astype(np.float64)
    else:
        x = rng.choice([0.0, 1.0, 0.5, -2.0, 6.0e4, 1e-40, 1e-7, 1 - 1e-7, 30.0], size=shape)
    if dtype == "bool":
        return x > 0.5
    if dtype.startswith("int"):
        return np.rint(np.clip(x, -5, 5)).astype(dtype)
    if dtype == "bfloat16":
        return x.astype(ml_dtypes.bfloat16)
    with np.errstate(over="ignore"):
        return x.astype(dtype)


def _options(rng, fn, skip=()):
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    chosen = {}
    for name, p in parameters.items():
        if name in OPTIONS and name not in skip and p.kind is not p.VAR_KEYWORD and rng.random() < 0.5:
            chosen[name] = OPTIONS[name][rng.integers(len(OPTIONS[name]))]
    return chosen


def _numpy(x):
    if isinstance(x, (list, tuple)):
        return [_numpy(v) for v in x]
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(x)


def bound(dtype):
    """The relative difference tolerated between the two sides' results: a few hundred ulps of ``dtype`` (the
    results of compositions of tens of ops, with cancellation), the widest a rounding difference explains."""
    if dtype.kind != "f" and dtype.name != "bfloat16":
        return 0.0
    eps = float((ml_dtypes.finfo if dtype.name == "bfloat16" else np.finfo)(dtype).eps)
    return 256 * eps


def _first_line(error, limit):
    """The first line of ``error``'s message, cut at ``limit`` characters ('' for an empty message)."""
    return str(error).splitlines()[0][:limit] if str(error) else ""


def compare(ref, ker):
    """The verdict and a detail, for one case's two outcomes (a value, or the exception raised)."""
    if isinstance(ref, Exception) or isinstance(ker, Exception):
        if isinstance(ref, Exception) and isinstance(ker, Exception):
            return "both raise", f"{type(ref).__name__} / {type(ker).__name__}: {_first_line(ker, 120)}"
        which, error = ("reference", ref) if isinstance(ref, Exception) else ("Keras", ker)
        return "raise", f"only {which} raises: {type(error).__name__}: {_first_line(error, 160)}"
    r, k = np.asarray(ref), np.asarray(ker)
    if r.shape != k.shape:
        return "shape", f"reference {r.shape}, Keras {k.shape}"
    if r.dtype != k.dtype:
        return "dtype", f"reference {r.dtype}, Keras {k.dtype}"
    r64, k64 = r.astype(np.float64), k.astype(np.float64)
    if any(not np.array_equal(test(r64), test(k64)) for test in (np.isnan, np.isposinf, np.isneginf)):
        return "nonfinite", f"reference {r64.ravel()[:6]}, Keras {k64.ravel()[:6]}"
    finite = np.isfinite(k64)
    if not finite.any():
        return "agree", ""
    scale = max(float(np.max(np.abs(k64[finite]))), 1.0 if k.dtype.kind != "f" else 0.0)
    floating = k.dtype.kind == "f" or k.dtype.name == "bfloat16"
    tiny = float((ml_dtypes.finfo if k.dtype.name == "bfloat16" else np.finfo)(k.dtype).tiny) if floating else 0.0
    error = float(np.max(np.abs(r64[finite] - k64[finite])))
    if error <= bound(k.dtype) * scale + 4 * tiny:
        return "agree", ""
    return "value", (f"max |Δ| {error:.3g} at scale {scale:.3g} (bound {bound(k.dtype):.2g}): "
                     f"reference {r64.ravel()[:4]}, Keras {k64.ravel()[:4]}")


def _run(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with np.errstate(all="ignore"):
                return _numpy(fn())
        except Exception as error:  # any raise is an outcome to compare
            return error


# --- the families -------------------------------------------------------------------------------------------


def _loss_case(rng, api_names):
    name = api_names[rng.integers(len(api_names))]
    batch, classes = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    shape = (batch, classes) if rng.random() < 0.8 else (batch,)
    t_dtype, p_dtype = (ARRAY_DTYPES[rng.integers(len(ARRAY_DTYPES))] for _ in range(2))
    y_true, y_pred = _values(rng, t_dtype, shape), _values(rng, p_dtype, shape)
    if "sparse" in name.lower() or name in ("Circle", "circle", "CTC", "ctc"):
        y_true = rng.integers(0, classes, shape[:1]).astype(rng.choice(["int32", "int64", "float32"]))
    weight = None if rng.random() < 0.6 else _values(rng, "float32", (batch,))
    return name, y_true, y_pred, weight


def _arrays(y_true, y_pred, weight):
    """A loss case's arrays as its description names them: each dtype and shape (the weight's shape, or None)."""
    return f"{y_true.dtype}{y_true.shape}, {y_pred.dtype}{y_pred.shape}, w={None if weight is None else weight.shape}"


def losses_cases(rng, keras, rk, n):
    skipped = ("Loss", "get", "serialize", "deserialize", "LossFunctionWrapper")
    names = sorted(n for n in dir(keras.losses) if not n.startswith("_") and n not in skipped)
    names = [n for n in names if callable(getattr(keras.losses, n))]
    for _ in range(n):
        name, y_true, y_pred, weight = _loss_case(rng, names)
        cls = getattr(keras.losses, name)
        options = _options(rng, cls)
        if inspect.isclass(cls):
            def call(api, o=options, name=name, w=weight):
                return getattr(api.losses, name)(**o)(y_true, y_pred, sample_weight=w)
        else:
            def call(api, o=options, name=name):
                return getattr(api.losses, name)(y_true, y_pred, **o)
        yield "losses", name, call, f"{name}({options}) on {_arrays(y_true, y_pred, weight)}"


def activations_cases(rng, keras, rk, n):
    names = sorted(n for n in dir(keras.activations) if not n.startswith("_") and n not in ("get", "serialize",
                                                                                          "deserialize"))
    for _ in range(n):
        name = names[rng.integers(len(names))]
        dtype = ARRAY_DTYPES[rng.integers(len(ARRAY_DTYPES))]
        shape = tuple(int(s) for s in rng.integers(1, 4, rng.integers(0, 4)))
        x = _values(rng, dtype, shape)
        if x.dtype.kind == "f" and rng.random() < 0.5:
            x = (x * 4 - 2).astype(x.dtype)
        options = {**NEEDS.get(name, {}), **_options(rng, getattr(keras.activations, name), skip=("dtype",))}

        def call(api, o=options, name=name, x=x):
            return getattr(api.activations, name)(x, **o)
        yield "activations", name, call, f"{name}({x.dtype}{x.shape}, {options})"


def metrics_cases(rng, keras, rk, n):
    names = sorted(n for n in dir(keras.metrics) if n[0].isupper() and n not in ("Metric", "MeanMetricWrapper"))
    for _ in range(n):
        name = names[rng.integers(len(names))]
        name_, y_true, y_pred, weight = _loss_case(rng, [name])
        options = _options(rng, getattr(keras.metrics, name))
        if name in ("Mean", "Sum"):
            def call(api, o=options, name=name, w=weight):
                m = getattr(api.metrics, name)(**o)
                m.update_state(y_pred, sample_weight=w)
                return m.result()
        else:
            def call(api, o=options, name=name, w=weight):
                m = getattr(api.metrics, name)(**o)
                m.update_state(y_true, y_pred, sample_weight=w)
                m.update_state(y_true, y_pred)
                return m.result()
        yield "metrics", name, call, f"{name}({options}) on {_arrays(y_true, y_pred, weight)}"


OPTIMIZERS = ("SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Adafactor", "Ftrl",
              "Lamb", "Lion", "Muon", "ScheduleFreeAdamW")
OPTIMIZER_OPTIONS = {"learning_rate": (0.01, 0.1, 1, -0.01, 1e-3), "momentum": (0.0, 0.9), "nesterov": (False, True),
                     "amsgrad": (False, True), "centered": (False, True), "weight_decay": (None, 0.01),
                     "clipnorm": (None, 1.0), "clipvalue": (None, 0.5), "global_clipnorm": (None, 1.0),
                     "use_ema": (False, True)}


def optimizers_cases(rng, keras, rk, n):
    for _ in range(n):
        name = OPTIMIZERS[rng.integers(len(OPTIMIZERS))]
        params = inspect.signature(getattr(keras.optimizers, name)).parameters
        options = {k: v[rng.integers(len(v))] for k, v in OPTIMIZER_OPTIONS.items()
                   if (k in params or k in ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema"))
                   and rng.random() < 0.4}
        if sum(options.get(k) is not None for k in ("clipnorm", "clipvalue", "global_clipnorm")) > 1:
            options.pop("clipvalue", None)
            options.pop("global_clipnorm", None)
        dtype = rng.choice(["float32", "float32", "float64", "float16"])
        shape = tuple(int(s) for s in rng.integers(1, 4, rng.integers(1, 3)))
        start = _values(rng, "float32", shape).astype(dtype)
        grads = [(_values(rng, "float32", shape)).astype(dtype) for _ in range(3)]
        scale = rng.random() < 0.2

        def call(api, o=options, name=name, start=start, grads=grads, scale=scale):
            opt = getattr(api.optimizers, name)(**o)
            if scale:
                opt = api.optimizers.LossScaleOptimizer(opt, initial_scale=2.0 ** 15)
            if api.__name__ == "keras":
                var = api.Variable(start)
                for g in grads:
                    opt.apply_gradients([(api.ops.convert_to_tensor(g), var)])
                return var.numpy()
            var = start.copy()
            for g in grads:
                opt.apply_gradients([(g.copy(), var)])
            return var
        yield "optimizers", name, call, f"{'LossScale ' if scale else ''}{name}({options}) on {dtype}{shape}"


def _typed(r, value):
    """``value`` as a user might type it: as is (mostly), a Python int, np.int64, np.float32, np.float64."""
    kind = r.choice(["as is", "as is", "int", "np.int64", "np.float32", "np.float64"])
    if kind == "as is":
        return value
    if kind in ("int", "np.int64"):
        value = int(value) if isinstance(value, int) else int(r.integers(0, 4))
        return value if kind == "int" else np.int64(value)
    return np.float32(value) if kind == "np.float32" else np.float64(value)


def _steps(r, high):
    """A decay period: mostly positive, sometimes 0 or negative (Keras raises), as an int or a float."""
    return _typed(r, int(r.integers(-2, high)) if r.random() < 0.1 else int(r.integers(1, high)))


SCHEDULES = {
    "ExponentialDecay": lambda r: dict(initial_learning_rate=_typed(r, 0.1), decay_steps=_steps(r, 50),
                                       decay_rate=_typed(r, 0.5), staircase=bool(r.random() < 0.5)),
    "InverseTimeDecay": lambda r: dict(initial_learning_rate=_typed(r, 0.1), decay_steps=_steps(r, 50),
                                       decay_rate=_typed(r, 0.5), staircase=bool(r.random() < 0.5)),
    "PolynomialDecay": lambda r: dict(initial_learning_rate=_typed(r, 0.1), decay_steps=_steps(r, 50),
                                      end_learning_rate=_typed(r, 0.001),
                                      power=_typed(r, float(r.choice([1.0, 2.0, 0.5]))), cycle=bool(r.random() < 0.5)),
    "PiecewiseConstantDecay": lambda r: dict(boundaries=[_typed(r, 10), _typed(r, 30.5)],
                                             values=[_typed(r, v) for v in (0.1, 0.05, 0.01)]),
    "CosineDecay": lambda r: dict(initial_learning_rate=_typed(r, 0.1), decay_steps=_steps(r, 50),
                                  alpha=_typed(r, float(r.choice([0.0, 0.1]))),
                                  warmup_target=r.choice([None, _typed(r, 0.2)]),
                                  warmup_steps=_typed(r, int(r.choice([0, 10])))),
    "CosineDecayRestarts": lambda r: dict(initial_learning_rate=_typed(r, 0.1), first_decay_steps=_steps(r, 30),
                                          t_mul=_typed(r, float(r.choice([1.0, 2.0]))),
                                          m_mul=_typed(r, float(r.choice([1.0, 0.8]))),
                                          alpha=_typed(r, float(r.choice([0.0, 0.1])))),
}


def schedules_cases(rng, keras, rk, n):
    names = sorted(SCHEDULES)
    for _ in range(n):
        name = names[rng.integers(len(names))]
        options = SCHEDULES[name](rng)
        step_type = rng.choice(["int", "int", "int32", "int64", "float32", "float64"])
        steps = [int(s) if step_type == "int" else np.dtype(step_type).type(s) for s in rng.integers(0, 120, 4)]

        def call(api, o=options, name=name, steps=steps):
            schedule = getattr(api.optimizers.schedules, name)(**o)
            return [schedule(s) for s in steps]
        yield "schedules", name, call, f"{name}({options}) at {steps}"


def _departed():
    """``{name: departure ids}`` for the names a documented departure lists (those for every name excluded)."""
    from .departures import DEPARTURES

    out = {}
    for d in DEPARTURES:
        for n in d.names:
            if n != "*":
                out[n] = ", ".join(filter(None, (out.get(n), d.id)))
    return out


DEPARTED = _departed()

FAMILIES = {"losses": losses_cases, "activations": activations_cases, "metrics": metrics_cases,
            "optimizers": optimizers_cases, "schedules": schedules_cases}


@dataclass
class Summary:
    outcomes: list = field(default_factory=list)

    def counts(self):
        table = {}
        for o in self.outcomes:
            table.setdefault(o.family, {}).setdefault(o.verdict, 0)
            table[o.family][o.verdict] += 1
        return table


def run(cases_per_family=100, seed=0, families=None, progress=None):
    """Run ``cases_per_family`` random cases of each family on both sides; returns a :class:`Summary`."""
    import keras

    import reference as rk

    rng = np.random.default_rng(seed)
    summary = Summary()
    for family in families or FAMILIES:
        for fam, name, call, text in FAMILIES[family](rng, keras, rk, cases_per_family):
            ref, ker = _run(lambda: call(rk)), _run(lambda: call(keras))
            if isinstance(ker, list) and isinstance(ref, list):
                verdicts = [compare(r, k) for r, k in zip(ref, ker)]
                verdict, detail = next(((v, d) for v, d in verdicts if v not in ("agree", "both raise")), verdicts[0])
            else:
                verdict, detail = compare(ref, ker)
            if verdict == "raise" and name in DEPARTED:  # a wrong value is never excused by a departure
                verdict, detail = "departure", f"{DEPARTED[name]}: {detail}"
            summary.outcomes.append(Outcome(fam, name, verdict, detail, text))
            if progress:
                progress(summary.outcomes[-1])
    return summary
