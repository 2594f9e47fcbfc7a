"""``CallbackList``, mirroring ``keras/src/callbacks/callback_list.py``.

``fit`` wraps the user's callbacks in a :class:`CallbackList`, adding a
``History`` (always) and a ``ProgbarLogger`` (unless ``verbose=0``) when the
list has none, exactly as Keras does. Every ``logs`` dict a callback sees has
gone through :func:`~reference.utils.python_utils.pythonify_logs`: keys
sorted, values Python floats.
"""

from ..utils.python_utils import pythonify_logs
from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


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
