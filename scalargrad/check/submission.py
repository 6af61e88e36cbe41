"""What one learner handed in: its files, the one that defines Value, and how they import.

Read, never run: the files are parsed (:mod:`ast`) in the checker's process to find

* the *main* file, the one whose ``class Value`` is checked (the book's ``engine.py``,
  a lecture-style ``micrograd.py``, a ``value.py`` ...);
* the *nn* file, the one that defines ``MLP`` when the main file does not (``nn.py``,
  ``mlp.py``);
* the submission's own package names: ``micrograd`` when ``nn.py`` says ``from
  micrograd.engine import Value`` and ``engine.py`` stands beside it, so that the
  child imports the learner's files, never an installed micrograd;
* the package its relative imports (``from .engine import Value``) need.

Files that import each other are one submission: a helper module (``utils.py``,
``topo_sort.py``) is part of the submission that imports it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Submission", "groups", "python_files", "submission_of"]

SKIPPED = {"__pycache__", "venv", "env", "site-packages", "node_modules", "build", "dist"}
MAX_FILES, MAX_DEPTH = 200, 4
PREFERRED = ("engine.py", "value.py", "micrograd.py")  # when several files define Value


@dataclass
class Parsed:
    """One file, as far as the checker needs it: its classes and imports."""

    relative: str  # a/b/engine.py, from the submission's folder
    classes: set[str] = field(default_factory=set)  # module-level classes and imported names
    defines: set[str] = field(default_factory=set)  # module-level `class X:` only
    imports: list[tuple[int, str, list[str]]] = field(default_factory=list)  # level, module, names
    broken: bool = False  # it does not parse: it may be the engine (the child says what is wrong)


@dataclass
class Submission:
    """One learner's files in ``root``: the main file, the nn file, and how they import."""

    root: Path
    files: list[str]
    main: str
    nn: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # package name -> folder in root
    package: str = ""  # the package the root's relative imports need

    def config(self) -> dict[str, Any]:
        """What the child needs to import it (plain JSON data)."""
        return {"main": self.main, "nn": self.nn, "aliases": self.aliases,
                "package": self.package}


def python_files(root: Path, deep: bool = True) -> list[str]:
    """The .py files under ``root`` (regular files, no links, no hidden or build folders).

    ``deep=False``: only the subfolders that are packages (hold ``__init__.py``), for a
    file checked on its own, whose folder may be anything.
    """
    found: list[str] = []

    def walk(folder: Path, depth: int) -> None:
        """Add the files of ``folder``, then of its subfolders."""
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return
        for p in entries:
            if len(found) >= MAX_FILES:
                return
            if p.suffix == ".py" and p.is_file() and not p.is_symlink():
                found.append(p.relative_to(root).as_posix())
        for p in entries:
            if p.is_dir() and not p.is_symlink() and depth < MAX_DEPTH \
                    and not p.name.startswith(".") and p.name not in SKIPPED \
                    and (deep or (p / "__init__.py").is_file()):
                walk(p, depth + 1)

    walk(root, 0)
    return found


