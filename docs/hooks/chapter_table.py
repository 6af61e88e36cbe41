"""MkDocs hook: the tables of chapters on the home and notebooks pages, from the nav.

The nav of ``mkdocs.yml`` titles the chapters and groups them into parts (MkDocs reads
it for the sidebar anyway); their order, hence their numbers, is
:data:`scalargrad.chapters.CHAPTERS`, which the package carries into the reader's
browser, and the build fails when the nav lists the chapters in another order. The
chapter files are ``docs/chapters/NN-slug.md``. A page asks for a table with a comment line:

* ``<!-- chapter-table: notebooks -->`` becomes the notebooks page's table (chapter,
  view, download), from the nav alone;
* ``<!-- chapter-table: home -->`` becomes the home page's chapter map. The lines after
  it, up to ``<!-- end chapter-table -->``, say what the reader does in each chapter,
  one ``- NN-slug: text`` line each: the one fact the nav does not hold.

The build fails when the nav's chapters are not :data:`~scalargrad.chapters.CHAPTERS` in
order, when a nav title's or a file's number is not the chapter's, or when the home
page's lines name a chapter the nav lacks or leave one out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from scalargrad.chapters import CHAPTERS, number

CHAPTER_FILE = re.compile(r"^chapters/(?P<number>\d\d)-(?P<slug>[a-z0-9-]+)\.md$")
NUMBERED_TITLE = re.compile(r"^(?P<number>\d+)\.\s+(?P<title>.+)$")
START = re.compile(r"^<!-- chapter-table: (?P<kind>home|notebooks) -->$", re.M)
END = "<!-- end chapter-table -->"


@dataclass(frozen=True)
class Chapter:
    """One chapter as the nav lists it."""

    number: int
    title: str
    stem: str  # NN-slug
    part: str

    @property
    def slug(self) -> str:
        """The chapter's name, its identity: ``mlp``."""
        return self.stem[3:]


def chapters(nav: list, order: tuple[str, ...] = CHAPTERS) -> list[Chapter]:
    """Every chapter of the nav, in order, each with the part it sits in.

    >>> nav = [{"Home": "index.md"}, {"Part I — Derivatives": [
    ...     {"1. The slope of a function": "chapters/01-slope.md"}]}]
    >>> [(c.number, c.title, c.stem) for c in chapters(nav, CHAPTERS[:1])]
    [(1, 'The slope of a function', '01-slope')]
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
                        found.append(_chapter(label, match, part))
    slugs = tuple(c.slug for c in found)
    if slugs != order:
        raise PluginError(
            "chapter_table: the nav's chapters must be scalargrad/chapters.py's CHAPTERS, "
            f"in the same order; the nav has {', '.join(slugs)}; CHAPTERS has "
            f"{', '.join(order)}"
        )
    return found


def _chapter(label: str, match: re.Match, part: str) -> Chapter:
    """The nav entry ``label: chapters/NN-slug.md``, its numbers checked against CHAPTERS."""
    titled = NUMBERED_TITLE.match(label)
    slug = match["slug"]
    if slug not in CHAPTERS:
        raise PluginError(f"chapter_table: the nav names chapters/{match['number']}-{slug}.md, "
                          f"but {slug!r} is not in scalargrad/chapters.py's CHAPTERS")
    n = number(slug)
    if not titled or int(titled["number"]) != n or int(match["number"]) != n:
        raise PluginError(
            f"chapter_table: the nav calls chapters/{match['number']}-{slug}.md "
            f"{label!r}; chapter {slug!r} is number {n} (scalargrad/chapters.py): its file "
            f"must be chapters/{n:02d}-{slug}.md and its title start with '{n}. '"
        )
    return Chapter(n, titled["title"], f"{n:02d}-{slug}", part)


def notebooks_table(found: list[Chapter]) -> str:
    """The notebooks page's table: every chapter's notebook page and download."""
    rows = ["| Chapter | Notebook | Download |", "|---------|----------|----------|"]
    rows += [f"| {c.number}. {c.title} | [view]({c.stem}/index.ipynb) | "
             f"[{c.stem}.ipynb]({c.stem}.ipynb) |" for c in found]
    return "\n".join(rows)


def home_table(found: list[Chapter], lines: str) -> str:
    """The home page's chapter map, by part, with what the reader does in each chapter."""
    said = dict(re.findall(r"^- (\d\d-[a-z0-9-]+): (.+)$", lines, re.M))
    stems = [c.stem for c in found]
    missing = [s for s in stems if s not in said]
    extra = [s for s in said if s not in stems]
    if missing or extra:
        raise PluginError(
            "chapter_table: the home page's chapter lines must name every chapter of the "
            f"nav once ('- NN-slug: what you do in it'); missing: {missing or 'none'}, "
            f"not in the nav: {extra or 'none'}"
        )
    rows = ["| Chapter | What you do in it |", "|---------|-------------------|"]
    part = None
    for c in found:
        if c.part != part:
            part = c.part
            rows.append(f"| **{part}** | |")
        rows.append(f"| [{c.number}. {c.title}](chapters/{c.stem}.md) | {said[c.stem]} |")
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
