"""``fit``/``evaluate``/``predict`` and the callbacks: Keras's loop, checked on closed forms.

Most tests train with ``SGD(0.0)``: the weights never move, so every number
a test expects can be computed from one forward pass. The parity suite
compares real training runs with tf.keras.
"""

import numpy as np
import pytest

import reference as rk
from reference import callbacks, layers, losses, metrics, optimizers
from reference.commands import fit as fit_command
from reference.__main__ import main as reference_main
from reference.trainers import data_adapter


def mlp(units=3, activation="softmax", inputs=5):
    model = rk.Sequential([layers.Dense(4, "relu"), layers.Dense(units, activation)])
    model.build((None, inputs))
    return model


@pytest.fixture
def data(rng):
    return rng.normal(size=(10, 5)).astype(np.float32), rng.integers(0, 3, 10)


def frozen(model, loss="sparse_categorical_crossentropy", **kwargs):
    """``model`` compiled with a learning rate of 0."""
    model.compile(optimizers.SGD(0.0), loss, **kwargs)
    return model


class Recorder(callbacks.Callback):
    """Records every hook call as ``(hook, first argument)``."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            return lambda *args, logs=None: self.calls.append((name, *args))
        return super().__getattribute__(name)


# --- the loss in the logs ------------------------------------------------------------------


def test_epoch_loss_weights_each_batch_loss_by_its_size(data):
    """10 samples in batches of 4: losses of 4, 4 and 2 samples, averaged 4:4:2 (Keras's ``_loss_tracker``)."""
    x, y = data
    model = frozen(mlp())
    logs = model.fit(x, y, batch_size=4, shuffle=False, verbose=0).history
    loss = losses.SparseCategoricalCrossentropy()
    batch_losses = [loss(y[i:i + 4], model.predict(x[i:i + 4], verbose=0)) for i in (0, 4, 8)]
    total = np.float32(0)
    for value, size in zip(batch_losses, (4, 4, 2)):
        total += value * np.float32(size)
    assert logs["loss"] == [total / np.float32(10)]
    assert total / np.float32(10) != np.mean(batch_losses, dtype=np.float32)      # not the mean of batch losses


def test_the_last_partial_batch_is_trained_on(data):
    x, y = data
    model = mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[recorder])
    steps = [call for call in recorder.calls if call[0] == "on_train_batch_end"]
    assert steps == [("on_train_batch_end", i) for i in (0, 1, 2)] * 2
    assert model.optimizer.iterations == 6 and model.history.params["steps"] == 3


def test_per_output_loss_trackers_count_batches_when_the_last_is_partial(rng):
    """Keras's ``"<output>_loss"`` weighs by the *static* batch size, unknown when a batch is partial."""
    from test_compile import TwoHeads

    x = rng.normal(size=(10, 5)).astype(np.float32)
    y = [rng.integers(0, 3, 10), rng.integers(0, 2, 10).astype(np.float32)]
    model = frozen(TwoHeads(), ["sparse_categorical_crossentropy", "binary_crossentropy"])
    a_loss = losses.SparseCategoricalCrossentropy()
    predicted = [model.predict(x[i:i + 4], verbose=0)[0] for i in (0, 4, 8)]
    batch_losses = [a_loss(y[0][i:i + 4], p) for i, p in zip((0, 4, 8), predicted)]
    partial = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    mean = metrics.Mean()
    for value in batch_losses:
        mean.update_state(value)                                   # each batch counts once
    assert partial["a_loss"] == mean.result()
    full = model.evaluate(x[:8], [y[0][:8], y[1][:8]], batch_size=4, verbose=0, return_dict=True)
    mean.reset_state()
    for value in batch_losses[:2]:
        mean.update_state(value, sample_weight=4)
    assert full["a_loss"] == mean.result()


# --- data: split, shuffle, class weights --------------------------------------------------


def test_validation_split_holds_out_the_last_samples_before_shuffling(data):
    x, y = data
    model = frozen(mlp(), metrics=["accuracy"])
    np.random.seed(0)
    logs = model.fit(x, y, batch_size=3, validation_split=0.25, shuffle=True, verbose=0).history
    tail = model.evaluate(x[7:], y[7:], batch_size=3, verbose=0, return_dict=True)  # split at floor(10·0.75) = 7
    assert logs["val_loss"] == [tail["loss"]] and logs["val_accuracy"] == [tail["accuracy"]]


