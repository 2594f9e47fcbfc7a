"""Fixtures for the reference's own unit tests."""

import os

import numpy as np
import pytest

import reference
from reference.dtype_policies import reset_dtype_policy


@pytest.fixture(autouse=True)
def _float32_and_fixed_seed():
    """Every test starts in float32 with a fixed initializer seed, and leaves it so."""
    reference.set_floatx("float32")
    reference.set_random_seed(0)
    yield
    reference.set_floatx("float32")
    reset_dtype_policy()  # a test that set a global policy leaves none behind


@pytest.fixture
def mnist_path():
    """The real MNIST folder from ``MNIST_PATH``; the test is skipped without it."""
    path = os.environ.get("MNIST_PATH")
    if not path:
        pytest.skip("MNIST_PATH is not set: the real-data test needs the four MNIST idx files")
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
