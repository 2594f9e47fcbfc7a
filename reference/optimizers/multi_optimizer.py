"""``OptimizerMap`` and ``MultiOptimizer``, mirroring ``keras/src/optimizers/multi_optimizer.py``."""

import re
from collections.abc import MutableMapping

from .base_optimizer import Optimizer


def _is_loss_scale_optimizer(optimizer):
    return type(optimizer).__name__ == "LossScaleOptimizer"


class OptimizerMap(MutableMapping):
    r"""Variable paths (or regular expressions of them) to optimizers, with a default for the rest.

    ``map[path]``: an exact key first, else the one key that ``re.fullmatch``-es the path (two is an
    error), else ``default_optimizer``. So ``"encoder/.*"`` covers every variable under ``encoder/``,
    while ``"encoder"`` matches only the path ``"encoder"``.

    Formula:

    $$
    \mathrm{map}(p) = \begin{cases}
      \mathrm{opt}_p & \text{if } p \text{ is a key} \\
      \mathrm{opt}_q & \text{if } q \text{ is the only key with } \mathtt{re.fullmatch}(q, p) \\
      \text{error} & \text{if two or more keys full-match } p \\
      \mathrm{opt}_{\mathrm{default}} & \text{otherwise}
    \end{cases}
    $$

    where $p$ is a variable's path (``variable.path`` in Keras, the ``names`` given to ``build`` here),
    $\mathrm{opt}_q$ the optimizer stored under key $q$ and $\mathrm{opt}_{\mathrm{default}}$ the
    ``default_optimizer``. :class:`MultiOptimizer` then updates each variable $w_k$ with
    $\mathrm{map}(p_k)$'s rule.

    Keras vs the textbook:

    * A key is a full match, not a prefix or a search: ``"encoder"`` does not cover ``"encoder/kernel"``.
    * Keys are not tried in order: a path that two patterns full-match is an error, not the first's.

    Example:

    >>> import reference as rk
    >>> sgd, adam = rk.optimizers.SGD(), rk.optimizers.Adam()
    >>> m = rk.optimizers.OptimizerMap(sgd, {"encoder/.*": adam})
    >>> m["encoder/dense/kernel"] is adam, m["encoder"] is sgd     # full match only
    (True, True)
    >>> m["enc.*"] = rk.optimizers.Lion()
    >>> m["encoder/bias"]
    Traceback (most recent call last):
    ...
    ValueError: Multiple optimizers assigned to variable encoder/bias.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"default_optimizer must be a Keras Optimizer instance. Received: {default_optimizer}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = optimizer_map or {}

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}.")
        if matching:
            return self._optimizer_map[matching[0]]
        return self.default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. "
                             "Please make sure to not use duplicated keys.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key}")
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"optimizer must be a Keras Optimizer instance. Received: {optimizer}")
        if _is_loss_scale_optimizer(optimizer):
            raise ValueError("optimizer cannot be LossScaleOptimizer.")
        if isinstance(optimizer, MultiOptimizer):
            raise ValueError("optimizer cannot be MultiOptimizer.")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, path):
        return self[path]


class MultiOptimizer(Optimizer):
    r"""Each variable to its own optimizer: ``optimizer_map`` is an :class:`OptimizerMap` or a callable of the
    variable's path (Keras: of the variable; the reference's variables are arrays, their paths the ``names``
    given to :meth:`build`).

    ``apply`` hands each inner optimizer its variables and gradients (each counts its own ``iterations``, so a
    sub-optimizer that got no variable this step does not count it), then counts its own step.
    ``loss_scale_factor`` is set on every inner optimizer. ``learning_rate`` is an ``AttributeError``, as in
    Keras.

    Formula:

    $$
    w_k \leftarrow \mathrm{rule}_{o(p_k)}\big(w_k,\ g_k,\ \eta_{o(p_k)},\ t_{o(p_k)}\big)
    $$

    for every variable $w_k$ with gradient $g_k$ and path $p_k$, where $o$ is ``optimizer_map`` (an
    :class:`OptimizerMap`'s lookup or any callable), $\mathrm{rule}_o$ the whole ``apply`` of optimizer $o$
    (its clipping, weight decay, update and EMA) on the variables mapped to it, $\eta_o$ its learning rate and
    $t_o$ its own ``iterations``.

    Keras vs the textbook:

    * Each inner optimizer keeps its own step count: one that got no variable on a call does not count it, so
      bias corrections and schedules of different groups may see different $t$.
    * Clipping by ``global_clipnorm`` is per inner optimizer: the "global" norm is over that optimizer's
      variables only.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w1, w2 = np.zeros(1, np.float32), np.zeros(1, np.float32)
    >>> opt = rk.optimizers.MultiOptimizer(
    ...     rk.optimizers.OptimizerMap(rk.optimizers.SGD(1.0), {"encoder/.*": rk.optimizers.SGD(0.5)}))
    >>> opt.build([w1, w2], names=["encoder/kernel", "head/kernel"])
    >>> _ = opt.apply_gradients([(np.float32([1.0]), w1), (np.float32([1.0]), w2)])
    >>> w1, w2                                  # encoder/kernel by SGD(0.5), head/kernel by the default SGD(1.0)
    (array([-0.5], dtype=float32), array([-1.], dtype=float32))
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        if hasattr(optimizer_map, "values"):
            for opt in optimizer_map.values():
                if opt not in self._inner_optimizers:
                    opt.loss_scale_factor = loss_scale_factor
                    self._inner_optimizers.append(opt)
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None and default not in self._inner_optimizers:
            default.loss_scale_factor = loss_scale_factor
            self._inner_optimizers.append(default)

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", []):
            opt.loss_scale_factor = value

    @property
    def optimizers(self):
        return self._inner_optimizers

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the "
                             "individual sub-optimizers instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the "
                             "individual sub-optimizers instead.")

    @property
    def iterations(self):
        return self._iterations

    @property
    def variables(self):
        return [v for opt in self._inner_optimizers for v in opt.variables]

    def build(self, variables, names=None):
        variables = list(variables)
        names = [getattr(v, "path", "") for v in variables] if names is None else list(names)
        self._var_to_optimizer = {}
        grouped = {}
        for var, path in zip(variables, names):
            opt = self._optimizer_map(path)
            if not isinstance(opt, Optimizer):
                raise ValueError(f"Optimizer for variable {path!r} is not an Optimizer instance.")
            if _is_loss_scale_optimizer(opt):
                raise ValueError("LossScaleOptimizer cannot be used inside an MultiOptimizer.")
            if isinstance(opt, MultiOptimizer):
                raise ValueError("MultiOptimizer cannot be used inside an MultiOptimizer.")
            if opt not in self._inner_optimizers:
                opt.loss_scale_factor = self.loss_scale_factor
                self._inner_optimizers.append(opt)
            self._var_to_optimizer[id(var)] = opt
            grouped.setdefault(id(opt), ([], []))
            grouped[id(opt)][0].append(var)
            grouped[id(opt)][1].append(path)
        for opt in self._inner_optimizers:
            if id(opt) in grouped:
                opt.build(*grouped[id(opt)])
        self._trainable_variables = variables
        self._names = names
        self._index = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if len(grads) == 0:
            return self._iterations
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(self._index):
            raise ValueError(f"Gradients must match trainable variables one-to-one. Received {len(grads)} gradients "
                             f"and {len(self._index)} variables.")
        per_optimizer = {}
        for g, v in zip(grads, trainable_variables):
            opt = self._var_to_optimizer[id(v)]
            per_optimizer.setdefault(id(opt), ([], []))
            per_optimizer[id(opt)][0].append(g)
            per_optimizer[id(opt)][1].append(v)
        for opt in self._inner_optimizers:
            if id(opt) in per_optimizer:
                opt.apply(*per_optimizer[id(opt)])
        self._iterations += 1
        return self._iterations

    def finalize_variable_values(self, var_list):
        per_optimizer = {}
        for v in var_list:
            opt = self._var_to_optimizer[id(v)]
            per_optimizer.setdefault(id(opt), []).append(v)
        for opt in self._inner_optimizers:
            if id(opt) in per_optimizer:
                opt.finalize_variable_values(per_optimizer[id(opt)])

    def get_config(self):
        return {"optimizer_map": self._optimizer_map, "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
