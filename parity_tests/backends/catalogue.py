"""The catalogue of Keras's backend disagreements: where Keras on JAX or PyTorch computes something other than
Keras on TensorFlow (and the reference, which mirrors TensorFlow), why, and what to do about it.

Each :class:`Entry` names the rows it explains (op, metric, optimizer or schedule row names of the parity tables,
or ``"trajectory"``) and the backends that depart. ``parity_tests/test_backends.py`` checks that

* every entry still occurs: its pinned :class:`Case` (or, without one, its rows' drawn run) disagrees with
  Keras-TF on each named backend;
* every other disagreement between a backend and Keras-TF is explained by an entry: an unexplained one fails.
"""

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

JAX_ISSUES = "https://github.com/jax-ml/jax/issues/"
KERAS_ISSUES = "https://github.com/keras-team/keras/issues/"
KERAS_PULLS = "https://github.com/keras-team/keras/pull/"


@dataclass(frozen=True)
class Case:
    """A pinned input on which the departure shows: ``keras`` (backend-neutral source text) and ``ref`` (the
    reference's) over ``inputs`` (lists become arrays, float ones in the run's dtype unless named in ``ints``),
    differentiated with respect to ``wrt`` for ``dy = 1``; compared under the tolerance key ``tol`` with ``scale``
    (``parity_tests.tolerances``: the magnitude of the terms that may cancel, e.g. ``max|logits|`` for a
    cross-entropy)."""

    keras: str
    ref: str
    inputs: dict
    wrt: tuple = ()
    ints: tuple = ()
    dtypes: tuple = ("float32", "float64")
    tol: str = "transcendental"
    scale: float = 1.0

    def is_float(self, name):
        return name not in self.ints


@dataclass(frozen=True)
class Entry:
    """One departure of Keras on some backends from Keras on TensorFlow.

    Attributes:
        id: a short name.
        rows: the parity-table rows it explains (``"<family>/<row name>"``, e.g. ``"op/activations.selu"``), or
            ``fnmatch`` patterns of them (``"optimizer/*"``): a rule for a cause that reaches a whole family.
        backends: the backends that depart (``"jax"``, ``"torch"``).
        departure: what differs, with the numbers.
        cause: one sentence naming the backend function responsible.
        math: which side matches the mathematics (the float64 oracle or the textbook), and why.
        advice: what a user should do about it.
        issue: the upstream issue or pull request, where there is one.
        cases: pinned :class:`Case` inputs on which it shows.
        dtypes: the run dtypes in which it shows.
        float32_close: it explains only a float64 disagreement within float32 rounding (the two sides agree under
            the row's float32 tolerance): a precision cause, which cannot hide a real difference.
    """

    id: str
    rows: tuple
    backends: tuple
    departure: str
    cause: str
    math: str
    advice: str
    issue: str = None
    cases: tuple = ()
    dtypes: tuple = ("float32", "float64")
    quantities: tuple = field(default=("value", "gradient"))
    float32_close: bool = False

    def explains(self, key, backend, dtype, float32_close=False):
        """Whether a disagreement of ``backend`` on row ``key`` (``"<family>/<row>"``) in ``dtype`` is this one
        (``float32_close``: the two sides agree within float32 rounding)."""
        return (any(fnmatchcase(key, pattern) for pattern in self.rows) and backend in self.backends
                and dtype in self.dtypes and (float32_close or not self.float32_close))


def _act(name, x, wrt=("x",), dtypes=("float32", "float64"), **kwargs):
    """A pinned case of ``keras.activations.<name>`` at the points ``x``."""
    args = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return Case(f"keras.activations.{name}(x{args})", f"rk.activations.{name}(x{args})", {"x": x}, wrt, dtypes=dtypes)


CATALOGUE = []
"""The entries (filled below, by family)."""

BY_ID = {}


def _add(*entries):
    for entry in entries:
        assert entry.id not in BY_ID, f"two catalogue entries named {entry.id!r}"
        CATALOGUE.append(entry)
        BY_ID[entry.id] = entry


def _loss(name, y_true, y_pred, tol="transcendental", scale=1.0, dtypes=("float32", "float64"), **kwargs):
    """A pinned case of ``keras.losses.<name>(y_true, y_pred, ...)``, differentiated with respect to ``y_pred``."""
    args = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return Case(f"keras.losses.{name}(y_true, y_pred{args})", f"rk.losses.{name}(y_true, y_pred{args})",
                {"y_true": y_true, "y_pred": y_pred}, ("y_pred",), tol=tol, scale=scale, dtypes=dtypes)


KINK = ("Any value between the one-sided derivatives is a subgradient; no side is wrong, but TensorFlow's choice "
        "is the one the reference (and the float64 oracle) mirror.")

# --- activations: which side of a kink the gradient takes ---------------------------------------------------

