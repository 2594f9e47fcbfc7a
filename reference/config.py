"""The public settings, mirroring ``keras.config``: a façade over two homes.

Keras's ``keras.config`` re-exports the numeric settings of ``keras/src/backend/config.py`` and the global dtype
policy of ``keras/src/dtype_policies/dtype_policy.py``; neither module imports the other's façade. The same here:

* :mod:`reference.backend_config`: ``floatx``/``set_floatx``, ``epsilon``/``set_epsilon``, and the dtype checks
  ``standardize_dtype`` and ``is_float_dtype`` (Keras's ``keras.backend.standardize_dtype``);
* :mod:`reference.dtype_policies.dtype_policy`: ``dtype_policy``/``set_dtype_policy``.

``ml_dtypes`` is the optional package that gives NumPy bfloat16 (``None`` without it), for ``ml_dtypes.finfo``.
"""

from .backend_config import epsilon, floatx, is_float_dtype, ml_dtypes, set_epsilon, set_floatx, standardize_dtype
from .dtype_policies.dtype_policy import dtype_policy, set_dtype_policy

__all__ = ["dtype_policy", "epsilon", "floatx", "is_float_dtype", "ml_dtypes", "set_dtype_policy", "set_epsilon",
           "set_floatx", "standardize_dtype"]
