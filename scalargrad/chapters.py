"""The book's table of contents: its parts and chapters, in reading order, by slug.

A chapter's identity is its slug (``"mlp"``); its number is its place in
:data:`CHAPTERS`, counted from 1. Everything else (the operation registry, the
checker, the build's hooks, the page) names chapters by slug and derives numbers
from here. The package keeps the table itself because it also runs in the reader's
browser, where there is no ``mkdocs.yml``; the build writes the book's nav from it
(``docs/hooks/chapter_table.py``), with each chapter's title from its file,
``docs/chapters/SLUG.md``.

>>> number("value"), slug(3)
(3, 'value')
>>> slug(number("mlp")), number(slug(10))
('mlp', 10)
"""

from __future__ import annotations

__all__ = ["CHAPTERS", "PARTS", "number", "slug"]

#: The parts of the book, each with its chapters' slugs, in reading order. Adding a chapter
#: is one line here, its slug where it belongs, and its file ``docs/chapters/SLUG.md``.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Derivatives", (
        "slope",
        "many-inputs",
        "value",
        "backprop-by-hand",
    )),
    ("A neuron and its engine", (
        "neuron",
        "automating-backward",
        "accumulation-bug",
        "more-operations",
        "pytorch",
    )),
    ("Networks", (
        "mlp",
        "gradient-descent",
        "zero-grad-bug",
        "classifier",
    )),
    ("Trust and speed", (
        "testing",
        "performance",
    )),
    ("Beyond the lecture", (
        "forward-mode",
        "tensors",
    )),
)

#: Every chapter's slug, in reading order: chapter 1 first.
CHAPTERS: tuple[str, ...] = tuple(name for _, names in PARTS for name in names)


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
