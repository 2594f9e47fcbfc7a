"""BLAS threading: how many threads NumPy's matrix products use, through ``threadpoolctl``.

The handbook's products are small (50×784 by 784×100). For them one thread is
as fast as two, and on a busy machine a multithreaded OpenBLAS, whose threads
spin while they wait, can run 20× slower. So the commands train with one
BLAS thread unless told otherwise. The count is set with ``threadpoolctl``
(the scientific-Python standard, as scikit-learn uses it); without it, or with
no BLAS it knows, these functions do nothing and say so by returning ``None``.
"""

import contextlib

from ..utils.argument_validation import check_positive_int

try:
    import threadpoolctl
except ImportError:  # pragma: no cover - a dependency; the fallback keeps `reference` importable without it
    threadpoolctl = None


def _blas_pools():
    return [] if threadpoolctl is None else [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]


def get_threads():
    """The number of threads the BLAS uses, or ``None`` if it cannot be told."""
    pools = _blas_pools()
    return pools[0]["num_threads"] if pools else None


def set_threads(n):
    """Make the BLAS use ``n`` threads; returns the previous count, or ``None`` if it cannot be set."""
    check_positive_int("n", n)
    previous = get_threads()
    if previous is not None:
        threadpoolctl.threadpool_limits(limits=n, user_api="blas")
    return previous


@contextlib.contextmanager
def threads(n):
    """Run the block with ``n`` BLAS threads, then restore the previous count."""
    previous = set_threads(n)
    try:
        yield
    finally:
        if previous is not None:
            set_threads(previous)


def info():
    """The loaded BLAS: ``{"library", "config", "core", "threading_layer"}``, or ``None`` if none is known.

    ``config`` is the library and its version; ``core`` the kernels it picked for this CPU.
    """
    pools = _blas_pools()
    if not pools:
        return None
    pool = pools[0]
    return {"library": pool["filepath"], "config": f"{pool['internal_api']} {pool['version']}",
            "core": pool.get("architecture") or "?", "threading_layer": pool.get("threading_layer")}
