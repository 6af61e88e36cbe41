"""MkDocs hook: a notebook page's edit and view-source buttons point at what it is made from.

A notebook page is generated (docs/hooks/notebooks.py), so its buttons would point at a
file the repository does not have: they point at what the notebook is made from instead,
the chapter (``docs/chapters/SLUG.md``) or ``docs/notebooks/lecture.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

_NOTEBOOK_PAGE = re.compile(r"^notebooks/(?P<slug>[^/]+)/index\.ipynb$")


def notebook_source(src_uri: str) -> str | None:
    """The docs/ file a rendered notebook page is made from, or None for other pages.

    >>> notebook_source("notebooks/slope/index.ipynb"), notebook_source("index.md")
    ('chapters/slope.md', None)
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
            raise PluginError(
                f"notebook_edit_links: {page.file.src_uri} is made from {source}, not found"
            )
        base = (config.repo_url or "").rstrip("/") + "/" + (config.edit_uri or "").strip("/")
        page.edit_url = f"{base}/{source}"
    return context
