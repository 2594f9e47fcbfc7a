"""The floor under the reference's training step: its NumPy kernels, with the framework taken away.

:class:`KernelFloor` runs the handbook's step as the reference computes it (``reference.handbook``'s
MLP, Keras's eager sparse cross-entropy from the clipped probabilities, Keras's Adam on the one weight
buffer, the flush of subnormal slots every ``FLUSH_EVERY`` steps): the same NumPy calls on the same
arrays in the same order, so the same bits, which ``tests/test_kernel_floor.py`` checks against the
reference step by step. Everything else is gone: no tape and no records, no layers, no optimizer
class, no argument checks, the gradients written straight into one buffer.

What it costs is what NumPy's kernels cost for these shapes on this machine: the reference's step
minus it is what the framework costs (Python, the tape, checks). No arrangement of the same
operations in NumPy can be faster, so when a speed target is below this floor, it is out of reach
for a NumPy reference computing Keras's arithmetic, and the report says so.

It is an instrument, not a second definition of the step: the reference stays the one
definition (:mod:`reference.handbook`), and the test keeps this in step with it.
"""

import numpy as np

from reference import config, optimizers
from reference.optimizers.base_optimizer import FLUSH_EVERY, keras_cast


class KernelFloor:
    """The handbook's step in straight-line NumPy, from the reference's weights ``[W1, b1, W2, b2]``.

    Args:
        weights: the reference model's ``get_weights()``, float32 or float64.
        learning_rate: Adam's; β₁, β₂ and ε are ``reference.optimizers.Adam``'s defaults, and the clip of the
            probabilities is ``reference.config.epsilon()``, as in the reference's step.
    """

    def __init__(self, weights, learning_rate=0.001):
        adam = optimizers.Adam(learning_rate=learning_rate)
        beta_1, beta_2, epsilon, epsilon_clip = adam.beta_1, adam.beta_2, adam.epsilon, config.epsilon()
        dtype = weights[0].dtype
        self.type = t = dtype.type
        self.buffer = np.concatenate([w.reshape(-1) for w in weights])   # the reference's one weight buffer
        self.gradient = np.empty_like(self.buffer)
        self.weights = self._views(self.buffer, weights)
        self.gradients = self._views(self.gradient, weights)
        self.m, self.v = np.zeros_like(self.buffer), np.zeros_like(self.buffer)
        self.scratch = np.empty_like(self.buffer), np.empty_like(self.buffer)
        self.iterations = 0
        self.lr = np.asarray(learning_rate, dtype)   # as the reference's: a 0-d array
        self.beta_1, self.beta_2 = keras_cast(beta_1, dtype), keras_cast(beta_2, dtype)
        self.one_minus_beta_1, self.one_minus_beta_2 = t(1 - beta_1), t(1 - beta_2)
        self.epsilon = t(epsilon)
        self.clip_low, self.clip_high = np.asarray(epsilon_clip, dtype), np.asarray(1 - epsilon_clip, dtype)
        self.tiny = np.finfo(dtype).tiny

    @staticmethod
    def _views(buffer, like):
        views, start = [], 0
        for w in like:
            views.append(buffer[start:start + w.size].reshape(w.shape))
            start += w.size
        return views

    def step(self, X, y):
        """One step on images ``X`` (batch, 28, 28, 1) and labels ``y``; returns the loss before the update."""
        W1, b1, W2, b2 = self.weights
        dW1, db1, dW2, db2 = self.gradients
        t = self.type
        # forward: Flatten, Dense(relu), Dense, softmax
        x = X.reshape(X.shape[0], -1)
        h = np.maximum(np.add(x @ W1, b1), 0)
        z = np.add(h @ W2, b2)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        p = e / e.sum(axis=-1, keepdims=True)
        # the loss: clip, log, the fused sparse cross-entropy of the log-probabilities, the batch mean
        labels = y.astype(np.intp, copy=False)
        rows = np.arange(labels.shape[0])
        clipped = np.clip(p, self.clip_low, self.clip_high)
        log_p = np.log(clipped)
        shifted = log_p - log_p.max(axis=-1, keepdims=True)
        e_shifted = np.exp(shifted)
        sum_e = e_shifted.sum(axis=-1, keepdims=True)
        losses = np.log(sum_e[:, 0]) - shifted[rows, labels]
        n = t(losses.size)
        loss = losses.sum() / n
        # backward, op by op in reverse
        d_losses = np.empty_like(losses)
        d_losses[...] = t(1) / n
        d_log_p = e_shifted / sum_e
        d_log_p[rows, labels] -= 1
        d_log_p *= d_losses.reshape(-1, 1)
        d_p = np.where((p >= self.clip_low) & (p <= self.clip_high), d_log_p * np.reciprocal(clipped), t(0))
        d_z = p * (d_p - (d_p * p).sum(axis=-1, keepdims=True))
        np.sum(d_z, axis=(0,), keepdims=True, out=db2.reshape(1, -1))
        np.matmul(h.T, d_z, out=dW2)
        d_h = (d_z @ W2.T) * (h > 0)
        np.sum(d_h, axis=(0,), keepdims=True, out=db1.reshape(1, -1))
        np.matmul(x.T, d_h, out=dW1)
        self._adam()
        return loss

    def _adam(self):
        """Keras's Adam (``reference.optimizers.Adam.update_step``) on the whole buffer, then the count."""
        t = self.type
        step = t(self.iterations + 1)
        alpha = self.lr * np.sqrt(1 - self.beta_2 ** step) / (1 - self.beta_1 ** step)
        g, m, v, (s, u) = self.gradient, self.m, self.v, self.scratch
        np.subtract(g, m, out=s)
        s *= self.one_minus_beta_1
        m += s
        np.square(g, out=s)
        s -= v
        s *= self.one_minus_beta_2
        v += s
        np.multiply(m, alpha, out=s)
        np.sqrt(v, out=u)
        u += self.epsilon
        s /= u
        self.buffer -= s
        self.iterations += 1
        if self.iterations % FLUSH_EVERY == 0:
            for slot in (m, v):
                np.copyto(slot, 0, where=np.abs(slot) < self.tiny)

    def get_weights(self):
        return [w.copy() for w in self.weights]
