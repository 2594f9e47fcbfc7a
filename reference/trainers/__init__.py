"""Keras's training machinery, mirroring ``keras/src/trainers``: ``Trainer`` (``compile``/``fit``/``evaluate``/
``predict``, inherited by ``Model``), ``compile_utils`` (what ``compile`` makes of its arguments) and
``data_adapter`` (the batches ``fit`` walks)."""
