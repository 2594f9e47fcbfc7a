"""TensorFlow and the reference trained side by side stay together, step after step.

``tf_impl.compare`` starts both from TF's initial weights and feeds both the
same batches; the relative loss gap must stay within
``tolerances.TRAJECTORY_LOSS_RTOL`` at every step, in float32 and float64, in
each TF mode against the reference's matching loss semantics. The runs here
are short (``STEPS``); ``python -m tf_impl compare`` runs the full
``TRAJECTORY_STEPS``. They use real MNIST when ``MNIST_PATH`` is set, and
otherwise :class:`SyntheticMNIST`, which a network learns as fast, so that its
probabilities reach the clipping bounds too.

The commands ``python -m tf_impl train`` and ``compare`` are run here too
(their ``main``, in this process), briefly, on real MNIST.
"""

import os

import numpy as np
import pytest

from parity_tests.tolerances import trajectory_loss_rtol

tf_impl = pytest.importorskip("tf_impl", reason="tf_impl needs TensorFlow")
from reference.data import MNISTLoader  # noqa: E402
from tf_impl.__main__ import main  # noqa: E402

pytestmark = pytest.mark.tf

STEPS = {"eager": 60, "function": 100, "xla": 100}  # an eager TF step costs several graph steps
MNIST_PATH = os.environ.get("MNIST_PATH")


class SyntheticMNIST:
    """MNIST's shapes and pixel grid with a learnable, noisy rule, for runs without the real files.

    Each class has a random stroke mask; an image of its class inks half of
    the mask's pixels and a tenth of the others, with intensities k/255 like
    MNIST's, and one label in ten is replaced by a random one. The loss then
    falls to MNIST's levels (a few tenths after 100 steps) rather than to 0,
    where the relative gap would only measure the rounding of ``log(1 + tiny)``.
    Offers what ``compare`` uses of ``MNISTLoader``, with the same seeded ``get_batch``.
    """

    def __init__(self, seed=0, dtype="float32", num_train=2000, num_test=500):
        rng = np.random.default_rng(seed)
        masks = rng.random((10, 28, 28, 1)) < 0.15

        def draw(n):
            labels = rng.integers(0, 10, n).astype(np.int32)
            ink = (masks[labels] & (rng.random((n, 28, 28, 1)) < 0.5)) | (rng.random((n, 28, 28, 1)) < 0.1)
            pixels = np.where(ink, rng.integers(64, 256, (n, 28, 28, 1)), 0).astype(dtype)
            relabelled = rng.random(n) < 0.1
            labels[relabelled] = rng.integers(0, 10, relabelled.sum())
            return pixels / np.dtype(dtype).type(255), labels

        self.train_data, self.train_label = draw(num_train)
        self.test_data, self.test_label = draw(num_test)
        self.num_train_data, self.num_test_data = num_train, num_test
        self.source = f"synthetic MNIST (seed {seed})"
        self.rng = np.random.default_rng(seed)

    def get_batch(self, batch_size):
        index = self.rng.integers(0, self.num_train_data, batch_size)
        return self.train_data[index], self.train_label[index]


def data_loader(dtype, seed=0):
    """Real MNIST if ``MNIST_PATH`` is set, else :class:`SyntheticMNIST`."""
    return MNISTLoader(MNIST_PATH, seed=seed, dtype=dtype) if MNIST_PATH else SyntheticMNIST(seed, dtype)


@pytest.mark.parametrize("dtype, mode", [("float32", "eager"), ("float64", "eager"),
                                         ("float32", "function"), ("float64", "function"),
                                         ("float32", "xla")])
def test_trajectories_agree(dtype, mode):
    bound = trajectory_loss_rtol(dtype)
    result = tf_impl.compare(STEPS[mode], dtype, mode, seed=0, data_loader=data_loader(dtype), target=bound)
    worst = int(result.rel_gap.argmax())
    assert result.max_rel_gap <= bound, (
        f"{mode} {dtype} on {result.data_source}: relative loss gap {result.max_rel_gap:.3g} > {bound:g} at step "
        f"{worst} (TF {result.tf_loss[worst]!r}, reference {result.ref_loss[worst]!r}, reference loss from "
        f"{result.loss_from}); the first gap above it: step {int(np.argmax(result.rel_gap > bound))}")
    assert result.target == bound
    assert result.tf_loss.shape == result.ref_loss.shape == result.weight_gap.shape == (STEPS[mode],)
    assert result.tf_loss[-1] < result.tf_loss[0], "the run should learn something"


def test_mismatched_semantics_have_no_target():
    result = tf_impl.compare(3, "float32", "function", loss_from="probabilities", data_loader=SyntheticMNIST(),
                             target=trajectory_loss_rtol("float32"))
    assert not result.semantics_match and result.target is None


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": 0}, "steps"), ({"mode": "graph"}, "mode"), ({"loss_from": "softmax"}, "loss_from"),
    ({"dtype": "float16"}, "dtype"),
])
def test_compare_names_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf_impl.compare(**{"steps": 2, "data_loader": SyntheticMNIST(), **kwargs})


# --- the commands (in this process: TensorFlow is imported already) -------------------------


@pytest.mark.mnist
@pytest.mark.skipif(not MNIST_PATH, reason="MNIST_PATH is not set: the commands read the real MNIST files")
def test_train_command(capsys):
    status = main(["train", "--mode", "function", "--epochs", "1", "--batch-size", "3000", "--log-every", "5",
                   "--no-progress", "--fast-eval"])
    out = capsys.readouterr().out
    assert status == 0
    assert "batch 0: loss " in out and "batch 15: loss " in out and "batch 19: loss" not in out
    assert "test accuracy: " in out and "training time: " in out


@pytest.mark.mnist
@pytest.mark.skipif(not MNIST_PATH, reason="MNIST_PATH is not set: the commands read the real MNIST files")
def test_compare_command(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "gap.png"
    status = main(["compare", "--steps", "20", "--print-every", "10", "--plot", str(plot), "--target", "1e-4"])
    out = capsys.readouterr().out
    assert status == 0, out
    for line in ("largest absolute loss gap", "largest relative loss gap", "target <= 0.0001: met",
                 "weight gap after the last step", "test accuracy: TF", "training time: TF"):
        assert line in out
    assert plot.read_bytes().startswith(b"\x89PNG")
