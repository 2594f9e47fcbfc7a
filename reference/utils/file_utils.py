"""Atomic writes: a file the project writes is either complete or absent, never half-written."""

import contextlib
import os
import tempfile

_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding="utf-8"):
    """Open a temporary file beside ``path`` for writing; on a clean exit it replaces ``path``.

    On any exception, the temporary file is removed and ``path`` is left as it was. The file gets the mode a
    plain ``open`` would give it (``mkstemp`` makes it private). The folder is created if it is missing. Text
    (``mode="w"``) is written in ``encoding``, UTF-8 unless told otherwise.

    Example::

        with atomic_write("weights.npz") as f:
            np.savez(f, **arrays)
        with atomic_write("README.md", "w") as f:
            f.write(text)
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
