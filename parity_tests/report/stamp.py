"""The stamp of a report: which code, libraries and machine its figures come from.

``sources`` is the SHA-256 of every file the figures depend on (:data:`SOURCES`): for each file, sorted by its
path relative to the checkout, the path, a NUL, its content with CRLF and CR made LF, a NUL. Neither mtimes nor
the commit enter it, so a checkout of the same code anywhere gives the same hash, and ``test_report.py`` can tell
a stale report from a fresh one.
"""

import datetime
import hashlib
import os
import platform
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

SOURCES = (
    "reference/**/*.py",
    "tf_impl/*.py",
    "parity_tests/op_db/*.py",
    "parity_tests/metric_db.py",
    "parity_tests/optimizer_db.py",
    "parity_tests/mixed_precision_db.py",
    "parity_tests/strategies/*.py",
    "parity_tests/tolerances.py",
    "parity_tests/auc_vs_exact.py",
    "parity_tests/report/*.py",
)
"""Glob patterns, relative to the checkout, of the files the figures depend on: the reference, TF's twin (the
trajectories, ``use_floatx``), the tables and their strategies, the trajectory target, the AUC section, the report."""


def source_files(root=ROOT):
    """The files of :data:`SOURCES` under ``root``, as sorted POSIX paths relative to it."""
    root = Path(root)
    return sorted({p.relative_to(root).as_posix() for pattern in SOURCES for p in root.glob(pattern) if p.is_file()})


def sources_hash(root=ROOT):
    """The SHA-256 (hex) of :func:`source_files`' paths and LF-normalised contents."""
    digest = hashlib.sha256()
    for path in source_files(root):
        text = (Path(root) / path).read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        digest.update(path.encode() + b"\0" + text + b"\0")
    return digest.hexdigest()


def cpu_model():
    """The CPU's model name from ``/proc/cpuinfo`` (else what ``platform`` knows), and the logical CPU count."""
    info = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    model = info.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in info and "model" in info:  # a virtual machine's name may hide the generation
        model += f" (family {info['cpu family']}, model {info['model']})"
    return f"{model}, {os.cpu_count()} logical CPUs"


def commit(root=ROOT):
    """``git rev-parse HEAD`` of the checkout, ``+`` if its tracked source files have uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout

    try:
        head = git("rev-parse", "HEAD").strip()
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", *SOURCES).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


def stamp(command, tf, keras):
    """The ``stamp`` object of ``parity.json``."""
    return {
        "commit": commit(),
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "machine": cpu_model(),
        "command": command,
        "sources": sources_hash(),
    }
