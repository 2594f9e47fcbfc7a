"""BLAS threading: how many threads NumPy's matrix products use.

The seed's products are small (50×784 by 784×100). For them one thread is as
fast as two, and on a busy machine a multithreaded OpenBLAS, whose threads
spin while they wait, can run 20× slower. So the commands train with one
BLAS thread unless told otherwise. This module sets the count through the
OpenBLAS that NumPy loaded (what ``threadpoolctl`` does, without the
dependency); with another BLAS, it does nothing and says so.
"""

import contextlib
import ctypes
import re

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")


def _openblas():
    """The OpenBLAS library loaded in this process, with its setter and getter names; or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted(set(re.findall(r"(/\S*openblas\S*\.so[\S]*)", f.read())))
    except OSError:
        return None
    for path in paths:
        lib = ctypes.CDLL(path)
        for setter in _SETTERS:
            if hasattr(lib, setter):
                return lib, setter, setter.replace("set_num", "get_num")
    return None


def get_threads():
    """The number of threads OpenBLAS uses, or ``None`` if it cannot be told."""
    found = _openblas()
    return getattr(found[0], found[2])() if found else None


def set_threads(n):
    """Make OpenBLAS use ``n`` threads; returns the previous count, or ``None`` if it cannot be set."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"`n` must be a positive integer, got n={n!r}.")
    found = _openblas()
    if found is None:
        return None
    lib, setter, getter = found
    previous = getattr(lib, getter)()
    getattr(lib, setter)(n)
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
