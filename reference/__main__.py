"""``python -m reference train`` (the handbook's loop) and ``python -m reference fit`` (compile/fit)."""

import sys

from .commands import fit, train
from .commands.cli import run_subcommands


def main(argv=None):
    return run_subcommands(
        "python -m reference", "The handbook's MNIST training in the NumPy reference.",
        {"train": (train.HELP, train.add_arguments, train.run), "fit": (fit.HELP, fit.add_arguments, fit.run)},
        argv)


if __name__ == "__main__":
    sys.exit(main())
