"""MkDocs hook: the chapters in the nav, and the chapter tables of the home and notebooks pages.

A chapter is one file, ``docs/chapters/SLUG.md``, and one line in
:data:`scalargrad.chapters.PARTS`, its slug under its part; its number is its place
there. The chapter file says the rest in its front matter::

    ---
    nav_title: Neurons, layers and an MLP  # its title in the nav and the tables
    summary: Wire neurons into layers ...  # what the reader does in it (home page)
    ---

The build writes the nav's parts and chapters from these (``mkdocs.yml`` lists the
pages around them: the home page before, notebooks and reference after) and the
chapter's number before its title (``10. Neurons, ...``). A page asks for a table with
a comment line:

* ``<!-- chapter-table: notebooks -->`` becomes the notebooks page's table (chapter,
  view, download);
* ``<!-- chapter-table: home -->`` becomes the home page's chapter map, by part, with
  each chapter's summary.

The build fails, saying what to write, when a slug in PARTS has no file, when a file
in ``docs/chapters/`` has no slug in PARTS, when a chapter lacks its nav_title or summary,
when a nav_title carries a number (the build writes it), or when ``mkdocs.yml`` lists a
chapter itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from scalargrad.chapters import PARTS

CHAPTERS_DIR = "chapters"
CHAPTER_FILE = re.compile(r"^chapters/(?P<slug>[a-z0-9-]+)\.md$")
NUMBERED_TITLE = re.compile(r"^\d+\.\s")
START = re.compile(r"^<!-- chapter-table: (?P<kind>home|notebooks) -->$", re.M)
END = "<!-- end chapter-table -->"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

#: The chapters of the build under way (on_config reads them once per build).
_found: list[Chapter] = []


@dataclass(frozen=True)
class Chapter:
    """One chapter: its place, its front matter and its part."""

    number: int
    title: str
    slug: str  # its name, its identity: "mlp"; its file is chapters/mlp.md
    part: str  # "Part III — Networks"
    summary: str


def part_name(index: int, name: str) -> str:
    """The heading of the ``index``-th part (from 0): ``Part III — Networks``."""
    return f"Part {ROMAN[index]} — {name}"


def chapters(docs_dir: Path, parts: tuple[tuple[str, tuple[str, ...]], ...] = PARTS
             ) -> list[Chapter]:
    """Every chapter of ``parts``, in order, with its file's title and summary."""
    folder = Path(docs_dir) / CHAPTERS_DIR
    slugs = [slug for _, names in parts for slug in names]
    strays = sorted(p.stem for p in folder.glob("*.md") if p.stem not in slugs)
    if strays:
        raise PluginError(
            f"chapter_table: docs/chapters/{strays[0]}.md is not in the book: add its slug "
            f"{strays[0]!r} to PARTS in scalargrad/chapters.py, where it belongs")
    if len(parts) > len(ROMAN):
        raise PluginError(f"chapter_table: the book has {len(parts)} parts; part headings "
                          f"are numbered up to {len(ROMAN)}")
    placed = [(slug, part_name(i, part)) for i, (part, names) in enumerate(parts)
              for slug in names]
    return [_chapter(folder, n, slug, part) for n, (slug, part) in enumerate(placed, 1)]


def _chapter(folder: Path, n: int, slug: str, part: str) -> Chapter:
    """The chapter ``slug``, from the front matter of ``docs/chapters/SLUG.md``."""
    path = folder / f"{slug}.md"
    if not path.is_file():
        raise PluginError(f"chapter_table: scalargrad/chapters.py lists the chapter {slug!r}, "
                          f"but docs/chapters/{slug}.md does not exist")
    _, meta = get_data(path.read_text(encoding="utf-8"))
    missing = [key for key in ("nav_title", "summary") if not str(meta.get(key) or "").strip()]
    if missing:
        raise PluginError(
            f"chapter_table: docs/chapters/{slug}.md needs {' and '.join(missing)} in its "
            "front matter (between --- lines at the top): nav_title, its title in the nav "
            "and the chapter tables; summary, one sentence on what the reader does in it")
    title = str(meta["nav_title"]).strip()
    if NUMBERED_TITLE.match(title):
        raise PluginError(f"chapter_table: docs/chapters/{slug}.md has the nav_title {title!r}: "
                          "write it without a number; the build numbers the chapters")
    return Chapter(n, title, slug, part, str(meta["summary"]).strip())


def nav_parts(found: list[Chapter]) -> list[dict[str, list[dict[str, str]]]]:
    """The nav's parts, each with its chapters: ``{"Part I — ...": [{title: file}]}``."""
    parts: dict[str, list[dict[str, str]]] = {}
    for c in found:
        parts.setdefault(c.part, []).append({c.title: f"{CHAPTERS_DIR}/{c.slug}.md"})
    return [{part: entries} for part, entries in parts.items()]


def notebooks_table(found: list[Chapter]) -> str:
    """The notebooks page's table: every chapter's notebook page and download."""
    rows = ["| Chapter | Notebook | Download |", "|---------|----------|----------|"]
    rows += [f"| {c.number}. {c.title} | [view]({c.slug}/index.ipynb) | "
             f"[{c.slug}.ipynb]({c.slug}.ipynb) |" for c in found]
    return "\n".join(rows)


def home_table(found: list[Chapter]) -> str:
    """The home page's chapter map, by part, with what the reader does in each chapter."""
    rows = ["| Chapter | What you do in it |", "|---------|-------------------|"]
    part = None
    for c in found:
        if c.part != part:
            part = c.part
            rows.append(f"| **{part}** | |")
        rows.append(f"| [{c.number}. {c.title}](chapters/{c.slug}.md) | {c.summary} |")
    return "\n".join(rows)


def expand(markdown: str, found: list[Chapter]) -> str:
    """``markdown`` with its chapter-table comment replaced by the table."""
    match = START.search(markdown)
    if match is None:
        return markdown
    table = notebooks_table(found) if match["kind"] == "notebooks" else home_table(found)
    return markdown[: match.start()] + table + markdown[match.end() :]


@event_priority(100)  # before every hook that reads the nav
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Write the chapters' parts into the nav, after the home page."""
    listed = [uri for uri in _uris(config.nav or []) if CHAPTER_FILE.match(uri)]
    if listed:
        raise PluginError(
            f"chapter_table: mkdocs.yml's nav lists {listed[0]}: the build writes the "
            "chapters into the nav from scalargrad/chapters.py; remove it from mkdocs.yml")
    _found[:] = chapters(Path(config.docs_dir))
    nav = list(config.nav or [])
    config.nav = nav[:1] + nav_parts(_found) + nav[1:]
    return config


def _uris(entries: list) -> list[str]:
    """Every page the nav entries list, at any depth."""
    found = []
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            found += _uris(value) if isinstance(value, list) else [str(value)]
    return found


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the chapter tables into the pages that ask for one."""
    return expand(markdown, _found)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Number the chapters in the nav (and so in the sidebar and the browser's title)."""
    by_file = {f"{CHAPTERS_DIR}/{c.slug}.md": c for c in _found}
    for page in nav.pages:
        chapter = by_file.get(page.file.src_uri)
        if chapter is not None:
            page.title = f"{chapter.number}. {chapter.title}"
    return nav
