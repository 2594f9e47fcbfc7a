"""``python -m reference fit``: the handbook's MLP on MNIST through ``compile``/``fit``/``evaluate``.

The Keras way of writing the handbook's experiment, with the handbook's own MLP::

    model = handbook.MLP()
    model.compile(optimizer=Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train_data, train_label, batch_size=50, epochs=5)
    model.evaluate(test_data, test_label, batch_size=50)

It differs from the handbook's loop (``python -m reference train``) where
``fit`` does: each epoch is one pass over a fresh shuffle of the 60000
images (not 1200 batches drawn with replacement), and the loss is computed
from the logits behind the softmax, as Keras's graph-mode ``fit`` does.
"""

import time

import numpy as np

from ..callbacks import Callback, ProgbarLogger
from ..data import MNISTLoader
from .cli import add_training_flags

HELP = "the handbook's MLP trained through compile/fit/evaluate"


class BatchLossLog(Callback):
    """``batch N: loss X`` every ``every`` steps (N counts from 0 across epochs, like the handbook's log).

    X is the ``loss`` of ``fit``'s logs: the running mean over the epoch so
    far, not the single batch's loss the handbook prints.
    """

    def __init__(self, every, progbar=None):
        super().__init__()
        self.every = every
        self.progbar = progbar
        self.step = 0

    def on_train_batch_end(self, batch, logs=None):
        if self.every and self.step % self.every == 0:
            line = "batch %d: loss %f" % (self.step, logs["loss"])
            self.progbar.write(line) if self.progbar else print(line)
        self.step += 1


def add_arguments(parser):
    parser.description = ("Train the handbook's MLP on MNIST with the NumPy reference through Keras's "
                          "compile/fit/evaluate API (Adam, sparse categorical cross-entropy, accuracy), then "
                          "evaluate it on the test set. --log-every prints fit's running mean loss.")
    return add_training_flags(parser)


def run(args):
    from .. import config, handbook, initializers, optimizers
    from . import blas

    config.set_floatx(args.dtype)
    initializers.set_random_seed(args.seed)
    np.random.seed(args.seed)  # fit's shuffling draws from NumPy's global generator, as Keras's does
    data = MNISTLoader(args.data, seed=args.seed)
    print(f"data: {data.source} ({data.num_train_data} train, {data.num_test_data} test)")

    model = handbook.MLP()
    model.compile(optimizer=optimizers.Adam(learning_rate=args.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    verbose = 1 if args.progress else 2
    progbar = ProgbarLogger()
    callbacks = [progbar, BatchLossLog(args.log_every, progbar)]

    with blas.threads(args.blas_threads):
        start = time.perf_counter()
        history = model.fit(data.train_data, data.train_label, batch_size=args.batch_size, epochs=args.epochs,
                            verbose=verbose, callbacks=callbacks)
        train_time = time.perf_counter() - start
        start = time.perf_counter()
        results = model.evaluate(data.test_data, data.test_label, batch_size=args.batch_size, verbose=verbose,
                                 return_dict=True)
        eval_time = time.perf_counter() - start

    steps = len(history.epoch) * -(-data.num_train_data // args.batch_size)
    print("test loss: %f" % results["loss"])
    print("test accuracy: %f" % results["accuracy"])
    print(f"training time: {train_time:.2f} s for {steps} steps ({1e3 * train_time / max(steps, 1):.3f} ms/step); "
          f"evaluation: {eval_time:.3f} s")
    return 0
