"""``EarlyStopping``, mirroring ``keras/src/callbacks/early_stopping.py``."""

import warnings

import numpy as np

from ..trainers.compile_utils import CompileMetrics, MetricsList
from .callback import Callback


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
