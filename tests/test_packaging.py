"""The package's pins and the Keras it mirrors.

Users get lower bounds (``pyproject.toml``); CI's exact versions sit in ``.ci/constraints.txt``, which ``.ci/run``
hands to pip. The Keras the reference mirrors is declared once, ``reference.KERAS_VERSION``: CI installs it, and
the test suite's header warns when another is installed.
"""

import re
from pathlib import Path

import pytest

import reference

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>[^;\s]+)\s*(;\s*(?P<marker>.+))?$")


def constraint_lines():
    lines = (ROOT / ".ci" / "constraints.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_user_specs_pin_nothing():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [spec for extra in project["optional-dependencies"].values() for spec in extra]
    pinned = [spec for spec in specs if "==" in spec.split(";")[0]]  # a marker may say ==
    assert not pinned, f"pyproject.toml pins {pinned} for every user: CI's exact pins go in .ci/constraints.txt"


def test_constraints_are_exact_pins():
    loose = [line for line in constraint_lines() if not PIN.match(line)]
    assert not loose, f".ci/constraints.txt holds CI's exact versions (name==version[; marker]), not {loose}"


def test_ci_installs_the_mirrored_keras():
    pins = {m["name"]: m["version"] for m in map(PIN.match, constraint_lines()) if m and not m["marker"]}
    assert pins.get("keras") == reference.KERAS_VERSION, (
        f".ci/constraints.txt pins keras=={pins.get('keras')}, reference.KERAS_VERSION is {reference.KERAS_VERSION}")


def test_the_header_warns_when_another_keras_is_installed(pytestconfig, monkeypatch):
    root_conftest = pytestconfig.pluginmanager.get_plugin(str(ROOT / "conftest.py"))
    assert root_conftest.keras_version_warning(reference.KERAS_VERSION) is None
    assert root_conftest.keras_version_warning(None) is None  # the NumPy-only runs have no Keras
    warning = root_conftest.keras_version_warning("2.15.0")
    assert "Keras 2.15.0 is installed" in warning and f"mirrors Keras {reference.KERAS_VERSION}" in warning

    monkeypatch.setattr(root_conftest, "installed_keras", lambda: "2.15.0")
    header = root_conftest.pytest_report_header(pytestconfig)
    assert f"keras: 2.15.0, the reference mirrors {reference.KERAS_VERSION}" in header
    assert header[-1] == f"WARNING: {warning}"
