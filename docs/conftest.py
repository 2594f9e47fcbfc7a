"""The study guide's examples run as doctests (``--doctest-glob=*.md``, see pyproject.toml).

Each page is one doctest: its examples share a namespace, top to bottom. Every
page starts from Keras's defaults, whatever the page before it changed.
"""

import pytest

import reference
from reference.dtype_policies import reset_dtype_policy


@pytest.fixture(autouse=True)
def _keras_defaults():
    """float32, ε = 1e-7 and a fixed initializer seed before each page; float32, ε and the default dtype policy
    restored after."""
    reference.set_floatx("float32")
    reference.config.set_epsilon(1e-7)
    reference.set_random_seed(0)
    yield
    reference.set_floatx("float32")
    reference.config.set_epsilon(1e-7)
    reset_dtype_policy()
