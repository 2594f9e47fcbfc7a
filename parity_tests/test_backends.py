"""The backend referee (``python -m parity_tests backends``) at small counts: every catalogued departure of Keras on
JAX or PyTorch from Keras-TF still occurs, and every other disagreement is explained by the catalogue (or, for
Keras-TF against the reference, by a documented departure).

The workers run once per test session (each side is its own process, so this runs the command's machinery as the
command does), 8 of them: the reference, Keras-TF, Keras-JAX and Keras-torch, each in float32 and float64. What
they run depends on ``RUN_BACKENDS``:

* by default (:data:`CI_FAMILIES`): the 32 pinned cases of the 30 catalogue entries that have one; every op row's
  pinned examples (the kinks and edges its parity tests pin: 362 over the 121 rows, 339 of them on the 87
  backend-neutral rows that JAX and PyTorch run) and :data:`CI_DRAWS` = 1 draw of each row; the 6 schedules (1
  draw each, over their steps); and :data:`CI_STEPS` = 20 steps of the handbook's MLP trajectory when MNIST is at
  hand: 45 tests in 108-151 s of wall time under ``pytest -n 2`` alone on the 2-core machine, JAX's op-by-op eager
  dispatch most of it;
* with ``RUN_BACKENDS=1``, also the 67 metric rows (streamed, then reset) and the 15 optimizer rows (50-step
  trajectories), which take minutes more on JAX. The command runs everything, with 3 draws and 100 to 1,000
  trajectory steps.

Under ``pytest -n auto`` the first xdist worker to need the results computes them; the others wait on a lock and
read its pickle.
"""

import os
import pickle

import numpy as np
import pytest

from parity_tests.backends import catalogue, run
from parity_tests.backends.autodiff import to_numpy
from parity_tests.backends.compare import DISAGREEMENTS, Tol, compare_arrays, compare_results

CI_DRAWS = 1
CI_STEPS = 20
CI_FAMILIES = ("case", "op", "schedule", "trajectory")
"""The families of the default run; ``RUN_BACKENDS=1`` adds :data:`HEAVY_FAMILIES`."""
HEAVY_FAMILIES = ("metric", "optimizer")
"""The metric and optimizer rows: their streams and 50-step trajectories take minutes on JAX's op-by-op eager
dispatch, so they run with ``RUN_BACKENDS=1`` and in the command."""


def test_verdicts():
    tol = Tol("elementwise", "float32")
    assert compare_arrays(np.float32([1, 2]), np.float32([1, 2]), tol)[0] == "agree"
    assert compare_arrays(np.float32([1, 2]), np.float32([1, np.nextafter(2, 3, dtype=np.float32)]), tol)[0] == \
        "rounding"
    assert compare_arrays(np.float32([1, 2]), np.float32([1, 2.5]), tol)[0] == "real"
    assert compare_arrays(np.float32([1, np.nan]), np.float32([1, 2]), tol)[0] == "one-sided NaN"
    assert compare_arrays(np.float32([100]), np.float32([np.inf]), tol)[0] == "real"  # inf's relative bound is inf
    assert compare_arrays(np.float32([np.inf]), np.float32([-np.inf]), tol)[0] == "real"
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


def _families():
    heavy = HEAVY_FAMILIES if os.environ.get("RUN_BACKENDS") == "1" else ()
    families = CI_FAMILIES + heavy
    return families if os.environ.get("MNIST_PATH") else tuple(f for f in families if f != "trajectory")


def _run_workers(out_dir):
    families = _families()
    data = os.environ.get("MNIST_PATH")
    return run.run(out_dir, draws=CI_DRAWS, steps=CI_STEPS if "trajectory" in families else 0, data=data,
                   families=families, log=lambda *a: None)


