"""``tf_impl`` without TensorFlow says how to install it; with TensorFlow it imports quietly.

TensorFlow's absence is simulated in a fresh interpreter by a meta-path
finder that refuses ``tensorflow`` (and ``keras``), whatever is installed.
"""

import os
import subprocess
import sys
import textwrap

import pytest

BLOCK_TENSORFLOW = textwrap.dedent("""
    import sys

    class NoTensorFlow:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, NoTensorFlow())
""")


def python(code, *args, env=None):
    """Run ``code`` (``-c``) or ``-m`` args in a fresh interpreter that finds this checkout."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})}
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


def test_import_without_tensorflow_says_how_to_install_it():
    done = python(BLOCK_TENSORFLOW + textwrap.dedent("""
        try:
            import tf_impl
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("tf_impl imported without TensorFlow")
        import reference  # the NumPy side does not need it
    """))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tf_impl needs TensorFlow" in done.stdout
    assert "pip install -e '.[tf]'" in done.stdout
    assert "No module named 'tensorflow'" in done.stdout  # the original cause is kept


def test_command_without_tensorflow_says_how_to_install_it():
    done = python(BLOCK_TENSORFLOW + "import runpy; runpy.run_module('tf_impl', run_name='__main__')",
                  "train", "--help")
    assert done.returncode != 0
    assert "pip install -e '.[tf]'" in done.stderr


def test_import_is_quiet():
    """No oneDNN notice, no absl preamble, nothing at all on stderr (TF_CPP_MIN_LOG_LEVEL left unset)."""
    pytest.importorskip("tensorflow")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", "import tf_impl, os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"],
                          capture_output=True, text=True, timeout=120,
                          env={**env, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "3\n"
    assert done.stderr == ""


def test_asking_for_tensorflow_logs_gets_them():
    """``TF_CPP_MIN_LOG_LEVEL=0`` set by the user is respected: nothing is silenced."""
    pytest.importorskip("tensorflow")
    done = python("import logging, os, tf_impl\n"
                  "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], tf_impl.tf.get_logger().level < logging.ERROR)",
                  env={"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "0 True\n"
