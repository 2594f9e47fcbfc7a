"""Keras's own unit tests (shipped in the wheel), run with the reference in Keras's place.

Each test method of each file in ``keras_suite.SUITES`` is one test here. Those that cannot apply to a NumPy
mirror are listed with their reason and skipped; those the reference does not mirror yet are listed as pending
and expected to fail (a pending test that passes fails, so the list only shrinks); every other one must pass, with
Keras's own assertions and golden values. The count of each is the pytest summary of this file.
"""

import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("keras")

from parity_tests import keras_suite

CASES = [(family, suite, *case) for family, suite in keras_suite.SUITES.items()
         for case in keras_suite.cases(keras_suite.load(suite))]


@pytest.mark.parametrize("family, suite, test_id, cls, method", CASES,
                         ids=[f"{family}:{test_id}" for family, _, test_id, *_ in CASES])
def test_keras_test_passes_on_the_reference(family, suite, test_id, cls, method):
    reason = suite.reason_not_applicable(test_id)
    if reason:
        pytest.skip(f"not applicable: {reason}")
    outcome, detail = keras_suite.run(cls, method)
    if suite.is_pending(test_id):
        assert outcome != "passed", (f"{test_id} passes now: remove it from the `pending` list of "
                                     f"keras_suite.SUITES[{family!r}]")
        pytest.xfail("the reference does not mirror this yet (keras_suite pending list)")
    if outcome == "skipped":
        pytest.skip(f"Keras skips it: {detail}")
    assert outcome == "passed", f"Keras's {suite.file}::{test_id} fails on the reference:\n{detail}"


def test_every_suite_has_tests():
    for family, suite in keras_suite.SUITES.items():
        assert keras_suite.cases(keras_suite.load(suite)), f"{suite.file} has no test methods"