@pytest.fixture(scope="session")
def summary(tmp_path_factory):
    """The referee's :class:`~parity_tests.backends.run.Summary`, computed once per session: under xdist by the
    first worker to ask (the others wait on a lock and read its pickle, so the workers do not run twice)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _run_workers(tmp_path_factory.mktemp("backends"))
    try:
        from filelock import FileLock
    except ImportError:  # no lock at hand: each xdist worker computes its own
        return _run_workers(tmp_path_factory.mktemp("backends"))
    shared = tmp_path_factory.getbasetemp().parent / f"backends-{'-'.join(_families())}"
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared / "lock")):
        done = shared / "summary.pickle"
        if done.exists():
            return pickle.loads(done.read_bytes())
        result = _run_workers(shared / "workers")
        result.files = {}  # the verdicts are what the tests read; the workers' raw arrays are not kept
        done.write_bytes(pickle.dumps(result))
        return result


def _outcomes(summary, family, row, side):
    return [o for o in summary.outcomes if o.family == family and o.row == row and o.side == side
            and o.against == "tensorflow"]


@pytest.mark.parametrize("entry", [e for e in catalogue.CATALOGUE if e.cases], ids=lambda e: e.id)
def test_catalogued_departure_still_occurs(summary, entry):
    for backend in entry.backends:
        found = _outcomes(summary, "case", entry.id, backend)
        assert found, f"{entry.id}: no pinned case ran on {backend}"
        for o in found:
            assert o.verdict in DISAGREEMENTS, (f"{entry.id} no longer occurs on {backend} ({o.dtype}): its pinned "
                                                f"case is {o.verdict!r} against Keras-TF; remove the entry")


def test_every_disagreement_is_catalogued(summary):
    """Every disagreement of a backend with Keras-TF or the reference is a catalogue entry's, and every one of
    Keras-TF with the reference a documented departure's: the command's exit status."""
    unexplained = summary.unexplained
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


def test_bfloat16_results_compare_as_numbers():
    """A ``bfloat16`` array (NumPy kind ``"V"``, from ``ml_dtypes``) is compared as numbers under the tolerance,
    not bit for bit: -0 equals 0, and a difference in the last bit is rounding."""
    from reference.config import standardize_dtype

    bf16 = standardize_dtype("bfloat16")
    tol = Tol("elementwise", "bfloat16")
    assert compare_arrays(np.array(-0.0, dtype=bf16), np.array(0.0, dtype=bf16), tol)[0] == "agree"
    assert compare_arrays(np.array([1.0], dtype=bf16), np.array([1.0078125], dtype=bf16), tol)[0] == "rounding"
    assert compare_arrays(np.array([1.0], dtype=bf16), np.array([2.0], dtype=bf16), tol)[0] == "real"


def test_a_documented_departure_explains_only_keras_tfs_raise():
    """Keras-TF against the reference: a one-sided raise on a name of ``parity_tests/departures.py`` is that
    departure; a wrong value on the same name, or a raise on another name, is explained by nothing."""
    muon = run.Outcome("optimizer", "Muon", "tensorflow", "reference", "float64", "one-sided raise")
    assert run._explain(muon) == "departure muon-float64"
    assert run._explain(run.Outcome("optimizer", "Muon", "tensorflow", "reference", "float64", "real")) is None
    assert run._explain(run.Outcome("optimizer", "Adam", "tensorflow", "reference", "float64",
                                    "one-sided raise")) is None


def test_ctc_is_compared_under_float32_tolerance_in_float64():
    """Keras computes CTC in float32 whatever the logits' dtype (TF's kernel refuses float64), so a float64 run
    compares it as float32; other rows keep their dtype."""
    from parity_tests import op_db
    from parity_tests.backends import draws

    for name in draws.FLOAT32_COMPUTE:
        row = op_db.BY_NAME[name]
        sample = draws.op_samples(row, 1, 0, "float64")[0]
        assert draws.tolerance_dtype(row, sample, "float64") == "float32"
        assert draws.tolerance_dtype(row, sample, "float64", gradient=True) == "float32"
    row = op_db.BY_NAME["activations.relu"]
    assert draws.tolerance_dtype(row, draws.op_samples(row, 1, 0, "float64")[0], "float64") == "float64"


def test_every_op_row_runs_its_pinned_examples():
    """The workers evaluate each op row's pinned examples (its kinks) before its draws, with ``dy = 1``."""
    from parity_tests.backends import draws

    for row in draws.op_rows():
        indices = [i for i, _ in draws.op_cases(row, 1, 0, "float32")]
        assert indices == [f"pinned{j}" for j in range(len(row.examples))] + [0], row.name
    row = next(r for r in draws.op_rows() if r.examples)
    assert draws.upstream(row, "pinned0", 0, np.zeros(3, np.float32)).tolist() == [1.0, 1.0, 1.0]


def test_workers_evaluate_the_parents_draws(tmp_path):
    """The parent draws every row's inputs once and each worker reads them from its file, so that all sides are
    compared on the same inputs (the same seed does not always draw the same inputs in every process)."""
    from parity_tests.backends import draws
    from parity_tests.strategies import Sample

    saved = dict(draws._SHARED)
    try:
        draws._SHARED.clear()
        draws.save_shared(tmp_path / "draws.pickle", 1, 12345)
        row = draws.op_rows()[0]
        key = ("op", row.name, 1, 12345)
        drawn = draws._SHARED[key]
        draws._SHARED.clear()
        draws.load_shared(tmp_path / "draws.pickle")
        assert [sorted(s) for s in draws._SHARED[key]] == [sorted(s) for s in drawn]
        marker = Sample({name: np.float32([7.0]) for name in drawn[0]})
        draws._SHARED[key] = [marker]  # what the file says is what the worker evaluates
        assert draws.op_samples(row, 1, 12345, "float64")[0][next(iter(marker))].tolist() == [7.0]
    finally:
        draws._SHARED.clear()
        draws._SHARED.update(saved)


def test_every_catalogue_row_names_a_row():
    """Each of an entry's row patterns matches a row the referee runs (or a pinned case): a renamed row would
    otherwise leave its disagreements unexplained and the pattern explaining nothing."""
    from fnmatch import fnmatchcase

    from parity_tests import metric_db, optimizer_db
    from parity_tests.backends import draws

    names = ([f"op/{r.name}" for r in draws.op_rows()] + [f"metric/{r.id}" for r in metric_db.ROWS]
             + [f"optimizer/{r.name}" for r in optimizer_db.ROWS]
             + [f"schedule/{r.name}" for r in optimizer_db.SCHEDULE_ROWS] + ["trajectory/handbook MLP"]
             + [f"case/{e.id}" for e in catalogue.CATALOGUE])
    stale = [(e.id, p) for e in catalogue.CATALOGUE for p in e.rows if not any(fnmatchcase(n, p) for n in names)]
    assert not stale, f"catalogue rows that name no row: {stale}"
