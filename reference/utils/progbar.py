"""Progress output: a Keras-style progress bar and the handbook's "batch N: loss X" log.

On a terminal the bar redraws in place (``\\r``); in a log file or CI it
prints a plain line every tenth of the way, so output stays short.
"""

import sys
import time


class Progbar:
    """A progress bar like ``keras.utils.Progbar``.

    Args:
        target: the total number of steps.
        width: the bar's width in characters.
        stream: where to write (``sys.stdout`` by default).
        interval: the minimum time between redraws on a terminal, in seconds.
    """

    def __init__(self, target, width=30, stream=None, interval=0.1):
        self.target = int(target)
        self.width = width
        self.stream = stream or sys.stdout
        self.interval = interval
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._last_tenth = -1
        self._shown = False

    def _line(self, current, values):
        filled = int(self.width * current / max(self.target, 1))
        bar = "=" * max(filled - 1, 0) + (">" if current < self.target else "=") * (filled > 0)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / current * (self.target - current) if current else 0.0
        timing = f"{elapsed:.0f}s" if current >= self.target else f"ETA {eta:.0f}s"
        metrics = "".join(f" - {k}: {v:.4f}" for k, v in values)
        return f"{current}/{self.target} [{bar:<{self.width}}] - {timing}{metrics}"

    def update(self, current, values=()):
        """Show ``current`` steps done, with ``(name, value)`` pairs after the bar."""
        now = time.perf_counter()
        done = current >= self.target
        if self.interactive:
            if done or now - self._last_draw >= self.interval:
                self.stream.write("\r" + self._line(current, values) + ("\n" if done else ""))
                self.stream.flush()
                self._last_draw = now
                self._shown = not done
        else:
            tenth = 10 * current // max(self.target, 1)
            if tenth > self._last_tenth and (tenth > 0 or done):
                self.stream.write(self._line(current, values) + "\n")
                self._last_tenth = tenth

    def write(self, line):
        """Print ``line`` above the bar without breaking it."""
        if self.interactive and self._shown:
            self.stream.write("\r\033[K")
        self.stream.write(line + "\n")
        self._shown = False


class TrainingLog:
    """The handbook's output: ``batch N: loss X`` every ``log_every`` batches, beside a bar.

    Args:
        num_batches: the number of training steps.
        log_every: print a loss line every this many batches (1 prints every
            batch, as the handbook does; 0 prints none).
        progress: whether to show the progress bar.
        stream: where to write.
    """

    def __init__(self, num_batches, log_every=100, progress=True, stream=None):
        self.stream = stream or sys.stdout
        self.log_every = log_every
        self.bar = Progbar(num_batches, stream=self.stream) if progress else None

    def step(self, batch_index, loss):
        """Record that batch ``batch_index`` (0-based) ended with ``loss``."""
        if self.log_every and batch_index % self.log_every == 0:
            line = "batch %d: loss %f" % (batch_index, loss)
            self.bar.write(line) if self.bar else self.stream.write(line + "\n")
        if self.bar:
            self.bar.update(batch_index + 1, [("loss", float(loss))])
