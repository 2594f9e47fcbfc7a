"""Optimizers: closed-form first steps, Keras's order of operations, the base-class options, schedules,
Keras's own golden values, errors."""

import numpy as np
import pytest

import reference as rk
from reference import optimizers
from reference.optimizers import schedules

from keras_golden import GOLDEN  # tests/keras_golden.py (pytest puts tests/ on sys.path)


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
    (lambda: optimizers.get("adamw_plus"), r"Could not interpret optimizer identifier: 'adamw_plus'.*adam.*sgd"),
    (lambda: optimizers.Adam(beta_1=1.5), "`beta_1` must be in"),                  # Keras accepts it
    (lambda: optimizers.Adam(learning_rate=-1), "`learning_rate` should be float"),     # Keras: an int too
    (lambda: optimizers.SGD(momentum=1.5), "`momentum` must be a float between"),
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


# --- Keras's golden values --------------------------------------------------------------------


@pytest.mark.parametrize("name, kwargs, golden, source", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_keras_golden_values(name, kwargs, golden, source):
    """``test_correctness_with_golden`` of Keras's ``keras/src/optimizers/<source>``, replayed on the reference."""
    opt = getattr(optimizers, name)(**kwargs)
    x = np.ones(10, dtype=np.float32)
    grads = np.arange(0.1, 1.1, 0.1).astype(np.float32)
    opt.apply_gradients(zip([np.full(10, 0.01, np.float32)], [x]))
    for row in golden:
        np.testing.assert_allclose(x, row, rtol=5e-4, atol=5e-4, err_msg=f"{name}({kwargs}), {source}")
        opt.apply_gradients(zip([grads.copy()], [x]))


# --- the base-class options, in closed form ------------------------------------------------------


def test_weight_decay_is_decoupled_and_applied_before_the_update():
    rk.set_floatx("float64")
    w = _step(optimizers.SGD(0.1, weight_decay=0.5), np.array([2.0]), [1.0])
    wd = float(np.float32(0.5))                        # through ops.cast: float32 first
    assert w[0] == pytest.approx(2.0 - 2.0 * wd * 0.1 - 0.1 * 1.0, rel=1e-15)


def test_adam_weight_decay_is_adamw():
    a, b = np.array([1.0, -2.0], np.float32), np.array([1.0, -2.0], np.float32)
    for _ in range(3):
        _step(optimizers.Adam(weight_decay=0.004), a, [0.3, 0.1])
        _step(optimizers.AdamW(), b, [0.3, 0.1])
    np.testing.assert_array_equal(a, b)


def test_exclude_from_weight_decay_by_name():
    opt = optimizers.SGD(0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    kernel, bias = np.ones(2), np.ones(2)
    opt.build([kernel, bias], names=["dense/kernel", "dense/bias"])
    opt.apply_gradients([(np.zeros(2), kernel), (np.zeros(2), bias)])
    assert kernel[0] < 1 and bias[0] == 1
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_clipnorm_is_per_variable_and_global_clipnorm_is_joint():
    rk.set_floatx("float64")
    g1, g2 = np.array([3.0, 4.0]), np.array([0.0, 0.5])      # norms 5 and 0.5, joint norm sqrt(25.25)
    a, b = np.zeros(2), np.zeros(2)
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(g1, a), (g2, b)])
    np.testing.assert_allclose(a, -g1 / 5) and np.testing.assert_allclose(b, -g2)
    a, b = np.zeros(2), np.zeros(2)
    optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients([(g1, a), (g2, b)])
    np.testing.assert_allclose(np.concatenate([a, b]), -np.concatenate([g1, g2]) / np.sqrt(25.25))
    a = np.zeros(2)
    optimizers.SGD(1.0, clipvalue=0.5).apply_gradients([(g1, a)])
    np.testing.assert_array_equal(a, [-0.5, -0.5])


def test_gradient_accumulation_averages_and_counts_updates():
    rk.set_floatx("float64")
    opt = optimizers.SGD(1.0, gradient_accumulation_steps=3)
    w = np.zeros(1)
    for g in (1.0, 2.0):
        _step(opt, w, [g])
        assert w[0] == 0 and opt.iterations == 0          # accumulated, not applied
    _step(opt, w, [6.0])
    assert w[0] == -3.0 and opt.iterations == 1          # the mean (1 + 2 + 6) / 3, applied once
    assert opt.accumulated_gradients[0][0] == 0


def test_ema_averages_and_overwrites_every_frequency_steps():
    rk.set_floatx("float64")
    opt = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    w = np.zeros(1)
    _step(opt, w, [1.0])                                 # w = -1; first step: average = w
    assert w[0] == -1 and opt.model_variables_moving_average[0][0] == -1
    _step(opt, w, [1.0])                                 # w = -2; average = 0.5·(-1) + 0.5·(-2); overwrite
    assert w[0] == -1.5 == opt.model_variables_moving_average[0][0]
    opt2 = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
    v = np.zeros(1)
    _step(opt2, v, [1.0], steps=2)
    assert v[0] == -2
    opt2.finalize_variable_values([v])
    assert v[0] == -1.5


def test_loss_scale_factor_divides_the_gradients():
    opt = optimizers.SGD(1.0, loss_scale_factor=4.0)
    assert opt.scale_loss(2.0) == 8.0
    w = _step(opt, np.zeros(1, np.float32), [8.0])
    assert w[0] == -2.0


def test_options_off_add_no_state():
    opt = optimizers.Adam()
    w = _step(opt, np.zeros(3, np.float32), [1, 2, 3])
    assert opt.model_variables_moving_average == [] and opt.accumulated_gradients == []
    assert len(opt.variables) == 2 and w is not None


# --- schedules ------------------------------------------------------------------------------


def test_cosine_decay_with_warmup_at_step_7():
    schedule = schedules.CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
    assert schedule(7) == np.float32(0.1) * np.float32(0.7)
    assert schedule(10) == np.float32(0.1) and schedule(110) == 0


def test_schedule_is_read_at_the_real_step_count():
    opt = optimizers.SGD(schedules.PiecewiseConstantDecay([1], [1.0, 0.5]), gradient_accumulation_steps=2)
    assert opt.learning_rate == 1.0 and opt.learning_rate.dtype == np.float32
    w = np.zeros(1, np.float32)
    _step(opt, w, [1.0], steps=2)                        # the update ran at the real step 1: lr 1.0
    assert w[0] == -1.0 and opt.iterations == 1
    _step(opt, w, [1.0], steps=1)
    assert opt.learning_rate == 0.5
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_optimizer_config_round_trips_a_schedule():
    opt = optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True))
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    assert optimizers.Adam.from_config(config).get_config() == config
