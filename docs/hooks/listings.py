"""MkDocs hook: listings that say where they go, and the reader's files they add up to.

A chapter includes package code with a fenced block whose only line is a reference::

    ```python
    --8<-- "scalargrad/engine.py:add-mul"
    ```

This hook expands every such block itself (before ``pymdownx.snippets`` would) into the
region's code, markers removed and class indentation kept, with a title DERIVED from the
source, so that it cannot lie: the file, the enclosing class, and the definition the
reader has already seen that the code goes after (``engine.py — in class Value, after
__mul__``), or ``a new file``. A missing file or region fails the build.

The reader's files (:data:`READER_FILES`) are built from the same regions, like the
chapter markers of *Crafting Interpreters*: the snapshot of a file after chapter N is
that file's regions which chapters 1..N include, in source order, markers removed, with
package imports rewritten to sibling imports (``from engine import Value``). So every
line of a snapshot was shown in some listing. Snapshots are published under
``code/NN/`` with ``File.generated`` (never written into docs/), and every chapter that
changes one of them ends, just before "What you can do now", with the whole files as
they stand, collapsed, with download links.

Other files (the book's comparison code in ``pitfalls.py`` and ``closures.py``, the
drawing code in ``graphs.py``, the tests) are listed with their path and class, marked as
not one of the reader's files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "docs" / "chapters"
PACKAGE = "scalargrad"
#: The package files the reader writes, in the order the book introduces them.
READER_FILES = ("engine.py", "nn.py", "training.py", "datasets.py")
#: Where the snapshots are published in the site.
CODE_DIR = "code"
SNAPSHOT_CHAPTERS = range(3, 14)
DASH = "\N{EM DASH}"

_CHAPTER = re.compile(r"^(\d\d)-[a-z0-9-]+\.md$")
_LISTING = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[a-z]*)(?P<info>[^\n`]*)\n'
    r'(?P=indent)--8<-- "(?P<path>[^":]+):(?P<name>[^"]+)"[ \t]*\n'
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.M,
)
_MARKER = re.compile(r"^\s*# --8<-- \[(start|end):([^\]\s]+)\]\s*$")
_IMPORT = re.compile(r"^from (?:scalargrad|\.)\.?(?P<module>\w+)? import ", re.M)
_WHAT_NOW = "## What you can do now"


@dataclass(frozen=True)
class Region:
    """One tagged region of a source file."""

    path: str  # relative to the repository root, e.g. "scalargrad/engine.py"
    name: str
    first: int  # 1-based line of the first line after the start marker
    last: int  # 1-based line of the last line before the end marker
    lines: tuple[str, ...]  # the code, nested markers removed

    @property
    def file(self) -> str:
        """The file name, e.g. "engine.py"."""
        return Path(self.path).name

    @property
    def reader(self) -> bool:
        """True if the region belongs to one of the reader's files."""
        return self.path == f"{PACKAGE}/{self.file}" and self.file in READER_FILES


@dataclass(frozen=True)
class Listing:
    """One listing reference in a chapter, in reading order."""

    chapter: int
    region: Region


@cache
def _source(path: str, mtime: float) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def source(path: str) -> str:
    """The text of a repository file; PluginError if there is none."""
    file = ROOT / path
    if not file.is_file():
        raise PluginError(f"listings: no file {path!r}")
    return _source(path, file.stat().st_mtime)


def regions(path: str) -> dict[str, Region]:
    """Every region of ``path``; PluginError on unbalanced markers."""
    lines = source(path).splitlines()
    open_at: dict[str, int] = {}
    found: dict[str, Region] = {}
    for number, line in enumerate(lines, 1):
        m = _MARKER.match(line)
        if not m:
            continue
        kind, name = m.groups()
        if kind == "start":
            if name in open_at or name in found:
                raise PluginError(f"listings: {path}:{number}: region {name!r} starts twice")
            open_at[name] = number
        elif name not in open_at:
            raise PluginError(f"listings: {path}:{number}: [end:{name}] without a start")
        else:
            start = open_at.pop(name)
            body = [x for x in lines[start : number - 1] if not _MARKER.match(x)]
            while body and not body[-1].strip():
                body.pop()
            found[name] = Region(path, name, start + 1, number - 1, tuple(body))
    if open_at:
        raise PluginError(f"listings: {path}: region(s) never ended: {sorted(open_at)}")
    return found


def region(path: str, name: str) -> Region:
    """The region ``name`` of ``path``; PluginError if it does not exist."""
    found = regions(path)
    if name not in found:
        raise PluginError(f"listings: {path} has no region {name!r}")
    return found[name]


