"""MkDocs hook: the whole book on one page, reachable and working from the site.

The page is made by mkdocs-print-site-plugin (``print_page/``). The plugin writes it
itself at the end of the build, so MkDocs cannot check a Markdown link to it: a link
written ``[text](print_page.md)`` is turned here into the page's real URL, and the build
fails if the plugin is not enabled.

The page is rendered with the template context of the last page MkDocs rendered, the 404
page, whose base URL is absolute (``/scalargrad/``): fine on the web, wrong from
``file://``. After the build the page's Material configuration gets a base relative to
where it stands and no instant navigation (``page_config``), every id of a page's
section gets the page's key (``page_ids``), and its links to what it does not contain
are mended (``outside_links``). Its cross-references are resolved before
(``whole_book_refs.py``).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PRINT_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\(print_page\.md(?P<anchor>#[^)]*)?\)")
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
# print-site writes the sections of the nav with single quotes (<section id='section-2'>).
_ANCHOR = re.compile(r"""\s+href=(["'])#([^"']+)\1""")
_ID = re.compile(r"""\bid=(["'])([^"']+)\1""")
_PAGE_SECTION = re.compile(r'<section class="print-page" id="([^"]+)"[^>]*>')
_SECTION_TAG = re.compile(r"<(/?)section\b[^>]*>")
# An id attribute inside a tag (not id= in the text of a code block, where < is &lt;).
_TAG_ID = re.compile(r"""(<[a-zA-Z][\w-]*\s(?:[^<>]*?\s)?id=)(["'])([^"']+)\2""")

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


def page_config(html: str, base: str, where: str) -> str:
    r"""Material's configuration of the page: base URL ``base``, no instant navigation.

    With instant navigation on, the first link a reader follows within the page makes
    Material fetch the page again and swap its content for the fetched copy: what
    print-site's script did on load is undone (the site's navigation comes back, the
    table of contents goes), the text reflows around the navigation, and the reader
    lands thousands of pixels away from the target. One page needs no instant navigation.

    >>> print(page_config('<script id="__config" type="application/json">{"base": "/a/", '
    ...                   '"features": ["navigation.instant", "navigation.instant.progress", '
    ...                   '"toc.follow"], "x": "<&>"}</script>', "..", "page.html"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <script id="__config" type="application/json">{"base": "..", "features": ["toc.follow"],
    "x": "\u003c\u0026\u003e"}</script>
    """
    match = _CONFIG.search(html)
    if match is None:
        raise PluginError(f"whole_book_page: no Material config script in {where}")
    config = json.loads(match.group(2))
    config["base"] = base
    config["features"] = [f for f in config["features"] if not f.startswith("navigation.instant")]
    # as Jinja's tojson writes it in Material's template
    text = json.dumps(config, sort_keys=True)
    for char in "<>&'":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return html[: match.start(2)] + text + html[match.end(2) :]


def outside_links(html: str, dest: str, pages: dict[str, str]) -> str:
    """Mend the print page's links to what it does not contain.

    print-site turns every link to a page of the book into a link to that page's section
    on the print page. A page left out of it (the notebook pages) or the print page
    itself has no section: such links go to the page on the site instead. A link to an
    anchor that is neither on the page nor a page of the book is a broken link: the build
    stops and names it. ``pages`` maps print-site's page keys to site paths.

    >>> pages = {"notebooks": "notebooks/", "index": ""}
    >>> outside_links('<h1 id="index">a</h1><a href="#notebooks">n</a> <a href="#index">i</a>',
    ...               "print_page/index.html", pages)
    '<h1 id="index">a</h1><a href="../notebooks/">n</a> <a href="#index">i</a>'
    >>> outside_links('<a href="#index-nowhere">x</a>', "print_page/index.html", pages)
    Traceback (most recent call last):
    ...
    mkdocs.exceptions.PluginError: whole_book_page: print_page/index.html links to #index-nowhere, \
which is neither an id on it nor a page of the book
    """
    ids = {name for _, name in _ID.findall(html)}
    here = posixpath.dirname(dest)

    def mend(match: re.Match) -> str:
        anchor = match.group(2)
        if anchor in ids:
            return match.group(0)
        if anchor in pages:
            target = pages[anchor]
            url = posixpath.relpath(target or ".", here or ".")
            if target.endswith("/") and not url.endswith("/"):
                url += "/"
            return f' href="{url}"'
        raise PluginError(
            f"whole_book_page: {dest} links to #{anchor}, which is neither an id on it nor "
            "a page of the book"
        )

    return _ANCHOR.sub(mend, html)


def page_ids(html: str) -> str:
    """Give every id in a page's section the page's key, as print-site does for some.

    print-site puts each page in ``<section class="print-page" id="KEY">`` and turns each
    of the page's links ``#x`` into ``#KEY-x``, but renames only the ids of headings,
    footnotes (``sup``, ``li``) and tabs. An id on anything else (a figure, a listing, an
    exercise: ``{ #fig-1 }``) would stay ``x``, shared by every page that has one, while
    the links to it look for ``KEY-x``. Here every id of the section that is not yet
    ``KEY-...`` becomes so.

    >>> page_ids('<section class="print-page" id="ch"><h2 id="ch-a">A</h2>'
    ...          '<p id="fig" class="f">x</p><a href="#ch-fig" data-id="no">f</a>'
    ...          '<code>&lt;b id="code"&gt;</code></section><p id="out">')  # doctest: +ELLIPSIS
    '...<h2 id="ch-a">A</h2><p id="ch-fig" class="f">x</p>...</code></section><p id="out">'
    """
    out, pos = [], 0
    for start in _PAGE_SECTION.finditer(html):
        if start.start() < pos:
            continue  # inside the section before (no page is nested in another)
        key, end = start.group(1), _section_end(html, start.end())

        def prefixed(match: re.Match, key: str = key) -> str:
            before, quote, name = match.groups()
            if name.startswith(f"{key}-"):
                return match.group(0)
            return f"{before}{quote}{key}-{name}{quote}"

        out += [html[pos : start.end()], _TAG_ID.sub(prefixed, html[start.end() : end])]
        pos = end
    out.append(html[pos:])
    return "".join(out)


def _section_end(html: str, pos: int) -> int:
    depth = 1
    for tag in _SECTION_TAG.finditer(html, pos):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    raise PluginError("whole_book_page: a page's <section> on the whole-book page is not closed")


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
    """Mend the whole-book page print-site wrote (see the module docstring)."""
    if config.plugins.get("print-site") is None:
        return
    if config.use_directory_urls:
        dest, base = "print_page/index.html", ".."
    else:
        dest, base = "print_page.html", "."
    path = Path(config.site_dir) / dest
    html = page_config(path.read_text(encoding="utf-8"), base, dest)
    path.write_text(outside_links(page_ids(html), dest, _pages), encoding="utf-8")
