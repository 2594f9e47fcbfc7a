"""The op table's rows for ``keras.activations``: one row per public name (ids ``activations.<name>``), each
``rk.activations.<name>`` against ``keras.activations.<name>`` (TF backend), value and gradient.

Samples pin each activation's kinks (exact 0, relu6's 6, the thresholds, hard_sigmoid's ±3, ...) and
``±1e4``; finite differences stay ``FD_MARGIN`` away from them. The rows' examples pin TF's gradient
conventions at the kinks (see docs/guide/13-activations.md).
"""

import numpy as np
from hypothesis import strategies as st

from .. import strategies as S
from .opinfo import ErrorInput, OpInfo, max_abs, sum_abs


def _row(name, args="", kinks=(), tol="transcendental", params=None, elements=None, fd_elements=None, **kw):
    """A row for the element-wise ``keras.activations.<name>(x<args>)``: ``params`` (name -> strategy) are drawn
    into the sample and passed by name; ``kinks`` are pinned in the samples and avoided by finite differences."""
    params = params or {}
    call = f"{name}(x{args}{''.join(f', {p}={p}' for p in params)})"
    fd = (lambda: S.activation("float64", kinks, fd=True, **params)) if fd_elements is None else (
        lambda: S.activation("float64", kinks, elements=fd_elements, **params))
    kw.setdefault("grad_tol", "elementwise" if tol == "exact" else tol)
    return OpInfo(f"activations.{name}", call=f"activations.{call}",
                  sample=lambda d: S.activation(d, kinks, elements=elements(d) if elements else None, **params),
                  tol=tol, grad_wrt=("x",), fd_sample=fd, **kw)


def _axis_errors():
    return (ErrorInput("axis out of range", "axis", {"x": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "axis": 2}),)


def _classes(s):
    return s["x"].shape[s["axis"]]


def _saturated(s, dy):
    """Gradient scale where a saturated sigmoid or tanh enters as ``x·(1 - σ)`` or ``x·(1 - t²)``: ``1 - σ`` is
    the difference of two numbers near 1, with an absolute error of a few ε on each side, times ``|x|``."""
    return max_abs(dy) * max(1.0, max_abs(s["x"]))


GELU_C, GELU_A = 0.7978845608028654, 0.044715  # the tanh GELU's sqrt(2/π) and cubic coefficient


def _gelu_tanh_window(x):
    """``|x|`` where the tanh GELU's ``t = tanh(c(x + a x³))`` is not exactly ±1 on both sides, else 0.

    TF's float64 ``tanh`` is Eigen's, which is exactly ±1 from u = 17.71, where NumPy's is still 7 ulp away from
    it; from u = 19.1 both are. In between, ``1 ± t`` is 0 within the transcendental
    tolerance on each side, and what multiplies it carries that error."""
    x = np.abs(np.asarray(x, dtype=np.float64))
    return np.where(GELU_C * (x + GELU_A * x ** 3) < 19.1, x, 0.0)


def _gelu_tanh_scale(s):
    """``y = (x/2)(1 + t)``: ``1 + t`` near 0 (x far below 0) is scaled by ``|x|/2``, up to ~3.6."""
    return max(1.0, float(np.max(_gelu_tanh_window(s["x"]), initial=0.0)) / 2)


def _gelu_tanh_saturated(s, dy):
    """The gradient holds ``(1 - t²)·(x/2)·c(1 + 3a x²)``: ``1 - t²`` near 0 is scaled by that factor, up to ~21."""
    x = _gelu_tanh_window(s["x"])
    factor = float(np.max(0.5 * x * GELU_C * (1 + 3 * GELU_A * x ** 2), initial=0.0))
    return max(_saturated(s, dy), max_abs(dy) * factor)


SLOPES = st.sampled_from([0.2, 0.01, 1.5])
ALPHAS = st.sampled_from([1.0, 0.5, 2.0])
SHRINK = st.sampled_from([0.5, 0.0, 1.0])

