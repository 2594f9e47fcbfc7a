"""One page's Markdown, from its :class:`~.catalogue.Entry`, the departures table and the measured figures."""

import inspect
import os
from pathlib import Path

from ..departures import DEPARTURES
from . import docstrings

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "docs" / "reference"
BACKENDS = ROOT / "docs" / "backends.md"
BASE_CLASSES = {"Loss", "Metric", "Optimizer", "LearningRateSchedule"}  # measured through every row of the family
FIGURE_FAMILIES = {"losses", "activations", "optimizers", "optimizers.schedules"}  # a picture on every page


def _section(entry, title):
    """The docstring section ``title`` of the entry, or of its partner where its own docstring lacks it."""
    for obj in (entry.obj, entry.partner):
        if obj is not None:
            text = docstrings.sections(obj).get(title)
            if text:
                return text
    return ""


def _relative(path, page):
    return Path(os.path.relpath(path, (PAGES / page).parent)).as_posix()


def code_link(qualname, obj, page):
    """``[`qualname`](../../../reference/x.py#L12-L30)``: the lines that define ``obj``."""
    obj = inspect.unwrap(obj)
    lines, start = inspect.getsourcelines(obj)
    path = Path(inspect.getsourcefile(obj))
    return f"[`{qualname}`]({_relative(path, page)}#L{start}-L{start + len(lines) - 1})"


def signature(entry):
    try:
        return f"{entry.keras_name}{inspect.signature(entry.obj)}"
    except (TypeError, ValueError):
        return entry.keras_name


def _figure(value):
    return "–" if value is None else f"{value:.2g}"


def _side(figures):
    """``abs / rel``, or what the side raised (on some draw: then it has no figures)."""
    if figures.get("error"):
        return f"{_figure(figures.get('abs'))} / {_figure(figures.get('rel'))} ({figures['error'].replace('|', '/')})"
    return f"{_figure(figures.get('abs'))} / {_figure(figures.get('rel'))}"


def base_class_rows(entry, rows):
    """A base class is measured through every row of its family (its reductions, its dtype rules and its update
    loop run in each): the family's rows, all of them."""
    prefix = f"keras.{entry.family}."
    return {rid: row for rid, row in rows.items()
            if any(n.startswith(prefix) and "." not in n[len(prefix):] for n in row.get("names", ()))}


def parity_rows(entry, parity):
    """The parity.json rows measuring this name (or, failing that, its partner; a base class: its family's)."""
    rows = parity.get("rows", {}) if parity else {}
    if entry.name in BASE_CLASSES:
        return base_class_rows(entry, rows)
    names = [entry.keras_name]
    if entry.partner is not None:
        names.append(f"keras.{entry.family}.{getattr(entry.partner, '__name__', '')}")
    for name in names:
        found = {rid: row for rid, row in rows.items() if name in row.get("names", ())}
        if found:
            return found
    return {}


def parity_section(entry, parity):
    rows = parity_rows(entry, parity)
    if not rows:
        return ["Not measured: no row of the parity tables covers this name yet."]
    stamp = parity["stamp"]
    lines = [f"The base class runs in every row of `keras.{entry.family}`: its {len(rows)} rows, each measured as on "
             f"its own page.", ""] if entry.name in BASE_CLASSES else []
    lines += ["Largest error against the float64 oracle (the reference run in float64 on the same inputs), measured "
              f"by `{stamp.get('command', 'python -m parity_tests report')}` "
              f"at commit `{stamp.get('commit', '?')[:10]}` "
              f"(Keras {stamp.get('keras', '?')}, TensorFlow {stamp.get('tensorflow', '?')}, NumPy "
              f"{stamp.get('numpy', '?')}; {stamp.get('machine', '?')}):", "",
              "| row | quantity | draws | float32 reference abs / rel | float32 Keras-TF abs / rel | checked by |",
              "|---|---|---:|---|---|---|"]
    for rid, row in sorted(rows.items()):
        for label, key in ((row.get("quantity", "value"), "value"), ("gradient", "gradient")):
            figures = row.get(key)
            if not figures:
                continue
            ref, tf = figures.get("reference") or {}, figures.get("keras_tf") or {}
            short = rid.rsplit("[", 1)[-1].rstrip("]") if "[" in rid else rid
            lines.append(f"| `{short}` | {label} | {row.get('draws', '–')} | {_side(ref)} | {_side(tf)} | "
                         f"`{row.get('test', '')}` |")
    if BACKENDS.is_file():
        lines += ["", "Keras-JAX and Keras-torch: see [where Keras's backends disagree](../../backends.md)."]
    return lines


