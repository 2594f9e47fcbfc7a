"""Layers, as ``keras.layers``: the ``Layer`` base, ``Dense`` and ``Flatten``.

A layer creates its weights on its first call, from the shape of the input
(``build``), exactly like Keras, so ``Dense(100)`` needs no input size.
"""

import numpy as np

from . import activations, config, dtype_policies, initializers, ops
from .tape import mark_trainable
from .utils.argument_validation import check_positive_int
from .utils.naming import auto_name


class Layer:
    """Base class: holds weights, builds them lazily, tracks sublayers in order.

    Subclasses implement ``build(input_shape)`` (create weights with
    ``add_weight``) and ``call(inputs)``. Sublayers assigned as attributes are
    tracked in assignment order, which fixes the order of ``variables``.

    ``dtype`` is a dtype policy or its name (``None``: the global policy, see
    ``reference/dtype_policies/dtype_policy.py``): weights are created in its
    ``variable_dtype``, inputs are cast to its ``compute_dtype`` on entry, and
    ``call`` reads each weight through :meth:`autocast`, as Keras does.
    """

    def __init__(self, name=None, dtype=None, trainable=True):
        object.__setattr__(self, "_layers", [])
        self.name = name or auto_name(type(self).__name__)
        self._dtype_policy = dtype_policies.get(dtype)
        self.trainable = trainable
        self.built = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._weight_names = []

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and value is not self and not any(value is layer for layer in self._layers):
            self._layers.append(value)
        object.__setattr__(self, name, value)

    @property
    def dtype_policy(self):
        """The layer's :class:`~reference.dtype_policies.DTypePolicy`."""
        return self._dtype_policy

    @property
    def dtype(self):
        """Alias of ``variable_dtype``, as in Keras."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights (float32 under ``"mixed_float16"``)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        """The dtype of the layer's computation and outputs (float16 under ``"mixed_float16"``)."""
        return self._dtype_policy.compute_dtype

    def autocast(self, variable):
        """``variable`` as ``call`` reads it: cast to ``compute_dtype``, the weight itself when the dtypes agree.

        Keras's ``Layer.__call__`` enters an ``AutocastScope(compute_dtype)`` when the policy is mixed, and
        inside it each read of a float variable is a ``tf.cast``; its gradient casts the float16 gradient
        back to float32 (TF's ``Cast`` gradient), so the optimizer updates float32 weights with float32
        gradients that were computed in float16.
        """
        return ops.cast(variable, self.compute_dtype)

    def _convert_input(self, inputs):
        """``inputs`` as an array of ``compute_dtype``: a float array through a recorded cast (its gradient
        comes back in its own dtype), anything else converted (Keras casts float inputs only; the
        reference's layers compute in floats, so integer images are converted too)."""
        if isinstance(inputs, np.ndarray) and inputs.dtype == self.compute_dtype:
            return inputs
        if isinstance(inputs, np.ndarray) and config.is_float_dtype(inputs.dtype):
            return ops.cast(inputs, self.compute_dtype)
        return np.asarray(inputs, dtype=self.compute_dtype)

    def add_weight(self, shape, initializer="glorot_uniform", trainable=True, name=None):
        """Create, register and return a weight array of ``shape`` in the layer's ``variable_dtype``."""
        dtype = self.variable_dtype
        value = np.ascontiguousarray(initializers.get(initializer)(tuple(shape), dtype), dtype=dtype)
        value.setflags(write=True)
        if trainable:
            self._trainable_weights.append(mark_trainable(value))
        else:
            self._non_trainable_weights.append(value)
        self._weight_names.append(f"{self.name}/{name or 'weight'}")
        return value

    def build(self, input_shape):
        """Create the weights; the default layer has none."""

    def call(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} must implement `call`.")

    def __call__(self, inputs, *args, **kwargs):
        inputs = self._convert_input(inputs)
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        return self.call(inputs, *args, **kwargs)

    @property
    def layers(self):
        """The directly tracked sublayers, in assignment order."""
        return list(self._layers)

    @property
    def trainable_weights(self):
        """Trainable weights of this layer, then of its sublayers, in order."""
        own = self._trainable_weights if self.trainable else []
        return own + [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        frozen = [] if self.trainable else self._trainable_weights
        return frozen + self._non_trainable_weights + [w for layer in self._layers for w in layer.non_trainable_weights]

    @property
    def weights(self):
        """All weights, in Keras's order: each layer's kernel, then its bias, layer by layer."""
        sublayers = [w for layer in self._layers for w in layer.weights]
        return self._trainable_weights + self._non_trainable_weights + sublayers

    @property
    def variables(self):
        return self.weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def weight_names(self):
        """``"layer/weight"`` names, aligned with ``weights``."""
        return self._weight_names + [n for layer in self._layers for n in layer.weight_names]

    def get_weights(self):
        """Copies of all weights, in ``weights`` order (Keras's ``Layer.get_weights``)."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy ``weights`` (arrays, e.g. a tf.keras layer's ``get_weights()``) into the weights, in place.

        Raises ``ValueError``, as Keras does, when the number of arrays or a shape differs (an unbuilt layer
        has no weights yet).
        """
        weights = list(weights)
        if len(weights) != len(self.weights):
            described = ", ".join(f"{n} {w.shape}" for n, w in zip(self.weight_names, self.weights)) or "none yet"
            raise ValueError(f"{self.name}: `weights` has {len(weights)} arrays, but the layer has "
                             f"{len(self.weights)}: {described}.")
        for name, w, new in zip(self.weight_names, self.weights, weights):
            new = np.asarray(new)
            if new.shape != w.shape:
                raise ValueError(f"{self.name}: weight {name} has shape {w.shape}, "
                                 f"but `weights` gives shape {new.shape}.")
            w[...] = new

    def count_params(self):
        """The number of scalars in all weights."""
        return int(sum(w.size for w in self.weights))

    def get_config(self):
        return {"name": self.name, "dtype": self._dtype_policy.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def replace_weights(layer, replacements):
    """Put ``replacements[id(w)]`` wherever weight ``w`` is held, in ``layer`` and its sublayers.

    That is, in the weight lists and in attributes such as ``layer.kernel``. The
    caller registers a replacement of a trainable weight as trainable.
    """
    for weights in (layer._trainable_weights, layer._non_trainable_weights):
        weights[:] = [replacements.get(id(w), w) for w in weights]
    for name, value in list(vars(layer).items()):
        if isinstance(value, np.ndarray) and id(value) in replacements:
            object.__setattr__(layer, name, replacements[id(value)])
    for sublayer in layer._layers:
        replace_weights(sublayer, replacements)


class Dense(Layer):
    """``outputs = activation(inputs @ kernel + bias)``: the handbook's fully connected layer.

    In the handbook's neuron view, unit ``k`` computes ``Q_k = f(Σᵢ w_ik P_i + b_k)``:
    column ``k`` of the kernel holds its weights ``w_·k``.

    Args:
        units: positive int, the size of the output (``kernel`` is (in, units)).
        activation: a function or a name ("relu", "softmax", "sigmoid",
            "linear"); ``None`` means linear.
        use_bias: whether to add the bias vector (shape (units,)).
        kernel_initializer, bias_initializer: names or ``f(shape, dtype)``.

    Inputs of rank > 2, e.g. (batch, time, features), are applied along the
    last axis. Parameters: ``in·units + units``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: `inputs` must have rank >= 2 (batch, features), got shape {input_shape}.")
        self.kernel = self.add_weight((input_shape[-1], self.units), self.kernel_initializer, name="kernel")
        self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias") if self.use_bias else None

    def call(self, inputs):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: `inputs` has {inputs.shape[-1]} features on its last axis (shape {inputs.shape}), "
                f"but the kernel expects {self.kernel.shape[0]} (kernel shape {self.kernel.shape})."
            )
        x = inputs if inputs.ndim == 2 else ops.reshape(inputs, (-1, inputs.shape[-1]))
        x = ops.matmul(x, self.autocast(self.kernel))
        if self.use_bias:
            x = ops.add(x, self.autocast(self.bias))
        if inputs.ndim != 2:
            x = ops.reshape(x, inputs.shape[:-1] + (self.units,))
        return self.activation(x)

    def get_config(self):
        name = getattr(self.activation, "__name__", None)
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias,
                "activation": name if name in activations.ALL else self.activation}


class Flatten(Layer):
    """Reshape (batch, d1, d2, ...) to (batch, d1·d2·...). No weights."""

    def call(self, inputs):
        if inputs.ndim < 1:
            raise ValueError(f"{self.name}: `inputs` must have a batch axis, got a scalar.")
        return ops.reshape(inputs, (inputs.shape[0], -1))
