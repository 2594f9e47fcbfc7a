"""``import reference`` must not import TensorFlow, and NumPy must be its only dependency."""

import subprocess
import sys


def test_import_reference_does_not_import_tensorflow():
    code = ("import sys, reference, reference.handbook, reference.data, reference.utils.progbar; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'jax', 'torch')); "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"importing reference pulled in: {out.strip()}"