def departures_section(entry, page):
    rows = [d for d in DEPARTURES if entry.name in d.names]
    link = _relative(ROOT / "docs" / "departures.md", page)
    general = (f"Beyond those every name shares (results are plain ndarrays), none: the "
               f"[departures table]({link}) lists every place the reference deliberately differs.")
    return [*[f"* [`{d.id}`]({link}#{d.id}): {d.reference} Keras: {d.keras}" for d in rows], *([""] if rows else []),
            general]


def page(entry, parity, figure=None):
    """The Markdown of ``entry``'s page. ``figure``: the picture's file name beside the page, if there is one."""
    path = entry.path
    doc = docstrings.sections(entry.obj)
    summary = docstrings.markdown(doc["summary"] or (docstrings.sections(entry.partner)["summary"]
                                                     if entry.partner else ""))
    lines = [f"# {entry.name}", "", "<!-- generated by `python -m parity_tests pages`: edit the docstring, not this "
             "page -->", "", f"[A–Z index](../index.md) · [{entry.folder}](index.md)", "", summary, ""]

    lines += ["## Signature", "", "```python", signature(entry), "```", ""]
    facts = [f"Mirrors `{entry.keras_file}`; the reference's twin is `reference.{entry.family}.{entry.name}`."]
    if entry.aliases:
        facts.append("Also named " + ", ".join(f"[`{a}`]({a}.md)" for a in entry.aliases) + ": the same object.")
    if entry.partner is not None and not entry.aliases:
        partner = entry.partner.__name__
        facts.append(f"Its {'class' if inspect.isclass(entry.partner) else 'function'}: [`{partner}`]({partner}.md).")
    lines += [" ".join(facts), ""]
    if doc["prose"]:
        lines += [docstrings.markdown(doc["prose"]), ""]

    lines += ["## Formula", "", docstrings.markdown(_section(entry, "Formula")) or "*No formula written yet.*", ""]
    textbook = docstrings.markdown(_section(entry, "Keras vs the textbook"))
    lines += ["## Keras vs the textbook", "", textbook or "Keras computes the usual formula.", ""]

    links = [code_link(entry.obj.__name__ if hasattr(entry.obj, "__name__") else entry.name, entry.obj, path)]
    links += [code_link(q, f, path) for q, f in entry.methods()]
    if entry.partner is not None and not entry.aliases:
        links.append(code_link(entry.partner.__name__, entry.partner, path))
    lines += ["## Code", "", *[f"* {link}" for link in links], ""]

    example = _section(entry, "Example")
    lines += ["## Example", ""]
    lines += ["```python", example, "", "```", ""] if example else ["*No example written yet.*", ""]

    lines += ["## Departures", "", *departures_section(entry, path), ""]
    lines += ["## Parity", "", *parity_section(entry, parity), ""]
    if figure:
        lines += ["## Picture", "", f"![{entry.name}]({figure})", ""]
    return "\n".join(lines).rstrip() + "\n"


def index(entries):
    """``docs/reference/index.md``: every public name, A to Z, linked to its page."""
    lines = ["# Reference: every name, A to Z", "",
             "<!-- generated by `python -m parity_tests pages` -->", "",
             "One page for each public name of `keras.losses`, `keras.activations`, `keras.optimizers`, "
             "`keras.optimizers.schedules` and `keras.metrics`: its formula, where Keras departs from the textbook, "
             "the reference's code, an executed example, the documented departures, the measured parity and, "
             "where one teaches, a picture.", ""]
    for letter in sorted({e.name[0].upper() for e in entries}):
        lines += [f"## {letter}", ""]
        for e in sorted((e for e in entries if e.name[0].upper() == letter), key=lambda e: (e.name.lower(), e.family)):
            lines.append(f"* [`{e.name}`]({e.path.as_posix()}) · `{e.keras_name}`")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def family_index(family, entries):
    lines = [f"# keras.{family}", "", "<!-- generated by `python -m parity_tests pages` -->", "",
             "[A–Z index](../index.md)", ""]
    for e in entries:
        summary = docstrings.sections(e.obj)["summary"] or (
            docstrings.sections(e.partner)["summary"] if e.partner is not None else "")
        lines.append(f"* [`{e.name}`]({e.name}.md): {docstrings.markdown(summary)}")
    return "\n".join(lines) + "\n"
