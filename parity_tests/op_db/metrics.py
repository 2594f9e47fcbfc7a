"""The op table's rows for one ``update_state`` of the metrics of ``reference.metrics`` (``keras.metrics``);
streaming is checked over ``metric_db``."""


from .. import strategies as S
from . import report_inputs as R
from .opinfo import OpInfo
from .scales import loss_value_scale, mse_magnitude

ROWS = [
    OpInfo("SparseCategoricalAccuracy",
           call="metrics.SparseCategoricalAccuracy(dtype=y_pred.dtype.name)"
                "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.sparse_accuracy(d), tol="metric", size=lambda s: len(s["y_true"]),
           examples=({"y_true": [0, 1, 2], "y_pred": [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0]],
                      "sample_weight": None},),                                 # ties go to the first maximum
           report=lambda r: {"y_true": R.labels(r, 1000), "y_pred": r.random((1000, 10)), "sample_weight": None}),
    OpInfo("CategoricalAccuracy",
           call="metrics.CategoricalAccuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.categorical_accuracy(d), tol="metric", size=lambda s: len(s["y_true"]),
           examples=({"y_true": [[0.5, 0.5], [0.0, 1.0]], "y_pred": [[0.0, 0.0], [1.0, 1.0]],
                      "sample_weight": [[1.0], [0.0]]},)),
    OpInfo("Accuracy", call="metrics.Accuracy(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.accuracy(d), tol="metric", size=lambda s: s["y_true"].size,
           examples=({"y_true": [[1.0], [2.0]], "y_pred": [[1.0], [0.0]], "sample_weight": [1.0, 3.0]},)),
    OpInfo("binary_accuracy", call="metrics.binary_accuracy(y_true, y_pred, threshold=threshold)",
           sample=lambda d: S.binary_accuracy(d), tol="exact",
           examples=({"y_true": [1, 0, 1], "y_pred": [[0.5], [0.5], [0.7]], "threshold": 0.5,
                      "sample_weight": None},)),                          # exactly at the threshold: negative
    OpInfo("BinaryAccuracy",
           call="metrics.BinaryAccuracy(threshold=threshold, dtype=y_pred.dtype.name)"
                "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_accuracy(d), tol="metric", size=lambda s: s["y_pred"].size),
    OpInfo("FalseNegatives",
           call="metrics.FalseNegatives(thresholds=np.asarray(thresholds).tolist(), dtype=y_pred.dtype.name)"
                "(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.false_negatives(d), tol="metric", size=lambda s: s["y_pred"].size,
           dtypes=("float32",),                 # counts are kept in floatx() whatever `dtype` says (Keras too)
           examples=(                                  # (pinned lists arrive as arrays, hence .tolist())
                     {"y_true": [1.0, 1.0, 0.0, 2.0, 1.0], "y_pred": [[0.5], [0.3], [0.9], [-0.5], [1.5]],
                      "thresholds": [0.0, 0.5, 1.0], "sample_weight": None},   # bucketed: clipped to [0, 1]
                     {"y_true": [1.0, 1.0, 0.0, 2.0, 1.0], "y_pred": [[0.5], [0.3], [0.9], [-0.5], [1.5]],
                      "thresholds": [0.3, 0.5], "sample_weight": [1.0, 2.0, 3.0, 0.5, 0.0]},
                     {"y_true": [1.0, 1.0, 1.0], "y_pred": [0.3, 0.30000001, 0.7],
                      "thresholds": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                      "sample_weight": None})),                           # on a bucket edge
    OpInfo("MeanSquaredError metric",
           call="metrics.MeanSquaredError(dtype=y_pred.dtype.name)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.regression(d), tol="reduction", size=lambda s: s["y_pred"].size + 2,
           scale=lambda s: mse_magnitude(s) ** 2),
    OpInfo("BinaryCrossentropy metric",
           call="metrics.BinaryCrossentropy(dtype=y_pred.dtype.name, from_logits=from_logits,"
                " label_smoothing=label_smoothing)(y_true, y_pred, sample_weight=sample_weight)",
           sample=lambda d: S.binary_crossentropy(d), tol="cross_entropy",
           size=lambda s: s["y_pred"].size + 2, scale=loss_value_scale),
]
