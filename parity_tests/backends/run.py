"""The referee: run every side in its own worker process, then compare each backend with Keras-TF and with the
reference, row by row, and explain every disagreement from the catalogue.

:func:`run_workers` starts ``python -m parity_tests.backends.worker`` once per (side, dtype), two at a time;
:func:`judge` turns their files into :class:`Outcome` s; :class:`Summary` counts them.
"""

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .. import metric_db, optimizer_db
from . import draws as D
from .autodiff import BACKENDS
from .catalogue import CATALOGUE
from .compare import DISAGREEMENTS, VERDICTS, Tol, compare_results, is_float
from .worker import load

DTYPES = ("float32", "float64")
PAIRS = (("tensorflow", "reference"), ("jax", "tensorflow"), ("torch", "tensorflow"),
         ("jax", "reference"), ("torch", "reference"))
"""``(side, against)``: each backend against Keras-TF and against the reference; Keras-TF against the reference."""

ROOT = Path(__file__).resolve().parents[2]


def installed_backends():
    """``(installed, missing)`` among :data:`BACKENDS`."""
    found = {b: importlib.util.find_spec(b) is not None for b in BACKENDS}
    return [b for b in BACKENDS if found[b]], [b for b in BACKENDS if not found[b]]


SLOWEST_FIRST = ("jax", "tensorflow", "torch", "reference")
"""The order the workers start in: JAX's op-by-op eager dispatch makes its workers the longest by far, so they start
first and the short ones fill the other slot."""


