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
    from . import report

    parser = argparse.ArgumentParser(
        prog="python -m parity_tests report",
        description="Measure every row of the parity tables (ops and their gradients, metrics, optimizer "
                    "trajectories, schedules): the float32 reference and float32 Keras-TF against a float64 oracle; "
                    "train both side by side in eager and tf.function mode; write README.md, parity.json and PNGs.")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for README.md, parity.json and the PNGs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the inputs, the weights and the batches "
                                                            "(default: 0)")
    parser.add_argument("--draws", type=positive_int, default=None,
                        help="draws per row in every table (default: " +
                             ", ".join(f"{n} per {t} row" for t, n in report.DRAWS.items()) + ")")
    parser.add_argument("--only", metavar="REGEX", default=None,
                        help="measure only the rows whose id (the pytest id of its test) matches REGEX")
    parser.add_argument("--steps", type=positive_int, default=TRAJECTORY_STEPS,
                        help=f"training steps per trajectory (default: {TRAJECTORY_STEPS}, the target's horizon)")
    parser.add_argument("--data", metavar="PATH", default=None,
                        help="MNIST for the trajectories (default: $MNIST_PATH, then the Keras cache)")
    parser.add_argument("--no-trajectory", dest="trajectory", action="store_false",
                        help="only the tables: no training, no MNIST needed")
    args = parser.parse_args(argv)

    import re

    import keras

    from tf_impl import tf

    command = "python -m parity_tests report " + shlex.join(argv)
    draws = {t: args.draws or n for t, n in report.DRAWS.items()}
    only = re.compile(args.only).search if args.only else None
    start = time.perf_counter()
    print(f"measuring every row ({', '.join(f'{n} draws per {t} row' for t, n in draws.items())}) ...", flush=True)
    rows = report.measure_all(draws, args.seed, tf, keras, only,
                              on_table=lambda name, n: print(f"  {n} {name} rows, "
                                                             f"{time.perf_counter() - start:.0f} s", flush=True))
    trajectories = None
    if args.trajectory:
        print(f"training {args.steps} steps in eager and in tf.function mode ...", flush=True)
        trajectories = report.run_trajectories(args.steps, seed=args.seed, data_path=args.data)
    path = report.write_report(args.out, rows, trajectories, report.stamp(command, tf, keras), args.seed, draws,
                               seconds=time.perf_counter() - start)
    print(f"wrote {path} and {report.JSON_NAME} in {time.perf_counter() - start:.0f} s")
    return 0


def departures_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests departures",
        description="Write docs/departures.md from the table of documented departures (parity_tests/departures.py).")
    parser.add_argument("--out", default=None, metavar="FILE", help="where to write (default: docs/departures.md)")
    args = parser.parse_args(argv)

    from pathlib import Path

    from reference.utils.file_utils import atomic_write

    from .departures import markdown

    out = Path(args.out) if args.out else Path(__file__).resolve().parent.parent / "docs" / "departures.md"
    with atomic_write(out, "w") as f:
        f.write(markdown())
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


def differential_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests differential",
        description="Random configurations of every loss, activation, metric, optimizer and schedule, on the "
                    "reference and on Keras: counts of agreements and every disagreement.")
    parser.add_argument("--cases", type=positive_int, default=200, help="cases per family (default: 200)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the configurations (default: 0)")
    parser.add_argument("--family", action="append", default=None, help="only this family (repeatable)")
    args = parser.parse_args(argv)

    from . import differential

    summary = differential.run(args.cases, args.seed, args.family)
    findings = [o for o in summary.outcomes if o.verdict not in ("agree", "both raise", "departure")]
    for o in findings:
        print(f"{o.verdict:9} {o.family}/{o.name}: {o.call}\n          {o.detail}")
    for family, counts in summary.counts().items():
        print(f"{family:12} " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))
    return 1 if findings else 0


def backends_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m parity_tests backends",
        description="Run every backend-neutral row on Keras-TF, Keras-JAX and Keras-torch (each in its own process) "
                    "and the reference; classify each (row, backend pair); write docs/backends.md. Exits 1 on a "
                    "disagreement that parity_tests/backends/catalogue.py does not explain.")
    parser.add_argument("--draws", type=positive_int, default=3, help="draws per row (default: 3)")
    parser.add_argument("--steps", type=int, default=TRAJECTORY_STEPS,
                        help=f"handbook trajectory steps, 0 for none (default: {TRAJECTORY_STEPS})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draws, weights and batches (default: 0)")
    parser.add_argument("--data", metavar="PATH", default=None, help="MNIST (default: $MNIST_PATH, the Keras cache)")
    parser.add_argument("--out", default=None, metavar="FILE", help="the page (default: docs/backends.md)")
    args = parser.parse_args(argv)

    import tempfile
    from pathlib import Path

    from reference.utils.file_utils import atomic_write

    from .backends import page, run

    command = "python -m parity_tests backends " + shlex.join(argv)
    with tempfile.TemporaryDirectory() as tmp:
        summary = run.run(tmp, draws=args.draws, steps=args.steps, seed=args.seed, data=args.data)
    for (family, pair, dtype), counts in sorted(summary.counts().items()):
        print(f"{family:10} {pair:24} {dtype}  " + ", ".join(f"{n} {v}" for v, n in counts.items() if n))
    for o in summary.unexplained:
        print(f"UNEXPLAINED {o.key} {o.side} vs {o.against} {o.dtype}: {o.verdict}: {o.detail}")
    out = Path(args.out) if args.out else Path(__file__).resolve().parent.parent / "docs" / "backends.md"
    with atomic_write(out, "w") as f:
        f.write(page.markdown(summary, command))
    print(f"wrote {out}; {len(summary.unexplained)} unexplained disagreements"
          + (f"; NOT RUN (not installed): {', '.join(summary.missing)}" if summary.missing else ""))
    return 1 if summary.unexplained else 0


COMMANDS = {"report": report_main, "departures": departures_main, "pages": pages_main,
            "differential": differential_main, "backends": backends_main}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m parity_tests {{{','.join(COMMANDS)}}} ...  (--help after a command for its options)",
              file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
