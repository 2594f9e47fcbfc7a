"""The optimizer base class, mirroring ``keras/src/optimizers/base_optimizer.py``.

Each ``update_step`` performs, in place and in the same order of operations,
the arithmetic that Keras's ``update_step`` performs, so float32 results agree
to the last few ulps. Scalars are cast to the variable's dtype the way Keras
casts them: ``learning_rate`` is stored as a ``floatx()`` scalar when the
optimizer is created (Keras keeps it in a ``floatx`` variable); a Python float
that Keras passes to ``ops.cast`` goes through float32 first (:func:`keras_cast`:
``tf.cast`` of a Python float makes a float32 tensor), while a Python float that
Keras passes straight to an op (``ops.multiply(x, 1 - beta_1)``) is converted to
the variable's dtype exactly.

**The options of every optimizer**, one code path each, in Keras's order
(``BaseOptimizer.apply`` then ``_backend_apply_gradients``):

1. ``None`` gradients are dropped (all ``None`` is an error);
2. ``loss_scale_factor``: every gradient is divided by it;
3. ``gradient_accumulation_steps = n``: on the calls where
   ``(iterations_real + 1) % n != 0`` the gradient is *added* to an accumulator
   and nothing else happens to the variables; on the n-th call the update runs
   with ``(g + accumulator) / n`` (the mean of the n gradients) and the
   accumulators are zeroed;
4. the update: ``clipnorm`` (each gradient by its own norm) or
   ``global_clipnorm`` (all gradients by their joint norm) or ``clipvalue``;
   then ``weight_decay`` (``w ← w - w·wd·lr``, decoupled, *before* the
   optimizer's own rule, skipping the variables excluded by
   :meth:`Optimizer.exclude_from_weight_decay`); then ``update_step`` per variable;
5. ``use_ema``: after every call (update or accumulation), each average becomes
   ``μ·avg + (1 - μ)·w`` with ``μ = ema_momentum``, except ``μ = 0`` while
   ``iterations == 0``; with ``ema_overwrite_frequency = f`` the variables are
   overwritten by their averages when ``(iterations + 1) % f == 0``;
6. ``iterations_real += 1``.

``iterations`` is Keras's: the real count floor-divided by
``gradient_accumulation_steps`` (so Adam's bias correction counts updates, not
calls), while a learning-rate schedule is evaluated at the real count.

An option that is off costs one Python test per step: no pass over the weights.

The in-place arithmetic uses two scratch buffers per variable, allocated once,
so a step allocates nothing.

**One pass over all the weights.** A model keeps its weights in one buffer, each a view of it
(:meth:`reference.models.Model.build`). When an optimizer is built on such variables, every slot
and scratch buffer is laid out the same way (a :class:`Slots` list of views, and ``.whole``, the
array they are views of). An ``elementwise`` optimizer, whose rule treats every entry alone, then
runs its ``update_step`` once per step, on the whole buffer, with ``index`` :data:`WHOLE`: the
same formula and the same roundings entry by entry, so the same bits, in 12 NumPy calls instead of
48 for the handbook's Adam. The gradients are copied into one buffer first; everything before
the update (clipping, which needs each variable's own norm, weight decay and its exclusions,
accumulation) still runs per variable. As PyTorch's ``foreach``/``fused`` optimizers, it is an
arrangement of memory, not a different algorithm: ``variables``, slots and results are unchanged.

**Subnormals.** TensorFlow runs its CPU kernels with flush-to-zero: a result
smaller than the dtype's ``tiny`` (1.2e-38 in float32) becomes exactly 0.
Adam's first moment decays by ``β₁`` on every step a weight gets no gradient
(a border pixel of MNIST), so after ~800 such steps TF holds 0 where plain
IEEE arithmetic holds a subnormal number, and subnormal arithmetic is ~40x
slower on x86. NumPy cannot switch flush-to-zero on, so every
``FLUSH_EVERY`` steps the optimizer sets its subnormal slot entries to 0. The
weights are unaffected (a subnormal step is far below half an ulp of any
weight); slots differ from TF's by less than ``tiny`` in between.
"""

import numbers
import re
import warnings

import numpy as np

from .. import config
from ..ops import keras_cast
from ..utils.argument_validation import check_float, is_number
from ..utils.naming import auto_name
from .schedules import learning_rate_schedule

FLUSH_EVERY = 64


