"""The documentation site builds offline with warnings as errors, and reads right in a real browser.

The site is built once per run with the README's command (``python -m sphinx -W --keep-going -b html docs OUT``),
then headless Chromium opens its pages from a local server on 127.0.0.1, all in one browser run: a driver page
(``PROBE``) loads each page in a frame of the same origin, waits for MathJax and the pictures, and writes what it
found into its own DOM, which ``--dump-dom`` prints. Checked on every page of the guide, the parity report and the
per-name reference pages:

* the math is typeset: every ``.math`` element holds MathJax's output, no ``mjx-merror`` (a TeX error), and no
  ``$$``, ``\\(``, ``\\frac`` or ``\\begin`` left in the visible text outside code;
* every picture loads (``naturalWidth > 0``);
* the search page, ``search.html?q=<Name>``, lists the page of each reference name (or, before those pages exist,
  of a guide page by a word of its title).

Without Sphinx or Chromium the tests skip and print why; with ``CI`` set they fail instead, since CI must run them.
Under pytest-xdist the workers share one build and one browser run (an ``flock`` on a file in the run's tmp dir).
"""

import fcntl
import functools
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUILD = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q", str(DOCS)]  # + the output dir
CHROMIUM = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--dump-dom",
]
# The driver page's script: JOBS (the docnames to check, the queries to search) is defined before it.
PROBE = r"""
const results = {pages: {}, searches: {}};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(ready, ms) {
  for (let waited = 0; waited < ms && !ready(); waited += 50) await sleep(50);
  return ready();
}
function open(url) {  // a frame of this origin, once its page has loaded
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.style.width = "1200px";
    frame.onload = () => resolve(frame);
    frame.src = url;
    document.body.appendChild(frame);
  });
}
function docname(link) {
  return new URL(link.href).pathname.replace(/^\//, "").replace(/\.html$/, "");
}
async function checkPage(name) {
  const frame = await open(name + ".html");
  const win = frame.contentWindow, doc = frame.contentDocument;
  const page = {loaded: doc.title !== "" && !/404/.test(doc.title)};
  try {
    if (win.MathJax && win.MathJax.startup) await win.MathJax.startup.promise;
    await until(() => [...doc.images].every((image) => image.complete), 10000);
    const math = [...doc.querySelectorAll(".math")];
    page.math = math.length;
    page.typeset = math.filter((element) => element.querySelector("mjx-container")).length;
    page.errors = [...doc.querySelectorAll("mjx-merror")].map((error) => error.getAttribute("data-mjx-error"));
    const text = doc.querySelector("main, body").cloneNode(true);
    text.querySelectorAll("pre, code, script, style, mjx-container").forEach((element) => element.remove());
    page.raw = text.textContent.match(/\$\$|\\\(|\\\[|\\frac|\\begin/g) || [];
    page.images = [...doc.images].map((image) => ({src: image.getAttribute("src"), width: image.naturalWidth}));
  } catch (error) {
    page.loaded = false;
    page.error = String(error);
  }
  results.pages[name] = page;
  frame.remove();
}
async function search(query) {
  const frame = await open("search.html?q=" + encodeURIComponent(query));
  const doc = frame.contentDocument;
  const finished = () => /found|did not match/.test(
    (doc.querySelector("#search-results .search-summary") || {}).textContent || "");
  await until(finished, 20000);
  results.searches[query] = [...doc.querySelectorAll("#search-results ul.search li > a")].map(docname);
  frame.remove();
}
(async () => {
  for (const name of JOBS.pages) await checkPage(name);
  for (const query of JOBS.searches) await search(query);
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(results);
  document.body.appendChild(out);
})();
"""


def unavailable(reason):
    """Skip, saying why; under CI (``CI`` set) fail, since there the site must be checked."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    print(f"tests/test_site.py: skipped: {reason}")
    pytest.skip(reason)


def reference_pages():
    """``(docname, title)`` of each per-name reference page (docs/reference/<family>/<Name>.md, not the indexes)."""
    pages = []
    for page in sorted((DOCS / "reference").glob("*/*.md")):
        if page.stem != "index":
            title = re.search(r"^# (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
            pages.append((page.relative_to(DOCS).with_suffix("").as_posix(), title[1].strip()))
    return pages


def checked_pages():
    """The docnames whose pages are checked: the guide's, the parity report and every reference page."""
    guide = ["guide"] + [p.relative_to(DOCS).with_suffix("").as_posix() for p in sorted((DOCS / "guide").glob("*.md"))]
    return guide + ["parity-report/README"] + [docname for docname, _ in reference_pages()]


def searches():
    """``(query, docname)``: each reference page by its name; before those exist, a guide page by its title's word."""
    by_name = [(title, docname) for docname, title in reference_pages()]
    return by_name or [("Softmax", "guide/03-softmax"), ("backpropagation", "guide/06-backpropagation")]


def _shared_dir(base):
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # xdist workers share their parent


