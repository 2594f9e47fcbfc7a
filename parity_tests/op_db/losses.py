"""The op table's rows for the losses of ``reference.losses`` (``keras.losses``)."""


from .. import strategies as S
from .opinfo import ErrorInput, EDGE, OpInfo
from .scales import loss_value_scale, loss_size, loss_scale, label_mass, loss_grad_scale, bce_grad_scale, mse_magnitude, mse_scale, mse_grad_scale

ROWS = [
    # losses ------------------------------------------------------------------------------
    OpInfo("sparse_categorical_crossentropy",
           "rk.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)",
           "keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)",
           sample=lambda d: S.sparse_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.sparse_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [0, 1, 2, 0], "from_logits": False,                      # exact 0s and 1s, rows off 1
                "y_pred": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.5, 0.5, 0.5]]},
               {"y_true": [[0], [1], [2]], "from_logits": False,                   # on and inside the clip bounds
                "y_pred": [[EDGE.eps, EDGE.one_minus_eps, EDGE.half_eps], [EDGE.one_minus_half_eps, EDGE.eps, 0.5], [EDGE.one_minus_eps, EDGE.half_eps, EDGE.eps]]},
               {"y_true": [2, 0], "from_logits": True, "y_pred": [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]]},
           ),
           error_inputs=(
               ErrorInput("label == num_classes", "y_true", {"y_true": [0, 3], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("negative label", "y_true", {"y_true": [-1, 0], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("batch sizes differ", "y_true", {"y_true": [0, 1, 2], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
               ErrorInput("labels have a class axis", "y_true",
                          {"y_true": [[0, 1], [1, 0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False}),
           )),
    OpInfo("categorical_crossentropy",
           "rk.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           "keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.categorical_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2,
           scale=lambda s: loss_value_scale(s) * label_mass(s),
           grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.categorical_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "from_logits": False, "label_smoothing": 0.0,
                "axis": -1, "y_pred": [[EDGE.eps, EDGE.one_minus_eps, 0.0], [EDGE.half_eps, 1.0, EDGE.one_minus_half_eps]]},
               {"y_true": [[0.0, 1.0, 0.0]], "from_logits": False, "label_smoothing": 0.1, "axis": -1,
                "y_pred": [[0.2, 0.3, 0.1]]},                                      # a row that sums to 0.6
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "from_logits": True, "label_smoothing": 1.0, "axis": 0,
                "y_pred": [[1e4, -1e4], [0.0, 1e4]]},
           ),
           error_inputs=(
               ErrorInput("class counts differ", "y_true",
                          {"y_true": [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False,
                           "label_smoothing": 0.0, "axis": -1}),
               ErrorInput("ranks differ", "y_true",
                          {"y_true": [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False,
                           "label_smoothing": 0.0, "axis": -1}),
               ErrorInput("axis is a bool", "axis", {"y_true": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                                                      "from_logits": False, "label_smoothing": 0.0, "axis": True}),
               ErrorInput("axis out of range", "axis", {"y_true": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]],
                                                          "from_logits": True, "label_smoothing": 0.0, "axis": 2}),
           )),
    OpInfo("SparseCategoricalCrossentropy",
           "rk.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction,"
           " dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=reduction,"
           " dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.sparse_crossentropy(d), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.sparse_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [[1], [0]], "y_pred": [[0.0, 1.0], [EDGE.eps, EDGE.one_minus_eps]], "from_logits": False,
                "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None)),
           error_inputs=(
               ErrorInput("label out of range, from logits", "y_true",
                          {"y_true": [0, 7], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": True, "reduction": "sum_over_batch_size",
                           "sample_weight": None}),
               ErrorInput("sample_weight does not fit", "sample_weight",
                          {"y_true": [0, 1], "y_pred": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "from_logits": False, "reduction": "sum_over_batch_size",
                           "sample_weight": [1.0, 1.0, 1.0]}),
           )),
    OpInfo("CategoricalCrossentropy",
           "rk.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " axis=axis, reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " axis=axis, reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.categorical_crossentropy(d), tol="cross_entropy",
           size=loss_size, scale=lambda s: loss_scale(s) * label_mass(s),
           grad_wrt=("y_pred",), grad_scale=loss_grad_scale,
           fd_sample=lambda: S.categorical_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [[0.0, 1.0], [1.0, 0.0]], "y_pred": [[0.0, 1.0], [EDGE.eps, EDGE.one_minus_eps]],
                "from_logits": False, "label_smoothing": 0.0, "axis": -1, "sample_weight": w, "reduction": r}
               for w in (None, 2.0, [0.0, 0.0], [[0.5], [0.0]])
               for r in ("sum_over_batch_size", "mean_with_sample_weight", "sum", None))),
    # binary and regression losses (compile/fit's additions) ------------------------------
    OpInfo("binary_crossentropy",
           "rk.losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           "keras.losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,"
           " label_smoothing=label_smoothing, axis=axis)",
           sample=lambda d: S.binary_crossentropy(d, with_weights=False), tol="cross_entropy",
           size=lambda s: s["y_pred"].shape[s["axis"]] + 2, scale=loss_value_scale,
           grad_wrt=("y_pred",), grad_scale=bce_grad_scale,
           fd_sample=lambda: S.binary_crossentropy("float64", with_weights=False, fd=True),
           examples=(
               {"y_true": [[0.0, 1.0, 1.0, 0.0, 1.0]], "y_pred": [[0.0, 1.0, EDGE.eps, EDGE.one_minus_eps, EDGE.half_eps]],
                "from_logits": False, "label_smoothing": 0.0, "axis": -1},     # exact 0 and 1, the clip bounds
               {"y_true": [[0.0, 1.0, 0.5]], "y_pred": [[1e4, -1e4, 0.0]], "from_logits": True,
                "label_smoothing": 0.2, "axis": -1},
           )),
    OpInfo("BinaryCrossentropy",
           "rk.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing,"
           " reduction=reduction, dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_crossentropy(d), tol="cross_entropy",
           size=loss_size, scale=loss_scale, grad_wrt=("y_pred",), grad_scale=bce_grad_scale,
           fd_sample=lambda: S.binary_crossentropy("float64", fd=True),
           examples=tuple(
               {"y_true": [1.0, 0.0], "y_pred": [[0.7], [EDGE.one_minus_eps]], "from_logits": False,   # (N,) meets (N, 1)
                "label_smoothing": 0.0, "sample_weight": w, "reduction": r}
               for w in (None, [2.0, 0.0]) for r in ("sum_over_batch_size", "mean_with_sample_weight", None))),
    OpInfo("mean_squared_error", "rk.losses.mean_squared_error(y_true, y_pred)",
           "keras.losses.mean_squared_error(y_true, y_pred)",
           sample=lambda d: S.regression(d, with_weights=False), tol="reduction",
           size=lambda s: s["y_pred"].shape[-1] + 2, scale=lambda s: mse_magnitude(s) ** 2,
           grad_wrt=("y_pred",), grad_tol="reduction", grad_size=lambda s: 4, grad_scale=mse_grad_scale,
           fd_sample=lambda: S.regression("float64", with_weights=False, fd=True),
           examples=({"y_true": [1.0, 2.0], "y_pred": [[1.5], [2.0]]},)),             # (N,) meets (N, 1)
    OpInfo("MeanSquaredError",
           "rk.losses.MeanSquaredError(reduction=reduction, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           "keras.losses.MeanSquaredError(reduction=reduction, dtype=y_pred.dtype.name)"
           "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.regression(d), tol="reduction",
           size=lambda s: s["y_pred"].size + 2, scale=mse_scale,
           grad_wrt=("y_pred",), grad_size=lambda s: 4, grad_scale=mse_grad_scale,
           fd_sample=lambda: S.regression("float64", fd=True)),
]
