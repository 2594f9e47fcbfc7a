"""What ``compile`` makes of ``loss``, ``loss_weights``, ``metrics`` and ``weighted_metrics``.

Mirrors ``keras/src/trainers/compile_utils.py``. Both objects are built on
the first batch, because two choices depend on the shapes of the targets and
outputs (:func:`is_binary_or_sparse_categorical`):

* ``"accuracy"``/``"acc"`` become ``BinaryAccuracy`` if the output has one
  unit, else ``SparseCategoricalAccuracy`` if the targets are integer labels
  (lower rank than the output, or a trailing axis of 1), else
  ``CategoricalAccuracy``;
* the loss names ``"crossentropy"``/``"ce"`` likewise become the binary,
  sparse or categorical cross-entropy. (For metrics Keras has no such
  shortcut: ``metrics=["crossentropy"]`` is an unknown name, here as there.)

A model's outputs may be one array or a flat list, tuple or dict of arrays
(nested structures are not supported). Outputs are named by the model's
``output_names`` attribute (a list of strings) if it has one, else by the
dict keys. Each output's loss is ``loss_fn(y_true, y_pred, sample_weight)``
(a reduced scalar), multiplied by its ``loss_weights`` entry; the total loss
is their sum. With more than one loss, each also gets a ``Mean`` tracker
named ``"<output>_loss"`` fed with the *unweighted* value, weighted by the
batch size. Metric results of output ``a`` are logged as ``"a_<metric>"``.
"""

from collections import OrderedDict

import numpy as np

from .. import config, losses, metrics, ops
from ..tree import check_flat, describe, flatten, is_nested, map_structure, pack_like, same_structure
from ..utils.naming import get_object_name


# --- resolving names --------------------------------------------------------------


def is_binary_or_sparse_categorical(y_true, y_pred):
    """Keras's shape test: ``(is_binary, is_sparse_categorical)``.

    Binary: the output's last axis has size 1. Sparse: the targets have a
    lower rank than the output, or end in an axis of 1 while the output does not.
    """
    y_t_rank, y_p_rank = np.ndim(y_true), np.ndim(y_pred)
    y_t_last, y_p_last = np.shape(y_true)[-1], np.shape(y_pred)[-1]
    is_binary = y_p_last == 1
    is_sparse_categorical = y_t_rank < y_p_rank or y_t_last == 1 and y_p_last > 1
    return is_binary, is_sparse_categorical


def get_metric(identifier, y_true, y_pred):
    """A ``Metric`` from a name, a function or a ``Metric`` (Keras's ``get_metric``).

    ``"accuracy"``/``"acc"`` (any case) pick the accuracy that fits the
    shapes. A name is kept as the metric's name (``"acc"`` logs as ``acc``,
    ``"mse"`` as ``mse``); a function is wrapped in a ``MeanMetricWrapper``
    named after it in snake_case; a ``Metric`` keeps its own name.
    """
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        cls = (metrics.BinaryAccuracy if is_binary else
               metrics.SparseCategoricalAccuracy if is_sparse else metrics.CategoricalAccuracy)
        metric = cls(name=str(identifier))
    elif isinstance(identifier, type) and issubclass(identifier, metrics.Metric):
        metric = identifier()
    elif isinstance(identifier, (str, metrics.Metric)):
        metric = metrics.get(identifier)
    elif callable(identifier):
        metric = identifier
    else:
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Expected a name, a "
                         f"function or a Metric; known names: {sorted(set(metrics.ALL) | set(metrics.ALIASES))}.")
    name = identifier if isinstance(identifier, str) else get_object_name(metric)
    if not isinstance(metric, metrics.Metric):
        metric = metrics.MeanMetricWrapper(metric)
    metric.name = name
    return metric


def get_loss(identifier, y_true, y_pred):
    """A ``Loss`` from a name, a function or a ``Loss`` (Keras's ``get_loss``); ``None`` stays ``None``.

    ``"crossentropy"``/``"ce"`` (any case) pick the cross-entropy that fits
    the shapes. Anything that is not a ``Loss`` is wrapped in a
    ``LossFunctionWrapper`` (reduction ``"sum_over_batch_size"``), named by
    the given name, else by the function's name.
    """
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        loss = (losses.binary_crossentropy if is_binary else
                losses.sparse_categorical_crossentropy if is_sparse else losses.categorical_crossentropy)
    elif isinstance(identifier, type) and issubclass(identifier, losses.Loss):
        loss = identifier()
    else:
        loss = losses.get(identifier)
    if not isinstance(loss, losses.Loss):
        name = identifier if isinstance(identifier, str) else get_object_name(loss)
        loss = losses.LossFunctionWrapper(loss, name=name)
    return loss


