"""The study guide's links stay right as the code moves.

A link to a line of Python, ``[`ops.softmax`](../../reference/ops.py#L163)``,
must land on a line holding what its text names:

* a dotted name (``ops.softmax``, ``Adam.update_step``): its last part, as a word;
* any other code (``m += t``): that code, verbatim.

When code moves, the test fails and says where the text is now;
``python tests/test_docs.py --fix`` rewrites such links to those lines, following
code into another file when exactly one source file defines it. Every
relative link must also name a file that exists, except that a link to a parity test
file not written yet (``parity_tests/test_*.py``) skips rather than fails. (The guide's ``>>>`` examples
run as doctests through ``--doctest-glob=*.md``, see pyproject.toml.)

Also here: the committed parity report (``docs/parity-report/``) names its machine
and versions, and ``python -m parity_tests report`` runs.
"""

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LINK = re.compile(r"\[(?P<text>`[^`]+`|[^\]`]+)\]\((?P<target>[^)\s]+)\)")  # text: one code span, or plain
LINE_ANCHOR = re.compile(r"^(?P<path>[^#]+\.py)#L(?P<line>\d+)(?:-L\d+)?$")
CODE_SPAN = re.compile(r"^`([^`]+)`$")
DOTTED_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
SOURCE_PACKAGES = ("reference", "tf_impl", "parity_tests", "benchmarks")


GENERATED = {"parity-report", "reference", "_build"}  # written by commands, from introspected lines: never fixed here


def pages():
    """Every hand-written Markdown page under docs/ (the generated parity report and per-name pages, whose
    currency parity_tests/test_report.py and test_pages.py check, excluded)."""
    return sorted(p for p in DOCS.rglob("*.md") if not GENERATED & set(p.relative_to(DOCS).parts))


def line_links(page):
    """``(text, file, line, span)`` for each link of ``page`` to a line of a Python file."""
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        anchor = LINE_ANCHOR.match(match["target"])
        if anchor and "://" not in match["target"]:
            yield match["text"], (page.parent / anchor["path"]).resolve(), int(anchor["line"]), match.span("target")


def named(text):
    """What the link text names: ``("name", last part)`` or ``("code", fragment)``; ``None`` if no code span."""
    span = CODE_SPAN.match(text.strip())
    if span is None:
        return None
    code = span.group(1)
    return ("name", code.split(".")[-1]) if DOTTED_NAME.match(code) else ("code", code)


def holds(line, kind, what):
    return re.search(rf"\b{re.escape(what)}\b", line) is not None if kind == "name" else what in line


def candidates(lines, text):
    """1-based numbers of the lines holding what ``text`` names; definitions first for a dotted name."""
    kind, what = named(text)
    hits = [i + 1 for i, line in enumerate(lines) if holds(line, kind, what)]
    if kind == "code":
        return hits
    code = CODE_SPAN.match(text.strip()).group(1)
    owner = code.split(".")[-2] if "." in code else None
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s*class {re.escape(owner)}\b", line)), 0) \
        if owner else 0
    definition = re.compile(rf"^\s*(?:def|class)\s+{re.escape(what)}\b|^{re.escape(what)}\s*=")
    defs = [i + 1 for i, line in enumerate(lines) if i >= start and definition.match(line)]
    return defs[:1] + [h for h in hits if h not in defs[:1]]


def relative_links(page):
    """``(text, resolved path)`` for each link of ``page`` to a file of this repository."""
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match["target"]
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        yield match["text"], (page.parent / target.split("#")[0]).resolve()


LINKS = [(page, *link) for page in pages() for link in line_links(page)]


def test_the_guide_has_line_links():
    assert LINKS, f"no links to code lines found in {[str(p.relative_to(ROOT)) for p in pages()]}"


@pytest.mark.parametrize("page, text, path, number, span", LINKS,
                         ids=[f"{p.name}:{t}" for p, t, *_ in LINKS])
def test_line_link_points_at_what_it_names(page, text, path, number, span):
    where = f"{page.relative_to(ROOT)}: link {text} -> {path.relative_to(ROOT)}#L{number}"
    assert named(text) is not None, f"{where}: the text of a line link must be one code span naming its target"
    assert path.is_file(), f"{where}: no such file"
    lines = path.read_text(encoding="utf-8").splitlines()
    if not (1 <= number <= len(lines) and holds(lines[number - 1], *named(text))):
        found = candidates(lines, text)
        shown = repr(lines[number - 1].strip()) if 1 <= number <= len(lines) else "past the end of the file"
        pytest.fail(f"{where} lands on {shown}; {text} is now at line(s) {found or 'nowhere'}. "
                    "Run `python tests/test_docs.py --fix` to move the links.")


