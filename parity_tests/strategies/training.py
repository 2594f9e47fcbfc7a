"""Inputs of whole training steps: the handbook's MLP on MNIST-like batches, a ``Dense`` layer under a mixed
precision policy, and the target and output shapes that ``compile`` resolves names against.

A case is a few numbers (a seed, sizes, a kind) from which it builds its arrays, so that hypothesis prints the
numbers rather than 784·N pixels.
"""

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from .common import shapes


@dataclass(frozen=True)
class TrainingCase:
    """One training step of the handbook's MLP, described by a few numbers (so that hypothesis prints them,
    not 784·N pixels): ``batch()`` and ``initial_weights()`` build the arrays from ``seed``."""

    seed: int
    batch_size: int
    kind: str            # "mnist-like" (mostly exact 0 with some ink), "uniform", "zeros" or "ones"
    weight_scale: float  # 1: Glorot-uniform weights; 2: larger logits (larger scales saturate the softmax,
    #                      where a last-ulp difference decides whether the clip passes a gradient: see training_cases)
    dtype: str

    def batch(self):
        """Images (N, 28, 28, 1) in [0, 1] and int32 labels (N,)."""
        rng = np.random.default_rng(self.seed)
        shape = (self.batch_size, 28, 28, 1)
        if self.kind == "mnist-like":
            images = np.where(rng.random(shape) < 0.2, rng.random(shape), 0.0)
        elif self.kind == "uniform":
            images = rng.random(shape)
        else:
            images = np.full(shape, 0.0 if self.kind == "zeros" else 1.0)
        return images.astype(self.dtype), rng.integers(0, 10, self.batch_size).astype(np.int32)

    def initial_weights(self, units=(784, 100, 10)):
        """Glorot-uniform kernels and small uniform biases, times ``weight_scale``, in Keras's order."""
        rng = np.random.default_rng(self.seed + 1)
        weights = []
        for n_in, n_out in zip(units, units[1:]):
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights += [rng.uniform(-limit, limit, (n_in, n_out)), rng.uniform(-0.1, 0.1, n_out)]
        return [(w * self.weight_scale).astype(self.dtype) for w in weights]


def training_cases(dtype):
    """A batch for the handbook's MLP, realistic (MNIST-like, batch 50) or adversarial (all-0 or all-1 images,
    batch of 1, doubled weights).

    Weights are not scaled up to saturate the softmax: with probabilities within an ulp of the clip bounds
    ``ε`` and ``1 - ε``, a last-ulp difference in the softmax decides whether the clip passes the gradient,
    a discontinuity rather than a rounding error. The clip's convention at the bounds is pinned with exact
    inputs in ``test_losses.py`` instead.
    """
    return st.builds(TrainingCase, seed=st.integers(0, 2**32 - 2), batch_size=st.sampled_from([1, 2, 7, 50]),
                     kind=st.sampled_from(["mnist-like", "uniform", "zeros", "ones"]),
                     weight_scale=st.sampled_from([1.0, 2.0]), dtype=st.just(dtype))


@dataclass(frozen=True)
class MixedDenseCase:
    """A ``Dense`` under a mixed policy, its batch and its sparse labels, built from a few numbers."""

    seed: int
    batch_size: int
    in_features: int
    units: int
    activation: str
    input_scale: float

    def arrays(self):
        """``(x, kernel, bias, labels)``: float32 inputs and weights, int32 labels in ``[0, units)``."""
        rng = np.random.default_rng(self.seed)
        x = (rng.standard_normal((self.batch_size, self.in_features)) * self.input_scale).astype(np.float32)
        limit = np.sqrt(6.0 / (self.in_features + self.units))
        kernel = rng.uniform(-limit, limit, (self.in_features, self.units)).astype(np.float32)
        bias = rng.uniform(-0.1, 0.1, self.units).astype(np.float32)
        return x, kernel, bias, rng.integers(0, self.units, self.batch_size).astype(np.int32)


def mixed_dense_cases():
    """Small and MNIST-sized layers; inputs from 1e-3 (products near float16's subnormals) to 100."""
    return st.builds(MixedDenseCase, seed=st.integers(0, 2**32 - 2), batch_size=st.sampled_from([1, 3, 32]),
                     in_features=st.sampled_from([1, 5, 100, 784]), units=st.sampled_from([1, 2, 10]),
                     activation=st.sampled_from(["linear", "relu", "softmax"]),
                     input_scale=st.sampled_from([1e-3, 1.0, 100.0]))


# --- compile's targets and outputs ---------------------------------------------------------------------------------


@st.composite
def target_and_output_shapes(draw):
    """``(y_true shape, y_pred shape)`` as a model meets them: targets shaped like the output, without its
    last axis (integer labels), or with a last axis of 1; outputs of 1 to 4 units (1: binary)."""
    out = draw(shapes(min_dims=1, max_dims=3))
    kind = draw(st.sampled_from(["same", "labels", "labels_1"]))
    if kind == "labels" and len(out) > 1:
        return out[:-1], out
    if kind == "labels_1":
        return out[:-1] + (1,), out
    return out, out
