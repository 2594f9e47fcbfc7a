"""The one table of documented departures: every place where the reference deliberately does not do what Keras on
TensorFlow does. Nothing else may differ.

Each row says what Keras does, what the reference does, why, and names the test that pins *both* sides (a test
that runs Keras and the reference on the case and asserts each side's behaviour, so that a Keras release which
changes its side makes the test fail). ``test_departures.py`` checks that every named test exists and that
``docs/departures.md``, generated from this table by ``python -m parity_tests departures``, is current.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Departure:
    """One deliberate difference between the reference and Keras 3 on TensorFlow.

    Attributes:
        id: a short stable name (used as the page's anchor).
        names: the public Keras names it touches (``"*"`` for all).
        keras: what Keras on TF does.
        reference: what the reference does instead.
        why: the reason the reference does not follow.
        test: ``path::test_name`` of the test that pins both sides.
    """

    id: str
    names: tuple
    keras: str
    reference: str
    why: str
    test: str


DEPARTURES = (
    Departure(
        id="ndarray-results",
        names=("*",),
        keras="Results are `tf.Tensor`s and state is `tf.Variable`s, with `.numpy()`.",
        reference="Results and state are plain `numpy.ndarray`s (or NumPy scalars); there is no `.numpy()`.",
        why="The reference is NumPy: an ndarray is already the value, and a wrapper class would hide the arithmetic "
            "that the code exists to show.",
        test="parity_tests/test_departures.py::test_results_are_ndarrays",
    ),
    Departure(
        id="subnormal-inputs",
        names=("*",),
        keras="TF's CPU kernels treat a subnormal float32 or bfloat16 *input* as 0 (denormals-are-zero): "
              "`relu'(1e-40) = 0`, and a probability row `[1e-40, 1e-40]` sums to 0, so the cross-entropy's "
              "renormalisation gives 0/0 = NaN.",
        reference="IEEE arithmetic on inputs: `relu'(1e-40) = 1`, and the row sums to 2e-40.",
        why="NumPy cannot switch denormals-are-zero on, and flushing every op's inputs would cost a pass over every "
            "array for values no training run meets. Where a flushed *result* decides a branch (a mask, a count, a "
            "divisor), the reference flushes it (`reference.ops.flush_subnormal`).",
        test="parity_tests/test_ops.py::test_relu_gradient_at_a_subnormal_input",
    ),
    Departure(
        id="unrecorded-target",
        names=("GradientTape.gradient",),
        keras="`tf.GradientTape.gradient(target, sources)` for a target the tape never recorded (computed before "
              "the tape, from nothing it watches, or a constant) returns `None` for every source, zeros with "
              "`unconnected_gradients=\"zero\"`.",
        reference="Raises a `ValueError`: the target was not recorded, with the likely cause (plain NumPy such as "
                  "`np.mean` instead of `ops.reduce_mean`). A recorded target that depends on none of the sources "
                  "gets TF's `None`s or zeros.",
        why="The tape cannot see plain NumPy, so a loss computed with `np.mean` is an unrecorded target: TF's answer "
            "would be silent `None`s, or zeros that train nothing.",
        test="parity_tests/test_tape_parity.py::test_an_unrecorded_target_raises_where_tf_answers_none",
    ),
    Departure(
        id="cce-negative-axis",
        names=("CategoricalCrossentropy", "categorical_crossentropy"),
        keras="`from_logits=True` with a negative `axis` other than -1 (e.g. -2) raises `InvalidArgumentError` "
              "(TF's `softmax_cross_entropy_with_logits` builds `range(0, axis)` from the negative axis).",
        reference="Computes the loss along that axis, the value Keras gives for the same axis written as positive.",
        why="A bug, not a rule: the positive axis works in Keras, and a negative axis is valid everywhere else.",
        test="parity_tests/test_losses.py::test_categorical_crossentropy_from_logits_on_a_negative_inner_axis",
    ),
    Departure(
        id="muon-float64",
        names=("Muon",),
        keras="With float64 variables and `rms_rate` set (the default 0.2), the update of a matrix raises "
              "`InvalidArgumentError`: `lr_adjust` multiplies the float64 update by "
              "`sqrt(max(n, m))`, a float32 tensor, and TF refuses the mixed product: with or without `use_ema`, "
              "and inside a `LossScaleOptimizer` (where the error reads `Exception encountered when calling "
              "Cond.call()`). Vectors and `rms_rate=None` work.",
        reference="Computes the step in float64, the rule Keras applies in float32 (and to float64 vectors).",
        why="A bug, not a rule: Keras casts every other constant of the step to the variable's dtype, and the "
            "same optimizer runs on float64 vectors.",
        test="parity_tests/test_optimizers.py::test_muon_computes_in_float64_where_keras_raises",
    ),
    Departure(
        id="soft-shrink-integer-ndarray",
        names=("soft_shrink",),
        keras="On an integer NumPy array (not a tensor), `soft_shrink` computes: NumPy evaluates `x - threshold` in "
              "float64 and `tf.where` truncates it into the integer branch, so `soft_shrink(int32 [-2, 7])` is "
              "`[-1, 6]`. On an integer tensor it raises (`Cannot convert 0.5 to EagerTensor of dtype int32`).",
        reference="Raises a `TypeError` naming `threshold` on both: a float threshold does not meet an integer "
                  "input (an integer threshold computes in integers, as Keras on a tensor).",
        why="Keras's TF backend skips `convert_to_tensor` in `soft_shrink` alone; the reference's arrays are what "
            "Keras's tensors are, and the truncated result is not a soft shrink.",
        test="parity_tests/test_activation_dtypes.py::"
             "test_soft_shrink_of_an_integer_ndarray_computes_in_keras_and_raises_in_the_reference",
    ),
    Departure(
        id="loss-functions-on-python-lists",
        names=("sparse_categorical_crossentropy", "categorical_generalized_cross_entropy", "ctc"),
        keras="`sparse_categorical_crossentropy` and `categorical_generalized_cross_entropy` read `.shape` or "
              "`.dtype` of their arguments before converting them, so Python lists raise `AttributeError`; `ctc` "
              "given lists fails inside TF's reduction (`InvalidArgumentError`). The same values as arrays compute.",
        reference="Converts the lists first, as every other Keras loss function does, and computes what Keras "
                  "computes for the same values as arrays.",
        why="Keras raises through the order of its own lines, not by a contract on the argument: the arrays of the "
            "same values are accepted, and its other loss functions accept lists.",
        test="parity_tests/test_losses.py::test_loss_functions_on_python_lists_departure",
    ),
)


def by_id():
    return {d.id: d for d in DEPARTURES}


def markdown():
    """``docs/departures.md``: the table, generated (never edited by hand)."""
    from markdown_tables import table

    lines = [
        "# Documented departures from Keras",
        "",
        "<!-- generated by `python -m parity_tests departures` from parity_tests/departures.py: do not edit -->",
        "",
        "The reference computes what Keras 3 on TensorFlow computes, bit for bit where the arithmetic allows and "
        "within the [tolerance policy](../parity_tests/tolerances.py) elsewhere. These are the only deliberate "
        "exceptions. Each names the test that runs both sides on the case and pins what each does.",
        "",
    ]
    rows = [[f"<a id=\"{d.id}\"></a>`{d.id}`", ", ".join(f"`{n}`" for n in d.names), d.keras, d.reference, d.why,
             f"`{d.test}`"] for d in DEPARTURES]
    lines += table(["id", "names", "Keras on TF", "the reference", "why", "pinned by"], rows)
    return "\n".join(lines) + "\n"
