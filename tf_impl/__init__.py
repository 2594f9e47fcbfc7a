"""The handbook's pipeline in TensorFlow, beside the NumPy reference.

* ``tf_impl.handbook``: the handbook's MLP, training step (``eager``, ``function``
  or ``xla``), loop and evaluation, as written (``MLP``, ``train``, ``evaluate``).
* ``tf_impl.loss_semantics``: which loss TF computes in each mode (eagerly from
  the clipped probabilities, in a graph from the logits); the reference step that
  computes the same one is ``reference.handbook.make_train_step(..., loss_from)``.
* ``tf_impl.compare``: both sides trained from the same weights on the same
  batches, with the per-step gaps (``compare``).
* ``tf_impl.floatx``: Keras's and the reference's ``floatx`` set together.

Commands: ``python -m tf_impl train --mode eager|function|xla`` and
``python -m tf_impl compare``.

TensorFlow is an optional extra (``pip install -e '.[tf]'``); importing this
package without it raises an ``ImportError`` that says so.
"""

from ._tf import tf  # first: the guarded, quiet import
from .compare import ComparisonResult, compare
from .floatx import set_floatx, use_floatx
from .loss_semantics import LOSS_FROM_BY_MODE, mlp_logits
from .handbook import MLP, MODES, evaluate, evaluate_fast, make_train_step, train

__all__ = [
    "LOSS_FROM_BY_MODE", "MLP", "MODES", "ComparisonResult", "compare", "evaluate", "evaluate_fast", "make_train_step",
    "mlp_logits", "set_floatx", "tf", "train", "use_floatx",
]
