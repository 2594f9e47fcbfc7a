"""``compile`` / ``fit`` / ``evaluate``: the Keras training loop in NumPy (placeholder)."""


class Trainer:
    """Mixin that gives ``Model`` Keras's ``compile``/``fit``/``evaluate``."""
