"""Write every page, the family indexes, the A–Z index and (unless told not to) the pictures."""

import json

from reference.utils.file_utils import atomic_write

from . import catalogue, render

PARITY = render.ROOT / "docs" / "parity-report" / "parity.json"


def load_parity():
    return json.loads(PARITY.read_text(encoding="utf-8")) if PARITY.is_file() else {}


def figure_name(entry):
    return f"{entry.name}.png"


def has_figure(entry):
    from . import figures

    return figures.draws(entry)


def texts(entries=None, parity=None):
    """``{path relative to docs/reference: Markdown}`` for every page and index."""
    entries = catalogue.all_entries() if entries is None else entries
    parity = load_parity() if parity is None else parity
    out = {"index.md": render.index(entries)}
    for family in catalogue.FAMILIES:
        members = [e for e in entries if e.family == family]
        if members:
            out[f"{catalogue.FOLDERS[family]}/index.md"] = render.family_index(family, members)
    for e in entries:
        out[e.path.as_posix()] = render.page(e, parity, figure_name(e) if has_figure(e) else None)
    return out


def write(pictures=True, progress=print):
    entries = catalogue.all_entries()
    pages = texts(entries)
    for relative, text in pages.items():
        with atomic_write(render.PAGES / relative, "w") as f:
            f.write(text)
    progress(f"wrote {len(pages)} pages under {render.PAGES}")
    if pictures:
        from . import figures

        drawn = figures.draw_all(entries, lambda e: render.PAGES / e.folder / figure_name(e), progress=progress)
        progress(f"drew {drawn} pictures")
    return pages
