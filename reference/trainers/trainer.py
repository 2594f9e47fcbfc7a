"""``compile`` / ``fit`` / ``evaluate`` / ``predict``: the Keras training loop in NumPy.

``Model`` inherits :class:`Trainer`. The loop mirrors Keras 3 on its
TensorFlow backend (``keras/src/trainers/trainer.py``,
``keras/src/backend/tensorflow/trainer.py``) in what changes numbers:

* **One step** (``train_step``): ``y_pred = model(x)``; ``loss`` = the
  compiled losses (:class:`~reference.trainers.compile_utils.CompileLoss`), each
  reduced ``"sum_over_batch_size"`` over its batch; gradients of ``loss``
  with respect to ``trainable_weights``; ``optimizer.apply_gradients``; then
  the metrics are updated with the same ``y_pred`` (computed before the update).
* **The logged ``loss``** is a running ``Mean`` of the batch losses, each
  weighted by its batch size (``_loss_tracker.update_state(loss,
  sample_weight=batch_size)``), so the epoch ``loss`` is the sample mean even
  with a short last batch. Metrics accumulate sample by sample. Both are reset
  at the start of every epoch and of every ``evaluate``.
* **Batches** are consecutive slices of ``batch_size`` (32 by default); the
  last one holds the remaining ``n % batch_size`` samples (it is not
  dropped). ``shuffle=True`` draws a fresh permutation each epoch from NumPy's
  global generator (``np.random.permutation``, as Keras's NumPy/JAX data
  path does; ``np.random.seed`` makes it reproducible, TF's own shuffle
  cannot be reproduced); ``"batch"`` shuffles within each batch.
* **``validation_split``** takes the *last* ``floor``-rounded fraction of the
  samples, before any shuffling, and is ignored when ``validation_data`` is
  given. Validation runs ``evaluate`` at each epoch end; its results are
  logged with a ``val_`` prefix.
* **``class_weight``** becomes per-sample weights ``class_weight.get(class, 1.0)``
  (class = the label, rounded; ``argmax`` of a one-hot row; a trailing axis
  of 1 squeezed), for training only, never validation.
* **Graph or eager: where a softmax's probabilities go.** Keras runs its
  steps under ``tf.function`` unless ``compile(run_eagerly=True)``. Traced,
  a tensor knows the op that made it, and ``_get_logits``
  (keras/src/backend/tensorflow/nn.py) replaces probabilities made by a
  ``Softmax`` (``Sigmoid``) op with the op's input, so the cross-entropies
  compute the loss from logits, with no clipping; eagerly it skips them
  (an ``EagerTensor`` has no op) and the loss is taken from the clipped
  probabilities. ``fit`` and ``evaluate`` run the steps through
  :meth:`make_train_function`/:meth:`make_test_function`, which, unless
  ``run_eagerly``, run them inside :func:`reference.logits.remember_logits`: a
  model ending in ``ops.softmax(x)`` (``tf.nn.softmax``) with logits
  ``[100, 0, 0]`` and label 1 costs 100 by default and ``-log(1e-7) =
  16.118`` with ``run_eagerly=True``, as in Keras. ``train_step`` and
  ``test_step`` called directly run eagerly, as Keras's do outside its
  function. ``Dense(..., activation="softmax")`` and
  ``activations.softmax(x)`` tag their output with its logits, as Keras
  does, so they take the logits path in both modes
  (:func:`reference.logits.tag_logits`). Tracing also hides the batch size
  when the data ends in a partial batch, which the per-output loss
  trackers see (:class:`~reference.trainers.compile_utils.CompileLoss`); an
  eager step always knows it.
* **Logs** are dicts of Python floats with sorted keys, as Keras's
  ``pythonify_logs`` leaves them: ``"loss"``, each metric's name, with
  several outputs ``"<output>_loss"`` and ``"<output>_<metric>"``, and the
  ``"val_"`` versions of all of them.

Arguments that only steer TensorFlow's speed (``steps_per_execution``,
``jit_compile``) are validated and recorded but change nothing: XLA
compiles the same traced step.

**Mixed precision.** Under a ``"mixed_float16"`` policy (the model's,
``reference.config.set_dtype_policy("mixed_float16")`` before building it),
``compile(auto_scale_loss=True)`` (the default) wraps the optimizer in a
:class:`~reference.optimizers.LossScaleOptimizer`, and ``train_step`` does what
Keras's does: the loss tracker gets the loss, the tape differentiates
``optimizer.scale_loss(loss)`` (``loss·S``), and the optimizer divides the
gradients by ``S`` before its step (skipping it when one is not finite).
``"mixed_bfloat16"`` is not wrapped: bfloat16 has float32's exponent range,
so its gradients neither underflow nor overflow sooner than float32's.

Models with several outputs: a ``Model`` subclass whose ``call`` returns a
list, tuple or dict of arrays. Give it an ``output_names`` attribute (a list
of strings, one per output, in ``call``'s order) to key ``loss``,
``loss_weights``, ``metrics`` and ``y`` by name::

    class TwoHeads(Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(16, "relu")
            self.digit = layers.Dense(10, "softmax")
            self.odd = layers.Dense(1, "sigmoid")
            self.output_names = ["digit", "odd"]

        def call(self, x):
            h = self.hidden(x)
            return [self.digit(h), self.odd(h)]

    model.compile("adam", loss={"digit": "sparse_categorical_crossentropy", "odd": "binary_crossentropy"},
                  loss_weights={"digit": 1.0, "odd": 0.5}, metrics={"digit": ["accuracy"], "odd": ["accuracy"]})
    model.fit(x, {"digit": y, "odd": y % 2})      # history: loss, digit_loss, odd_loss, digit_accuracy, ...
"""

