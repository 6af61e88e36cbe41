"""Checks on the repository itself, not on the package or the book."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A line that git writes around a conflict: seven <, = or > alone or before a space.
CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})( |$)|^={7}$", re.MULTILINE)


def is_git_checkout(root: Path) -> bool:
    """Whether ``root`` is the top of a git work tree (a copy of its files is not:
    tests/test_add_chapter.py runs the tests in one)."""
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root,
                         capture_output=True, text=True)
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve()


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    files = []
    for name in filter(None, names):
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (fonts, images)
        files.append(path)
    return files


def find_conflict_markers(text: str) -> list[int]:
    """Line numbers (from 1) of git conflict markers in text."""
    return [text.count("\n", 0, m.start()) + 1 for m in CONFLICT_MARKER.finditer(text)]


def test_the_marker_pattern_finds_a_real_conflict_and_nothing_else():
    conflict = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\nd\n"
    assert find_conflict_markers(conflict) == [2, 4, 6]
    assert find_conflict_markers("a\n======= not a marker\n========\n<<<<<<<<\n") == []


def test_no_tracked_file_holds_a_git_conflict_marker():
    if not is_git_checkout(ROOT):
        pytest.skip("not a git checkout (a copy of the working tree): no file is tracked")
    found = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}:{n}" for n in find_conflict_markers(text)]
    assert not found, "git conflict markers left by a merge: " + ", ".join(found)