def parse(root: Path, relative: str) -> Parsed:
    """The classes and imports of one file (nothing, when it does not parse)."""
    parsed = Parsed(relative)
    try:
        tree = ast.parse((root / relative).read_bytes())
    except (SyntaxError, ValueError, OSError, SystemError, RecursionError, MemoryError):
        parsed.broken = True  # the child's import says what is wrong with it
        return parsed
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            parsed.classes.add(node.name)
            parsed.defines.add(node.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            parsed.imports += [(0, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            parsed.imports.append((node.level, node.module or "", names))
            if node in tree.body:
                parsed.classes |= {a.asname or a.name for a in node.names}
    return parsed


def _targets(parsed: Parsed, files: list[str]) -> set[str]:
    """The files of the submission that ``parsed`` imports."""
    stems: dict[str, set[str]] = {}
    for f in files:
        path = Path(f)
        key = path.parent.name if path.name == "__init__.py" else path.stem
        stems.setdefault(key, set()).add(f)
    found: set[str] = set()
    for _level, module, names in parsed.imports:
        parts = [p for p in module.split(".") if p]
        for part in parts[1:] or parts:  # micrograd.engine: engine; engine: engine
            found |= stems.get(part, set())
        for name in names:  # from micrograd import engine; from . import nn
            found |= stems.get(name, set())
        if parts and not parts[1:] and parts[0] not in stems and "__init__.py" in files:
            found.add("__init__.py")  # from nanograd import Value, nanograd being the folder
    return found - {parsed.relative}


def groups(root: Path, files: list[str]) -> list[list[str]]:
    """The files that import each other (directly or through others), one list each."""
    parsed = {f: parse(root, f) for f in files}
    linked = {f: set() for f in files}
    for f, p in parsed.items():
        for t in _targets(p, files):
            linked[f].add(t)
            linked[t].add(f)
    seen: set[str] = set()
    out = []
    for f in files:
        if f in seen:
            continue
        group, stack = [], [f]
        while stack:
            g = stack.pop()
            if g not in seen:
                seen.add(g)
                group.append(g)
                stack += sorted(linked[g])
        out.append(sorted(group))
    return out


def defines_value(root: Path, relative: str) -> bool:
    """True when the file has a module-level ``class Value``, imports a name Value, or does
    not parse (it may be the engine: the child says what is wrong with it)."""
    parsed = parse(root, relative)
    return "Value" in parsed.classes or parsed.broken


def _rank(parsed: Parsed) -> tuple[int, int, int, str]:
    """The order in which files are taken as the main one."""
    name = Path(parsed.relative).name
    first = 0 if "Value" in parsed.defines else 1 if parsed.broken else 2
    return (first, PREFERRED.index(name) if name in PREFERRED
            else len(PREFERRED), parsed.relative.count("/"), parsed.relative)


def submission_of(root: Path, files: list[str], main: str = "") -> Submission:
    """The submission of ``files`` in ``root``; ``main``: the file to check (else found)."""
    parsed = [parse(root, f) for f in files]
    with_value = sorted((p for p in parsed if "Value" in p.classes or p.broken), key=_rank)
    main = main or (with_value[0].relative if with_value else files[0])
    nn = next((p.relative for p in sorted(parsed, key=_rank)
               if "MLP" in p.defines and p.relative != main), "")
    aliases = _aliases(root, parsed)
    package = ""
    if any(level and "/" not in p.relative for p in parsed for level, _, _ in p.imports):
        package = next(iter(aliases), "") or _package_name(root)
        aliases.setdefault(package, "")
    return Submission(root, files, main, nn, aliases, package)


def _entries(root: Path, folder: str) -> set[str]:
    """The importable names directly in ``root/folder``: its .py files and folders."""
    base = root / folder
    try:
        return {p.stem if p.suffix == ".py" else p.name for p in base.iterdir()
                if p.suffix == ".py" or p.is_dir()}
    except OSError:
        return set()


def _aliases(root: Path, parsed: list[Parsed]) -> dict[str, str]:
    """Package names the files import that stand for a folder of the submission."""
    folders = sorted({str(Path(p.relative).parent) for p in parsed}, key=len)
    folders = ["" if f == "." else f for f in folders]
    at_top = _entries(root, "")
    found: dict[str, str] = {}
    for p in parsed:
        for level, module, names in p.imports:
            parts = module.split(".") if module and not level else []
            if not parts or parts[0] in at_top or parts[0] in found or parts[0] == "scalargrad":
                continue
            wanted = parts[1:2] or names[:1]
            for folder in folders:
                inside = _entries(root, folder)
                if wanted and Path(p.relative) == Path(folder) / f"{wanted[0]}.py":
                    continue  # engine.py importing micrograd.engine means another engine
                if (wanted and wanted[0] in inside) or (
                        not parts[1:] and "Value" in names
                        and (root / folder / "__init__.py").is_file()
                        and Path(root / folder).name == parts[0]):
                    found[parts[0]] = folder
                    break
    return found


def _package_name(root: Path) -> str:
    """A package name for a folder whose files import each other relatively."""
    name = "".join(c if c.isalnum() else "_" for c in root.name)
    return name if name.isidentifier() and not name[0].isdigit() else "submission"
