"""Peak resident memory of this process since a chosen moment.

Each mode of the benchmark runs in its own fresh process. Once that process
has imported its libraries and loaded MNIST, :class:`PeakMemory` notes the
resident set size (RSS) and resets the kernel's high-water mark (writing
``5`` to ``/proc/self/clear_refs``, Linux ≥ 4.0). At the end, ``VmHWM`` from
``/proc/self/status`` is the largest RSS the mode reached, and its growth over
the baseline is what the mode itself needed: model, optimizer slots,
activations, gradients, traced graphs or compiled XLA code, framework
buffers and data pipelines (``fit``'s copy of the training set included).

This counts every allocator (NumPy's, TensorFlow's, XLA's), which
``tracemalloc`` would not. Where the mark cannot be reset, the growth of
``ru_maxrss`` is reported instead and marked as a lower bound: memory freed
after loading the data is reused before the old peak moves.
"""

import resource
import sys

_KIB = 1024


def _status_kib(*fields):
    """The given ``/proc/self/status`` fields (e.g. ``VmRSS``) in KiB, or ``None`` without /proc."""
    try:
        with open("/proc/self/status") as f:
            found = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return None
    return [int(found[name].split()[0]) for name in fields]


def _maxrss_bytes():
    scale = 1 if sys.platform == "darwin" else _KIB  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _reset_high_water_mark():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class PeakMemory:
    """Notes the RSS now and measures the peak from here on (see the module docstring)."""

    def __init__(self):
        status = _status_kib("VmRSS")
        self.baseline = status[0] * _KIB if status else _maxrss_bytes()
        self.exact = status is not None and _reset_high_water_mark()
        self._maxrss_baseline = _maxrss_bytes()

    def result(self):
        """``{baseline_mb, peak_mb, growth_mb, method}``: RSS at the start, peak RSS since, and their difference."""
        mib = 1 / 2 ** 20
        if self.exact:
            peak = _status_kib("VmHWM")[0] * _KIB
            return {"baseline_mb": self.baseline * mib, "peak_mb": peak * mib,
                    "growth_mb": (peak - self.baseline) * mib, "method": "VmHWM after clear_refs"}
        peak = _maxrss_bytes()
        return {"baseline_mb": self.baseline * mib, "peak_mb": peak * mib,
                "growth_mb": (peak - self._maxrss_baseline) * mib,
                "method": "ru_maxrss growth (a lower bound)"}
