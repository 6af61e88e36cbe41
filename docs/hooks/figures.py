"""MkDocs hook: draw the book's figures from the package at build time, or take them from the cache.

Every ``docs/_figures/SLUG.py`` module defines ``FIGURES``, a dict mapping a file name
such as ``"slope-parabola.svg"`` to a function that takes no arguments and returns
the SVG text (docs/hooks/figure_drawing.py draws them). Each figure is published at
``figures/<name>``; nothing is written into ``docs/``. A figure function that raises,
returns something that is not SVG text, or a name defined twice fails the build.

The figures of a module are cached together (docs/hooks/build_cache.py), keyed by the
module's source, the other files of ``docs/_figures/`` that are not figure modules (a
helper they share), every file of the package and of ``docs/_data/``, this hook and the
drawing code, and the tools (Python, every installed distribution, Graphviz). Under
``make book`` a module whose figures are not cached is drawn after the pages are served;
meanwhile its figures show a note saying so, and the page reloads when they are ready.

Content images under ``figures/`` are wrapped in a link to the SVG itself, so a
reader can open a figure full size with one click.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import build_cache
import figure_drawing
from figure_drawing import collect_figures, render  # noqa: F401 (the hook's API, tested)
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

FIGURES_DIR = "_figures"
DATA_DIR = "_data"
URL_PREFIX = "figures/"
HERE = Path(__file__).resolve().parent

PLACEHOLDER = """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="90"
 viewBox="0 0 640 90">
<rect x="1" y="1" width="638" height="88" rx="6" fill="#f5f5f5" stroke="#9e9e9e"
 stroke-dasharray="6 4"/>
<text x="320" y="40" font-family="sans-serif" font-size="16" text-anchor="middle"
 fill="#424242">{name}: being drawn again with the changed code.</text>
<text x="320" y="64" font-family="sans-serif" font-size="13" text-anchor="middle"
 fill="#616161">make book draws it behind the served pages; the page reloads when it is
 ready.</text>
</svg>
"""


def keys(root: Path, docs: Path, modules: list[Path]) -> dict[Path, str]:
    """Each module's cache key: see the module docstring for what goes in."""
    shared = [p for p in build_cache.folder_files(docs / FIGURES_DIR) if p not in modules]
    common = build_cache.digest(
        build_cache.package(root),
        build_cache.files_digest(docs, build_cache.folder_files(docs / DATA_DIR)),
        build_cache.files_digest(docs, shared),
        (HERE / "figures.py").read_bytes(),
        (HERE / "figure_drawing.py").read_bytes(),
        build_cache.environment(),
    )
    return {m: build_cache.digest(common, m.name, m.read_bytes()) for m in modules}


def figures_of(root: Path, docs: Path, modules: list[Path]) -> dict[Path, dict[str, str]]:
    """Every module's figures, from the cache or drawn; under ``make book``, a note for
    each figure that is drawn behind the served pages."""
    store = build_cache.Store(root, "figures", ".json")
    wanted = keys(root, docs, modules)
    found: dict[Path, dict[str, str]] = {}
    for module in modules:
        data = store.read(module.stem, wanted[module])
        if data is not None:
            found[module] = json.loads(data)
    missing = [m for m in modules if m not in found]
    later = [m for m in missing if figure_drawing.names(m) is not None]
    if build_cache.deferring() and later:

        def work(todo: list[Path] = later) -> None:
            for module, figures in figure_drawing.draw(todo, root).items():
                store.write(module.stem, wanted[module], _dumps(figures))

        build_cache.defer(0, [wanted[m] for m in later],
                          f"drawing {len(later)} figure modules", work)
        for module in later:
            found[module] = {name: PLACEHOLDER.format(name=name)
                             for name in figure_drawing.names(module) or []}
        missing = [m for m in missing if m not in later]
    for module, figures in figure_drawing.draw(missing, root).items():
        store.write(module.stem, wanted[module], _dumps(figures))
        found[module] = figures
    return found


def _dumps(figures: dict[str, str]) -> bytes:
    return json.dumps(figures, sort_keys=True, ensure_ascii=False).encode("utf-8")


@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    figures_dir = Path(config.docs_dir) / FIGURES_DIR
    if not figures_dir.is_dir():
        return files
    root = Path(config.config_file_path).resolve().parent
    modules = figure_drawing.figure_modules(figures_dir)
    where: dict[str, Path] = {}
    found = figures_of(root, Path(config.docs_dir), modules)
    for module in modules:
        for name, svg in sorted(found[module].items()):
            if name in where:
                raise PluginError(
                    f"figures: {name!r} is defined in both {where[name].name} and {module.name}"
                )
            where[name] = module
            files.append(File.generated(config, URL_PREFIX + name, content=svg.encode("utf-8")))
    return files


# <img ... src="(../)*figures/name.svg" ...> not already inside a link we added.
_IMG = re.compile(r'<img\b[^>]*\bsrc="(?P<src>(?:\.\./)*figures/[^"]+\.svg)"[^>]*>')


# Before mkdocs-print-site-plugin (priority 0) keeps each page's HTML: the whole-book page's
# figures open full size too.
@event_priority(50)
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Wrap every figure image in a link that opens the SVG full size."""

    def wrap(match: re.Match[str]) -> str:
        before = html[: match.start()]
        if before.rfind("<a ") > before.rfind("</a>"):
            return match.group(0)  # the author already linked this image
        src = match.group("src")
        return (
            f'<a class="sg-figure" href="{src}" title="Open the figure full size">'
            f"{match.group(0)}</a>"
        )

    return _IMG.sub(wrap, html)
