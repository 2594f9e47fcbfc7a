"""``fit``/``evaluate``/``predict`` against tf.keras: every log of every epoch, evaluate's results, predictions.

Each test builds the same small model on both sides, copies TensorFlow's
initial weights into the reference (``set_weights``), trains on a tiny
synthetic dataset with ``shuffle=False`` and the same batch size, and compares
``history.history`` key by key (same keys, same order) under the ``"fit"``
tolerance, whose size is the number of optimizer steps taken. Each runs both
sides in Keras's default graph mode (``tf.function``) and with
``compile(run_eagerly=True)``, which differ where the numbers do: traced, a
loss of an untagged softmax or sigmoid (``tf.nn.softmax``, ``ops.softmax``) is
computed from the logits behind it, eagerly from the clipped probabilities;
traced, the per-output loss trackers count batches when the last one is
partial, eagerly they weight each by its size.
"""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import reference as rk  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from reference import layers  # noqa: E402
from tf_impl.floatx import use_floatx  # noqa: E402


@pytest.fixture(params=S.DTYPES)
def dtype(request):
    with use_floatx(request.param):
        yield request.param


@pytest.fixture(params=[False, True], ids=["graph", "eager"])
def run_eagerly(request):
    return request.param


def assert_logs_match(ref_logs, tf_logs, dtype, steps, what):
    """Same keys in the same order, and every value within the ``"fit"`` tolerance after ``steps`` steps."""
    assert list(ref_logs) == list(tf_logs), f"{what}: keys differ"
    for key, expected in tf_logs.items():
        expected = np.asarray(expected, dtype=np.float64)
        assert_parity(np.asarray(ref_logs[key], dtype=np.float64), expected, op="fit", dtype=dtype, size=steps,
                      scale=max(1.0, float(np.max(np.abs(expected)))), what=f"{what} {key!r}")


def paired(tf_model, ref_model, x):
    """Build both models on ``x`` and give the reference TensorFlow's initial weights."""
    tf_model(x[:1])
    ref_model.build((None,) + x.shape[1:])
    ref_model.set_weights(tf_model.get_weights())
    return tf_model, ref_model


def classification_data(dtype, n, features=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype(dtype), rng.integers(0, classes, n)


# --- models, mirrored ---------------------------------------------------------------------------


def mlps(units=3, activation="softmax", hidden=8):
    tf_model = keras.Sequential([keras.layers.Dense(hidden, activation="relu"),
                                 keras.layers.Dense(units, activation=activation)])
    ref_model = rk.Sequential([layers.Dense(hidden, "relu"), layers.Dense(units, activation)])
    return tf_model, ref_model


class TFTwoHeads(keras.Model):
    """A 4-way softmax head ``a`` and a sigmoid head ``b`` on a shared hidden layer."""

    def __init__(self, as_dict=False):
        super().__init__()
        self.hidden = keras.layers.Dense(6, activation="relu")
        self.a = keras.layers.Dense(4, activation="softmax")
        self.b = keras.layers.Dense(1, activation="sigmoid")
        self.as_dict = as_dict
        if not as_dict:
            self.output_names = ["a", "b"]

    def call(self, x):
        h = self.hidden(x)
        return {"b": self.b(h), "a": self.a(h)} if self.as_dict else [self.a(h), self.b(h)]


class RefTwoHeads(rk.Model):
    """:class:`TFTwoHeads` in the reference."""

    def __init__(self, as_dict=False):
        super().__init__()
        self.hidden = layers.Dense(6, "relu")
        self.a = layers.Dense(4, "softmax")
        self.b = layers.Dense(1, "sigmoid")
        self.as_dict = as_dict
        if not as_dict:
            self.output_names = ["a", "b"]

    def call(self, x):
        h = self.hidden(x)
        return {"b": self.b(h), "a": self.a(h)} if self.as_dict else [self.a(h), self.b(h)]


class TFUntagged(keras.Model):
    """Dense, then ``tf.nn.softmax`` or ``tf.nn.sigmoid``: an op no logits are attached to (unlike Keras's own)."""

    def __init__(self, units, activation):
        super().__init__()
        self.dense = keras.layers.Dense(units)
        self.activation = {"softmax": tf.nn.softmax, "sigmoid": tf.nn.sigmoid}[activation]

    def call(self, x):
        return self.activation(self.dense(x))


class RefUntagged(rk.Model):
    """:class:`TFUntagged` in the reference: ``ops.softmax``/``ops.sigmoid`` mirror ``tf.nn``'s."""

    def __init__(self, units, activation):
        super().__init__()
        self.dense = layers.Dense(units)
        self.activation = {"softmax": rk.ops.softmax, "sigmoid": rk.ops.sigmoid}[activation]

    def call(self, x):
        return self.activation(self.dense(x))


# --- tests ---------------------------------------------------------------------------------------


def test_single_output_fit_evaluate_predict(dtype, run_eagerly):
    """Softmax head, sparse CE, plain and weighted accuracy, class weights, validation split, partial batches."""
    x, y = classification_data(dtype, 45)
    tf_model, ref_model = paired(*mlps(), x)
    kwargs = dict(loss="sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["acc"],
                  run_eagerly=run_eagerly)
    tf_model.compile(keras.optimizers.Adam(0.02), **kwargs)
    ref_model.compile(rk.optimizers.Adam(0.02), **kwargs)
    fit = dict(batch_size=8, epochs=3, validation_split=0.2, shuffle=False, class_weight={0: 2.0, 2: 0.5}, verbose=0)
    tf_logs = tf_model.fit(x, y, **fit).history
    ref_logs = ref_model.fit(x, y, **fit).history
    steps = 3 * 5                                      # 36 training samples in batches of 8
    assert_logs_match(ref_logs, tf_logs, dtype, steps, "fit")
    tf_eval = tf_model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert_logs_match(ref_model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True), tf_eval, dtype, steps,
                      "evaluate")
    assert_parity(ref_model.predict(x, batch_size=7, verbose=0), tf_model.predict(x, batch_size=7, verbose=0),
                  op="fit", dtype=dtype, size=steps, what="predict")