def _gradient(g, dtype):
    """A gradient as Keras's ``apply`` keeps it: a float array in its own dtype (a float16 gradient unscaled by
    ``LossScaleOptimizer`` is float32), anything else converted to the variable's ``dtype``. Clipping and
    accumulation run in that dtype; ``update_step`` casts it to the variable's (Keras's ``ops.cast(gradient,
    variable.dtype)``), except where Keras does not (:attr:`Optimizer.casts_gradient`)."""
    if isinstance(g, np.ndarray) and config.is_float_dtype(g.dtype):
        return g
    return np.asarray(g, dtype=dtype)


class _Whole:
    def __repr__(self):
        return "WHOLE"


WHOLE = _Whole()
"""The ``index`` an ``update_step`` gets when it updates every variable at once (see :class:`Slots`)."""


class Slots(list):
    """A slot per variable, each a view of one array, ``whole``: ``slots[i]`` is variable ``i``'s,
    ``slots[WHOLE]`` is ``whole``, so an ``update_step`` reads ``self.momentums[index]`` either way."""

    def __init__(self, views, whole):
        super().__init__(views)
        self.whole = whole

    def __getitem__(self, index):
        return self.whole if index is WHOLE else super().__getitem__(index)


def one_buffer(variables):
    """The 1-d array that ``variables`` are consecutive C-contiguous views of, in order; ``None`` if they are not."""
    if not variables or any(not isinstance(v, np.ndarray) for v in variables):
        return None
    base = variables[0].base
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    itemsize, start = base.itemsize, base.__array_interface__["data"][0]
    offset = (variables[0].__array_interface__["data"][0] - start) // itemsize
    position = offset
    for v in variables:
        if (v.base is not base or not v.flags.c_contiguous or v.dtype != base.dtype
                or v.__array_interface__["data"][0] != start + position * itemsize):
            return None
        position += v.size
    return base[offset:position]


