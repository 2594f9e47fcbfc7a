"""TensorFlow and the NumPy reference trained side by side, step for step.

:func:`compare` builds ``tf_impl.MLP`` (seeded with ``keras.utils.set_random_seed``)
and ``reference.handbook.MLP``, copies TF's initial weights into the reference,
and runs ``steps`` Adam steps on both, feeding each step the *same* batch
(one draw from one seeded ``MNISTLoader``, handed to both sides). It keeps
every step's loss of each side and the largest weight difference after each
step, then evaluates both models on the test set.

The reference computes the loss the way TF computes it in the chosen mode
(``loss_semantics.LOSS_FROM_BY_MODE``): from the probabilities against TF's eager
mode, from the logits against ``function`` and ``xla``. Passing
``loss_from`` explicitly pairs other semantics, e.g. to watch what the
eager/graph difference alone does to a trajectory.

The gaps, per step ``t``::

    abs_gap[t] = |loss_tf[t] - loss_ref[t]|
    rel_gap[t] = abs_gap[t] / |loss_tf[t]|
    weight_gap[t] = max over all weights of |w_tf - w_ref|, after step t

Both sides round differently (TF's oneDNN matmul and NumPy's BLAS sum in
different orders), so the gaps start near one ulp and grow slowly as Adam
carries the differences forward. The bound on ``max(rel_gap)`` is the caller's to give
(``target``): the parity suite passes its ``tolerances.trajectory_loss_rtol``, so that this
package imports nothing from the suite that tests it.
"""

import dataclasses
import time

import numpy as np

from reference import metrics as reference_metrics
from reference import optimizers as reference_optimizers
from reference import handbook
from reference.data import MNISTLoader
from reference.handbook import check_loss_from
from reference.utils.argument_validation import check_positive_int

from . import handbook as tf_handbook
from ._tf import tf
from .floatx import use_floatx
from .loss_semantics import LOSS_FROM_BY_MODE


WEIGHT_NAMES = ("dense1/kernel", "dense1/bias", "dense2/kernel", "dense2/bias")  # the handbook's MLP, in order


@dataclasses.dataclass
class ComparisonResult:
    """What :func:`compare` measured. Arrays have one entry per step."""

    steps: int
    dtype: str
    mode: str                 # TF's mode
    loss_from: str            # the reference's loss semantics
    seed: int
    data_source: str
    tf_loss: np.ndarray       # float64 copies of each side's losses
    ref_loss: np.ndarray
    weight_gap: np.ndarray    # max |w_tf - w_ref| after each step
    weight_names: list        # WEIGHT_NAMES
    final_weight_gaps: np.ndarray   # per weight, after the last step
    final_weight_scales: np.ndarray  # max |w_ref| per weight, after the last step
    tf_accuracy: float
    ref_accuracy: float
    tf_time: float            # seconds spent in each side's training steps
    ref_time: float
    given_target: float = None  # the bound on max_rel_gap the caller gave, if any

    @property
    def abs_gap(self):
        return np.abs(self.tf_loss - self.ref_loss)

    @property
    def rel_gap(self):
        return self.abs_gap / np.maximum(np.abs(self.tf_loss), np.finfo(np.float64).tiny)

    @property
    def max_abs_gap(self):
        return float(self.abs_gap.max(initial=0.0))

    @property
    def max_rel_gap(self):
        return float(self.rel_gap.max(initial=0.0))

    @property
    def semantics_match(self):
        """Whether the reference computed the loss as TF does in its mode."""
        return self.loss_from == LOSS_FROM_BY_MODE[self.mode]

    @property
    def target(self):
        """The bound on ``max_rel_gap`` the caller gave, if the semantics match; else ``None``."""
        return self.given_target if self.semantics_match else None


def _weight_gaps(tf_model, ref_model):
    return np.array([float(np.max(np.abs(a - b))) for a, b in zip(tf_model.get_weights(), ref_model.get_weights())])


