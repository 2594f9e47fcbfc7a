"""The row type of the op table, :class:`OpInfo`, and what every row's tolerance helpers share."""


from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Callable

import numpy as np

import reference as rk

from .. import strategies as S
from ..strategies import Sample

CLIP_LOG = float(-np.log(rk.config.epsilon()))  # largest |log clip(p)|: 16.12

LIBRARIES = {"ref": "rk", "tf": "keras"}
"""The module a row's :attr:`OpInfo.call` is resolved against, on each side: ``reference`` and ``keras``."""

POLICY = "dtype={lib}.DTypePolicy(dtype) if as_policy else dtype"
"""What ``{policy}`` in a call stands for: a class form's ``dtype=`` argument, the drawn dtype name or, when the
sample's ``as_policy`` says so, that side's ``DTypePolicy`` of it (``S.with_loss_dtype`` draws both)."""


def side_code(call, lib):
    """The source text of ``call`` on the side whose library is ``lib``: ``lib.`` in front, and ``{policy}``
    spelled out with that library's ``DTypePolicy``, so that the two sides differ in the library alone."""
    return f"{lib}.{call}".replace("{policy}", POLICY.format(lib=lib))


def _one(sample):
    return 1


def max_abs(*arrays):
    return max([float(np.max(np.abs(np.asarray(a, dtype=np.float64)), initial=0.0)) for a in arrays] + [0.0])


def sum_abs(*arrays):
    return sum(float(np.sum(np.abs(np.asarray(a, dtype=np.float64)))) for a in arrays)


@dataclass(frozen=True)
class ErrorInput:
    """Inputs on which TensorFlow raises: the row's reference code must raise a ``ValueError`` naming ``argument``.

    ``inputs`` are the row's inputs by name (lists become arrays; float ones float32).
    """

    name: str
    argument: str
    inputs: dict