def test_two_outputs_with_loss_weights_metrics_and_sample_weights(dtype, run_eagerly):
    x, ya = classification_data(dtype, 37, classes=4, seed=1)
    rng = np.random.default_rng(2)
    yb = rng.integers(0, 2, 37).astype(dtype)
    weights = rng.uniform(0, 2, 37).astype(dtype)
    val = (x[:9], [ya[:9], yb[:9]], weights[:9])
    tf_model, ref_model = paired(TFTwoHeads(), RefTwoHeads(), x)
    kwargs = dict(loss={"a": "sparse_categorical_crossentropy", "b": "binary_crossentropy"},
                  loss_weights={"a": 1.0, "b": 0.5}, metrics={"a": ["accuracy"], "b": ["accuracy", "mse"]},
                  weighted_metrics={"b": ["accuracy"]}, run_eagerly=run_eagerly)
    tf_model.compile(keras.optimizers.Adam(0.02), **kwargs)
    ref_model.compile(rk.optimizers.Adam(0.02), **kwargs)
    fit = dict(batch_size=8, epochs=3, shuffle=False, sample_weight=weights, validation_data=val, verbose=0)
    tf_logs = tf_model.fit(x, [ya, yb], **fit).history
    ref_logs = ref_model.fit(x, [ya, yb], **fit).history
    assert "b_weighted_accuracy" in tf_logs and "val_a_loss" in tf_logs
    assert_logs_match(ref_logs, tf_logs, dtype, 3 * 5, "fit")
    tf_list = tf_model.evaluate(x, [ya, yb], batch_size=10, verbose=0)       # Keras's list order
    ref_list = ref_model.evaluate(x, [ya, yb], batch_size=10, verbose=0)
    assert_parity(ref_list, tf_list, op="fit", dtype=dtype, size=15, scale=max(map(abs, tf_list)),
                  what="evaluate list")


