"""Callbacks, as ``keras.callbacks``: ``History``, ``EarlyStopping``, ``ProgbarLogger``.

``fit`` wraps the user's callbacks in a :class:`CallbackList`, adding a
``History`` (always) and a ``ProgbarLogger`` (unless ``verbose=0``) when the
list has none, exactly as Keras does (``keras/src/callbacks/callback_list.py``).
Every ``logs`` dict a callback sees has gone through :func:`pythonify_logs`:
keys sorted, values Python floats.
"""

import warnings

import numpy as np

from .compile_utils import CompileMetrics, MetricsList
from .progress import Progbar


def pythonify_logs(logs):
    """Keras's ``pythonify_logs``: sorted keys, nested dicts merged, values ``float`` where possible.

    A value that ``float`` refuses (a per-threshold array) is kept as is.
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


class Callback:
    """Base class: every hook does nothing. ``self.model`` and ``self.params`` are set by ``fit``.

    ``params`` holds ``verbose``, ``epochs`` and ``steps`` (batches per epoch).
    """

    def __init__(self):
        self.params = None
        self.model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        """Legacy alias, called by ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """Legacy alias, called by ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class CallbackList:
    """Calls every callback's hook in turn, with the logs pythonified.

    Args:
        callbacks: a list of :class:`Callback` (or ``None``).
        add_history: add a :class:`History` if the list has none.
        add_progbar: add a :class:`ProgbarLogger` if the list has none.
        model: the model the callbacks act on.
        **params: passed to every callback's ``set_params``.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"`callbacks` must hold reference Callback instances, got {type(cb).__name__}.")
        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            for cb in self.callbacks:
                if isinstance(cb, History):
                    model.history = cb
                cb.set_model(model)
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def _call(self, hook, *args, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the list of epoch losses.

    ``fit`` returns this object; ``history.epoch`` lists the epoch indices.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self


class ProgbarLogger(Callback):
    """Prints a progress bar with the running loss and metrics (``verbose=1``), or a line per epoch (2).

    As Keras: "Epoch i/n" above each epoch's bar when there is more than one
    epoch; the bar shows the logs of the last batch (running means over the
    epoch), and its final line the epoch's logs including the ``val_``
    ones; validation inside ``fit`` draws no bar of its own. The bar is
    :class:`reference.progress.Progbar`, which redraws in place on a
    terminal and prints a line every tenth of the way otherwise.
    """

    def __init__(self):
        super().__init__()
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose = 1 if params["verbose"] == "auto" else params["verbose"]
        self.epochs = params["epochs"]
        self.target = params["steps"]

    def write(self, line):
        """Print ``line`` above the bar without breaking it."""
        if self.progbar is not None:
            self.progbar.write(line)
        else:
            print(line)

    def _start(self):
        self.progbar = Progbar(self.target)

    def _update(self, batch, logs):
        # The last step is drawn by `_finish`, with the epoch's (or evaluation's) final logs.
        if self.verbose == 1 and batch + 1 < self.target:
            self.progbar.update(batch + 1, _displayable(logs))

    def _finish(self, logs):
        self.progbar.update(self.target, _displayable(logs))
        self.progbar = None

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}")
        self._start()

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._start()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._start()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        self._finish(None)


def _displayable(logs):
    """``(name, float)`` pairs for the bar; an array (one count per threshold) shows its mean, as Keras's bar does."""
    return [(k, float(np.mean(v))) for k, v in (logs or {}).items()]


class EarlyStopping(Callback):
    """Stops training when a monitored quantity has stopped improving (Keras's rules, exactly).

    Args:
        monitor: the log to watch, e.g. ``"val_loss"`` (default) or ``"val_accuracy"``.
        min_delta: an improvement must beat the best by more than this.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when training stops or weights are restored.
        mode: ``"min"``, ``"max"``, or ``"auto"``: minimise losses, and for a
            metric, follow its direction (accuracies up, errors down); a
            metric with no known direction is an error in ``"auto"``.
        baseline: training stops after ``patience`` epochs unless the monitored
            value beats this.
        restore_best_weights: at the end, set the weights of the best epoch.
        start_from_epoch: epochs to wait before watching at all.

    Keras's rule at each epoch end: ``wait += 1``; if the value improved on the
    best (``value - min_delta < best`` when minimising), it becomes the best
    and ``wait`` returns to 0 (if it also beats ``baseline``); otherwise
    training stops once ``wait >= patience`` (never after the first epoch).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.monitor_op = None
        self.best = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = np.less
            for m in _compiled_metrics(self.model):
                direction = getattr(m, "_direction", None)
                if m.name == metric_name and direction is not None:
                    self.monitor_op = np.greater if direction == "up" else np.less
            if self.monitor_op is None:
                raise ValueError(f"EarlyStopping callback received monitor={self.monitor}, but the reference "
                                 "cannot tell whether that metric should be maximized or minimized. Pass "
                                 "`mode='max'` to keep the highest value, or `mode='min'` for the lowest.")
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, value, reference):
        return reference is None or bool(self.monitor_op(value - self.min_delta, reference))

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs or {})}", stacklevel=2)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


def _compiled_metrics(model):
    """The metric objects that ``compile``'s ``metrics``/``weighted_metrics`` made (not the loss trackers)."""
    found = []
    for m in getattr(model, "metrics", []):
        if isinstance(m, (CompileMetrics, MetricsList)):
            found.extend(m.metrics)
    return found