def chapter_files() -> list[tuple[int, Path]]:
    """The chapter Markdown files with their numbers, in order."""
    out = []
    for md in sorted(CHAPTERS.glob("*.md")):
        m = _CHAPTER.match(md.name)
        if m:
            out.append((int(m.group(1)), md))
    return out


def listings_in(markdown: str, chapter: int) -> list[Listing]:
    """The listing references of one chapter's Markdown, top to bottom."""
    return [
        Listing(chapter, region(m.group("path"), m.group("name")))
        for m in _LISTING.finditer(markdown)
    ]


def book_listings() -> list[Listing]:
    """Every listing of the book's chapters, in reading order."""
    out: list[Listing] = []
    for number, md in chapter_files():
        out += listings_in(md.read_text(encoding="utf-8"), number)
    return out


# --- titles -------------------------------------------------------------------------


def _statements(path: str) -> tuple[ast.Module, list[ast.stmt]]:
    tree = ast.parse(source(path))
    return tree, list(tree.body)


def _start(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _scope(reg: Region) -> tuple[str | None, list[ast.stmt]]:
    """The class the region's code sits in (or None) and that scope's statements."""
    tree, body = _statements(reg.path)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ClassDef)
            and node.lineno < reg.first <= (node.end_lineno or 0)
        ):
            return node.name, list(node.body)
    return None, body


def _name(stmt: ast.stmt) -> str:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return stmt.name
    if isinstance(stmt, ast.ClassDef):
        return f"class {stmt.name}"
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return "the imports"
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names:
            return names[0]
    return f"line {stmt.lineno}"


def _inside(stmt: ast.stmt, shown: list[Region]) -> bool:
    """True if a shown region covers any line of ``stmt`` (a class counts once
    any of its methods has been shown)."""
    end = stmt.end_lineno or stmt.lineno
    return any(r.first <= end and _start(stmt) <= r.last for r in shown)


def where(reg: Region, shown: list[Region]) -> str:
    """Where the region goes, given the regions of the same file shown before it."""
    cls, body = _scope(reg)
    before = [s for s in body if (s.end_lineno or s.lineno) < reg.first and _inside(s, shown)]
    after = [s for s in body if _start(s) > reg.last and _inside(s, shown)]
    place = f"in class {cls}, " if cls else ""
    if before and after:
        return f"{place}after {_name(before[-1])}, before {_name(after[0])}"
    if before:
        return f"{place}after {_name(before[-1])}"
    if after:
        return f"{place}before {_name(after[0])}"
    if cls:
        return f"in class {cls}"
    return "a new file" if not shown else "at the top"


def title(listing: Listing, earlier: list[Listing]) -> str:
    """The derived title of ``listing``, given every listing before it in the book."""
    reg = listing.region
    if reg.path.startswith("tests/"):
        return f"{reg.path} {DASH} the book's tests"
    same = [e for e in earlier if e.region.path == reg.path]
    name = reg.file if reg.reader else reg.path
    note = "" if reg.reader else " (the book's code, not one of your files)"
    for e in same:
        if e.region.name == reg.name:
            return f"{name} {DASH} as shown in chapter {e.chapter}{note}"
    return f"{name} {DASH} {where(reg, [e.region for e in same])}{note}"


# --- snapshots ----------------------------------------------------------------------


def sibling_imports(code: str) -> str:
    """Rewrite ``from scalargrad.X import`` and ``from .X import`` to ``from X import``."""

    def repl(m: re.Match[str]) -> str:
        module = m.group("module") or "engine"
        return f"from {module} import "

    return _IMPORT.sub(repl, code)


def snapshot(file: str, chapter: int, listings: list[Listing] | None = None) -> str | None:
    """The reader's ``file`` after ``chapter``, or None if no chapter has begun it."""
    listings = book_listings() if listings is None else listings
    path = f"{PACKAGE}/{file}"
    shown = {e.region.name: e.region for e in listings if e.chapter <= chapter
             and e.region.path == path}
    if not shown:
        return None
    numbers: set[int] = set()
    for reg in shown.values():
        numbers.update(range(reg.first, reg.last + 1))
    lines = source(path).splitlines()
    chunks: list[list[str]] = []
    previous = -2
    for n in sorted(numbers):
        if _MARKER.match(lines[n - 1]):
            continue
        if n != previous + 1 and chunks and chunks[-1]:
            chunks.append([])
        if not chunks:
            chunks.append([])
        chunks[-1].append(lines[n - 1])
        previous = n
    text = _join(chunks)
    header = f'"""{file} as it stands after chapter {chapter} of the scalargrad book."""\n\n'
    return header + sibling_imports(text)


