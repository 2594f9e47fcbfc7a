"""The sample weights the loss rows draw, and the weight each loss gets from the reduction in their tolerances.

* Every weighted loss strategy draws negative weights as well (Keras multiplies them in like any other), so the
  reductions' divisor ``Σw`` may vanish or change sign in every loss row.
* ``op_db.scales.reduction_weights`` is the factor ``w / divisor`` that Keras's ``reduce_weighted_values`` applies
  to each loss: checked by reducing losses of 1 with Keras, for weights as scalars, per loss, with a trailing 1.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings

keras = pytest.importorskip("keras")

from keras.src.losses.loss import reduce_weighted_values  # noqa: E402

from parity_tests import strategies as S  # noqa: E402
from parity_tests.op_db.scales import reduction_weights  # noqa: E402

WEIGHTED = [S.binary_crossentropy, S.sparse_crossentropy, S.categorical_crossentropy, S.regression,
            S.regression_loss, S.cosine_loss, S.hinge_loss, S.distribution_loss, S.binary_focal_loss,
            S.categorical_focal_loss, S.generalized_crossentropy, S.overlap_loss, S.circle_loss, S.ctc_loss]


@pytest.mark.parametrize("strategy", WEIGHTED, ids=lambda f: f.__name__)
def test_every_weighted_loss_strategy_draws_negative_weights(strategy):
    weights = []

    @settings(max_examples=300, phases=[Phase.generate], derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy("float32"))
    def draw(sample):
        weights.append(sample["sample_weight"])

    draw()
    assert any(w is not None and np.any(np.asarray(w) < 0) for w in weights)


@pytest.mark.parametrize("reduction", ["sum", "sum_over_batch_size", "mean_with_sample_weight"])
@pytest.mark.parametrize("loss_shape, weight", [
    ((3,), 0.5),                                    # a scalar weight: Σw is the weight itself, which cancels
    ((3,), np.array([0.5, 2.0, 1.0])),
    ((3,), np.array([[0.5], [2.0], [1.0]])),        # a trailing 1, squeezed
    ((3, 1), np.array([0.5, 2.0, 1.0])),            # expanded to the losses' rank
    ((2, 2), np.array([[1.0], [3.0]])),             # broadcast along the last axis, Σw over the weights as given
    ((3,), np.array([0.5, -2.0, 1.0])),             # a negative divisor
])
def test_reduction_weights_are_what_keras_reduction_applies(loss_shape, weight, reduction):
    """Keras reduces a loss of 1 at one position (0 elsewhere) to that loss's factor ``w / divisor``."""
    per_loss = reduction_weights({"sample_weight": weight, "reduction": reduction}, loss_shape)
    for index in np.ndindex(*loss_shape):
        one = np.zeros(loss_shape, "float32")
        one[index] = 1.0
        factor = reduce_weighted_values(one, sample_weight=np.asarray(weight, "float32"), reduction=reduction)
        np.testing.assert_allclose(per_loss[index], abs(float(factor)), rtol=1e-6, err_msg=str(index))
