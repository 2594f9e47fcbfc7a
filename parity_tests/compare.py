"""``assert_parity``: compare two results under the tolerance policy, and explain any failure.

A failure message says everything needed to act on it::

    softmax forward (float32, shape (1, 3)): 1 of 3 elements exceed the tolerance
      largest absolute error 2.4e-07 at index (0, 1): reference=0.33333334, tensorflow=0.3333336
      largest relative error 7.2e-07 at index (0, 1): reference=0.33333334, tensorflow=0.3333336
      tolerance: rtol=2.1e-06, atol=1.2e-38 ['softmax', float32, size=3, scale=1]: softmax over ...
    Reproduce:
      import numpy as np
      ...

The reproduction snippet assigns every input with an exact ``np.array(...,
dtype=...)`` literal (arrays above :data:`INLINE_LIMIT` elements are saved to
an ``.npz`` under the system temp folder and loaded instead), runs the
reference code, then converts the arrays to ``tf.constant`` and runs the
TensorFlow code.

Also here: :func:`numerical_gradient` and :func:`directional_derivative`, the
float64 central differences that the gradient checks compare against.
"""

import hashlib
import os
import tempfile
import textwrap

import numpy as np

from .tolerances import FD_STEP, explain, tolerance

INLINE_LIMIT = 200  # arrays with more elements are saved to a file rather than printed inline


# --- reproduction snippets --------------------------------------------------------------


def _literal(array):
    """An exact, copy-pasteable literal of ``array``: ``np.array([...], dtype=np.float32)``."""
    body = np.array2string(array, separator=", ", threshold=np.inf, max_line_width=100,
                           floatmode="unique", sign="-")
    if array.dtype.kind == "f":
        body = body.replace("nan", "np.nan").replace("inf", "np.inf")
    return f"np.array({body}, dtype=np.{array.dtype.name})"


def _saved(name, array):
    """Save a large array to a content-addressed .npz and return the line that loads it."""
    digest = hashlib.sha1(array.tobytes() + str(array.dtype).encode() + str(array.shape).encode()).hexdigest()[:12]
    folder = os.path.join(tempfile.gettempdir(), "parity_cases")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{digest}.npz")
    if not os.path.exists(path):
        np.savez(path, value=array)
    preview = np.array2string(array, threshold=8, edgeitems=2, max_line_width=90).replace("\n", " ")
    return f'{name} = np.load("{path}")["value"]  # {array.dtype.name} {array.shape}: {preview}'


def _assignment(name, value):
    if isinstance(value, np.ndarray):
        if value.size > INLINE_LIMIT:
            return _saved(name, value)
        return f"{name} = {_literal(value)}"
    if isinstance(value, (np.floating, np.integer)):
        return f"{name} = np.{value.dtype.name}({value!r})"
    return f"{name} = {value!r}"


def reproduction(inputs, ref=None, tf=None):
    """A copy-paste script: assign ``inputs``, run the ``ref`` code, then the ``tf`` code on tensors.

    Args:
        inputs: ``{name: value}``; ndarrays become exact literals, anything else its ``repr``.
        ref: code (an expression or statements) using the reference (``rk``) on the NumPy inputs.
        tf: code using TensorFlow (``tf``, ``keras``); the ndarray inputs are ``tf.constant``s by then.
    """
    lines = ["import numpy as np", "import reference as rk", ""]
    lines += [_assignment(k, v) for k, v in (inputs or {}).items()]
    if ref:
        lines += ["", "# reference (NumPy)", _printed(ref, "reference")]
    if tf:
        arrays = [k for k, v in (inputs or {}).items() if isinstance(v, np.ndarray)]
        lines += ["", "# TensorFlow", "import tensorflow as tf", "import keras"]
        lines += [f"{k} = tf.constant({k})" for k in arrays]
        lines += [_printed(tf, "tensorflow")]
    return "\n".join(lines)


def _printed(code, label):
    """Statements run as they are; a bare expression is printed."""
    code = textwrap.dedent(code).strip()
    try:
        compile(code, "<snippet>", "eval")
    except SyntaxError:
        return code
    return f'print("{label}:", {code})'


# --- assertion --------------------------------------------------------------------------


def _value(array, index):
    v = array[index] if array.ndim else array[()]
    return repr(v.item()) if array.dtype.kind != "f" else repr(array.dtype.type(v))


def _where(index):
    return "()" if index == () else str(tuple(int(i) for i in index))


