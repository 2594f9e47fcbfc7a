"""The table of documented departures: every row names a test that exists, and the page is generated from it."""

import ast
from pathlib import Path

import numpy as np
import pytest

import reference as rk

from .departures import DEPARTURES, markdown

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "departures.md"


def _defined_tests(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


@pytest.mark.parametrize("departure", DEPARTURES, ids=lambda d: d.id)
def test_every_departure_names_a_test_that_exists(departure):
    path, _, name = departure.test.partition("::")
    assert (ROOT / path).is_file(), f"{departure.id}: no file {path}"
    assert name.split("[")[0] in _defined_tests(ROOT / path), f"{departure.id}: {path} defines no {name}"


def test_ids_are_unique():
    ids = [d.id for d in DEPARTURES]
    assert len(ids) == len(set(ids))


def test_page_is_generated_from_the_table():
    assert PAGE.read_text(encoding="utf-8") == markdown(), (
        "docs/departures.md is stale: regenerate it with `python -m parity_tests departures`")


def test_results_are_ndarrays():
    keras = pytest.importorskip("keras")
    y_true, y_pred = np.float32([[0.0, 1.0]]), np.float32([[0.4, 0.6]])
    assert hasattr(keras.losses.MeanSquaredError()(y_true, y_pred), "numpy")
    value = rk.losses.MeanSquaredError()(y_true, y_pred)
    assert isinstance(value, (np.ndarray, np.generic)) and not hasattr(value, "numpy")