def once(tmp_path_factory, name, make):
    """``make(folder)`` run once per test run, whichever xdist worker gets there first; the folder it filled."""
    shared = _shared_dir(tmp_path_factory.getbasetemp())
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(make(folder), encoding="utf-8")
    outcome = done.read_text(encoding="utf-8")
    if outcome:
        pytest.fail(outcome, pytrace=False)
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's folder."""
    if importlib.util.find_spec("sphinx") is None:
        unavailable('Sphinx is not installed (pip install -e ".[docs]")')

    def build(folder):
        run = subprocess.run([*BUILD, str(folder / "html")], capture_output=True, text=True, timeout=900)
        return "" if run.returncode == 0 else f"the site's build failed:\n{run.stderr}{run.stdout}"

    return once(tmp_path_factory, "site", build) / "html"


@pytest.fixture(scope="session")
def browser():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    return path


def serve(folder):
    """A server of ``folder`` on 127.0.0.1 (a free port), in a thread; call its ``shutdown`` when done."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def seen(site, browser, tmp_path_factory):
    """What the browser found: ``{"pages": {docname: {...}}, "searches": {query: [docnames listed]}}``."""

    def look(folder):
        jobs = {"pages": checked_pages(), "searches": [query for query, _ in searches()]}
        (site / "_probe.html").write_text(
            f"<!doctype html><html><body><script>const JOBS = {json.dumps(jobs)};\n{PROBE}</script></body></html>",
            encoding="utf-8",
        )
        server = serve(site)
        try:
            budget = 20000 + 2000 * (len(jobs["pages"]) + len(jobs["searches"]))  # virtual ms: waits, not work
            run = subprocess.run(
                [browser, *CHROMIUM, f"--user-data-dir={folder / 'profile'}", f"--virtual-time-budget={budget}",
                 f"http://127.0.0.1:{server.server_port}/_probe.html"],
                capture_output=True, text=True, timeout=600,
            )
        finally:
            server.shutdown()
        found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.DOTALL)
        if found is None:
            return f"the browser wrote no results (exit {run.returncode}):\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        (folder / "seen.json").write_text(html.unescape(found[1]), encoding="utf-8")
        return ""

    return json.loads((once(tmp_path_factory, "browser", look) / "seen.json").read_text(encoding="utf-8"))


def test_site_builds(site):
    """The README's build command, warnings as errors, gives the root page and a page per document."""
    assert (site / "index.html").is_file()
    assert (site / "guide" / "03-softmax.html").is_file()
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax is not in the site: it would need a CDN"


def test_site_has_no_external_scripts_or_styles(site):
    """Offline: no page loads a script, a style sheet or a picture from another host."""
    remote = re.compile(r'<(?:script|img)[^>]*\ssrc="(?:https?:)?//|<link[^>]*\shref="(?:https?:)?//')
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html") if remote.search(p.read_text("utf-8"))]
    assert not pages, f"pages that load from the network: {pages}"


def test_links_to_code_open_the_file_at_the_line(site):
    """The guide's GitHub-style links, ``../../reference/ops.py#L394``, land on the site's page of that file,
    whose line 394 carries the anchor ``L394``."""
    page = (site / "guide" / "03-softmax.html").read_text(encoding="utf-8")
    target = re.search(r'href="(\.\./_source/reference/ops\.py\.html)#L(\d+)"', page)
    assert target, "the softmax page has no link to reference/ops.py's source page"
    source = (site / "guide" / target[1]).resolve().read_text(encoding="utf-8")
    assert f'id="L{target[2]}"' in source


@pytest.mark.parametrize("docname", checked_pages())
def test_page_math_and_pictures(seen, docname):
    page = seen["pages"][docname]
    assert page["loaded"], f"{docname}: {page.get('error')}"
    assert page["typeset"] == page["math"], f"{docname}: {page['math'] - page['typeset']} formulas not typeset"
    assert not page["errors"], f"{docname}: MathJax could not typeset {page['errors']}"
    assert not page["raw"], f"{docname}: TeX left in the text: {page['raw']}"
    broken = [image["src"] for image in page["images"] if not image["width"]]
    assert not broken, f"{docname}: pictures that did not load: {broken}"


def test_pages_with_math_and_pictures_were_seen(seen):
    """The checks above saw something: the softmax page's formulas, and the parity report's plots."""
    assert seen["pages"]["guide/03-softmax"]["math"] >= 5
    assert len(seen["pages"]["parity-report/README"]["images"]) >= 4


@pytest.mark.parametrize(("query", "docname"), searches())
def test_search_finds_the_page(seen, query, docname):
    """Among the first five results: a name shared by a loss and a metric (``Hinge``) lists both, and their
    function forms (``hinge``), since the search ignores case."""
    listed = seen["searches"][query]
    assert docname in listed[:5], f"searching {query!r} lists {listed[:10]}, not {docname} among the first five"
