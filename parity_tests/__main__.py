"""``python -m parity_tests report --out DIR``: write the parity report (see :mod:`parity_tests.report`);
``python -m parity_tests departures``: write ``docs/departures.md`` from :mod:`parity_tests.departures`;
``python -m parity_tests pages``: write the per-name pages under ``docs/reference/`` (see :mod:`parity_tests.pages`).

The tests themselves run with ``python -m pytest parity_tests``.
"""

import argparse
import shlex
import sys
import time

from reference.commands.cli import positive_int

from .tolerances import TRAJECTORY_STEPS


def report_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests report",
        description="Measure the float32 reference and float32 TensorFlow against a float64 oracle, op by op; "
                    "train both side by side in eager and tf.function mode; write a Markdown report with PNGs.")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for README.md and the PNGs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the op inputs, the weights and the batches "
                                                            "(default: 0)")
    parser.add_argument("--draws", type=positive_int, default=20, help="input draws per op (default: 20)")
    parser.add_argument("--steps", type=positive_int, default=TRAJECTORY_STEPS,
                        help=f"training steps per trajectory (default: {TRAJECTORY_STEPS})")
    parser.add_argument("--data", metavar="PATH", default=None,
                        help="MNIST for the trajectories (default: $MNIST_PATH, then the Keras cache)")
    parser.add_argument("--no-trajectory", dest="trajectory", action="store_false",
                        help="only the op table: no training, no MNIST needed")
    args = parser.parse_args(argv)

    from tf_impl import tf

    from . import report

    keras = tf.keras
    command = "python -m parity_tests report " + shlex.join(argv)
    start = time.perf_counter()
    print(f"measuring {len(report.op_db.REPORT_ROWS)} op rows, {args.draws} draws each ...", flush=True)
    op_rows = report.measure_ops(draws=args.draws, seed=args.seed, tf=tf, keras=keras)
    trajectories = None
    if args.trajectory:
        print(f"training {args.steps} steps in eager and in tf.function mode ...", flush=True)
        trajectories = report.run_trajectories(args.steps, seed=args.seed, data_path=args.data)
    path = report.write_report(args.out, op_rows, trajectories, report.environment(tf, keras), command, args.seed)
    print(f"wrote {path} in {time.perf_counter() - start:.0f} s")
    return 0


def departures_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests departures",
        description="Write docs/departures.md from the table of documented departures (parity_tests/departures.py).")
    parser.add_argument("--out", default=None, metavar="FILE", help="where to write (default: docs/departures.md)")
    args = parser.parse_args(argv)

    from pathlib import Path

    from reference.utils.file_utils import write_atomic

    from .departures import markdown

    out = Path(args.out) if args.out else Path(__file__).resolve().parent.parent / "docs" / "departures.md"
    write_atomic(out, markdown())
    print(f"wrote {out}")
    return 0


def pages_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests pages",
        description="Write docs/reference/: a page for every public Keras loss, activation, optimizer, schedule and "
                    "metric, the A-Z index and the pictures, from the docstrings, the tables and parity.json.")
    parser.add_argument("--no-pictures", dest="pictures", action="store_false", help="write the Markdown only")
    args = parser.parse_args(argv)

    from .pages import build

    build.write(pictures=args.pictures)
    return 0


COMMANDS = {"report": report_main, "departures": departures_main, "pages": pages_main}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m parity_tests {{{','.join(COMMANDS)}}} ...  (--help after a command for its options)",
              file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