# --- metrics ------------------------------------------------------------------------


class MetricsList(metrics.Metric):
    """The metrics of one output, updated together; ``result()`` is a dict by metric name."""

    def __init__(self, metric_list, name="metrics_list", output_name=None):
        super().__init__(name=name)
        self.metrics = metric_list
        self.output_name = output_name

    def update_state(self, y_true, y_pred, sample_weight=None):
        for m in self.metrics:
            m.update_state(y_true, y_pred, sample_weight=sample_weight)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self):
        return {m.name: m.result() for m in self.metrics}


def get_metrics_list(entry, y_true, y_pred, output_name=None):
    """A ``MetricsList`` from one metric or a list of them; ``None`` stays ``None``."""
    if entry is None:
        return None
    entries = list(entry) if isinstance(entry, (list, tuple)) else [entry]
    return MetricsList([get_metric(m, y_true, y_pred) for m in entries], output_name=output_name)


class CompileMetrics(metrics.Metric):
    """The ``metrics`` and ``weighted_metrics`` of ``compile``, per output.

    Args:
        metrics, weighted_metrics: ``None``, or a list, tuple or dict. With one
            output every listed metric applies to it. With several outputs: a
            list with one entry per output (each a metric or a list of
            metrics; beware, ``["accuracy", "mse"]`` for two outputs means
            accuracy on the first and mse on the second, as in Keras), or a
            dict from output names to entries (outputs not in it get none).
        output_names: the model's output names, if it has them.

    ``metrics`` ignore ``sample_weight`` (and ``class_weight``);
    ``weighted_metrics`` use it. A weighted metric whose name is already
    taken is logged as ``"weighted_<name>"``.
    """

    def __init__(self, metrics, weighted_metrics, name="compile_metrics", output_names=None):
        super().__init__(name=name)
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(f"Expected `{arg}` argument to be a list, tuple, or dict. "
                                 f"Received instead: {arg}={value!r} of type {type(value)}")
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = output_names
        self.built = False

    @property
    def metrics(self):
        """Every metric object, unweighted then weighted, output by output."""
        if not self.built:
            return []
        return [m for mls in self._flat_metrics + self._flat_weighted_metrics if mls for m in mls.metrics]

    def build(self, y_true, y_pred):
        num_outputs = len(flatten(y_pred))
        output_names = self.output_names
        if isinstance(y_pred, dict) and not (output_names and set(y_pred) == set(output_names)):
            output_names = list(y_pred) if isinstance(y_pred, OrderedDict) else sorted(y_pred)
        self._resolved_output_names = output_names if num_outputs > 1 else None
        self._flat_metrics = self._build_metrics_set(self._user_metrics, num_outputs, output_names,
                                                     y_true, y_pred, "metrics")
        self._flat_weighted_metrics = self._build_metrics_set(self._user_weighted_metrics, num_outputs,
                                                              output_names, y_true, y_pred, "weighted_metrics")
        self.built = True

    def _build_metrics_set(self, entries, num_outputs, output_names, y_true, y_pred, argument_name):
        if not entries:
            return [None] * num_outputs
        if num_outputs == 1:
            flat = [m for e in flatten(entries) for m in (e if isinstance(e, (list, tuple)) else [e])]
            return [get_metrics_list(flat, self._flatten_y(y_true)[0], self._flatten_y(y_pred)[0])]
        if isinstance(entries, (list, tuple)) and len(entries) == num_outputs:
            per_output = list(entries)
        elif output_names and isinstance(entries, dict) and set(entries) <= set(output_names):
            per_output = [entries.get(name) for name in output_names]
        else:
            raise ValueError(f"Invalid `{argument_name}`: for a model with {num_outputs} outputs "
                             f"({output_names or describe(y_pred)}) it must be a list with one entry per "
                             f"output or a dict keyed by output names. Received: {argument_name}={entries!r}")
        names = output_names or [None] * num_outputs
        return [get_metrics_list(e, yt, yp, n) for e, yt, yp, n in
                zip(per_output, self._flatten_y(y_true), self._flatten_y(y_pred), names)]

    def _flatten_y(self, y):
        if isinstance(y, dict) and self._resolved_output_names is not None:
            return [y[name] for name in self._resolved_output_names]
        return flatten(y)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        y_true, y_pred = self._flatten_y(y_true), self._flatten_y(y_pred)
        for mls, y_t, y_p in zip(self._flat_metrics, y_true, y_pred):
            if mls:
                mls.update_state(y_t, y_p)
        if sample_weight is None:
            sample_weight = [None] * len(y_true)
        else:
            sample_weight = self._flatten_y(sample_weight)
            if len(sample_weight) < len(y_true):  # one weight array for every output
                sample_weight = [sample_weight[0]] * len(y_true)
        for mls, y_t, y_p, s_w in zip(self._flat_weighted_metrics, y_true, y_pred, sample_weight):
            if mls:
                mls.update_state(y_t, y_p, s_w)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self):
        """``{name: result}``, names prefixed by the output's name when there are several outputs."""
        results = {}
        for mls in self._flat_metrics:
            for m in mls.metrics if mls else []:
                name = f"{mls.output_name}_{m.name}" if mls.output_name else m.name
                results[self._unique(name, results)] = m.result()
        for mls in self._flat_weighted_metrics:
            for m in mls.metrics if mls else []:
                name = f"{mls.output_name}_{m.name}" if mls.output_name else m.name
                if name in results:
                    name = f"{mls.output_name}_weighted_{m.name}" if mls.output_name else f"weighted_{m.name}"
                results[self._unique(name, results)] = m.result()
        return results

    @staticmethod
    def _unique(name, taken):
        """``name``, or ``name_1``, ``name_2``, ... if taken (Keras's counters, per name)."""
        index, unique = 0, name
        while unique in taken:
            index += 1
            unique = f"{name}_{index}"
        return unique


