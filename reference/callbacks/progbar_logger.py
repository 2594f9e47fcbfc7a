"""``ProgbarLogger``, mirroring ``keras/src/callbacks/progbar_logger.py``."""

import numpy as np

from ..utils.progbar import Progbar
from .callback import Callback


class ProgbarLogger(Callback):
    """Prints a progress bar with the running loss and metrics (``verbose=1``), or a line per epoch (2).

    As Keras: "Epoch i/n" above each epoch's bar when there is more than one
    epoch; the bar shows the logs of the last batch (running means over the
    epoch), and its final line the epoch's logs including the ``val_``
    ones; validation inside ``fit`` draws no bar of its own. The bar is
    :class:`reference.utils.progbar.Progbar`, which redraws in place on a
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
