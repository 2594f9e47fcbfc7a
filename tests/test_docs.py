"""The study guide's links stay right as the code moves.

Every link of a hand-written page to a line of Python must land on a line holding what its text names (the rule and
the functions that read it are in ``tests/doc_links.py``); when code moves, the test fails, says where the text is
now, and ``python tests/doc_links.py --fix`` moves the links. Every relative link must also name a file that exists.
(The guide's ``>>>`` examples run as doctests through ``--doctest-glob=*.md``, see pyproject.toml.)

Also here: the committed parity report (``docs/parity-report/``) names its machine and versions, and
``python -m parity_tests report`` runs.
"""

import re

import pytest
# tests/doc_links.py: pytest puts tests/ on sys.path
from doc_links import DOCS, ROOT, candidates, holds, line_links, named, pages, relative_links

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
                    "Run `python tests/doc_links.py --fix` to move the links.")


@pytest.mark.parametrize("page", pages(), ids=[p.name for p in pages()])
def test_every_line_link_is_checked(page):
    """A line link whose text mixes prose and code would escape the test above."""
    anchors = re.findall(r"\]\([^)\s]+\.py#L\d+", page.read_text(encoding="utf-8"))
    assert len(anchors) == len(list(line_links(page))), (
        f"{page.relative_to(ROOT)}: {len(anchors)} links to code lines, but only "
        f"{len(list(line_links(page)))} have a text of one code span, e.g. [`ops.softmax`](...)")


@pytest.mark.parametrize("page", pages(), ids=[p.name for p in pages()])
def test_relative_links_resolve(page):
    missing = [str(path.relative_to(ROOT)) for _, path in relative_links(page) if not path.exists()]
    assert not missing, f"{page.relative_to(ROOT)} links to files that do not exist: {missing}"


def test_the_parity_report_names_machine_and_versions():
    text = (DOCS / "parity-report" / "README.md").read_text(encoding="utf-8")
    for row in ("| machine |", "| NumPy |", "| TensorFlow |", "| Keras |", "### Values", "### Gradients"):
        assert row in text, (f"docs/parity-report/README.md has no {row!r}: "
                             "regenerate it with python -m parity_tests report")


@pytest.mark.tf
def test_the_parity_report_command_writes_the_op_tables(tmp_path):
    """``python -m parity_tests report``, without the trajectories (they need MNIST and minutes)."""
    pytest.importorskip("tensorflow")
    from parity_tests.__main__ import main

    assert main(["report", "--out", str(tmp_path), "--no-trajectory", "--draws", "1", "--only", "handbook_loss"]) == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| handbook_loss | gradient | 1 |" in text
    assert "Not run (`--no-trajectory`)." in text