_add(
    Entry("leaky_relu'(0)", ("op/activations.leaky_relu",), ("jax",),
          "leaky_relu'(0) is the slope on TensorFlow and PyTorch, 1 on JAX.",
          "`jax.nn.leaky_relu` is `where(x >= 0, x, slope·x)`, so JAX's autodiff takes the positive branch at 0; "
          "TF's `LeakyReluGrad` and torch's `leaky_relu_backward` test `x > 0`.",
          KINK, "Nothing, unless inputs sit exactly at 0 (e.g. after a ReLU): then expect one step's difference.",
          cases=(_act("leaky_relu", [0.0], negative_slope=0.2),)),
    Entry("selu'(0)", ("op/activations.selu",), ("jax", "torch"),
          "selu'(0) is λ = 1.0507 on TensorFlow, λα = 1.7581 on JAX and PyTorch.",
          "TF's `SeluGrad` takes the positive branch at 0 (`x > 0` is false only below 0: it tests `features < 0`); "
          "`jax.nn.selu` is `where(x > 0, x, α·expm1(x))` and torch's `elu_backward` tests `x > 0`.",
          KINK, "Nothing: a float input is exactly 0 rarely.", cases=(_act("selu", [0.0]),)),
    Entry("celu'(0)", ("op/activations.celu",), ("jax", "torch"),
          "celu'(0) with α = 1 is 2 on TensorFlow (the two branches' derivatives added), 1 on JAX and PyTorch.",
          "Keras-TF's `celu` is `relu(x) + min(0, α·expm1(x/α))`: at 0 both `relu'` (TF: 0) and `minimum`'s tie "
          "(TF sends the tie to its first argument, 1) count; `jax.nn.celu` and torch's `celu` are one `where`.",
          "The derivative of celu at 0 is 1 from both sides: JAX and PyTorch are right, TensorFlow's 2 is no "
          "subgradient.", "Nothing: a float input is exactly 0 rarely.", cases=(_act("celu", [0.0], alpha=1.0),)),
    Entry("hard_tanh'(±1)", ("op/activations.hard_tanh",), ("torch",),
          "hard_tanh'(±1) is 1 on TensorFlow and JAX, 0 on PyTorch.",
          "torch's `hardtanh_backward` passes the gradient only strictly inside (-1, 1); Keras-TF's "
          "`clip_by_value` (and `jnp.clip`'s where) keep it at the endpoints.",
          KINK, "Nothing, unless inputs sit on ±1.", cases=(_act("hard_tanh", [-1.0, 1.0]),)),
    Entry("clip ties", ("op/activations.sparse_sigmoid", "op/activations.relu", "op/activations.sparsemax"),
          ("jax",),
          "sparse_sigmoid'(±1) is 0 on TensorFlow and PyTorch, 0.25 on JAX; relu(max_value=m)'(m) is 1 on "
          "TensorFlow and PyTorch, 0.5 on JAX; sparsemax's gradient where a logit equals the threshold τ is "
          "halved on JAX (`keras/src/backend/jax/nn.py` line 181, `jnp.maximum(logits - tau, 0.0)`).",
          "`jnp.clip` is `minimum(maximum(x, lo), hi)`, and JAX's `maximum`/`minimum` split the gradient of a tie "
          "in half between their arguments; TF's `clip_by_value` and torch's `clamp` send it all to one side.",
          KINK + " JAX's half is the average of the one-sided derivatives.",
          "Nothing, unless inputs sit on the clip bounds.",
          cases=(_act("sparse_sigmoid", [-1.0, 1.0]), _act("relu", [1.0], max_value=1.0))),
)

# --- losses -------------------------------------------------------------------------------------------------