ROWS = [
    # piecewise linear -----------------------------------------------------------------------------
    _row("relu", params=S.relu_options(), kinks=lambda a: (a["threshold"], a["max_value"], 0.0), tol="elementwise",
         examples=(  # TF: 0 at relu(0); clip passes at max_value; relu6's 0 at 6; threshold and slope kinks
             {"x": [-1.0, 0.0, -0.0, 1.0, 6.0, 7.0], "negative_slope": 0.0, "max_value": None, "threshold": 0.0},
             {"x": [-1.0, 0.0, 4.0, 6.0, 7.0], "negative_slope": 0.0, "max_value": 6.0, "threshold": 0.0},
             {"x": [-1.0, 0.0, 1.0, 4.0, 5.0], "negative_slope": 0.1, "max_value": 4.0, "threshold": 1.0},
             {"x": [-1.0, 0.0, 1.0, 6.0, 7.0], "negative_slope": 0.1, "max_value": 6.0, "threshold": 0.0},
             {"x": [-1e4, -0.5, 0.0, 1e4], "negative_slope": 1.5, "max_value": None, "threshold": -0.5})),
    _row("leaky_relu", params={"negative_slope": SLOPES}, kinks=(0.0,), tol="exact",
         examples=({"x": [-1.0, 0.0, 1.0, -1e4], "negative_slope": 0.2},)),      # slope at 0: negative_slope
    _row("relu6", kinks=(0.0, 6.0), tol="exact", examples=({"x": [-1.0, 0.0, 3.0, 6.0, 7.0]},)),    # 0 at 0 and 6
    _row("hard_tanh", kinks=(-1.0, 1.0), tol="exact", examples=({"x": [-2.0, -1.0, 0.0, 1.0, 2.0]},)),  # 1 at ±1
    _row("hard_sigmoid", kinks=(-3.0, 3.0), tol="elementwise",
         examples=({"x": [-4.0, -3.0, 0.0, 3.0, 4.0, -1e4, 1e4]},)),                          # 0 at ±3
    _row("hard_silu", kinks=(-3.0, 3.0), tol="elementwise", examples=({"x": [-4.0, -3.0, 0.0, 3.0, 4.0]},)),
    _row("hard_swish", kinks=(-3.0, 3.0), tol="elementwise"),
    _row("hard_shrink", params={"threshold": SHRINK}, kinks=lambda a: (a["threshold"], -a["threshold"]), tol="exact",
         examples=({"x": [-1.0, -0.5, 0.0, 0.5, 1.0], "threshold": 0.5},)),                   # 0 at ±threshold
    _row("soft_shrink", params={"threshold": SHRINK}, kinks=lambda a: (a["threshold"], -a["threshold"]),
         tol="elementwise", examples=({"x": [-1.0, -0.5, 0.0, 0.5, 1.0], "threshold": 0.5},)),
    _row("threshold", params={"threshold": st.sampled_from([0.0, 0.5, -1.0]),
                              "default_value": st.sampled_from([0.0, -3.0, 2.5])},
         kinks=lambda a: (a["threshold"],), tol="exact",
         examples=({"x": [0.0, 0.5, 1.0], "threshold": 0.5, "default_value": -3.0},)),
    _row("sparse_sigmoid", kinks=(-1.0, 1.0), tol="elementwise", examples=({"x": [-2.0, -1.0, 0.0, 1.0, 2.0]},)),
    _row("sparse_plus", kinks=(-1.0, 1.0), tol="elementwise", examples=({"x": [-2.0, -1.0, 0.0, 1.0, 2.0]},)),
    _row("linear", tol="exact"),
    # exponential family ----------------------------------------------------------------------------
    _row("elu", params={"alpha": ALPHAS}, kinks=(0.0,), examples=(                           # α at 0 for α != 1
        {"x": [-1.0, 0.0, 1.0, -1e-10, -1e4, 1e4], "alpha": 1.0}, {"x": [-1.0, 0.0, 1.0], "alpha": 0.5})),
    _row("selu", kinks=(0.0,), scale=lambda s: 2.0, examples=({"x": [-1.0, 0.0, 1.0, -1e4, 1e4]},)),
    _row("celu", params={"alpha": ALPHAS}, kinks=(0.0,), examples=(                          # TF's 2 at 0
        {"x": [-1.0, 0.0, 1.0, -1e4, 1e4], "alpha": 1.0}, {"x": [-1.0, 0.0, 1.0], "alpha": 2.0})),
    _row("exponential", elements=lambda d: S.floats(d, -100, 80), grad_scale=lambda s, dy: 0.0,
         fd_elements=S.fd_values(), examples=({"x": [0.0, -100.0, 80.0, -87.0]},)),
    _row("softplus", examples=({"x": [-14.0, -13.9, 0.0, 13.9, 14.0, -35.0, 34.0, 35.0, -1e4, 1e4]},)),  # shortcuts
    _row("log_sigmoid", examples=({"x": [-1e4, -100.0, 0.0, 14.0, 100.0, 1e4]},)),
    _row("softsign", kinks=(0.0,), tol="elementwise", examples=({"x": [-1e4, 0.0, 1e4]},)),
    # sigmoid family --------------------------------------------------------------------------------
    _row("sigmoid", examples=({"x": [0.0, -100.0, 100.0, 20.0, -20.0]},)),
    _row("tanh", examples=({"x": [0.0, -1e4, 1e4, 1e-5, 9.0]},)),
    _row("tanh_shrink", scale=lambda s: abs(s["x"]), grad_scale=lambda s, dy: max_abs(dy),
         examples=({"x": [0.0, 1e-3, -1e4, 1e4]},)),
    _row("silu", grad_scale=_saturated, examples=({"x": [0.0, -1e4, 1e4, -100.0]},)),
    _row("swish", grad_scale=_saturated),
    _row("mish", grad_scale=_saturated, examples=({"x": [0.0, -1e4, 1e4, -100.0, 100.0, 8.0]},)),
    _row("gelu", args=", approximate=False",
         examples=({"x": [-10.0, -1.0, 0.0, 1.0, 1e4, -1e4]},)),
    OpInfo("activations.gelu_tanh", call="activations.gelu(x, approximate=True)",
           sample=lambda d: S.activation(d), tol="transcendental",
           scale=_gelu_tanh_scale,
           grad_wrt=("x",), grad_scale=_gelu_tanh_saturated, fd_sample=lambda: S.activation("float64", fd=True),
           examples=({"x": [-10.0, -1.0, 0.0, 1.0, 1e4, -1e4]}, {"x": [6.5, 6.983, 7.2, -6.983]})),
    _row("squareplus", params={"b": st.sampled_from([4, 1, 0.25])}, scale=lambda s: abs(s["x"]) + 2,
         grad_scale=lambda s, dy: max_abs(dy), examples=({"x": [-1e4, 0.0, 1e4], "b": 4},)),
    # along an axis ---------------------------------------------------------------------------------
    OpInfo("activations.softmax", call="activations.softmax(x, axis=axis)",
           sample=lambda d: S.softmax(d), tol="softmax", size=_classes,
           grad_wrt=("x",), grad_tol="softmax_grad", fd_sample=lambda: S.softmax("float64", S.fd_values()),
           examples=({"x": [[100.0, 0.0, 0.0]], "axis": -1}, {"x": [[1e4, -1e4], [1e4, 1e4]], "axis": 0}),
           error_inputs=_axis_errors()),
    OpInfo("activations.log_softmax", call="activations.log_softmax(x, axis=axis)",
           sample=lambda d: S.softmax(d), tol="cross_entropy", size=_classes,
           scale=lambda s: max(1.0, max_abs(s["x"])), grad_wrt=("x",), grad_tol="softmax_grad",
           grad_scale=lambda s, dy: max_abs(dy) * _classes(s),
           fd_sample=lambda: S.softmax("float64", S.fd_values()),
           examples=({"x": [[100.0, 0.0, 0.0]], "axis": -1}, {"x": [[1e4, -1e4], [1e4, 1e4]], "axis": 0}),
           error_inputs=_axis_errors()),
    OpInfo("activations.sparsemax", call="activations.sparsemax(x, axis=axis)",
           sample=lambda d: S.softmax(d, S.kinked_values(d, (1.0, 0.5))), tol="reduction", size=_classes,
           scale=lambda s: 1.0 + sum_abs(s["x"]), grad_wrt=("x",), grad_scale=lambda s, dy: max_abs(dy) * _classes(s),
           fd_sample=S.sparsemax_fd,
           examples=({"x": [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "axis": -1},     # Keras's τ: [0, 0, 0]; ties
                     {"x": [[2.0, 1.0, 0.0, 1.5]], "axis": -1}, {"x": [[1.0, 0.0]], "axis": -1}),
           error_inputs=_axis_errors()),
    OpInfo("activations.glu", call="activations.glu(x, axis=axis)",
           sample=lambda d: S.glu(d), tol="transcendental", grad_wrt=("x",), grad_scale=_saturated,
           fd_sample=lambda: S.glu("float64", S.fd_values()),
           examples=({"x": [[1.0, 2.0, 3.0, 4.0]], "axis": -1}, {"x": [[1e4, -1e4], [0.0, 1e4]], "axis": 0}),
           error_inputs=(ErrorInput("axis of odd length", "axis", {"x": [[0.2, 0.3, 0.5]], "axis": -1}),
                         ErrorInput("axis out of range", "axis", {"x": [[0.2, 0.3], [0.1, 0.1]], "axis": 2}))),
]
