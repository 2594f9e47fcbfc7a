"""The report's inputs, drawn deterministically: the same seed gives the same inputs on any machine with the same
libraries (hypothesis is pinned in ``pyproject.toml``).

* A row with a ``report`` generator (the op table's realistic sizes) calls it with :func:`row_rng`.
* Every other row draws from its own hypothesis strategy through :func:`hypothesis_draws`: hypothesis's
  ``@seed(row_seed)`` on a ``@given`` with no example database and only the generate phase (no shrinking, no
  replayed failures), so each draw is a fresh example of the strategy, as the parity tests see them.
* Upstream gradients come from :func:`row_rng` too.

A row's seed is the report's seed combined with a CRC-32 of the row's id, so a row's inputs do not depend on which
other rows run before it.
"""

import zlib

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed


def row_seed(seed, row_id):
    """The seed of row ``row_id`` in a report seeded with ``seed``."""
    return zlib.crc32(f"{seed}:{row_id}".encode())


def row_rng(seed, row_id):
    """A ``np.random.Generator`` for row ``row_id``."""
    return np.random.default_rng(row_seed(seed, row_id))


def hypothesis_draws(strategy, n, seed, row_id):
    """``n`` examples of ``strategy``, the same on every run (fewer if the strategy has fewer distinct ones)."""
    found = []

    @hypothesis_seed(row_seed(seed, row_id))
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy)
    def collect(example):
        if len(found) < n:
            found.append(example)

    collect()
    return found
