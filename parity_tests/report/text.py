"""The report's Markdown tables of figures: one line per row, its value's and gradient's errors side by side."""

from markdown_tables import table

from .errors import SIDES

SIDE_TITLES = {"reference": "reference", "keras_tf": "Keras-TF"}


def e(x):
    """A figure for a table: ``0``, ``2.38e-07``, ``inf``."""
    return "0" if x == 0 else f"{x:.2e}"


def short_id(row):
    """The row's parametrisation in its test (``softmax`` of ``...::test_x[softmax-float32]``)."""
    return row.id.split("[", 1)[1].rsplit("-float32]", 1)[0]


def _cells(errors):
    """A side's two cells: its errors, or what it raised (the error's type, and who raised if not the side)."""
    if errors.error is None:
        return [e(errors.abs), e(errors.rel)]
    return [f"raised {errors.error.split(':')[0] if ':' in errors.error else errors.error}", ""]


def closer(figure):
    """Which side has the smaller largest absolute error ("tie" if equal, "-" if a side has no figure)."""
    ref, tf = figure.reference, figure.keras_tf
    if ref.error or tf.error:
        return "-"
    return "tie" if ref.abs == tf.abs else "reference" if ref.abs < tf.abs else "Keras-TF"


def figure_table(rows, what, label):
    """Markdown: for each row, ``what`` ("value" or "gradient") of both sides."""
    header = [label, "", "draws"]
    for side in SIDES:
        header += [f"{SIDE_TITLES[side]}: max abs", "max rel"]
    lines = []
    for row in rows:
        figure = getattr(row, what)
        if figure is None:
            continue
        cells = [short_id(row), what if row.table == "op" else row.quantity, row.draws]
        for side in SIDES:
            cells += _cells(figure.side(side))
        lines.append(cells + [closer(figure)])
    return "\n".join(table(header + ["closer"], lines, align="llrrrrrl"))
