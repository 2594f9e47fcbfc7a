"""Smoke test of ``python -m benchmarks --quick``: it runs end to end and writes complete outputs.

Speed is never asserted (benchmarks/ measures it); this only checks that
every section ran and every output has its parts. Two modes keep it short:
the reference and, when TensorFlow is installed, ``tf.function``.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAS_TF = importlib.util.find_spec("tensorflow") is not None
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


@pytest.mark.mnist
@pytest.mark.slow
def test_quick_run_writes_every_output(tmp_path, mnist_path):
    modes = "reference-float32,function" if HAS_TF else "reference-float32"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])),
               TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--modes", modes, "--data", mnist_path,
                          "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["plan"]["name"] == "quick"
    assert results["machine"]["cpu"] and results["matmul_peak"]
    assert set(results["modes"]["modes"]) == set(modes.split(","))
    for mode in results["modes"]["modes"].values():
        assert mode["steps_done"] == results["plan"]["total_steps"]
        assert mode["training_estimated"] and 0 <= mode["accuracy"] <= 1
        assert mode["memory"]["peak_mb"] > 0
    assert set(results["profile"]["phases"]) >= {"get_batch", "forward", "loss", "backward", "adam", "step"}
    assert results["profile"]["ops"]["rows"] and results["profile"]["functions"]["functions"]
    if HAS_TF:
        assert results["tensorflow"]["tensorflow"]
        assert {"loss forward", "dense1 backward", "adam step"} <= set(results["micro"]["ops"])
        sizes = [point["batch_size"] for point in results["sweeps"]["batch_size"]]
        assert sizes == results["plan"]["sweep_batch_sizes"]
    else:
        assert any("TensorFlow is not installed" in note for note in results["notes"])

    markdown = (tmp_path / "results.md").read_text()
    for heading in ("## Machine", "## The handbook's training, by mode", "## Targets",
                    "## Profile of the reference's training step"):
        assert heading in markdown
    assert markdown in run.stdout  # printed as well as written
    if HAS_MATPLOTLIB:
        assert (tmp_path / "step_time_by_mode.png").stat().st_size > 0
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temporary files