def run_workers(sides, out_dir, *, draws, steps, seed=0, data=None, families=None, rows=None, parallel=2,
                log=print):
    """Run a worker per ``(side, dtype)`` in ``sides``, ``parallel`` at a time, the slowest first (``rows``: only
    the rows matching these ``fnmatch`` patterns); return ``{(side, dtype): results}``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shared = out_dir / "draws.pickle"
    D.save_shared(shared, draws, seed)  # drawn once, here: every worker and the comparison read these
    pending = sorted(sides, key=lambda sd: SLOWEST_FIRST.index(sd[0]) if sd[0] in SLOWEST_FIRST else 0)
    running, files = [], {}
    while pending or running:
        while pending and len(running) < parallel:
            side, dtype = pending.pop(0)
            path = out_dir / f"{side}-{dtype}.npz"
            cmd = [sys.executable, "-m", "parity_tests.backends.worker", "--backend", side, "--dtype", dtype,
                   "--out", str(path), "--draws", str(draws), "--steps", str(steps), "--seed", str(seed),
                   "--shared-draws", str(shared)]
            cmd += ["--data", data] if data else []
            cmd += [a for f in families or () for a in ("--family", f)]
            cmd += [a for r in rows or () for a in ("--row", r)]
            env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "KERAS_BACKEND": side if side != "reference" else "tensorflow"}
            err = open(out_dir / f"{side}-{dtype}.log", "w+")  # a file, not a pipe: a chatty worker cannot block
            running.append(((side, dtype), path, err, subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=err)))
        done = next((r for r in running if r[3].poll() is not None), None)
        if done is None:  # wait for whichever worker finishes first, not the first started
            time.sleep(0.2)
            continue
        running.remove(done)
        key, path, err, proc = done
        err.seek(0)
        text = err.read()
        err.close()
        if proc.returncode != 0:
            raise RuntimeError(f"the {key[0]} worker in {key[1]} failed ({proc.returncode}):\n{text[-3000:]}")
        log("\n".join(f"  {line}" for line in text.splitlines() if " done, " in line))
        files[key] = load(path)
    return files


# --- tolerances of each family ------------------------------------------------------------------------------


def _op_tols(row, sample, dtype, dy, n):
    key, size, scale = row.forward_tolerance(sample)
    tols = [Tol(key, D.tolerance_dtype(row, sample, dtype), size, scale)]
    if n > 1 and dy is not None:
        key, size, scale = row.grad_tolerance(sample, dy)
        tols += [Tol(key, D.tolerance_dtype(row, sample, dtype, gradient=True), size, scale)] * (n - 1)
    return tols


def _peak(arrays):
    finite = [np.abs(a[np.isfinite(a)]).max(initial=0.0) for a in
              (np.asarray(x).astype(np.float64) for x in arrays if is_float(np.asarray(x).dtype))]
    return float(max(finite, default=0.0))


@dataclass
class Outcome:
    """The verdict on one row for one pair of sides in one dtype, and the catalogue entry that explains it."""

    family: str
    row: str
    side: str
    against: str
    dtype: str
    verdict: str
    detail: str = ""
    explained_by: str = None
    float32_close: bool = False
    """A float64 disagreement within float32 rounding: the sides agree under the same tolerances in float32."""

    @property
    def key(self):
        return f"{self.family}/{self.row}"

    @property
    def unexplained(self):
        return self.verdict in DISAGREEMENTS and self.explained_by is None


def _keras_names(family, row):
    """The public Keras names a row calls: an op row's ``keras.<module>.<name>`` calls, else the row's own name."""
    if family == "op":
        from .. import op_db
        from ..report.ops import keras_names

        return {name.rsplit(".", 1)[-1] for name in keras_names(op_db.BY_NAME[row])}
    return {row.split("[")[0]}


def _departure(outcome):
    """The documented departure of the reference from Keras-TF (``parity_tests/departures.py``) that explains a
    Keras-TF-against-reference outcome: only a one-sided raise on a name the departure lists, since every departure
    in that table is about whether a call raises (a wrong value is never excused by one)."""
    from ..departures import DEPARTURES

    if outcome.verdict != "one-sided raise" or outcome.family == "case":
        return None
    names = _keras_names(outcome.family, outcome.row)
    found = [d.id for d in DEPARTURES if names & set(d.names)]
    return f"departure {', '.join(found)}" if found else None


def _explain(outcome):
    """The catalogue entry explaining a disagreement: for a backend against Keras-TF, one naming it; against the
    reference, one naming it too (the reference mirrors Keras-TF); a pinned case first by its own entry, then like
    any row (``case/<id>``: another cause showing on the same input, e.g. float64 precision). Keras-TF against the
    reference is the parity suite's business: only a documented departure (:func:`_departure`) explains it."""
    if outcome.verdict not in DISAGREEMENTS:
        return None
    if outcome.side == "tensorflow":
        return _departure(outcome)
    for entry in CATALOGUE:
        if outcome.family == "case" and outcome.row == entry.id and outcome.side in entry.backends:
            return entry.id
    for entry in CATALOGUE:
        if entry.explains(outcome.key, outcome.side, outcome.dtype, outcome.float32_close):
            return entry.id
    return None


def _entries(files, dtype):
    """``(family, row, tag, [(key, tols_for(desired))])`` for every compared row."""
    seed, draws = files["seed"], files["draws"]
    for row in D.op_rows():
        yield "op", row.name, "neutral" if D.backend_neutral(row) else "tf-only", [
            (f"op/{row.name}/{i}/value+gradient",
             lambda d, s=s, i=i, row=row: _op_tols(row, s, dtype, _dy(files, dtype, row.name, i), len(d)))
            for i, s in D.op_cases(row, draws, seed, dtype)]
    for row in metric_db.ROWS:
        yield "metric", row.id, "neutral", [
            (f"metric/{row.id}/{i}", lambda d, s=s, kw=kw, row=row: Tol(row.tol, dtype, **row.tolerance_args(s, kw)))
            for i, (kw, s, _) in enumerate(D.metric_samples(row, draws, seed, dtype))]
    for row in optimizer_db.ROWS:
        yield "optimizer", row.name, "neutral", [
            (f"optimizer/{row.name}/{i}",
             lambda d, opts=opts, row=row: Tol(row.tol, "float32" if "schedule" in opts else dtype,
                                               D.OPTIMIZER_STEPS, _peak(d)))
            for i, (_, opts, _) in enumerate(D.optimizer_samples(row, draws, seed))]
    for row in optimizer_db.SCHEDULE_ROWS:
        yield "schedule", row.name, "neutral", [
            (f"schedule/{row.name}/{i}", lambda d, kw=kw, row=row: Tol(row.tol, dtype, 1, max(
                [1.0] + [abs(float(v)) for v in kw.values() if isinstance(v, float)] + list(kw.get("values", [])))))
            for i, kw in enumerate(D.schedule_samples(row, draws, seed, dtype))]
    yield "trajectory", "handbook MLP", "neutral", [
        ("trajectory/loss", lambda d: Tol("trajectory", dtype, 1, 0.0))]
    for entry in CATALOGUE:
        yield "case", entry.id, "neutral", [
            (f"case/{entry.id}/{j}", lambda d, case=case: Tol(case.tol, dtype, 1, case.scale))
            for j, case in enumerate(entry.cases) if dtype in case.dtypes]


