"""The sections of a reference docstring that the pages show.

A docstring is Google-style: a summary line, prose, then sections, each a line ``Title:`` followed by an indented
or blank-line-separated body. The pages read three of them:

* ``Formula:`` display LaTeX between ``$$`` lines, with every symbol defined in the prose after it;
* ``Keras vs the textbook:`` where Keras departs from the paper or the usual formula, with the paper cited;
* ``Example:`` a doctest: ``>>>`` lines with their expected output.
"""

import inspect
import re

SECTIONS = ("Formula", "Keras vs the textbook", "Example", "Args", "Returns", "Raises", "Slots", "Attributes")
_HEADER = re.compile(r"^(?P<title>" + "|".join(re.escape(s) for s in SECTIONS) + r"):\s*$")


def sections(obj):
    """``{"summary": str, "prose": str, "Formula": str, ...}`` from ``obj``'s docstring, bodies dedented."""
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    parts, title, body = {}, None, []
    for line in lines:
        match = _HEADER.match(line)
        if match:
            parts[title] = body
            title, body = match["title"], []
        else:
            body.append(line)
    parts[title] = body
    head = "\n".join(parts.pop(None)).strip()
    summary, _, prose = head.partition("\n\n")
    out = {"summary": " ".join(summary.split()), "prose": prose.strip()}
    for name, body in parts.items():
        out[name] = inspect.cleandoc("\n".join(body)).strip()
    return out


def display_math(text):
    """The ``$$`` blocks of ``text``."""
    return re.findall(r"\$\$.+?\$\$", text or "", flags=re.S)


def markdown(text):
    """Docstring prose (reStructuredText as the code writes it) as Markdown: ````x```` → `` `x` ``,
    ``:class:`~a.B``` → `` `B` ``, and a paragraph ending in ``::`` followed by an indented block → a code block."""
    text = re.sub(r":(?:class|func|meth|mod|attr|data|obj):`~?(?:[\w.]+\.)?([^`<]+?)`", r"`\1`", text or "")
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::") and not line.strip().startswith(".."):
            head = line.rstrip()[:-2].rstrip()
            out.append(head + (":" if head and not head.endswith(":") else ""))
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += ["", "```text", inspect.cleandoc("\n".join(block)), "```", ""]
            continue
        out.append(line)
        i += 1
    return "\n".join(out).strip()
