"""Every hypothesis strategy of the suite, by family: what is drawn, with which edges pinned, and why.

* ``common.py``: :class:`Sample` (the named inputs of one call), dtypes, scalars, shapes and arrays, labels,
  probabilities and sample weights, and the samples of the elementary ops; its docstring states the domain
  limits every strategy keeps (finite values, no subnormal inputs, the finite-difference margins).
* ``losses.py``: ``keras.losses``, as functions and as reduced classes with signed sample weights.
* ``metrics.py``: ``keras.metrics`` (accuracies, means, regression and probabilistic metrics, batch splits);
  ``confusion.py``: the confusion-matrix metrics and their constructor arguments.
* ``activations.py``: ``keras.activations``, their kinks and arguments, and every input dtype.
* ``optimizers.py``: hyperparameters, 50-step gradient streams, loss-scaled streams with non-finite steps.
* ``training.py``: whole training steps (the handbook's MLP, a ``Dense`` under a mixed policy) and the shapes
  ``compile`` meets.

Every public name is re-exported here: ``from parity_tests import strategies as S`` then ``S.regression(...)``.
"""

from .common import (DTYPES, HALF_DTYPES, BFLOAT16, LABEL_DTYPES, MAX_SIDE, MAX_CLASSES, LOGIT_MAGNITUDE, FD_MARGIN,
                     Sample, dtypes, floats, specials, MIN_MAGNITUDE, magnitudes, values, one_of_values, logit_values,
                     ProbabilityEdges, probability_edges, probability_values, positive_values, nonzero_values,
                     fd_values, shapes, arrays, axis_of, class_axis_of, class_shapes, sparse_labels, as_kind,
                     one_hot, soft_labels, cotangents, flush_subnormals, probabilities, weight_values, FLOAT16_EDGES,
                     op_values, positive_op_values, unary, binary, select, ties, distinct, divide_no_nan, matmul,
                     reshape, clip, reduction, softmax, cast, dense, sparse_xent_with_logits, xent_with_logits,
                     sigmoid_xent_with_logits)
from .losses import (REDUCTIONS, LOSS_DTYPES, with_loss_dtype, FLUSHED_SQUARES, loss_values, sample_weights,
                     loss_weights, binary_crossentropy, sparse_crossentropy, categorical_crossentropy,
                     binary_focal_loss, categorical_focal_loss, generalized_crossentropy, regression, regression_loss,
                     cosine_loss, hinge_loss, distribution_loss, overlap_loss, circle_loss, ctc_loss)
from .metrics import (METRIC_MAX_SAMPLES, METRIC_POLICIES, metric_dtype, metric_weights, exact_weights, tied_scores,
                      scores, small_integer_values, batch_splits, sparse_accuracy, categorical_accuracy, accuracy,
                      binary_targets_and_scores, binary_accuracy, top_k_metric, sorted_ids_metric, top_k_values,
                      mean_values, regression_metric, r2_metric, correlation_metric, crossentropy_metric,
                      binary_crossentropy_metric, distribution_metric, hinge_metric)
from .confusion import (CONFUSION_CLASSES, CONFUSION_THRESHOLDS, FALSE_NEGATIVE_THRESHOLDS, float32_subnormals,
                        confusion_scores, binary_labels, confusion_weights, confusion_thresholds, false_negatives,
                        confusion_counts, precision_recall_kwargs, at_constraint_kwargs, auc_kwargs, confusion_classes,
                        confusion_logits, f_score_sample, f_score_kwargs, iou_sparse, iou_one_hot, binary_iou_sample,
                        iou_kwargs)
from .activations import (kinked_values, activation, relu_options, glu, sparsemax_fd, ACTIVATION_DTYPES, FLOAT16_MAX,
                          any_dtype)
from .optimizers import (OPTIMIZER_DTYPES, LEARNING_RATES, NEGATIVE_LEARNING_RATES, learning_rates, unit_interval,
                         optimizer_hyperparameters, STEP_KINDS, Trajectory, trajectories, optimizer_trajectory,
                         LOSS_SCALES, NON_FINITE, loss_scale_trajectory)
from .training import (TrainingCase, training_cases, MixedDenseCase, mixed_dense_cases, target_and_output_shapes)

__all__ = [
    # common.py
    "DTYPES", "HALF_DTYPES", "BFLOAT16", "LABEL_DTYPES", "MAX_SIDE", "MAX_CLASSES", "LOGIT_MAGNITUDE", "FD_MARGIN",
    "Sample", "dtypes", "floats", "specials", "MIN_MAGNITUDE", "magnitudes", "values", "one_of_values", "logit_values",
    "ProbabilityEdges", "probability_edges", "probability_values", "positive_values", "nonzero_values", "fd_values",
    "shapes", "arrays", "axis_of", "class_axis_of", "class_shapes", "sparse_labels", "as_kind", "one_hot",
    "soft_labels", "cotangents", "flush_subnormals", "probabilities", "weight_values", "FLOAT16_EDGES", "op_values",
    "positive_op_values", "unary", "binary", "select", "ties", "distinct", "divide_no_nan", "matmul", "reshape",
    "clip", "reduction", "softmax", "cast", "dense", "sparse_xent_with_logits", "xent_with_logits",
    "sigmoid_xent_with_logits",
    # losses.py
    "REDUCTIONS", "LOSS_DTYPES", "with_loss_dtype", "FLUSHED_SQUARES", "loss_values", "sample_weights", "loss_weights",
    "binary_crossentropy", "sparse_crossentropy", "categorical_crossentropy", "binary_focal_loss",
    "categorical_focal_loss", "generalized_crossentropy", "regression", "regression_loss", "cosine_loss", "hinge_loss",
    "distribution_loss", "overlap_loss", "circle_loss", "ctc_loss",
    # metrics.py
    "METRIC_MAX_SAMPLES", "METRIC_POLICIES", "metric_dtype", "metric_weights", "exact_weights", "tied_scores",
    "scores", "small_integer_values", "batch_splits", "sparse_accuracy", "categorical_accuracy", "accuracy",
    "binary_targets_and_scores", "binary_accuracy", "top_k_metric", "sorted_ids_metric", "top_k_values", "mean_values",
    "regression_metric", "r2_metric", "correlation_metric", "crossentropy_metric", "binary_crossentropy_metric",
    "distribution_metric", "hinge_metric",
    # confusion.py
    "CONFUSION_CLASSES", "CONFUSION_THRESHOLDS", "FALSE_NEGATIVE_THRESHOLDS", "float32_subnormals", "confusion_scores",
    "binary_labels", "confusion_weights", "confusion_thresholds", "false_negatives", "confusion_counts",
    "precision_recall_kwargs", "at_constraint_kwargs", "auc_kwargs", "confusion_classes", "confusion_logits",
    "f_score_sample", "f_score_kwargs", "iou_sparse", "iou_one_hot", "binary_iou_sample", "iou_kwargs",
    # activations.py
    "kinked_values", "activation", "relu_options", "glu", "sparsemax_fd", "ACTIVATION_DTYPES", "FLOAT16_MAX",
    "any_dtype",
    # optimizers.py
    "OPTIMIZER_DTYPES", "LEARNING_RATES", "NEGATIVE_LEARNING_RATES", "learning_rates", "unit_interval",
    "optimizer_hyperparameters", "STEP_KINDS", "Trajectory", "trajectories", "optimizer_trajectory", "LOSS_SCALES",
    "NON_FINITE", "loss_scale_trajectory",
    # training.py
    "TrainingCase", "training_cases", "MixedDenseCase", "mixed_dense_cases", "target_and_output_shapes",
]