def _reference_accuracy(model, data_loader, batch_size):
    """``tf_impl.handbook.evaluate_fast`` on the reference: the handbook's test images in one forward pass."""
    count = int(data_loader.num_test_data // batch_size) * batch_size
    accuracy = reference_metrics.SparseCategoricalAccuracy()
    accuracy.update_state(y_true=data_loader.test_label[:count], y_pred=model(data_loader.test_data[:count]))
    return float(accuracy.result())


def compare(steps=1000, dtype="float32", mode="eager", seed=0, data_path=None, *, batch_size=50,
            learning_rate=1e-3, loss_from=None, data_loader=None, on_step=None, target=None):
    """Train TF and the reference from the same weights on the same batches; return a :class:`ComparisonResult`.

    Args:
        steps: the number of training steps.
        dtype: ``"float32"`` or ``"float64"``, Keras's and the reference's ``floatx``
            during the run (restored afterwards).
        mode: TF's mode, ``"eager"``, ``"function"`` or ``"xla"``.
        seed: seeds TF's initial weights and the batch draws.
        data_path: MNIST's location (see ``reference.data``); ignored if ``data_loader`` is given.
        batch_size, learning_rate: the handbook's hyperparameters.
        loss_from: the reference's loss semantics; ``None`` matches ``mode``.
        data_loader: anything with ``get_batch``, ``test_data``, ``test_label``,
            ``num_test_data`` and ``source`` (e.g. synthetic data in tests).
        on_step: ``on_step(step, tf_loss, ref_loss)``, called after each step.
        target: the bound on the largest relative loss gap, kept in the result (``None``: no verdict).
    """
    tf_handbook.check_mode(mode)
    loss_from = LOSS_FROM_BY_MODE[mode] if loss_from is None else check_loss_from(loss_from)
    check_positive_int("steps", steps)
    with use_floatx(dtype):
        if data_loader is None:
            data_loader = MNISTLoader(data_path, seed=seed, dtype=dtype)
        tf.keras.utils.set_random_seed(seed)
        tf_model, ref_model = tf_handbook.MLP(), handbook.MLP()
        X0 = np.zeros((1, 28, 28, 1), dtype=dtype)
        tf_model(X0), ref_model(X0)
        ref_model.set_weights(tf_model.get_weights())
        tf_step = tf_handbook.make_train_step(tf_model, tf.keras.optimizers.Adam(learning_rate=learning_rate), mode)
        ref_step = handbook.make_train_step(ref_model, reference_optimizers.Adam(learning_rate=learning_rate),
                                            loss_from)

        tf_loss, ref_loss, weight_gap = np.empty(steps), np.empty(steps), np.empty(steps)
        tf_time = ref_time = 0.0
        for step in range(steps):
            X, y = data_loader.get_batch(batch_size)
            X = np.asarray(X, dtype=dtype)
            start = time.perf_counter()
            tf_loss[step] = float(tf_step(tf.convert_to_tensor(X), tf.convert_to_tensor(y)))
            tf_time += time.perf_counter() - start
            start = time.perf_counter()
            ref_loss[step] = float(ref_step(X, y))
            ref_time += time.perf_counter() - start
            weight_gap[step] = _weight_gaps(tf_model, ref_model).max()
            if on_step:
                on_step(step, tf_loss[step], ref_loss[step])

        return ComparisonResult(
            steps=steps, dtype=dtype, mode=mode, loss_from=loss_from, seed=seed,
            data_source=str(getattr(data_loader, "source", type(data_loader).__name__)),
            tf_loss=tf_loss, ref_loss=ref_loss, weight_gap=weight_gap,
            weight_names=list(WEIGHT_NAMES),
            final_weight_gaps=_weight_gaps(tf_model, ref_model),
            final_weight_scales=np.array([float(np.max(np.abs(w))) for w in ref_model.get_weights()]),
            tf_accuracy=tf_handbook.evaluate_fast(tf_model, data_loader, batch_size),
            ref_accuracy=_reference_accuracy(ref_model, data_loader, batch_size),
            given_target=target,
            tf_time=tf_time, ref_time=ref_time)


def _blank_zeros(gap):
    """``gap`` with exact zeros as NaN: a log axis cannot show exact agreement, so those steps stay blank."""
    return np.where(gap > 0, gap, np.nan)


def plot(result, filename):
    """Save a PNG of both loss curves (top) and the gaps between them (bottom) to ``filename``.

    Needs matplotlib (``pip install -e '.[plot]'``); raises ``ImportError`` saying so.
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("--plot needs matplotlib, an optional extra: pip install -e '.[plot]'") from exc
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    steps = np.arange(result.steps)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, constrained_layout=True)
    top.plot(steps, result.tf_loss, lw=1, label=f"TensorFlow ({result.mode})")
    top.plot(steps, result.ref_loss, lw=1, ls="--", label=f"reference (loss from {result.loss_from})")
    top.set_yscale("log")
    top.set_ylabel("training loss")
    top.set_title(f"handbook MLP, {result.dtype}, seed {result.seed}: TensorFlow vs the NumPy reference")
    top.legend()
    bottom.plot(steps, _blank_zeros(result.rel_gap), ".", ms=2, label="relative loss gap (blank: identical)")
    bottom.plot(steps, _blank_zeros(result.abs_gap), ".", ms=2, alpha=0.6, label="absolute loss gap")
    bottom.plot(steps, _blank_zeros(result.weight_gap), lw=1, label="max weight gap")
    bottom.axhline(np.finfo(result.dtype).eps, color="grey", ls="--", lw=1, label=f"{result.dtype} ε")
    if result.target is not None:
        bottom.axhline(result.target, color="k", ls=":", lw=1, label=f"target {result.target:g}")
    bottom.set_yscale("log")
    bottom.set_xlabel("step")
    bottom.set_ylabel("gap")
    bottom.legend(fontsize="small")
    fig.savefig(filename, dpi=120)
    plt.close(fig)
