"""The op table's rows for the losses of ``reference.losses`` (``keras.losses``)."""

import numpy as np

import reference as rk

from .. import strategies as S
from .opinfo import ErrorInput, EDGE, OpInfo
from .scales import (loss_value_scale, loss_size, loss_scale, label_mass, loss_grad_scale, bce_grad_scale,
                     mse_magnitude, mse_scale, mse_grad_scale)
from . import scales as K

HALF = S.DTYPES + S.HALF_DTYPES   # the loss rows run in float16 and bfloat16 too


def policy_compute_dtype(sample, dtype):
    """The dtype a loss class computes in: its ``dtype=`` policy's compute dtype (``None``: ``floatx``)."""
    return rk.DTypePolicy(sample["dtype"] or rk.config.floatx()).compute_dtype


def in_floatx(examples):
    """Pinned examples of a class form, computing in ``floatx`` (the drawn samples draw the ``dtype=`` policy)."""
    return tuple({**e, "dtype": None, "as_policy": False} for e in examples)


ROWS = [
    # losses ------------------------------------------------------------------------------
    OpInfo("sparse_categorical_crossentropy",
           call="losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)",
           sample=lambda d: S.sparse_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.sparse_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [0, 1, 2, 0], "from_logits": False,                      # exact 0s and 1s, rows off 1
                "y_pred": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]]},
               {"y_true": [[0], [1], [2]], "from_logits": False,                   # on and inside the clip bounds
                "y_pred": [[EDGE.eps, EDGE.one_minus_eps, EDGE.half_eps], [EDGE.one_minus_half_eps, EDGE.eps, 0.5],
                           [EDGE.one_minus_eps, EDGE.half_eps, EDGE.eps]]},
               {"y_true": [2, 0], "from_logits": True, "y_pred": [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]]},
           ),
           error_inputs=(
               ErrorInput("label == num_classes", "y_true",
                          {"y_true": [0, 3], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("negative label", "y_true",
                          {"y_true": [-1, 0], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("batch sizes differ", "y_true",
                          {"y_true": [0, 1, 2], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("labels have a class axis", "y_true",
                          {"y_true": [[0, 1], [1, 0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                           "from_logits": False}),
           )),
    OpInfo("categorical_crossentropy",
           call="losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,"
                " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.categorical_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2,
           scale=lambda s: loss_value_scale(s) * label_mass(s),
           grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.categorical_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "from_logits": False, "label_smoothing": 0.0,
                "axis": -1,
                "y_pred": [[EDGE.eps, EDGE.one_minus_eps, 0.0], [EDGE.half_eps, 1.0, EDGE.one_minus_half_eps]]},
               {"y_true": [[0.0, 1.0, 0.0]], "from_logits": False, "label_smoothing": 0.1, "axis": -1,
                "y_pred": [[0.2, 0.3, 0.1]]},                                      # a row that sums to 0.6
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "from_logits": True, "label_smoothing": 1.0, "axis": 0,
                "y_pred": [[1e4, -1e4], [0.0, 1e4]]},
           ),
           error_inputs=(
               ErrorInput("class counts differ", "y_true",
                          {"y_true": [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]],
                           "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False,
                           "label_smoothing": 0.0, "axis": -1}),
               ErrorInput("ranks differ", "y_true",
                          {"y_true": [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                           "from_logits": False, "label_smoothing": 0.0, "axis": -1}),
               ErrorInput("axis is a bool", "axis",
                          {"y_true": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                           "from_logits": False, "label_smoothing": 0.0, "axis": True}),
               ErrorInput("axis out of range", "axis",
                          {"y_true": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                           "from_logits": True, "label_smoothing": 0.0, "axis": 2}),
           )),
    OpInfo("SparseCategoricalCrossentropy",
           call="losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction, {policy})"
                "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.with_loss_dtype(S.sparse_crossentropy(d), d), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.with_loss_dtype(S.sparse_crossentropy("float64", fd=True), "float64", fd=True),
           compute_dtype=policy_compute_dtype, dtypes=HALF,
           examples=in_floatx(
               {"y_true": [[1], [0]], "y_pred": [[0.0, 1.0], [EDGE.eps, EDGE.one_minus_eps]], "from_logits": False,
                "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None)),
           error_inputs=(
               ErrorInput("label out of range, from logits", "y_true",
                          {"y_true": [0, 7], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": True,
                           "reduction": "sum_over_batch_size", "sample_weight": None,
                           "dtype": None, "as_policy": False}),
               ErrorInput("sample_weight does not fit", "sample_weight",
                          {"y_true": [0, 1], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False,
                           "reduction": "sum_over_batch_size", "sample_weight": [1.0, 1.0, 1.0],
                           "dtype": None, "as_policy": False}),
           )),
    OpInfo("CategoricalCrossentropy",
           call="losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
                " axis=axis, reduction=reduction, {policy})(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.with_loss_dtype(S.categorical_crossentropy(d), d), tol="cross_entropy",
           size=loss_size, scale=lambda s: loss_scale(s) * label_mass(s),
           grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.with_loss_dtype(S.categorical_crossentropy("float64", fd=True), "float64", fd=True),
           compute_dtype=policy_compute_dtype, dtypes=HALF,
           examples=in_floatx(
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "y_pred": [[0.0, 1.0], [EDGE.eps, EDGE.one_minus_eps]],
                "from_logits": False, "label_smoothing": 0.0, "axis": -1, "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None))),
    # binary and regression losses (compile/fit's additions) ------------------------------
    OpInfo("binary_crossentropy",
           call="losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,"
                " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.binary_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2, scale=loss_value_scale,
           grad_wrt=("y_pred",), grad_scale=bce_grad_scale,
           fd_sample=lambda: S.binary_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 1.0, 0.0, 1.0]],
                "y_pred": [[0.0, 1.0, EDGE.eps, EDGE.one_minus_eps, EDGE.half_eps]],   # exact 0 and 1, the clip bounds
                "from_logits": False, "label_smoothing": 0.0, "axis": -1},
               {"y_true": [[0.0, 1.0, 0.5]], "y_pred": [[1e4, -1e4, 0.0]], "from_logits": True,
                "label_smoothing": 0.2, "axis": -1},
           )),
    OpInfo("BinaryCrossentropy",
           call="losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
                " reduction=reduction, {policy})(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.with_loss_dtype(S.binary_crossentropy(d), d), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=bce_grad_scale,
           fd_sample=lambda: S.with_loss_dtype(S.binary_crossentropy("float64", fd=True), "float64", fd=True),
           compute_dtype=policy_compute_dtype, dtypes=HALF,
           examples=in_floatx(
               {"y_true": [1.0, 0.0], "y_pred": [[0.7], [EDGE.one_minus_eps]],   # (N,) meets (N, 1)
                "from_logits": False, "label_smoothing": 0.0, "sample_weight": w, "reduction": r}
               for w in (None, [2.0, 0.0]) for r in ("sum_over_batch_size", "mean_with_sample_weight", None))),
    OpInfo("mean_squared_error", call="losses.mean_squared_error(y_true, y_pred)",
           sample=lambda d: S.regression(d, with_weights=False), tol="reduction",
           size=lambda s: s["y_pred"].shape[-1] + 2, scale=lambda s: mse_magnitude(s) ** 2,
           grad_wrt=("y_pred",), grad_tol="reduction", grad_size=lambda s: 4, grad_scale=mse_grad_scale,
           fd_sample=lambda: S.regression("float64", with_weights=False, fd=True),
           examples=({"y_true": [1.0, 2.0], "y_pred": [[1.5], [2.0]]},)),             # (N,) meets (N, 1)
    OpInfo("MeanSquaredError",
           call="losses.MeanSquaredError(reduction=reduction, {policy})(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.with_loss_dtype(S.regression(d), d), tol="reduction",
           size=lambda s: s["y_pred"].size + 2, scale=mse_scale,
           grad_wrt=("y_pred",), grad_size=lambda s: 4, grad_scale=mse_grad_scale,
           fd_sample=lambda: S.with_loss_dtype(S.regression("float64", fd=True), "float64", fd=True),
           compute_dtype=policy_compute_dtype, dtypes=HALF,
           examples=in_floatx(({"y_true": [[0.5, 2.7]], "y_pred": [[0.1, 3.0]], "sample_weight": None,
                                     "reduction": "sum_over_batch_size"},))),
    # the rest of keras.losses: loss_rows below ------------------------------------------------
]


def _with_lengths(sample):
    """A CTC sample with explicit lengths: the nonzero labels, and output lengths from T down to 1."""
    frames = sample["y_pred"].shape[1]
    lengths = np.sum(sample["y_true"] != 0, axis=-1).astype(np.int32)
    return S.Sample(sample, target_length=lengths,
                    output_length=np.maximum(frames - np.arange(len(lengths)), 1).astype(np.int32))


def _element_count(sample):
    """A loss sample's ``size``: its count of predictions (+ 2)."""
    return int(np.size(sample["y_pred"])) + 2


def loss_rows(name, cls, args, sample, term, slope, tol="reduction", fd_sides=("reference", "tensorflow"),
              per_sample="max", examples=(), class_examples=(), error_inputs=(), dtypes=HALF, fn_args=None):
    """Two rows for a loss: the function ``keras.losses.<name>`` (unreduced) and the class ``<cls>`` with a
    drawn reduction and ``sample_weight``, each writing its call once (:attr:`OpInfo.call`).

    ``args``: the keyword arguments the class and the function take, as source text over the sample's names
    (``"delta=delta"``); ``fn_args``: the function's, if they differ. ``sample(dtype, with_weights, fd)``
    draws. ``term`` and ``slope`` bound the magnitudes (see ``scales.py``); ``size`` is the count of elements
    (+ 2), since each sample's loss sums or averages over them and a reduction sums the losses.
    """
    fn_args = args if fn_args is None else fn_args
    fn_call = f"(y_true, y_pred{', ' + fn_args if fn_args else ''})"
    cls_args = ", ".join(a for a in (args, "reduction=reduction", "{policy}") if a)
    common = dict(tol=tol, size=_element_count, grad_wrt=("y_pred",), grad_scale=K.slope_scale(slope),
                  fd_sides=fd_sides, dtypes=dtypes)
    return [
        OpInfo(name, call=f"losses.{name}{fn_call}",
               sample=lambda d: sample(d, False, False), scale=K.term_scale(term, per_sample),
               fd_sample=lambda: sample("float64", False, True), examples=examples, error_inputs=error_inputs,
               **common),
        OpInfo(cls, call=f"losses.{cls}({cls_args})(y_true, y_pred, sample_weight=sample_weight)",
               sample=lambda d: S.with_loss_dtype(sample(d, True, False), d), scale=K.term_scale(term, per_sample),
               fd_sample=lambda: S.with_loss_dtype(sample("float64", True, True), "float64", fd=True),
               examples=in_floatx(class_examples), compute_dtype=policy_compute_dtype, **common),
    ]


def _weighted(example, **extra):
    """``example`` with each of the weight/reduction edges: all-zero and negative weights, every reduction."""
    n = np.shape(example["y_pred"])[0]
    return tuple({**example, **extra, "sample_weight": w, "reduction": r}
                 for w in (None, [0.0] * n, [-1.0] + [2.0] * (n - 1))
                 for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None))


REG = {"y_true": [[0.0, 1.0, -2.0], [1e-7, 0.0, 3.0]],                 # ties, zeros, ε
       "y_pred": [[0.0, 2.0, -2.0], [0.0, -1e-7, 1.0]]}
MISMATCH = ErrorInput("shapes do not broadcast", "y_true",
                      {"y_true": [[0.0, 1.0, 2.0]] * 2, "y_pred": [[0.0, 1.0]] * 2})
PROBS = {"y_true": [[0.0, 1.0, 0.0], [EDGE.eps, EDGE.one_minus_eps, 0.5]],
         "y_pred": [[0.0, 1.0, EDGE.half_eps], [1.0, EDGE.eps, 0.5]]}
LOGITS = {"y_true": [[0.0, 1.0, 0.5]], "y_pred": [[1e4, -1e4, 0.0]]}
MASKS = {"y_true": [[[0.0, 0.0]], [[1.0, 1.0]]], "y_pred": [[[0.0, 0.0]], [[0.5, 1.0]]]}   # an empty mask, a full one

ROWS += [
    *loss_rows("mean_absolute_error", "MeanAbsoluteError", "", lambda d, w, fd: S.regression_loss(d, "plain", w, fd),
               K.mae_term, lambda s: 1.0 / K.last_axis_count(s),
               examples=(REG, {"y_true": [1, 2], "y_pred": [[1.5], [2.0]]}),
               class_examples=_weighted(REG), error_inputs=(MISMATCH,)),
    *loss_rows("mean_absolute_percentage_error", "MeanAbsolutePercentageError", "",
               lambda d, w, fd: S.regression_loss(d, "percentage", w, fd), K.mape_term,
               lambda s: 100 / np.maximum(np.abs(np.asarray(s["y_true"], np.float64)), 1e-7) / K.last_axis_count(s),
               examples=(REG,), class_examples=_weighted(REG), error_inputs=(MISMATCH,)),
    *loss_rows("mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "",
               lambda d, w, fd: S.regression_loss(d, "log", w, fd), K.msle_term,
               lambda s: 4 * np.sqrt(K.msle_term(s)) / K.last_axis_count(s), examples=(REG,),
               class_examples=_weighted(REG), error_inputs=(MISMATCH,)),
    *loss_rows("huber", "Huber", "delta=delta", lambda d, w, fd: S.regression_loss(d, "huber", w, fd), K.huber_term,
               lambda s: (K.mae_term(s) + s["delta"]) / K.last_axis_count(s),
               examples=({**REG, "delta": 1.0},
                         {"y_true": [[0.0, 0.0]], "y_pred": [[0.5, -0.5]], "delta": 0.5}),   # |e| = δ
               class_examples=_weighted(REG, delta=2.0),
               error_inputs=(ErrorInput(**{**MISMATCH.__dict__, "inputs": {**MISMATCH.inputs, "delta": 1.0}}),)),
    *loss_rows("log_cosh", "LogCosh", "", lambda d, w, fd: S.regression_loss(d, "plain", w, fd),
               lambda s: K.mae_term(s) + 1, lambda s: 2.0 / K.last_axis_count(s),
               examples=(REG, {"y_true": [[0.0, 0.0]], "y_pred": [[100.0, -1e3]]}), class_examples=_weighted(REG),
               error_inputs=(MISMATCH,)),
    *loss_rows("cosine_similarity", "CosineSimilarity", "axis=axis", S.cosine_loss, lambda s: 2.0, K.cosine_slope,
               examples=({"y_true": [[0.0, 0.0], [1.0, 1.0], [1e-9, 0.0]],
                          "y_pred": [[1.0, 2.0], [-2.0, -2.0], [1.0, 0.0]], "axis": -1},),
               class_examples=_weighted({"y_true": [[0.0, 0.0], [1.0, 1.0]], "y_pred": [[1.0, 2.0], [2.0, 2.0]]},
                                        axis=-1)),
    *loss_rows("hinge", "Hinge", "", lambda d, w, fd: S.hinge_loss(d, False, w, fd), K.hinge_term,
               lambda s: (1 + np.abs(np.asarray(s["y_true"], np.float64))) / K.last_axis_count(s),
               examples=({"y_true": [[0, 1, 1]], "y_pred": [[-1.0, 1.0, 0.5]]},           # margins exactly 0
                         {"y_true": [[-1.0, 0.0, 1.0]], "y_pred": [[-1.0, 1.0, 0.5]]}),     # mixed: not converted
               class_examples=_weighted({"y_true": [[0.0, 1.0], [1.0, 1.0]], "y_pred": [[-1.0, 1.0], [0.5, 2.0]]}),
               error_inputs=(MISMATCH,)),
    *loss_rows("squared_hinge", "SquaredHinge", "", lambda d, w, fd: S.hinge_loss(d, False, w, fd),
               lambda s: K.hinge_term(s, squared=True),
               lambda s: 2 * K.hinge_term(s) * (1 + np.abs(np.asarray(s["y_true"], np.float64))) / K.last_axis_count(s),
               examples=({"y_true": [[False, True, True]], "y_pred": [[-1.0, 1.0, 0.5]]},),
               class_examples=_weighted({"y_true": [[0.0, 1.0], [1.0, 1.0]], "y_pred": [[-1.0, 1.0], [0.5, 2.0]]}),
               error_inputs=(MISMATCH,)),
    *loss_rows("categorical_hinge", "CategoricalHinge", "", lambda d, w, fd: S.hinge_loss(d, True, w, fd),
               lambda s: 1 + 2 * np.sum(np.abs(np.asarray(s["y_pred"], np.float64)), axis=-1), lambda s: 2.0,
               examples=({"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
                          "y_pred": [[0.5, 0.5, 0.5], [2.0, 1.0, 1.0]]},),                          # ties
               class_examples=_weighted({"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
                                         "y_pred": [[0.5, 0.5, 0.5], [2.0, 1.0, 1.0]]}),
               error_inputs=(MISMATCH,)),
    *loss_rows("kl_divergence", "KLDivergence", "", lambda d, w, fd: S.distribution_loss(d, "kl", w, fd), K.kl_term,
               K.kl_slope, per_sample="sum", examples=(PROBS,), class_examples=_weighted(PROBS),
               error_inputs=(MISMATCH,)),
    *loss_rows("poisson", "Poisson", "", lambda d, w, fd: S.distribution_loss(d, "poisson", w, fd), K.poisson_term,
               K.poisson_slope, examples=({"y_true": [[0, 1, 3]], "y_pred": [[0.0, 1e-7, 2.0]]},),
               class_examples=_weighted({"y_true": [[0.0, 1.0], [3.0, 0.0]], "y_pred": [[0.0, 1.0], [1e-7, 2.0]]}),
               error_inputs=(MISMATCH,)),
    *loss_rows("binary_focal_crossentropy", "BinaryFocalCrossentropy",
               "apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma, from_logits=from_logits,"
               " label_smoothing=label_smoothing, axis=axis", lambda d, w, fd: S.binary_focal_loss(d, w, fd),
               K.focal_term, K.focal_slope, tol="cross_entropy",
               examples=({**PROBS, "apply_class_balancing": True, "alpha": 0.25, "gamma": 2.0, "from_logits": False,
                          "label_smoothing": 0.0, "axis": -1},
                         {**LOGITS, "apply_class_balancing": False, "alpha": 0.25, "gamma": 0.0, "from_logits": True,
                          "label_smoothing": 0.1, "axis": -1}),
               class_examples=_weighted(PROBS, apply_class_balancing=True, alpha=0.4, gamma=2.0, from_logits=False,
                                        label_smoothing=0.0, axis=-1),
               error_inputs=(ErrorInput("shapes differ", "y_true", {**MISMATCH.inputs, "apply_class_balancing": False,
                             "alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0, "axis": -1}),)),
    *loss_rows("categorical_focal_crossentropy", "CategoricalFocalCrossentropy",
               "alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis",
               lambda d, w, fd: S.categorical_focal_loss(d, w, fd), K.focal_term, K.focal_slope, tol="cross_entropy",
               per_sample="sum",
               examples=({"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
                          "y_pred": [[EDGE.eps, EDGE.one_minus_eps, 0.0], [0.0, 0.0, 0.0]],
                          "alpha": [0.25, 0.5, 1.0], "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0,
                          "axis": -1},
                         {"y_true": [[0.0, 1.0, 0.0]], "y_pred": [[1e4, -1e4, 0.0]], "alpha": 0.25, "gamma": 0.0,
                          "from_logits": True, "label_smoothing": 0.1, "axis": -1}),
               class_examples=_weighted({"y_true": [[0.0, 1.0], [1.0, 0.0]],
                                         "y_pred": [[0.0, 1.0], [EDGE.eps, EDGE.one_minus_eps]]},
                                        alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1),
               error_inputs=(ErrorInput("axis is a bool", "axis",
                                        {"y_true": [[1.0, 0.0]], "y_pred": [[0.5, 0.5]], "alpha": 0.25, "gamma": 2.0,
                                         "from_logits": False, "label_smoothing": 0.0, "axis": True}),)),
    *loss_rows("categorical_generalized_cross_entropy", "CategoricalGeneralizedCrossEntropy", "q=q",
               lambda d, w, fd: S.generalized_crossentropy(d, w, fd), lambda s: 1 / s["q"], K.gce_slope,
               examples=({"y_true": [0, 1, 2], "y_pred": [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]],
                          "q": 0.5},),
               class_examples=_weighted({"y_true": [0, 1], "y_pred": [[1.0, 0.0], [0.5, 0.5]]}, q=0.7)),
    *loss_rows("dice", "Dice", "axis=axis", lambda d, w, fd: S.overlap_loss(d, w, fd), lambda s: 2.0, K.overlap_slope,
               examples=({"y_true": [[[1, 0], [0, 1]]], "y_pred": [[[1.0, 0.0], [0.0, 0.0]]], "axis": None},
                         {**MASKS, "axis": (1, 2)}),
               class_examples=_weighted(MASKS, axis=(1, 2))),
    *loss_rows("tversky", "Tversky", "alpha=alpha, beta=beta, axis=axis", lambda d, w, fd: S.overlap_loss(d, w, fd),
               lambda s: 2.0, K.overlap_slope,
               examples=({"y_true": [[[1, 0], [0, 1]]], "y_pred": [[[1.0, 0.0], [0.0, 0.0]]],
                          "alpha": 0.7, "beta": 0.3, "axis": None},),
               class_examples=_weighted(MASKS, alpha=0.3, beta=0.7, axis=(1, 2))),
    *loss_rows("circle", "Circle", "gamma=gamma, margin=margin, remove_diagonal=remove_diagonal",
               lambda d, w, fd: S.circle_loss(d, w, fd), K.circle_term, K.circle_slope,
               examples=({"y_true": [0, 0, 1, 2],                                        # a duplicate, lone classes
                          "y_pred": [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]],
                          "gamma": 80.0, "margin": 0.4, "remove_diagonal": True},),
               class_examples=_weighted({"y_true": [0, 0, 1], "y_pred": [[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]},
                                        gamma=80.0, margin=0.4, remove_diagonal=True)),
    *loss_rows("ctc", "CTC", "", lambda d, w, fd: S.ctc_loss(d, w, fd), K.ctc_term, K.ctc_slope, tol="cross_entropy",
               fd_sides=(), dtypes=("float32",),
               examples=({"y_true": [[1, 1, 0], [2, 0, 0], [0, 0, 0]],                   # too long, fits, empty
                          "y_pred": np.zeros((3, 2, 3)).tolist(), "loss_shape": (3,)},
                         {"y_true": [[1, 2]], "y_pred": [[[100.0, 0.0, 0.0], [0.0, 0.0, -100.0], [0.0, 1e4, 0.0]]],
                          "loss_shape": (1,)}),
               class_examples=_weighted({"y_true": [[1, 2], [1, 0]],
                                         "y_pred": np.linspace(-2, 2, 18).reshape(2, 3, 3).tolist(),
                                         "loss_shape": (2,)}),
               error_inputs=(ErrorInput("labels are not (batch, length)", "y_true",
                                        {"y_true": [1, 2], "y_pred": np.zeros((2, 3, 3)).tolist()}),
                             ErrorInput("logits are not (batch, frames, classes)", "y_pred",
                                        {"y_true": [[1, 2]], "y_pred": [[0.5, 0.5]]}))),
    OpInfo("ctc_loss", "rk.losses.ctc_loss(y_true, y_pred, target_length, output_length)",
           "keras.ops.ctc_loss(y_true, y_pred, target_length, output_length)",
           sample=lambda d: S.ctc_loss(d, False).map(_with_lengths), tol="cross_entropy",
           size=_element_count, scale=K.term_scale(K.ctc_term), grad_wrt=("y_pred",),
           grad_scale=K.slope_scale(K.ctc_slope),
           fd_sample=lambda: S.ctc_loss("float64", False, True).map(_with_lengths),
           fd_sides=(), dtypes=("float32",)),   # float32 whatever the input, on both sides
]
