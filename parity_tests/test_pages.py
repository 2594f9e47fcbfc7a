"""Every public Keras name has a page, reachable from the A–Z index, with every part; and the pages are current.

The names come from Keras itself (:mod:`parity_tests.pages.catalogue`), so a Keras release that adds a loss makes
this fail until the reference has it and its page is generated (``python -m parity_tests pages``).
"""

import re

import pytest

keras = pytest.importorskip("keras")

from .pages import build, catalogue, render  # noqa: E402

ENTRIES = catalogue.all_entries()
PAGES = render.PAGES


@pytest.fixture(scope="module")
def generated():
    return build.texts(ENTRIES)


def test_the_pages_are_current(generated):
    stale = sorted(p for p, text in generated.items()
                   if not (PAGES / p).is_file() or (PAGES / p).read_text(encoding="utf-8") != text)
    assert not stale, (f"{len(stale)} pages differ from their sources, e.g. {stale[:5]}: "
                       "run `python -m parity_tests pages`")
    extra = sorted(str(p.relative_to(PAGES)) for p in PAGES.rglob("*.md") if str(p.relative_to(PAGES)) not in generated)
    assert not extra, f"pages of names Keras no longer has: {extra}"


def test_every_public_name_is_reachable_from_the_index():
    index = (PAGES / "index.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\]\(([^)]+\.md)\)", index))
    unreached = [e.keras_name for e in ENTRIES if e.path.as_posix() not in targets]
    assert not unreached, f"no link from docs/reference/index.md to {unreached}"


PARTS = {
    "display math": lambda text: re.search(r"^\$\$", text, flags=re.M),
    "a link to the reference's code": lambda text: re.search(r"\]\((\.\./)+reference/[\w/]+\.py#L\d+", text),
    "an executed example": lambda text: re.search(r"^>>> ", text, flags=re.M),
    "measured parity": lambda text: re.search(r"^## Parity\n\n(?!Not measured)", text, flags=re.M),
}


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_page_has(part):
    missing = [e.keras_name for e in ENTRIES if not PARTS[part]((PAGES / e.path).read_text(encoding="utf-8"))]
    assert not missing, f"{len(missing)} pages lack {part}: {missing}"


def test_every_page_that_teaches_by_picture_has_one():
    missing = [e.keras_name for e in ENTRIES if e.family in render.FIGURE_FAMILIES
               and not (PAGES / e.folder / build.figure_name(e)).is_file()]
    assert not missing, f"{len(missing)} pages lack their picture: {missing}"
