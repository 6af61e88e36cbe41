"""MkDocs hook: the reader's walk: the checker's chapters' examples on the reader's files.

A reader who writes the engine as the book goes can run a chapter's examples on their
own files: in the page ("Run with: my engine") and in a terminal
(``python -m scalargrad.check my-scalargrad --chapter N --examples``). Both put the
reader's files of that chapter (``code/NN/``) in place of the package's
(:mod:`scalargrad.check.doctests`). A block that needs what those files do not have
says so in its title, in one of three forms, and then runs on the book's scalargrad:

* ``title="needs NAME"`` (or ``needs A, B``): something a later chapter adds. The
  title becomes "runs on the book's scalargrad: needs NAME, which chapter M adds",
  M derived from the listings: the first chapter whose files define NAME.
* ``title="package only: WHAT"``: what only the package's guard lines do. The title
  becomes "runs on the book's scalargrad: WHAT, which your files leave out".
* ``title="optional: needs NAME"``: code that only an optional listing (an exercise, a
  box) adds. The title becomes "runs on the book's scalargrad: needs NAME, which only
  an optional listing adds".

The build checks each claim against the listings (a "needs" name is not in the
chapter's files and is in a later chapter's; an optional name is only in optional
listings) and fails on a stale one. Whether the labels are all needed, and all there
is, is what tests/test_walk.py runs.

The labels have one source, this module: it rewrites the titles the page shows, gives
runnable_blocks.py the label of each block for the page's runner, and writes
``code/examples.json`` (every block of the chapters ``FIRST`` to ``LAST``: its line,
text and label, and what the page cannot load), which the wheel carries too
(package_wheel.py), for the terminal's ``--examples``.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import chapter_refs  # a block's expected output names chapters as the page shows them
import listings
import pycon_blocks
import runnable_blocks  # imports this module too: each uses the other's names at run time
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

#: Where the build publishes the walk's data, and where the wheel carries the same bytes.
SITE_FILE = f"{listings.CODE_DIR}/examples.json"
WHEEL_FILE = "scalargrad/check/book_examples.json"
BOOK = "runs on the book's scalargrad"
_TITLE = re.compile(r'title="(?P<title>[^"]*)"')
_FORMS = re.compile(
    r"^(?:(?P<optional>optional: )?needs (?P<names>[\w.]+(?:, [\w.]+)*)"
    r"|package only: (?P<what>.+))$"
)


def _chapter_file(chapter: int) -> Path:
    [md] = [p for n, p in listings.chapter_files() if n == chapter]
    return md


@cache
def _defines(chapter: int) -> frozenset[str]:
    """The names the reader's files of ``chapter`` define: classes and functions (methods
    too), and module-level variables."""
    names: set[str] = set()
    for name, text in listings.snapshots().items():
        if int(name[:2]) != chapter:
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
        for node in tree.body:
            if isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(names)


@cache
def _optional() -> frozenset[str]:
    """The names that only optional listings define."""
    return frozenset(
        name.removeprefix("class ")
        for file in listings.READER_FILES
        for entry in listings.entries(file) if entry.optional
        for name in listings._defined(entry.region)
    )


def _first_chapter(name: str) -> int | None:
    """The first chapter whose reader's files define ``name``."""
    for chapter in listings.SNAPSHOT_CHAPTERS:
        if name.split(".")[-1] in _defines(chapter):
            return chapter
    return None


