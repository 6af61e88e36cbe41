"""MkDocs hook: search finds the teaching first.

The same words appear three times in the site: in the chapter that teaches them, in the
chapter's notebook (its code, as cells), and on the whole-book page. Material's search
ranks by how well a section matches, so a notebook's short code cell could outrank the
chapter's explanation. Each page's search entries get a boost (``search: boost`` in
Material's terms): chapters :data:`CHAPTER`, notebooks and the whole-book page
:data:`COPY`, other pages 1 (unchanged).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

CHAPTER = 2.0  # a page under chapters/
COPY = 0.25  # a notebook, or the whole-book page


def boost(src_uri: str) -> float | None:
    """The search boost of the page made from ``src_uri``; None for no change.

    >>> boost("chapters/03-value.md"), boost("notebooks/lecture/index.ipynb")
    (2.0, 0.25)
    >>> boost("print_page.md"), boost("reference/api.md") is None
    (0.25, True)
    """
    if src_uri.startswith("chapters/") and src_uri.endswith(".md"):
        return CHAPTER
    if src_uri.startswith("notebooks/") and src_uri.endswith(".ipynb"):
        return COPY
    if src_uri == "print_page.md":
        return COPY
    return None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    value = boost(page.file.src_uri)
    if value is not None:
        page.meta.setdefault("search", {})["boost"] = value
    return markdown
