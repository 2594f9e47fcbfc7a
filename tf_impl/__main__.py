"""``python -m tf_impl train`` (the handbook in TensorFlow) and ``python -m tf_impl compare`` (TF vs the reference)."""

import importlib.util
import sys
import time

from reference.commands.cli import add_experiment_flags, add_training_flags, positive_int, run_subcommands
from reference.data import MNISTLoader
from reference.utils.progbar import TrainingLog

from . import handbook
from ._tf import tf
from .compare import compare, plot
from .floatx import use_floatx

MODE_HELP = ("TensorFlow's mode: eager (the handbook's loop as written), function (the step under tf.function) "
             "or xla (tf.function(jit_compile=True))")
TRAIN_HELP = "the handbook's GradientTape loop on MNIST, in TensorFlow (--mode eager|function|xla)"
COMPARE_HELP = "TensorFlow and the NumPy reference side by side, step for step"


def add_train_arguments(parser):
    parser.description = ("Train the handbook's MLP on MNIST with TensorFlow, exactly as the handbook's loop does, "
                          "and report the test accuracy and the training time.")
    add_training_flags(parser, blas_threads=False)
    parser.add_argument("--mode", choices=handbook.MODES, default="eager", help=MODE_HELP)
    parser.add_argument("--fast-eval", action="store_true",
                        help="evaluate with one forward pass instead of the handbook's 200 model.predict calls "
                             "(same accuracy, seconds faster)")
    return parser


def train(args):
    with use_floatx(args.dtype):
        return _train(args)


def _train(args):
    """The body of ``train``, with ``floatx`` already set to ``args.dtype``."""
    tf.keras.utils.set_random_seed(args.seed)
    data_loader = MNISTLoader(args.data, seed=args.seed, dtype=args.dtype)
    print(f"data: {data_loader.source} ({data_loader.num_train_data} train, {data_loader.num_test_data} test)")
    print(f"TensorFlow {tf.__version__}, mode: {args.mode}, dtype: {args.dtype}")
    model = handbook.MLP()
    num_batches = int(data_loader.num_train_data // args.batch_size * args.epochs)
    log = TrainingLog(num_batches, log_every=args.log_every, progress=args.progress)

    start = time.perf_counter()
    handbook.train(model, data_loader, num_epochs=args.epochs, batch_size=args.batch_size,
               learning_rate=args.learning_rate, mode=args.mode, on_batch=log.step)
    train_time = time.perf_counter() - start
    start = time.perf_counter()
    evaluate = handbook.evaluate_fast if args.fast_eval else handbook.evaluate
    accuracy = evaluate(model, data_loader, batch_size=args.batch_size)
    eval_time = time.perf_counter() - start

    how = "one forward pass" if args.fast_eval else "the handbook's model.predict per batch; --fast-eval: one pass"
    print("test accuracy: %f" % accuracy)
    print(f"training time: {train_time:.2f} s for {num_batches} steps "
          f"({1e3 * train_time / max(num_batches, 1):.3f} ms/step); evaluation: {eval_time:.3f} s ({how})")
    return 0


def add_compare_arguments(parser):
    parser.description = ("Train TensorFlow and the NumPy reference side by side from the same initial weights on "
                          "the same batches, and report how far their losses and weights drift apart. With "
                          "--target, exits with status 1 if the relative loss gap exceeds it.")
    parser.add_argument("--steps", type=positive_int, default=1000, help="training steps (default: 1000)")
    add_experiment_flags(parser)
    parser.add_argument("--mode", choices=handbook.MODES, default="eager",
                        help=MODE_HELP + " (default: eager, where the handbook's loss is defined)")
    parser.add_argument("--reference-loss", choices=("match", "probabilities", "logits"), default="match",
                        help="how the reference computes the loss: as TF does in --mode (match, the default: "
                             "probabilities for eager, logits for function/xla), or forced")
    parser.add_argument("--target", type=float, default=None, metavar="RTOL",
                        help="the bound on the largest relative loss gap (the parity suite's is 1e-4 in float32 "
                             "and 1e-9 in float64); default: none, report only")
    parser.add_argument("--print-every", type=positive_int, default=100, metavar="K",
                        help="print both losses every K steps (default: 100)")
    parser.add_argument("--plot", metavar="FILE", help="save the loss curves and their gap to FILE (PNG; "
                                                      "needs matplotlib: pip install -e '.[plot]')")
    return parser


def compare_command(args):
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        print("error: --plot needs matplotlib, an optional extra: pip install -e '.[plot]'", file=sys.stderr)
        return 2

    print(f"TensorFlow {tf.__version__} ({args.mode}) vs the NumPy reference, {args.dtype}, "
          f"{args.steps} steps, seed {args.seed}")
    print(f"{'step':>6}  {'TF loss':>14}  {'reference loss':>14}  {'abs gap':>10}  {'rel gap':>10}")

    def on_step(step, tf_loss, ref_loss):
        if step % args.print_every == 0 or step == args.steps - 1:
            gap = abs(tf_loss - ref_loss)
            print(f"{step:>6}  {tf_loss:>14.9f}  {ref_loss:>14.9f}  {gap:>10.3e}  {gap / abs(ref_loss):>10.3e}",
                  flush=True)

    loss_from = None if args.reference_loss == "match" else args.reference_loss
    result = compare(args.steps, args.dtype, args.mode, args.seed, args.data, batch_size=args.batch_size,
                     learning_rate=args.learning_rate, loss_from=loss_from, on_step=on_step, target=args.target)
    print(report(result))
    if args.plot:
        plot(result, args.plot)
        print(f"plot saved to {args.plot}")
    return 1 if result.target is not None and result.max_rel_gap > result.target else 0


def report(result):
    """The summary lines printed after a comparison."""
    abs_gap, rel_gap = result.abs_gap, result.rel_gap
    if not result.semantics_match:
        verdict = "(no target: the reference's loss semantics differ from TF's mode)"
    elif result.target is None:
        verdict = "(no target given: --target RTOL sets one)"
    else:
        verdict = f"(target <= {result.target:g}: {'met' if result.max_rel_gap <= result.target else 'EXCEEDED'})"
    per_weight = ", ".join(f"{name} {gap:.3e} (max |w| {scale:.3g})" for name, gap, scale in
                           zip(result.weight_names, result.final_weight_gaps, result.final_weight_scales))
    return "\n".join([
        f"data: {result.data_source}; reference loss from {result.loss_from}",
        f"largest absolute loss gap: {result.max_abs_gap:.3e} at step {int(abs_gap.argmax())}",
        f"largest relative loss gap: {result.max_rel_gap:.3e} at step {int(rel_gap.argmax())} {verdict}",
        f"weight gap after the last step: max |w_tf - w_ref| = {result.weight_gap[-1]:.3e}",
        f"  per weight: {per_weight}",
        f"test accuracy: TF {result.tf_accuracy:.6f}, reference {result.ref_accuracy:.6f}",
        f"training time: TF {result.tf_time:.2f} s ({1e3 * result.tf_time / result.steps:.3f} ms/step), "
        f"reference {result.ref_time:.2f} s ({1e3 * result.ref_time / result.steps:.3f} ms/step)",
    ])


def main(argv=None):
    return run_subcommands(
        "python -m tf_impl", "The handbook's MNIST training in TensorFlow, and its comparison with the reference.",
        {"train": (TRAIN_HELP, add_train_arguments, train),
         "compare": (COMPARE_HELP, add_compare_arguments, compare_command)},
        argv)


if __name__ == "__main__":
    sys.exit(main())
