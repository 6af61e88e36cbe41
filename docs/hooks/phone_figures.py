"""MkDocs hook: on a phone, a figure shows the variant drawn for a phone.

A figure module may draw a figure twice: ``mlp-mlp.svg`` for the page's column, and
``mlp-mlp-phone.svg`` for a phone's, narrower and taller, whose text stays at least 9 px
on a 390-px screen (tests/browser/test_phone.py measures it in the page). Every content
image of a figure that has one becomes a ``<picture>`` whose source is the phone variant
at :data:`PHONE_MEDIA`, Material's breakpoint below which the page is one column; the
link docs/hooks/figures.py puts around it still opens the figure itself, full size.

A phone variant without its figure fails the build: nothing would show it.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

URL_PREFIX = "figures/"
SUFFIX = "-phone.svg"
PHONE_MEDIA = "(max-width: 44.984375em)"

# <img ... src="(../)*figures/name.svg" ...>; the phone variants themselves are never shown
_IMG = re.compile(r'<img\b[^>]*\bsrc="(?P<base>(?:\.\./)*figures/[^"]+?)\.svg"[^>]*>')


def phone_variant(name: str) -> str:
    """``mlp-mlp.svg`` -> ``mlp-mlp-phone.svg``."""
    return name.removesuffix(".svg") + SUFFIX


@event_priority(-50)  # after docs/hooks/figures.py has added the figures
def on_files(files: Files, config: MkDocsConfig) -> Files:
    names = {f.src_uri for f in files if f.src_uri.startswith(URL_PREFIX)}
    for name in sorted(names):
        if name.endswith(SUFFIX) and name.removesuffix(SUFFIX) + ".svg" not in names:
            raise PluginError(
                f"phone_figures: {name} is a phone variant of "
                f"{name.removesuffix(SUFFIX)}.svg, which no figure module draws"
            )
    return files


@event_priority(-50)  # after docs/hooks/figures.py has put each figure in its link
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put every figure that has a phone variant in a <picture> that offers it."""

    def picture(match: re.Match[str]) -> str:
        base = match.group("base")
        variant = phone_variant(base + ".svg")
        if base.endswith(SUFFIX.removesuffix(".svg")) or files.get_file_from_path(
            URL_PREFIX + variant.rsplit("/", 1)[1]
        ) is None:
            return match.group(0)
        return (
            f'<picture><source media="{PHONE_MEDIA}" srcset="{variant}" type="image/svg+xml">'
            f"{match.group(0)}</picture>"
        )

    return _IMG.sub(picture, html)