def label(title: str | None, chapter: int, where: str = "") -> dict | None:
    """The label a block's title gives it in ``chapter``, checked; None for no label.

    >>> label("needs backward", 4)["text"]
    "runs on the book's scalargrad: needs backward, which chapter 6 adds"
    >>> label("package only: a guard's message", 3)["text"]
    "runs on the book's scalargrad: a guard's message, which your files leave out"
    >>> label("raises TypeError", 3) is None
    True
    """
    m = _FORMS.match(title or "")
    if m is None:
        return None
    at = f"{where}: " if where else ""
    if chapter not in listings.SNAPSHOT_CHAPTERS:
        raise PluginError(f"walk: {at}the label {title!r} is for chapters "
                          f"{listings.SNAPSHOT_CHAPTERS[0]} to "
                          f"{listings.SNAPSHOT_CHAPTERS[-1]}, where the reader has files")
    if m["what"]:
        return {"kind": "guard", "text": f"{BOOK}: {m['what']}, which your files leave out"}
    names = m["names"].split(", ")
    if m["optional"]:
        missing = [n for n in names if n.split(".")[-1] not in _optional()]
        if missing:
            raise PluginError(f"walk: {at}{title!r}: no optional listing defines "
                              f"{', '.join(missing)}")
        return {"kind": "optional", "names": names,
                "text": f"{BOOK}: needs {', '.join(names)}, which only an optional "
                        "listing adds"}
    parts = []
    for name in names:
        first = _first_chapter(name)
        if first is None:
            raise PluginError(f"walk: {at}{title!r}: no chapter's files define {name}")
        if first <= chapter:
            raise PluginError(f"walk: {at}{title!r} is stale: the reader's files of "
                              f"chapter {chapter} already define {name} (chapter {first})")
        parts.append((name, first))
    if len({c for _, c in parts}) == 1:
        said = f"needs {' and '.join(n for n, _ in parts)}, which chapter {parts[0][1]} adds"
    else:
        said = "needs " + " and ".join(f"{n} (chapter {c})" for n, c in parts)
    return {"kind": "later", "names": names, "text": f"{BOOK}: {said}"}


def chapter_blocks(chapter: int, markdown: str | None = None) -> list[dict]:
    """Every pycon block of ``chapter``, in page order: its line, text, label and needs.

    ``needs`` and ``setup`` are runnable_blocks.py's: what the block needs that the
    page cannot load, and its examples that can run anyway.
    """
    md = _chapter_file(chapter)
    text = chapter_refs.read(md) if markdown is None else markdown
    where = f"{md.parent.name}/{md.name}"
    blocks = pycon_blocks.pycon_blocks(text)
    needs = runnable_blocks.block_needs(text)
    out = []
    for block, need in zip(blocks, needs, strict=True):
        out.append({
            "line": block.lineno,
            "text": "\n".join(block.lines).rstrip("\n") + "\n",
            "label": label(block.title, chapter, f"{where}:{block.lineno}"),
            "needs": need.get("needs"),
            "setup": need.get("setup"),
        })
    return out


def examples_data() -> dict:
    """The contents of ``code/examples.json``: every block of the checker's chapters."""
    chapters = {}
    for number, md in listings.chapter_files():
        if number not in listings.SNAPSHOT_CHAPTERS:
            continue
        chapters[str(number)] = {
            "page": f"chapters/{md.stem}/",
            "blocks": chapter_blocks(number),
        }
    return {"chapters": chapters}


def examples_json() -> bytes:
    """:func:`examples_data` as the bytes the site and the wheel publish."""
    return (json.dumps(examples_data(), indent=1, ensure_ascii=False) + "\n").encode()


def wheel_files() -> dict[str, bytes]:
    """The files the wheel carries beside the package's own (package_wheel.py)."""
    return {WHEEL_FILE: examples_json()}


def page_labels(page: Page) -> list[dict | None] | None:
    """The label of each pycon block of a page of the checker's chapters, else None."""
    chapter = listings._chapter_of(page)
    if chapter not in listings.SNAPSHOT_CHAPTERS:
        return None
    return [b["label"] for b in chapter_blocks(chapter)]


def _retitle(markdown: str, chapter: int, where: str) -> str:
    """Replace each label's short form in the fences by the sentence the page shows."""
    out = []
    for item in pycon_blocks.read(markdown):
        if isinstance(item, pycon_blocks.Block) and item.title:
            found = label(item.title, chapter, f"{where}:{item.lineno}")
            if found is not None:
                out.append((item.start, item.title, found["text"]))
    for start, old, new in reversed(out):
        end = markdown.index("\n", start)
        fence = markdown[start:end].replace(f'title="{old}"', f'title="{new}"', 1)
        markdown = markdown[:start] + fence + markdown[end:]
    return markdown


@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, SITE_FILE, content=examples_json()))
    return files


@event_priority(90)  # after listings.py (100), before the hooks that read the HTML
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    chapter = listings._chapter_of(page)
    if chapter is None:
        return markdown
    return _retitle(markdown, chapter, page.file.src_uri)
