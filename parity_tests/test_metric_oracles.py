"""Beyond Keras: the metrics that compute an exact quantity, checked against scikit-learn and SciPy in float64.

* ``R2Score`` against ``sklearn.metrics.r2_score`` with its ``multioutput`` options (Keras's
  ``class_aggregation``): the same weighted R², though Keras gets ``SStot`` as ``Σwy² - (Σwy)²/Σw`` where
  scikit-learn takes ``Σw(y - ȳ)²``, so the tolerance carries that cancellation (``metric_db._r2_scale``).
  Constant columns differ by design (scikit-learn's ``force_finite`` gives 1 or 0, Keras 0 or NaN): not drawn.
* ``TopKCategoricalAccuracy``/``SparseTopKCategoricalAccuracy`` against ``top_k_accuracy_score``: exact, for
  scores without ties (scikit-learn breaks ties by index, ``tf.math.in_top_k`` lets them all in) and k < C.
* ``pearson_correlation`` against ``scipy.stats.pearsonr`` per sample.
* ``concordance_correlation`` against Lin's textbook formula with ``np.cov`` (``ddof=0``) and ``+ ε`` in the
  denominator: Keras's ``mean((y - mean ŷ)(ŷ - mean ŷ))`` is the covariance.
"""

import numpy as np
import pytest
from hypothesis import given, reject
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

sklearn_metrics = pytest.importorskip("sklearn.metrics")
scipy_stats = pytest.importorskip("scipy.stats")

import reference as rk  # noqa: E402
from parity_tests import strategies as S  # noqa: E402
from parity_tests.compare import assert_parity  # noqa: E402
from parity_tests.metric_db import _r2_scale  # noqa: E402

AGGREGATIONS = {"uniform_average": "uniform_average", "variance_weighted_average": "variance_weighted",
                None: "raw_values"}


@st.composite
def _r2_sample(draw):
    sample = draw(S.r2_metric("float64").filter(lambda s: len(s["y_true"]) >= 2))
    y_true = np.asarray(sample["y_true"], np.float64)
    w = sample["sample_weight"]
    w = np.ones(len(y_true)) if w is None else np.reshape(w, -1)
    if w.sum() == 0:
        reject()
    mean = (w[:, None] * y_true).sum(0) / w.sum()
    if np.any(((w[:, None] * (y_true - mean) ** 2).sum(0)) == 0):
        reject()                                            # a constant (weighted) column: see the module doc
    return sample


@given(sample=_r2_sample(), aggregation=st.sampled_from(sorted(AGGREGATIONS, key=str)))
def test_r2_score_matches_sklearn(sample, aggregation):
    rk.config.set_floatx("float64")                         # R2Score keeps its state in floatx
    try:
        metric = rk.metrics.R2Score(class_aggregation=aggregation, dtype="float64")
        metric.update_state(sample["y_true"], sample["y_pred"], sample_weight=sample["sample_weight"])
        result = metric.result()
    finally:
        rk.config.set_floatx("float32")
    w = sample["sample_weight"]
    expected = sklearn_metrics.r2_score(np.asarray(sample["y_true"], np.float64),
                                        np.asarray(sample["y_pred"], np.float64).reshape(np.shape(sample["y_true"])),
                                        sample_weight=None if w is None else np.reshape(w, -1),
                                        multioutput=AGGREGATIONS[aggregation])
    assert_parity(result, np.asarray(expected), op="metric", dtype="float64", size=len(sample["y_true"]) + 8,
                  scale=_r2_scale(sample, {}), what=f"R2Score({aggregation!r}) vs sklearn r2_score",
                  names=("reference", "scikit-learn"))


@st.composite
def _distinct_scores(draw):
    n, c = draw(st.integers(1, 8)), draw(st.integers(3, 6))
    scores = draw(hnp.arrays(np.float32, (n, c), elements=st.integers(-1000, 1000).map(float), unique=True))
    labels = draw(hnp.arrays(np.int32, (n,), elements=st.integers(0, c - 1)))
    k = draw(st.integers(1, c - 1))
    weights = draw(st.none() | hnp.arrays(np.float64, (n,), elements=S.specials("float64", 0.5, 1.0, 2.0)))
    return scores, labels, k, weights


@given(case=_distinct_scores(), sparse=st.booleans())
def test_top_k_accuracy_matches_sklearn(case, sparse):
    scores, labels, k, weights = case
    metric = (rk.metrics.SparseTopKCategoricalAccuracy(k=k, dtype="float64") if sparse else
              rk.metrics.TopKCategoricalAccuracy(k=k, dtype="float64"))
    metric.update_state(labels if sparse else np.eye(scores.shape[1])[labels], scores, sample_weight=weights)
    expected = sklearn_metrics.top_k_accuracy_score(labels, scores, k=k, labels=np.arange(scores.shape[1]),
                                                    sample_weight=weights)
    assert_parity(metric.result(), np.asarray(expected), op="metric", dtype="float64", size=len(labels),
                  what=f"top-{k} accuracy vs sklearn", names=("reference", "scikit-learn"))


@given(sample=S.correlation_metric("float64"))
def test_pearson_matches_scipy(sample):
    y_true, y_pred = sample["y_true"], sample["y_pred"]
    expected = np.array([scipy_stats.pearsonr(t, p)[0] for t, p in zip(y_true, y_pred)])
    assert_parity(rk.metrics.pearson_correlation(y_true, y_pred), expected, op="correlation", dtype="float64",
                  size=y_true.shape[1] + 2, what="pearson_correlation vs scipy.stats.pearsonr",
                  names=("reference", "scipy"))


@given(sample=S.correlation_metric("float64"))
def test_concordance_matches_lins_formula(sample):
    y_true, y_pred = sample["y_true"], sample["y_pred"]
    expected = []
    for t, p in zip(y_true, y_pred):
        cov = np.cov(t, p, ddof=0)
        expected.append(2 * cov[0, 1] / (cov[0, 0] + cov[1, 1] + (t.mean() - p.mean()) ** 2 + rk.config.epsilon()))
    assert_parity(rk.metrics.concordance_correlation(y_true, y_pred), np.array(expected), op="correlation",
                  dtype="float64", size=y_true.shape[1] + 2, what="concordance_correlation vs Lin's formula",
                  names=("reference", "textbook"))
