"""The metric table's rows (``parity_tests/metric_db``) measured: the streamed result after every chunk, and after
``reset_state``.

Each draw comes from the row's own strategies, as ``test_metric_db.py`` draws them: constructor kwargs, a float32
sample and cut points. A fresh metric (``dtype="float32"`` on each side, ``"float64"`` with ``floatx`` float64 for
the oracle) is fed the chunks; its ``result()`` after each chunk is one compared array. Then ``reset_state`` and the
whole sample again in one ``update_state``: that result is the last compared array.
"""

import numpy as np
from hypothesis import strategies as st

import reference as rk

from .. import metric_db
from .. import strategies as S
from ..strategies import Sample
from .draws import hypothesis_draws
from .errors import RowFigures, measure

TEST = "parity_tests/test_metric_db.py::test_streaming_matches_keras_after_every_chunk"


def row_id(row):
    return f"{TEST}[{row.id}-float32]"


def keras_names(row):
    """``keras.metrics.<name>``, and ``MeanMetricWrapper`` for a function row (as ``metric_db.covered_keras_names``)."""
    names = [f"keras.metrics.{row.name}"]
    return names + ["keras.metrics.MeanMetricWrapper"] if row.name[0].islower() else names


def _float32_scores(row):
    """Whether the row ranks scores with TF's ``in_top_k``, which takes float32 only (the reference raises on
    float64 as Keras does): its oracle is the float64 metric on the float32 scores, exact as they are."""
    return "topk" in row.name.lower().replace("_", "")


def stream_strategy(row):
    """Strategy: ``(kwargs, sample, cuts)``, the metric's constructor arguments, a float32 sample and the batch
    splits its stream is fed in."""
    return st.tuples(row.kwargs(), row.sample("float32")).flatmap(
        lambda ks: st.tuples(st.just(ks[0]), st.just(ks[1]), S.batch_splits(len(ks[1][row.inputs[0]]))))


def stream(row, module, dtype, kwargs, sample, cuts):
    """The results after each chunk of ``cuts``, then after ``reset_state`` and one update with everything."""
    metric = row.make(module, dtype, kwargs)
    w = sample["sample_weight"]
    n = len(sample[row.inputs[0]])

    def update(lo, hi):
        metric.update_state(*(sample[name][lo:hi] for name in row.inputs),
                            sample_weight=None if w is None else w[lo:hi])
        return np.asarray(metric.result()).copy()  # a torch result can share the storage the next update changes

    results = [update(lo, hi) for lo, hi in zip([0, *cuts], [*cuts, n])]
    metric.reset_state()
    return results + [update(0, n)]


def _cases(row, draws, seed, keras):
    from tf_impl.floatx import use_floatx

    for kwargs, sample, cuts in hypothesis_draws(stream_strategy(row), draws, seed, row.id):
        x32 = Sample(sample).astype("float32")
        x64 = Sample(x32).astype("float64")
        if _float32_scores(row):
            x64["y_pred"] = x32["y_pred"]

        def run(module, dtype, x, kwargs=kwargs, cuts=cuts):
            def streamed():
                if module is rk.metrics and row.needs and not hasattr(rk.losses, row.needs):
                    raise NotImplementedError(f"needs reference.losses.{row.needs}")
                with use_floatx(dtype):
                    return {"value": stream(row, module, dtype, kwargs, x, cuts)}
            return streamed

        yield {"oracle": run(rk.metrics, "float64", x64), "reference": run(rk.metrics, "float32", x32),
               "keras_tf": run(keras.metrics, "float32", x32)}


def measure_metrics(draws, seed, keras, only=None):
    """Every metric row, ``draws`` draws each: a list of :class:`~.errors.RowFigures`."""
    measured = []
    for row in metric_db.ROWS:
        rid = row_id(row)
        if only and not only(rid):
            continue
        figures = RowFigures(rid, "metric", "metrics", keras_names(row), TEST, "streamed result")
        measured.append(measure(figures, _cases(row, draws, seed, keras)))
    return measured