_add(
    Entry("hinge at the margin", ("op/hinge", "op/Hinge", "op/categorical_hinge", "op/CategoricalHinge"),
          ("jax", "torch"),
          "At y·ŷ = 1 the hinge's gradient is -y on TensorFlow, -y/2 on JAX and PyTorch (the categorical hinge's "
          "too where its margin `neg - pos + 1` is 0).",
          "Keras's `hinge` is `maximum(1 - y·ŷ, 0)` (`categorical_hinge` `maximum(neg - pos + 1, 0)`): TF's "
          "`Maximum` gradient sends a tie to its first argument, `jnp.maximum` and `torch.maximum` split it in half.",
          KINK, "Nothing, unless predictions sit exactly on the margin.", JAX_ISSUES + "37821",
          cases=(_loss("hinge", [[1.0]], [[1.0]]),)),
    Entry("abs'(0)", ("op/mean_absolute_error", "op/MeanAbsoluteError", "op/mean_absolute_percentage_error",
                      "op/MeanAbsolutePercentageError"), ("jax",),
          "Where ŷ = y the gradient of MAE (and MAPE) is 0 on TensorFlow and PyTorch, ±1/n (±100/(n·|y|)) on JAX.",
          "`jnp.abs`'s JVP at 0 is `select(x >= 0, 1, -1)`-like (sign with 0 taken as +), where TF's `Abs` "
          "gradient is `sign(x)` = 0 and torch's `abs_backward` is `sgn(x)` = 0.",
          "0 is the subgradient of |x| at 0 that keeps a perfect prediction still; TF's and torch's choice.",
          "Nothing, unless predictions equal the targets exactly (e.g. integer targets and a rounded output).",
          JAX_ISSUES + "37820", cases=(_loss("mean_absolute_error", [[1.0, 2.0]], [[1.0, 2.5]]),)),
    Entry("probability clip ties", ("op/binary_crossentropy", "op/BinaryCrossentropy", "op/binary_focal_crossentropy",
                                    "op/BinaryFocalCrossentropy", "op/kl_divergence",
                                    "op/mean_squared_logarithmic_error", "op/MeanSquaredLogarithmicError",
                                    "op/categorical_crossentropy", "op/CategoricalCrossentropy"), ("jax",),
          "Where a probability is exactly ε (or 1 - ε, or 1 for KL's clip; a prediction exactly ε in MSLE's "
          "`maximum(ŷ, ε)`; a probability of 1 in float16, where 1 - ε rounds to 1), the gradient through Keras's "
          "clip is full on TensorFlow and PyTorch, half on JAX.",
          "The losses clip with `ops.clip`: `jnp.clip`'s maximum∘minimum splits ties in half; TF's "
          "`clip_by_value` and `torch.clamp` pass the whole gradient at the bound.",
          KINK, "Nothing: only exact bound values are affected.",
          cases=(_loss("binary_crossentropy", [[0.0]], [[1e-7]]),)),
    Entry("softmax cross-entropy's gradient for labels not summing to 1",
          ("op/categorical_crossentropy", "op/CategoricalCrossentropy"), ("jax", "torch"),
          "With `from_logits=True` and a label row that does not sum to 1 (y = [1, 1, 0], logits 0), the "
          "gradient is softmax - y = [-2/3, -2/3, 1/3] on TensorFlow, Σy·softmax - y = [-1/3, -1/3, 2/3] on JAX "
          "and PyTorch; the losses agree.",
          "Keras-TF's `categorical_crossentropy` (`keras/src/backend/tensorflow/nn.py`) calls "
          "`tf.nn.softmax_cross_entropy_with_logits`, whose registered gradient (`_SoftmaxCrossEntropyWithLogitsGrad`"
          " in `tensorflow/python/ops/nn_grad.py`) returns the kernel's `softmax - labels`, the derivative only "
          "when each label row sums to 1; JAX's (`jax.nn.log_softmax`) and torch's (`log_softmax`) losses are "
          "differentiated as written.",
          "The derivative of -Σ y·log softmax(z) is Σy·softmax(z) - y: JAX and PyTorch; TensorFlow (and the "
          "reference, which mirrors it) are right only for label rows summing to 1.",
          "Normalise the labels (each row summing to 1: one-hot, or label smoothing of such rows) before a "
          "categorical cross-entropy from logits.",
          cases=(_loss("categorical_crossentropy", [[1.0, 1.0, 0.0]], [[0.0, 0.0, 0.0]], from_logits=True),)),
    Entry("cosine of a zero vector", ("op/cosine_similarity", "op/CosineSimilarity"), ("jax", "torch"),
          "With an all-zero ŷ row the cosine similarity's gradient is finite on TensorFlow, NaN on JAX and PyTorch.",
          "Keras normalises with `x * rsqrt(max(Σx², ε))`: TF's `Maximum` gradient sends the tie (0 against ε) "
          "away from Σx², the others split it and meet rsqrt's infinite slope times 0.",
          "The cosine of a zero vector is undefined; TF's finite value is the one a training run can use.",
          "Upgrade Keras past 3.15.1 (the fix), or keep ŷ rows away from all-zero.",
          KERAS_ISSUES + "23075", cases=(_loss("cosine_similarity", [[1.0, 0.0]], [[0.0, 0.0]]),)),
    Entry("sparse cross-entropy of zero-sum probabilities",
          ("op/sparse_categorical_crossentropy", "op/SparseCategoricalCrossentropy",
           "metric/sparse_categorical_crossentropy", "metric/SparseCategoricalCrossentropy"), ("jax", "torch"),
          "Probabilities that sum to 0 give log 2-like finite losses on TensorFlow (clip, log, then the logits "
          "kernel renormalises), NaN on JAX and PyTorch.",
          "JAX's and torch's `sparse_categorical_crossentropy` in `keras/src/backend/*/nn.py` divide by the sum "
          "first (`output / sum(output)`: 0/0), then clip; TF's clips first and never divides.",
          "The loss of an all-zero 'distribution' is undefined; TF's value comes from its clip.",
          "Feed probabilities from a softmax (or logits with from_logits=True), never an all-zero row.",
          cases=(Case("keras.losses.sparse_categorical_crossentropy(y_true, y_pred)",
                      "rk.losses.sparse_categorical_crossentropy(y_true, y_pred)",
                      {"y_true": [0], "y_pred": [[0.0, 0.0]]}, ("y_pred",), ints=("y_true",)),)),
    Entry("softmax output into a cross-entropy", ("op/binary_focal_crossentropy", "op/BinaryFocalCrossentropy",
                                                  "metric/binary_focal_crossentropy"), ("jax", "torch"),
          "`Dense(activation=\"softmax\")` then a cross-entropy: the same batch costs the logits' loss on "
          "TensorFlow (100 for logits [100, 0, 0] and label 1) and the clipped probabilities' on JAX and PyTorch "
          "(16.118). Keras's own `binary_focal_crossentropy(from_logits=True)` is such a pair: it takes "
          "`ops.sigmoid` of the logits and passes the probabilities to `binary_crossentropy` (a logit of 30 "
          "against label 0 costs 30 on TensorFlow, 16.118 on JAX and PyTorch, whose gradient there is 0; short of the "
          "clip, a float32 probability 1 - 1.2e-6 keeps 3 digits of 1 - p: its metric is 0.63964 on JAX and "
          "PyTorch for logits up to 13.6 against TensorFlow's 0.63976).",
          "Keras's `softmax`/`sigmoid` tag their output with `_keras_logits`, and only "
          "`keras/src/backend/tensorflow/nn.py` reads the tag (`_get_logits`); JAX's and torch's cross-entropies "
          "clip the probabilities (`keras/src/losses/losses.py` `binary_focal_crossentropy` calls `ops.sigmoid` "
          "and then `ops.binary_crossentropy(from_logits=False)`).",
          "The logits' loss is the exact cross-entropy; the clipped one is bounded by -log ε.",
          "Output logits and use `from_logits=True`: the same on every backend, and exact (for the binary focal "
          "loss on JAX and PyTorch, keep logits within ±16, where the sigmoid does not saturate).",
          cases=(Case("keras.losses.sparse_categorical_crossentropy(y, keras.activations.softmax(z))",
                      "rk.losses.sparse_categorical_crossentropy(y, rk.activations.softmax(z))",
                      {"y": [1], "z": [[100.0, 0.0, 0.0]]}, ("z",), ints=("y",)),
                 _loss("binary_focal_crossentropy", [[0.0]], [[30.0]], "cross_entropy", 30.0, from_logits=True))),
)

# --- losses in half precision, and the loss wrapper -----------------------------------------------------------

