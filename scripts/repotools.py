"""Small tools the tests and scripts share: load a module from a file, copy the working tree.

pytest puts ``scripts/`` on ``sys.path`` (``pythonpath`` in pyproject.toml), and a
script in ``scripts/`` finds it next to itself, so both write ``import repotools``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "copy_working_tree", "load_module",
           "working_tree_files"]

#: Headless Chromium for screenshots, the browser tests and the benchmarks: Debian's,
#: or the one SCALARGRAD_CHROMIUM names, started with these flags (no sandbox, no GPU,
#: and nothing that reaches the network on its own).
CHROMIUM = os.environ.get("SCALARGRAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def load_module(path: Path, name: str | None = None, *, folder_on_path: bool = False) -> ModuleType:
    """Import the Python file ``path`` as a module named ``name`` (default: its stem).

    ``folder_on_path`` puts the file's folder on ``sys.path`` while it loads, as MkDocs
    does for a hook, so that it can import its neighbours.
    """
    path = Path(path)
    name = name or f"_loaded_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load a Python module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    saved = sys.path.copy()
    if folder_on_path:
        sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.path[:] = saved
    return module


def working_tree_files(root: Path = ROOT) -> list[str]:
    """The files git tracks or would track (not ignored), as paths relative to ``root``."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root, capture_output=True, check=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (root / f).is_file()]


def copy_working_tree(dest: Path, root: Path = ROOT, *, with_history: bool = False,
                      files: list[str] | None = None) -> None:
    """Copy the working tree's files, edits and new files included, to ``dest``.

    ``with_history`` clones the repository first, for steps that read ``git log``;
    ``files`` (from :func:`working_tree_files`) saves listing them again.
    """
    if with_history:
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(root), str(dest)],
                       check=True, capture_output=True)
    for name in working_tree_files(root) if files is None else files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