class Optimizer:
    r"""Base class: the options every optimizer takes, slot bookkeeping, ``apply_gradients`` and the step counter.

    Formula:

    $$
    \begin{aligned}
    g &\leftarrow g / \ell && \text{(loss\_scale\_factor)} \\
    g &\leftarrow \tfrac1n\big(g + a\big),\ a \leftarrow 0 \ \text{on every } n\text{-th call; else } a \leftarrow a + g
      \text{ and stop} && \text{(gradient\_accumulation\_steps)} \\
    g &\leftarrow g\,\frac{c}{\max(\lVert g \rVert, c)}
      \ \text{ or }\ g\, c \min\Big(\frac{1}{\lVert G \rVert}, \frac1c\Big)
      \ \text{ or }\ \mathrm{clip}(g, -c, c) && \text{(clipnorm, global\_clipnorm, clipvalue)} \\
    w &\leftarrow w - w\,\lambda\,\eta_k && \text{(weight\_decay)} \\
    w &\leftarrow \mathrm{rule}(w, g, \eta_k) && \text{(the optimizer's update\_step)} \\
    \bar w &\leftarrow \mu_e \bar w + (1 - \mu_e)\, w, \quad \mu_e = 0 \text{ while } t = 0 && \text{(use\_ema)}
    \end{aligned}
    $$

    for each variable $w$ and its gradient $g$ at each call, where $k$ is the real count of calls so far,
    $\eta_k$ the learning rate (a schedule's value at $k$), $t$ = ``iterations`` = $\lfloor k/n \rfloor$, $\ell$ =
    ``loss_scale_factor``, $n$ = ``gradient_accumulation_steps``, $a$ the accumulator, $c$ the clipping option
    that is set, $\lVert g \rVert$ the L2 norm of one gradient, $\lVert G \rVert$ that of all gradients
    concatenated, $\lambda$ = ``weight_decay`` (rounded to float32; skipped for excluded variables), $\bar w$
    the moving average and $\mu_e$ = ``ema_momentum``. With ``ema_overwrite_frequency`` $f$ the variables
    become $\bar w$ when $(t + 1) \bmod f = 0$. Then $k \leftarrow k + 1$.

    Keras vs the textbook:

    * The weight decay is decoupled (Loshchilov & Hutter, 2019) for *every* optimizer, and multiplied by the
      learning rate: $\lambda\eta$, not the paper's $\lambda$ times a schedule multiplier. It is applied to the
      weights before the rule, never added to the gradient as an L2 penalty.
    * ``clipnorm`` clips each variable's gradient by its own norm; only ``global_clipnorm`` is the "clip by
      global norm" of Pascanu et al. (2013).
    * Gradient accumulation averages (divides the sum by $n$), and ``iterations`` counts updates, so bias
      corrections count updates while a schedule counts calls.
    * The moving average starts at the first updated weights ($\mu_e = 0$ at $t = 0$), not at 0 and with no
      bias correction.

    Example:

    >>> import numpy as np
    >>> import reference as rk
    >>> w = np.float32([2.0, 0.0])
    >>> opt = rk.optimizers.SGD(learning_rate=1.0, weight_decay=0.5, clipnorm=1.0)
    >>> _ = opt.apply_gradients([(np.float32([3.0, 4.0]), w)])
    >>> np.round(w, 4) # g clipped to (0.6, 0.8); decay w·(1 - 0.5·1) = (1, 0); then w - g
    array([ 0.4, -0.8], dtype=float32)
    >>> _ = opt.apply_gradients([(np.float32([0.0, 0.0]), w)])
    >>> np.round(w, 4) # a zero gradient has norm 0 and is left as is: only the decay
    array([ 0.2, -0.4], dtype=float32)

    Args:
        learning_rate: a float, a :class:`~reference.optimizers.schedules.LearningRateSchedule`
            (called with the real step count), or a callable of no arguments (called every step).
        weight_decay: float or None. Decoupled decay ``w ← w - w·wd·lr`` before each update.
        clipnorm: float or None. Each gradient is rescaled so that its own L2 norm is at most this.
        clipvalue: float or None. Each gradient entry is clipped to ``[-clipvalue, clipvalue]``.
        global_clipnorm: float or None. All gradients are rescaled together so that their joint norm is at
            most this. At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of the variables.
        ema_momentum: float in [0, 1], default 0.99.
        ema_overwrite_frequency: int >= 1 or None: overwrite the variables by their averages every this many
            ``iterations``; with None only :meth:`finalize_variable_values` does.
        loss_scale_factor: float or None. :meth:`scale_loss` multiplies the loss by it and ``apply`` divides
            the gradients by it.
        gradient_accumulation_steps: int >= 2 or None. Update every n-th call with the mean of the n gradients.
        name: a name for the optimizer.

    Attributes:
        iterations: how many updates ran (Keras's ``optimizer.iterations``: calls of ``apply_gradients``,
            floor-divided by ``gradient_accumulation_steps``).
    """

    SLOTS = ()  # the names of the per-variable slot lists, in Keras's build order
    elementwise = False  # whether update_step treats every entry alone (then it may run once on WHOLE)
    casts_gradient = True  # whether Keras's update_step starts with ops.cast(gradient, variable.dtype)

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = name or auto_name(type(self).__name__)
        if weight_decay is not None:
            weight_decay = check_float("weight_decay", weight_decay)
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = (
            None if v is None else check_float(n, v) for n, v in
            (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)))
        self.use_ema = bool(use_ema)
        self.loss_scale_factor = loss_scale_factor
        if gradient_accumulation_steps and not (isinstance(gradient_accumulation_steps, numbers.Integral)
                                                and gradient_accumulation_steps >= 2):
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={gradient_accumulation_steps}")
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if use_ema:
            if not is_number(ema_momentum) or ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self._iterations = 0
        self._learning_rate = self._make_learning_rate(learning_rate)
        self.built = False
        self._index = None  # id(variable) -> position, fixed by `build`
        self._trainable_variables = []
        self._names = []
        self._scratch = []
        self._whole = self._whole_gradient = None  # the variables' one buffer, and one for their gradients
        self.model_variables_moving_average = []   # Keras's _model_variables_moving_average
        self.accumulated_gradients = []            # Keras's _accumulated_gradients
        self._exclude_ids, self._exclude_pattern, self._decay_cache = set(), None, {}

    # --- learning rate and step count -----------------------------------------------------------

    @staticmethod
    def _make_learning_rate(learning_rate):
        if isinstance(learning_rate, learning_rate_schedule.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        # Keras's contract is `isinstance(learning_rate, float)`: an int (`learning_rate=1`) or a np.float32 is
        # refused, a np.float64 (a float subclass) accepted. Any sign is: a negative rate ascends the loss.
        if not isinstance(learning_rate, float):
            raise ValueError("Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                             "or a callable (that takes in the current iteration value and returns the "
                             f"corresponding learning rate value). Received instead: learning_rate={learning_rate!r}")
        return np.asarray(learning_rate, dtype=config.floatx())

    @property
    def iterations(self):
        """Keras's ``iterations``: updates so far (calls, floor-divided by ``gradient_accumulation_steps``)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    def _current_learning_rate(self):
        """The learning rate of this step as a 0-d array: a schedule at the real step count, as Keras."""
        lr = self._learning_rate
        if isinstance(lr, np.ndarray):
            return lr
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            value = lr(np.int64(self._iterations))  # Keras's `_iterations` is an int64 variable
        else:
            value = lr()
        value = np.asarray(value)
        return value if value.dtype.kind == "f" else value.astype(config.floatx())

    @property
    def learning_rate(self):
        """The learning rate, as Keras reads it: the stored ``floatx()`` scalar, or the schedule's value at
        the real step count (float32 for a schedule built from Python floats, as in Keras)."""
        return self._current_learning_rate()[()]

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, learning_rate_schedule.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, learning_rate_schedule.LearningRateSchedule):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as its "
                            "`learning_rate` constructor argument, hence its learning rate is not settable. If you "
                            "need the learning rate to be settable, you should instantiate the optimizer with a "
                            "float `learning_rate` argument.")
        dtype = self._learning_rate.dtype if isinstance(self._learning_rate, np.ndarray) else config.floatx()
        self._learning_rate = np.asarray(check_float("learning_rate", value), dtype=dtype)  # Keras's `assign`

    # --- building ---------------------------------------------------------------------------------

    def build(self, variables, names=None):
        """Create the slots for ``variables``; called by the first ``apply_gradients``.

        Args:
            variables: the float arrays to optimise.
            names: optional Keras-style paths (``"dense/kernel"``), one per variable, for
                ``exclude_from_weight_decay(var_names=...)``, Muon's exclusions and ``OptimizerMap``;
                without them a variable's path is its ``path`` attribute, else ``""``.
        """
        variables = list(variables)
        if names is None:
            names = [getattr(v, "path", "") for v in variables]
        if len(names) != len(variables):
            raise ValueError(f"`names` has {len(names)} entries for {len(variables)} variables.")
        self._trainable_variables = variables  # held, so that no other array can take over their ids
        self._names = list(names)
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._whole = one_buffer(variables)
        self._whole_gradient = np.empty_like(self._whole) if self._whole is not None and self.elementwise else None
        t, u = self._zeros_like_each(variables), self._zeros_like_each(variables)  # the scratch pair
        self._scratch = Slots(list(zip(t, u)), (t.whole, u.whole)) if self._whole is not None else list(zip(t, u))
        if self.use_ema:
            self.model_variables_moving_average = self._zeros_like_each(variables)
        if self.gradient_accumulation_steps:
            self.accumulated_gradients = self._zeros_like_each(variables)
        self.built = True

    def _full_like_each(self, variables, value):
        """One slot per variable holding ``value`` as Keras's ``Constant`` initializer casts it (through float32,
        :func:`keras_cast`): views of one array when the variables are."""
        if self._whole is None:
            return [np.full_like(v, keras_cast(value, v.dtype)) for v in variables]
        whole = np.full_like(self._whole, keras_cast(value, self._whole.dtype))
        views, offset = [], 0
        for v in variables:
            views.append(whole[offset: offset + v.size].reshape(v.shape))
            offset += v.size
        return Slots(views, whole)

    def _zeros_like_each(self, variables):
        return self._full_like_each(variables, 0.0)

    def _path(self, index):
        return self._names[index] if index < len(self._names) else ""

    def _slot_arrays(self, stored=False):
        """Every slot array (moments, velocities, ...), from the lists named in ``SLOTS``: one per variable, in
        Keras's order; with ``stored``, as few arrays as they are stored in (each list's ``whole`` where it has
        one), for work that reads every entry once whatever the variable."""
        lists = [getattr(self, name) for name in self.SLOTS]
        if stored:
            lists = [[slots.whole] if isinstance(slots, Slots) else slots for slots in lists]
        return [a for slots in lists for a in slots if a is not None]

    @property
    def variables(self):
        """The optimizer's state arrays in Keras's order: EMA averages, gradient accumulators, then the slots."""
        return self.model_variables_moving_average + self.accumulated_gradients + self._slot_arrays()

    # --- weight decay -----------------------------------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables from weight decay: those in ``var_list``, and those whose name (the last part of
        the path) contains one of ``var_names`` (a regular-expression search, as Keras). Call before ``build``."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._decay_cache = {}

    def _use_weight_decay(self, index, variable):
        cached = self._decay_cache.get(index)
        if cached is None:
            name = self._path(index).rsplit("/", 1)[-1]
            cached = not (id(variable) in self._exclude_ids
                          or (self._exclude_pattern is not None and self._exclude_pattern.search(name)))
            self._decay_cache[index] = cached
        return cached

    def _apply_weight_decay(self, variables, learning_rate):
        """``w ← w - w·wd·lr`` for each variable not excluded (Keras: ``variable.assign_sub(variable * wd * lr)``,
        ``wd`` through ``ops.cast``)."""
        if self.weight_decay is None:
            return
        for variable in variables:
            index = self._index[id(variable)]
            if self._use_weight_decay(index, variable):
                self._decay(variable, index, self.weight_decay, learning_rate)

    def _decay(self, variable, index, weight_decay, learning_rate):
        t = self._scratch[index][0]
        np.multiply(variable, keras_cast(weight_decay, variable.dtype), out=t)
        t *= learning_rate.astype(variable.dtype)
        variable -= t

    # --- clipping ---------------------------------------------------------------------------------

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [self._clip_by_value(g) for g in grads]
        return grads

    def _clip_by_value(self, g):
        """``tf.clip_by_value(g, -clipvalue, clipvalue)``: the bounds in ``g``'s dtype, and so the result (NumPy's
        ``clip`` of a bfloat16 array returns float32)."""
        bound = g.dtype.type(self.clipvalue)
        return np.clip(g, -bound, bound).astype(g.dtype, copy=False)

    def _clip_by_norm(self, g):
        """``tf.clip_by_norm(g, clipnorm)``: ``g·c / max(‖g‖, c)`` (the norm of an all-zero gradient is 0)."""
        dtype = g.dtype.type
        l2sum = np.sum(np.square(g), dtype=g.dtype)
        l2norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
        clipnorm = dtype(self.clipnorm)
        return (g * clipnorm) / np.maximum(l2norm, clipnorm)

    # --- applying ---------------------------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """Update each variable in place from its gradient, then count the step.

        Args:
            grads_and_vars: an iterable of ``(gradient, variable)`` pairs, as
                ``zip(grads, model.variables)``. ``None`` gradients are skipped,
                as in Keras; all ``None`` is an error.

        Returns:
            Keras's ``optimizer.iterations`` after the step.
        """
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """``apply_gradients(zip(grads, trainable_variables))``, Keras 3's spelling; without
        ``trainable_variables``, the variables the optimizer was built with."""
        grads = list(grads)
        if len(grads) == 0:
            return self.iterations  # Keras: a no-op
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first.")
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"`grads` has {len(grads)} entries for {len(variables)} variables.")
        for i, v in enumerate(variables):
            if not isinstance(v, np.ndarray) or not config.is_float_dtype(v.dtype):
                raise ValueError(f"variable {i} must be a float NumPy array, got {type(v).__name__} "
                                 f"{getattr(v, 'dtype', '')}.")
        if not self.built:
            self.build(variables)
        kept_grads, kept_vars = [], []
        for g, v in zip(grads, variables):
            if g is None:
                continue
            i = self._index.get(id(v))
            if i is None:
                raise ValueError(f"{self.name} was built for other variables; got a new variable of shape "
                                 f"{v.shape}. Create one optimizer per set of variables.")
            if np.shape(g) != v.shape:
                raise ValueError(f"gradient for variable {i} has shape {np.shape(g)}, "
                                 f"but the variable has shape {v.shape}.")
            kept_grads.append(_gradient(g, v.dtype))
            kept_vars.append(v)
        if not kept_grads:
            raise ValueError(f"No gradients provided for any variable: {[v.shape for v in variables]}.")
        if self.loss_scale_factor is not None:
            kept_grads = [g / g.dtype.type(self.loss_scale_factor) for g in kept_grads]
        self._backend_apply_gradients(kept_grads, kept_vars)
        self._iterations += 1
        if self._iterations % FLUSH_EVERY == 0:
            self._flush_subnormals()
        return self.iterations

    def _backend_apply_gradients(self, grads, variables):
        """Keras's ``BaseOptimizer._backend_apply_gradients``: accumulation, clipping, weight decay, the
        update, EMA."""
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [self.accumulated_gradients[self._index[id(v)]] for v in variables]
            if (self._iterations + 1) % steps == 0:
                grads = [(g + a) / g.dtype.type(steps) for g, a in zip(grads, accumulators)]
                self._update(grads, variables)
                for a in self.accumulated_gradients:
                    a.fill(0)
            else:
                for g, a in zip(grads, accumulators):
                    a += g
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _update(self, grads, variables):
        grads = self._clip_gradients(grads)
        learning_rate = self._current_learning_rate()
        self._apply_weight_decay(variables, learning_rate)
        self._backend_update_step(grads, variables, learning_rate)

    def _backend_update_step(self, grads, variables, learning_rate):
        """``update_step`` for each pair, with the learning rate cast to the variable's dtype once per dtype;
        one ``update_step`` on :data:`WHOLE` when the optimizer is ``elementwise`` and ``variables`` are all
        those it was built on, in one buffer (see the module docstring)."""
        if self._whole_gradient is not None and self._is_whole(variables):
            np.concatenate([g.reshape(-1) for g in grads], out=self._whole_gradient)
            lr = learning_rate.astype(self._whole.dtype, copy=False)
            self.update_step(self._whole_gradient, self._whole, lr, WHOLE)
            return
        cast = {learning_rate.dtype: learning_rate}
        for g, v in zip(grads, variables):
            lr = cast.get(v.dtype)
            if lr is None:
                lr = cast[v.dtype] = learning_rate.astype(v.dtype)
            if self.casts_gradient:
                g = g.astype(v.dtype, copy=False)
            self.update_step(g, v, lr, self._index[id(v)])

    def _is_whole(self, variables):
        built = self._trainable_variables
        return len(variables) == len(built) and all(a is b for a, b in zip(variables, built))

    def update_step(self, gradient, variable, learning_rate, index):
        """Update ``variable`` (and its slots, at ``index``) in place from ``gradient``."""
        raise NotImplementedError

    # --- EMA --------------------------------------------------------------------------------------

    def _update_model_variables_moving_average(self, variables):
        """``avg ← μ·avg + (1 - μ)·w``, with ``μ = 0`` at ``iterations == 0`` (the average starts at ``w``)."""
        not_first_step = self.iterations != 0
        for variable, average in zip(variables, self.model_variables_moving_average):
            dtype = variable.dtype.type
            momentum = dtype(not_first_step) * dtype(self.ema_momentum)
            average *= momentum
            average += (dtype(1) - momentum) * variable

    def _overwrite_model_variables_with_average_value(self, variables):
        if len(variables) != len(self.model_variables_moving_average):
            raise ValueError(f"The length of model variables ({len(variables)}) to override does not match the "
                             "length of model variables stored in the optimizer "
                             f"({len(self.model_variables_moving_average)}). Please check if the optimizer was "
                             "called on your model.")
        for variable, average in zip(variables, self.model_variables_moving_average):
            variable[...] = average

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrite ``var_list`` by the moving averages (``fit`` calls it after the last
        epoch); otherwise nothing."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(list(var_list))

    # --- loss scaling, subnormals, config ---------------------------------------------------------

    def scale_loss(self, loss):
        """``loss · loss_scale_factor`` (the loss unchanged without one), before the gradients are taken."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def _flush_subnormals(self):
        """Set slot entries below the dtype's ``tiny`` to 0, as TF's flush-to-zero would."""
        for slot in self._slot_arrays(stored=True):
            np.copyto(slot, 0, where=np.abs(slot) < np.finfo(slot.dtype).tiny)

    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            lr = learning_rate_schedule.serialize(lr)
        elif isinstance(lr, np.ndarray):
            lr = float(lr)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = learning_rate_schedule.deserialize(config["learning_rate"])
        return cls(**config)


def global_norm(value_list):
    """``sqrt(Σ_v Σ v²)`` over the gradients (Keras's ``global_norm``)."""
    squared = [np.sum(np.square(v), dtype=v.dtype) for v in value_list if v is not None]
    return np.sqrt(np.sum(np.stack(squared)))


def clip_by_global_norm(value_list, clip_norm):
    """Keras's ``clip_by_global_norm``: each gradient times ``c·min(1/‖g‖, 1/c)`` (NaN if the norm is not
    finite)."""
    use_norm = global_norm(value_list)
    dtype = use_norm.dtype.type
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_for_finite = dtype(clip_norm) * np.minimum(dtype(1.0) / use_norm, dtype(1.0 / clip_norm))
        scale = scale_for_finite + (use_norm - use_norm)
    return [v * scale if v is not None else v for v in value_list]
