"""The learner's side: loading a file into a namespace, and showing its own errors."""

from __future__ import annotations

import os
import sys
import sysconfig
import tokenize
import traceback
import types
from pathlib import Path
from typing import Any

from scalargrad.check.chapters import FIRST
from scalargrad.check.remote import describe_remote, is_class

__all__ = ["LoadError", "describe_exception", "find_value", "load_file", "syntax_message",
           "with_nn_beside"]

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
    remote = describe_remote(exc)
    if remote is not None:
        return remote
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _learners(f.filename)]
    head = f"raised {type(exc).__name__}: {exc}" if str(exc) else f"raised {type(exc).__name__}"
    lines = [head]
    for f in frames[-4:]:
        lines.append(f"    {os.path.basename(f.filename)}, line {f.lineno}, in {f.name}")
        if f.line:
            lines.append(f"      {f.line.strip()}")
    return "\n".join(lines)


def _module_name(path: Path) -> str:
    """The name the file is imported under: its own (``engine``), unless that is taken."""
    stem = path.stem
    taken = stem in sys.modules or stem in sys.stdlib_module_names or not stem.isidentifier()
    return f"learner_{abs(hash(str(path)))}" if taken else stem


def read_source(path: Path) -> bytes:
    """The file's bytes, or :class:`LoadError` when it cannot be read or is not Python source."""
    name = path.name
    if path.is_symlink():
        raise LoadError(f"{name} is a symbolic link: the checker checks only regular files "
                        "(copy the file itself into the folder).")
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        encoding, _ = tokenize.detect_encoding(iter(source.splitlines(True)).__next__)
        source.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        encoding = ""
    if not encoding or b"\0" in source:
        raise LoadError(f"{name} is not Python source: it is not text (binary data, or an "
                        "encoding other than UTF-8). Check the .py file you wrote.")
    return source


def syntax_message(name: str, exc: SyntaxError) -> str:
    """``engine.py has a syntax error at line 3, column 5: ...`` and the line."""
    text = (exc.text or "").rstrip("\n")
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    shown = f"\n    {text.strip()}" if text.strip() else ""
    return f"{name} has a syntax error at {where}: {exc.msg}{shown}"


def load_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Import the file as a module and return its namespace; raise :class:`LoadError` on failure.

    This EXECUTES the file, as ``import`` would: it runs as a real module with its own
    compiler flags, registered in ``sys.modules`` under its own name (``engine`` for
    ``engine.py``, so that ``from engine import Value`` beside it finds the same class),
    so dataclasses, slots and typing work. ``if __name__ == "__main__":`` does not run.
    """
    path = Path(path)
    name = path.name
    source = read_source(path)
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise LoadError(syntax_message(name, exc)) from None
    module = types.ModuleType(_module_name(path))
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    except ImportError as exc:
        sys.modules.pop(module.__name__, None)
        why = describe_exception(exc)
        raise LoadError(f"{name} could not import what it needs: {why}") from None
    except (Exception, SystemExit) as exc:
        sys.modules.pop(module.__name__, None)
        raise LoadError(f"loading {name} {describe_exception(exc)}") from None
    return module.__dict__


def find_value(namespace: dict[str, Any], name: str = "the file") -> type:
    """The namespace's ``Value`` class, or :class:`LoadError` saying it is missing."""
    value = namespace.get("Value")
    if not is_class(value):
        found = "something that is not a class" if value is not None else "nothing"
        raise LoadError(
            f"{name} defines no class named Value ({found} by that name): the checker needs "
            "`class Value:` with Value(data), .data, .grad and .backward(). See chapter "
            f"{FIRST}."
        )
    return value


NN_NAMES = ("Neuron", "Layer", "MLP")


def with_nn_beside(namespace: dict[str, Any], path: str | os.PathLike[str]) -> str:
    """The book's layout: ``engine.py`` and, from the MLP chapter on, ``nn.py`` beside it.

    If the checked file is an ``engine.py`` that defines no ``MLP`` and an ``nn.py``
    stands beside it, load that too and take ``Neuron``, ``Layer`` and ``MLP`` from it
    (it imports ``Value`` from ``engine``). Return a note saying so, or "".
    """
    path = Path(path)
    beside = path.with_name("nn.py")
    if path.name != "engine.py" or "MLP" in namespace or not beside.is_file():
        return ""
    nn = load_file(beside)
    found = [name for name in NN_NAMES if name in nn]
    namespace.update({name: nn[name] for name in found})
    if found:
        namespace["Value"] = nn.get("Value", namespace["Value"])
    return f"{', '.join(found)} come from nn.py, beside engine.py." if found else ""
