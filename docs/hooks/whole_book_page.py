"""MkDocs hook: the whole book on one page, reachable and working from the site.

The page is made by mkdocs-print-site-plugin (``print_page/``). The plugin writes it
itself at the end of the build, so MkDocs cannot check a Markdown link to it: a link
written ``[text](print_page.md)`` is turned here into the page's real URL, and the build
fails if the plugin is not enabled.

The page is rendered with the template context of the last page MkDocs rendered, the 404
page, whose base URL is absolute (``/scalargrad/``): fine on the web, wrong from
``file://``. After the build the page's base is set relative to where it stands, and
its links to what it does not contain are mended (``outside_links``).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PRINT_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(print_page\.md(?P<anchor>#[^)]*)?\)")
_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{.*?"base": )"[^"]*"')
_ANCHOR = re.compile(r'\s+href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')

# print-site's key of every page -> its site path: set by on_nav, read by on_post_build
# of the same build.
_pages: dict[str, str] = {}


def _print_page_url(page: Page, config: MkDocsConfig) -> str:
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled", True):
        raise PluginError(
            f"whole_book_page: {page.file.src_uri} links print_page.md, but the print-site "
            "plugin is not enabled in mkdocs.yml"
        )
    target = "print_page/" if config.use_directory_urls else "print_page.html"
    depth = page.url.count("/") if config.use_directory_urls else page.file.dest_uri.count("/")
    return "../" * depth + target


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


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PRINT_LINK.search(markdown):
        url = _print_page_url(page, config)
        # An HTML link: MkDocs validates Markdown links against the files it knows, and
        # the print page is not one of them (tests/test_site.py checks the built link).
        markdown = PRINT_LINK.sub(
            lambda m: f'<a href="{url}{m.group("anchor") or ""}">{m.group("text")}</a>', markdown
        )
    return markdown


def on_nav(nav, config: MkDocsConfig, files: Files):
    """Remember every page's print-site key and site path (for ``outside_links``)."""
    from mkdocs_print_site_plugin.urls import get_page_key

    _pages.clear()
    _pages.update({get_page_key(f.url): f.url for f in files.documentation_pages()})
    _pages.setdefault(
        "print_page", "print_page/" if config.use_directory_urls else "print_page.html"
    )
    return nav


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
        raise PluginError(
            f"whole_book_page: no Material config script with a base URL in {dest}"
        )
    path.write_text(outside_links(fixed, dest, _pages), encoding="utf-8")