_add(
    Entry("a non-finite cotangent through JAX's clip",
          ("op/kl_divergence", "op/KLDivergence", "op/categorical_focal_crossentropy",
           "op/CategoricalFocalCrossentropy", "op/categorical_crossentropy", "op/CategoricalCrossentropy"), ("jax",),
          "In float16, where Keras clips a probability up to ε the gradient at that element is 0 on TensorFlow and "
          "PyTorch, NaN on JAX (KL at y_pred = 1e-8, focal cross-entropy at a softmax probability of 0, "
          "categorical cross-entropy at a probability of 0 under a `dtype=\"float16\"` policy).",
          "The cotangent reaching the clip is already non-finite (float16's 1/ε = 8.4e6 overflows to inf: "
          "`log(y_true / y_pred)`'s or `log(output)`'s derivative); `jnp.clip` is `minimum(maximum(x, lo), hi)` and "
          "`lax.max`'s JVP (`jax/_src/lax/lax.py`, `ad.defjvp2(max_p, ... mul(g, _balanced_eq(...)))`) multiplies "
          "it by the 0 mask, inf·0 = NaN; TF's `clip_by_value` gradient and torch's `clamp_backward` select 0 "
          "(with a select-based clip patched into `keras/src/backend/jax/numpy.py` `clip`, JAX's NaNs vanish).",
          "The clipped element's derivative is 0: TensorFlow and PyTorch.",
          "Compute losses in float32 (a `mixed_float16` policy's loss, or cast y_pred before the loss).",
          cases=(Case("keras.losses.CategoricalCrossentropy(dtype='float16')(y_true, y_pred)",
                      "rk.losses.CategoricalCrossentropy(dtype='float16')(y_true, y_pred)",
                      {"y_true": [[0.0, 1.0]], "y_pred": [[1.0, 0.0]]}, ("y_pred",)),)),
    Entry("binary cross-entropy's log clamped at -100 on PyTorch", ("op/binary_crossentropy", "op/BinaryCrossentropy"),
          ("torch",),
          "In float16, a probability of exactly 1 (or 0) against the other label costs inf on TensorFlow and JAX "
          "(NaN once a sample weight of 0 multiplies it), 100 on PyTorch.",
          "`1 - ε` rounds to 1 in float16, so Keras's clip leaves 1; Keras-TF's `binary_crossentropy` "
          "(`keras/src/backend/tensorflow/nn.py`) takes `log(1 - output)` = -inf, while Keras-torch's "
          "(`keras/src/backend/torch/nn.py`) calls `torch.nn.functional.binary_cross_entropy`, which clamps each "
          "log at -100.",
          "The loss of a certain wrong prediction is infinite: TensorFlow and JAX; PyTorch's 100 is a guard.",
          "Compute the loss in float32, where the clip keeps probabilities 1e-7 from 0 and 1.",
          cases=(Case("keras.losses.BinaryCrossentropy(dtype='float16')(y_true, y_pred)",
                      "rk.losses.BinaryCrossentropy(dtype='float16')(y_true, y_pred)",
                      {"y_true": [[0.0]], "y_pred": [[1.0]]}),)),
    Entry("binary cross-entropy's backward at a saturated float16 probability",
          ("op/binary_focal_crossentropy", "op/BinaryFocalCrossentropy"), ("jax", "torch"),
          "In float16 with `from_logits=True`, where the sigmoid of a logit is exactly 1 (logits above 8), the "
          "binary focal loss's gradient is NaN on JAX and PyTorch and finite on TensorFlow.",
          "`1 - ε` rounds to 1 in float16, so Keras's clip leaves 1; Keras-torch's `binary_crossentropy` "
          "(`keras/src/backend/torch/nn.py`) calls `torch.nn.functional.binary_cross_entropy`, whose backward "
          "(ATen's `binary_cross_entropy_backward`) divides by `max((1 - p)·p, 1e-12)`, and 1e-12 is 0 in float16, "
          "and Keras-JAX's (`keras/src/backend/jax/nn.py`) takes `jnp.log(1.0 - output)` = log 0: either way the "
          "cotangent is ±inf, which the saturated sigmoid's zero derivative turns into NaN; Keras-TF's "
          "(`keras/src/backend/tensorflow/nn.py`) reads the sigmoid's logits tag and never forms the probability.",
          "The loss's derivative at a saturated sigmoid is finite (y - σ(z) times the focal factor): TensorFlow.",
          "Compute the loss in float32 (a `mixed_float16` model's loss is float32 by default), or clip logits.",
          cases=(Case("keras.losses.BinaryFocalCrossentropy(from_logits=True, dtype='float16')(y_true, y_pred)",
                      "rk.losses.BinaryFocalCrossentropy(from_logits=True, dtype='float16')(y_true, y_pred)",
                      {"y_true": [[0.5]], "y_pred": [[20.0]]}, ("y_pred",)),)),
    Entry("power's gradient at 0 with exponent 0 on PyTorch",
          ("op/categorical_focal_crossentropy", "op/CategoricalFocalCrossentropy", "op/binary_focal_crossentropy",
           "op/BinaryFocalCrossentropy"), ("torch",),
          "With γ = 0 and a probability of exactly 1 (in half precision, where Keras's clip bound 1 - ε rounds to "
          "1), the focal cross-entropies' gradient is NaN on TensorFlow and JAX and finite on PyTorch: the "
          "modulating factor `power(1 - p, γ)` is differentiated at 0⁰.",
          "Keras's focal losses (`keras/src/losses/losses.py`) take `ops.power(1 - output, gamma)`; its derivative "
          "γ·x^(γ-1) is 0·inf = NaN at x = 0 in TF's `Pow` gradient (`tensorflow/python/ops/math_grad.py` "
          "`_PowGrad`) and JAX's `pow` JVP, while torch's `pow_backward` (`tools/autograd/FunctionsManual.cpp`) "
          "returns zeros for an exponent of 0.",
          "x⁰ is the constant 1, whose derivative is 0: PyTorch.",
          "Compute the focal losses in float32 (where 1 - ε stays below 1), or use γ > 0.",
          cases=(Case("keras.losses.CategoricalFocalCrossentropy(gamma=0.0, dtype='bfloat16')(y_true, y_pred)",
                      "rk.losses.CategoricalFocalCrossentropy(gamma=0.0, dtype='bfloat16')(y_true, y_pred)",
                      {"y_true": [[1.0, 0.0]], "y_pred": [[1.0, 0.0]]}, ("y_pred",)),)),
    Entry("division's gradient by a tiny half-precision denominator on JAX",
          ("op/tversky", "op/Tversky", "op/dice", "op/Dice"), ("jax",),
          "In float16, where the Tversky (or Dice) denominator is only Keras's ε (no overlap, no false positives "
          "or negatives that count), the gradient is NaN on JAX where TensorFlow and PyTorch give ±inf or a "
          "number.",
          "JAX's derivative of `x / y` with respect to y is `-g·x·y⁻²` (`jax/_src/lax/lax.py`, `ad.defjvp(div_p, "
          "..., mul(mul(neg(g), x), integer_pow(y, -2)))`), and y⁻² = (1.2e-7)⁻² overflows float16 to inf, so "
          "x = 0 gives 0·inf = NaN; TF's `RealDiv` gradient computes `(-x/y)/y` and torch's `div` backward "
          "`-g·((x/y)/y)`, both 0 for x = 0.",
          "The derivative -x/y² is 0 at x = 0: TensorFlow and PyTorch.",
          "Compute overlap losses in float32 (a `mixed_float16` model's loss is float32 by default).",
          cases=(Case("keras.losses.Tversky(alpha=1e-30, dtype='float16')(y_true, y_pred)",
                      "rk.losses.Tversky(alpha=1e-30, dtype='float16')(y_true, y_pred)",
                      {"y_true": [[0.0, 1.0]], "y_pred": [[0.0, 0.0]]}, ("y_pred",)),)),
    Entry("CTC of an impossible alignment", ("op/CTC", "op/ctc", "op/ctc_loss"), ("jax", "torch"),
          "When the labels cannot fit the output frames (labels [1, 3, 3] need 4 frames, a repeat takes a blank "
          "between; 3 given), the CTC loss is 708.5 with a finite gradient on TensorFlow, inf on JAX (with a "
          "finite gradient) and on PyTorch (with NaN gradients).",
          "Keras-TF's `ctc_loss` (`keras/src/backend/tensorflow/nn.py`) calls `tf.nn.ctc_loss`, whose kernel "
          "floors log 0 at a finite value (-707: a loss of about 708); Keras-JAX's `ctc_loss` "
          "(`keras/src/backend/jax/nn.py`) sums in log space with a true -inf, and Keras-torch's "
          "(`keras/src/backend/torch/nn.py`) calls `torch.nn.functional.ctc_loss` with the default "
          "`zero_infinity=False`.",
          "The labels' probability is 0, so the loss is +inf and has no gradient: JAX's and PyTorch's value; "
          "TensorFlow's finite number is its floor.",
          "Make every output sequence at least as long as its labels plus their repeats, or drop such samples.",
          cases=(Case("keras.losses.ctc(y_true, y_pred)", "rk.losses.ctc(y_true, y_pred)",
                      {"y_true": [[1, 3, 3]], "y_pred": [[[0.0] * 4] * 3]}, ("y_pred",), ints=("y_true",),
                      dtypes=("float32",), tol="cross_entropy"),)),  # float32 in every run: see draws.FLOAT32_COMPUTE
    Entry("Circle's mask into a scalar sample weight on PyTorch", ("op/Circle",), ("torch",),
          "`keras.losses.Circle(...)(y_true, y_pred, sample_weight=0.3)` (a scalar weight) computes on TensorFlow "
          "and JAX and raises on PyTorch: `RuntimeError: output with shape [] doesn't match the broadcast shape "
          "[3]`.",
          "`circle` (`keras/src/losses/losses.py` line 2741) sets a Keras mask on its per-sample loss, and "
          "`apply_mask` (`keras/src/losses/loss.py` line 223) merges it with `sample_weight *= float_mask`: on "
          "torch an in-place multiply of a 0-d tensor cannot grow to the mask's shape; TF and JAX rebind a new "
          "array.",
          "A scalar weight is valid input: TensorFlow and JAX.",
          "On PyTorch pass a per-sample weight of shape (batch,) to Circle.",
          cases=(Case("keras.losses.Circle()(y_true, y_pred, sample_weight=0.3)",
                      "rk.losses.Circle()(y_true, y_pred, sample_weight=0.3)",
                      {"y_true": [0, 0, 1], "y_pred": [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]}, ints=("y_true",),
                      tol="cross_entropy"),)),
)