def test_dict_outputs_with_per_output_metric_list_and_the_default_optimizer(run_eagerly):
    x, ya = classification_data("float32", 30, classes=4, seed=3)
    yb = np.random.default_rng(4).integers(0, 2, 30).astype("float32")
    tf_model, ref_model = paired(TFTwoHeads(as_dict=True), RefTwoHeads(as_dict=True), x)
    kwargs = dict(loss=["sparse_categorical_crossentropy", "binary_crossentropy"], metrics=["accuracy", "mse"],
                  run_eagerly=run_eagerly)
    tf_model.compile(**kwargs)                                              # "rmsprop"
    ref_model.compile(**kwargs)
    fit = dict(batch_size=6, epochs=2, shuffle=False, verbose=0)
    tf_logs = tf_model.fit(x, {"a": ya, "b": yb}, **fit).history
    ref_logs = ref_model.fit(x, {"a": ya, "b": yb}, **fit).history
    assert list(tf_logs) == ["a_accuracy", "a_loss", "b_loss", "b_mse", "loss"]
    assert_logs_match(ref_logs, tf_logs, "float32", 2 * 5, "fit")


def test_sigmoid_head_binary_metrics(run_eagerly):
    """Labels (N,) against a (N, 1) sigmoid: Keras expands the labels; accuracy resolves to BinaryAccuracy.

    float32 only: head ``b`` of the two-output test covers the binary cross-entropy in float64.
    """
    dtype = "float32"
    x, _ = classification_data(dtype, 40, seed=5)
    y = (x[:, 0] + 0.3 * x[:, 1] > 0).astype(dtype)
    tf_model, ref_model = paired(*mlps(units=1, activation="sigmoid"), x)

    def metrics(m):
        return ["accuracy", "false_negatives", "mse", m.BinaryAccuracy(threshold=0.7, name="acc_0.7"),
                m.FalseNegatives(thresholds=[0.0, 0.5, 1.0], name="fn_even"),
                m.FalseNegatives(thresholds=[0.25, 0.75], name="fn_pair")]

    tf_model.compile(keras.optimizers.SGD(0.2, momentum=0.5), "binary_crossentropy", metrics=metrics(keras.metrics),
                     run_eagerly=run_eagerly)
    ref_model.compile(rk.optimizers.SGD(0.2, momentum=0.5), "binary_crossentropy", metrics=metrics(rk.metrics),
                      run_eagerly=run_eagerly)
    # No validation here: Keras logs a multi-threshold FalseNegatives as its accumulator variable itself, so
    # validation, which reuses the metric, overwrites the training value in Keras's history (a Keras bug the
    # reference does not copy: its logs hold the training counts).
    fit = dict(batch_size=16, epochs=3, shuffle=False, verbose=0)
    tf_logs = tf_model.fit(x, y, **fit).history
    ref_logs = ref_model.fit(x, y, **fit).history
    assert_logs_match(ref_logs, tf_logs, dtype, 3 * 3, "fit")
    tf_eval = tf_model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert_logs_match(ref_model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True), tf_eval, dtype, 3 * 3,
                      "evaluate")


def test_regression_with_mean_squared_error(run_eagerly):
    x, _ = classification_data("float32", 24, seed=6)
    y = np.stack([x[:, 0] - x[:, 1], 0.5 * x[:, 2]], axis=1)
    tf_model = keras.Sequential([keras.layers.Dense(2)])
    ref_model = rk.Sequential([layers.Dense(2)])
    paired(tf_model, ref_model, x)
    tf_model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mse", keras.metrics.mean_squared_error],
                     run_eagerly=run_eagerly)
    ref_model.compile(rk.optimizers.SGD(0.05), "mse", metrics=["mse", rk.losses.mean_squared_error],
                      run_eagerly=run_eagerly)
    fit = dict(batch_size=5, epochs=3, shuffle=False, validation_split=0.25, verbose=0)
    assert_logs_match(ref_model.fit(x, y, **fit).history, tf_model.fit(x, y, **fit).history, "float32", 3 * 4, "fit")


def test_a_saturated_softmax_is_trained_from_its_logits(dtype, run_eagerly):
    """softmax([60, 0, 0]) with label 1: ``Dense(activation="softmax")`` tags its output with its logits, so Keras
    takes the loss from them (~60, not 16.118) traced and eagerly alike."""
    x, _ = classification_data(dtype, 20, seed=7)
    y = np.ones(20, dtype=int)
    tf_model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    ref_model = rk.Sequential([layers.Dense(3, "softmax")])
    tf_model(x[:1])
    ref_model.build((None, 5))
    weights = [np.zeros((5, 3), dtype), np.array([60.0, 0.0, 0.0], dtype)]
    tf_model.set_weights(weights)
    ref_model.set_weights(weights)
    tf_model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", run_eagerly=run_eagerly)
    ref_model.compile(rk.optimizers.SGD(0.1), "sparse_categorical_crossentropy", run_eagerly=run_eagerly)
    fit = dict(batch_size=8, epochs=2, shuffle=False, verbose=0)
    tf_logs = tf_model.fit(x, y, **fit).history
    assert min(tf_logs["loss"]) > 50                                        # far above the clip's 16.118
    assert_logs_match(ref_model.fit(x, y, **fit).history, tf_logs, dtype, 2 * 3, "fit")


