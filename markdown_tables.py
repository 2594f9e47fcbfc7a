"""Markdown tables, for the reports the project writes (the parity report, the benchmark results).

A top-level module of the checkout, as `parity_tests` and `benchmarks` (its two users) are: neither imports the
other, and `reference`, which the user installs, writes no reports.
"""


def table(header, rows, align=None):
    """The lines of a Markdown table.

    Args:
        header: the column titles.
        rows: one sequence of cells per row; each cell is shown with ``str``.
        align: one character per column, ``"l"`` (left, the default) or ``"r"`` (right, for numbers).

    >>> print("\\n".join(table(["op", "error"], [["add", "0"], ["exp", "1.2e-07"]], align="lr")))
    | op | error |
    |---|---:|
    | add | 0 |
    | exp | 1.2e-07 |
    """
    align = align or "l" * len(header)
    if len(align) != len(header):
        raise ValueError(f"`align` has {len(align)} characters for {len(header)} columns: {align!r}.")
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return ["| " + " | ".join(header) + " |", rule] + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
