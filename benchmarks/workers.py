"""Worker processes: each benchmark side runs in a fresh Python process of its own.

The parent never imports TensorFlow. It starts one :class:`Worker` per mode
(``multiprocessing``'s ``spawn``: a new interpreter, nothing inherited), asks
it to build objects (``worker.new(cls, **kwargs)`` returns a :class:`Remote`)
and calls their methods one at a time. Only one worker computes at any moment,
so the sides take turns on the CPU instead of competing for it, and each
process's memory, threads and floatx belong to one mode.

``new`` returns at once; the object is built in the background (TensorFlow's
import takes seconds), and a failure surfaces at the next call, with the
worker's traceback.
"""

import itertools
import multiprocessing
import traceback


class WorkerError(RuntimeError):
    """A worker process raised; the message holds its traceback."""


def _serve(conn):
    """The worker's loop: build objects and run their methods as the parent asks."""
    objects = {}
    while True:
        message = conn.recv()
        if message[0] == "close":
            break
        try:
            if message[0] == "new":
                _, key, cls, kwargs = message
                objects[key] = cls(**kwargs)
                value = None
            else:
                _, key, method, kwargs = message
                value = getattr(objects[key], method)(**kwargs)
            conn.send(("ok", value))
        except BaseException:  # sent back to the parent, which raises it as a WorkerError
            conn.send(("error", traceback.format_exc()))
    for obj in objects.values():
        close = getattr(obj, "close", None)
        if close is not None:
            close()
    conn.send(("ok", None))


class Remote:
    """An object living in a worker; ``remote.method(**kwargs)`` runs it there and returns the result."""

    def __init__(self, worker, key, description):
        self._worker, self._key, self._description = worker, key, description

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)
        return lambda **kwargs: self._worker.call(self._key, method, kwargs)

    def __repr__(self):
        return f"<Remote {self._description} in {self._worker.name}>"


class Worker:
    """A fresh Python process that builds objects and runs their methods on request."""

    _keys = itertools.count()

    def __init__(self, name):
        self.name = name
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name=f"benchmarks:{name}", daemon=True)
        self._process.start()
        child.close()
        self._pending = 0
        self._closing = False

    def new(self, cls, **kwargs):
        """Build ``cls(**kwargs)`` in the worker, in the background; returns its :class:`Remote`."""
        key = next(self._keys)
        self._conn.send(("new", key, cls, kwargs))
        self._pending += 1
        return Remote(self, key, cls.__name__)

    def wait(self):
        """Wait until every object asked for is built; raise :class:`WorkerError` if one failed."""
        while self._pending:
            self._pending -= 1
            self._reply("building an object")

    def call(self, key, method, kwargs):
        self.wait()
        self._conn.send(("call", key, method, kwargs))
        return self._reply(method)

    def _reply(self, what):
        try:
            status, value = self._conn.recv()
        except EOFError:
            raise WorkerError(f"worker {self.name!r} died while {what} "
                              f"(exit code {self._process.exitcode})") from None
        if status == "error":
            last = value.strip().splitlines()[-1]
            raise WorkerError(f"worker {self.name!r} failed while {what}: {last}\n\n{value}")
        return value

    def ask_to_close(self):
        """Ask the worker to close its objects and exit, without waiting (see :meth:`close`)."""
        if self._process.is_alive() and not self._closing:
            self._closing = True
            while self._pending:
                try:
                    self.wait()
                except WorkerError:
                    pass
            try:
                self._conn.send(("close",))
            except OSError:
                pass

    def close(self, timeout=30):
        """Let the worker close its objects and exit; end it if it does not within ``timeout`` seconds."""
        self.ask_to_close()
        try:
            if self._conn.poll(timeout):
                self._conn.recv()
        except (OSError, EOFError):
            pass
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()


class Pool:
    """The benchmark's workers by name, started on first use and closed together."""

    def __init__(self):
        self._workers = {}

    def __getitem__(self, name):
        if name not in self._workers:
            self._workers[name] = Worker(name)
        return self._workers[name]

    def close(self, names=None):
        """Close the named workers (``None``: all of them), all asked first so they wind down together."""
        names = list(self._workers) if names is None else names
        workers = [self._workers.pop(name) for name in names if name in self._workers]
        for worker in workers:
            worker.ask_to_close()
        for worker in workers:
            worker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
