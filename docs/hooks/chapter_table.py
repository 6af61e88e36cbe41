"""MkDocs hook: chapter numbers in the nav, and the chapter tables of the home and notebooks pages.

A chapter is one file, ``docs/chapters/SLUG.md``, and one nav line in ``mkdocs.yml``
(``- Neurons, layers and an MLP: chapters/mlp.md``) under its part; its number is its
place in :data:`scalargrad.chapters.CHAPTERS`, which the package carries into the
reader's browser. The build fails when the nav lists the chapters in another order,
and writes each chapter's number before its nav title (``10. Neurons, ...``). A page
asks for a table with a comment line:

* ``<!-- chapter-table: notebooks -->`` becomes the notebooks page's table (chapter,
  view, download), from the nav alone;
* ``<!-- chapter-table: home -->`` becomes the home page's chapter map. The lines after
  it, up to ``<!-- end chapter-table -->``, say what the reader does in each chapter,
  one ``- SLUG: text`` line each: the one fact the nav does not hold.

The build fails when a nav title carries a number (the build writes it), when the nav's
chapters are not :data:`~scalargrad.chapters.CHAPTERS` in order, or when the home page's
lines name a chapter the nav lacks or leave one out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from scalargrad.chapters import CHAPTERS, number

CHAPTER_FILE = re.compile(r"^chapters/(?P<slug>[a-z0-9-]+)\.md$")
NUMBERED_TITLE = re.compile(r"^\d+\.\s")
START = re.compile(r"^<!-- chapter-table: (?P<kind>home|notebooks) -->$", re.M)
END = "<!-- end chapter-table -->"


@dataclass(frozen=True)
class Chapter:
    """One chapter as the nav lists it."""

    number: int
    title: str
    slug: str  # its name, its identity: "mlp"; its file is chapters/mlp.md
    part: str


def chapters(nav: list, order: tuple[str, ...] = CHAPTERS) -> list[Chapter]:
    """Every chapter of the nav, in order, each with the part it sits in.

    >>> nav = [{"Home": "index.md"}, {"Part I — Derivatives": [
    ...     {"The slope of a function": "chapters/slope.md"}]}]
    >>> [(c.number, c.title, c.slug) for c in chapters(nav, CHAPTERS[:1])]
    [(1, 'The slope of a function', 'slope')]
    """
    found = []
    for section in nav:
        if not isinstance(section, dict):
            continue
        for part, entries in section.items():
            for entry in entries if isinstance(entries, list) else []:
                for label, uri in entry.items() if isinstance(entry, dict) else []:
                    match = CHAPTER_FILE.match(str(uri))
                    if match:
                        found.append(_chapter(label, match["slug"], part))
    slugs = tuple(c.slug for c in found)
    if slugs != order:
        raise PluginError(
            "chapter_table: the nav's chapters must be scalargrad/chapters.py's CHAPTERS, "
            f"in the same order; the nav has {', '.join(slugs)}; CHAPTERS has "
            f"{', '.join(order)}"
        )
    return found


def _chapter(label: str, slug: str, part: str) -> Chapter:
    """The nav entry ``label: chapters/SLUG.md``, numbered from CHAPTERS."""
    if slug not in CHAPTERS:
        raise PluginError(f"chapter_table: the nav names chapters/{slug}.md, but {slug!r} "
                          "is not in scalargrad/chapters.py's CHAPTERS")
    if NUMBERED_TITLE.match(label):
        raise PluginError(f"chapter_table: the nav calls chapters/{slug}.md {label!r}: write "
                          "its title without a number; the build numbers the chapters")
    return Chapter(number(slug), label, slug, part)


def notebooks_table(found: list[Chapter]) -> str:
    """The notebooks page's table: every chapter's notebook page and download."""
    rows = ["| Chapter | Notebook | Download |", "|---------|----------|----------|"]
    rows += [f"| {c.number}. {c.title} | [view]({c.slug}/index.ipynb) | "
             f"[{c.slug}.ipynb]({c.slug}.ipynb) |" for c in found]
    return "\n".join(rows)


def home_table(found: list[Chapter], lines: str) -> str:
    """The home page's chapter map, by part, with what the reader does in each chapter."""
    said = dict(re.findall(r"^- ([a-z0-9-]+): (.+)$", lines, re.M))
    slugs = [c.slug for c in found]
    missing = [s for s in slugs if s not in said]
    extra = [s for s in said if s not in slugs]
    if missing or extra:
        raise PluginError(
            "chapter_table: the home page's chapter lines must name every chapter of the "
            f"nav once ('- SLUG: what you do in it'); missing: {missing or 'none'}, "
            f"not in the nav: {extra or 'none'}"
        )
    rows = ["| Chapter | What you do in it |", "|---------|-------------------|"]
    part = None
    for c in found:
        if c.part != part:
            part = c.part
            rows.append(f"| **{part}** | |")
        rows.append(f"| [{c.number}. {c.title}](chapters/{c.slug}.md) | {said[c.slug]} |")
    return "\n".join(rows)


def expand(markdown: str, found: list[Chapter]) -> str:
    """``markdown`` with its chapter-table comment (and lines) replaced by the table."""
    match = START.search(markdown)
    if match is None:
        return markdown
    if match["kind"] == "notebooks":
        return markdown[: match.start()] + notebooks_table(found) + markdown[match.end() :]
    end = markdown.find(END, match.end())
    if end < 0:
        raise PluginError(f"chapter_table: the home table's lines need a closing {END}")
    table = home_table(found, markdown[match.end() : end])
    return markdown[: match.start()] + table + markdown[end + len(END) :]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the chapter tables into the pages that ask for one."""
    return expand(markdown, chapters(config["nav"] or []))


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Number the chapters in the nav (and so in the sidebar and the browser's title)."""
    found = {f"chapters/{c.slug}.md": c for c in chapters(config["nav"] or [])}
    for page in nav.pages:
        chapter = found.get(page.file.src_uri)
        if chapter is not None:
            page.title = f"{chapter.number}. {chapter.title}"
    return nav