def _in_float32(tol):
    """The same tolerance request(s) in float32."""
    if isinstance(tol, (list, tuple)):
        return [replace(t, dtype="float32") for t in tol]
    return replace(tol, dtype="float32")


def _dy(files, dtype, row, i):
    got = files.get(("reference", dtype), {}).get(f"op/{row}/{i}/dy")
    return None if got is None or isinstance(got, str) else got[0]


def judge(files, dtypes=DTYPES):
    """Every :class:`Outcome` of the pairs whose two sides ran."""
    outcomes = []
    for dtype in dtypes:
        for family, row, tag, keys in _entries(files, dtype):
            for side, against in PAIRS:
                a, d = files.get((side, dtype)), files.get((against, dtype))
                if a is None or d is None or (tag == "tf-only" and "tensorflow" in (side, against)
                                              and side not in ("tensorflow",)):
                    continue
                verdict, detail, close = "agree", "", dtype == "float64"
                present = [(k, tols) for k, tols in keys if k in a and k in d]
                if not present:
                    continue
                for key, tols in present:
                    desired = d[key]
                    tol = tols(desired) if not isinstance(desired, str) else []
                    v, why = compare_results(a[key], desired, tol)
                    if VERDICTS.index(v) > VERDICTS.index(verdict):
                        verdict, detail = v, f"{key}: {why}"
                    if v in DISAGREEMENTS and close:
                        close = compare_results(a[key], desired, _in_float32(tol))[0] not in DISAGREEMENTS
                outcome = Outcome(family, row, side, against, dtype, verdict, detail,
                                  float32_close=close and verdict in DISAGREEMENTS)
                outcome.explained_by = _explain(outcome)
                outcomes.append(outcome)
    return outcomes


@dataclass
class Summary:
    outcomes: list
    missing: list
    sides: list
    draws: int
    steps: int
    files: dict = field(repr=False, default_factory=dict)

    def counts(self):
        """``{(family, "side vs against", dtype): {verdict: n}}``."""
        table = {}
        for o in self.outcomes:
            cell = table.setdefault((o.family, f"{o.side} vs {o.against}", o.dtype), dict.fromkeys(VERDICTS, 0))
            cell[o.verdict] += 1
        return table

    @property
    def unexplained(self):
        return [o for o in self.outcomes if o.unexplained]


def run(out_dir, *, draws, steps, seed=0, data=None, families=None, rows=None, dtypes=DTYPES, log=print):
    """Run every installed side, judge them: a :class:`Summary` (``missing``: the backends not installed)."""
    installed, missing = installed_backends()
    for b in missing:
        log(f"BACKEND MISSING: {b} is not installed: its rows are not compared")
    sides = [(s, dt) for dt in dtypes for s in ("reference", *installed)]
    files = run_workers(sides, out_dir, draws=draws, steps=steps, seed=seed, data=data, families=families, rows=rows,
                        log=log)
    files.update(seed=seed, draws=draws)
    return Summary(judge(files, dtypes), missing, installed, draws, steps, files)

