"""The one place ``tf_impl`` imports TensorFlow: guarded, and quiet.

TensorFlow is an optional extra of this project (``pip install -e '.[tf]'``);
without it, ``import tf_impl`` raises an ``ImportError`` that says so.

TensorFlow is loud when it starts. Unless the user asked for its logs (by
setting ``TF_CPP_MIN_LOG_LEVEL`` to 0 themselves), this module:

* sets ``TF_CPP_MIN_LOG_LEVEL=3`` when it is unset (C++ errors only);
* sends file descriptor 2 to ``/dev/null`` *during the import only*: the
  oneDNN notice ("oneDNN custom operations are on ...") is written by absl
  before TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL``, so no variable hides it;
* lowers the Python ``tensorflow`` and ``absl`` loggers to ERROR and turns
  AutoGraph's verbosity to 0 (no "AutoGraph could not transform" warnings).

The oneDNN notice warns that results may differ by rounding from a build
without oneDNN; ``tf_impl`` keeps oneDNN on, as TensorFlow ships it, because
that is the TensorFlow the parity suite compares against.
"""

import contextlib
import logging
import os
import sys

INSTALL_HINT = (
    "tf_impl needs TensorFlow, an optional extra of this project. Install it with\n"
    "    pip install -e '.[tf]'\n"
    "(tensorflow-cpu on x86-64, tensorflow elsewhere). The NumPy reference (`reference`) works without it."
)


@contextlib.contextmanager
def _stderr_silenced(enabled):
    """Point file descriptor 2 at /dev/null inside the block (C++ writes there directly)."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow():
    """Import and return ``tensorflow``, quietly, or raise ``ImportError`` with :data:`INSTALL_HINT`."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("AUTOGRAPH_VERBOSITY", "0")
    quiet = os.environ["TF_CPP_MIN_LOG_LEVEL"] not in ("", "0")
    try:
        with _stderr_silenced(quiet):
            import tensorflow as tf
    except ImportError as exc:
        raise ImportError(f"{INSTALL_HINT}\n(the import failed with: {exc})") from exc
    if quiet:
        tf.get_logger().setLevel(logging.ERROR)
        tf.autograph.set_verbosity(0)
        logging.getLogger("absl").setLevel(logging.ERROR)
    return tf


tf = import_tensorflow()
