"""Dtype policies, mirroring ``keras.dtype_policies``: :class:`DTypePolicy` and :func:`get`."""

from .. import backend_config as config
from .dtype_policy import DTypePolicy, FloatDTypePolicy, dtype_policy, reset_dtype_policy, set_dtype_policy


def get(identifier):
    """A :class:`DTypePolicy` from ``None`` (the global policy), a policy, a ``{"class_name", "config"}`` dict,
    a name (``"mixed_float16"``, ``"float32"``, ...) or a float dtype (``np.float16``), as
    ``keras.dtype_policies.get``."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy.from_config(identifier.get("config", identifier))
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:  # a np.dtype or a NumPy scalar type, through Keras's standardize_dtype
        return DTypePolicy(config.standardize_dtype(identifier).name)
    except (TypeError, ValueError):
        pass
    raise ValueError("Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
                     f"Received: dtype={identifier}")


__all__ = ["DTypePolicy", "FloatDTypePolicy", "dtype_policy", "get", "reset_dtype_policy", "set_dtype_policy"]
