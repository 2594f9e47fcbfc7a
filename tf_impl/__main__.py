"""``python -m tf_impl train`` (the seed in TensorFlow) and ``python -m tf_impl compare`` (TF vs the reference)."""

import argparse
import importlib.util
import sys
import time

from reference.cli import add_training_flags, positive_float, positive_int, run_subcommand
from reference.data import MNISTLoader
from reference.progress import TrainingLog

from . import seed
from ._tf import tf
from .compare import compare, plot
from .floatx import use_floatx

MODE_HELP = ("TensorFlow's mode: eager (the seed's loop as written), function (the step under tf.function) "
             "or xla (tf.function(jit_compile=True))")


def train_main(argv):
    parser = add_training_flags(argparse.ArgumentParser(
        prog="python -m tf_impl train",
        description="Train the seed's MLP on MNIST with TensorFlow, exactly as the handbook's loop does, "
                    "and report the test accuracy and the training time."))
    parser.add_argument("--mode", choices=seed.MODES, default="eager", help=MODE_HELP)
    parser.add_argument("--fast-eval", action="store_true",
                        help="evaluate with one forward pass instead of the seed's 200 model.predict calls "
                             "(same accuracy, seconds faster)")
    args = parser.parse_args(argv)
    with use_floatx(args.dtype):
        return _train(args)


def _train(args):
    """The body of ``train``, with ``floatx`` already set to ``args.dtype``."""
    tf.keras.utils.set_random_seed(args.seed)
    data_loader = MNISTLoader(args.data, seed=args.seed, dtype=args.dtype)
    print(f"data: {data_loader.source} ({data_loader.num_train_data} train, {data_loader.num_test_data} test)")
    print(f"TensorFlow {tf.__version__}, mode: {args.mode}, dtype: {args.dtype}")
    model = seed.MLP()
    num_batches = int(data_loader.num_train_data // args.batch_size * args.epochs)
    log = TrainingLog(num_batches, log_every=args.log_every, progress=args.progress)

    start = time.perf_counter()
    seed.train(model, data_loader, num_epochs=args.epochs, batch_size=args.batch_size,
               learning_rate=args.learning_rate, mode=args.mode, on_batch=log.step)
    train_time = time.perf_counter() - start
    start = time.perf_counter()
    evaluate = seed.evaluate_fast if args.fast_eval else seed.evaluate
    accuracy = evaluate(model, data_loader, batch_size=args.batch_size)
    eval_time = time.perf_counter() - start

    how = "one forward pass" if args.fast_eval else "the seed's model.predict per batch; --fast-eval: one pass"
    print("test accuracy: %f" % accuracy)
    print(f"training time: {train_time:.2f} s for {num_batches} steps "
          f"({1e3 * train_time / max(num_batches, 1):.3f} ms/step); evaluation: {eval_time:.3f} s ({how})")
    return 0


def compare_main(argv):
    parser = argparse.ArgumentParser(
        prog="python -m tf_impl compare",
        description="Train TensorFlow and the NumPy reference side by side from the same initial weights on "
                    "the same batches, and report how far their losses and weights drift apart. "
                    "Exits with status 1 if the relative loss gap exceeds the parity target.")
    parser.add_argument("--steps", type=positive_int, default=1000, help="training steps (default: 1000)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="floatx of both sides (default: float32)")
    parser.add_argument("--mode", choices=seed.MODES, default="eager",
                        help=MODE_HELP + " (default: eager, where the seed's loss is defined)")
    parser.add_argument("--reference-loss", choices=("match", "probabilities", "logits"), default="match",
                        help="how the reference computes the loss: as TF does in --mode (match, the default: "
                             "probabilities for eager, logits for function/xla), or forced")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights and batches (default: 0)")
    parser.add_argument("--batch-size", type=positive_int, default=50, help="batch size (default: 50)")
    parser.add_argument("--learning-rate", type=positive_float, default=1e-3,
                        help="Adam's learning rate (default: 0.001)")
    parser.add_argument("--data", metavar="PATH", default=None,
                        help="MNIST folder or mnist.npz (default: $MNIST_PATH, then the Keras cache)")
    parser.add_argument("--print-every", type=positive_int, default=100, metavar="K",
                        help="print both losses every K steps (default: 100)")
    parser.add_argument("--plot", metavar="FILE", help="save the loss curves and their gap to FILE (PNG; "
                                                      "needs matplotlib: pip install -e '.[plot]')")
    args = parser.parse_args(argv)
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        parser.error("--plot needs matplotlib, an optional extra: pip install -e '.[plot]'")

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
                     learning_rate=args.learning_rate, loss_from=loss_from, on_step=on_step)
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
        verdict = "(no target: parity_tests.tolerances is not importable)"
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
    argv = sys.argv[1:] if argv is None else argv
    commands = {"train": train_main, "compare": compare_main}
    return run_subcommand(argv, commands, ("usage: python -m tf_impl {train,compare} [--help]\n\n"
              "  train    the seed's GradientTape loop on MNIST, in TensorFlow (--mode eager|function|xla)\n"
              "  compare  TensorFlow and the NumPy reference side by side, step for step"))


if __name__ == "__main__":
    sys.exit(main())
