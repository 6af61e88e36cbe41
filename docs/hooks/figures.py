"""MkDocs hook: draw the book's figures from the package at build time.

Every ``docs/_figures/ch*.py`` module defines ``FIGURES``, a dict mapping a file name
such as ``"ch01-parabola.svg"`` to a function that takes no arguments and returns
the SVG text. Each figure is published at ``figures/<name>``; nothing is written
into ``docs/``. A figure function that raises, returns something that is not SVG
text, or a name defined twice fails the build.

Content images under ``figures/`` are wrapped in a link to the SVG itself, so a
reader can open a figure full size with one click.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

FIGURES_DIR = "_figures"
URL_PREFIX = "figures/"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.svg$")


def _load_module(path: Path):
    """Import ``path`` afresh (``mkdocs serve`` rebuilds must see edits)."""
    name = f"_scalargrad_figures_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"figures: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop(name, None)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # any error in a figure module fails the build
        raise PluginError(f"figures: importing {path} failed: {exc!r}") from exc
    return module


def _reload_package() -> None:
    """Forget imported ``scalargrad`` modules so a serve rebuild draws with fresh code."""
    for name in [m for m in sys.modules if m == "scalargrad" or m.startswith("scalargrad.")]:
        del sys.modules[name]


def collect_figures(figures_dir: Path) -> dict[str, tuple[Path, Callable[[], str]]]:
    """Map every figure name to (module path, function); duplicates and bad names fail."""
    found: dict[str, tuple[Path, Callable[[], str]]] = {}
    for path in sorted(figures_dir.glob("ch*.py")):
        module = _load_module(path)
        figures = getattr(module, "FIGURES", None)
        if not isinstance(figures, dict):
            raise PluginError(f"figures: {path} must define FIGURES as a dict of name -> function")
        for name, func in figures.items():
            if not isinstance(name, str) or not _NAME.match(name):
                raise PluginError(
                    f"figures: {path}: figure name {name!r} must look like 'ch01-parabola.svg'"
                )
            if not callable(func):
                raise PluginError(f"figures: {path}: FIGURES[{name!r}] is not callable")
            if name in found:
                raise PluginError(
                    f"figures: {name!r} is defined in both {found[name][0].name} and {path.name}"
                )
            found[name] = (path, func)
    return found


def render(name: str, path: Path, func: Callable[[], str]) -> str:
    """Call one figure function and check that it returned SVG text."""
    try:
        svg = func()
    except Exception as exc:
        raise PluginError(f"figures: {path.name}: drawing {name!r} failed: {exc!r}") from exc
    if not isinstance(svg, str) or "<svg" not in svg[:2000]:
        raise PluginError(f"figures: {path.name}: {name!r} did not return SVG text")
    return svg


@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    figures_dir = Path(config.docs_dir) / FIGURES_DIR
    if not figures_dir.is_dir():
        return files
    _reload_package()
    for name, (path, func) in sorted(collect_figures(figures_dir).items()):
        svg = render(name, path, func)
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
