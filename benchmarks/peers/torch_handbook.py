"""The handbook's experiment in PyTorch, as a PyTorch user would write it.

Imported only in the worker processes of the PyTorch modes (it imports
``torch`` at the top); :mod:`benchmarks.peers` drives it.

The model is the handbook's: Flatten -> Linear(784, 100) -> ReLU ->
Linear(100, 10) -> softmax, so ``model(X)`` returns probabilities, as
``reference.handbook.MLP`` and ``tf_impl.MLP`` do. The loss is the one Keras
computes eagerly from those probabilities (``reference.handbook.train`` and the
``eager`` mode)::

    lossᵢ = -log clip(pᵢ)[yᵢ] + log Σⱼ clip(pᵢ)ⱼ,   clip to [1e-7, 1 - 1e-7]

written the torch way, ``F.cross_entropy(torch.log(p.clamp(ε, 1 - ε)), y)``
(``cross_entropy`` takes a log-softmax of its input, which renormalises the
clipped probabilities exactly as Keras's ``sparse_softmax_cross_entropy``
does). A PyTorch user starting from scratch would drop the softmax from the
model and call ``F.cross_entropy(logits, y)``: that is the loss Keras computes
in a graph (``tf.function``, XLA, ``fit``), which agrees with this one until
a probability leaves ``[ε, 1 - ε]`` (then it is unbounded and its gradient
does not vanish).

The optimizer is ``torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)``,
Keras's hyper-parameters; see :mod:`benchmarks.peers` for where its update
differs from Keras's.
"""

import torch
import torch.nn.functional as F
from torch import nn

EPSILON = 1e-7  # Keras's backend epsilon: the probabilities' clip and Adam's epsilon


class MLP(nn.Module):
    """Flatten -> Linear(784, 100) -> ReLU -> Linear(100, 10) -> softmax: 79,510 parameters."""

    def __init__(self, hidden=100, classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.dense1 = nn.Linear(28 * 28, hidden)
        self.dense2 = nn.Linear(hidden, classes)

    def forward(self, inputs):                   # [batch_size, 28, 28, 1]
        x = self.flatten(inputs)                 # [batch_size, 784]
        x = F.relu(self.dense1(x))               # [batch_size, 100]
        x = self.dense2(x)                       # [batch_size, 10]
        return F.softmax(x, dim=-1)

    @torch.no_grad()
    def set_keras_weights(self, weights):
        """Copy Keras-layout weights ``[W1 (784, h), b1, W2 (h, 10), b2]`` in (``Linear`` stores ``Wᵀ``)."""
        kernel1, bias1, kernel2, bias2 = (torch.as_tensor(w) for w in weights)
        self.dense1.weight.copy_(kernel1.T)
        self.dense1.bias.copy_(bias1)
        self.dense2.weight.copy_(kernel2.T)
        self.dense2.bias.copy_(bias2)


def sparse_categorical_crossentropy(probabilities, labels):
    """The mean sparse cross-entropy of clipped probabilities, as Keras computes it eagerly."""
    return F.cross_entropy(torch.log(probabilities.clamp(EPSILON, 1 - EPSILON)), labels)


def make_optimizer(model, learning_rate=1e-3):
    """``torch.optim.Adam`` with Keras's defaults (``eps=1e-7`` rather than torch's 1e-8)."""
    return torch.optim.Adam(model.parameters(), lr=learning_rate, betas=(0.9, 0.999), eps=EPSILON)


def make_train_step(model, optimizer, compile=False):
    """One training step, ``step(X, y) -> loss`` (the loss before the update, detached).

    With ``compile=True`` the whole step, backward and ``optimizer.step()``
    included, goes through ``torch.compile`` (the first call compiles).
    """

    def train_step(X, y):
        optimizer.zero_grad(set_to_none=True)
        loss = sparse_categorical_crossentropy(model(X), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return torch.compile(train_step) if compile else train_step


def train(model, data_loader, num_epochs=5, batch_size=50, learning_rate=1e-3, compile=False, on_batch=None):
    """The handbook's loop: ``num_train_data // batch_size * num_epochs`` Adam steps on random batches.

    The batches come from ``data_loader.get_batch`` as NumPy arrays and are
    wrapped without a copy (``torch.from_numpy``; the labels become int64, as
    ``cross_entropy`` wants). ``on_batch(batch_index, loss)`` is called after
    each step. Returns the optimizer.
    """
    optimizer = make_optimizer(model, learning_rate)
    train_step = make_train_step(model, optimizer, compile)
    num_batches = int(data_loader.num_train_data // batch_size * num_epochs)
    for batch_index in range(num_batches):
        X, y = data_loader.get_batch(batch_size)
        loss = train_step(torch.from_numpy(X), torch.from_numpy(y).long())
        if on_batch:
            on_batch(batch_index, loss.item())
    return optimizer


@torch.no_grad()
def evaluate(model, images, labels):
    """Accuracy on ``images``: one forward pass, then the share of argmax predictions equal to ``labels``.

    The model has no dropout or batch norm, so it is left in training mode:
    switching to ``model.eval()`` and back would only make ``torch.compile``'s
    guards (which check ``Module.training``) recompile the training step.
    """
    predictions = model(torch.from_numpy(images)).argmax(dim=-1)
    return (predictions == torch.from_numpy(labels).long()).float().mean().item()
