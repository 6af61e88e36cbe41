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
that file's regions which the chapters up to N include, in source order, markers removed, with
package imports rewritten to sibling imports (``from engine import Value``). So every
line of a snapshot was shown in some listing. Snapshots are published under
``code/NN/`` with ``File.generated`` (never written into docs/), and every chapter that
changes one of them ends, just before "What you can do now", with the whole files as
they stand, collapsed, with download links.

Other files (the book's comparison code in ``pitfalls.py`` and ``closures.py``, the
drawing code in ``graphs.py``, the tests) are listed with their path and class, marked as
not one of the reader's files.

Guard lines, like rustdoc's hidden lines: a statement whose first line ends with
``# guard`` (argument checks, speed-only lines, corner cases) is left out of the
listing and of the reader's files; a collapsed "Show the N guard lines the package
adds" box under the listing shows the region as the package has it, guards
highlighted, with one sentence on what they do. A region that is all guard (chapter
15's ``_collector_paused``) is shown whole, its tags removed, and titled as the
package's guard rails: no listing is empty. A listing inside a collapsed box
(``???``: an exercise, a solution) is *optional*: it never feeds a snapshot, and its
title says "optional: adds ... to your engine".

The reading order is the typing order: :func:`files_after_each_listing` gives the
reader's files as they stand after each main-text listing, and the build fails when,
after a chapter, a file uses a name that no listing so far defines
(:func:`reading_order_problems`).

For the page's "Add to my engine", ``code/regions.json`` lists every reader file's
regions in source order (name, the chapter whose main text first lists it, optional,
and the text as it enters the file, leading separator included), and every reader
listing carries ``data-reader-file``, ``data-region``, ``data-chapter`` (and
``data-optional``) on its ``div.highlight``. A snapshot is exactly
``header.format(chapter=N)`` followed by the texts of the non-optional regions up to
chapter N.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import symtable
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from scalargrad import chapters as book
from scalargrad.check.chapters import FIRST, LAST

# The package files the reader writes, in the order the book introduces them: defined
# once, in the package (the page's runner has it there too); my-files.js is checked
# against it (tests/test_listings.py).
from scalargrad.check.doctests import READER_FILES

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "docs" / "chapters"
PACKAGE = "scalargrad"
#: Where the snapshots are published in the site.
CODE_DIR = "code"
#: The chapters after which the reader has files: the span the checker knows (one source).
SNAPSHOT_CHAPTERS = range(FIRST, LAST + 1)
DASH = "\N{EM DASH}"

#: A chapter's Markdown file name, such as ``value.md``; group 1 is its slug, whose
#: place in :data:`scalargrad.chapters.CHAPTERS` is its number.
CHAPTER_FILE = re.compile(r"^([a-z0-9-]+)\.md$")
_CHAPTER = CHAPTER_FILE
_LISTING = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[a-z]*)(?P<info>[^\n`]*)\n'
    r'(?P=indent)--8<-- "(?P<path>[^":]+):(?P<name>[^"]+)"[ \t]*\n'
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.M,
)
_MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(start|end):([^\]\s]+)\]\s*$")
_IMPORT = re.compile(r"^from (?:scalargrad|\.)\.?(?P<module>\w+)? import ", re.M)
#: The tag that marks a guard statement: its first line ends with ``# guard`` (or
#: ``# guard: why``). The whole statement (an ``if`` with its body, a call over
#: several lines, a decorator, a ``def`` with its decorators) is hidden. The words
#: ``check`` (the default), ``speed`` and ``corner`` in ``why`` say what it does.
_GUARD = re.compile(r"  # guard(?:: (?P<why>[^#]*))?$")
#: What each kind of guard line does, for the sentence in the box under a listing.
GUARD_KINDS = {
    "check": "check the input and raise the messages of the "
             "[Errors page](../reference/errors.md)",
    "speed": "only make the package faster or smaller",
    "corner": "settle corner cases where the plain code would stop with an error "
              "(at x = 0 in a power, the way PyTorch does)",
}
_COLLAPSED = re.compile(r"^\s*\?\?\?\+?\s")
_WHAT_NOW = "## What you can do now"
#: The first line of every reader's file; ``{chapter}`` is filled in per snapshot.
HEADER = '"""{file} as it stands after chapter {{chapter}} of the scalargrad book."""\n\n'


@dataclass(frozen=True)
class Region:
    """One tagged region of a source file."""

    path: str  # relative to the repository root, e.g. "scalargrad/engine.py"
    name: str
    first: int  # 1-based line of the first line after the start marker
    last: int  # 1-based line of the last line before the end marker
    lines: tuple[str, ...]  # the code, nested markers removed
    numbers: tuple[int, ...] = ()  # the 1-based source line of each of ``lines``
    guard: frozenset[int] = frozenset()  # the source lines of its guard statements

    @property
    def reader_lines(self) -> tuple[str, ...]:
        """The code without its guard lines: what enters the reader's file."""
        out: list[str] = []
        skipped = False
        for number, line in zip(self.numbers, self.lines, strict=True):
            if number in self.guard:
                skipped = True
                continue
            if not line.strip() and skipped and (not out or not out[-1].strip()):
                continue  # no double blank line where a guard was
            skipped = False
            out.append(line)
        while out and not out[0].strip():
            out.pop(0)
        while out and not out[-1].strip():
            out.pop()
        return tuple(out)

    @property
    def guard_kinds(self) -> list[str]:
        """What the region's guard lines do: keys of :data:`GUARD_KINDS`, in order."""
        found: set[str] = set()
        for number, line in zip(self.numbers, self.lines, strict=True):
            m = _GUARD.search(line) if number in self.guard else None
            if m:
                why = m.group("why") or ""
                found.update(k for k in GUARD_KINDS if k in why)
                if not any(k in why for k in GUARD_KINDS):
                    found.add("check")
        return [k for k in GUARD_KINDS if k in found]

    @property
    def guard_lines(self) -> list[int]:
        """1-based positions, within :attr:`lines`, of the guard lines."""
        return [i for i, n in enumerate(self.numbers, 1) if n in self.guard]

    @property
    def file(self) -> str:
        """The file name, e.g. "engine.py"."""
        return Path(self.path).name

    @property
    def reader(self) -> bool:
        """True if the region belongs to one of the reader's files (and is not all guard)."""
        return (self.path == f"{PACKAGE}/{self.file}" and self.file in READER_FILES
                and bool(self.reader_lines))

    @property
    def all_guard(self) -> bool:
        """True if every code line of a reader's file region is a guard line."""
        return (self.path == f"{PACKAGE}/{self.file}" and self.file in READER_FILES
                and not self.reader_lines)


@dataclass(frozen=True)
class Listing:
    """One listing reference in a chapter, in reading order."""

    chapter: int
    region: Region
    optional: bool = False  # in a collapsed box: an exercise, a solution, an aside


def source(path: str) -> str:
    """The text of a repository file, read now; PluginError if there is none."""
    file = ROOT / path
    if not file.is_file():
        raise PluginError(f"listings: no file {path!r}")
    return file.read_text(encoding="utf-8")


def guard_lines(path: str) -> frozenset[int]:
    """The 1-based lines of ``path``'s guard statements (see :data:`_GUARD`)."""
    return _guard_lines(path, source(path))


@cache
def _guard_lines(path: str, text: str) -> frozenset[int]:
    """:func:`guard_lines` of a source text, parsed once."""
    tagged = {n for n, line in enumerate(text.splitlines(), 1) if _GUARD.search(line)}
    if not tagged:
        return frozenset()
    out: set[int] = set()
    used: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                if d.lineno in tagged:
                    used.add(d.lineno)
                    out.update(range(d.lineno, (d.end_lineno or d.lineno) + 1))
        if isinstance(node, ast.stmt) and node.lineno in tagged:
            used.add(node.lineno)
            out.update(range(_start(node), (node.end_lineno or node.lineno) + 1))
    if tagged - used:
        raise PluginError(
            f"listings: {path}: '# guard' on line(s) {sorted(tagged - used)}, "
            "which start no statement or decorator"
        )
    return frozenset(out)


def regions(path: str) -> dict[str, Region]:
    """Every region of ``path``; PluginError on unbalanced markers."""
    return _regions(path, source(path))  # parsed once per text, never stale


def marker_problems(text: str, where: str) -> list[str]:
    """Unbalanced, misordered or repeated ``# --8<-- [start:X]``/``[end:X]`` markers
    of ``text``, one message each (the one marker parser of the project)."""
    problems: list[str] = []
    open_at: dict[str, int] = {}
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = _MARKER.match(line)
        if not m:
            continue
        kind, name = m.groups()
        if kind == "start":
            if name in seen:
                problems.append(f"{where}:{number}: section {name!r} starts a second time")
            seen.add(name)
            open_at[name] = number
        elif name not in open_at:
            problems.append(f"{where}:{number}: [end:{name}] without a [start:{name}] before it")
        else:
            del open_at[name]
    for name, number in open_at.items():
        problems.append(f"{where}:{number}: [start:{name}] is never ended")
    return problems


def sections(text: str) -> set[str]:
    """The names of the sections that ``text`` starts."""
    return {m.group(2) for m in map(_MARKER.match, text.splitlines())
            if m and m.group(1) == "start"}


@cache
def _regions(path: str, text: str) -> dict[str, Region]:
    problems = marker_problems(text, path)
    if problems:
        raise PluginError("listings: " + "; ".join(problems))
    lines = text.splitlines()
    guard = _guard_lines(path, text)
    open_at: dict[str, int] = {}
    found: dict[str, Region] = {}
    for number, line in enumerate(lines, 1):
        m = _MARKER.match(line)
        if not m:
            continue
        kind, name = m.groups()
        if kind == "start":
            open_at[name] = number
        else:
            start = open_at.pop(name)
            body = [(n, x) for n, x in enumerate(lines[start : number - 1], start + 1)
                    if not _MARKER.match(x)]
            while body and not body[-1][1].strip():
                body.pop()
            found[name] = Region(
                path, name, start + 1, number - 1, tuple(x for _, x in body),
                tuple(n for n, _ in body),
                frozenset(n for n, _ in body if n in guard),
            )
    return found


def region(path: str, name: str) -> Region:
    """The region ``name`` of ``path``; PluginError if it does not exist."""
    found = regions(path)
    if name not in found:
        raise PluginError(f"listings: {path} has no region {name!r}")
    return found[name]


def chapter_number(name: str) -> int | None:
    """The number of the chapter whose file is called ``name`` (``mlp.md``), else None."""
    m = _CHAPTER.match(name)
    return book.number(m.group(1)) if m and m.group(1) in book.CHAPTERS else None


def chapter_files() -> list[tuple[int, Path]]:
    """The chapter Markdown files with their numbers, in order."""
    found = [(chapter_number(md.name), md) for md in CHAPTERS.glob("*.md")]
    return sorted((n, md) for n, md in found if n is not None)


def collapsed(markdown: str, at: int, indent: str) -> bool:
    """True if the line at offset ``at`` (indented by ``indent``) is inside a
    collapsed box (``???``): an exercise, a solution or an aside."""
    if not indent:
        return False
    for line in reversed(markdown[:at].splitlines()):
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth < len(indent):
            if _COLLAPSED.match(line):
                return True
            indent = line[:depth]
            if not indent:
                return False
    return False


def listings_in(markdown: str, chapter: int) -> list[Listing]:
    """The listing references of one chapter's Markdown, top to bottom."""
    return [
        Listing(chapter, region(m.group("path"), m.group("name")),
                collapsed(markdown, m.start(), m.group("indent")))
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


def _defined(reg: Region) -> list[str]:
    """The names the region's reader code defines, e.g. ``["sigmoid"]``."""
    code = textwrap.dedent("\n".join(reg.reader_lines))
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return []
    return [_name(s) for s in body if not isinstance(s, (ast.Import, ast.ImportFrom))]


def title(listing: Listing, earlier: list[Listing]) -> str:
    """The derived title of ``listing``, given every listing before it in the book.

    A reader's listing says where it goes among the regions the MAIN TEXT has shown;
    one in a collapsed box that adds to the reader's file says it is optional.
    """
    reg = listing.region
    if reg.path.startswith("tests/"):
        return f"{reg.path} {DASH} the book's tests"
    if reg.all_guard:
        return f"{reg.path} {DASH} the package's guard rails (not in your files)"
    same = [e for e in earlier if e.region.path == reg.path
            and (not reg.reader or not e.optional)]
    name = reg.file if reg.reader else reg.path
    note = "" if reg.reader else " (the book's code, not one of your files)"
    for e in same:
        if e.region.name == reg.name:
            return f"{name} {DASH} as shown in chapter {e.chapter}{note}"
    place = where(reg, [e.region for e in same])
    if reg.reader and listing.optional:
        names = ", ".join(_defined(reg)) or reg.name
        return f"{name} {DASH} optional: adds {names} to your {Path(name).stem}, {place}"
    return f"{name} {DASH} {place}{note}"


# --- snapshots ----------------------------------------------------------------------


def sibling_imports(code: str) -> str:
    """Rewrite ``from scalargrad.X import`` and ``from .X import`` to ``from X import``."""

    def repl(m: re.Match[str]) -> str:
        module = m.group("module") or "engine"
        return f"from {module} import "

    return _IMPORT.sub(repl, code)


@dataclass(frozen=True)
class Entry:
    """A region of a reader's file as ``code/regions.json`` publishes it."""

    region: Region
    chapter: int  # the chapter whose main text first lists it (or its exercise's)
    optional: bool  # listed only in collapsed boxes
    text: str  # exactly as it enters the file, with its leading separator


def entries(file: str, listings: list[Listing] | None = None) -> list[Entry]:
    """The regions of the reader's ``file`` that the book lists, in source order."""
    listings = book_listings() if listings is None else listings
    path = f"{PACKAGE}/{file}"
    first: dict[str, tuple[bool, int, Region]] = {}
    for e in listings:
        if e.region.path != path or not e.region.reader:
            continue
        key = (e.optional, e.chapter, e.region)
        if e.region.name not in first or key[:2] < first[e.region.name][:2]:
            first[e.region.name] = key
    out: list[Entry] = []
    for optional, chapter, reg in sorted(first.values(), key=lambda k: k[2].first):
        code = sibling_imports("\n".join(reg.reader_lines)) + "\n"
        if out:
            indented = reg.reader_lines[0].startswith((" ", "\t"))
            code = ("\n" if indented else "\n\n") + code
        out.append(Entry(reg, chapter, optional, code))
    return out


def snapshot(file: str, chapter: int, listings: list[Listing] | None = None) -> str | None:
    """The reader's ``file`` after ``chapter``, or None if no chapter has begun it.

    It is :data:`HEADER` followed by the text of every main-text region of
    :func:`entries` up to ``chapter``: the join rule of ``code/regions.json``.
    """
    parts = [e.text for e in entries(file, listings)
             if e.chapter <= chapter and not e.optional]
    if not parts:
        return None
    return HEADER.format(file=file).format(chapter=chapter) + "".join(parts)


def regions_json(listings: list[Listing] | None = None) -> dict:
    """The contents of ``code/regions.json``: every reader's file's regions."""
    listings = book_listings() if listings is None else listings
    return {"files": {
        file: {
            "header": HEADER.format(file=file),
            "regions": [
                {"name": e.region.name, "chapter": e.chapter, "optional": e.optional,
                 "text": e.text}
                for e in entries(file, listings)
            ],
        }
        for file in READER_FILES
    }}


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


def files_after_each_listing(
    listings: list[Listing] | None = None,
) -> list[tuple[Listing, dict[str, str]]]:
    """The reader's files as they stand after each main-text listing, in reading order.

    A reader who types the listings one by one has, after listing ``k``, the regions
    of the first ``k`` main-text listings, each in its place (source order): the same
    join rule as :func:`snapshot`, cut at that listing instead of at a chapter's end.
    """
    listings = book_listings() if listings is None else listings
    main = [e for e in listings if e.region.reader and not e.optional]
    out = []
    for k, listing in enumerate(main):
        typed = main[: k + 1]
        files = {f: snapshot(f, listing.chapter, typed) for f in READER_FILES}
        out.append((listing, {f: text for f, text in files.items() if text is not None}))
    return out


def undefined_names(text: str, filename: str) -> list[str]:
    """Global names that ``text`` reads, in any function or class, but never defines.

    Module-level definitions, imports and builtins count as defined; where in the file
    they stand does not (a function may use a name defined further down).
    """
    table = symtable.symtable(text, filename, "exec")
    defined = {s.get_name() for s in table.get_symbols()
               if s.is_assigned() or s.is_imported() or s.is_namespace()}
    defined |= set(dir(builtins)) | {"__name__", "__file__", "__doc__"}
    used: set[str] = set()

    def visit(scope: symtable.SymbolTable) -> None:
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (scope is table or symbol.is_global()):
                used.add(symbol.get_name())
        for child in scope.get_children():
            visit(child)

    visit(table)
    return sorted(used - defined)


def reading_order_problems(listings: list[Listing] | None = None) -> list[str]:
    """Where typing the main-text listings in reading order leaves a name undefined.

    After the last listing of each chapter, every name a reader's file reads must be
    defined in the files typed so far: no listing may use what a later chapter adds.
    (Within a chapter, a method may use a function that the next listing adds.)
    """
    listings = book_listings() if listings is None else listings
    states = files_after_each_listing(listings)
    problems = []
    for i, (listing, files) in enumerate(states):
        last_of_chapter = i + 1 == len(states) or states[i + 1][0].chapter != listing.chapter
        if not last_of_chapter:
            continue
        for file, text in files.items():
            missing = undefined_names(text, file)
            if missing:
                problems.append(
                    f"after chapter {listing.chapter}, your {file} uses "
                    f"{', '.join(missing)}, which no listing so far defines"
                )
    return problems


def changed_in(chapter: int, listings: list[Listing]) -> list[str]:
    """The reader's files that ``chapter``'s main-text listings add to, in order."""
    if chapter not in SNAPSHOT_CHAPTERS:
        return []
    touched = {
        e.region.file
        for file in READER_FILES
        for e in entries(file, listings)
        if e.chapter == chapter and not e.optional
    }
    return [f for f in READER_FILES if f in touched]


# --- the hook -----------------------------------------------------------------------


def _fence(indent: str, fence: str, lang: str, info: str, head: str,
           code: list[str], attrs: str = "") -> str:
    info = info.strip()
    if "title=" in info:
        raise PluginError(
            f"listings: a listing's title is derived from the source; remove {info!r}"
        )
    extra = f" {info}" if info else ""
    opening = f'{{ .{lang or "python"} title="{head}"{attrs}{extra} }}'
    body = "\n".join(indent + line if line.strip() else "" for line in code)
    return f"{indent}{fence}{opening}\n{body}\n{indent}{fence}"


def _attrs(listing: Listing, listings: list[Listing]) -> str:
    """The data attributes of a reader's listing (the page's "Add to my engine")."""
    reg = listing.region
    if not reg.reader:
        return ""
    if listing.optional:
        return (f' data-reader-file="{reg.file}" data-region="{reg.name}"'
                f' data-chapter="{listing.chapter}" data-optional="true"')
    [entry] = [e for e in entries(reg.file, listings) if e.region.name == reg.name]
    return (f' data-reader-file="{reg.file}" data-region="{reg.name}"'
            f' data-chapter="{entry.chapter}"')


def guard_box(indent: str, fence: str, reg: Region) -> str:
    """The collapsed box under a listing that shows the region as the package has it."""
    hidden = reg.guard_lines
    if not hidden or reg.all_guard:
        return ""
    yours = " (not in your file)" if reg.reader else ""
    n = len(hidden)
    lines = "line" if n == 1 else "lines"
    inner = indent + "    "
    marks = " ".join(str(i) for i in hidden)
    kinds = [GUARD_KINDS[k] for k in reg.guard_kinds]
    does = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    rest = ("your file leaves them out, and for ordinary input it computes the same "
            "numbers" if reg.reader else "for ordinary input the results are the same")
    note = f"In the package these lines {does}; {rest}."
    body = "\n".join(inner + line if line.strip() else "" for line in reg.lines)
    return (
        f'\n\n{indent}??? guard "Show the {n} guard {lines} the package adds"\n\n'
        f"{inner}{note}\n\n"
        f'{inner}{fence}{{ .python title="{reg.path} {DASH} the same code, guards '
        f'highlighted{yours}" hl_lines="{marks}" }}\n'
        f"{body}\n{inner}{fence}"
    )


def expand(markdown: str, chapter: int, earlier: list[Listing],
           every: list[Listing] | None = None) -> str:
    """Replace each listing reference of one page by its titled code."""
    seen = list(earlier)
    every = book_listings() if every is None else every

    def repl(m: re.Match[str]) -> str:
        listing = Listing(chapter, region(m.group("path"), m.group("name")),
                          collapsed(markdown, m.start(), m.group("indent")))
        head = title(listing, seen)
        seen.append(listing)
        reg = listing.region
        code = list(reg.reader_lines)
        if reg.all_guard:  # nothing of it is the reader's: show it whole, tags removed
            code = [_GUARD.sub("", line) for line in reg.lines]
        if reg.reader:
            code = sibling_imports("\n".join(code)).split("\n")
        if not any(line.strip() for line in code):
            raise PluginError(
                f"listings: chapter {chapter}: {reg.path}:{reg.name} would be an empty "
                "listing (every line of it is hidden)"
            )
        fenced = _fence(m.group("indent"), m.group("fence"), m.group("lang"),
                        m.group("info"), head, code, _attrs(listing, every))
        return fenced + guard_box(m.group("indent"), m.group("fence"), reg)

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
        "    Every line below was shown in a listing of this chapter's or an earlier "
        "chapter's main text; the build assembles these files from the same regions "
        "of the package, without its guard lines. Download them and run them next "
        "to each other:"
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
    return chapter_number(src.removeprefix("chapters/"))


@event_priority(60)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    every = book_listings()
    problems = reading_order_problems(every)
    if problems:
        raise PluginError("listings: the reading order is not the typing order: "
                          + "; ".join(problems))
    for name, text in sorted(snapshots(every).items()):
        files.append(File.generated(config, f"{CODE_DIR}/{name}", content=text.encode()))
    data = json.dumps(regions_json(every), indent=1, ensure_ascii=False) + "\n"
    files.append(File.generated(config, f"{CODE_DIR}/regions.json", content=data.encode()))
    return files


@event_priority(100)  # before the other hooks read the page
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    chapter = _chapter_of(page)
    if chapter is None:
        return markdown
    every = book_listings()
    earlier = [e for e in every if e.chapter < chapter]
    out = expand(markdown, chapter, earlier, every)
    view = your_files(chapter, every)
    if view:
        if _WHAT_NOW not in out:
            raise PluginError(
                f"listings: chapter {chapter} changes the reader's files but has no "
                f"{_WHAT_NOW!r} section to put them before"
            )
        out = out.replace(_WHAT_NOW, view + "\n" + _WHAT_NOW, 1)
    return out
