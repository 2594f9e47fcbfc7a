"""Command-line flags shared by ``python -m reference train`` and ``python -m tf_impl train``."""

import argparse


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def add_training_flags(parser):
    """Add the seed's hyperparameters (with its defaults) and the output options to ``parser``."""
    seed = parser.add_argument_group("the experiment (defaults are the seed's)")
    seed.add_argument("--epochs", type=positive_int, default=5, help="number of epochs (default: 5)")
    seed.add_argument("--batch-size", type=positive_int, default=50, help="batch size (default: 50)")
    seed.add_argument("--learning-rate", type=positive_float, default=1e-3, help="Adam's learning rate (default: 0.001)")
    seed.add_argument("--seed", type=int, default=0, help="seed of the batch draws and the initial weights (default: 0)")
    seed.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                      help="float dtype of the whole pipeline (default: float32)")
    seed.add_argument("--data", metavar="PATH", default=None,
                      help="MNIST: a folder with the four idx .gz files or a mnist.npz "
                           "(default: $MNIST_PATH, then the Keras cache)")
    out = parser.add_argument_group("output")
    out.add_argument("--log-every", type=int, default=100, metavar="N",
                     help="print 'batch N: loss X' every N batches; 1 prints every batch like the seed, 0 none "
                          "(default: 100)")
    out.add_argument("--no-progress", dest="progress", action="store_false", help="hide the progress bar")
    return parser


def run_subcommand(argv, commands, usage):
    """Dispatch ``argv[0]`` to ``commands``; print ``usage`` (exit 2) if it names none.

    Missing or corrupt MNIST is the user's to fix, not a crash: it prints the
    loader's how-to-supply-it message and exits 1, without a traceback.
    """
    import sys

    from .data import MNISTDataError, MNISTNotFoundError

    if not argv or argv[0] not in commands:
        print(usage, file=sys.stderr)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except (MNISTNotFoundError, MNISTDataError) as error:
        print(f"error: {error}\n(on the command line, --data PATH names the folder or file)", file=sys.stderr)
        return 1
