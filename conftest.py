"""Hypothesis profiles for the whole repository (tests/ and parity_tests/).

Choose one with ``HYPOTHESIS_PROFILE``:

* ``dev``: 15 examples per property, the default on a workstation;
* ``ci``: 25 examples, derandomized (the same examples on every run and every
  xdist worker), no deadline, no example database; the default when ``CI`` is set;
* ``thorough``: 2000 examples, for a night run.

Every profile drops the per-example deadline (TensorFlow's first eager call in a
process is slow) and the ``too_slow`` health check (drawing arrays of values is
slower than hypothesis's budget for plain integers).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}

settings.register_profile("dev", max_examples=15, **_COMMON)
settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **_COMMON)
settings.register_profile("thorough", max_examples=2000, **_COMMON)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
if PROFILE not in ("dev", "ci", "thorough"):
    raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r} is not a profile; expected 'dev', 'ci' or 'thorough'.")
settings.load_profile(PROFILE)


def pytest_report_header(config):
    return f"hypothesis profile: {PROFILE} ({settings.get_profile(PROFILE).max_examples} examples per property)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With ``REQUIRE_MNIST=1`` (CI sets it when the MNIST files are beside the checkout), a test marked
    ``mnist`` that skips is a failure: the real-data tests must run there, not quietly skip."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("REQUIRE_MNIST") == "1" and item.get_closest_marker("mnist"):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_MNIST=1 but this MNIST test skipped ({report.longrepr[-1]}); MNIST_PATH={os.environ.get('MNIST_PATH')!r}"
