"""The op table (PyTorch's OpInfo, in small): one :class:`OpInfo` row per checked op.

Generic tests iterate over :data:`ROWS` (``pytest`` ids are the row names):
``test_ops.py`` compares forward values with TensorFlow, ``test_gradients.py``
compares gradients with ``tf.GradientTape`` and float64 finite differences,
``tests/test_gradcheck.py`` runs the finite differences without TensorFlow.

**Adding an op is adding a row.** For example, a mean squared error::

    OpInfo(
        name="mean_squared_error",
        ref="rk.losses.mean_squared_error(y_true, y_pred)",          # code over the sample's names
        tf="keras.losses.mean_squared_error(y_true, y_pred)",        # same names, ndarrays as tf.constant
        sample=lambda d: S.regression(d),                            # dtype -> strategy of Sample (strategies.py)
        tol="reduction", size=lambda s: s["y_pred"].shape[-1],       # tolerances.RULES key, problem size
        grad_wrt=("y_pred",),                                        # differentiable inputs, if any
        fd_sample=lambda: S.regression("float64"),                   # smooth float64 domain for finite differences
        examples=({"y_true": [[0.0, 1.0]], "y_pred": [[0.0, 1.0]]},),  # pinned inputs, always run
    )

A row names the reference code and the TF code as *source text*: the suite
evaluates exactly that text, and prints it, with the inputs, as the
reproduction snippet of a failure. The code sees ``rk`` (``reference``) and
``np`` (reference side) or ``tf``, ``keras`` and ``np`` (TF side), plus the
sample's entries by name. Strategies live in ``strategies.py``; tolerance
keys in ``tolerances.py``. This module never imports TensorFlow: the TF side
gets ``tf`` and ``keras`` passed in, so ``tests/test_gradcheck.py`` runs without it.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import reference as rk

from . import strategies as S
from .strategies import Sample

CLIP_LOG = float(-np.log(rk.config.epsilon()))  # largest |log clip(p)|: 16.12


def _one(sample):
    return 1


def _max_abs(*arrays):
    return max([float(np.max(np.abs(np.asarray(a, dtype=np.float64)), initial=0.0)) for a in arrays] + [0.0])


def _sum_abs(*arrays):
    return sum(float(np.sum(np.abs(np.asarray(a, dtype=np.float64)))) for a in arrays)


@dataclass(frozen=True, repr=False)
class OpInfo:
    """One checked op. See the module docstring for an annotated example.

    Attributes:
        name: the pytest id.
        ref, tf: source text of an expression computing the op on each side.
        sample: ``dtype -> hypothesis strategy`` drawing a :class:`~parity_tests.strategies.Sample`.
        tol: the forward tolerance key (``tolerances.RULES``).
        size, scale: ``sample -> size`` and ``sample -> scale`` for the forward tolerance.
        grad_wrt: the names of the inputs to differentiate with respect to (empty: no gradient checks).
        grad_tol, grad_size, grad_scale: the same for gradients; ``grad_scale(sample, dy)`` also sees
            the upstream gradient. Default: the forward ones (``grad_scale``: ``max|dy|·scale``).
        fd_sample: ``() -> strategy`` of float64 samples in a smooth domain, for finite differences
            (default ``sample("float64")``).
        dtypes: the dtypes the row runs in.
        examples: pinned inputs (dicts; lists become arrays, float ones cast to the test's dtype),
            checked in every run before the drawn examples.
    """

    name: str
    ref: str
    tf: str
    sample: Callable[[str], Any]
    tol: str
    size: Callable[[Sample], int] = _one
    scale: Callable[[Sample], Any] = lambda s: 1.0
    grad_wrt: tuple = ()
    grad_tol: str = None
    grad_size: Callable[[Sample], int] = None
    grad_scale: Callable[[Sample, np.ndarray], Any] = None
    fd_sample: Callable[[], Any] = None
    dtypes: tuple = S.DTYPES
    examples: tuple = ()
    _code: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self):
        return f"op_db.BY_NAME[{self.name!r}]"

    def __post_init__(self):
        self._code["ref"] = compile(self.ref, f"<{self.name}: ref>", "eval")
        self._code["tf"] = compile(self.tf, f"<{self.name}: tf>", "eval")

    # --- tolerances ---------------------------------------------------------------------

    def forward_tolerance(self, sample):
        """``(key, size, scale)`` for the forward value."""
        return self.tol, self.size(sample), self.scale(sample)

    def grad_tolerance(self, sample, dy):
        """``(key, size, scale)`` for the gradients."""
        size = (self.grad_size or self.size)(sample)
        scale = self.grad_scale(sample, dy) if self.grad_scale else _max_abs(dy) * np.max(self.scale(sample))
        return self.grad_tol or self.tol, size, scale

    # --- samples --------------------------------------------------------------------------

    def pinned(self, dtype):
        """The pinned examples as Samples of ``dtype``."""
        return [Sample(e).astype(dtype) for e in self.examples]

    def fd_strategy(self):
        return self.fd_sample() if self.fd_sample else self.sample("float64")

    # --- evaluation -----------------------------------------------------------------------

    def run_ref(self, sample):
        """The reference's value on ``sample`` (NumPy)."""
        with np.errstate(all="ignore"):
            return np.asarray(eval(self._code["ref"], {"rk": rk, "np": np, **sample}))

    def run_tf(self, sample, tf, keras):
        """TensorFlow's value on ``sample``, eagerly, as NumPy."""
        return np.asarray(eval(self._code["tf"], {"tf": tf, "keras": keras, "np": np, **_tensors(sample, tf)}))

    def ref_grads(self, sample, dy):
        """The reference tape's gradients of ``Σ dy·op`` with respect to :attr:`grad_wrt`."""
        sources = [sample[n] for n in self.grad_wrt]
        with np.errstate(all="ignore"), rk.GradientTape() as tape:
            tape.watch(sources)
            y = eval(self._code["ref"], {"rk": rk, "np": np, **sample})
        with np.errstate(all="ignore"):
            return tape.gradient(y, sources, output_gradients=dy, unconnected_gradients="zero")

    def tf_grads(self, sample, dy, tf, keras):
        """``tf.GradientTape``'s gradients of ``Σ dy·op`` with respect to :attr:`grad_wrt`."""
        tensors = _tensors(sample, tf)
        sources = [tensors[n] for n in self.grad_wrt]
        with tf.GradientTape() as tape:
            tape.watch(sources)
            y = eval(self._code["tf"], {"tf": tf, "keras": keras, "np": np, **tensors})
        grads = tape.gradient(y, sources, output_gradients=tf.constant(dy),
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return [np.asarray(g) for g in grads]

    def fd_grads(self, sample, dy):
        """float64 central differences of ``Σ dy·op`` with respect to each of :attr:`grad_wrt`."""
        from .compare import numerical_gradient

        grads = []
        for n in self.grad_wrt:
            f = lambda x, n=n: self.run_ref(Sample(sample, **{n: x}))
            grads.append(numerical_gradient(f, sample[n], dy))
        return grads

    # --- reproduction -------------------------------------------------------------------

    def repro(self, sample, dy=None):
        """``(inputs, ref_code, tf_code)`` for :func:`parity_tests.compare.assert_parity`."""
        if dy is None:
            return dict(sample), self.ref, self.tf
        wrt = ", ".join(self.grad_wrt)
        ref = (f"with rk.GradientTape() as tape:\n    tape.watch([{wrt}])\n    y = {self.ref}\n"
               f'print("reference:", tape.gradient(y, [{wrt}], output_gradients=dy))')
        tf = (f"with tf.GradientTape() as tape:\n    tape.watch([{wrt}])\n    y = {self.tf}\n"
              f'print("tensorflow:", tape.gradient(y, [{wrt}], output_gradients=dy))')
        return {**sample, "dy": dy}, ref, tf


def _tensors(sample, tf):
    return {k: tf.constant(v) if isinstance(v, np.ndarray) else v for k, v in sample.items()}


# --- tolerance helpers --------------------------------------------------------------------


def _classes(sample, key="y_pred", axis="axis"):
    return sample[key].shape[sample.get(axis, -1)]


def _loss_value_scale(sample):
    """Magnitude of the terms of one cross-entropy: ``max(1, |logits|)``, or ``|log clip p|``."""
    return max(1.0, _max_abs(sample["y_pred"])) if sample.get("from_logits") else CLIP_LOG


def _weights_over_divisor(sample, loss_shape):
    """Per-sample factor ``w / divisor`` that the reduction applies to each loss (Keras's rules)."""
    w = sample.get("sample_weight")
    w = np.ones(loss_shape) if w is None else np.asarray(w, dtype=np.float64)
    if w.ndim == len(loss_shape) + 1:
        w = w[..., 0]
    wb = np.broadcast_to(w, loss_shape)
    reduction = sample.get("reduction", "none")
    if reduction in (None, "none", "sum"):
        divisor = 1.0
    elif reduction == "mean_with_sample_weight" and sample.get("sample_weight") is not None:
        divisor = float(np.sum(w))
    else:
        divisor = float(np.prod(loss_shape))
    return np.abs(wb) / divisor if divisor else np.zeros(loss_shape)


def _loss_size(sample):
    """Classes, plus the number of losses summed by a reduction."""
    shape = sample["y_pred"].shape
    return shape[-1] + (0 if sample.get("reduction", "none") in (None, "none") else int(np.prod(shape[:-1])))


def _loss_scale(sample):
    """Per-loss error bound times the weight the reduction gives it; summed when reduced, else the max."""
    per_sample = _weights_over_divisor(sample, sample["y_pred"].shape[:-1]) * _loss_value_scale(sample)
    reduced = sample.get("reduction", "none") not in (None, "none")
    return max(1.0, float(np.sum(per_sample)) if reduced else _max_abs(per_sample))


def _label_mass(sample):
    """``max Σ|y_true|`` along the class axis (1 for integer labels): the gradient is proportional to it."""
    y_true = np.asarray(sample["y_true"])
    return 1.0 if y_true.dtype.kind != "f" else max(1.0, _max_abs(np.sum(np.abs(y_true), axis=sample.get("axis", -1))))


def _loss_grad_scale(sample, dy):
    """Magnitude of the gradient terms wrt ``y_pred``, per element: ``max|dy|·w/divisor`` of the sample,
    times ``1/clip(p) + 1/Σp`` for probabilities (the log's derivative and the normalisation, which cancel),
    times the label mass."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    axis = sample.get("axis", -1)
    loss_shape = np.delete(np.array(y_pred.shape), axis)
    per_sample = np.expand_dims(_weights_over_divisor(sample, tuple(loss_shape)), axis) * _max_abs(dy)
    if sample.get("from_logits"):
        factor = 1.0
    else:
        total = np.maximum(np.abs(y_pred.sum(axis, keepdims=True)), np.finfo(np.float64).tiny)
        factor = 1 / np.clip(y_pred, rk.config.epsilon(), 1) + 1 / np.minimum(total, 1e300)
    with np.errstate(over="ignore"):                     # Σp = 0: capped below, so the tolerance stays finite
        return np.minimum(per_sample * factor * _label_mass(sample) + 0.0 * y_pred, 1e300)


def _matmul_scale(sample):
    return _max_abs(np.abs(sample["a"]) @ np.abs(sample["b"]))


def _matmul_grad_scale(sample, dy):
    a, b, dy = np.abs(sample["a"]), np.abs(sample["b"]), np.abs(dy)
    return max(_max_abs(dy @ b.T), _max_abs(a.T @ dy))


def _dense_scale(sample):
    x = np.abs(sample["x"]).reshape(-1, sample["x"].shape[-1])
    return _max_abs(x @ np.abs(sample["kernel"])) + _max_abs(sample["bias"])


def _dense_grad_scale(sample, dy):
    x = np.abs(sample["x"]).reshape(-1, sample["x"].shape[-1])
    dy = np.abs(dy).reshape(-1, dy.shape[-1])
    return max(_max_abs(dy @ np.abs(sample["kernel"]).T), _max_abs(x.T @ dy), _max_abs(dy.sum(0))) * \
        (2.0 if sample["activation"] == "softmax" else 1.0)


def _binary_grad_scale(factor):
    """Unbroadcasting sums ``dy·factor`` over up to ``dy.size`` terms: scale ``Σ|dy|·max|factor|``."""
    return lambda s, dy: _sum_abs(dy) * max(1.0, factor(s))


def _xent_scale(sample):
    labels_mass = np.sum(np.abs(sample["labels"]), axis=sample["axis"])
    return max(1.0, _max_abs(sample["logits"])) * max(1.0, _max_abs(labels_mass))


def _bce_grad_scale(sample, dy):
    """Per element of ``y_pred``: ``max|dy|·w/divisor`` of its sample over the ``n`` averaged elements, times
    ``|z|/clip(p) + |1-z|/clip(1-p)`` for probabilities (the two logs' derivatives), 2 for logits (``σ(x) - z``)."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    axis = sample.get("axis", -1)
    loss_shape = tuple(np.delete(np.array(y_pred.shape), axis))
    per_sample = np.expand_dims(_weights_over_divisor(sample, loss_shape), axis) * _max_abs(dy) / y_pred.shape[axis]
    if sample.get("from_logits"):
        return per_sample * 2.0 + 0.0 * y_pred
    eps = rk.config.epsilon()
    return per_sample * (1 / np.clip(y_pred, eps, 1) + 1 / np.clip(1 - y_pred, eps, 1)) + 0.0 * y_pred


def _mse_magnitude(sample):
    """``max|y_true| + max|y_pred|``: the scale of ``y_true - y_pred`` before it cancels."""
    return _max_abs(sample["y_true"]) + _max_abs(sample["y_pred"])


def _mse_scale(sample):
    """The squared magnitude, times the weight each loss gets from the reduction (summed if reduced)."""
    per_sample = _weights_over_divisor(sample, sample["y_pred"].shape[:-1]) * _mse_magnitude(sample) ** 2
    reduced = sample.get("reduction", "none") not in (None, "none")
    return max(1.0, float(np.sum(per_sample)) if reduced else _max_abs(per_sample))


def _mse_grad_scale(sample, dy):
    """``2·max|dy|·magnitude / n`` times the sample's reduction weight: the derivative ``-2(a - b)/n·dy``."""
    y_pred = np.asarray(sample["y_pred"], dtype=np.float64)
    per_sample = np.expand_dims(_weights_over_divisor(sample, y_pred.shape[:-1]), -1)
    return per_sample * 2 * _max_abs(dy) * _mse_magnitude(sample) / y_pred.shape[-1] + 0.0 * y_pred


# --- the table ----------------------------------------------------------------------------

EDGE = S.probability_edges("float64")  # 0, 1, ε, 1-ε, ε/2, 1-ε/2, 0.5 (cast per dtype by the pinned examples)

ROWS = [
    # elementwise arithmetic ---------------------------------------------------------------
    OpInfo("add", "rk.ops.add(a, b)", "tf.add(a, b)",
           sample=lambda d: S.binary(d, S.values(d, 1e3), S.values(d, 1e3)), tol="elementwise",
           grad_wrt=("a", "b"), grad_tol="reduction", grad_size=lambda s: s["a"].size + s["b"].size,
           grad_scale=_binary_grad_scale(lambda s: 1.0)),
    OpInfo("subtract", "rk.ops.subtract(a, b)", "tf.subtract(a, b)",
           sample=lambda d: S.binary(d, S.values(d, 1e3), S.values(d, 1e3)), tol="elementwise",
           grad_wrt=("a", "b"), grad_tol="reduction", grad_size=lambda s: s["a"].size + s["b"].size,
           grad_scale=_binary_grad_scale(lambda s: 1.0)),
    OpInfo("multiply", "rk.ops.multiply(a, b)", "tf.multiply(a, b)",
           sample=lambda d: S.binary(d), tol="elementwise",
           grad_wrt=("a", "b"), grad_tol="reduction", grad_size=lambda s: s["a"].size + s["b"].size,
           grad_scale=_binary_grad_scale(lambda s: _max_abs(s["a"], s["b"]))),
    OpInfo("divide", "rk.ops.divide(a, b)", "tf.divide(a, b)",
           sample=lambda d: S.binary(d, S.values(d), S.nonzero_values(d)), tol="elementwise",
           grad_wrt=("a", "b"), grad_tol="reduction", grad_size=lambda s: s["a"].size + s["b"].size,
           grad_scale=_binary_grad_scale(lambda s: _max_abs(1 / s["b"], s["a"] / s["b"] ** 2)),
           fd_sample=lambda: S.binary("float64", S.fd_values(), S.positive_values("float64", 0.5, 3.0))),
    OpInfo("divide_no_nan", "rk.ops.divide_no_nan(a, b)", "tf.math.divide_no_nan(a, b)",
           sample=lambda d: S.divide_no_nan(d), tol="elementwise",
           grad_wrt=("a", "b"), grad_tol="reduction", grad_size=lambda s: s["a"].size + s["b"].size,
           grad_scale=_binary_grad_scale(lambda s: _max_abs(np.where(s["b"] != 0, 1 / np.where(s["b"] != 0, s["b"], 1), 0),
                                                            np.where(s["b"] != 0, s["a"] / np.where(s["b"] != 0, s["b"], 1) ** 2, 0))),
           fd_sample=lambda: S.binary("float64", S.fd_values(), S.positive_values("float64", 0.5, 3.0)),
           examples=({"a": [1.0, np.nan, np.inf, -2.0, 0.0], "b": [0.0, 0.0, 0.0, 4.0, 0.0]},)),
    OpInfo("negative", "rk.ops.negative(x)", "tf.negative(x)",
           sample=lambda d: S.unary(d), tol="exact", grad_wrt=("x",)),
    OpInfo("square", "rk.ops.square(x)", "tf.square(x)",
           sample=lambda d: S.unary(d, S.values(d, 1e3)), tol="elementwise", grad_wrt=("x",),
           grad_scale=lambda s, dy: 0.0),
    OpInfo("log", "rk.ops.log(x)", "tf.math.log(x)",
           sample=lambda d: S.unary(d, S.positive_values(d, 1e-30, 1e30)), tol="transcendental",
           grad_wrt=("x",), grad_tol="elementwise", grad_scale=lambda s, dy: 0.0,
           fd_sample=lambda: S.unary("float64", S.positive_values("float64", 0.1, 10.0)),
           examples=({"x": [1.0, EDGE[2], EDGE[3], 1e-30, 1e30]},)),
    OpInfo("exp", "rk.ops.exp(x)", "tf.exp(x)",
           sample=lambda d: S.unary(d, S.floats(d, -100, 80)), tol="transcendental",
           grad_wrt=("x",), grad_scale=lambda s, dy: 0.0,
           fd_sample=lambda: S.unary("float64", S.fd_values()),
           examples=({"x": [0.0, -100.0, 80.0, -87.0]},)),
    # linear algebra and shapes -----------------------------------------------------------
    OpInfo("matmul", "rk.ops.matmul(a, b)", "tf.matmul(a, b)",
           sample=lambda d: S.matmul(d), tol="matmul", size=lambda s: s["a"].shape[1], scale=_matmul_scale,
           grad_wrt=("a", "b"), grad_size=lambda s: max(s["a"].shape[0], s["b"].shape[1]),
           grad_scale=_matmul_grad_scale),
    OpInfo("reshape", "rk.ops.reshape(x, shape)", "tf.reshape(x, shape)",
           sample=lambda d: S.reshape(d), tol="exact", grad_wrt=("x",)),
    OpInfo("clip_by_value", "rk.ops.clip_by_value(x, clip_value_min, clip_value_max)",
           "tf.clip_by_value(x, clip_value_min, clip_value_max)",
           sample=lambda d: S.clip(d), tol="exact", grad_wrt=("x",),
           fd_sample=lambda: S.clip("float64", fd=True),
           examples=({"x": [EDGE[2], EDGE[3], EDGE[4], EDGE[5], 0.0, 1.0],   # on each bound, and inside the zones
                      "clip_value_min": rk.config.epsilon(), "clip_value_max": 1 - rk.config.epsilon()},)),
    # reductions --------------------------------------------------------------------------
    OpInfo("reduce_sum", "rk.ops.reduce_sum(x, axis=axis, keepdims=keepdims)",
           "tf.reduce_sum(x, axis=axis, keepdims=keepdims)",
           sample=lambda d: S.reduction(d), tol="reduction", size=lambda s: s["x"].size,
           scale=lambda s: _sum_abs(s["x"]), grad_wrt=("x",), grad_tol="exact", grad_scale=lambda s, dy: 0.0),
    OpInfo("reduce_mean", "rk.ops.reduce_mean(x, axis=axis, keepdims=keepdims)",
           "tf.reduce_mean(x, axis=axis, keepdims=keepdims)",
           sample=lambda d: S.reduction(d), tol="reduction", size=lambda s: s["x"].size,
           scale=lambda s: _sum_abs(s["x"]), grad_wrt=("x",), grad_tol="elementwise", grad_scale=lambda s, dy: 0.0),
    # activations -------------------------------------------------------------------------
    OpInfo("relu", "rk.ops.relu(x)", "tf.nn.relu(x)",
           sample=lambda d: S.unary(d), tol="exact", grad_wrt=("x",),
           fd_sample=lambda: S.unary("float64", S.fd_values(avoid=(0.0,))),
           examples=({"x": [-1.0, 0.0, -0.0, 1.0, 0.0]},)),              # TF's gradient at exactly 0 is 0
    OpInfo("softmax", "rk.ops.softmax(x, axis=axis)", "tf.nn.softmax(x, axis=axis)",
           sample=lambda d: S.softmax(d), tol="softmax", size=lambda s: s["x"].shape[s["axis"]],
           grad_wrt=("x",), grad_tol="softmax_grad",
           fd_sample=lambda: S.softmax("float64", S.fd_values()),
           examples=({"x": [[100.0, 0.0, 0.0]], "axis": -1}, {"x": [[1e4, -1e4], [1e4, 1e4]], "axis": 0},
                     {"x": [[-1e4, -1e4, 0.0]], "axis": 1}, {"x": [[0.0, 0.0]], "axis": -1})),
    OpInfo("sigmoid", "rk.ops.sigmoid(x)", "tf.sigmoid(x)",
           sample=lambda d: S.unary(d, S.values(d, 100.0)), tol="transcendental", grad_wrt=("x",),
           fd_sample=lambda: S.unary("float64", S.fd_values()),
           examples=({"x": [0.0, -100.0, 100.0, 20.0, -20.0]},)),
    # fused cross-entropies ---------------------------------------------------------------
    OpInfo("sparse_softmax_cross_entropy_with_logits",
           "rk.ops.sparse_softmax_cross_entropy_with_logits(labels, logits)",
           "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)",
           sample=lambda d: S.sparse_xent_with_logits(d), tol="cross_entropy",
           size=lambda s: s["logits"].shape[-1], scale=lambda s: max(1.0, _max_abs(s["logits"])),
           grad_wrt=("logits",), grad_tol="softmax_grad", grad_scale=lambda s, dy: _max_abs(dy),
           fd_sample=lambda: S.sparse_xent_with_logits("float64", S.fd_values()),
           examples=({"labels": [1, 0], "logits": [[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]]},)),
    OpInfo("softmax_cross_entropy_with_logits",
           "rk.ops.softmax_cross_entropy_with_logits(labels, logits, axis=axis)",
           "tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=axis)",
           sample=lambda d: S.xent_with_logits(d), tol="cross_entropy",
           size=lambda s: s["logits"].shape[s["axis"]], scale=_xent_scale,
           grad_wrt=("labels", "logits"), grad_tol="softmax_grad",
           grad_scale=lambda s, dy: _max_abs(dy) * _xent_scale(s),
           fd_sample=lambda: S.xent_with_logits("float64", S.fd_values(), normalised=True),
           examples=({"labels": [[0.0, 1.0, 0.0]], "logits": [[1e4, -1e4, 0.0]], "axis": -1},)),
    OpInfo("sigmoid_cross_entropy_with_logits",
           "rk.ops.sigmoid_cross_entropy_with_logits(labels, logits)",
           "tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)",
           sample=lambda d: S.sigmoid_xent_with_logits(d), tol="cross_entropy",
           scale=lambda s: max(1.0, _max_abs(s["logits"])),
           grad_wrt=("labels", "logits"), grad_scale=lambda s, dy: _max_abs(dy) * max(1.0, _max_abs(s["logits"])),
           fd_sample=lambda: S.sigmoid_xent_with_logits("float64", S.fd_values()),
           examples=({"labels": [0.0, 1.0, 0.5, EDGE[2]], "logits": [0.0, 1e4, -1e4, 100.0]},)),
    OpInfo("cast", "rk.ops.cast(x, dtype)", "tf.cast(x, dtype)",
           sample=lambda d: S.cast(d), tol="exact", grad_wrt=("x",),
           fd_sample=lambda: S.cast("float64", targets=("float64",))),
    # layers and compositions -------------------------------------------------------------
    OpInfo("dense",
           "rk.layers.Dense(kernel.shape[1], activation=activation, dtype=x.dtype,"
           " kernel_initializer=lambda shape, dtype: kernel, bias_initializer=lambda shape, dtype: bias)(x)",
           "keras.activations.get(activation)(keras.ops.add(keras.ops.matmul(x, kernel), bias))",
           sample=lambda d: S.dense(d), tol="matmul",
           size=lambda s: s["kernel"].shape[0] + s["kernel"].shape[1] + 4, scale=_dense_scale,
           grad_wrt=("x", "kernel", "bias"),
           grad_size=lambda s: s["kernel"].shape[0] + s["kernel"].shape[1] + s["x"].size // s["x"].shape[-1] + 4,
           grad_scale=_dense_grad_scale,
           fd_sample=lambda: S.dense("float64", S.fd_values(-1, 1), activation=False)),
    OpInfo("softmax_then_sparse_categorical_crossentropy",
           "rk.losses.sparse_categorical_crossentropy(y_true, rk.activations.softmax(logits))",
           "keras.losses.sparse_categorical_crossentropy(y_true, tf.nn.softmax(logits))",
           sample=lambda d: S.sparse_xent_with_logits(d).map(lambda s: Sample(y_true=s["labels"], logits=s["logits"])),
           tol="cross_entropy", size=lambda s: s["logits"].shape[-1], scale=lambda s: CLIP_LOG,
           grad_wrt=("logits",), grad_scale=lambda s, dy: 2 * _max_abs(dy),
           fd_sample=lambda: S.sparse_xent_with_logits("float64", S.fd_values()).map(
               lambda s: Sample(y_true=s["labels"], logits=s["logits"])),
           examples=({"y_true": [1], "logits": [[100.0, 0.0, 0.0]]},)),    # 16.118095: the clip, eagerly
    OpInfo("softmax_then_categorical_crossentropy",
           "rk.losses.categorical_crossentropy(y_true, rk.activations.softmax(logits))",
           "keras.losses.categorical_crossentropy(y_true, tf.nn.softmax(logits))",
           sample=lambda d: S.sparse_xent_with_logits(d).map(lambda s: Sample(
               y_true=S.one_hot(s["labels"], s["logits"].shape[-1], s["logits"].dtype), logits=s["logits"])),
           tol="cross_entropy", size=lambda s: s["logits"].shape[-1], scale=lambda s: CLIP_LOG,
           grad_wrt=("logits",), grad_scale=lambda s, dy: 2 * _max_abs(dy),
           fd_sample=lambda: S.sparse_xent_with_logits("float64", S.fd_values()).map(lambda s: Sample(
               y_true=S.one_hot(s["labels"], s["logits"].shape[-1], "float64"), logits=s["logits"]))),
    # losses ------------------------------------------------------------------------------
    OpInfo("sparse_categorical_crossentropy",
           "rk.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)",
           "keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)",
           sample=lambda d: S.sparse_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=_loss_size, scale=_loss_scale, grad_wrt=("y_pred",), grad_scale=_loss_grad_scale,
           fd_sample=lambda: S.sparse_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [0, 1, 2, 0], "from_logits": False,                      # exact 0s and 1s, rows off 1
                "y_pred": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]]},
               {"y_true": [[0], [1], [2]], "from_logits": False,                   # on and inside the clip bounds
                "y_pred": [[EDGE[2], EDGE[3], EDGE[4]], [EDGE[5], EDGE[2], 0.5], [EDGE[3], EDGE[4], EDGE[2]]]},
               {"y_true": [2, 0], "from_logits": True, "y_pred": [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]]},
           )),
    OpInfo("categorical_crossentropy",
           "rk.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           "keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.categorical_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2,
           scale=lambda s: _loss_value_scale(s) * _label_mass(s),
           grad_wrt=("y_pred",), grad_scale=_loss_grad_scale,
           fd_sample=lambda: S.categorical_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "from_logits": False, "label_smoothing": 0.0,
                "axis": -1, "y_pred": [[EDGE[2], EDGE[3], 0.0], [EDGE[4], 1.0, EDGE[5]]]},
               {"y_true": [[0.0, 1.0, 0.0]], "from_logits": False, "label_smoothing": 0.1, "axis": -1,
                "y_pred": [[0.2, 0.3, 0.1]]},                                      # a row that sums to 0.6
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "from_logits": True, "label_smoothing": 1.0, "axis": 0,
                "y_pred": [[1e4, -1e4], [0.0, 1e4]]},
           )),
    OpInfo("SparseCategoricalCrossentropy",
           "rk.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction,"
           " dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction,"
           " dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.sparse_crossentropy(d), tol="cross_entropy",
           size=_loss_size, scale=_loss_scale, grad_wrt=("y_pred",), grad_scale=_loss_grad_scale,
           fd_sample=lambda: S.sparse_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [[1], [0]], "y_pred": [[0.0, 1.0], [EDGE[2], EDGE[3]]], "from_logits": False,
                "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None))),
    OpInfo("CategoricalCrossentropy",
           "rk.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " axis=axis, reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " axis=axis, reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.categorical_crossentropy(d), tol="cross_entropy",
           size=_loss_size, scale=lambda s: _loss_scale(s) * _label_mass(s),
           grad_wrt=("y_pred",), grad_scale=_loss_grad_scale,
           fd_sample=lambda: S.categorical_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "y_pred": [[0.0, 1.0], [EDGE[2], EDGE[3]]],
                "from_logits": False, "label_smoothing": 0.0, "axis": -1, "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None))),
    # metrics ---------------------------------------------------------------------------
    OpInfo("SparseCategoricalAccuracy",
           "rk.metrics.SparseCategoricalAccuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.SparseCategoricalAccuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.sparse_accuracy(d), tol="metric", size=lambda s: len(s["y_true"]),
           examples=({"y_true": [0, 1, 2], "y_pred": [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0]],
                      "sample_weight": None},)),                          # ties go to the first maximum
    OpInfo("CategoricalAccuracy",
           "rk.metrics.CategoricalAccuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.CategoricalAccuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.categorical_accuracy(d), tol="metric", size=lambda s: len(s["y_true"]),
           examples=({"y_true": [[0.5, 0.5], [0.0, 1.0]], "y_pred": [[0.0, 0.0], [1.0, 1.0]],
                      "sample_weight": [[1.0], [0.0]]},)),
    OpInfo("Accuracy",
           "rk.metrics.Accuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.Accuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.accuracy(d), tol="metric", size=lambda s: s["y_true"].size,
           examples=({"y_true": [[1.0], [2.0]], "y_pred": [[1.0], [0.0]], "sample_weight": [1.0, 3.0]},)),
    # binary and regression losses, binary metrics (compile/fit's additions) ---------------
    OpInfo("binary_crossentropy",
           "rk.losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           "keras.losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.binary_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2, scale=_loss_value_scale,
           grad_wrt=("y_pred",), grad_scale=_bce_grad_scale,
           fd_sample=lambda: S.binary_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 1.0, 0.0, 1.0]], "y_pred": [[0.0, 1.0, EDGE[2], EDGE[3], EDGE[4]]],
                "from_logits": False, "label_smoothing": 0.0, "axis": -1},     # exact 0 and 1, the clip bounds
               {"y_true": [[0.0, 1.0, 0.5]], "y_pred": [[1e4, -1e4, 0.0]], "from_logits": True,
                "label_smoothing": 0.2, "axis": -1},
           )),
    OpInfo("BinaryCrossentropy",
           "rk.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_crossentropy(d), tol="cross_entropy",
           size=_loss_size, scale=_loss_scale, grad_wrt=("y_pred",), grad_scale=_bce_grad_scale,
           fd_sample=lambda: S.binary_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [1.0, 0.0], "y_pred": [[0.7], [EDGE[3]]], "from_logits": False,   # (N,) meets (N, 1)
                "label_smoothing": 0.0, "sample_weight": w, "reduction": r}
               for w in (None, [2.0, 0.0]) for r in ("sum_over_batch_size", "mean_with_sample_weight", None))),
    OpInfo("mean_squared_error", "rk.losses.mean_squared_error(y_true, y_pred)",
           "keras.losses.mean_squared_error(y_true, y_pred)",
           sample=lambda d: S.regression(d, with_weights=False), tol="reduction",
           size=lambda s: s["y_pred"].shape[-1] + 2, scale=lambda s: _mse_magnitude(s) ** 2,
           grad_wrt=("y_pred",), grad_tol="reduction", grad_size=lambda s: 4, grad_scale=_mse_grad_scale,
           fd_sample=lambda: S.regression("float64", with_weights=False, fd=True),
           examples=({"y_true": [1.0, 2.0], "y_pred": [[1.5], [2.0]]},)),             # (N,) meets (N, 1)
    OpInfo("MeanSquaredError",
           "rk.losses.MeanSquaredError(reduction=reduction, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.MeanSquaredError(reduction=reduction, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.regression(d), tol="reduction",
           size=lambda s: s["y_pred"].size + 2, scale=_mse_scale,
           grad_wrt=("y_pred",), grad_size=lambda s: 4, grad_scale=_mse_grad_scale,
           fd_sample=lambda: S.regression("float64", fd=True)),
    OpInfo("binary_accuracy", "rk.metrics.binary_accuracy(y_true, y_pred, threshold=threshold)",
           "keras.metrics.binary_accuracy(y_true, y_pred, threshold=threshold)",
           sample=lambda d: S.binary_accuracy(d), tol="exact",
           examples=({"y_true": [1, 0, 1], "y_pred": [[0.5], [0.5], [0.7]], "threshold": 0.5,
                      "sample_weight": None},)),                          # exactly at the threshold: negative
    OpInfo("BinaryAccuracy",
           "rk.metrics.BinaryAccuracy(threshold=threshold, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.BinaryAccuracy(threshold=threshold, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_accuracy(d), tol="metric", size=lambda s: s["y_pred"].size),
    OpInfo("FalseNegatives",
           "rk.metrics.FalseNegatives(thresholds=np.asarray(thresholds).tolist(), dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.FalseNegatives(thresholds=np.asarray(thresholds).tolist(), dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.false_negatives(d), tol="metric", size=lambda s: s["y_pred"].size,
           dtypes=("float32",),                 # counts are kept in floatx() whatever `dtype` says (Keras too)
           examples=(                                  # (pinned lists arrive as arrays, hence .tolist())
                     {"y_true": [1.0, 1.0, 0.0, 2.0, 1.0], "y_pred": [[0.5], [0.3], [0.9], [-0.5], [1.5]],
                      "thresholds": [0.0, 0.5, 1.0], "sample_weight": None},   # bucketed: clipped to [0, 1]
                     {"y_true": [1.0, 1.0, 0.0, 2.0, 1.0], "y_pred": [[0.5], [0.3], [0.9], [-0.5], [1.5]],
                      "thresholds": [0.3, 0.5], "sample_weight": [1.0, 2.0, 3.0, 0.5, 0.0]},
                     {"y_true": [1.0, 1.0, 1.0], "y_pred": [0.3, 0.30000001, 0.7],
                      "thresholds": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                      "sample_weight": None})),                           # on a bucket edge
    OpInfo("MeanSquaredError metric",
           "rk.metrics.MeanSquaredError(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.MeanSquaredError(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.regression(d), tol="reduction", size=lambda s: s["y_pred"].size + 2,
           scale=lambda s: _mse_magnitude(s) ** 2),
    OpInfo("BinaryCrossentropy metric",
           "rk.metrics.BinaryCrossentropy(dtype=y_pred.dtype.name, from_logits=from_logits,"
           " label_smoothing=label_smoothing)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.metrics.BinaryCrossentropy(dtype=y_pred.dtype.name, from_logits=from_logits,"
           " label_smoothing=label_smoothing)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_crossentropy(d), tol="cross_entropy",
           size=lambda s: s["y_pred"].size + 2, scale=_loss_value_scale),
]

BY_NAME = {row.name: row for row in ROWS}
assert len(BY_NAME) == len(ROWS), "two rows share a name"

GRAD_ROWS = [row for row in ROWS if row.grad_wrt]


def params(rows=ROWS):
    """``(row, dtype)`` pairs for ``pytest.mark.parametrize``, with ids like ``softmax-float32``."""
    import pytest

    return [pytest.param(row, dtype, id=f"{row.name}-{dtype}") for row in rows for dtype in row.dtypes]


PINNED = object()
"""Sentinel for ``@example(data=PINNED)``: a generic ``@given(data=st.data())`` test receives it once per
parametrization and then checks the row's :attr:`OpInfo.examples` (``@example`` cannot depend on the row)."""


def covered_keras_names():
    """Every ``keras.<family>.<Name>`` that some row's TF code calls (read by ``test_coverage.py``)."""
    return {match for row in ROWS for match in re.findall(r"\bkeras\.(?:losses|activations|metrics)\.\w+", row.tf)}
