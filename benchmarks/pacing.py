"""Running a training function a few steps at a time, timing every step.

The benchmark times each side's own training code as written
(``reference.handbook.train``, ``tf_impl.train``, Keras's ``fit``), yet must stop
it every few hundred steps: to let the other modes take their turn on the
CPU, and to evaluate the model. :class:`PacedTraining` runs the training
function in a thread and hands it a ``tick`` function, which the training
calls at the start of every step (from its data loader's ``get_batch``, or
from ``fit``'s ``on_train_batch_begin``), and may call with ``last=True``
when the last step ends (``fit``'s ``on_train_end``: what ``fit`` does after
that, tearing down, is then not counted as a step). ``tick`` notes the time, and at the
step the main thread asked for it blocks until told to go on.

A step's time is therefore the interval between two consecutive ticks: all
of one iteration of the training loop (drawing the batch, the forward and
backward passes, the update, reading the loss), and nothing else: time spent
paused is never counted. The time before the first tick (building the
optimizer, ``fit``'s data pipeline) is not a step and is not counted either.

A training that dispatches its work asynchronously (``jax.jit`` whose loop
does not read the loss back) passes ``sync``: a function that waits for the
work queued so far, called in the training thread before each pause, so the
queued steps finish, and are counted, before the clock stops. Its steps'
individual times then measure the dispatch, not the work, and only a block's
total is meaningful (:mod:`benchmarks.modes` reports such a mode's mean step).

While paused, :meth:`PacedTraining.call` runs a function in the training
thread (the evaluation of the test set): the model is used by one thread
only, as in a user's program. (PyTorch's OpenMP pool belongs to the thread
that starts it: a forward pass from a second thread starts a second pool,
and the training's small ops then share the cores with its idle threads.)
"""

import queue
import threading
import time
import traceback

from .machine import cpu_busy_seconds


class StopTraining(Exception):
    """Raised by ``tick`` inside the training thread to end a training before its last step."""


class PacedTraining:
    """``train(tick)`` run in a thread, stopped at the steps :meth:`run_to` names.

    ``train`` must call ``tick()`` at the start of each training step, and
    may call ``tick(last=True)`` at the end of the last; if it does not, the
    last step ends when ``train`` returns. ``sync()``, if given, is called in
    the training thread before each pause and at the end of the last step,
    inside the step that ends there.
    """

    def __init__(self, train, sync=None):
        self._train, self._sync = train, sync
        self._go, self._done = queue.SimpleQueue(), queue.SimpleQueue()
        self._thread = None
        self._pause_at = None
        self._step = 0          # the index of the step about to start = steps done, when paused
        self._start = None      # when the current step started
        self._times = []        # durations of the steps since the last pause
        self.finished = False

    @property
    def steps_done(self):
        return self._step

    def _tick(self, last=False):
        """The start of a step; with ``last=True``, the end of the last one (no step starts)."""
        pausing = self._step == self._pause_at
        if self._sync is not None and self._start is not None and (pausing or last):
            self._sync()
        now = time.perf_counter()
        if self._start is not None:
            self._times.append(now - self._start)
        if pausing:
            self._pause()
            now = time.perf_counter()
        if last:
            self._start = None
        else:
            self._start = now
            self._step += 1

    def _pause(self):
        """Wait in the training thread for the next step to pause at, running the calls sent meanwhile."""
        self._done.put(("paused", None))
        while True:
            order = self._go.get()
            if order is None:
                raise StopTraining
            if isinstance(order, int):
                self._pause_at = order
                return
            try:
                self._done.put(("called", order()))
            except BaseException:  # reported to the main thread by call
                self._done.put(("error", traceback.format_exc()))

    def call(self, function):
        """``function()``, run in the training thread while it is paused; returns its result.

        Before the training has started there is no thread yet: ``function`` runs in the caller's.
        """
        if self._thread is None or self.finished:
            return function()
        self._go.put(function)
        status, detail = self._done.get()
        if status == "error":
            raise RuntimeError(f"a call in the training thread failed:\n{detail}")
        return detail

    def _run(self):
        try:
            self._train(self._tick)
        except StopTraining:
            return
        except BaseException:  # reported to the main thread by run_to
            self._done.put(("error", traceback.format_exc()))
            return
        if self._start is not None:  # the last step ends when the training returns
            if self._sync is not None:
                self._sync()
            self._times.append(time.perf_counter() - self._start)
        self._done.put(("finished", None))

    def run_to(self, step):
        """Let the training run until ``step`` steps are done (or it ends); return what was measured.

        Returns ``{"times": [seconds per step], "steps_done", "cpu_s", "wall_s", "others_cpu_s"}``:
        ``cpu_s`` is the CPU time the whole process used meanwhile (all its
        threads), ``wall_s`` the elapsed time, ``others_cpu_s`` the CPU time
        every other process on the machine used meanwhile (``None`` without
        ``/proc/stat``). Raises ``RuntimeError`` with the training thread's
        traceback if the training failed.
        """
        if step <= self._step and self._thread is not None or self.finished:
            return {"times": [], "steps_done": self._step, "cpu_s": 0.0, "wall_s": 0.0, "others_cpu_s": None}
        busy, cpu, wall = cpu_busy_seconds(), time.process_time(), time.perf_counter()
        if self._thread is None:
            self._pause_at = step
            self._thread = threading.Thread(target=self._run, name="paced-training", daemon=True)
            self._thread.start()
        else:
            self._go.put(step)
        status, detail = self._done.get()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        others = None if busy is None else max(cpu_busy_seconds() - busy - cpu, 0.0)
        if status == "error":
            self.finished = True
            raise RuntimeError(f"the training failed after {self._step} steps:\n{detail}")
        self.finished = status == "finished"
        times, self._times = self._times, []
        return {"times": times, "steps_done": self._step, "cpu_s": cpu, "wall_s": wall, "others_cpu_s": others}

    def close(self):
        """End the training thread if it is paused (``StopTraining`` is raised inside it)."""
        if self._thread is not None and self._thread.is_alive():
            self._go.put(None)
            self._thread.join()


class PacedLoader:
    """A data loader whose ``get_batch`` first calls ``tick`` (the start of a step).

    Every mode whose training loop draws its own batches (all but ``fit``)
    gets its loader wrapped in one, so its steps are timed and paused alike.
    """

    def __init__(self, loader, tick):
        self._loader, self._tick = loader, tick

    def get_batch(self, batch_size):
        self._tick()
        return self._loader.get_batch(batch_size)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class PacedRun:
    """Worker side: one mode's training, paced.

    Subclasses set ``self.memory`` (a :class:`benchmarks.memory.PeakMemory`),
    ``self.paced`` (a :class:`PacedTraining`), and define ``accuracy()`` (the
    test set's, as a float) and ``describe()``; their training reports the
    losses it reads to ``_on_batch``.
    """

    paced = None
    last_loss = None

    def evaluate(self):
        """``{"seconds", "accuracy"}``: :meth:`accuracy`, run in the training thread (:meth:`PacedTraining.call`)."""
        start = time.perf_counter()
        value = self.paced.call(self.accuracy)
        return {"seconds": time.perf_counter() - start, "accuracy": value}

    def _on_batch(self, batch_index, loss):
        self.last_loss = float(loss)

    def run_to(self, step):
        result = self.paced.run_to(step)
        result["last_loss"] = self.last_loss
        return result

    def memory_result(self):
        return self.memory.result()

    def close(self):
        if self.paced is not None:
            self.paced.close()
