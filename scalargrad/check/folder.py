"""Folder mode, for teachers: every ``.py`` file of a folder, one row each, then a table."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalargrad.check import chapters
from scalargrad.check.report import Report
from scalargrad.check.sandbox import MEMORY_MB, TIME_LIMIT, run_file

__all__ = ["FileResult", "check_folder", "table"]

MARK = {"passed": "ok", "failed": "F", "error": "E"}


@dataclass
class FileResult:
    """One file of the folder: its reports, one per chapter checked."""

    file: str
    reports: list[Report]

    @property
    def exit_status(self) -> int:
        """The worst of its reports' exit statuses."""
        return max(r.exit_status for r in self.reports)

    def row(self) -> str:
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
    """``chapters 3-8, 10`` for [3, 4, 5, 6, 7, 8, 10]."""
    if numbers == [None]:
        return "all its checks"
    runs: list[list[int]] = []
    for n in [n for n in numbers if n is not None]:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return ("chapter " if len(numbers) == 1 else "chapters ") + ", ".join(parts)


def check_folder(folder: str | os.PathLike[str], chapter: int | None = None, *,
                 time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB) -> list[FileResult]:
    """Check every ``.py`` file in ``folder``, each in its own subprocess.

    Without ``chapter``, each file is checked at every chapter from 3 to 13.
    """
    folder = Path(folder)
    wanted = [chapter] if chapter is not None else list(range(chapters.FIRST, chapters.LAST + 1))
    files = sorted(p for p in folder.iterdir() if p.suffix == ".py" and p.is_file())
    return [FileResult(p.name, run_file(p, wanted, time_limit=time_limit, memory_mb=memory_mb))
            for p in files]


def table(results: list[FileResult]) -> str:
    """Files against chapters: ok passed, F failed, E could not be checked."""
    if not results:
        return "no .py files"
    columns = [r.chapter for r in results[0].reports]
    width = max(len("file"), *(len(r.file) for r in results))
    heads = ["all" if c is None else str(c) for c in columns]
    lines = ["file".ljust(width) + "".join(f"{h:>4}" for h in heads)]
    for r in results:
        marks = [MARK[rep.status] for rep in r.reports]
        lines.append(r.file.ljust(width) + "".join(f"{m:>4}" for m in marks))
    lines.append("ok: every check passed; F: a check failed; E: could not be checked")
    return "\n".join(lines)