def assert_parity(actual, desired, *, op, dtype, size=1, scale=1.0, what=None, inputs=None,
                  ref=None, tf=None, names=("reference", "tensorflow")):
    """Assert ``|actual - desired| <= atol + rtol·|desired|`` elementwise, with ``tolerance(op, dtype, ...)``.

    NaNs must sit at the same places on both sides, infinities must match exactly.

    Args:
        actual, desired: array-likes of the same shape (by convention the reference, then TF).
        op, dtype, size, scale: passed to :func:`parity_tests.tolerances.tolerance`.
        what: what is compared, for the message (default: ``op``).
        inputs, ref, tf: the case, for the reproduction snippet (see :func:`reproduction`).
        names: how to call the two sides in the message.

    Raises:
        AssertionError: with the largest absolute and relative errors, where they occur, the values
            there, the tolerance and its justification, and a reproduction snippet.
    """
    what = what or op
    a, d = np.asarray(actual), np.asarray(desired)

    def snippet():
        return "Reproduce:\n" + textwrap.indent(reproduction(inputs, ref, tf), "  ")

    if a.shape != d.shape:
        raise AssertionError(f"{what} ({np.dtype(dtype).name}): shapes differ: {names[0]} {a.shape}, "
                             f"{names[1]} {d.shape}.\n{snippet()}")
    rtol, atol = tolerance(op, dtype, size=size, scale=scale)
    a64, d64 = a.astype(np.float64), d.astype(np.float64)
    nan_a, nan_d = np.isnan(a64), np.isnan(d64)
    inf_mismatch = (np.isinf(a64) | np.isinf(d64)) & (a64 != d64) & ~nan_a & ~nan_d
    with np.errstate(invalid="ignore", over="ignore"):  # relative errors of ~1e300 against tiny values are fine
        err = np.where(np.isfinite(a64) & np.isfinite(d64), np.abs(a64 - d64), 0.0)
        rel = err / np.maximum(np.abs(d64), np.finfo(np.float64).tiny)
    bad = (err > atol + rtol * np.abs(np.where(np.isfinite(d64), d64, 0.0))) | (nan_a != nan_d) | inf_mismatch
    if not bad.any():
        return
    lines = [f"{what} ({np.dtype(dtype).name}, shape {a.shape}): {int(bad.sum())} of {a.size} elements "
             f"exceed the tolerance"]
    if (nan_a != nan_d).any() or inf_mismatch.any():
        i = np.unravel_index(np.argmax((nan_a != nan_d) | inf_mismatch), a.shape)
        lines.append(f"  non-finite mismatch at index {_where(i)}: "
                     f"{names[0]}={_value(a, i)}, {names[1]}={_value(d, i)}")
    for label, e in (("absolute", err), ("relative", rel)):
        i = np.unravel_index(np.argmax(e), a.shape) if a.ndim else ()
        lines.append(f"  largest {label} error {e[i]:.3g} at index {_where(i)}: "
                     f"{names[0]}={_value(a, i)}, {names[1]}={_value(d, i)}")
    lines.append("  tolerance: " + explain(op, dtype, size=size, scale=scale))
    raise AssertionError("\n".join(lines) + "\n" + snippet())


# --- finite differences -----------------------------------------------------------------


def directional_derivative(f, xs, directions, cotangent):
    """float64 central difference of ``L = Σ cotangent · f(*xs)`` along ``directions``: ``dL/dt`` at ``t = 0``
    of ``L(x + t·v)``, with ``vᵢ = directionᵢ·max(1, |xᵢ|)`` and step ``FD_STEP``.

    Two evaluations of ``f`` whatever the size of ``xs``; compare with ``Σᵢ <gradᵢ, vᵢ>`` (see
    :func:`scaled_directions`). :func:`numerical_gradient` gives every element, at ``2n`` evaluations.
    """
    w = np.asarray(cotangent, dtype=np.float64)
    vs = scaled_directions(xs, directions)
    up = np.sum(w * f(*[x + FD_STEP * v for x, v in zip(xs, vs)]))
    down = np.sum(w * f(*[x - FD_STEP * v for x, v in zip(xs, vs)]))
    return (up - down) / (2 * FD_STEP)


def scaled_directions(xs, directions):
    """The perturbations :func:`directional_derivative` uses: ``directionᵢ·max(1, |xᵢ|)``."""
    for x in xs:
        if x.dtype != np.float64:
            raise ValueError(f"finite differences run in float64; got an input of dtype {x.dtype}.")
    return [d * np.maximum(1.0, np.abs(x)) for x, d in zip(xs, directions)]


def numerical_gradient(f, x, cotangent):
    """float64 central differences of ``L(x) = Σ cotangent · f(x)``, one element of ``x`` at a time.

    ``f`` maps an array like ``x`` to an array like ``cotangent``; the step is
    ``FD_STEP·max(1, |xᵢ|)`` (see ``tolerances.FD_STEP``). ``x`` is not modified.
    """
    if x.dtype != np.float64:
        raise ValueError(f"finite differences run in float64; got x.dtype={x.dtype}.")
    x = x.copy()
    w = np.asarray(cotangent, dtype=np.float64)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        h = FD_STEP * max(1.0, abs(x[i]))
        saved = x[i]
        x[i] = saved + h
        up, x_up = np.sum(w * f(x)), x[i]
        x[i] = saved - h
        down, x_down = np.sum(w * f(x)), x[i]
        x[i] = saved
        grad[i] = (up - down) / (x_up - x_down)      # the step actually taken, after rounding
    return grad
