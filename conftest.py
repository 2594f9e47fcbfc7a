"""Hypothesis profiles for the whole repository (tests/ and parity_tests/).

Choose one with ``HYPOTHESIS_PROFILE``:

* ``dev``: 15 examples per property, the default on a workstation;
* ``ci``: 25 examples, derandomized (the same examples on every run and every
  xdist worker), no deadline, no example database; the default when ``CI`` is set;
* ``thorough``: 2000 examples, for a night run.

Every profile drops the per-example deadline (TensorFlow's first eager call in a
process is slow) and the ``too_slow`` health check (drawing arrays of values is
slower than hypothesis's budget for plain integers).

The header of every run also names the installed Keras against ``reference.KERAS_VERSION``, the one the reference
mirrors, and warns loudly (at the start and in the warnings summary) when they differ: the parity tests then compare
against another spec, and a failure may be Keras's change, not the reference's.
"""

import os
from importlib import metadata

import pytest
from hypothesis import HealthCheck, settings

import reference

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}

settings.register_profile("dev", max_examples=15, **_COMMON)
settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **_COMMON)
settings.register_profile("thorough", max_examples=2000, **_COMMON)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
if PROFILE not in ("dev", "ci", "thorough"):
    raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r} is not a profile; expected 'dev', 'ci' or 'thorough'.")
settings.load_profile(PROFILE)


def installed_keras():
    """The installed Keras's version, without importing it (and TensorFlow); None when it is not installed."""
    try:
        return metadata.version("keras")
    except metadata.PackageNotFoundError:
        return None


def keras_version_warning(installed):
    """What to say when the installed Keras is not the one the reference mirrors; None when it is, or is absent."""
    if installed is None or installed == reference.KERAS_VERSION:
        return None
    return (f"Keras {installed} is installed, but the reference mirrors Keras {reference.KERAS_VERSION} "
            f"(reference.KERAS_VERSION): the parity tests compare against another spec, and a failure may be "
            f"Keras's change. `pip install keras=={reference.KERAS_VERSION}` installs the spec.")


def pytest_report_header(config):
    installed = installed_keras()
    warning = keras_version_warning(installed)
    return [
        f"hypothesis profile: {PROFILE} ({settings.get_profile(PROFILE).max_examples} examples per property)",
        f"keras: {installed or 'not installed'}, the reference mirrors {reference.KERAS_VERSION}",
        *([f"WARNING: {warning}"] if warning else []),
    ]


def pytest_configure(config):
    """The Keras mismatch again as a warning, in the summary at the end (once: not from each xdist worker)."""
    warning = keras_version_warning(installed_keras())
    if warning and not hasattr(config, "workerinput"):
        config.issue_config_time_warning(UserWarning(warning), stacklevel=2)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With ``REQUIRE_MNIST=1`` (CI sets it when the MNIST files are beside the checkout), a test marked
    ``mnist`` that skips is a failure: the real-data tests must run there, not quietly skip."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("REQUIRE_MNIST") == "1" and item.get_closest_marker("mnist"):
        report.outcome = "failed"
        report.longrepr = (f"REQUIRE_MNIST=1 but this MNIST test skipped ({report.longrepr[-1]}); "
                           f"MNIST_PATH={os.environ.get('MNIST_PATH')!r}")
