"""Dtype policies, mirroring ``keras/src/dtype_policies/dtype_policy.py``.

A policy fixes two dtypes of a layer:

* ``variable_dtype``: the dtype its weights are created and stored in;
* ``compute_dtype``: the dtype its inputs are cast to and its ``call`` computes in.

``"float32"`` (or any float dtype name) makes both that dtype. ``"mixed_float16"`` and ``"mixed_bfloat16"``
keep the weights in float32 and compute in float16 / bfloat16: Keras's mixed precision. Where the casts sit,
as in Keras (``Layer.__call__``, ``keras/src/layers/layer.py``):

1. the inputs are cast to ``compute_dtype`` on entry (only float inputs; a recorded cast, so a float32
   input gets a float32 gradient);
2. inside ``call`` every read of a weight is cast to ``compute_dtype`` (Keras's ``AutocastScope``; here
   :meth:`reference.layers.Layer.autocast`), and the gradient of that cast casts back, so the optimizer
   sees float32 gradients of float32 weights (TF's ``Cast`` gradient);
3. the loss converts ``y_pred`` to its own dtype, ``floatx()`` (float32), so losses and metrics are computed
   in float32 (``keras/src/losses/loss.py``, ``Loss.__call__``); ``CompileLoss`` casts the total to float32.

A layer built with ``dtype=None`` takes the global policy at construction. The global policy is
``DTypePolicy(floatx())`` until :func:`set_dtype_policy` sets one. One departure: Keras caches that default
at its first read, so a later ``set_floatx("float64")`` no longer reaches new layers (``tf_impl/floatx.py``
sets Keras's policy too for that reason); the reference's default follows ``floatx()`` until a policy is set,
so ``set_floatx("float64")`` alone still makes the float64 oracle.
"""

from .. import backend_config as config

_global_policy = None


class DTypePolicy:
    """A layer's compute and variable dtypes, named as Keras names them.

    Args:
        name: ``"mixed_float16"`` (compute float16, variables float32), ``"mixed_bfloat16"`` (compute bfloat16,
            variables float32), or a float dtype name (``"float16"``, ``"bfloat16"``, ``"float32"``,
            ``"float64"``) for both. ``None``: the global policy's name.

    Raises:
        TypeError: ``name`` is not a string (as Keras).
        ValueError: ``name`` is neither a mixed policy nor a float dtype (Keras's message). Keras also accepts
            integer dtypes (for preprocessing layers); the reference's layers compute in floats only.

    >>> policy = DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)

    def _parse_name(self, name):
        """``(compute_dtype, variable_dtype)`` of a policy name."""
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: name={name} "
                            f"(of type {type(name)})")
        if name == "mixed_float16":
            return "float16", "float32"
        if name == "mixed_bfloat16":
            return "bfloat16", "float32"
        try:
            dtype = config.standardize_dtype(name).name
        except (TypeError, ValueError) as error:
            raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy: the policy `name` (a "
                             "layer's `dtype`) must be 'mixed_float16', 'mixed_bfloat16', or the name of a float "
                             f"dtype such as 'float32'. ({error})") from None
        return dtype, dtype

    @property
    def name(self):
        """The policy's name, e.g. ``"mixed_float16"``."""
        return self._name

    @property
    def compute_dtype(self):
        """The dtype a layer's ``call`` computes in and returns, as a string."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype a layer's weights are created in, as a string."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """Always ``None``: the reference has no quantized policies."""
        return None

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and self._name == other._name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


FloatDTypePolicy = DTypePolicy  # Keras's alias (a subclass there; the same class here)


def set_dtype_policy(policy):
    """Set the global dtype policy: a policy name (``"mixed_float16"``) or a :class:`DTypePolicy`.

    Layers created afterwards with ``dtype=None`` take it; existing layers keep theirs. Mirrors
    ``keras.config.set_dtype_policy`` (``keras.mixed_precision.set_global_policy``).
    """
    global _global_policy
    if not isinstance(policy, DTypePolicy):
        if not isinstance(policy, str):
            raise ValueError("Invalid `policy` argument. Expected the string name of a policy (such as "
                             f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy} "
                             f"(of type {type(policy)})")
        policy = DTypePolicy(policy)
    _global_policy = policy


def dtype_policy():
    """The global dtype policy: the one last set, else ``DTypePolicy(floatx())`` (see the module docstring)."""
    return DTypePolicy(config.floatx()) if _global_policy is None else _global_policy


def reset_dtype_policy():
    """Forget the policy set, so that the default follows ``floatx()`` again.

    Keras's way is ``keras.utils.clear_session()``, which forgets the global policy with the rest of its global
    state (the layer-name counters too); Keras's ``set_dtype_policy(None)`` raises. The tests' fixtures call this
    between tests.
    """
    global _global_policy
    _global_policy = None