@pytest.mark.parametrize("activation, loss", [("softmax", "sparse_categorical_crossentropy"),
                                              ("softmax", "categorical_crossentropy"),
                                              ("sigmoid", "binary_crossentropy")])
def test_an_untagged_saturated_output_is_scored_from_its_logits_only_when_traced(dtype, run_eagerly, activation,
                                                                                 loss):
    """Logits offset by 40: a wrong class costs ~40 from the logits (traced), -log(1e-7) = 16.118 clipped (eager).

    Eagerly the clip also stops the gradient of every saturated probability, so the weights move only when traced.
    """
    units = 3 if activation == "softmax" else 1
    x, labels = classification_data(dtype, 24, classes=max(units, 2), seed=9)
    y = np.eye(units, dtype=dtype)[labels] if loss == "categorical_crossentropy" else labels
    tf_model, ref_model = paired(TFUntagged(units, activation), RefUntagged(units, activation), x)
    weights = [0.1 * tf_model.get_weights()[0], np.array([40.0, 0.0, 0.0][:units], dtype)]
    tf_model.set_weights(weights)
    ref_model.set_weights(weights)
    tf_model.compile(keras.optimizers.SGD(0.1), loss, metrics=["accuracy"], run_eagerly=run_eagerly)
    ref_model.compile(rk.optimizers.SGD(0.1), loss, metrics=["accuracy"], run_eagerly=run_eagerly)
    fit = dict(batch_size=8, epochs=2, shuffle=False, verbose=0)
    tf_logs = tf_model.fit(x, y, **fit).history
    worst = -np.log(1e-7) if run_eagerly else 40.0                  # what one wrong sample costs
    wrong = labels == 0 if activation == "sigmoid" else labels != 0  # the bias says 1 (sigmoid), class 0 (softmax)
    assert abs(tf_logs["loss"][0] - worst * np.mean(wrong)) < 0.5, tf_logs["loss"]
    assert_logs_match(ref_model.fit(x, y, **fit).history, tf_logs, dtype, 2 * 3, "fit")
    tf_eval = tf_model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert_logs_match(ref_model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True), tf_eval, dtype, 2 * 3,
                      "evaluate")
    for ref_w, tf_w in zip(ref_model.get_weights(), tf_model.get_weights()):
        assert_parity(ref_w, tf_w, op="fit", dtype=dtype, size=2 * 3, scale=40.0, what="weights")


def test_early_stopping_stops_at_the_same_epoch_with_the_same_weights(run_eagerly):
    x, y = classification_data("float32", 32, seed=8)
    tf_model, ref_model = paired(*mlps(), x)
    tf_model.compile(keras.optimizers.SGD(2.0), "sparse_categorical_crossentropy", metrics=["accuracy"],
                     run_eagerly=run_eagerly)
    ref_model.compile(rk.optimizers.SGD(2.0), "sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=run_eagerly)
    fit = dict(batch_size=8, epochs=12, validation_split=0.25, shuffle=False, verbose=0)
    tf_logs = tf_model.fit(x, y, callbacks=[keras.callbacks.EarlyStopping(
        "val_loss", patience=2, restore_best_weights=True)], **fit).history
    ref_logs = ref_model.fit(x, y, callbacks=[rk.callbacks.EarlyStopping(
        "val_loss", patience=2, restore_best_weights=True)], **fit).history
    steps = 3 * len(tf_logs["loss"])
    assert len(tf_logs["loss"]) < 12, "the case should stop early"
    assert_logs_match(ref_logs, tf_logs, "float32", steps, "fit")
    for ref_w, tf_w in zip(ref_model.get_weights(), tf_model.get_weights()):
        assert_parity(ref_w, tf_w, op="fit", dtype="float32", size=steps, what="restored weights")
