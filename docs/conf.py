"""Sphinx configuration of the documentation site (``python -m sphinx -W --keep-going -b html docs docs/_build/html``).

The pages are the Markdown files of ``docs/`` as they read on GitHub: MyST parses them, with ``$...$`` and
``$$...$$`` math (``dollarmath``, ``amsmath``) typeset in the browser by MathJax 3 from the copy that
``sphinx-mathjax-offline`` ships, so the site needs no network. The PyData theme lays them out.

The guide links to lines of the repository's code the GitHub way, ``[`ops.softmax`](../../reference/ops.py#L394)``.
Sphinx knows no such target (it would offer the file as a download and drop the ``#L394``), so each such link is
pointed at a page of the site that shows the file with an anchor per line, ``_source/reference/ops.py.html#L394``:
a link that reads on GitHub works on the site too, offline, and lands on the line of the checkout the site was built
from. A link to a repository file that does not exist stays a broken link, which Sphinx reports.
"""

import html
import re
from pathlib import Path

from docutils import nodes
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "keras-numpy-reference"
html_title = "keras-numpy-reference"
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_static", "**/.ipynb_checkpoints"]

extensions = ["myst_parser", "sphinx.ext.mathjax", "sphinx-mathjax-offline"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True  # `$$...$$` inside a paragraph is display math, as on GitHub
myst_heading_anchors = 4  # GitHub's slugs, so `page.md#4-kerass-auc-...` links work on both

html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_show_sourcelink = False
html_copy_source = False

_LOGGER = logging.getLogger(__name__)
SOURCE_PAGES = "_source"  # where the pages showing repository files go, in the built site
_LINK = re.compile(r"(\]\()(?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?(\))")
_HTML_ANCHOR = re.compile(r'<a\s+(?:id|name)="([^"]+)"')
_MARK = "repository-file:"  # what a rewritten link's target starts with, until the post-transform resolves it


# The pages that head a folder, and the pattern of their children: on the site they get them as a hidden toctree
# (appended when read), so the Markdown stays plain on GitHub, where the page's own links list them.
SECTIONS = {"guide": "guide/*", "reference/index": "**"}
# Pages that generators write (the reference's A-Z index, the backends page): the root page's toctree lists them, and
# its entry is dropped while the page does not exist, since a toctree entry naming no page is an error under -W.
GENERATED_PAGES = ("reference/index", "backends")


def _repository_file(docname, target):
    """The repository path of ``target``, linked from ``docname``, when it is a file outside ``docs/``; else None."""
    if "://" in target or target.startswith(("mailto:", "/")):
        return None
    path = (DOCS / docname).parent.joinpath(target).resolve()
    if path.is_relative_to(DOCS) or not path.is_relative_to(ROOT):
        return None
    return path.relative_to(ROOT).as_posix()


def mark_repository_links(app, docname, source):
    """``source-read``: turn each Markdown link to a repository file outside ``docs/`` into a ``repository-file:``
    link, keeping its ``#L123`` anchor (MyST would drop it), and note the file for ``source_pages``."""
    files = app.env.repository_files.setdefault(docname, set())

    def mark(match):
        path = _repository_file(docname, match["target"])
        if path is None:
            return match[0]
        files.add(path)
        return f"{match[1]}{_MARK}{path}{match['anchor'] or ''}{match[4]}"

    source[0] = _LINK.sub(mark, source[0])
    if docname == root_doc:
        for page in GENERATED_PAGES:
            if not (DOCS / f"{page}.md").is_file():
                source[0] = re.sub(rf"^{re.escape(page)}\n", "", source[0], flags=re.MULTILINE)
    if docname in SECTIONS:
        source[0] += f"\n\n```{{toctree}}\n:hidden:\n:glob:\n\n{SECTIONS[docname]}\n```\n"


class RepositoryLinks(SphinxPostTransform):
    """Resolve ``repository-file:path#L123`` to the page showing that file, relative to the page linking it."""

    default_priority = 5  # before MyST's resolver (9), which would report these targets as missing

    def run(self, **kwargs):
        for node in list(self.document.findall(addnodes.pending_xref)):
            target = node.get("reftarget", "")
            if not target.startswith(_MARK):
                continue
            path, _, anchor = target.removeprefix(_MARK).partition("#")
            if not (ROOT / path).is_file():
                _LOGGER.warning("link to a repository file that does not exist: %s", path, location=node)
                node.replace_self(node.children)
                continue
            here = self.app.builder.get_target_uri(self.env.docname)
            uri = relative_uri(here, f"{SOURCE_PAGES}/{path}.html") + (f"#{anchor}" if anchor else "")
            reference = nodes.reference("", "", internal=False, refuri=uri)
            reference += node.children or [nodes.literal(path, path)]
            node.replace_self(reference)


def source_pages(app):
    """``html-collect-pages``: one page per linked repository file, its lines numbered, line N anchored as ``LN``."""
    formatter = HtmlFormatter(linenos="inline", linespans="L", cssclass="highlight")
    for path in sorted(set().union(*app.env.repository_files.values())):
        file = ROOT / path
        if not file.is_file():
            continue
        code = file.read_text(encoding="utf-8")
        try:
            lexer = get_lexer_for_filename(file.name, code)
        except ClassNotFound:
            lexer = get_lexer_for_filename("x.txt")
        body = re.sub(r'\bid="L-(\d+)"', r'id="L\1"', highlight(code, lexer, formatter))
        yield f"{SOURCE_PAGES}/{path}", {"title": path, "body": f"<h1>{html.escape(path)}</h1>\n{body}"}, "page.html"


def html_anchors(app, doctree):
    """``doctree-read``: an HTML anchor, ``<a id="x"></a>`` (how a generated table names its rows, which GitHub
    honours), becomes a target that links like ``departures.md#x`` resolve to, as a heading's slug is."""
    labels = app.env.get_domain("std").anonlabels
    for raw in doctree.findall(nodes.raw):
        for anchor in _HTML_ANCHOR.findall(raw.astext()):
            labels[f"{app.env.docname}#{anchor}"] = (app.env.docname, anchor)


def _purge(app, env, docname):
    env.repository_files.pop(docname, None)


def _merge(app, env, docnames, other):
    env.repository_files.update({d: other.repository_files[d] for d in docnames if d in other.repository_files})


def _init(app):
    if not hasattr(app.env, "repository_files"):
        app.env.repository_files = {}  # docname -> repository paths its links name


def setup(app):
    app.connect("builder-inited", _init)
    app.connect("source-read", mark_repository_links)
    app.connect("doctree-read", html_anchors)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-collect-pages", source_pages)
    app.add_post_transform(RepositoryLinks)
