"""Whose engine is it? Decided by where the code lives, never by a file's or class's name.

Runs in the child. A class is the learner's when its module's file lies in the
submission's copy (a learner's ``micrograd.py`` is theirs). A reference engine is
scalargrad's or micrograd's, from anywhere else; a ``Value`` that extends one, or
whose module or Values hold one (composition, a delegating import), uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from scalargrad.check.remote import attributes

__all__ = ["borrowed", "extends"]

REFERENCE = ("scalargrad", "scalargrad.engine", "scalargrad.nn", "scalargrad.ops",
             "scalargrad.tensor", "micrograd")  # and every module under micrograd


def _module_file(name: str) -> str:
    """The file of the module called ``name`` ("" when it has none)."""
    return str(getattr(sys.modules.get(name), "__file__", "") or "")


def inside(name: str, root: Path) -> bool:
    """True when the module ``name`` was loaded from the submission's copy."""
    where = _module_file(name)
    return bool(where) and Path(where).resolve().is_relative_to(root.resolve())


def reference(x: Any, root: Path) -> str:
    """The reference engine's name for a module, class or function of one; else ""."""
    name = x.__name__ if isinstance(x, type(sys)) else getattr(x, "__module__", None)
    if not isinstance(name, str) or inside(name, root):
        return ""
    if name in REFERENCE or name.startswith("micrograd."):
        shown = getattr(x, "__qualname__", "")
        return f"{name}.{shown}" if shown and not isinstance(x, type(sys)) else name
    return ""


def extends(value: type, root: Path) -> str:
    """The reference engine the learner's ``Value`` is or extends, or ""."""
    return next((r for r in (reference(c, root) for c in value.__mro__[:-1]) if r), "")


def borrowed(value: type, modules: list[dict[str, Any]], root: Path) -> list[str]:
    """The reference engines the learner's ``Value`` holds or its modules import."""
    found: list[str] = []
    for namespace in modules:
        found += [reference(x, root) for x in list(namespace.values())
                  if isinstance(x, (type, type(sys))) or callable(x)]
    try:
        a = value(2.0)
        nodes = [a, a * a]
    except Exception:
        nodes = []
    for node in nodes:
        try:
            held = list(attributes(node).values())
        except Exception:
            continue
        found += [reference(type(x), root) for x in held]
    return list(dict.fromkeys(f for f in found if f))
