"""Each side's own value and gradient of an expression: what a user of that backend gets from its autodiff.

:func:`value_and_grads` takes ``f(*xs)`` (an expression over backend tensors), the primal ndarrays and
``dy_for(value)`` (the upstream gradient, drawn once the value's shape is known) and returns
``(value, [gradient of Σ dy·f with respect to each x])`` as ndarrays, by

* ``reference``: :class:`reference.GradientTape` (``output_gradients=dy``);
* ``tensorflow``: ``tf.GradientTape`` (``output_gradients=dy``, unconnected gradients as zeros);
* ``jax``: ``jax.vjp``, eagerly (no ``jit``: op by op, as a user's first call runs);
* ``torch``: ``torch.autograd.grad`` on leaf tensors with ``requires_grad=True`` (an input the output does not
  depend on gets zeros, as on the other sides).
"""

import numpy as np

BACKENDS = ("tensorflow", "jax", "torch")
SIDES = ("reference",) + BACKENDS


def to_numpy(value):
    """A backend tensor (or a NumPy value) as an ndarray of its own: a copy, since ``Tensor.numpy()`` shares torch's
    storage, which an optimizer then updates in place (a snapshot would show the last step's value)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":  # no NumPy twin in torch: through float32, exactly
            from reference.config import standardize_dtype

            return value.float().numpy().astype(standardize_dtype("bfloat16"))
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.array(value)


def value_and_grads(side, f, primals, dy_for):
    """``(value, grads)`` of ``f`` at ``primals`` by ``side``'s autodiff (see the module docstring)."""
    return _ADAPTERS[side](f, primals, dy_for)


def _reference(f, primals, dy_for):
    import reference as rk

    xs = list(primals)
    with np.errstate(all="ignore"), rk.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    value = np.asarray(y)
    if not xs:
        return value, []
    with np.errstate(all="ignore"):
        grads = tape.gradient(y, xs, output_gradients=dy_for(value), unconnected_gradients="zero")
    return value, [np.asarray(g) for g in grads]


def _tensorflow(f, primals, dy_for):
    import tensorflow as tf

    xs = [tf.constant(p) for p in primals]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    value = to_numpy(y)
    if not xs:
        return value, []
    grads = tape.gradient(y, xs, output_gradients=tf.constant(dy_for(value)),
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return value, [to_numpy(g) for g in grads]


def _jax(f, primals, dy_for):
    import jax
    import jax.numpy as jnp

    if not primals:
        return to_numpy(f()), []
    y, vjp = jax.vjp(f, *[jnp.asarray(p) for p in primals])
    value = to_numpy(y)
    return value, [to_numpy(g) for g in vjp(jnp.asarray(dy_for(value)))]


def _torch(f, primals, dy_for):
    import torch

    xs = [_torch_leaf(torch, p) for p in primals]
    y = f(*xs)
    value = to_numpy(y)
    if not xs:
        return value, []
    if not y.requires_grad:
        return value, [np.zeros_like(p) for p in primals]
    dy = dy_for(value)
    dy = _torch_leaf(torch, dy).detach() if dy.dtype.name == "bfloat16" else torch.as_tensor(dy)
    grads = torch.autograd.grad(y, xs, grad_outputs=dy, allow_unused=True)
    return value, [np.zeros_like(p) if g is None else to_numpy(g) for g, p in zip(grads, primals)]


def _torch_leaf(torch, array):
    """A leaf tensor of ``array``; NumPy's bfloat16 (ml_dtypes) goes through float32, which torch reads."""
    if array.dtype.name == "bfloat16":
        return torch.tensor(array.astype(np.float32)).to(torch.bfloat16).requires_grad_(True)
    return torch.tensor(array, requires_grad=True)


_ADAPTERS = {"reference": _reference, "tensorflow": _tensorflow, "jax": _jax, "torch": _torch}