def _join(chunks: list[list[str]]) -> str:
    """Chunks of code, separated as PEP 8 wants: two blank lines at the top level."""
    out: list[str] = []
    for chunk in chunks:
        while chunk and not chunk[0].strip():
            chunk = chunk[1:]
        while chunk and not chunk[-1].strip():
            chunk = chunk[:-1]
        if not chunk:
            continue
        if out:
            indented = chunk[0].startswith((" ", "\t"))
            out += [""] if indented else ["", ""]
        out += chunk
    return "\n".join(out) + "\n"


def snapshots(listings: list[Listing] | None = None) -> dict[str, str]:
    """Every published snapshot: ``"03/engine.py"`` -> its text."""
    listings = book_listings() if listings is None else listings
    out = {}
    for chapter in SNAPSHOT_CHAPTERS:
        for file in READER_FILES:
            text = snapshot(file, chapter, listings)
            if text is not None:
                out[f"{chapter:02d}/{file}"] = text
    return out


def changed_in(chapter: int, listings: list[Listing]) -> list[str]:
    """The reader's files that ``chapter``'s listings add to, in READER_FILES order."""
    if chapter not in SNAPSHOT_CHAPTERS:
        return []
    before = {e.region for e in listings if e.chapter < chapter}
    touched = {
        e.region.file
        for e in listings
        if e.chapter == chapter and e.region.reader and e.region not in before
    }
    return [f for f in READER_FILES if f in touched]


# --- the hook -----------------------------------------------------------------------


def _fence(indent: str, fence: str, lang: str, info: str, head: str, code: list[str]) -> str:
    info = info.strip()
    if "title=" in info:
        raise PluginError(
            f"listings: a listing's title is derived from the source; remove {info!r}"
        )
    attrs = f' title="{head}"' + (f" {info}" if info else "")
    body = "\n".join(indent + line if line.strip() else "" for line in code)
    return f"{indent}{fence}{lang or 'python'}{attrs}\n{body}\n{indent}{fence}"


def expand(markdown: str, chapter: int, earlier: list[Listing]) -> str:
    """Replace each listing reference of one page by its titled code."""
    seen = list(earlier)

    def repl(m: re.Match[str]) -> str:
        listing = Listing(chapter, region(m.group("path"), m.group("name")))
        head = title(listing, seen)
        seen.append(listing)
        code = list(listing.region.lines)
        if listing.region.reader:
            code = sibling_imports("\n".join(code)).split("\n")
        return _fence(m.group("indent"), m.group("fence"), m.group("lang"),
                      m.group("info"), head, code)

    return _LISTING.sub(repl, markdown)


def your_files(chapter: int, listings: list[Listing]) -> str:
    """The collapsed whole-file view that ends a chapter which changed the reader's files."""
    files = changed_in(chapter, listings)
    if not files:
        return ""
    every = [f for f in READER_FILES if snapshot(f, chapter, listings) is not None]
    names = ", ".join(every)
    parts = [f'??? abstract "Your files after chapter {chapter}: {names}"']
    parts.append(
        "    Every line below was shown in a listing of this chapter or an earlier one; "
        "the build assembles these files from the same regions of the package."
        " Download them and run them next to each other:"
    )
    links = " · ".join(
        f"[{f}](../{CODE_DIR}/{chapter:02d}/{f}){{ download }}" for f in every
    )
    parts += ["", f"    {links}", ""]
    for f in every:
        text = snapshot(f, chapter, listings) or ""
        mark = " (changed in this chapter)" if f in files else ""
        parts.append(f'    ```python title="{f}{mark}"')
        parts += [("    " + line) if line else "" for line in text.splitlines()]
        parts += ["    ```", ""]
    return "\n".join(parts) + "\n"


def _chapter_of(page: Page) -> int | None:
    src = page.file.src_uri
    if not src.startswith("chapters/"):
        return None
    m = _CHAPTER.match(src.removeprefix("chapters/"))
    return int(m.group(1)) if m else None


@event_priority(60)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name, text in sorted(snapshots().items()):
        files.append(File.generated(config, f"{CODE_DIR}/{name}", content=text.encode()))
    return files


@event_priority(100)  # before the other hooks read the page
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    chapter = _chapter_of(page)
    if chapter is None:
        return markdown
    every = book_listings()
    earlier = [e for e in every if e.chapter < chapter]
    out = expand(markdown, chapter, earlier)
    view = your_files(chapter, every)
    if view:
        if _WHAT_NOW not in out:
            raise PluginError(
                f"listings: chapter {chapter} changes the reader's files but has no "
                f"{_WHAT_NOW!r} section to put them before"
            )
        out = out.replace(_WHAT_NOW, view + "\n" + _WHAT_NOW, 1)
    return out
