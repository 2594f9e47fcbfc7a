"""The seed's pipeline in TensorFlow, beside the NumPy reference.

* ``tf_impl.seed``: the handbook's MLP, training step (``eager``, ``function``
  or ``xla``), loop and evaluation, as written (``MLP``, ``train``, ``evaluate``).
* ``tf_impl.loss_semantics``: which loss TF computes in each mode (eagerly from
  the clipped probabilities, in a graph from the logits) and the reference
  step that computes the same one.
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
from .loss_semantics import LOSS_FROM, mlp_logits, reference_train_step
from .seed import MLP, MODES, evaluate, evaluate_fast, make_train_step, train

__all__ = [
    "LOSS_FROM", "MLP", "MODES", "ComparisonResult", "compare", "evaluate", "evaluate_fast", "make_train_step",
    "mlp_logits", "reference_train_step", "set_floatx", "tf", "train", "use_floatx",
]