@dataclass(frozen=True, repr=False)
class OpInfo:
    """One checked op. See the module docstring for an annotated example.

    A row writes its code once when both sides call the same function: :attr:`call` is that call with the
    library left off its front, and the row's ``ref`` and ``tf`` are derived from it. For example
    ``call="losses.mean_squared_error(y_true, y_pred)"`` gives

    - ``ref = "rk.losses.mean_squared_error(y_true, y_pred)"`` (``rk`` is ``reference``),
    - ``tf = "keras.losses.mean_squared_error(y_true, y_pred)"``.

    In a call, ``{policy}`` stands for a loss class's ``dtype=`` argument (:data:`POLICY`), which names each
    side's own ``DTypePolicy``: ``"losses.MeanSquaredError(reduction=reduction, {policy})(y_true, y_pred)"``
    constructs ``rk.losses.MeanSquaredError(reduction=reduction, dtype=rk.DTypePolicy(dtype) if as_policy else
    dtype)`` on the reference side and the same with ``keras.`` on the Keras side.

    A row whose two sides really differ (the reference's ``rk.ops.add`` against TF's ``tf.add``, or a
    composition) writes both, ``ref=`` and ``tf=``, and no ``call``.

    Attributes:
        name: the pytest id.
        ref, tf: source text of an expression computing the op on each side; derived from :attr:`call` when
            the row has one. Every reader of a row (the tests, the report, the backends' worker) reads these.
        call: the one call both sides make, without its library (see above); ``None`` for a row that writes
            ``ref`` and ``tf``.
        sample: ``dtype -> hypothesis strategy`` drawing a :class:`~parity_tests.strategies.Sample`; ``None``
            for a row the generic properties skip (a composition checked by a test of its own, measured
            in the report).
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
        error_inputs: :class:`ErrorInput` cases, checked by ``test_bad_inputs.py``.
        report: ``rng -> inputs`` of realistic size, seeded (a ``np.random.Generator``), float arrays in
            float64; a row with one is measured in the parity report (``python -m parity_tests report``)
            against the float64 oracle.
        compute_dtype: ``(sample, dtype) -> dtype`` the row computes in, whose ε the tolerance takes (a loss
            class's drawn ``dtype=`` policy); default: the row's ``dtype``.
        fd_sides: whose gradients the float64 finite differences check: ``"reference"`` and/or
            ``"tensorflow"``. Fewer only where a side computes in float32 whatever the input (CTC: Keras casts
            float64 logits to float32, TF's dense CTC refuses float64), so that a float64 difference
            quotient would measure float32 rounding.
    """

    name: str
    ref: str = None
    tf: str = None
    _: KW_ONLY
    call: str = None
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
    error_inputs: tuple = ()
    report: Callable[[np.random.Generator], dict] = None
    fd_sides: tuple = ("reference", "tensorflow")
    compute_dtype: Callable[[Sample, str], str] = None
    _code: dict = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self):
        return f"op_db.BY_NAME[{self.name!r}]"

    def __post_init__(self):
        written = [code for code in (self.ref, self.tf) if code is not None]
        if len(written) != (0 if self.call else 2):
            raise TypeError(f"OpInfo {self.name!r}: give either call= or both ref= and tf=")
        if self.call is not None:
            for side, lib in LIBRARIES.items():
                object.__setattr__(self, side, side_code(self.call, lib))  # a frozen dataclass's derived field
        self._code["ref"] = compile(self.ref, f"<{self.name}: ref>", "eval")
        self._code["tf"] = compile(self.tf, f"<{self.name}: tf>", "eval")

    # --- tolerances ---------------------------------------------------------------------

    def forward_tolerance(self, sample):
        """``(key, size, scale)`` for the forward value."""
        return self.tol, self.size(sample), self.scale(sample)

    def grad_tolerance(self, sample, dy):
        """``(key, size, scale)`` for the gradients."""
        size = (self.grad_size or self.size)(sample)
        scale = self.grad_scale(sample, dy) if self.grad_scale else max_abs(dy) * np.max(self.scale(sample))
        return self.grad_tol or self.tol, size, scale

    def tolerance_dtype(self, sample, dtype, gradient=False):
        """The dtype whose ε the tolerance takes: the row's :attr:`compute_dtype`; for a gradient, which is cast
        back to the input's ``dtype``, the coarser of the two."""
        compute = self.compute_dtype(sample, dtype) if self.compute_dtype else dtype
        if not gradient:
            return compute
        return max(compute, dtype, key=lambda d: rk.backend_config.ml_dtypes.finfo(rk.config.standardize_dtype(d)).eps)

    # --- samples --------------------------------------------------------------------------

    def pinned(self, dtype):
        """The pinned examples as Samples of ``dtype``."""
        return [Sample(e).astype(dtype) for e in self.examples]

    def error_samples(self):
        """``(case, Sample)`` for each of :attr:`error_inputs`, floats in float32."""
        return [(case, Sample(case.inputs).astype("float32")) for case in self.error_inputs]

    def fd_strategy(self):
        return self.fd_sample() if self.fd_sample else self.sample("float64")

    # --- evaluation -----------------------------------------------------------------------

    def run_ref(self, sample):
        """The reference's value on ``sample`` (NumPy)."""
        with np.errstate(all="ignore"):
            return np.asarray(eval(self._code["ref"], {"rk": rk, "np": np, **sample}))

    def run_tf(self, sample, tf, keras):
        """TensorFlow's value on ``sample``, eagerly, as NumPy."""
        return _numpy(eval(self._code["tf"], {"tf": tf, "keras": keras, "np": np, **_tensors(sample, tf)}))

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
        return [_numpy(g) for g in grads]

    def fd_grads(self, sample, dy):
        """float64 central differences of ``Σ dy·op`` with respect to each of :attr:`grad_wrt`."""
        from ..compare import numerical_gradient

        return [numerical_gradient(lambda x, n=n: self.run_ref(Sample(sample, **{n: x})), sample[n], dy)
                for n in self.grad_wrt]

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


def _numpy(value):
    """A tensor as an ndarray: through ``.numpy()``, since ``np.asarray`` fails on a 0-d bfloat16 tensor."""
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _tensors(sample, tf):
    return {k: tf.constant(v) if isinstance(v, np.ndarray) else v for k, v in sample.items()}


EDGE = S.probability_edges("float64")  # EDGE.zero, .one, .eps, .one_minus_eps, .half_eps, .one_minus_half_eps, .half
