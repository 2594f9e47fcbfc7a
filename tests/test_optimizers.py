"""Optimizers: closed-form first steps, Keras's order of operations, errors."""

import numpy as np
import pytest

import reference as rk
from reference import optimizers


def _step(opt, w, g, steps=1):
    for _ in range(steps):
        opt.apply_gradients([(np.asarray(g, dtype=w.dtype), w)])
    return w


def test_sgd_plain_momentum_nesterov():
    rk.set_floatx("float64")
    assert _step(optimizers.SGD(0.1), np.array([1.0]), [0.5])[0] == pytest.approx(0.95)
    w = _step(optimizers.SGD(0.1, momentum=0.9), np.array([1.0]), [0.5], steps=2)
    assert w[0] == pytest.approx(1 - 0.05 - (0.045 + 0.05))          # m1 = -0.05, m2 = -0.095
    w = _step(optimizers.SGD(0.1, momentum=0.9, nesterov=True), np.array([1.0]), [0.5])
    assert w[0] == pytest.approx(1 - 0.045 - 0.05)                    # w += m·μ - g·lr


def test_adam_first_step_is_about_lr_times_sign():
    rk.set_floatx("float64")
    opt = optimizers.Adam(0.001)
    w = _step(opt, np.array([0.0, 0.0]), [3.0, -0.5])
    # α = lr·sqrt(1-β₂)/(1-β₁), with β cast through float32 as Keras's ops.cast does; m = 0.1 g; v = 0.001 g²
    alpha = 0.001 * np.sqrt(1 - float(np.float32(0.999))) / (1 - float(np.float32(0.9)))
    expected = -np.array([0.3, -0.05]) * alpha / (np.sqrt(0.001 * np.array([9.0, 0.25])) + 1e-7)
    np.testing.assert_allclose(w, expected, rtol=1e-15)
    np.testing.assert_allclose(opt.momentums[0], [0.3, -0.05], rtol=1e-15)
    np.testing.assert_allclose(opt.velocities[0], [0.009, 0.00025], rtol=1e-15)
    assert opt.iterations == 1


def test_adam_amsgrad_keeps_the_max_velocity():
    rk.set_floatx("float64")
    opt = optimizers.Adam(amsgrad=True)
    w = np.array([0.0])
    _step(opt, w, [10.0])
    _step(opt, w, [0.0])
    assert opt.velocity_hats[0][0] == pytest.approx(0.1) and opt.velocities[0][0] < 0.1


def test_rmsprop_epsilon_inside_the_square_root():
    rk.set_floatx("float64")
    w = _step(optimizers.RMSprop(0.01), np.array([1.0]), [1.0])
    assert w[0] == pytest.approx(1 - 0.01 / np.sqrt(0.1 + 1e-7))


def test_rmsprop_centered_and_momentum():
    rk.set_floatx("float64")
    opt = optimizers.RMSprop(0.01, momentum=0.5, centered=True)
    w = _step(opt, np.array([1.0]), [1.0])
    increment = 0.01 / np.sqrt(0.1 - 0.1 ** 2 + 1e-7)
    assert w[0] == pytest.approx(1 - increment) and opt.momentums[0][0] == pytest.approx(increment)


def test_learning_rate_is_stored_in_floatx_like_keras():
    assert optimizers.Adam(0.001).learning_rate.dtype == np.float32
    rk.set_floatx("float64")
    assert optimizers.Adam(0.001).learning_rate.dtype == np.float64


def test_updates_are_in_place():
    w = np.ones(3, dtype=np.float32)
    ref = w
    _step(optimizers.Adam(), w, [1, 2, 3])
    assert ref is w and not np.all(w == 1)


def test_none_gradients_are_skipped_but_all_none_is_an_error():
    a, b = np.ones(2, np.float32), np.ones(2, np.float32)
    opt = optimizers.SGD(0.1)
    opt.apply_gradients([(None, a), (np.ones(2, np.float32), b)])
    assert np.all(a == 1) and np.all(b == np.float32(0.9))
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, a), (None, b)])


def test_gradient_shape_mismatch_names_the_variable():
    with pytest.raises(ValueError, match=r"gradient for variable 0 has shape \(3,\).*shape \(2,\)"):
        optimizers.Adam().apply_gradients([(np.ones(3, np.float32), np.ones(2, np.float32))])


def test_new_variable_after_build_is_an_error():
    opt = optimizers.SGD()
    opt.apply_gradients([(np.ones(2, np.float32), np.ones(2, np.float32))])
    with pytest.raises(ValueError, match="built for other variables"):
        opt.apply_gradients([(np.ones(2, np.float32), np.ones(2, np.float32))])


@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.get("adamw_plus"), r"Unknown optimizer 'adamw_plus'.*adam.*rmsprop.*sgd"),
    (lambda: optimizers.Adam(learning_rate=-1), "`learning_rate` must be in"),
    (lambda: optimizers.SGD(momentum=1.5), "`momentum` must be in"),
    (lambda: optimizers.RMSprop(rho="high"), "`rho` must be a number"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_get_by_name_any_case_and_config_roundtrip():
    opt = optimizers.get("Adam")
    assert isinstance(opt, optimizers.Adam)
    assert optimizers.Adam.from_config(opt.get_config()).get_config() == opt.get_config()


def test_subnormal_slots_are_flushed_like_tf():
    opt = optimizers.Adam()
    w = np.ones(1, np.float32)
    _step(opt, w, [1e-3])
    for _ in range(optimizers.FLUSH_EVERY * 60):  # m decays by 0.9 per step: below 1e-38 after ~770 steps
        _step(opt, w, [0.0])
    assert opt.momentums[0][0] == 0.0
