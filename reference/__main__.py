"""``python -m reference train`` (the seed's loop) and ``python -m reference fit`` (compile/fit)."""

import argparse
import sys
import time

from .cli import add_training_flags, run_subcommand


def train_main(argv):
    parser = add_training_flags(argparse.ArgumentParser(
        prog="python -m reference train",
        description="Train the seed's MLP on MNIST with the NumPy reference, exactly as the handbook's "
                    "TensorFlow loop does, and report the test accuracy and the training time."))
    parser.add_argument("--blas-threads", type=int, default=1, metavar="N",
                        help="threads for NumPy's matrix products (default: 1, fastest for the seed's small "
                             "products and robust on a busy machine)")
    args = parser.parse_args(argv)

    from . import blas, config, initializers, seed
    from .data import MNISTLoader
    from .progress import TrainingLog

    config.set_floatx(args.dtype)
    initializers.set_random_seed(args.seed)
    data_loader = MNISTLoader(args.data, seed=args.seed)
    print(f"data: {data_loader.source} ({data_loader.num_train_data} train, {data_loader.num_test_data} test)")
    model = seed.MLP()
    num_batches = int(data_loader.num_train_data // args.batch_size * args.epochs)
    log = TrainingLog(num_batches, log_every=args.log_every, progress=args.progress)

    with blas.threads(args.blas_threads):
        start = time.perf_counter()
        seed.train(model, data_loader, num_epochs=args.epochs, batch_size=args.batch_size,
                   learning_rate=args.learning_rate, on_batch=log.step)
        train_time = time.perf_counter() - start
        start = time.perf_counter()
        accuracy = seed.evaluate(model, data_loader, batch_size=args.batch_size)
        eval_time = time.perf_counter() - start

    print("test accuracy: %f" % accuracy)
    print(f"training time: {train_time:.2f} s for {num_batches} steps "
          f"({1e3 * train_time / max(num_batches, 1):.3f} ms/step); evaluation: {eval_time:.3f} s")
    return 0


def fit_main(argv):
    from .fit_command import main as fit_command_main
    return fit_command_main(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    commands = {"train": train_main, "fit": fit_main}
    return run_subcommand(argv, commands, ("usage: python -m reference {train,fit} [--help]\n\n"
              "  train  the seed's GradientTape loop on MNIST (NumPy)\n"
              "  fit    the same MLP trained through compile/fit"))


if __name__ == "__main__":
    sys.exit(main())
