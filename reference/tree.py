"""Flat structures of arrays (a leaf, or a list, tuple or dict of leaves), mirroring ``keras/src/tree``.

``compile`` and ``fit`` walk the model's outputs, targets, losses and weights with these. Keras's ``tree`` handles
any nesting; the reference supports one level (:func:`check_flat` says so), and a dict's leaves come in sorted-key
order, as in Keras's ``tree.flatten``.
"""


def is_nested(structure):
    """Whether ``structure`` is a list, tuple or dict (of outputs, targets, losses, ...)."""
    return isinstance(structure, (list, tuple, dict))


def flatten(structure):
    """The leaves of a flat structure: a list's items in order, a dict's values by sorted key, or ``[leaf]``."""
    if isinstance(structure, dict):
        return [structure[k] for k in sorted(structure)]
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return [structure]


def pack_like(structure, leaves):
    """Put ``leaves`` into the shape of the flat ``structure`` (inverse of :func:`flatten`)."""
    leaves = list(leaves)
    if len(leaves) != len(flatten(structure)):
        raise ValueError(f"Cannot pack {len(leaves)} values into a structure of {len(flatten(structure))}.")
    if isinstance(structure, dict):
        by_key = dict(zip(sorted(structure), leaves))
        return {k: by_key[k] for k in structure}
    if isinstance(structure, (list, tuple)):
        return type(structure)(leaves)
    return leaves[0]


def map_structure(fn, *structures):
    """``fn`` applied leaf by leaf to flat structures of the same shape."""
    return pack_like(structures[0], [fn(*leaves) for leaves in zip(*(flatten(s) for s in structures))])


def same_structure(a, b):
    """Whether ``a`` and ``b`` are both leaves, or flat structures of one kind and length (dicts: the same keys)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)
    if is_nested(a) or is_nested(b):
        return type(a) is type(b) and len(a) == len(b)
    return True


def describe(structure):
    """The shape of a structure with its leaves as ``*``, for error messages."""
    return map_structure(lambda _: "*", structure) if is_nested(structure) else "*"


def check_flat(structure, what):
    """Raise ``ValueError`` if ``structure`` is nested more than one level."""
    if is_nested(structure) and any(is_nested(leaf) for leaf in flatten(structure)):
        raise ValueError(f"`{what}` is nested more than one level deep ({describe(structure)}); the reference "
                         "supports one array or a flat list, tuple or dict of arrays.")
