"""``python -m reference train``: the handbook's ``GradientTape`` loop on MNIST, in NumPy."""

import time

from .cli import add_training_flags

HELP = "the handbook's GradientTape loop on MNIST (NumPy)"


def add_arguments(parser):
    parser.description = ("Train the handbook's MLP on MNIST with the NumPy reference, exactly as the handbook's "
                          "TensorFlow loop does, and report the test accuracy and the training time.")
    return add_training_flags(parser)


def run(args):
    from .. import config, handbook, initializers
    from ..data import MNISTLoader
    from ..utils.progbar import TrainingLog
    from . import blas

    config.set_floatx(args.dtype)
    initializers.set_random_seed(args.seed)
    data_loader = MNISTLoader(args.data, seed=args.seed)
    print(f"data: {data_loader.source} ({data_loader.num_train_data} train, {data_loader.num_test_data} test)")
    model = handbook.MLP()
    num_batches = int(data_loader.num_train_data // args.batch_size * args.epochs)
    log = TrainingLog(num_batches, log_every=args.log_every, progress=args.progress)

    with blas.threads(args.blas_threads):
        start = time.perf_counter()
        handbook.train(model, data_loader, num_epochs=args.epochs, batch_size=args.batch_size,
                       learning_rate=args.learning_rate, on_batch=log.step)
        train_time = time.perf_counter() - start
        start = time.perf_counter()
        accuracy = handbook.evaluate(model, data_loader, batch_size=args.batch_size)
        eval_time = time.perf_counter() - start

    print("test accuracy: %f" % accuracy)
    print(f"training time: {train_time:.2f} s for {num_batches} steps "
          f"({1e3 * train_time / max(num_batches, 1):.3f} ms/step); evaluation: {eval_time:.3f} s")
    return 0
