"""The backend referee (``python -m parity_tests backends``) at small counts: every catalogued departure of Keras on
JAX or PyTorch from Keras-TF still occurs, and every other disagreement is explained by the catalogue.

The workers run once per module (``CI_DRAWS`` draws per row, ``CI_STEPS`` trajectory steps when MNIST is at hand):
each side is its own process, so this runs the command's machinery as the command does. Those tests run only with
``RUN_BACKENDS=1`` in the environment: they take minutes (JAX dispatches op by op), and while the catalogue does
not yet explain every disagreement of every draw they would fail the default run for a finding, not a regression.
"""

import os

import numpy as np
import pytest

from parity_tests.backends import catalogue, run
from parity_tests.backends.autodiff import to_numpy
from parity_tests.backends.compare import DISAGREEMENTS, Tol, compare_arrays, compare_results

CI_DRAWS = 1
CI_STEPS = 20
CI_FAMILIES = ("case", "op", "schedule", "trajectory")
"""The metric and optimizer rows are left to the command: their streams and 50-step trajectories take minutes on
JAX's op-by-op eager dispatch."""


def test_verdicts():
    tol = Tol("elementwise", "float32")
    assert compare_arrays(np.float32([1, 2]), np.float32([1, 2]), tol)[0] == "agree"
    assert compare_arrays(np.float32([1, 2]), np.float32([1, np.nextafter(2, 3, dtype=np.float32)]), tol)[0] == \
        "rounding"
    assert compare_arrays(np.float32([1, 2]), np.float32([1, 2.5]), tol)[0] == "real"
    assert compare_arrays(np.float32([1, np.nan]), np.float32([1, 2]), tol)[0] == "one-sided NaN"
    assert compare_results("ValueError: no", [np.float32(1)], tol)[0] == "one-sided raise"
    assert compare_results("ValueError: no", "TypeError: no", tol)[0] == "agree"


def test_a_torch_snapshot_is_a_copy():
    """An optimizer updates torch's variables in place: a snapshot sharing their storage would change with them."""
    torch = pytest.importorskip("torch")
    variable = torch.zeros(2)
    snapshot = to_numpy(variable)
    variable.add_(1.0)
    assert snapshot.tolist() == [0.0, 0.0]


def test_every_backend_is_installed():
    installed, missing = run.installed_backends()
    assert not missing, f"backends not installed, their rows cannot be compared: {missing}"


RUN_BACKENDS = pytest.mark.skipif(os.environ.get("RUN_BACKENDS") != "1",
                                  reason="the backend referee's workers run with RUN_BACKENDS=1")


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    data = os.environ.get("MNIST_PATH")
    families = CI_FAMILIES if data else tuple(f for f in CI_FAMILIES if f != "trajectory")
    return run.run(tmp_path_factory.mktemp("backends"), draws=CI_DRAWS, steps=CI_STEPS if data else 0,
                   data=data, families=families, log=lambda *a: None)


def _outcomes(summary, family, row, side):
    return [o for o in summary.outcomes if o.family == family and o.row == row and o.side == side
            and o.against == "tensorflow"]


@RUN_BACKENDS
@pytest.mark.parametrize("entry", [e for e in catalogue.CATALOGUE if e.cases], ids=lambda e: e.id)
def test_catalogued_departure_still_occurs(summary, entry):
    for backend in entry.backends:
        found = _outcomes(summary, "case", entry.id, backend)
        assert found, f"{entry.id}: no pinned case ran on {backend}"
        for o in found:
            assert o.verdict in DISAGREEMENTS, (f"{entry.id} no longer occurs on {backend} ({o.dtype}): its pinned "
                                                f"case is {o.verdict!r} against Keras-TF; remove the entry")


@RUN_BACKENDS
def test_every_disagreement_is_catalogued(summary):
    unexplained = [o for o in summary.unexplained if o.side != "tensorflow" and o.family != "case"]
    assert not unexplained, "disagreements with no catalogue entry:\n" + "\n".join(
        f"  {o.key} {o.side} vs {o.against} {o.dtype}: {o.verdict}: {o.detail}" for o in unexplained)


def test_a_precision_entry_explains_only_float64_disagreements_within_float32_rounding():
    entry = catalogue.BY_ID["float64 demoted to float32 on JAX and PyTorch"]
    assert entry.explains("metric/Hinge", "jax", "float64", float32_close=True)
    assert not entry.explains("metric/Hinge", "jax", "float64", float32_close=False)
    assert not entry.explains("metric/Hinge", "jax", "float32", float32_close=True)
    assert not entry.explains("metric/Hinge", "tensorflow", "float64", float32_close=True)


def test_the_float64_adam_trajectory_is_explained_only_in_float64():
    entry = catalogue.BY_ID["float64 Adam's bias correction through float32 on TensorFlow"]
    assert entry.explains("trajectory/handbook MLP", "jax", "float64")
    assert entry.explains("trajectory/handbook MLP", "torch", "float64")
    assert not entry.explains("trajectory/handbook MLP", "jax", "float32")


def test_keras_on_tensorflow_casts_adams_beta_through_float32():
    """The cause of that entry: Adam's bias correction ``ops.cast(self.beta_2, "float64")`` is ``tf.cast`` of a
    Python float, rounded to float32 first; its moments' ``1 - self.beta_2`` stays exact."""
    keras = pytest.importorskip("keras")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("Keras runs on another backend here")
    assert float(keras.ops.cast(0.999, "float64")) == float(np.float32(0.999)) != 0.999
    one = keras.ops.ones((), dtype="float64")
    assert float(keras.ops.multiply(one, 1 - 0.999)) == 1 - 0.999


def test_a_worker_file_keeps_bfloat16(tmp_path):
    """``np.save`` writes an ``ml_dtypes`` array as raw ``V2`` bytes, which no comparison can read: the worker
    stores its bits and names its dtype."""
    from reference.config import standardize_dtype

    from parity_tests.backends.worker import Results, load

    results = Results()
    results.record("op/x", lambda: [np.array([1.5, -3.0], dtype=standardize_dtype("bfloat16")), np.float32([2])])
    results.save(tmp_path / "side.npz")
    value, other = load(tmp_path / "side.npz")["op/x"]
    assert value.dtype.name == "bfloat16" and value.astype(np.float32).tolist() == [1.5, -3.0]
    assert other.dtype == np.float32


def test_a_streamed_metric_result_is_a_copy():
    """Keras-torch's ``result()`` can be a variable's own storage, which the next ``update_state`` changes in place:
    each chunk's result must be copied when it is read."""
    torch = pytest.importorskip("torch")
    from types import SimpleNamespace

    from parity_tests.report.metrics import stream

    class Count:
        def __init__(self):
            self.total = torch.zeros(1)

        def update_state(self, x, sample_weight=None):
            self.total.add_(len(x))

        def result(self):
            return self.total

        def reset_state(self):
            self.total.zero_()

    row = SimpleNamespace(make=lambda module, dtype, kwargs: Count(), inputs=("x",))
    results = stream(row, None, "float32", {}, {"x": np.zeros(5), "sample_weight": None}, [2])
    assert [r.tolist() for r in results] == [[2.0], [5.0], [5.0]]
