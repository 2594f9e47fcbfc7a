"""The metric table: one :class:`MetricInfo` row per checked metric class.

Generic properties run over :data:`ROWS` (``parity_tests/test_metric_db.py``): the reference's streaming result
equals tf.keras's after every chunk, weighted and unweighted, and through ``reset_state``; and splitting the
data into chunks does not change the reference's result beyond what the changed summation order allows.

**Adding a metric is adding a row**::

    MetricInfo(
        name="SparseCategoricalAccuracy",             # the class, in reference.metrics and keras.metrics
        kwargs=lambda: st.just({}),                   # strategy of constructor kwargs (beyond dtype)
        sample=S.sparse_accuracy,                     # dtype -> strategy of Sample(y_true, y_pred, sample_weight)
        tol="metric",                                 # tolerances.RULES key
    )

The table never imports TensorFlow; the tests pass ``keras`` in.
"""

from dataclasses import dataclass
from typing import Any, Callable

from hypothesis import strategies as st

from . import strategies as S


@dataclass(frozen=True)
class MetricInfo:
    """One checked metric class.

    Attributes:
        name: the class name, the same in ``reference.metrics`` and ``keras.metrics``.
        kwargs: ``() -> strategy`` of constructor keyword arguments (``dtype`` is added by the tests).
        sample: ``dtype -> strategy`` of a :class:`~parity_tests.strategies.Sample` with ``y_true``, ``y_pred``
            and ``sample_weight`` (``None`` or an array).
        tol: the tolerance key (``tolerances.RULES``).
        dtypes: the dtypes the row runs in.
    """

    name: str
    sample: Callable[[str], Any]
    kwargs: Callable[[], Any] = lambda: st.just({})
    tol: str = "metric"
    dtypes: tuple = S.DTYPES

    def __repr__(self):
        return f"metric_db.BY_NAME[{self.name!r}]"

    def make(self, module, dtype, kwargs):
        """The metric from ``module`` (``reference.metrics`` or ``keras.metrics``)."""
        return getattr(module, self.name)(dtype=dtype, **kwargs)


ROWS = [
    MetricInfo("SparseCategoricalAccuracy", S.sparse_accuracy),
    MetricInfo("CategoricalAccuracy", S.categorical_accuracy),
    MetricInfo("Accuracy", S.accuracy),
]

BY_NAME = {row.name: row for row in ROWS}


def covered_keras_names():
    """Every ``keras.metrics.<Name>`` a row compares against (read by ``test_coverage.py``)."""
    return {f"keras.metrics.{row.name}" for row in ROWS}