def test_train_validation_split_rounds_down_and_refuses_empty_parts():
    (train, val) = data_adapter.train_validation_split((np.arange(10), np.arange(10), None), 0.33)
    assert list(train[0]) == list(range(6)) and list(val[1]) == [6, 7, 8, 9] and val[2] is None
    with pytest.raises(ValueError, match="not sufficient to split"):
        data_adapter.train_validation_split((np.arange(3), None, None), 0.7)      # floor(0.9) = 0 to train


def test_validation_data_overrides_validation_split(data):
    x, y = data
    model = frozen(mlp())
    logs = model.fit(x, y, validation_split=0.5, validation_data=(x[:2], y[:2], np.ones(2)), shuffle=False,
                     verbose=0).history
    assert logs["val_loss"] == [model.evaluate(x[:2], y[:2], verbose=0)]
    assert logs["loss"] == [model.evaluate(x, y, verbose=0)]


def test_shuffling_follows_numpys_global_seed(data):
    x, y = data
    runs = []
    for shuffle in (True, True, False):
        rk.set_random_seed(0)
        np.random.seed(1)
        model = mlp()
        model.compile(optimizers.SGD(0.5), "sparse_categorical_crossentropy")
        runs.append(model.fit(x, y, batch_size=2, epochs=2, shuffle=shuffle, verbose=0).history["loss"])
    assert runs[0] == runs[1] and runs[0] != runs[2]


@pytest.mark.parametrize("y, expected", [
    (np.array([0, 1, 2, 1]), [2.0, 1.0, 0.5, 1.0]),
    (np.array([[0], [2]]), [2.0, 0.5]),                        # trailing 1 squeezed
    (np.eye(3, dtype=np.float32)[[2, 0]], [0.5, 2.0]),         # one-hot: argmax
    (np.array([0.4, 1.6, 5.0]), [2.0, 0.5, 1.0]),              # rounded; unlisted classes weigh 1
])
def test_class_weight_to_sample_weights(y, expected):
    weights = data_adapter.class_weight_to_sample_weights(y, {0: 2.0, 2: 0.5})
    assert weights.dtype == np.float32 and list(weights) == expected


def test_class_weight_is_the_equivalent_sample_weight_for_training_only(data):
    x, y = data
    class_weight = {0: 3.0, 1: 0.5}
    runs = []
    for kwargs in ({"class_weight": class_weight},
                   {"sample_weight": data_adapter.class_weight_to_sample_weights(y, class_weight)}):
        rk.set_random_seed(0)
        model = mlp()
        model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
        runs.append(model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                              validation_data=(x, y), **kwargs).history)
    assert runs[0] == runs[1]
    assert runs[0]["val_loss"][-1] == model.evaluate(x, y, verbose=0, return_dict=True)["loss"]


@pytest.mark.parametrize("kwargs, message", [
    ({"class_weight": {0: 1.0}, "sample_weight": np.ones(10)}, "cannot `class_weight` and `sample_weight`"),
    ({"batch_size": 0}, "`batch_size` must be a positive integer"),
    ({"shuffle": "sometimes"}, "`shuffle` must be True, False or 'batch'"),
    ({"sample_weight": np.ones(9)}, "Data cardinality is ambiguous"),
    ({"verbose": 3}, "`verbose` must be 'auto', 0, 1 or 2"),
    ({"validation_split": "0.2"}, "`validation_split` must be a float"),
])
def test_fit_argument_errors(data, kwargs, message):
    x, y = data
    with pytest.raises(ValueError, match=message):
        frozen(mlp()).fit(x, y, **kwargs)


# --- Keras's use of the logits behind a softmax or sigmoid ---------------------------------


def saturated(units, activation, bias):
    """A model whose logits are ``bias`` for every input (zero kernel)."""
    model = rk.Sequential([layers.Dense(units, activation, kernel_initializer="zeros",
                                        bias_initializer=lambda shape, dtype: np.asarray(bias, dtype))])
    model.build((None, 5))
    return model


