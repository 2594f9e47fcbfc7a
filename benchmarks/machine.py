"""The machine a benchmark ran on, and its own matrix-product peak.

:func:`describe` records what decides the numbers: the CPU and its cores,
the load when the run started and ended (other people's work on a shared
machine), Python, NumPy and the BLAS NumPy actually loaded (its build
configuration and the kernel set it picked at run time), and the commit of
this repository. The TensorFlow side's versions and thread settings come
from its worker processes (``benchmarks.modes``).

:func:`matmul_peak` measures what this machine's BLAS delivers on a large
float32 matrix product: the ceiling the training steps are compared with.
"""

import os
import platform
import subprocess
import sys
import time

import numpy as np


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _openblas_runtime():
    """The loaded BLAS's library, version and the kernels it picked for this CPU (``reference.commands.blas.info``)."""
    from reference.commands import blas

    return blas.info()


def _git_commit():
    """The repository's commit, and whether ``reference/`` differs from it (the code timed is not committed)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "reference", "tf_impl"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit or None, "uncommitted_changes_in": sorted({line[3:].split("/")[0] + "/"
                                                                      for line in dirty.splitlines()})}


def cpu_busy_seconds():
    """CPU seconds all processes on the machine have used since boot (``/proc/stat``), or ``None``.

    Busy = user + nice + system + irq + softirq + steal, summed over CPUs;
    the resolution is a clock tick (10 ms). Minus a process's own CPU time
    over an interval, it measures the other work the machine did meanwhile.
    """
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def describe():
    """A dict of the machine's details (see the module docstring)."""
    from reference.commands import blas

    blas_config = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": affinity,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas_build": {k: blas_config.get(k) for k in ("name", "version", "openblas configuration")},
        "blas_runtime": _openblas_runtime(),
        "blas_threads_default": blas.get_threads(),
        "thread_env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                                  "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
                                                  "TF_ENABLE_ONEDNN_OPTS") if k in os.environ},
        "load_average_at_start": list(os.getloadavg()),
        "git": _git_commit(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def tensorflow_settings():
    """TensorFlow's and Keras's versions and TensorFlow's thread settings (imports TensorFlow)."""
    import keras

    from tf_impl import tf

    threading = tf.config.threading
    return {"tensorflow": tf.__version__, "keras": keras.__version__,
            "intra_op_threads": threading.get_intra_op_parallelism_threads(),
            "inter_op_threads": threading.get_inter_op_parallelism_threads(),
            "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")}


class TensorFlowSettings:
    """Worker side: :func:`tensorflow_settings`, read in a process that may import TensorFlow."""

    def describe(self):
        return tensorflow_settings()


def matmul_peak(size, repeats, threads):
    """GFLOP/s of the best of ``repeats`` float32 ``size``×``size`` products with ``threads`` BLAS threads.

    ``2·n³`` operations per product; the best run is the machine's ceiling
    (slower runs are interference). Returns ``{threads, size, gflops, runs_gflops}``.
    """
    from reference.commands import blas

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    out = np.empty_like(a)
    flops = 2 * size ** 3
    runs = []
    with blas.threads(threads):
        np.matmul(a, b, out=out)  # first call: thread start-up, page faults
        for _ in range(repeats):
            start = time.perf_counter()
            np.matmul(a, b, out=out)
            runs.append(flops / (time.perf_counter() - start) / 1e9)
    return {"threads": threads, "size": size, "gflops": max(runs), "runs_gflops": runs}


def best_peaks(*measurements):
    """Merge lists of :func:`matmul_peak` results (e.g. at the start and at the end of a run) per thread count.

    The ceiling is the best run of all: on a shared machine a run is only
    ever slowed down by other work, never sped up.
    """
    merged = {}
    for measurement in measurements:
        for peak in measurement:
            entry = merged.setdefault(peak["threads"], {"threads": peak["threads"], "size": peak["size"],
                                                        "runs_gflops": []})
            entry["runs_gflops"] = entry["runs_gflops"] + peak["runs_gflops"]
            entry["gflops"] = max(entry["runs_gflops"])
    return [merged[threads] for threads in sorted(merged)]
