"""Callbacks, mirroring Keras 3's ``keras/src/callbacks``: ``History``, ``EarlyStopping``, ``ProgbarLogger``.

One file per Keras file: ``callback.py`` (the base class), ``callback_list.py``, ``history.py``,
``progbar_logger.py`` and ``early_stopping.py``.
"""

from .callback import Callback
from .callback_list import CallbackList
from .early_stopping import EarlyStopping
from .history import History
from .progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "EarlyStopping", "History", "ProgbarLogger"]
