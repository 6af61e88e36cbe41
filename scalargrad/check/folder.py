"""Folder mode, for teachers: every submission of a folder, one row each, then a table.

A *submission* is what one learner handed in. In a folder:

* a subfolder is one learner's submission, with its subfolders: the files that import
  each other are one submission (a helper module is part of the one that imports it;
  ``micrograd/engine.py`` and ``micrograd/nn.py`` are one), checked at the file that
  defines ``Value`` (its ``engine.py`` in the book's layout); a subfolder holding
  several separate engines gives a submission each;
* a ``.py`` file directly in the folder is a submission of its own, copied alone (it
  sees none of the other files) unless it imports one beside it, or the folder itself
  is in the book's layout.

Submissions are checked two at a time, each in its own child process.
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalargrad.check import chapters
from scalargrad.check.report import Report, printable
from scalargrad.check.sandbox import DEADLINE, MEMORY_MB, TIME_LIMIT, run_submission
from scalargrad.check.submission import (
    Submission,
    defines_value,
    groups,
    python_files,
    submission_of,
)

__all__ = ["FileResult", "as_csv", "check_folder", "submissions", "table"]

MARK = {"passed": "ok", "failed": "F", "error": "E"}


@dataclass
class FileResult:
    """One file of the folder: its reports, one per chapter checked."""

    file: str  # the submission's name: a file, or a learner's folder
    reports: list[Report]

    @property
    def exit_status(self) -> int:
        """The worst of its reports' exit statuses."""
        return max(r.exit_status for r in self.reports)

    def row(self) -> str:
        """One line: which chapters pass, and the first thing that went wrong (printable)."""
        return printable(self._row())

    def _row(self) -> str:
        """One line: which chapters pass, and the first thing that went wrong."""
        error = next((r for r in self.reports if r.error), None)
        failed = next((r for r in self.reports if r.failures), None)
        ok = [r.chapter for r in self.reports if r.passed]
        passes = _chapters(ok)
        if error is not None and error is self.reports[0]:
            return f"{self.file}: could not be checked: {error.error}"
        first = failed if failed is not None else error
        if first is None:
            return f"{self.file}: passes {passes}"
        where = f"chapter {first.chapter}" if first.chapter is not None else "checked"
        what = first.failures[0] if first.failures else None
        reason = f"{what.check}: {what.message}" if what else first.error
        lead = f"passes {passes}; " if ok else ""
        verb = "fails at" if first.failures else "could not be checked at"
        return f"{self.file}: {lead}{verb} {where}: {reason.splitlines()[0]}"

    def to_dict(self) -> dict[str, Any]:
        """One JSON object for the file: a verdict per chapter, and the full reports."""
        return {
            "file": self.file,
            "exit_status": self.exit_status,
            "chapters": {str(r.chapter): r.status for r in self.reports},
            "reports": [r.to_dict() for r in self.reports],
        }


def _chapters(numbers: list[int | None]) -> str:
    """The chapters as runs: [3, 4, 5, 6, 7, 8, 10] is written ``3 to 8, 10`` after "chapters"."""
    if numbers == [None]:
        return "all its checks"
    runs: list[list[int]] = []
    for n in [n for n in numbers if n is not None]:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]} to {r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ("chapter " if len(numbers) == 1 else "chapters ") + ", ".join(parts)


BOOK_LAYOUT = "engine.py"  # a folder holding it is one submission, in the book's layout
WORKERS = 2


def submissions(folder: Path) -> list[tuple[str, Submission]]:
    """(name, submission) for every learner of ``folder``, sorted by name."""
    top = python_files(folder, deep=False)
    if (folder / BOOK_LAYOUT).is_file():
        return [(folder.name or str(folder), submission_of(folder, top, BOOK_LAYOUT))]
    if any(len({"/" in f for f in g}) == 2 for g in groups(folder, top)):
        return _learner(folder)  # a file at the top imports a package beside it: one learner's
    found: list[tuple[str, Submission]] = []
    loose = [f for f in top if "/" not in f]
    for group in groups(folder, loose):  # files beside each other that import each other
        sub = submission_of(folder, group)
        found.append((Path(sub.main).name, sub))
    for sub_folder in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()):
        if not sub_folder.name.startswith(".") and sub_folder.name != "__pycache__":
            found += _learner(sub_folder)
    found += [(p.name, Submission(folder, [p.name], p.name)) for p in folder.iterdir()
              if p.suffix == ".py" and p.is_symlink()]  # named, then refused: not followed
    return sorted(found, key=lambda item: item[0])


def _learner(folder: Path) -> list[tuple[str, Submission]]:
    """One learner's subfolder: one submission per group of files that defines a Value."""
    files = python_files(folder)
    name = folder.name or str(folder)
    if not files:
        return []
    if (folder / BOOK_LAYOUT).is_file():
        return [(name, submission_of(folder, files, BOOK_LAYOUT))]
    parts = [submission_of(folder, g) for g in groups(folder, files)]
    engines = [s for s in parts if defines_value(folder, s.main)] or parts[:1]
    if len(engines) == 1:
        return [(name, engines[0])]
    return [(f"{name}/{s.main}", s) for s in engines]


def check_folder(folder: str | os.PathLike[str], chapter: int | None = None, *,
                 time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB,
                 graded: bool = False, deadline: float = DEADLINE) -> list[FileResult]:
    """Check every submission in ``folder``, each in its own child process.

    Without ``chapter``, each is checked at every chapter the checker knows; ``deadline``
    is each submission's overall time, in seconds, for all its chapters.
    """
    wanted = [chapter] if chapter is not None else list(range(chapters.FIRST, chapters.LAST + 1))

    def one(item: tuple[str, Submission]) -> FileResult:
        """One submission, at every wanted chapter."""
        name, sub = item
        return FileResult(name, run_submission(sub, wanted, time_limit=time_limit,
                                               memory_mb=memory_mb, graded=graded,
                                               deadline=deadline))

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, submissions(Path(folder))))


def as_csv(results: list[FileResult]) -> str:
    """The table for a gradebook: one row per submission, a column per chapter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [r.chapter for r in results[0].reports] if results else []
    writer.writerow(["submission", *("all" if c is None else c for c in columns),
                     "exit_status", "first_problem"])
    for r in results:
        first = r.row().partition(": ")[2]
        writer.writerow([printable(r.file), *(rep.status for rep in r.reports), r.exit_status,
                         "" if r.exit_status == 0 else first])
    return out.getvalue()


def table(results: list[FileResult]) -> str:
    """Files against chapters: ok passed, F failed, E could not be checked."""
    if not results:
        return "no submissions"
    columns = [r.chapter for r in results[0].reports]
    width = max(len("file"), *(len(printable(r.file)) for r in results))
    heads = ["all" if c is None else str(c) for c in columns]
    lines = ["file".ljust(width) + "".join(f"{h:>4}" for h in heads)]
    for r in results:
        marks = [MARK[rep.status] for rep in r.reports]
        lines.append(printable(r.file).ljust(width) + "".join(f"{m:>4}" for m in marks))
    lines.append("ok: every check passed; F: a check failed; E: could not be checked")
    return "\n".join(lines)