def test_a_softmax_output_is_trained_from_its_logits(data):
    """softmax([60, 0, 0]) with label 1: 60 from the logits (Keras's graph), 16.118 once clipped (eager)."""
    x, _ = data
    y = np.ones(10, dtype=int)
    model = frozen(saturated(3, "softmax", [60.0, 0.0, 0.0]))
    assert model.fit(x, y, verbose=0).history["loss"] == [60.0]
    assert model.evaluate(x, y, verbose=0) == 60.0
    eager = losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0))
    assert np.all(eager == np.float32(-np.log(np.float32(1e-7))))


def test_a_sigmoid_output_is_trained_from_its_logits(data):
    x, _ = data
    model = frozen(saturated(1, "sigmoid", [30.0]), loss="binary_crossentropy")
    assert model.evaluate(x, np.zeros(10), verbose=0) == 30.0        # max(x, 0) + log1p(e^-30) in float32
    eager = losses.binary_crossentropy(np.zeros((10, 1)), model.predict(x, verbose=0))
    assert np.all(eager == eager[0]) and eager[0] < 16.2               # clipped at 1 - 1e-7


def test_a_function_loss_sees_probabilities_and_a_loss_on_logits_warns(data):
    x, _ = data
    y = np.ones(10, dtype=int)
    model = frozen(saturated(3, "softmax", [60.0, 0.0, 0.0]), loss=lambda t, p: rk.ops.negative(p[:, :1]))
    assert model.evaluate(x, y, verbose=0) == -1.0                    # p[:, 0] = 1: probabilities, not logits
    model = frozen(saturated(3, "softmax", [60.0, 0.0, 0.0]),
                   loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.warns(UserWarning, match="received `from_logits=True`"):
        assert model.evaluate(x, y, verbose=0) == 60.0


# --- logs, history, evaluate, predict ------------------------------------------------------


def test_history_has_keras_keys_sorted_and_the_epochs_run(data):
    x, y = data
    model = frozen(mlp(), metrics=["acc"], weighted_metrics=["acc"])
    history = model.fit(x, y, epochs=4, initial_epoch=1, validation_split=0.2, verbose=0)
    assert list(history.history) == ["acc", "loss", "val_acc", "val_loss", "val_weighted_acc", "weighted_acc"]
    assert history.epoch == [1, 2, 3] and all(len(v) == 3 for v in history.history.values())
    assert all(type(v) is float for values in history.history.values() for v in values)
    assert model.history is history and history.params == {"verbose": 0, "epochs": 4, "steps": 1}


def test_validation_freq(data):
    x, y = data
    model = frozen(mlp())
    recorder = Recorder()
    model.fit(x, y, epochs=4, validation_split=0.2, validation_freq=[2, 4], verbose=0, callbacks=[recorder])
    assert [c[1] for c in recorder.calls if c[0] == "on_test_batch_end"] == [0, 0]


def test_evaluate_steps_and_returns(data):
    x, y = data
    model = frozen(mlp(), metrics=["accuracy"])
    loss, accuracy = model.evaluate(x, y, batch_size=4, verbose=0)
    assert model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True) == {"accuracy": accuracy, "loss": loss}
    assert model.evaluate(x, y, batch_size=4, steps=1, verbose=0) == model.evaluate(x[:4], y[:4], verbose=0)


def test_predict_batches_and_multi_output_structures(rng):
    from test_compile import DictHeads, TwoHeads

    x = rng.normal(size=(7, 5)).astype(np.float32)
    model = TwoHeads()
    a, b = model.predict(x, batch_size=3, verbose=0)
    np.testing.assert_array_equal(a, np.concatenate([model(x[:3])[0], model(x[3:6])[0], model(x[6:])[0]]))
    assert b.shape == (7, 1)
    outputs = DictHeads().predict(x, verbose=0)
    assert list(outputs) == ["b", "a"] and outputs["a"].shape == (7, 3)
    with pytest.raises(ValueError, match="at least one sample"):
        model.predict(np.zeros((0, 5)))


# --- callbacks -----------------------------------------------------------------------------


