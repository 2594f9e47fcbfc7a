"""The handbook's experiment end to end: on synthetic data always, on real MNIST when MNIST_PATH is set."""

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import reference as rk
from reference import handbook


def _toy_loader(n=600, seed_=0):
    """Ten separable 'digits': class k lights up row k of a 28x28 image."""
    rng = np.random.default_rng(seed_)
    labels = rng.integers(0, 10, n).astype(np.int32)
    images = rng.random((n, 28, 28, 1), dtype=np.float32) * 0.1
    images[np.arange(n), labels * 2, :, 0] += 1.0
    loader = SimpleNamespace(train_data=images, train_label=labels, test_data=images[:200], test_label=labels[:200],
                             num_train_data=n, num_test_data=200)
    loader.get_batch = lambda b: (lambda i: (images[i], labels[i]))(rng.integers(0, n, b))
    return loader


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_handbook_loop_learns_a_toy_problem(dtype):
    rk.set_floatx(dtype)
    model, loader = handbook.MLP(), _toy_loader()
    losses = []
    handbook.train(model, loader, num_epochs=2, batch_size=20, on_batch=lambda i, loss: losses.append(float(loss)))
    assert len(losses) == 60 and losses[-1] < losses[0] / 4
    assert model.variables[0].dtype == dtype
    assert handbook.evaluate(model, loader, batch_size=50) > 0.95


@pytest.mark.mnist
def test_handbook_reaches_the_handbooks_accuracy_on_real_mnist(mnist_path):
    from reference.commands import blas
    from reference.data import MNISTLoader
    loader = MNISTLoader(mnist_path, seed=0)
    model = handbook.MLP()
    with blas.threads(1):  # as the command does: robust when other processes share the cores
        handbook.train(model, loader, num_epochs=5, batch_size=50, learning_rate=0.001)
    assert handbook.evaluate(model, loader, batch_size=50) >= 0.965


@pytest.mark.mnist
def test_command_line_train(mnist_path):
    out = subprocess.run([sys.executable, "-m", "reference", "train", "--epochs", "1", "--log-every", "300",
                          "--no-progress", "--data", mnist_path], capture_output=True, text=True, check=True).stdout
    assert "batch 0: loss" in out and "batch 900: loss" in out
    accuracy = float(out.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.93 and "ms/step" in out


def test_command_line_errors_are_clear():
    run = subprocess.run([sys.executable, "-m", "reference", "train", "--batch-size", "0"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "must be a positive integer" in run.stderr
    run = subprocess.run([sys.executable, "-m", "reference"], capture_output=True, text=True)
    assert run.returncode == 2 and "train" in run.stderr


def test_blas_threads_context_restores_the_count():
    from reference.commands import blas
    before = blas.get_threads()
    with blas.threads(1):
        assert blas.get_threads() in (1, None)
    assert blas.get_threads() == before
    with pytest.raises(ValueError, match="positive integer"):
        blas.set_threads(0)


def test_command_line_without_data_says_how_to_supply_it(tmp_path):
    run = subprocess.run([sys.executable, "-m", "reference", "train", "--data", str(tmp_path / "nowhere")],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "nowhere" in run.stderr and "does not exist" in run.stderr and "--data PATH" in run.stderr
