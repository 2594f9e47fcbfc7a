"""The committed parity report is never stale, covers every row, and ``parity.json`` keeps its schema.

``docs/parity-report/parity.json`` carries the SHA-256 of the files its figures depend on
(``parity_tests.report.stamp.sources_hash``): when any of them changes, the first test fails until the report is
regenerated. The others check what the per-name documentation pages rely on, and that the report's machinery
records a failing side instead of crashing, hashes contents only and draws the same inputs on every run.
"""

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from parity_tests import metric_db, op_db, optimizer_db
from parity_tests.report import JSON_NAME, errors, metrics, ops, optimizers
from parity_tests.report.draws import hypothesis_draws
from parity_tests.report.stamp import ROOT, sources_hash

REPORT = ROOT / "docs" / "parity-report"
REGENERATE = "run `python -m parity_tests report --out docs/parity-report` and commit docs/parity-report/"

STAMP_KEYS = {"commit", "generated", "python", "numpy", "tensorflow", "keras", "machine", "command", "sources"}
ROW_KEYS = {"table", "names", "draws", "test", "quantity", "value", "gradient"}


def _committed():
    def no_constant(name):
        raise ValueError(f"{JSON_NAME} holds {name}: write null for a figure that could not be measured")

    return json.loads((REPORT / JSON_NAME).read_text(encoding="utf-8"), parse_constant=no_constant)


def test_the_committed_figures_come_from_the_current_sources():
    stamped = _committed()["stamp"]["sources"]
    assert stamped == sources_hash(), (
        f"docs/parity-report/{JSON_NAME} was generated from other sources (hash {stamped[:12]}…) than the "
        f"checkout's ({sources_hash()[:12]}…): {REGENERATE}")


def test_parity_json_has_every_row_and_its_schema():
    doc = _committed()
    assert set(doc) == {"stamp", "rows"}
    assert set(doc["stamp"]) == STAMP_KEYS
    expected = ({ops.row_id(r) for r in op_db.ROWS} | {metrics.row_id(r) for r in metric_db.ROWS}
                | {optimizers.trajectory_id(r) for r in optimizer_db.ROWS}
                | {optimizers.schedule_id(r) for r in optimizer_db.SCHEDULE_ROWS} | {optimizers.LOSS_SCALE_ID})
    missing, extra = sorted(expected - set(doc["rows"])), sorted(set(doc["rows"]) - expected)
    assert not missing and not extra, (f"rows missing from {JSON_NAME}: {missing}; rows no table has: {extra}; "
                                       f"{REGENERATE}")
    for rid, row in doc["rows"].items():
        assert set(row) == ROW_KEYS, f"{rid}: keys {sorted(row)}"
        assert row["table"] in ("op", "metric", "optimizer", "schedule") and row["draws"] >= 1, rid
        assert rid.startswith(row["test"] + "["), f"{rid} is not a case of its test {row['test']}"
        assert row["quantity"] in ("value", "streamed result", "trajectory"), rid
        for figure in (row["value"], row["gradient"]):
            for side in ([] if figure is None else ("reference", "keras_tf")):
                assert {"abs", "rel"} <= set(figure[side]) <= {"abs", "rel", "error"}, f"{rid}: {figure[side]}"


def test_every_test_a_row_names_exists():
    doc = _committed()
    for test in {row["test"] for row in doc["rows"].values()}:
        path, name = test.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), f"{test} does not exist"


def test_the_rows_cover_the_names_the_tables_cover():
    """The union of the rows' ``names`` is what the tables' ``covered_keras_names`` say, and the loss-scale row's."""
    names = set().union(*(row["names"] for row in _committed()["rows"].values()))
    covered = (op_db.covered_keras_names() | metric_db.covered_keras_names() | optimizer_db.covered_keras_names()
               | {"keras.optimizers.LossScaleOptimizer"})
    assert names == covered, (f"only in the report: {sorted(names - covered)}; "
                              f"only in the tables: {sorted(covered - names)}")


def test_a_side_that_raises_is_recorded_not_raised():
    def boom():
        raise TypeError("no float64 here")

    def ok():
        return {"value": [np.float32([1.0, 2.0])], "gradient": [np.float32([np.inf])]}

    row = errors.RowFigures("t[x-float32]", "op", "ops", [], "t", "value", gradient=errors.Figure())
    errors.measure(row, [{"oracle": lambda: {"value": [np.float64([1.0, 2.5])], "gradient": [np.float64([1.0])]},
                          "reference": ok, "keras_tf": boom}])
    doc = json.loads(json.dumps(row.as_json(), allow_nan=False))
    assert doc["value"]["keras_tf"] == {"abs": None, "rel": None, "error": "TypeError: no float64 here"}
    assert doc["value"]["reference"] == {"abs": 0.5, "rel": 0.2}
    assert doc["gradient"]["reference"]["abs"] is None  # an infinite error: not measurable as a number
    errors.measure(row, [{"oracle": boom, "reference": ok, "keras_tf": ok}])
    assert "in the float64 oracle" in row.value.reference.error and row.draws == 2


def test_a_non_finite_oracle_must_be_matched():
    e = errors.Errors()
    e.update(np.float32([np.inf, np.nan, 1.0]), np.float64([np.inf, np.nan, 1.0]))
    assert (e.abs, e.rel) == (0.0, 0.0)
    e.update(np.float32([1.0]), np.float64([np.nan]))
    assert math.isinf(e.abs) and e.as_json()["abs"] is None and e.as_json()["error"]


def test_the_sources_hash_reads_contents_not_line_endings_or_mtimes(tmp_path):
    (tmp_path / "reference").mkdir()
    source = tmp_path / "reference" / "ops.py"
    source.write_bytes(b"x = 1\ny = 2\n")
    first = sources_hash(tmp_path)
    source.write_bytes(b"x = 1\r\ny = 2\r\n")
    os.utime(source, (0, 0))
    assert sources_hash(tmp_path) == first
    source.write_bytes(b"x = 1\ny = 3\n")
    assert sources_hash(tmp_path) != first
    source.write_bytes(b"x = 1\ny = 2\n")
    (tmp_path / "reference" / "new.py").write_bytes(b"")
    assert sources_hash(tmp_path) != first


def test_the_draws_are_the_same_on_every_run():
    strategy = st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=5)
    assert hypothesis_draws(strategy, 4, 0, "row") == hypothesis_draws(strategy, 4, 0, "row")
    assert hypothesis_draws(strategy, 4, 0, "row") != hypothesis_draws(strategy, 4, 0, "other row")


@pytest.mark.tf
def test_the_command_writes_both_files(tmp_path):
    """A one-row run of ``python -m parity_tests report``: README.md and a parity.json for that row."""
    pytest.importorskip("tensorflow")
    from parity_tests.__main__ import main

    assert main(["report", "--out", str(tmp_path), "--no-trajectory", "--draws", "1", "--only", r"\[relu-"]) == 0
    doc = json.loads((tmp_path / JSON_NAME).read_text(encoding="utf-8"))
    (rid, row), = doc["rows"].items()
    assert rid == "parity_tests/test_ops.py::test_forward_matches_tensorflow[relu-float32]"
    assert row["value"]["reference"] == {"abs": 0.0, "rel": 0.0} and doc["stamp"]["sources"] == sources_hash()
    assert "| relu | gradient | 1 |" in Path(tmp_path / "README.md").read_text(encoding="utf-8")
