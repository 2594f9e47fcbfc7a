"""Beyond Keras: the confusion-matrix metrics against scikit-learn's exact definitions.

Where Keras computes a quantity that has an exact value, the reference run in float64 (``floatx="float64"``, so
the counts are float64 too) must give it: the confusion counts and precision/recall at one threshold, the
F-beta scores and the IoU (Jaccard index). Each test says where Keras's formula departs (its ε smoothing) and
how that is taken out. The AUC is *not* exact in Keras (a Riemann sum over thresholds):
``parity_tests/auc_vs_exact.py`` measures by how much.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

sklearn_metrics = pytest.importorskip("sklearn.metrics")

import reference as rk  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402

THRESHOLDS = st.sampled_from([0.5, 0.0, 0.25, 0.75, 1.0])


@pytest.fixture(autouse=True)
def _float64_reference():
    """The oracle run: counts in float64, and ε = 0 where a test needs Keras's smoothing gone."""
    rk.set_floatx("float64")
    epsilon = rk.config.epsilon()
    yield
    rk.config.set_epsilon(epsilon)
    rk.set_floatx("float32")


def _binary(sample):
    """Flat 0/1 labels, scores and per-element weights of a confusion sample."""
    y_true = np.asarray(sample["y_true"]).astype(np.float64)
    y_pred = np.asarray(sample["y_pred"]).astype(np.float64)
    w = sample["sample_weight"]
    w = np.ones_like(y_pred) if w is None else np.broadcast_to(
        np.asarray(w, np.float64).reshape(len(y_pred), *([1] * (y_pred.ndim - 1))), y_pred.shape)
    return (y_true != 0).reshape(-1), y_pred.reshape(-1), w.reshape(-1)


def _counts(metric, sample):
    metric.update_state(sample["y_true"], sample["y_pred"], sample_weight=sample["sample_weight"])
    return np.asarray(metric.result())


@given(sample=S.confusion_counts("float64"), threshold=THRESHOLDS)
def test_counts_precision_and_recall_at_one_threshold_are_sklearns(sample, threshold):
    """TN, FP, FN, TP = ``confusion_matrix(y, p > t).ravel()``; precision and recall with ``zero_division=0``
    (Keras's ``divide_no_nan``)."""
    y, p, w = _binary(sample)
    assume(w.sum() > 0)                                   # sklearn rejects all-zero weights
    predicted = p > threshold
    tn, fp, fn, tp = sklearn_metrics.confusion_matrix(y, predicted, sample_weight=w, labels=[False, True]).ravel()
    n = len(y)
    for name, expected in (("TrueNegatives", tn), ("FalsePositives", fp), ("FalseNegatives", fn),
                           ("TruePositives", tp)):
        actual = _counts(getattr(rk.metrics, name)(thresholds=threshold), sample)
        assert_parity(actual, expected, op="metric", dtype="float64", size=n, what=f"{name}(thresholds={threshold})",
                      names=("reference", "sklearn"))
    for name, score in (("Precision", sklearn_metrics.precision_score), ("Recall", sklearn_metrics.recall_score)):
        expected = score(y, predicted, sample_weight=w, zero_division=0)
        actual = _counts(getattr(rk.metrics, name)(thresholds=threshold), sample)
        assert_parity(actual, expected, op="metric", dtype="float64", size=n, what=f"{name}(thresholds={threshold})",
                      names=("reference", "sklearn"))


@given(data=st.data(), average=st.sampled_from([None, "micro", "macro", "weighted"]),
       beta=st.sampled_from([1.0, 0.5, 2.0]), threshold=st.sampled_from([0.5, 0.25, 0.75]))
def test_f_beta_is_sklearns_without_the_epsilon(data, average, beta, threshold):
    """``FBetaScore(threshold=t)`` is sklearn's multilabel ``fbeta_score`` of ``p > t`` once Keras's ε (added to
    every denominator) is set to 0; only cases where no class has an empty denominator (sklearn's
    ``zero_division``, Keras's ε) are compared."""
    rk.config.set_epsilon(0.0)
    sample = data.draw(S.f_score_sample("float64"))
    y, p, w = sample["y_true"] != 0, sample["y_pred"] > threshold, sample["sample_weight"]
    weights = np.ones(len(y)) if w is None else w
    tp = ((y & p) * weights[:, None]).sum(0)
    assume(weights.sum() > 0 and ((tp > 0).all() if average != "micro" else tp.sum() > 0))
    metric = rk.metrics.FBetaScore(average=average, beta=beta, threshold=threshold, dtype="float64")
    expected = sklearn_metrics.fbeta_score(y, p, beta=beta, average=average, sample_weight=w, zero_division=0)
    assert_parity(_counts(metric, sample), expected, op="metric", dtype="float64", size=len(y),
                  what=f"FBetaScore(average={average}, beta={beta}, threshold={threshold})",
                  names=("reference", "sklearn"))


@given(sample=S.iou_sparse("float64"), class_id=st.integers(0, S.CONFUSION_CLASSES - 1))
def test_iou_is_jaccard(sample, class_id):
    """``IoU(3, [c])`` is sklearn's ``jaccard_score`` of class ``c`` over the in-range ids, once Keras's ε (in
    ``TP / (denominator + ε)``) is set to 0, for a class present in the labels or the predictions. The
    result is float32 whatever the dtype (Keras casts the counts to it), so it is compared at float32."""
    rk.config.set_epsilon(0.0)
    y, p = np.asarray(sample["y_true"]).astype(np.int64).ravel(), np.asarray(sample["y_pred"]).astype(np.int64).ravel()
    w = np.ones(y.shape) if sample["sample_weight"] is None else np.asarray(sample["sample_weight"]).ravel()
    kept = (y >= 0) & (y < S.CONFUSION_CLASSES) & (p >= 0) & (p < S.CONFUSION_CLASSES)
    present = kept & ((y == class_id) | (p == class_id)) & (w > 0)
    assume(present.any())                     # an absent class is 0/0 once ε is 0; its Keras value is pinned by parity
    expected = sklearn_metrics.jaccard_score(y[kept], p[kept], labels=[class_id], average=None, sample_weight=w[kept],
                                             zero_division=0)[0]
    metric = rk.metrics.IoU(S.CONFUSION_CLASSES, [class_id], dtype="float64")
    assert_parity(_counts(metric, sample), expected, op="metric", dtype="float32", size=len(y),
                  what=f"IoU(3, [{class_id}])", names=("reference", "sklearn"))
