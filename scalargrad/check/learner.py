"""The learner's side: loading a file into a namespace, and showing its own errors."""

from __future__ import annotations

import os
import sysconfig
import traceback
from pathlib import Path
from typing import Any

__all__ = ["LoadError", "describe_exception", "find_value", "load_file"]

_OURS = str(Path(__file__).resolve().parents[1])  # the scalargrad package: checker and reference
_STDLIB = sysconfig.get_paths()["stdlib"]


class LoadError(Exception):
    """The file could not be checked: the message says why, in the learner's terms."""


def _learners(filename: str) -> bool:
    """True for a frame in the learner's code (not the checker, the reference or the stdlib)."""
    path = os.path.abspath(filename)
    return not (path.startswith((_OURS, _STDLIB)) or filename.startswith("<frozen"))


def describe_exception(exc: BaseException) -> str:
    """``raised Name: message``, then the learner's own frames (innermost last)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _learners(f.filename)]
    head = f"raised {type(exc).__name__}: {exc}" if str(exc) else f"raised {type(exc).__name__}"
    lines = [head]
    for f in frames[-4:]:
        lines.append(f"    {os.path.basename(f.filename)}, line {f.lineno}, in {f.name}")
        if f.line:
            lines.append(f"      {f.line.strip()}")
    return "\n".join(lines)


def load_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Run the file and return its namespace; raise :class:`LoadError` saying what went wrong.

    This EXECUTES the file, as ``python FILE`` would (but with ``__name__`` set to
    ``"__learner__"``, so an ``if __name__ == "__main__":`` block does not run).
    """
    path = Path(path)
    name = path.name
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip("\n")
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        shown = f"\n    {text.strip()}" if text.strip() else ""
        raise LoadError(f"{name} has a syntax error at {where}: {exc.msg}{shown}") from None
    namespace: dict[str, Any] = {"__name__": "__learner__", "__file__": str(path)}
    try:
        exec(code, namespace)
    except ImportError as exc:
        why = describe_exception(exc)
        raise LoadError(f"{name} could not import what it needs: {why}") from None
    except (Exception, SystemExit) as exc:
        raise LoadError(f"loading {name} {describe_exception(exc)}") from None
    return namespace


def find_value(namespace: dict[str, Any], name: str = "the file") -> type:
    """The namespace's ``Value`` class, or :class:`LoadError` saying it is missing."""
    value = namespace.get("Value")
    if not isinstance(value, type):
        found = "something that is not a class" if value is not None else "nothing"
        raise LoadError(
            f"{name} defines no class named Value ({found} by that name): the checker needs "
            "`class Value:` with Value(data), .data, .grad and .backward(). See chapter 3."
        )
    return value
