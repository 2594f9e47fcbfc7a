"""Weight initializers, as ``keras.initializers`` (``get`` resolves a name).

Keras draws from its own seeded generators, so the reference cannot reproduce
TF's initial weights bit for bit; it draws from the same *distributions* with
NumPy, and the parity tests copy weights across with ``set_weights`` instead.
``set_random_seed`` makes the reference's draws reproducible.
"""

import numpy as np

_rng = np.random.default_rng()


def set_random_seed(seed):
    """Seed the generator behind every initializer (``keras.utils.set_random_seed``)."""
    global _rng
    _rng = np.random.default_rng(seed)


def _fans(shape):
    """``(fan_in, fan_out)`` of a kernel; for a (in, out) kernel just its two dims."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape, dtype):
    """``U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return _rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_uniform(shape, dtype):
    """``U(-l, l)`` with ``l = sqrt(6 / fan_in)`` (He et al., 2015)."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return _rng.uniform(-limit, limit, size=shape).astype(dtype)


def random_normal(shape, dtype, mean=0.0, stddev=0.05):
    """``N(mean, stddev²)``, Keras's defaults ``mean=0``, ``stddev=0.05``."""
    return _rng.normal(mean, stddev, size=shape).astype(dtype)


def zeros(shape, dtype):
    """All zeros."""
    return np.zeros(shape, dtype=dtype)


def ones(shape, dtype):
    """All ones."""
    return np.ones(shape, dtype=dtype)


ALL = {f.__name__: f for f in (glorot_uniform, he_uniform, random_normal, zeros, ones)}


def get(identifier):
    """An initializer from a name or a callable ``f(shape, dtype)``."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]
    raise ValueError(f"Unknown initializer {identifier!r}. Expected a callable or one of {sorted(ALL)}.")
