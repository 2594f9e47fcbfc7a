"""The catalogue of Keras's backend disagreements: where Keras on JAX or PyTorch computes something other than
Keras on TensorFlow (and the reference, which mirrors TensorFlow), why, and what to do about it.

Each :class:`Entry` names the rows it explains (op, metric, optimizer or schedule row names of the parity tables,
or ``"trajectory"``) and the backends that depart. ``parity_tests/test_backends.py`` checks that

* every entry still occurs: its pinned :class:`Case` (or, without one, its rows' drawn run) disagrees with
  Keras-TF on each named backend;
* every other disagreement between a backend and Keras-TF is explained by an entry: an unexplained one fails.
"""

from dataclasses import dataclass, field

JAX_ISSUES = "https://github.com/jax-ml/jax/issues/"
KERAS_ISSUES = "https://github.com/keras-team/keras/issues/"
KERAS_PULLS = "https://github.com/keras-team/keras/pull/"


@dataclass(frozen=True)
class Case:
    """A pinned input on which the departure shows: ``keras`` (backend-neutral source text) and ``ref`` (the
    reference's) over ``inputs`` (lists become arrays, float ones in the run's dtype unless named in ``ints``),
    differentiated with respect to ``wrt`` for ``dy = 1``; compared under the tolerance key ``tol``."""

    keras: str
    ref: str
    inputs: dict
    wrt: tuple = ()
    ints: tuple = ()
    dtypes: tuple = ("float32", "float64")
    tol: str = "transcendental"

    def is_float(self, name):
        return name not in self.ints


@dataclass(frozen=True)
class Entry:
    """One departure of Keras on some backends from Keras on TensorFlow.

    Attributes:
        id: a short name.
        rows: the parity-table rows it explains (``"<family>/<row name>"``, e.g. ``"op/activations.selu"``).
        backends: the backends that depart (``"jax"``, ``"torch"``).
        departure: what differs, with the numbers.
        cause: one sentence naming the backend function responsible.
        math: which side matches the mathematics (the float64 oracle or the textbook), and why.
        advice: what a user should do about it.
        issue: the upstream issue or pull request, where there is one.
        cases: pinned :class:`Case` inputs on which it shows.
        dtypes: the run dtypes in which it shows.
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

    def explains(self, key, backend, dtype):
        """Whether a disagreement of ``backend`` on row ``key`` (``"<family>/<row>"``) in ``dtype`` is this one."""
        return key in self.rows and backend in self.backends and dtype in self.dtypes


def _act(name, x, wrt=("x",), **kwargs):
    """A pinned case of ``keras.activations.<name>`` at the points ``x``."""
    args = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return Case(f"keras.activations.{name}(x{args})", f"rk.activations.{name}(x{args})", {"x": x}, wrt)


CATALOGUE = []
"""The entries (filled below, by family)."""

BY_ID = {}
