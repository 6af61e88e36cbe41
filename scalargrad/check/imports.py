"""The child's side of a submission: import its modules from its own copy, and time each.

The submission's copy comes first on the import path, and a finder placed before
Python's own answers for the submission's modules: its files (``engine``), its own
package names (``micrograd.engine`` when ``nn.py`` says ``from micrograd.engine import
Value`` and ``engine.py`` stands beside it) and the package its relative imports need.
So an installed micrograd never stands in for the learner's ``micrograd.py``. Before a
module of the submission runs, the finder reports its file (``on_load``): the parent
gives each module its own time limit and names the slow one.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["SubmissionFinder", "import_file", "module_name"]


class Timed(importlib.abc.Loader):
    """A loader that reports the file it is about to run, then runs it as ``inner`` would."""

    def __init__(self, inner: Any, shown: str, on_load: Callable[[str], None]) -> None:
        self.inner, self.shown, self.on_load = inner, shown, on_load

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """As the inner loader does."""
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        """Report the file, then run it."""
        self.on_load(self.shown)
        self.inner.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ...: the inner's
        return getattr(self.inner, name)


class Same(importlib.abc.Loader):
    """A loader for a file already imported under another name: that same module."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """The module that is already there."""
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing: it has run once."""


class SubmissionFinder(importlib.abc.MetaPathFinder):
    """Finds the submission's own modules in ``root``, before anything installed."""

    def __init__(self, root: Path, aliases: dict[str, str],
                 on_load: Callable[[str], None]) -> None:
        self.root, self.aliases, self.on_load = root.resolve(), aliases, on_load

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        """The spec of one of the submission's modules, or None for any other module."""
        if fullname in self.aliases:
            return self._package(fullname, self.root / self.aliases[fullname])
        search = [str(self.root)] if path is None else list(path)
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None or not all(map(self.owns, [spec.origin] if spec.origin else list(
                spec.submodule_search_locations or [None]))):
            return None  # not the submission's (a namespace package: its folders are)
        same = self.already(spec.origin)
        if same is not None:  # `engine` and `micrograd.engine`: one file, one module
            spec.loader = Same(same)
        elif spec.loader is not None and spec.origin:
            shown = Path(spec.origin).relative_to(self.root).as_posix()
            spec.loader = Timed(spec.loader, shown, self.on_load)
        return spec

    def already(self, origin: str | None) -> ModuleType | None:
        """The module already imported from the file ``origin``, if any."""
        for module in list(sys.modules.values()):
            if origin and getattr(module, "__file__", None) == origin:
                return module
        return None

    def owns(self, origin: str | None) -> bool:
        """True for a file inside the submission's copy."""
        return bool(origin) and Path(str(origin)).resolve().is_relative_to(self.root)

    def _package(self, name: str, folder: Path) -> importlib.machinery.ModuleSpec:
        """The package ``name`` over ``folder``: its ``__init__.py``, or a namespace."""
        init = folder / "__init__.py"
        if init.is_file():
            spec = importlib.util.spec_from_file_location(
                name, init, submodule_search_locations=[str(folder)])
            assert spec is not None and spec.loader is not None
            spec.loader = Timed(spec.loader, init.relative_to(self.root).as_posix(),
                                self.on_load)
            return spec
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        return spec


def module_name(relative: str, package: str = "") -> str:
    """``a/b/engine.py`` -> ``a.b.engine`` (under ``package`` when there is one)."""
    parts = list(Path(relative).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts] if package else parts)


def importable(name: str, root: Path) -> bool:
    """True when ``name`` can be imported from the submission (not taken by another module)."""
    if not name or not all(p.isidentifier() for p in name.split(".")):
        return False
    top = sys.modules.get(name.split(".")[0])
    where = getattr(top, "__file__", None) or ""
    return top is None or Path(where).resolve().is_relative_to(root.resolve())


def import_file(root: Path, relative: str, package: str) -> dict[str, Any] | None:
    """Import the submission's file by its module name; None when that name is taken."""
    name = module_name(relative, package)
    if not importable(name, root):
        return None
    return importlib.import_module(name).__dict__