# --- optimizers and metrics ---------------------------------------------------------------------------------

_add(
    Entry("ScheduleFreeAdamW's z", ("optimizer/ScheduleFreeAdamW",), ("jax",),
          "From the first step on, ScheduleFreeAdamW's variables differ: TensorFlow and PyTorch recover the "
          "iterate x from the *updated* z, JAX from z before the update.",
          "`schedule_free_adamw.py` keeps `momentum_old = momentum.value` and then `assign_sub`s the momentum: "
          "`KerasVariable.value` is the live storage on TensorFlow (a `tf.Variable`'s handle) and torch (a "
          "`Parameter`, updated in place), an immutable array on JAX.",
          "JAX computes what the code's comment and the schedule-free paper say (z before the update); "
          "TensorFlow and PyTorch, and the reference which mirrors them, do not.",
          "Expect different trajectories across backends; on TensorFlow or PyTorch the averaging is off by one z."),
    Entry("gradient accumulators of a variable without a gradient on JAX", ("optimizer/*",), ("jax",),
          "With `gradient_accumulation_steps`, at an update step where a variable's gradient is None, TensorFlow "
          "and PyTorch reset that variable's accumulator with the others and JAX keeps it: its stale sum (-1e30 "
          "in Ftrl's draw, -8.5e37 in RMSprop's) is added into the variable's next update.",
          "`keras/src/backend/jax/optimizer.py` `_backend_apply_gradients` builds `acc_grads` from the "
          "`trainable_variables` left after the None gradients are filtered out and zeroes only those; "
          "`BaseOptimizer.apply` (`keras/src/optimizers/base_optimizer.py` line 577, TensorFlow and PyTorch) calls "
          "`_backend_reset_gradient_accumulators`, which zeroes every accumulator.",
          "Gradient accumulation averages the gradients of the steps since the last update: TensorFlow and "
          "PyTorch (and the reference); JAX carries the steps before it into the next window.",
          "With gradient accumulation on JAX give every trainable variable a gradient (zeros rather than None) "
          "at each step."),
    Entry("sign(NaN) is 0 on PyTorch: Lion steps over NaN gradients", ("optimizer/Lion",), ("torch",),
          "When the gradients are NaN (a `global_clipnorm` whose global norm overflows float32, 1e30² = inf: "
          "Keras then makes the scale NaN on purpose), Lion's variables turn NaN on TensorFlow and JAX and stay "
          "where they were on PyTorch (its momentum turns NaN on every backend).",
          "Lion steps by `sign(β₁·m + (1 - β₁)·g)`; Keras-torch's `keras/src/backend/torch/optimizers/"
          "torch_lion.py` takes `c.sign()`, and `torch.sign(NaN)` is 0, while `tf.sign` and `jnp.sign` return NaN.",
          "The sign of NaN is undefined, and a NaN step should show: TensorFlow and JAX; PyTorch silently skips it.",
          "Keep gradient norms finite in float32 (clip values before the global norm: `clipvalue`), or check the "
          "loss for NaN on PyTorch."),
    Entry("Adam's second moment past float32 on PyTorch",
          ("optimizer/Adam", "optimizer/AdamW", "optimizer/Nadam", "optimizer/MultiOptimizer"), ("torch",),
          "After a gradient whose square overflows float32 (1e30, 8.5e37), Adam's (AdamW's, Nadam's) next step "
          "makes the variables NaN on TensorFlow and JAX and keeps them finite on PyTorch.",
          "Keras's `Adam.update_step` (`keras/src/optimizers/adam.py`) updates `v += (g² - v)·(1 - β₂)`: once v "
          "is inf, `g² - v` is -inf and `inf - inf` NaN; Keras-torch's fused `torch_adam.py` (lines 38-41; "
          "`torch_nadam.py` 47-49; AdamW inherits it) computes `v = β₂·v + (1 - β₂)·g²`, which stays inf and "
          "makes the step `m·α/√v` 0.",
          "The two forms are the same number in exact arithmetic; past float32's range neither is the moment, but "
          "PyTorch's inf stays usable where TensorFlow's and JAX's NaN poisons the variables.",
          "Keep gradients finite in their squares (clip them: `clipnorm`/`clipvalue`), or use a loss scale."),
    Entry("CosineDecayRestarts' restart index on PyTorch", ("schedule/CosineDecayRestarts",), ("torch",),
          "At a restart step of a geometric schedule (t_mul = 1.5, first_decay_steps = 16: step 40) the float32 "
          "learning rate is the new cycle's first (0.322) on TensorFlow and JAX, the old cycle's last (0.099) on "
          "PyTorch.",
          "`CosineDecayRestarts.__call__` (`keras/src/optimizers/schedules/learning_rate_schedule.py` line 864) "
          "takes the restart index as `floor(log(1 - f·(1 - t_mul)) / log(t_mul))`, exactly 2 there "
          "(log 2.25 / log 1.5); torch's float32 `log(1.5)` is 0.40546513 (an ulp above the correctly rounded "
          "0.40546510), so the quotient is 1.99999988 and the floor 1; TF's and JAX's quotients reach 2.",
          "The index is 2: TensorFlow and JAX; the floor of a ratio that is an exact integer amplifies an ulp "
          "to a whole cycle.",
          "Expect a one-step shift of the restarts on PyTorch in float32, or schedule in float64.",
          cases=(Case("keras.optimizers.schedules.CosineDecayRestarts(1.0, 16, t_mul=1.5, m_mul=0.5, alpha=0.1)(40)",
                      "rk.optimizers.schedules.CosineDecayRestarts(1.0, 16, t_mul=1.5, m_mul=0.5, alpha=0.1)(40)",
                      {}, dtypes=("float32",)),)),
    Entry("top-k with k above the class count on PyTorch",
          ("metric/TopKCategoricalAccuracy", "metric/SparseTopKCategoricalAccuracy",
           "metric/top_k_categorical_accuracy",
           "metric/sparse_top_k_categorical_accuracy"), ("torch",),
          "With k larger than the number of classes (k = 6 of 3) the top-k accuracies are 1 on TensorFlow and "
          "JAX and raise on PyTorch: `RuntimeError: selected index k out of range`.",
          "Keras-torch's `in_top_k` (`keras/src/backend/torch/math.py` line 89) compares against "
          "`top_k(predictions, k)`, `torch.topk`, which refuses k above the axis length; `tf.math.in_top_k` and "
          "Keras-JAX's `in_top_k` take every class then.",
          "Every class is among the top k: the accuracy is 1, TensorFlow's and JAX's.",
          "On PyTorch keep k at most the number of classes.",
          cases=(Case("keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=6)",
                      "rk.metrics.top_k_categorical_accuracy(y_true, y_pred, k=6)",
                      {"y_true": [[0.0, 1.0, 0.0]], "y_pred": [[0.1, 0.5, 0.4]]}, dtypes=("float32",)),)),
    Entry("top-k in float64", ("metric/TopKCategoricalAccuracy", "metric/SparseTopKCategoricalAccuracy",
                               "metric/top_k_categorical_accuracy",
                               "metric/sparse_top_k_categorical_accuracy"), ("jax", "torch"),
          "With float64 scores the top-k accuracies raise on TensorFlow (and in the reference, which mirrors it), "
          "and compute on JAX and PyTorch.",
          "Keras-TF's `in_top_k` calls `tf.math.in_top_k`, whose kernel takes float32 only; JAX's and torch's "
          "`in_top_k` sort in any float dtype.",
          "The accuracy is defined in any dtype: JAX and PyTorch.",
          "Cast the scores to float32 before a top-k metric on TensorFlow.", dtypes=("float64",),
          cases=(Case("keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1)",
                      "rk.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1)",
                      {"y_true": [[0.0, 1.0, 0.0]], "y_pred": [[0.1, 0.5, 0.4]]}, dtypes=("float64",)),)),
    Entry("argmax of -0 and +0 on PyTorch",
          ("op/CategoricalAccuracy", "op/SparseCategoricalAccuracy", "metric/CategoricalAccuracy",
           "metric/SparseCategoricalAccuracy", "metric/categorical_accuracy", "metric/sparse_categorical_accuracy",
           "metric/*TopKCategoricalAccuracy*", "metric/*top_k_categorical_accuracy", "metric/OneHot*IoU"),
          ("torch",),
          "Scores (-0, +0) predict class 1 on TensorFlow and JAX (and in the reference), class 0 on PyTorch: "
          "`categorical_accuracy([[0, 1]], [[-0., 0.]])` is 1 on the first two, 0 on PyTorch.",
          "`keras/src/backend/tensorflow/numpy.py` `argmax` (line 938) and, on the CPU, "
          "`keras/src/backend/jax/numpy.py` `argmax` (line 422) replace a zero with its sign bit set by `-tiny` "
          "before the backend's argmax, so -0 ranks below +0; `keras/src/backend/torch/numpy.py` `argmax` (line "
          "385) calls `torch.argmax` as it is, where -0 == +0 and the first index wins.",
          "-0 equals +0, so both answers are a first maximal index of the scores as numbers; TensorFlow's and JAX's "
          "order the signed zeros, PyTorch's the positions. The reference mirrors TensorFlow.",
          "Nothing, unless scores hold signed zeros (a ReLU or a product with -0 can make them): then add 0.0 to "
          "the scores first, which turns -0 into +0 on every backend.",
          cases=(Case("keras.metrics.categorical_accuracy(y_true, y_pred)",
                      "rk.metrics.categorical_accuracy(y_true, y_pred)",
                      {"y_true": [[0.0, 1.0]], "y_pred": [[-0.0, 0.0]]}, tol="elementwise"),)),
)

