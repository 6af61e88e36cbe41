"""MkDocs hook: cross-references on the whole-book page land where the chapter's land.

A cross-reference such as ``[Value][scalargrad.engine.Value]`` is left in a page's HTML
as an ``<autoref>`` element; mkdocs-autorefs turns it into a link in ``on_env``, once
every page has registered its anchors. mkdocs-print-site-plugin (2.9) keeps each page's
HTML earlier, in ``on_page_content``, so the pages it combines still hold those elements,
and it resolves them itself after the build. Its resolver asks autorefs for the URL
(``reference/api/#scalargrad.engine.Value``) and looks the fragment up among the ids of
the combined page; but the plugin has already renamed every heading id to
``<page key>-<id>`` (``reference-api-scalargrad.engine.Value``), so the exact lookup
fails, and it falls back to the first id that *contains* the fragment. The ids are
searched in a ``set``, whose order for strings follows their hashes, which differ with
``PYTHONHASHSEED``: a class or module with members lands on the class or on any member
(``Value.__add__``, ``Value.__neg__``, ...), and which one changes from build to build.

So, after autorefs has all its anchors, this hook resolves the references in the HTML the
plugin keeps, relative to each page, exactly as autorefs resolves them on the page
itself. The plugin then treats them as the ordinary links they have become: it turns
``../../reference/api/#scalargrad.engine.Value`` into
``#reference-api-scalargrad.engine.Value``, as it does for every link between pages, and
its own resolver finds nothing left to guess. ``tests/test_whole_book_refs.py`` builds a
small book with both plugins to show the plugin's behaviour and this fix.
"""

from __future__ import annotations

import functools

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files


def _enabled(config: MkDocsConfig, name: str):
    plugin = config.plugins.get(name)
    if plugin is None or not plugin.config.get("enabled", True):
        return None
    return plugin


@event_priority(-100)  # after autorefs' own on_env (-50): every anchor is registered
def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Resolve the cross-references of each page the whole-book page combines."""
    from mkdocs_autorefs import fix_refs

    autorefs = _enabled(config, "autorefs")
    if autorefs is None or _enabled(config, "print-site") is None:
        return env
    for file in files.documentation_pages():
        page = file.page
        kept = getattr(page, "html", None)  # set by print-site's on_page_content
        if not kept:
            continue
        # The same mapper and link options autorefs uses for the page itself (its on_env).
        page.html, unmapped = fix_refs(
            kept,
            functools.partial(autorefs.get_item_url, from_url=page.url),
            link_titles=autorefs._link_titles,
            strip_title_tags=autorefs._strip_title_tags,
        )
        if unmapped:  # autorefs has reported them for the page itself; say it for this one
            names = ", ".join(sorted({ref for ref, _ in unmapped}))
            raise PluginError(
                f"whole_book_refs: {file.src_uri}: cross-references to nothing the book "
                f"documents: {names}"
            )
    return env
