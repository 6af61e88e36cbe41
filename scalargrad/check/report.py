"""What a check found: one :class:`Result` per check, gathered in a :class:`Report`."""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["FAILED", "PASSED", "SKIPPED", "Report", "Result", "printable"]

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
WIDTH = 76  # report lines fit an 80-column terminal and the book's code blocks
#: Characters a terminal obeys rather than shows (ESC, carriage return, bidi overrides):
#: a submission's message must not redraw the report, so they are shown escaped.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c != 0x0A}
_CONTROL.update({c: f"\\u{c:04x}" for c in [*range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                              *range(0x2066, 0x206A)]})


def printable(text: str) -> str:
    """``text`` with every control character escaped (``\\x1b``), line breaks kept."""
    return text.translate(_CONTROL)


@dataclass
class Result:
    """The outcome of one check: its name, passed or failed, and what it saw."""

    check: str
    status: str
    message: str = ""
    example: str = ""  # the smallest expression that shows a failure
    chapter: int | None = None  # the chapter that explains the failure

    @property
    def failed(self) -> bool:
        """True when the check failed."""
        return self.status == FAILED


@dataclass
class Report:
    """Everything the checker found in one file, at one chapter.

    ``error`` is set when the file could not be checked at all (it does not
    parse, has no ``Value`` class, raises while loading, or a check ran too long).
    """

    file: str = ""
    chapter: int | None = None
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def failures(self) -> list[Result]:
        """The checks that failed."""
        return [r for r in self.results if r.failed]

    @property
    def passed(self) -> bool:
        """True when the file was checked and every check passed."""
        return not self.error and not self.failures

    @property
    def exit_status(self) -> int:
        """0 every check passed, 1 a check failed, 2 the file could not be checked."""
        if self.error:
            return 2
        return 1 if self.failures else 0

    @property
    def status(self) -> str:
        """``"passed"``, ``"failed"`` or ``"error"``."""
        return ("passed", "failed", "error")[self.exit_status]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (the ``--json`` format)."""
        return {
            "file": self.file,
            "chapter": self.chapter,
            "status": self.status,
            "exit_status": self.exit_status,
            "error": self.error,
            "checks": [asdict(r) for r in self.results],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The inverse of :meth:`to_dict`."""
        return cls(
            file=data["file"],
            chapter=data["chapter"],
            results=[Result(**r) for r in data["checks"]],
            notes=list(data["notes"]),
            error=data["error"],
        )

    def text(self, notes: bool = True, passed: bool = True) -> str:
        """The report as a learner reads it: a headline, then one line per check.

        ``passed=False`` leaves out the checks that passed; ``notes=False`` the notes.
        """
        lines = [self.headline()]
        if self.error:
            lines += _wrap(self.error, "  ", "  ")
        results = list(self.results)
        while results:
            r = results.pop(0)
            if r.status == SKIPPED:  # consecutive checks skipped for one reason: one entry
                same = [r]
                while results and results[0].status == SKIPPED and results[0].message == r.message:
                    same.append(results.pop(0))
                names = ", ".join(s.check for s in same)
                lines += _wrap(f"{names}: {r.message}", "  skip  ", "        ")
            elif r.failed:
                lines += _wrap(f"{r.check}: {r.message}", "  FAIL  ", "        ")
                if r.example:
                    lines += _wrap(r.example, "        smallest example: ", "          ")
            elif passed:
                lines += _wrap(r.check + (f" ({r.message})" if r.message else ""),
                               "  ok    ", "        ")
        for note in self.notes if notes else []:
            lines += _wrap(note, "  note  ", "        ")
        return printable("\n".join(lines))

    def headline(self) -> str:
        """One line: the file, the chapter, and the verdict."""
        where = f"chapter {self.chapter}" if self.chapter is not None else "all it defines"
        name = self.file or "your code"
        if self.error:
            return f"{name} ({where}): could not be checked"
        failed = len(self.failures)
        skipped = sum(r.status == SKIPPED for r in self.results)
        ran = len(self.results) - skipped
        tail = f", {skipped} not run" if skipped else ""
        if failed:
            return f"{name} ({where}): {failed} of {ran} checks failed{tail}"
        return f"{name} ({where}): all {ran} checks passed{tail}"

    def __str__(self) -> str:
        return self.text()


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """``text`` wrapped to :data:`WIDTH` columns, keeping its own line breaks."""
    out: list[str] = []
    for i, para in enumerate(printable(text).split("\n")):
        lead = first if i == 0 else rest
        if para.startswith(" "):  # preformatted (a traceback line): keep as it is
            out.append(rest + para.rstrip())
            continue
        out += textwrap.wrap(para, WIDTH, initial_indent=lead, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]
    return out