@pytest.mark.parametrize("page", pages(), ids=[p.name for p in pages()])
def test_every_line_link_is_checked(page):
    """A line link whose text mixes prose and code would escape the test above."""
    anchors = re.findall(r"\]\([^)\s]+\.py#L\d+", page.read_text(encoding="utf-8"))
    assert len(anchors) == len(list(line_links(page))), (
        f"{page.relative_to(ROOT)}: {len(anchors)} links to code lines, but only "
        f"{len(list(line_links(page)))} have a text of one code span, e.g. [`ops.softmax`](...)")


@pytest.mark.parametrize("page", pages(), ids=[p.name for p in pages()])
def test_relative_links_resolve(page):
    missing = [path.relative_to(ROOT) for _, path in relative_links(page) if not path.exists()]
    broken = [str(p) for p in missing if not _pending(p)]
    assert not broken, f"{page.relative_to(ROOT)} links to files that do not exist: {broken}"
    if missing:
        pytest.skip(f"{page.relative_to(ROOT)} links to parity tests not written yet: {[str(p) for p in missing]}")


def _pending(path):
    """A parity test file (``parity_tests/test_*.py``): the guide may name one before it is written."""
    return path.parent == Path("parity_tests") and path.name.startswith("test_") and path.suffix == ".py"


def test_the_parity_report_names_machine_and_versions():
    text = (DOCS / "parity-report" / "README.md").read_text(encoding="utf-8")
    for row in ("| machine |", "| NumPy |", "| TensorFlow |", "| Keras |", "### Values", "### Gradients"):
        assert row in text, f"docs/parity-report/README.md has no {row!r}: regenerate it with python -m parity_tests report"


@pytest.mark.tf
def test_the_parity_report_command_writes_the_op_tables(tmp_path):
    """``python -m parity_tests report``, without the trajectories (they need MNIST and minutes)."""
    pytest.importorskip("tensorflow")
    from parity_tests.__main__ import main

    assert main(["report", "--out", str(tmp_path), "--no-trajectory", "--draws", "1", "--only", "handbook_loss"]) == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| handbook_loss | gradient | 1 |" in text
    assert "Not run (`--no-trajectory`)." in text


def definition_line(lines, text):
    """The 1-based line defining what a dotted-name ``text`` names in ``lines``, or ``None``."""
    found = candidates(lines, text)
    what = named(text)[1]
    if found and re.match(rf"^\s*(?:def|class)\s+{re.escape(what)}\b|^{re.escape(what)}\s*=", lines[found[0] - 1]):
        return found[0]
    return None


def elsewhere(text, old_path):
    """``(path, line)`` where the code ``text`` names now lives, found in the source packages; else ``None``.

    A dotted name ``Owner.name`` must be defined inside a ``class Owner``. When several files hold it, the one
    with ``old_path``'s file name wins, then the only one in ``old_path``'s package.
    """
    code = CODE_SPAN.match(text.strip()).group(1)
    owner = code.split(".")[-2] if named(text)[0] == "name" and "." in code else None
    hits = []
    for path in sorted(p for package in SOURCE_PACKAGES for p in (ROOT / package).rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if owner and not any(re.match(rf"\s*class {re.escape(owner)}\b", line) for line in lines):
            continue
        line = definition_line(lines, text) if named(text)[0] == "name" else next(iter(candidates(lines, text)), None)
        if line is not None:
            hits.append((path, line))
    for keep in (lambda p: p.stem == old_path.stem, lambda p: p.parts[len(ROOT.parts)] == old_path.parts[len(ROOT.parts)]):
        if len(hits) > 1 and len([h for h in hits if keep(h[0])]) >= 1:
            hits = [h for h in hits if keep(h[0])]
    return hits[0] if len(hits) == 1 else None


def fix():
    """Move every line link that no longer lands on its name to the line that holds it, in whichever file.

    Within the linked file, a name goes to its definition and code to the nearest line holding it; code that
    moved to another file is followed there when exactly one source file defines (or holds) it.
    """
    for page in pages():
        source = page.read_text(encoding="utf-8")
        edits = []
        for text, path, number, (start, end) in line_links(page):
            if named(text) is None:
                continue
            lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            if 1 <= number <= len(lines) and holds(lines[number - 1], *named(text)):
                continue
            found = candidates(lines, text)
            if named(text)[0] == "name" and lines and definition_line(lines, text) is None:
                found = []  # only a mention here: the definition moved away
            if found:
                new_path, new = path, found[0] if named(text)[0] == "name" else min(found, key=lambda n: abs(n - number))
            elif elsewhere(text, path):
                new_path, new = elsewhere(text, path)
            else:
                print(f"{page.relative_to(ROOT)}: {text} not found (was {path.relative_to(ROOT)}); left as is")
                continue
            target = f"{os.path.relpath(new_path, page.parent)}#L{new}"
            edits.append((start, end, target))
            print(f"{page.relative_to(ROOT)}: {text} {path.relative_to(ROOT)}#L{number} -> {target}")
        for start, end, replacement in reversed(edits):
            source = source[:start] + replacement + source[end:]
        page.write_text(source, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--fix"]:
        sys.exit("usage: python tests/test_docs.py --fix")
    fix()
