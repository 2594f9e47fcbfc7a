"""``benchmarks.kernel_floor`` computes the reference's handbook step bit for bit, so its time is a true floor."""

import numpy as np
import pytest

import reference as rk
from benchmarks.kernel_floor import KernelFloor
from reference import handbook, optimizers
from reference.optimizers.base_optimizer import FLUSH_EVERY

STEPS = FLUSH_EVERY + 6  # past the first flush of the slots' subnormals


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_floor_steps_as_the_reference_does_bit_for_bit(dtype):
    rk.set_floatx(dtype)
    model, optimizer = handbook.MLP(), optimizers.Adam(learning_rate=0.001)
    model.build((None, 28, 28, 1))
    reference_step = handbook.make_train_step(model, optimizer)
    floor = KernelFloor(model.get_weights())
    rng = np.random.default_rng(0)
    for step in range(STEPS):
        X = rng.random((50, 28, 28, 1)).astype(dtype)
        X[:, :2] = 0  # border pixels, as MNIST's: their kernel rows get a gradient of exactly 0
        y = rng.integers(0, 10, 50).astype(np.int32)
        expected, got = reference_step(X, y), floor.step(X, y)
        assert got.tobytes() == np.asarray(expected).tobytes(), f"step {step}: loss {got!r} != {expected!r}"
        for name, w, f in zip(model.weight_names, model.get_weights(), floor.get_weights()):
            differ = np.flatnonzero(w.reshape(-1) != f.reshape(-1))
            assert differ.size == 0, (f"step {step}: {name} differs at {differ.size} entries, first at flat index "
                                      f"{differ[0]}: reference {w.flat[differ[0]]!r}, floor {f.flat[differ[0]]!r}")
    for name, slot, mine in (("momentums", optimizer.momentums.whole, floor.m),
                             ("velocities", optimizer.velocities.whole, floor.v)):
        assert slot.tobytes() == mine.tobytes(), f"{name} differ after {STEPS} steps"
