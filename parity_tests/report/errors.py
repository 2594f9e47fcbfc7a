"""Errors against the float64 oracle: the figures every row of the report gives, and how one row is measured.

A row's *quantity* (an op's value, a metric's streamed results, an optimizer's trajectory) and, for ops, its
gradient, are lists of arrays. Each side (the float32 reference, float32 Keras on TensorFlow) is compared with the
oracle (the reference in float64 on the same inputs cast up, which is exact) array by array, element by element:

* the absolute error ``|side - oracle|`` everywhere the oracle is finite;
* the relative error ``|side - oracle| / |oracle|`` where also ``|oracle| >=`` float32's smallest normal number
  (below it float32 has no relative precision to speak of, and TF flushes such results to 0);
* where the oracle is not finite, the side must give the same ``inf`` or a NaN: any other value is an infinite
  error (written ``null`` in ``parity.json``, with a note).

A side that raises on any draw gets no figures, only the error's type and first line: the report goes on.
"""

import math
from dataclasses import dataclass, field

import numpy as np

SIDES = ("reference", "keras_tf")
"""The two measured sides, as ``parity.json`` names them."""

MEASURED_DTYPE = np.dtype("float32")


@dataclass
class Errors:
    """Largest absolute and relative errors of one side against the oracle over all draws, or why there are none."""

    abs: float = 0.0
    rel: float = 0.0
    error: str = None
    notes: set = field(default_factory=set)

    def update(self, actual, oracle):
        actual, oracle = np.asarray(actual), np.asarray(oracle)
        if actual.shape != oracle.shape:
            raise ValueError(f"shape {actual.shape} against the oracle's {oracle.shape}")
        actual, oracle = actual.astype(np.float64), oracle.astype(np.float64)
        finite = np.isfinite(oracle)
        same = (actual == oracle) | (np.isnan(actual) & np.isnan(oracle))
        if np.any(~finite & ~same):
            self.notes.add("differs where the oracle is not finite")
            self.abs = self.rel = math.inf
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(actual[finite] - oracle[finite])
            diff = np.where(np.isnan(diff), math.inf, diff)
        normal = np.abs(oracle[finite]) >= np.finfo(MEASURED_DTYPE).tiny
        self.abs = max(self.abs, float(diff.max(initial=0.0)))
        self.rel = max(self.rel, float((diff[normal] / np.abs(oracle[finite][normal])).max(initial=0.0)))

    def fail(self, exc, who=None):
        if self.error is None:
            line = (str(exc).strip().splitlines() or [""])[0][:160]
            self.error = f"{type(exc).__name__}{'' if who is None else ' in ' + who}: {line}".rstrip(": ")

    def as_json(self):
        """``{"abs", "rel"}`` (``null`` where not measured or infinite), plus ``"error"`` if the side raised."""
        if self.error is not None:
            return {"abs": None, "rel": None, "error": self.error}
        out = {"abs": _finite_or_none(self.abs), "rel": _finite_or_none(self.rel)}
        if self.notes:
            out["error"] = "; ".join(sorted(self.notes))
        return out


def _finite_or_none(x):
    return x if math.isfinite(x) else None


@dataclass
class Figure:
    """One measured quantity of a row: each side's :class:`Errors`."""

    reference: Errors = field(default_factory=Errors)
    keras_tf: Errors = field(default_factory=Errors)

    def side(self, name):
        return getattr(self, name)

    def as_json(self):
        return {side: self.side(side).as_json() for side in SIDES}


@dataclass
class RowFigures:
    """What the report knows of one row: the fields of its ``parity.json`` entry."""

    id: str
    table: str
    family: str
    names: list
    test: str
    quantity: str
    draws: int = 0
    value: Figure = field(default_factory=Figure)
    gradient: Figure = None

    def as_json(self):
        return {"table": self.table, "names": sorted(self.names), "draws": self.draws, "test": self.test,
                "quantity": self.quantity, "value": self.value.as_json(),
                "gradient": None if self.gradient is None else self.gradient.as_json()}


def measure(row, cases):
    """Fill ``row`` (a :class:`RowFigures`) from ``cases``, an iterable of draws.

    Each draw is ``{"oracle": f, "reference": f, "keras_tf": f}`` of functions returning
    ``{"value": [arrays], "gradient": [arrays]}`` (no ``"gradient"`` for a row without one). The oracle runs
    first, so a side's function may use what the oracle's computed (an op's upstream gradient has its shape).
    """
    figures = {"value": row.value} if row.gradient is None else {"value": row.value, "gradient": row.gradient}
    for case in cases:
        row.draws += 1
        try:
            oracle = case["oracle"]()
        except Exception as exc:  # any failure is recorded, not raised
            for figure in figures.values():
                for side in SIDES:
                    figure.side(side).fail(exc, "the float64 oracle")
            continue
        for side in SIDES:
            if all(figure.side(side).error for figure in figures.values()):
                continue  # this side already failed: spare its cost
            try:
                got = case[side]()
                for what, figure in figures.items():
                    if len(got[what]) != len(oracle[what]):
                        raise ValueError(f"{len(got[what])} arrays of {what} against the oracle's {len(oracle[what])}")
                    for actual, expected in zip(got[what], oracle[what]):
                        figure.side(side).update(actual, expected)
            except Exception as exc:
                for figure in figures.values():
                    figure.side(side).fail(exc)
    return row
