"""MkDocs hook: which ``pycon`` blocks of a page the in-page runner can run.

Every ``pycon`` block of a chapter page and of the home page gets an entry in a JSON
script at the end of the page (``#sg-runner-blocks``), in page order: what the block
needs that the page cannot load (PyTorch, Hypothesis, micrograd, numpy, matplotlib),
derived from its imports and names and from the names it takes from such examples before
it, and the examples of it that can run (run before a later block, so their names exist).
docs/assets/javascripts/runner.js reads it and puts Run buttons on the other blocks. On
the pages of the chapters the checker knows (``FIRST`` to ``LAST``) each entry also
carries the block's ``label`` (docs/hooks/walk.py) when it needs the book's package in
"my engine" mode.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import package_wheel  # these three import each other: names are used at run time
import pycon_blocks
import questions
import walk
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# What a block may import in the page: the package and the standard library.
UNAVAILABLE = {
    "torch": "PyTorch",
    "hypothesis": "Hypothesis",
    "micrograd": "micrograd",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
}
# Modules of the package that do not work in the page (none today: the checker's depth
# note uses a shorter chain there, see scalargrad/check/notes.py).
UNAVAILABLE_MODULES: dict[str, str] = {}
# scalargrad functions that import matplotlib when called.
NEEDS_MATPLOTLIB = {
    "book_style", "new_figure", "figure_to_svg", "plot_function", "plot_loss",
    "plot_decision_boundary",
}
_PYCON_DIV = re.compile(r'<div class="language-pycon highlight[" ]')

# Each page's entries, by its src_uri: written by on_page_markdown, read by
# on_page_content of the same page in the same build (a rebuild writes them again).
_blocks: dict[str, list[dict]] = {}


@dataclass
class _Names:
    imports: set[str]  # modules imported: top-level names and full dotted names
    loads: set[str]  # names read
    stores: set[str]  # names bound


def _names(code: str) -> _Names:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return _Names(set(), set(), set())
    names = _Names(set(), set(), set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.imports |= {alias.name, alias.name.split(".")[0]}
                names.stores.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            names.imports |= {node.module or "", (node.module or "").split(".")[0]}
            for alias in node.names:
                names.stores.add(alias.asname or alias.name)
        elif isinstance(node, ast.Name):
            (names.loads if isinstance(node.ctx, ast.Load) else names.stores).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.stores.add(node.name)
        elif isinstance(node, ast.Attribute) and node.attr in NEEDS_MATPLOTLIB:
            names.loads.add(node.attr)
    return names


def _doctest_text(example: pycon_blocks.Example) -> str:
    """The example as a prompt shows it: ``>>>``/``...`` lines, then its output."""
    first, *rest = example.source
    lines = [f">>> {first}{example.directives}".rstrip()]
    lines += [f"... {line}".rstrip() for line in rest]
    return "\n".join([*lines, *example.want]) + "\n"


def block_needs(markdown: str) -> list[dict]:
    """For each pycon block, top to bottom: ``{}`` if it runs in the page, else what it needs.

    An example needs what it imports from outside the package and the standard library
    (:data:`UNAVAILABLE`), a scalargrad function that draws with matplotlib, or a name
    that only such an example has bound. A block needs what any of its examples needs;
    its other examples are its ``setup``: what the page runs of it before a later block,
    so that a later block which needs only scalargrad still finds its names.
    """
    tainted: dict[str, str] = {}  # name -> what the example that bound it needed
    result = []
    for block in pycon_blocks.pycon_blocks(markdown):
        needs: set[str] = set()
        setup: list[str] = []
        for example in block.examples:
            if example.skip:
                continue
            names = _names(example.code)
            reasons = {UNAVAILABLE[m] for m in names.imports if m in UNAVAILABLE}
            reasons |= {UNAVAILABLE_MODULES[m] for m in names.imports if m in UNAVAILABLE_MODULES}
            if names.loads & NEEDS_MATPLOTLIB:
                reasons.add("matplotlib")
            reasons |= {tainted[n] for n in names.loads - names.stores if n in tainted}
            if reasons:
                needs |= reasons
                for name in names.stores:
                    tainted[name] = ", ".join(sorted(reasons))
            else:
                for name in names.stores:
                    tainted.pop(name, None)
                setup.append(_doctest_text(example))
        if needs:
            parts = sorted({part for reason in needs for part in reason.split(", ")})
            entry = {"needs": ", ".join(parts)}
            if setup:
                entry["setup"] = "".join(setup)
            result.append(entry)
        else:
            result.append({})
    return result


def _runs_here(page: Page) -> bool:
    uri = page.file.src_uri
    return uri == "index.md" or (uri.startswith("chapters/") and uri.endswith(".md"))


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _runs_here(page):
        try:
            entries = block_needs(markdown)
        except ValueError as exc:  # an unclosed fence
            raise PluginError(f"runnable_blocks: {page.file.src_uri}: {exc}") from None
        # A question's code (questions.py) is not one of the chapter's blocks that the
        # walk labels: it runs on whatever engine the page runs.
        chapter = [i for i, block in enumerate(pycon_blocks.pycon_blocks(markdown))
                   if block.title != questions.RUN_TITLE]
        labels = walk.page_labels(page) or [None] * len(chapter)
        for index, found in zip(chapter, labels, strict=True):
            if found is not None:
                entries[index]["label"] = found
        _blocks[page.file.src_uri] = entries
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not _runs_here(page):
        return html
    blocks = _blocks.get(page.file.src_uri, [])
    shown = len(_PYCON_DIV.findall(html))
    if shown != len(blocks):
        raise PluginError(
            f"runnable_blocks: {page.file.src_uri}: {len(blocks)} pycon blocks in the Markdown "
            f"but {shown} in the page; the runner pairs them by order"
        )
    if not blocks:
        return html
    data = json.dumps(blocks, separators=(",", ":")).replace("</", "<\\/")
    # The book's version keys what the page saves for the reader (edits, their files):
    # a new edition starts from its own text, not from edits made to another one.
    version = package_wheel.project(package_wheel.root_of(config))["version"]
    return html + (
        f'\n<script type="application/json" id="sg-runner-blocks" data-version="{version}">'
        f"{data}</script>\n"
    )
