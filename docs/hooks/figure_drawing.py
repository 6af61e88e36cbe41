"""Drawing the book's figures: each figure module in a fresh interpreter, several at a time.

Used by ``docs/hooks/figures.py``. A module ``docs/_figures/SLUG.py``, named after its
chapter, defines ``FIGURES``, a dict mapping a file name that starts with the slug, such
as ``"slope-parabola.svg"``, to a function that takes no arguments and returns the SVG
text. :func:`draw` runs the modules in worker
processes (as many as there are cores), each a new interpreter that imports the package
from the repository as it is on disk, so a figure always shows the code it is keyed on.
A figure function that raises, returns something that is not SVG text, a bad name, or
a module not named after a chapter fails the build.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import site
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from mkdocs.exceptions import PluginError

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.svg$")
HERE = Path(__file__).resolve().parent


def load_module(path: Path):
    """Import the figure module ``path`` afresh."""
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


def module_figures(path: Path) -> dict[str, Callable[[], str]]:
    """The checked ``FIGURES`` of one module: names that look right, callables."""
    figures = getattr(load_module(path), "FIGURES", None)
    if not isinstance(figures, dict):
        raise PluginError(f"figures: {path} must define FIGURES as a dict of name -> function")
    for name, func in figures.items():
        if not isinstance(name, str) or not _NAME.match(name) \
                or not name.startswith(f"{path.stem}-"):
            raise PluginError(
                f"figures: {path.name}: figure name {name!r} must start with the chapter's "
                f"slug and end in .svg, like '{path.stem}-parabola.svg'"
            )
        if not callable(func):
            raise PluginError(f"figures: {path}: FIGURES[{name!r}] is not callable")
    return figures


def figure_modules(figures_dir: Path) -> list[Path]:
    """The figure modules, ``docs/_figures/SLUG.py``, one per chapter that draws figures."""
    # Not imported at the top: a worker imports this module before the package it draws.
    from scalargrad.chapters import CHAPTERS

    modules = sorted(figures_dir.glob("*.py"))
    strays = [p.name for p in modules if p.stem not in CHAPTERS]
    if strays:
        raise PluginError(
            f"figures: docs/_figures/{strays[0]} is not named after a chapter: a figure "
            "module is docs/_figures/SLUG.py, SLUG a chapter of scalargrad/chapters.py")
    return modules


def collect_figures(figures_dir: Path) -> dict[str, tuple[Path, Callable[[], str]]]:
    """Map every figure name to (module path, function); duplicates and bad names fail."""
    found: dict[str, tuple[Path, Callable[[], str]]] = {}
    for path in figure_modules(figures_dir):
        for name, func in module_figures(path).items():
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


def draw_module(path: str, root: str) -> dict[str, str]:
    """Every figure of one module: name -> SVG text. Runs in a worker process."""
    if sys.path[0] != root:
        sys.path.insert(0, root)  # the package as it is in this repository
    module = Path(path)
    return {name: render(name, module, func) for name, func in module_figures(module).items()}


def draw(paths: list[Path], root: Path) -> dict[Path, dict[str, str]]:
    """Draw the modules ``paths``, each in a worker process; module -> its figures."""
    if not paths:
        return {}
    workers = min(len(paths), os.cpu_count() or 1)
    # "spawn": a new interpreter, with nothing of this process's imports (nor its threads)
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"),
        initializer=site.addsitedir, initargs=(str(HERE),),
    ) as pool:
        futures = {p: pool.submit(draw_module, str(p), str(root)) for p in paths}
        return {p: future.result() for p, future in futures.items()}


def names(path: Path) -> list[str] | None:
    """The figure names of a module, read without running it: the keys of a
    ``FIGURES = {...}`` written as a dict of strings; None if it is written otherwise."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "FIGURES" for t in targets):
            keys = getattr(node.value, "keys", None)
            if isinstance(node.value, ast.Dict) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys
            ):
                return [k.value for k in keys]
            return None
    return None