# --- loss ---------------------------------------------------------------------------


class CompileLoss:
    """The ``loss`` and ``loss_weights`` of ``compile``: ``__call__`` gives the total loss of a batch.

    Args:
        loss: a loss (name, function or ``Loss``) for every output; a list or
            tuple with one per output (``None`` skips an output); or a dict
            keyed by output name, which must name every output when the
            model has ``output_names`` and does not return a dict.
        loss_weights: ``None``, a float (one output), or a list/dict matching ``loss``.
        output_names: the model's output names, if it has them.

    As in Keras, a single loss with a list of weights is an error (one loss,
    several weights): give a loss per output. With a single output and a
    *list* of losses, Keras applies them all but returns only the first one's
    value (its single-output fast path); so does the reference.
    """

    def __init__(self, loss, loss_weights=None, output_names=None):
        if loss_weights and not isinstance(loss_weights, (list, tuple, dict, float)):
            raise ValueError("Expected `loss_weights` argument to be a float (single output case) or a list, "
                             "tuple, or dict (multiple output case). "
                             f"Received instead: loss_weights={loss_weights!r} of type {type(loss_weights)}")
        check_flat(loss, "loss")
        check_flat(loss_weights, "loss_weights")
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.dtype = config.floatx()
        self.metrics = []
        self.batch_size_is_static = True
        self.built = False

    def build(self, y_true, y_pred):
        loss, weights = self._user_loss, self._user_loss_weights
        names = self.output_names
        if names and isinstance(loss, dict) and not isinstance(y_pred, dict):
            if set(names) != set(loss):
                raise ValueError(f"Expected keys {names} in loss dict, but found loss.keys()={list(loss)}")
            loss = [loss[n] for n in names]
            if isinstance(weights, dict):
                weights = [weights[n] for n in names]
        if weights is not None and not same_structure(loss, weights):
            if len(flatten(loss)) != len(flatten(weights)):
                raise ValueError(f"`loss_weights` must match the number of losses, got {len(flatten(loss))} "
                                 f"losses and {len(flatten(weights))} weights.")
            weights = pack_like(loss, flatten(weights))
        if weights is None:
            weights = map_structure(lambda _: None, loss)
        try:
            output_names = pack_like(y_pred, names)
        except (TypeError, ValueError):
            output_names = pack_like(y_pred, [None] * len(flatten(y_pred)))

        # (key into y_true/y_pred or None, loss, weight, name) for each loss, in Keras's order.
        if not is_nested(loss):
            entries = [(key, loss, weights) for key in self._keys(y_pred)]
        elif isinstance(loss, (list, tuple)) and not is_nested(y_pred):
            entries = [(None, fn, w) for fn, w in zip(loss, flatten(weights))]  # several losses, one output
        elif isinstance(loss, (list, tuple)) and len(loss) == len(flatten(y_pred)):
            entries = list(zip(self._keys(y_pred), flatten(pack_like(y_pred, loss)),
                               flatten(pack_like(y_pred, flatten(weights)))))
        elif isinstance(loss, dict) and isinstance(y_pred, dict):
            missing = [k for k in loss if loss[k] is not None and not (k in y_pred and k in y_true)]
            if missing:
                raise KeyError(f"The path: {(missing[0],)} in the `loss` argument, can't be found in either the "
                               "model's output (`y_pred`) or in the labels (`y_true`).")
            entries = [(k, loss[k], weights[k]) for k in loss]
        else:
            raise ValueError(f"`loss` ({describe(loss)}) does not match the model's outputs ({describe(y_pred)}): "
                             "give one loss, a list with one per output, or a dict keyed by output names.")

        self._flat_losses = []
        for key, entry, weight in entries:
            if entry is None:
                continue
            y_t, y_p = self._at(y_true, key), self._at(y_pred, key)
            resolved = get_loss(entry, y_t, y_p)
            output_name = self._at(output_names, key)
            # A dict key names its loss; otherwise the output's name, else the loss's own name.
            name = key if isinstance(key, str) else output_name if output_name is not None else resolved.name
            self._flat_losses.append((key, resolved, weight, name))
        if len(self._flat_losses) > 1:
            self.metrics = [metrics.Mean(name=f"{name}_loss") for *_, name in self._flat_losses]
        self._y_pred_structure = describe(y_pred)
        self.built = True

    @staticmethod
    def _keys(structure):
        if isinstance(structure, dict):
            return sorted(structure)
        if isinstance(structure, (list, tuple)):
            return list(range(len(structure)))
        return [None]

    @staticmethod
    def _at(structure, key):
        return structure if key is None else structure[key]

    def _match_targets(self, y_true, y_pred):
        """``y_true`` in the structure of ``y_pred`` (Keras's reconciliations), or a ``ValueError``."""
        if same_structure(y_true, y_pred):
            return y_true
        if not is_nested(y_true) and is_nested(y_pred) and len(y_pred) == 1:
            y_true = [y_true]
        elif isinstance(y_pred, (list, tuple)) and isinstance(y_true, dict):
            if self.output_names and set(self.output_names) == set(y_true):
                y_true = [y_true[name] for name in self.output_names]
        if not isinstance(y_true, dict) and len(flatten(y_true)) == len(flatten(y_pred)):
            return pack_like(y_pred, flatten(y_true))
        flat_loss = flatten(self._user_loss) if is_nested(self._user_loss) else []
        used = [i for i, entry in enumerate(flat_loss) if entry is not None]
        if flat_loss and len(flat_loss) == len(flatten(y_pred)) and len(used) == len(flatten(y_true)):
            filled = [None] * len(flat_loss)  # targets given only for the outputs that have a loss
            for i, y in zip(used, flatten(y_true)):
                filled[i] = y
            return pack_like(y_pred, filled)
        raise ValueError(f"y_true and y_pred have different structures.\n"
                         f"y_true: {describe(y_true)}\ny_pred: {describe(y_pred)}\n")

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The total loss: ``Σ weightₖ · lossₖ(y_trueₖ, y_predₖ, sample_weightₖ)``, a recorded scalar.

        With several losses, each unweighted ``lossₖ`` also updates its
        tracker, weighted by the batch size *only if* :attr:`batch_size_is_static`:
        Keras passes ``y_pred.shape[0]``, the static batch size of its traced
        step, which is ``None`` when the array pipeline ends in a partial batch
        (``n % batch_size != 0``); then every batch counts once, and
        ``"<output>_loss"`` is the plain mean of the batch losses (unlike
        ``"loss"``, which always weights by the batch size). ``fit`` and
        ``evaluate`` set the flag for their data.
        """
        nested = is_nested(y_true) or is_nested(y_pred)
        if nested:
            y_true = self._match_targets(y_true, y_pred)
        if not self.built:
            self.build(y_true, y_pred)
        trackers = self.metrics or [None] * len(self._flat_losses)
        values = []
        for (key, loss_fn, weight, _), tracker in zip(self._flat_losses, trackers):
            y_t, y_p = self._at(y_true, key), self._at(y_pred, key)
            s_w = sample_weight[key] if is_nested(sample_weight) and key is not None else sample_weight
            value = ops.cast(loss_fn(y_t, y_p, s_w), self.dtype)
            if tracker is not None and nested:
                batch_size = len(flatten(y_p)[0]) if self.batch_size_is_static else None
                tracker.update_state(value, sample_weight=batch_size)
            if weight is not None:
                value = ops.multiply(value, value.dtype.type(weight))
            values.append(value)
        if not nested:
            return values[0] if values else None
        total = None
        for value in values:
            total = value if total is None else ops.add(total, value)
        return total
