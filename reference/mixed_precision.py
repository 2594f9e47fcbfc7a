"""``keras.mixed_precision``: Keras's legacy names for the dtype policies and the loss-scale optimizer.

``set_global_policy``/``global_policy`` are ``config.set_dtype_policy``/``config.dtype_policy``; ``Policy`` is
:class:`~reference.dtype_policies.DTypePolicy`. See ``reference/dtype_policies/dtype_policy.py`` for where the
casts sit and ``reference/optimizers/loss_scale_optimizer.py`` for the loss scale.
"""

from .dtype_policies.dtype_policy import DTypePolicy, dtype_policy, set_dtype_policy
from .optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
           "set_global_policy"]
