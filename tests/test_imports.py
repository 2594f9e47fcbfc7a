"""``import reference`` loads only the standard library, NumPy, threadpoolctl and (optionally) ml_dtypes: never
TensorFlow, Keras, and none of the project's other packages (``tf_impl``, ``parity_tests``, ``benchmarks``)."""

import pkgutil
import subprocess
import sys

import reference

ALLOWED = {"reference", "numpy", "threadpoolctl", "ml_dtypes"}


def test_importing_every_reference_module_loads_only_numpy_and_the_standard_library():
    modules = sorted(m.name for m in pkgutil.walk_packages(reference.__path__, "reference."))
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(eval(out))  # noqa: S307 - our own subprocess's repr of a list of names
    runtime = {m for m in loaded if m.startswith(("__editable__", "_cython_")) or m in ("cython_runtime", "__main__",
                                                                                      "_distutils_hack")}
    foreign = sorted(loaded - ALLOWED - set(sys.stdlib_module_names) - runtime)  # runtime: pip's and Cython's
    assert not foreign, f"importing reference's {len(modules)} modules pulled in: {foreign}"
