"""``ArrayRegistry``: a value attached to a NumPy array by the array's identity.

Keras marks its tensors with attributes (``_keras_mask``, ``_keras_logits``) and its trainable weights are
``Variable`` objects. An ``ndarray`` takes no attributes, so the reference files such marks in a registry keyed by
``id(array)``. Each entry holds a weak reference to its array: the entry goes when the array is garbage-collected,
and an unrelated array that later reuses the id is not mistaken for it. The tape's trainable variables, the
softmax/sigmoid logits tags and the loss masks are each one registry.
"""

import weakref


class ArrayRegistry:
    """Values filed by array identity; an entry lives as long as its array.

    Example::

        masks = ArrayRegistry()
        masks.set(losses, mask)
        masks.get(losses)       # mask; None for any other array, or once `losses` is gone
    """

    def __init__(self):
        self._entries = {}  # id(array) -> (weakref.ref(array), value)

    def set(self, array, value=True):
        """File ``value`` under ``array``, replacing any earlier value; return ``array``."""
        key, entries = id(array), self._entries
        entries[key] = (weakref.ref(array, lambda _, key=key: entries.pop(key, None)), value)
        return array

    def get(self, array, default=None):
        """The value filed under ``array`` itself, else ``default``."""
        entry = self._entries.get(id(array))
        return entry[1] if entry is not None and entry[0]() is array else default

    def __contains__(self, array):
        """Whether a value is filed under ``array`` itself."""
        entry = self._entries.get(id(array))
        return entry is not None and entry[0]() is array