def test_callback_hooks_in_keras_order(data):
    x, y = data
    recorder = Recorder()
    frozen(mlp()).fit(x, y, batch_size=8, epochs=1, validation_data=(x, y), verbose=0, callbacks=[recorder])
    assert recorder.calls == [
        ("on_train_begin",), ("on_epoch_begin", 0),
        ("on_train_batch_begin", 0), ("on_train_batch_end", 0), ("on_train_batch_begin", 1),
        ("on_train_batch_end", 1),
        ("on_test_begin",), ("on_test_batch_begin", 0), ("on_test_batch_end", 0), ("on_test_batch_begin", 1),
        ("on_test_batch_end", 1), ("on_test_end",),
        ("on_epoch_end", 0), ("on_train_end",)]


def test_early_stopping_stops_after_patience_and_restores_the_best_weights(data):
    x, y = data
    model = mlp()
    model.compile(optimizers.SGD(5.0), "sparse_categorical_crossentropy")       # diverges
    start = model.get_weights()
    stop = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True, verbose=1)
    history = model.fit(x, y, epochs=20, verbose=0, callbacks=[stop])
    losses_seen = history.history["loss"]
    best = int(np.argmin(losses_seen))
    assert len(losses_seen) == best + 3 and stop.stopped_epoch == best + 2
    if best == 0:
        for w, w0 in zip(model.get_weights(), start):
            assert not np.array_equal(w, w0)     # the best weights are those *after* epoch 0's updates


def test_early_stopping_direction_from_the_metric(data):
    x, y = data
    model = frozen(mlp(), metrics=["accuracy", lambda t, p: p[:, 0]])
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[callbacks.EarlyStopping("accuracy", patience=1)])
    assert len(history.epoch) == 2                                        # no improvement: stop at epoch 1
    assert callbacks.EarlyStopping("accuracy").monitor_op is None
    stop = callbacks.EarlyStopping("lambda")
    with pytest.raises(ValueError, match="maximized or minimized"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[stop])


def test_progress_bar_output(data, capsys):
    x, y = data
    model = frozen(mlp(), metrics=["accuracy"])
    model.fit(x, y, batch_size=4, epochs=2, validation_split=0.2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    final = [line for line in out.splitlines() if line.startswith("2/2")]
    assert len(final) == 2 and all("loss:" in line and "val_accuracy:" in line for line in final)
    model.fit(x, y, epochs=3, verbose=2)
    assert capsys.readouterr().out.count("1/1 ") == 3
    model.fit(x, y, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""
    model.evaluate(x, y, verbose="auto")
    assert "accuracy:" in capsys.readouterr().out


def test_callbacks_must_be_reference_callbacks(data):
    x, y = data
    with pytest.raises(TypeError, match="reference Callback"):
        frozen(mlp()).fit(x, y, verbose=0, callbacks=[object()])


# --- the command ---------------------------------------------------------------------------


class TinyMNIST:
    """A stand-in for ``MNISTLoader``: 60 random training and 20 test images."""

    def __init__(self, path=None, *, seed=None, dtype=None):
        rng = np.random.default_rng(seed)
        self.source = "synthetic"
        self.train_data = rng.random((60, 28, 28, 1), dtype=np.float32)
        self.train_label = rng.integers(0, 10, 60).astype(np.int32)
        self.test_data, self.test_label = self.train_data[:20], self.train_label[:20]
        self.num_train_data, self.num_test_data = 60, 20


def test_fit_command_prints_the_usual_output(monkeypatch, capsys):
    monkeypatch.setattr(fit_command, "MNISTLoader", TinyMNIST)
    assert reference_main(["fit", "--epochs", "2", "--batch-size", "25", "--log-every", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "data: synthetic (60 train, 20 test)" in out
    assert "batch 0: loss" in out and "batch 4: loss" in out and "Epoch 2/2" in out
    assert "test accuracy:" in out and "training time:" in out and "for 6 steps" in out


@pytest.mark.mnist
def test_fit_command_learns_mnist(mnist_path, capsys):
    assert reference_main(["fit", "--epochs", "1", "--data", mnist_path, "--log-every", "0", "--no-progress"]) == 0
    accuracy = float(capsys.readouterr().out.split("test accuracy:")[1].split()[0])
    assert accuracy > 0.93
