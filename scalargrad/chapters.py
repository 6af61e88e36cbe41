"""The book's chapters, in reading order, by slug: the one place that numbers them.

A chapter's identity is its slug (``"mlp"``); its number is its place in
:data:`CHAPTERS`, counted from 1. Everything else (the operation registry, the
checker, the build's hooks, the page) names chapters by slug and derives numbers
from here. The package keeps the list itself because it also runs in the reader's
browser, where there is no ``mkdocs.yml``; the build fails when the nav of
``mkdocs.yml`` lists the chapters in another order (``docs/hooks/chapter_table.py``).

>>> number("mlp"), slug(10)
(10, 'mlp')
"""

from __future__ import annotations

__all__ = ["CHAPTERS", "number", "slug"]

#: Every chapter's slug, in reading order. Adding a chapter: one slug here, one nav line.
CHAPTERS: tuple[str, ...] = (
    "slope",
    "many-inputs",
    "value",
    "backprop-by-hand",
    "neuron",
    "automating-backward",
    "accumulation-bug",
    "more-operations",
    "pytorch",
    "mlp",
    "gradient-descent",
    "zero-grad-bug",
    "classifier",
    "testing",
    "performance",
    "forward-mode",
    "tensors",
)


def number(name: str) -> int:
    """The number of the chapter whose slug is ``name`` (1 for the first)."""
    if name not in CHAPTERS:
        raise ValueError(f"no chapter has the slug {name!r}; the chapters are: "
                         f"{', '.join(CHAPTERS)}")
    return CHAPTERS.index(name) + 1


def slug(chapter: int) -> str:
    """The slug of chapter number ``chapter``."""
    if not 1 <= chapter <= len(CHAPTERS):
        raise ValueError(f"there is no chapter {chapter}: the chapters are numbered "
                         f"1 to {len(CHAPTERS)}")
    return CHAPTERS[chapter - 1]
