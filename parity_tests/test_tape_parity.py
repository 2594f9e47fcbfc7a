"""``GradientTape.gradient`` against ``tf.GradientTape``: unconnected sources, ``unconnected_gradients``, structures.

Every example watches an array ``z`` that the target always depends on (so the target is recorded on both
sides) and a drawn structure of sources, each of which the target uses or not. TF answers ``None`` for an
unused source, or zeros of its shape with ``unconnected_gradients="zero"``, even when no source is used, and
returns the gradients in the structure of the sources (``tf.nest``: a dict's keys in its own order, tuples as
tuples). A target the tape never recorded is the one departure (``unrecorded-target``).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

tf = pytest.importorskip("tensorflow")

import reference as rk  # noqa: E402
from reference import ops  # noqa: E402

CONTAINERS = {
    "list": lambda leaves: list(leaves),
    "tuple": lambda leaves: tuple(leaves),
    "dict": lambda leaves: {f"s{len(leaves) - i}": leaf for i, leaf in enumerate(leaves)},   # keys not sorted
    "nested": lambda leaves: [{"k": leaves[0]}, tuple(leaves[1:])],
}


def _assert_same_gradients(ref, expected, what="gradients"):
    """Same containers (type, dict key order), ``None`` where TF has ``None``, equal arrays elsewhere."""
    assert type(ref) is type(expected), f"{what}: {type(ref).__name__} != {type(expected).__name__}"
    if isinstance(expected, dict):
        assert list(ref) == list(expected), f"{what}: keys {list(ref)} != {list(expected)}"
        for key in expected:
            _assert_same_gradients(ref[key], expected[key], f"{what}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(ref) == len(expected), f"{what}: {len(ref)} != {len(expected)} items"
        for i, (r, e) in enumerate(zip(ref, expected)):
            _assert_same_gradients(r, e, f"{what}[{i}]")
    elif expected is None:
        pass
    else:
        assert ref.shape == expected.shape and np.array_equal(ref, expected), f"{what}: {ref} != {expected}"


def _tf_gradients(values, used, build, unconnected):
    z = tf.constant([3.0])
    sources = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        tape.watch([z] + sources)
        target = tf.reduce_sum(z * 2.0)
        for source, use in zip(sources, used):
            if use:
                target = target + tf.reduce_sum(source * 2.0)
    grads = tape.gradient(target, build(sources), unconnected_gradients=unconnected)
    return tf.nest.map_structure(lambda g: None if g is None else g.numpy(), grads)


def _ref_gradients(values, used, build, unconnected):
    z = np.array([3.0], np.float32)
    sources = [np.array(v) for v in values]
    with rk.GradientTape() as tape:
        tape.watch([z] + sources)
        target = ops.reduce_sum(ops.multiply(z, 2.0))
        for source, use in zip(sources, used):
            if use:
                target = ops.add(target, ops.reduce_sum(ops.multiply(source, 2.0)))
    return tape.gradient(target, build(sources), unconnected_gradients=unconnected)


@given(used=st.lists(st.booleans(), min_size=1, max_size=4), container=st.sampled_from(sorted(CONTAINERS)),
       unconnected=st.sampled_from(["none", "zero"]))
def test_unconnected_sources_and_structures_like_tf(used, container, unconnected):
    values = [np.arange(1.0, k + 2, dtype=np.float32).reshape(1, k + 1) for k in range(len(used))]
    build = CONTAINERS[container]
    _assert_same_gradients(_ref_gradients(values, used, build, unconnected),
                           _tf_gradients(values, used, build, unconnected))


def test_a_single_source_is_answered_alone():
    for unconnected in ("none", "zero"):
        values, used = [np.ones((2,), np.float32)], [False]
        _assert_same_gradients(_ref_gradients(values, used, lambda s: s[0], unconnected),
                               _tf_gradients(values, used, lambda s: s[0], unconnected))


def test_an_unrecorded_target_raises_where_tf_answers_none():
    """TF's tape returns ``None`` (or zeros) for a target it never recorded; the reference says it was not recorded."""
    v = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(v)                                  # computed before the tape
    with tf.GradientTape() as tape:
        pass
    assert tape.gradient(loss, [v]) == [None]
    with tf.GradientTape() as tape:
        pass
    np.testing.assert_array_equal(tape.gradient(loss, [v], unconnected_gradients="zero")[0], [0.0, 0.0])

    x = np.array([1.0, 2.0])
    with rk.GradientTape() as tape:
        tape.watch(x)
        loss = np.mean(ops.square(x))                        # plain NumPy: the tape cannot see it
    with pytest.raises(ValueError, match="not recorded by this GradientTape"):
        tape.gradient(loss, [x], unconnected_gradients="zero")
