"""The import rules of docs/architecture.md, checked.

``import reference`` loads only the standard library, NumPy, threadpoolctl and (optionally) ml_dtypes: never
TensorFlow, Keras, and none of the project's other packages (``tf_impl``, ``parity_tests``, ``benchmarks``). The
packages import each other only along the arrows of the architecture page (read from the source, so an import
inside a function counts too), and no module reaches into another package for a private (``_``-prefixed) name:
a name shared by the modules of one package may be private to it, one that crosses a package boundary is public.
"""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reference

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"reference", "numpy", "threadpoolctl", "ml_dtypes"}
ARROWS = {  # package -> the project's packages it may import (besides itself)
    "reference": set(),
    "tf_impl": {"reference"},
    "parity_tests": {"reference", "tf_impl", "markdown_tables"},
    "benchmarks": {"reference", "tf_impl", "markdown_tables"},
    "markdown_tables": set(),
}
SOURCES = [*ARROWS, "tests", "docs"]  # the Python whose private crossings are checked


def test_importing_every_reference_module_loads_only_numpy_and_the_standard_library():
    modules = sorted(m.name for m in pkgutil.walk_packages(reference.__path__, "reference."))
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(eval(out))  # our own subprocess's repr of a list of names
    runtime = {m for m in loaded if m.startswith(("__editable__", "_cython_")) or m in ("cython_runtime", "__main__",
                                                                                      "_distutils_hack")}
    foreign = sorted(loaded - ALLOWED - set(sys.stdlib_module_names) - runtime)  # runtime: pip's and Cython's
    assert not foreign, f"importing reference's {len(modules)} modules pulled in: {foreign}"


def python_files(source):
    """The checkout's ``.py`` files of a top-level package (or of the module ``source.py``)."""
    module = ROOT / f"{source}.py"
    return [module] if module.is_file() else sorted((ROOT / source).rglob("*.py"))


def module_name(path):
    """``reference/losses/loss.py`` -> ``reference.losses.loss``; a package's ``__init__`` is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module, path=None):
    """The package a module belongs to: itself for an ``__init__.py``, else its parent."""
    return module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]


def imports(path):
    """``(line, module, name)`` for each import of ``path``: ``name`` is ``None`` for ``import module``; relative
    imports resolved to absolute module names."""
    here = package_of(module_name(path), path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here.split(".")[:len(here.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            yield from ((node.lineno, module, alias.name) for alias in node.names)


def is_private(name):
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("package", sorted(ARROWS))
def test_packages_import_each_other_only_along_the_arrows(package):
    crossings = sorted(f"{path.relative_to(ROOT)}:{line} imports {module}"
                       for path in python_files(package) for line, module, _ in imports(path)
                       if module.split(".")[0] in ARROWS and module.split(".")[0] not in {package, *ARROWS[package]})
    assert not crossings, (f"{package} may import only {sorted(ARROWS[package]) or 'nothing'} of the project "
                           f"(docs/architecture.md): {crossings}")


def home(dotted):
    """The package whose modules may share the private name ``dotted`` (``reference.losses.loss._as_array``):
    the package of the module or package that holds its first private part, e.g. ``reference.losses``."""
    parts = dotted.split(".")
    holder = ".".join(parts[:next(i for i, part in enumerate(parts) if is_private(part))])
    return holder if (ROOT / holder.replace(".", "/")).is_dir() else holder.rpartition(".")[0]


@pytest.mark.parametrize("source", SOURCES)
def test_no_module_imports_a_private_name_from_another_package(source):
    crossings = []
    for path in python_files(source):
        here = package_of(module_name(path), path)
        for line, module, name in imports(path):
            full = f"{module}.{name}" if name else module
            if full.split(".")[0] in SOURCES and any(map(is_private, full.split("."))) and home(full) != here:
                crossings.append(f"{path.relative_to(ROOT)}:{line} imports {full} (private to {home(full)})")
    assert not crossings, f"private names imported across packages (make them public, or move them): {crossings}"


def test_the_private_rule_sees_a_crossing():
    """The rule's reading of a name: private to the package of the module that holds it."""
    assert home("reference.losses.loss._as_array") == "reference.losses"
    assert home("tf_impl._tf.tf") == "tf_impl"
    assert home("reference.dtype_policies.dtype_policy._reset_dtype_policy") == "reference.dtype_policies"
