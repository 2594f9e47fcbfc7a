"""The metric base class, mirroring ``keras/src/metrics/metric.py``.

A metric keeps running state across batches: ``update_state`` adds a batch to it, ``result`` reads it, and
``reset_state`` empties it.
"""

from .. import config


class Metric:
    """Base class: ``update_state``, ``result``, ``reset_state``."""

    def __init__(self, name=None, dtype=None):
        self.name = name or type(self).__name__.lower()
        self.dtype = config.standardize_dtype(dtype).name

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Update with one batch, then return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name} result={self.result()}>"
