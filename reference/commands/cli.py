"""Command-line flags shared by ``python -m reference`` and ``python -m tf_impl``, and the subcommand dispatcher."""

import argparse
import sys


def positive_int(text):
    """An ``argparse`` type: an int >= 1."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def positive_float(text):
    """An ``argparse`` type: a float > 0."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def add_experiment_flags(parser):
    """Add the handbook's hyperparameters but the epochs (with its defaults) to ``parser``; returns the group."""
    handbook = parser.add_argument_group("the experiment (defaults are the handbook's)")
    handbook.add_argument("--batch-size", type=positive_int, default=50, help="batch size (default: 50)")
    handbook.add_argument("--learning-rate", type=positive_float, default=1e-3,
                          help="Adam's learning rate (default: 0.001)")
    handbook.add_argument("--seed", type=int, default=0,
                          help="random seed of the batch draws and the initial weights (default: 0)")
    handbook.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                          help="float dtype of the whole pipeline (default: float32)")
    handbook.add_argument("--data", metavar="PATH", default=None,
                          help="MNIST: a folder with the four idx .gz files or a mnist.npz "
                               "(default: $MNIST_PATH, then the Keras cache)")
    return handbook


def add_training_flags(parser, blas_threads=True):
    """Add ``--epochs``, the experiment's flags and the output options to ``parser``; returns ``parser``.

    ``blas_threads`` adds ``--blas-threads`` (the reference's commands; TensorFlow has its own thread pools).
    """
    handbook = add_experiment_flags(parser)
    handbook.add_argument("--epochs", type=positive_int, default=5, help="number of epochs (default: 5)")
    if blas_threads:
        handbook.add_argument("--blas-threads", type=positive_int, default=1, metavar="N",
                              help="threads for NumPy's matrix products (default: 1, fastest for the handbook's "
                                   "small products and robust on a busy machine)")
    out = parser.add_argument_group("output")
    out.add_argument("--log-every", type=int, default=100, metavar="N",
                     help="print 'batch N: loss X' every N batches; 1 prints every batch like the handbook, 0 none "
                          "(default: 100)")
    out.add_argument("--no-progress", dest="progress", action="store_false", help="hide the progress bar")
    return parser


def run_subcommands(prog, description, subcommands, argv=None):
    """Parse ``argv`` with one ``argparse`` subparser per entry of ``subcommands``, then run the chosen one.

    Args:
        prog: the program's name in the usage line, e.g. ``"python -m reference"``.
        description: the program's one-line description.
        subcommands: ``{name: (help, add_arguments, run)}``: ``add_arguments(parser)`` declares the
            subcommand's flags, ``run(args)`` runs it and returns the exit status.

    Missing or corrupt MNIST is the user's to fix, not a crash: it prints the
    loader's how-to-supply-it message and exits 1, without a traceback.
    """
    from ..data import MNISTDataError, MNISTNotFoundError

    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(subcommands) + "}", required=True)
    for name, (help_text, add_arguments, run) in subcommands.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text)).set_defaults(run=run)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return args.run(args)
    except (MNISTNotFoundError, MNISTDataError) as error:
        print(f"error: {error}\n(on the command line, --data PATH names the folder or file)", file=sys.stderr)
        return 1
