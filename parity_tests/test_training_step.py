"""The handbook's full training step, reference vs TensorFlow, from shared initial weights.

The handbook's MLP (Flatten, Dense(100, relu), Dense(10), softmax) is built once
per dtype on each side; every example copies the same initial weights into
both with ``set_weights`` and takes one step of the handbook's loop::

    loss = reduce_mean(sparse_categorical_crossentropy(y, model(X)))   # forward
    grads = tape.gradient(loss, model.variables)                       # backward
    Adam(1e-3).apply_gradients(zip(grads, model.variables))            # update

and compares the loss, every gradient, the weights after the update, and the
update alone (the reference's Adam fed TF's gradients).

Examples whose probabilities come within rounding distance of a clip bound
(ε or 1 - ε) are discarded: there the last ulp of the softmax decides whether
the clip passes the gradient, a discontinuity that no tolerance describes.
``test_losses.py`` pins the clip's convention at the bounds with exact inputs.
"""

import numpy as np
import pytest
from hypothesis import assume, given

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
import tf_impl  # noqa: E402
from reference import handbook  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.tolerances import adam_step_gain, tolerance  # noqa: E402

INNER = 784  # the longest dot product of the step: a 28·28 image against a kernel column
ADAM = {"learning_rate": 1e-3}


class RecordingAdam(rk.optimizers.Adam):
    """The reference's Adam, keeping the gradients of its last ``apply_gradients``."""

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        self.grads = [g for g, _ in pairs]
        return super().apply_gradients(pairs)


class RecordingKerasAdam(keras.optimizers.Adam):
    """Keras's Adam, keeping the gradients of its last ``apply_gradients`` as arrays."""

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        self.grads = [g.numpy() for g, _ in pairs]
        return super().apply_gradients(pairs)


_MODELS = {}


def models(dtype):
    """The handbook's MLP on each side (``reference.handbook.MLP``, ``tf_impl.MLP``), built in ``dtype``.

    One per side and dtype, shared by all examples (weights are overwritten each time).
    """
    if dtype not in _MODELS:
        with tf_impl.use_floatx(dtype):
            ref, tfm = handbook.MLP(), tf_impl.MLP()
            ref.build((None, 28, 28, 1))
            tfm(np.zeros((1, 28, 28, 1), dtype=dtype))
        _MODELS[dtype] = ref, tfm
    return _MODELS[dtype]


def reference_step(model, X, y):
    """One step of the handbook's loop (``reference.handbook.make_train_step``): the loss and the gradients."""
    optimizer = RecordingAdam(**ADAM)
    loss = handbook.make_train_step(model, optimizer)(X, y)
    return loss, optimizer.grads


def tensorflow_step(model, X, y):
    """One step of the handbook's TensorFlow loop (``tf_impl.make_train_step``, eager): the loss and gradients."""
    optimizer = RecordingKerasAdam(**ADAM)
    loss = tf_impl.make_train_step(model, optimizer, "eager")(tf.convert_to_tensor(X), tf.convert_to_tensor(y))
    return loss.numpy(), optimizer.grads


def _near_a_clip_bound(probabilities, dtype):
    """Whether a probability is within the softmax's rounding error of ε or 1 - ε."""
    rtol, atol = tolerance("softmax", dtype, size=probabilities.shape[-1])
    eps = rk.config.epsilon()
    return any(np.any(np.abs(probabilities - b) <= atol + rtol * b) for b in (eps, 1 - eps))


def _gradient_scales(weights, X, y, probabilities):
    """Per weight, ``max Σ|terms|`` of its gradient: the magnitude its rounding errors are proportional to.

    Backpropagation with every factor replaced by its absolute value: ``|p| + onehot(y)`` per sample for
    the logits (the terms of ``p - y``, which cancel when the softmax saturates), then the two layers.
    """
    kernel1, bias1, kernel2, _ = (np.abs(w.astype(np.float64)) for w in weights)
    x = np.abs(X.reshape(len(X), -1).astype(np.float64))
    hidden = x @ kernel1 + bias1
    d_logits = (np.abs(probabilities) + np.eye(10)[y]) / len(X)
    d_hidden = d_logits @ kernel2.T
    return [(x.T @ d_hidden).max(), d_hidden.sum(0).max(), (hidden.T @ d_logits).max(), d_logits.sum(0).max()]


def _repro(case):
    setup = f"case = parity_tests.strategies.{case!r}\nX, y = case.batch()\nweights = case.initial_weights()\n"
    return dict(
        inputs={},
        ref=("import parity_tests.strategies\nfrom parity_tests.test_training_step import models, reference_step\n"
             f"{setup}model = models(case.dtype)[0]; model.set_weights(weights)\n"
             "print(reference_step(model, X, y), model.get_weights())"),
        tf=("import parity_tests.strategies\nfrom parity_tests.test_training_step import models, tensorflow_step\n"
            f"{setup}model = models(case.dtype)[1]; model.set_weights(weights)\n"
            "print(tensorflow_step(model, X, y), model.get_weights())"),
    )


@pytest.mark.parametrize("dtype", S.DTYPES)
@given(case=S.training_cases("float32"))
def test_training_step_matches_tensorflow(dtype, case):
    case = S.TrainingCase(**{**case.__dict__, "dtype": dtype})
    X, y = case.batch()
    weights = case.initial_weights()
    ref_model, tf_model = models(dtype)
    ref_model.set_weights(weights)
    tf_model.set_weights(weights)
    probabilities = ref_model(X)
    assume(not _near_a_clip_bound(probabilities, dtype))

    ref_loss, ref_grads = reference_step(ref_model, X, y)
    tf_loss, tf_grads = tensorflow_step(tf_model, X, y)
    repro = _repro(case)
    names = [v.path for v in tf_model.variables]

    assert_parity(ref_loss, tf_loss, op="training_step", dtype=dtype, size=INNER, scale=float(-np.log(1e-7)),
                  what="loss", **repro)
    grad_scales = _gradient_scales(weights, X, y, probabilities)
    for name, g_ref, g_tf, scale in zip(names, ref_grads, tf_grads, grad_scales):
        assert_parity(g_ref, g_tf, op="training_step", dtype=dtype, size=INNER, scale=scale,
                      what=f"gradient of {name}", **repro)

    # the update alone: the reference's Adam applied to TF's gradients, from the same initial weights
    replay = [w.copy() for w in weights]
    rk.optimizers.Adam(**ADAM).apply_gradients(zip([g.copy() for g in tf_grads], replay))
    for name, w_ref, w_tf in zip(names, replay, tf_model.get_weights()):
        assert_parity(w_ref, w_tf, op="optimizer", dtype=dtype, size=1, scale=np.abs(w_tf).max(),
                      what=f"{name} after Adam on TF's gradients", **repro)

    # end to end: each side's own gradients; Adam's first step amplifies their difference by up to its gain
    gain = adam_step_gain(**ADAM)
    for name, w_ref, w_tf, scale in zip(names, ref_model.get_weights(), tf_model.get_weights(), grad_scales):
        assert_parity(w_ref, w_tf, op="training_step", dtype=dtype, size=INNER,
                      scale=np.abs(w_tf).max() + gain * scale, what=f"{name} after the step", **repro)
