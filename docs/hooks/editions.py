"""MkDocs hook: the book's other editions, reachable from the home page.

* **The whole book on one page** is made by mkdocs-print-site-plugin (``print_page/``).
  The plugin writes that page itself at the end of the build, so MkDocs cannot check a
  Markdown link to it: a link written ``[text](print_page.md)`` is turned here into the
  page's real URL, and the build fails if the plugin is not enabled.
* **The offline edition** is the site built again with ``mkdocs-offline.yml`` (which
  inherits ``mkdocs.yml`` and adds Material's offline plugin), zipped reproducibly and
  published as ``downloads/scalargrad-offline.zip``: entries sorted, every timestamp and
  permission fixed, so two builds give the same bytes. That build runs in a subprocess
  after the notebook hook has executed (and cached) the notebooks, so it takes them from
  the cache. Inside the offline edition itself, the link to the zip points at the
  published one.

A notebook page is generated (docs/hooks/notebooks.py), so its edit and view-source buttons
would point at a file the repository does not have: they point at what the notebook is
made from instead, the chapter (``docs/chapters/NN-slug.md``) or ``docs/notebooks/lecture.py``.

The print page is rendered with the template context of the last page MkDocs rendered,
the 404 page, whose base URL is absolute (``/scalargrad/``): fine on the web, wrong from
``file://``. After the build the page's base is set relative to where it stands.

Under ``mkdocs serve`` the zip is built once, on the first build, and kept.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from reproducible_zip import zip_bytes

OFFLINE_CONFIG = "mkdocs-offline.yml"
ZIP_URI = "downloads/scalargrad-offline.zip"
ZIP_FOLDER = "scalargrad-offline"  # every entry sits in this folder
PRINT_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(print_page\.md(?P<anchor>#[^)]*)?\)")
TIMEOUT = 900  # seconds for the offline build

_state: dict = {}


def is_offline(config: MkDocsConfig) -> bool:
    """True when this build is the offline edition (Material's offline plugin is on)."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return plugin is not None and plugin.config.enabled


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command


def zip_folder(folder: Path, prefix: str = ZIP_FOLDER) -> bytes:
    """The files under ``folder`` as zip bytes: sorted, fixed times and permissions."""
    paths = [p for p in folder.rglob("*") if p.is_file()]
    if not paths:
        raise PluginError(f"editions: nothing to zip in {folder}")
    return zip_bytes({f"{prefix}/{p.relative_to(folder).as_posix()}": p.read_bytes()
                      for p in paths})


def build_offline(root: Path) -> bytes:
    """Build the offline edition in a subprocess and return it zipped."""
    env = {**os.environ, "SCALARGRAD_NOTEBOOK_CACHE": "1"}  # keyed by content: never stale
    with tempfile.TemporaryDirectory(prefix="scalargrad-offline-") as tmp:
        site = Path(tmp) / "site"
        # Not --quiet: under it, strict mode would not count the warnings it hides.
        command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
        command += ["-f", OFFLINE_CONFIG, "-d", str(site)]
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        if result.returncode != 0:
            raise PluginError(
                f"editions: the offline edition ({OFFLINE_CONFIG}) failed to build:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return zip_folder(site)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if is_offline(config):
        return files
    if _state.get("command") != "serve" or "zip" not in _state:
        root = Path(config.config_file_path).resolve().parent
        _state["zip"] = build_offline(root)
    files.append(File.generated(config, ZIP_URI, content=_state["zip"]))
    return files


def _print_page_url(page: Page, config: MkDocsConfig) -> str:
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled", True):
        raise PluginError(
            f"editions: {page.file.src_uri} links print_page.md, but the print-site "
            "plugin is not enabled in mkdocs.yml"
        )
    target = "print_page/" if config.use_directory_urls else "print_page.html"
    depth = page.url.count("/") if config.use_directory_urls else page.file.dest_uri.count("/")
    return "../" * depth + target


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PRINT_LINK.search(markdown):
        url = _print_page_url(page, config)
        # An HTML link: MkDocs validates Markdown links against the files it knows, and
        # the print page is not one of them (tests/test_site.py checks the built link).
        markdown = PRINT_LINK.sub(
            lambda m: f'<a href="{url}{m.group("anchor") or ""}">{m.group("text")}</a>', markdown
        )
    if is_offline(config) and ZIP_URI in markdown:
        published = (config.site_url or "").rstrip("/") + "/" + ZIP_URI
        markdown = re.sub(rf"\]\((\.\./)*{re.escape(ZIP_URI)}\)", f"]({published})", markdown)
    return markdown


_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{.*?"base": )"[^"]*"')


def on_post_build(config: MkDocsConfig) -> None:
    """Give the whole-book page a relative base URL (see the module docstring)."""
    if config.plugins.get("print-site") is None:
        return
    if config.use_directory_urls:
        dest, base = "print_page/index.html", ".."
    else:
        dest, base = "print_page.html", "."
    path = Path(config.site_dir) / dest
    html = path.read_text(encoding="utf-8")
    fixed, count = _CONFIG_BASE.subn(lambda m: f'{m.group(1)}"{base}"', html, count=1)
    if count != 1:
        raise PluginError(f"editions: no Material config script with a base URL in {dest}")
    path.write_text(outside_links(fixed, dest, _state.get("pages", {})), encoding="utf-8")


_ANCHOR = re.compile(r'\s+href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')


def outside_links(html: str, dest: str, pages: dict[str, str]) -> str:
    """Mend the print page's links to what it does not contain.

    print-site turns every link to a page of the book into a link to that page's section
    on the print page. A page left out of it (the notebook pages) or the print page
    itself has no section: such links go to the page on the site instead. A cross
    reference to something no page documents (autorefs' ``ValueError``) loses its href
    and stays as text. ``pages`` maps print-site's page keys to site paths.

    >>> pages = {"notebooks": "notebooks/", "index": ""}
    >>> outside_links('<h1 id="index">a</h1><a href="#notebooks">n</a> <a href="#index">i</a>'
    ...               '<a href="#ValueError">V</a>', "print_page/index.html", pages)
    '<h1 id="index">a</h1><a href="../notebooks/">n</a> <a href="#index">i</a><a>V</a>'
    """
    ids = set(_ID.findall(html))
    here = posixpath.dirname(dest)

    def mend(match: re.Match) -> str:
        anchor = match.group(1)
        if anchor in ids:
            return match.group(0)
        if anchor in pages:
            target = pages[anchor]
            url = posixpath.relpath(target or ".", here or ".")
            if target.endswith("/") and not url.endswith("/"):
                url += "/"
            return f' href="{url}"'
        return ""

    return _ANCHOR.sub(mend, html)


def on_nav(nav, config: MkDocsConfig, files: Files):
    """Remember every page's print-site key and site path (for ``outside_links``)."""
    from mkdocs_print_site_plugin.urls import get_page_key

    _state["pages"] = {get_page_key(f.url): f.url for f in files.documentation_pages()}
    _state["pages"].setdefault(
        "print_page", "print_page/" if config.use_directory_urls else "print_page.html"
    )
    return nav


_NOTEBOOK_PAGE = re.compile(r"^notebooks/(?P<slug>[^/]+)/index\.ipynb$")


def notebook_source(src_uri: str) -> str | None:
    """The docs/ file a rendered notebook page is made from, or None for other pages.

    >>> notebook_source("notebooks/01-slope/index.ipynb"), notebook_source("index.md")
    ('chapters/01-slope.md', None)
    """
    match = _NOTEBOOK_PAGE.match(src_uri)
    if match is None:
        return None
    slug = match.group("slug")
    return "notebooks/lecture.py" if slug == "lecture" else f"chapters/{slug}.md"


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    source = notebook_source(page.file.src_uri)
    if source is not None and page.edit_url:
        if not (Path(config.docs_dir) / source).is_file():
            raise PluginError(f"editions: {page.file.src_uri} is made from {source}, not found")
        base = (config.repo_url or "").rstrip("/") + "/" + (config.edit_uri or "").strip("/")
        page.edit_url = f"{base}/{source}"
    return context