import contextlib
import warnings

import numpy as np

from .. import logits, metrics as metrics_module, optimizers
from ..callbacks import CallbackList
from ..tape import GradientTape, stop_recording
from ..tree import map_structure
from ..utils.argument_validation import check_positive_int
from ..utils.python_utils import pythonify_logs
from .compile_utils import CompileLoss, CompileMetrics
from .data_adapter import ArrayBatches, train_validation_split, unpack_x_y_sample_weight


class Trainer:
    """Mixin that gives ``Model`` Keras's ``compile``, ``fit``, ``evaluate`` and ``predict``."""

    compiled = False
    optimizer = None
    loss = None
    history = None
    stop_training = False
    stop_evaluating = False
    stop_predicting = False
    _compile_loss = None
    _compile_metrics = None
    _loss_tracker = None
    train_function = None
    test_function = None

    # --- compile ---------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configure the model for training, with Keras's semantics.

        Args:
            optimizer: a name (``"rmsprop"``, ``"adam"``, ``"sgd"``) or an
                ``Optimizer`` instance.
            loss: a name (e.g. ``"sparse_categorical_crossentropy"``, ``"mse"``,
                ``"crossentropy"``), a ``Loss``, or any ``fn(y_true, y_pred)``
                returning one value per sample; for several outputs, a list
                or a dict keyed by output name (see
                :class:`~reference.trainers.compile_utils.CompileLoss`). ``None``: no
                compiled loss (``fit`` then raises).
            loss_weights: coefficients of the outputs' losses in the total:
                a float for one output, a list or a dict for several.
            metrics: a list (or, for several outputs, a list per output or a
                dict keyed by output name) of names, functions or ``Metric``
                instances; ``"accuracy"``/``"acc"`` pick binary, sparse or
                categorical accuracy from the shapes. Not weighted by
                ``sample_weight``/``class_weight``.
            weighted_metrics: the same, weighted by ``sample_weight`` or ``class_weight``.
            run_eagerly: bool. ``False``: the steps run as Keras's ``tf.function``
                (cross-entropies of a softmax/sigmoid output take its logits);
                ``True``: eagerly (they take the clipped probabilities). See
                the module docstring.
            steps_per_execution: positive int. No effect: every batch runs,
                and calls the batch callbacks, one at a time.
            jit_compile: bool or ``"auto"``. No effect. As in Keras, ``True``
                together with ``run_eagerly=True`` warns and becomes ``False``.
            auto_scale_loss: bool. If ``True`` and the model's dtype policy is
                ``"mixed_float16"``, the optimizer is wrapped in a
                :class:`~reference.optimizers.LossScaleOptimizer` (named
                ``"loss_scale_optimizer"``), unless it is one already.

        Compiling again replaces the optimizer and resets the loss tracker;
        like Keras, it keeps the previous loss (metrics) when ``loss``
        (``metrics`` and ``weighted_metrics``) is ``None``.
        """
        for name, value in (("run_eagerly", run_eagerly), ("auto_scale_loss", auto_scale_loss)):
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"`{name}` must be a bool, got {name}={value!r}.")
        if not (jit_compile == "auto" or isinstance(jit_compile, (bool, np.bool_))):
            raise ValueError(f"`jit_compile` must be a bool or 'auto', got jit_compile={jit_compile!r}.")
        check_positive_int("steps_per_execution", steps_per_execution)
        self.optimizer = optimizers.get(optimizer)
        if (auto_scale_loss and self.dtype_policy.name == "mixed_float16"
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer)):
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
        output_names = getattr(self, "output_names", None)
        if loss is not None:
            self._compile_loss = CompileLoss(loss, loss_weights, output_names=output_names)
            self.loss = loss
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names=output_names)
        if jit_compile == "auto":
            jit_compile = False  # Keras's "auto" is False when run_eagerly and on CPU-only machines
        if jit_compile and run_eagerly:
            warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. "
                          "Disabling `jit_compile`.", stacklevel=2)
            jit_compile = False
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = bool(jit_compile)
        self.steps_per_execution = int(steps_per_execution)
        self.auto_scale_loss = bool(auto_scale_loss)
        self.train_function = self.test_function = None
        self.stop_training = False
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True

    def _assert_compile_called(self, method_name):
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method_name}()`.")

    # --- metrics ---------------------------------------------------------------

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, then the per-output loss trackers (Keras's order)."""
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        return found

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Reset every running loss and metric to its empty state."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """``{name: result}`` of every metric, the compiled metrics' dict merged in."""
        results = {}
        for m in self.metrics:
            if isinstance(m, CompileMetrics) and not m.built:
                continue
            result = m.result()
            if isinstance(result, dict):
                results.update(result)
            else:
                results[m.name] = result
        return results

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of a batch (a recorded scalar); override for a custom loss."""
        loss = self._compile_loss(y, y_pred, sample_weight) if self._compile_loss is not None else None
        if loss is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch; return :meth:`get_metrics_result`."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # --- steps -----------------------------------------------------------------

    def train_step(self, data):
        """One gradient update on ``data = (x, y, sample_weight)``; returns the running logs.

        As Keras's: the loss tracker gets the loss, the gradient is taken of ``optimizer.scale_loss(loss)``
        (the loss itself, unless the optimizer scales it: see the module docstring's mixed precision).
        """
        x, y, sample_weight = data
        with GradientTape() as tape:
            y_pred = self(x)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=len(x))
            scaling = isinstance(self.optimizer, optimizers.LossScaleOptimizer)
            if scaling:                                # Keras calls every optimizer's scale_loss; the base has none yet
                loss = self.optimizer.scale_loss(loss)
        trainable = self.trainable_weights
        if trainable:
            # a float16 overflow under loss scaling is expected: the optimizer skips the step, halves the scale
            with np.errstate(over="ignore", invalid="ignore") if scaling else contextlib.nullcontext():
                grads = tape.gradient(loss, trainable)
            self.optimizer.apply_gradients(zip(grads, trainable))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics of ``data = (x, y, sample_weight)``, no update; returns the running logs."""
        x, y, sample_weight = data
        with stop_recording():
            y_pred = self(x)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
            self._loss_tracker.update_state(loss, sample_weight=len(x))
            return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs on ``data = (x, ...)``."""
        with stop_recording():
            return self(data[0])

    def make_train_function(self, force=False):
        """The function ``fit`` runs on each batch: :meth:`train_step`, traced unless ``run_eagerly``.

        As Keras's, it is made once after ``compile`` (``force=True`` remakes it), so setting
        ``model.run_eagerly`` counts only before the first ``fit``.
        """
        if self.train_function is None or force:
            self.train_function = StepFunction(self.train_step, traced=not self.run_eagerly)
        return self.train_function

    def make_test_function(self, force=False):
        """The function ``evaluate`` runs on each batch: :meth:`test_step`, traced unless ``run_eagerly``."""
        if self.test_function is None or force:
            self.test_function = StepFunction(self.test_step, traced=not self.run_eagerly)
        return self.test_function

    # --- fit / evaluate / predict --------------------------------------------

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs; return the ``History`` callback (its ``.history`` dict).

        Args:
            x: the inputs, an array with samples on the first axis.
            y: the targets: an array, or one per output (a list, or a dict
                keyed by output name).
            batch_size: samples per gradient update; ``None`` means 32.
            epochs: train until this epoch index (counting from ``initial_epoch``).
            verbose: ``"auto"`` or 1 (progress bar), 2 (one line per epoch), 0 (silent).
            callbacks: a list of :class:`reference.callbacks.Callback`.
            validation_split: float in [0, 1): the last fraction of the data
                (before shuffling) is held out for validation.
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val,
                val_sample_weight)``; overrides ``validation_split``.
            shuffle: ``True`` (a new permutation each epoch), ``"batch"`` or ``False``.
            class_weight: ``{class_index: weight}``, for a single output.
            sample_weight: per-sample weights of the training loss, (N,) or
                (N, 1) (or per element, e.g. (N, T)); for several outputs one
                array for all or one per output.
            initial_epoch: the epoch to start from (to resume training).
            validation_batch_size: batch size of validation; default ``batch_size``.
            validation_freq: validate every this many epochs (an int), or at the
                listed 1-based epochs.

        The logs, the loss averaging, the batching, the split and the class
        weights follow Keras exactly; see the module docstring.
        """
        self._assert_compile_called("fit")
        verbose = _check_verbose(verbose)
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
        if validation_data is not None:
            val_x, val_y, val_sample_weight = unpack_x_y_sample_weight(validation_data)
        batches = ArrayBatches(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, class_weight=class_weight)
        callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                 verbose=verbose, epochs=epochs, steps=batches.num_batches)
        train_function = self.make_train_function()
        self.stop_training = False
        callbacks.on_train_begin()
        logs, training_logs = {}, None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            with self._batch_size_known(batches, train_function):
                for step, batch in enumerate(batches):
                    callbacks.on_train_batch_begin(step)
                    logs = train_function(batch)
                    callbacks.on_train_batch_end(step, logs)
                    if self.stop_training:
                        break
            epoch_logs = dict(self.get_metrics_result())
            if validation_data is not None and _should_eval(epoch, validation_freq):
                val_logs = self.evaluate(val_x, val_y, sample_weight=val_sample_weight,
                                         batch_size=validation_batch_size or batch_size, callbacks=callbacks,
                                         return_dict=True)
                epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss and metrics on ``(x, y)``, batch by batch, without updating the weights.

        Args:
            x, y, batch_size, sample_weight: as in :meth:`fit` (no shuffling).
            verbose: ``"auto"`` or 1 (progress bar), 2 (one line), 0 (silent).
            steps: stop after this many batches (``None``: all).
            callbacks: a list of callbacks, or the ``CallbackList`` of a running ``fit``.
            return_dict: return ``{name: value}`` instead of a list.

        Returns:
            A dict (sorted keys), or as in Keras a list in the order of
            ``metrics_names`` followed by the other logs sorted by name
            (so ``[loss, *per-output losses, *metrics]``), or a bare float
            when there is only the loss.
        """
        self._assert_compile_called("evaluate")
        verbose = _check_verbose(verbose)
        batches = ArrayBatches(x, y, sample_weight, batch_size=batch_size, shuffle=False)
        num_batches = batches.num_batches if steps is None else min(steps, batches.num_batches)
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=num_batches)
        test_function = self.make_test_function()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        self.reset_metrics()
        with self._batch_size_known(batches, test_function):
            for step, batch in enumerate(batches):
                if step == num_batches:
                    break
                callbacks.on_test_batch_begin(step)
                logs = test_function(batch)
                callbacks.on_test_batch_end(step, logs)
                if self.stop_evaluating:
                    break
        logs = pythonify_logs(self.get_metrics_result())
        callbacks.on_test_end(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on ``x``, batch by batch (32 by default), with no tape recording.

        Returns an array, or a list/tuple/dict of arrays for a model with several outputs.
        """
        verbose = _check_verbose(verbose)
        batches = ArrayBatches(x, batch_size=batch_size, shuffle=False)
        num_batches = batches.num_batches if steps is None else min(steps, batches.num_batches)
        callbacks = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                 steps=num_batches)
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs = []
        for step, batch in enumerate(batches):
            if step == num_batches:
                break
            callbacks.on_predict_batch_begin(step)
            outputs.append(self.predict_step(batch))
            callbacks.on_predict_batch_end(step, {"outputs": outputs[-1]})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        return map_structure(lambda *parts: np.concatenate(parts), *outputs)

    @contextlib.contextmanager
    def _batch_size_known(self, batches, function):
        """Tell the compiled loss whether Keras's step knows the batch size: eager always, traced unless partial."""
        if self._compile_loss is None:
            yield
            return
        saved = self._compile_loss.batch_size_is_static
        self._compile_loss.batch_size_is_static = not function.traced or batches.num_samples % batches.batch_size == 0
        try:
            yield
        finally:
            self._compile_loss.batch_size_is_static = saved

    def _flatten_metrics_in_order(self, logs):
        """Keras's order of ``evaluate``'s list: ``metrics_names`` first, then the rest sorted.

        Names of compiled metrics are looked up unprefixed, so with several
        outputs ``"a_accuracy"`` falls among "the rest" (Keras does the same).
        """
        names = []
        for m in self.metrics:
            names += [sub.name for sub in m.metrics] if isinstance(m, CompileMetrics) else [m.name]
        results = [logs[name] for name in names if name in logs]
        results += [logs[key] for key in sorted(logs) if key not in names]
        return results[0] if len(results) == 1 else results


class StepFunction:
    """A step as Keras's TF trainer runs it: traced by ``tf.function`` or, with ``run_eagerly=True``, eagerly.

    What tracing changes in the numbers: a traced step runs inside :func:`reference.logits.remember_logits`, so the
    cross-entropies find the logits behind a ``Softmax``/``Sigmoid`` op as Keras's ``_get_logits`` does in a
    graph; and ``traced`` tells :meth:`Trainer._batch_size_known` that the batch size may be unknown.
    """

    def __init__(self, step, traced):
        self.step = step
        self.traced = traced

    def __call__(self, data):
        if not self.traced:
            return self.step(data)
        with logits.remember_logits():
            return self.step(data)


# --- data -------------------------------------------------------------------------


def _check_verbose(verbose):
    if verbose != "auto" and verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, got verbose={verbose!r}.")
    return verbose


def _should_eval(epoch, validation_freq):
    """Whether to validate after ``epoch`` (0-based): every ``validation_freq`` epochs, or at listed 1-based ones."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, list):
        return epoch + 1 in validation_freq
    raise ValueError(f"Expected `validation_freq` to be a list or int. Received: validation_freq={validation_freq!r} "
                     f"of the type {type(validation_freq)}.")
