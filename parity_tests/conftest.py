"""Shared setup of the parity suite: quiet TensorFlow, default dtypes before every test."""

import os
import sys

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before anything imports TensorFlow

import reference  # noqa: E402
from reference.dtype_policies import reset_dtype_policy  # noqa: E402


@pytest.fixture(autouse=True)
def _default_floatx():
    """Every parity test starts with floatx float32 on both sides (Keras only if already imported)."""
    reference.set_floatx("float32")
    reset_dtype_policy()  # the reference's default policy follows floatx again
    keras = sys.modules.get("keras")
    if keras is not None:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")  # the policy is cached at first use: floatx alone won't reset it