# --- float64: where a backend computes in float32 ------------------------------------------------------------
# A row's disagreement is explained by the first entry that matches: the specific causes come before the demotion,
# whose rule reaches every op and metric row.

DTYPES_PY = "keras/src/backend/common/dtypes.py"
TENTHS = [i / 10 for i in range(11)]
"""Evenly spaced thresholds, which Keras's confusion metrics bucket instead of comparing one by one."""

_add(
    Entry("Python floats through float32 on TensorFlow",
          ("optimizer/*", "schedule/ExponentialDecay", "schedule/PolynomialDecay", "schedule/InverseTimeDecay",
           "schedule/CosineDecay", "op/log_cosh", "op/LogCosh", "metric/log_cosh", "metric/LogCoshError",
           "case/leaky_relu'(0)", "case/probability clip ties"),
          ("jax", "torch"),
          "In float64, a hyperparameter or constant typed as a Python float (Adam's β₁ = 0.9, a decay rate 0.96, "
          "log_cosh's log 2) is rounded to float32 on TensorFlow (0.96 becomes 0.9599999785423279; log_cosh(0) is "
          "-1.9e-9) and kept exact on JAX and PyTorch: the results part at float32 rounding.",
          "`keras/src/backend/tensorflow/core.py` `cast` is `tf.cast`, which converts a Python float to a float32 "
          "tensor before casting, its `convert_to_tensor` makes `ops.log(2.0)` a float32 log (and "
          "`tf.nn.leaky_relu`'s `alpha`, `clip_by_value`'s ε = 1e-7 bound arrive as float32); JAX's `cast` is "
          "`jnp.asarray(x, dtype)` and torch's `convert_to_tensor` is `torch.as_tensor(x, dtype)`, exact (and "
          "without a dtype they take `floatx()`, float64).",
          "JAX and PyTorch compute with the number the user typed; TensorFlow, and the reference (its float64 "
          "oracle mirrors `tf.cast`: `reference.ops.keras_cast`), with its float32 rounding, a relative error up "
          "to 6e-8 in a float64 run.",
          "Nothing in float32 (the runs agree); in float64 on TensorFlow pass hyperparameters as `np.float64` "
          "where Keras converts rather than casts them, or expect float32-level agreement only.",
          dtypes=("float64",), float32_close=True,
          cases=(_loss("log_cosh", [[0.0]], [[0.0]], dtypes=("float64",)),)),
    Entry("float64 Adam's bias correction through float32 on TensorFlow", ("trajectory/*",), ("jax", "torch"),
          "In float64 the handbook MLP's Adam trajectory on TensorFlow (and the reference, which mirrors it) "
          "leaves the exact float64 trajectory from step 1 on (relative 1.7e-7 at step 1, 1.4e-4 at step 50, "
          "1.3e-3 at most over 100 steps); JAX and PyTorch stay within 2.4e-7 of it (their float32 "
          "`ops.mean` and, on PyTorch, `ops.matmul`, which do not compound).",
          "`keras/src/optimizers/adam.py` `update_step` (lines 108, 111; `keras/src/backend/torch/optimizers/"
          "torch_adam.py` lines 22-23 on PyTorch) takes the bias correction from `ops.cast(self.beta_2, dtype)`, "
          "which on TensorFlow is `tf.cast` of a Python float, float32(0.999) = 0.99900001287, while the moments "
          "use the exact `1 - self.beta_2`: TensorFlow's `1 - β₂ᵗ` is off by 1.3e-5 relative in the first steps, "
          "its step size by 6e-6, and training compounds it.",
          "JAX and PyTorch: with Keras's float64 demotion (`BIT64_TO_BIT32_DTYPE`) patched out the two agree "
          "with each other to 5e-16 over 100 steps, the exact float64 Adam; patching that and TensorFlow's cast "
          "(a float32 β in `ops.cast`) into them reproduces TensorFlow's losses to 1e-8.",
          "For float64 training with Adam on TensorFlow pass `beta_1`/`beta_2` as values exact in float32 (0.875, "
          "0.9990234375), or expect agreement with the other backends at 1e-3 after a hundred steps.",
          dtypes=("float64",)),
    Entry("leaky_relu's slope in float64 on TensorFlow", ("op/activations.leaky_relu",), ("jax", "torch"),
          "In float64, leaky_relu(-1e4, negative_slope=0.01) is -99.99999776482582 on TensorFlow, -100 on PyTorch: "
          "the slope is float32(0.01). An exact row (its tolerance is 0), so the float32-rounding rule of the "
          "entry above cannot match it.",
          "Keras-TF's `leaky_relu` (`keras/src/backend/tensorflow/nn.py` line 105) is `tf.nn.leaky_relu`, whose "
          "`LeakyRelu` op takes `alpha` as a `float` attribute, 32 bits in every dtype; Keras-torch's "
          "(`keras/src/backend/torch/nn.py` line 101) passes the Python float to `torch.nn.functional.leaky_relu`.",
          "PyTorch computes with the slope typed; TensorFlow (and the reference, which mirrors it) with its float32 "
          "rounding.",
          "Nothing in float32; in float64 on TensorFlow choose a slope exact in float32 (0.25, 0.015625).",
          dtypes=("float64",),
          cases=(_act("leaky_relu", [-1e4], dtypes=("float64",), negative_slope=0.01),)),
    Entry("relu's threshold through float32 on TensorFlow", ("op/activations.relu",), ("jax", "torch"),
          "In float64, `relu(x, threshold=0.2)` at x = float32(0.2) = 0.20000000298023224 is 0 on TensorFlow "
          "and x on JAX and PyTorch (gradient 0 against 1): the threshold is compared as float32(0.2). An exact "
          "row, and a branch rather than a rounding, so the float32-rounding rule of the entry above cannot match "
          "it.",
          "`keras/src/activations/activations.py` `ReLU.static_call` (line 92) makes the threshold "
          "`ops.cast(threshold, dtype=x.dtype)`: Keras-TF's `cast` is `tf.cast`, which converts the Python float "
          "to a float32 tensor first (0.2 becomes 0.20000000298023224), so x is not greater than it; JAX's and "
          "torch's `cast` convert 0.2 straight to float64.",
          "x = 0.20000000298023224 is above 0.2: JAX and PyTorch; TensorFlow (and the reference, which mirrors "
          "it) compare against the float32 rounding of the threshold.",
          "In float64 on TensorFlow choose a threshold exact in float32 (0.25, 0.125), or expect inputs within "
          "float32 rounding of it to fall on the other side.",
          dtypes=("float64",),
          cases=(_act("relu", [0.20000000298023224, 0.3], dtypes=("float64",), threshold=0.2),)),
    Entry("confusion buckets through a float32 ceil on JAX",
          ("metric/TrueNegatives", "metric/TruePositives", "metric/FalseNegatives", "metric/FalsePositives",
           "op/FalseNegatives"), ("jax",),
          "In float64, with evenly spaced thresholds (0, 0.1, …, 1) a prediction of 0.10000000149 (just above 0.1) "
          "counts as at most 0.1 on JAX: TrueNegatives is 4 where TensorFlow and PyTorch count 3.",
          "`keras/src/metrics/metrics_utils.py` line 234 buckets predictions by `ops.ceil(y_pred · (n - 1))`, and "
          "Keras-JAX's `ceil` (`keras/src/backend/jax/numpy.py` line 551) casts to `result_type(x.dtype, float)`, "
          "float32 by `BIT64_TO_BIT32_DTYPE`: 1.0000000149 becomes 1, bucket 0 instead of 1. A count, so the "
          "float32-rounding rule of the demotion entry cannot match it.",
          "The prediction exceeds 0.1: TensorFlow and PyTorch (and the reference, the float64 oracle).",
          "On JAX expect float32 resolution of thresholds in float64, or keep predictions off the thresholds.",
          dtypes=("float64",),
          cases=(Case(f"keras.metrics.TrueNegatives(thresholds={TENTHS})(y_true, y_pred)",
                      f"rk.metrics.TrueNegatives(thresholds={TENTHS})(y_true, y_pred)",
                      {"y_true": [0.0, 0.0], "y_pred": [0.10000000149, 0.5]}, dtypes=("float64",)),)),
    Entry("a float64 mean beyond float32's range on JAX and PyTorch", ("optimizer/Adafactor",), ("jax", "torch"),
          "In float64, after gradients of 8.5e37 Adafactor's variables turn NaN on JAX and PyTorch and stay finite "
          "on TensorFlow: `ops.mean` of float64 [7.2e75, 1] is inf there.",
          "Adafactor's factored second moments and RMS (`keras/src/optimizers/adafactor.py` lines 141, 172, 184, "
          "192) average squared gradients with `ops.mean`, which on JAX and PyTorch computes float64 in float32 "
          "(the demotion entry below) and overflows past 3.4e38; inf/inf then makes NaN.",
          "TensorFlow (and the reference, the float64 oracle): 7.2e75 is a float64 number.",
          "In float64 on JAX or PyTorch keep squared gradients below 3.4e38 (clip gradients).",
          dtypes=("float64",),
          cases=(_loss("mean_squared_error", [[0.0, 0.0]], [[8.5e37, 1.0]], dtypes=("float64",)),)),
    Entry("Muon's uncast learning rate in float64 on TensorFlow", ("optimizer/Muon",), ("jax", "torch"),
          "In float64 with a learning-rate schedule (a float32 learning rate), Muon raises on TensorFlow "
          "(`InvalidArgumentError: cannot compute Mul as input #1 (zero-based) was expected to be a float tensor "
          "but is a double tensor`) and steps on JAX and PyTorch.",
          "`keras/src/optimizers/muon.py` line 206, `_muon_update_step`, multiplies `lr * update` without the "
          "`ops.cast(learning_rate, variable.dtype)` its Adam branch makes (line 210): TensorFlow's `Mul` refuses "
          "float32 times float64, JAX and torch promote.",
          "The update is defined: JAX and PyTorch.",
          "On TensorFlow run Muon's float64 variables with a constant learning rate, or in float32.",
          dtypes=("float64",)),
    Entry("hard_sigmoid' in float64 on PyTorch", ("op/activations.hard_sigmoid",), ("torch",),
          "In float64, hard_sigmoid's gradient inside (-3, 3) is 1/6 on TensorFlow and JAX, float32(1/6) = "
          "0.1666666716337204 on PyTorch.",
          "Keras-torch's `hard_sigmoid` is `torch.nn.functional.hardsigmoid`, whose CPU backward kernel "
          "(`hardsigmoid_backward` in ATen's `native/cpu/Activation.cpp`) multiplies by a float literal "
          "`1.0f / 6.0f` in every dtype.",
          "TensorFlow and JAX (and the reference, the float64 oracle): the slope is 1/6.",
          "Nothing in float32; in float64 on PyTorch expect float32-level gradients through hard_sigmoid.",
          dtypes=("float64",), float32_close=True,
          cases=(_act("hard_sigmoid", [0.5], dtypes=("float64",)),)),
    Entry("float64 demoted to float32 on JAX and PyTorch",
          ("op/*", "metric/*", "trajectory/*", "schedule/CosineDecayRestarts"), ("jax", "torch"),
          "In float64, some Keras ops on JAX and PyTorch compute in float32 and cast back: `ops.mean` (every "
          "reducing loss and metric: hinge of a 1 + 1e-12 margin is 1.0, accuracy 0.105 is 0.10499999672; the "
          "handbook MLP's float64 loss at step 0 is float32-exact, 2.4144439697265625), on PyTorch `ops.matmul` "
          "(a float64 Dense layer's product, relative 2e-7), and on JAX `ops.floor` and `ops.cos` "
          "(CosineDecayRestarts' 0.05 is 0.04999999701976776).",
          f"`{DTYPES_PY}` maps float64 to float32 in `BIT64_TO_BIT32_DTYPE` (line 240) for every backend but "
          "TensorFlow and applies it to every `result_type` (line 276); `keras/src/backend/jax/numpy.py` `mean` "
          "(line 231, `result_type(x.dtype, \"float32\")`), `floor` (777) and `cos` (604, `result_type(x.dtype, "
          "float)`), and `keras/src/backend/torch/numpy.py` `mean` (176) and `matmul` (141, 154), cast their "
          "input to that dtype first.",
          "TensorFlow (and the reference, the float64 oracle) compute in float64 as asked; JAX's and PyTorch's "
          "results carry float32 rounding (relative 6e-8) in a float64 run.",
          "For float64 work on JAX or PyTorch, reduce with the backend's own `jnp.mean`/`torch.mean`, or expect "
          "float32 precision from Keras's ops.",
          dtypes=("float64",), float32_close=True,
          cases=(_loss("mean_squared_error", [[0.0, 0.0, 0.0]], [[0.1, 0.2, 0.3]], dtypes=("float64",)),)),
)
