"""``python -m scalargrad.check DIR --chapter N --examples``: a chapter's examples on your files.

Every example of the book imports ``scalargrad``. This runs the examples of chapter
``N``, in order and in one namespace as the chapter does, with the files of ``DIR``
(``engine.py``, and from the MLP chapter on ``nn.py``, ``training.py``, ``datasets.py``) in
place of the package's (:func:`scalargrad.check.doctests.use_my_files`), and shows where
the output differs from the book's. It is the terminal's twin of the page's "Run with:
my engine": the same code runs the blocks, and the same labels mark the blocks that
need what your files do not have yet; those run on the book's scalargrad, and say so.

The examples, their outputs and their labels come with the package: the book's build
writes them into the wheel (``book_examples.json``, from docs/hooks/walk.py). In a
clone of the book's repository they are read from the chapters themselves.

Running the examples EXECUTES your files, in a child process isolated as the checker's
is (:mod:`scalargrad.check.sandbox`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scalargrad.check.chapters import FIRST
from scalargrad.check.doctests import READER_FILES
from scalargrad.check.remote import CheckTimeout, ChildGone, Connection, Lines, TooMuchOutput
from scalargrad.check.sandbox import (
    MEMORY_MB,
    STARTUP,
    TIME_LIMIT,
    _spawn,
    _stop,
    copy_submission,
    crash_message,
)

__all__ = ["BlockResult", "Walk", "book_examples", "run_examples"]

DATA = "book_examples.json"
#: What a block may need that is not installed here, by the name the book gives it.
EXTRAS = {"PyTorch": "torch", "Hypothesis": "hypothesis", "micrograd": "micrograd",
          "numpy": "numpy", "matplotlib": "matplotlib"}
#: Each block gets this many times the checker's time limit per check.
BLOCK_TIME = 3


class NoExamples(Exception):
    """This copy of scalargrad carries no copy of the book's examples."""


def book_examples(chapter: int) -> list[dict[str, Any]]:
    """The book's examples of ``chapter`` (3 to 13), with their labels: one dict per block.

    From the wheel's ``book_examples.json``; in a clone of the book's repository, where
    the package is installed from the source, from the chapter itself
    (docs/hooks/walk.py).
    """
    here = Path(__file__).resolve().parent
    packaged = here / DATA
    if packaged.is_file():
        data = json.loads(packaged.read_text(encoding="utf-8"))
        return data["chapters"][str(chapter)]["blocks"]
    hooks = here.parents[1] / "docs" / "hooks"
    if (hooks / "walk.py").is_file():
        if str(hooks) not in sys.path:
            sys.path.insert(0, str(hooks))
        spec = importlib.util.spec_from_file_location("_scalargrad_walk", hooks / "walk.py")
        assert spec is not None and spec.loader is not None
        walk = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(walk)
        return walk.chapter_blocks(chapter)
    raise NoExamples(
        "this scalargrad carries no copy of the book's examples: install it from the "
        "book's site (the install line on its home page), whose wheel has them"
    )


@dataclass
class BlockResult:
    """What one block of the chapter did on the reader's files."""

    line: int  # the line of the block in the chapter's Markdown
    label: str | None  # the block runs on the book's scalargrad, and why
    status: str  # "ok", "differs", "raised", "not run" or "error"
    examples: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""  # why the block did not run, or could not be read

    @property
    def counted(self) -> list[dict[str, Any]]:
        """The examples that ran (not skipped by a doctest directive)."""
        return [e for e in self.examples if e["outcome"] != "skipped"]


@dataclass
class Walk:
    """A chapter's examples on the reader's files: a result per block."""

    folder: str
    chapter: int
    mine: list[str] = field(default_factory=list)  # the reader's files that took part
    blocks: list[BlockResult] = field(default_factory=list)
    error: str = ""  # the examples could not be run at all
    note: str = ""  # the files ran without isolation, and why

    @property
    def exit_status(self) -> int:
        """0 every example gave the book's output, 1 some did not, 2 none could run."""
        if self.error:
            return 2
        return 0 if all(b.status in ("ok", "not run") for b in self.blocks) else 1

    def counts(self) -> dict[str, int]:
        """Examples by what happened: as in the book (on your files, on the book's),
        differ, raised, not run."""
        out = {"yours": 0, "book": 0, "differ": 0, "raised": 0, "not run": 0}
        for b in self.blocks:
            if b.status == "not run":
                out["not run"] += 1
                continue
            for e in b.counted:
                if e["outcome"] in ("match", "rounding"):
                    out["book" if b.label else "yours"] += 1
                elif e["outcome"] == "differs":
                    out["differ"] += 1
                else:
                    out["raised"] += 1
        return out

    def text(self) -> str:
        """The report: a line per block that is not simply as in the book, then totals."""
        if self.error:
            return _wrap(f"{self.folder}, chapter {self.chapter}'s examples: could not be "
                         f"run: {self.error}")
        book = [f for f in READER_FILES if f not in self.mine]
        head = (f"{self.folder}, chapter {self.chapter}'s examples on your "
                f"{_and(self.mine)}" + (f" (and the book's {_and(book)})" if book else ""))
        lines = [_wrap(head + ":")]
        said = {"ok": "as in the book", "differs": "differs from the book",
                "raised": "raised an exception"}
        for i, b in enumerate(self.blocks, 1):
            where = f"block {i} (line {b.line}): "
            if b.status in ("not run", "error"):
                lines.append(_wrap(where + b.note, "  "))
            elif b.label or b.status != "ok":
                lines.append(_wrap(where + (f"{b.label}; " if b.label else "")
                                   + said[b.status], "  "))
                if b.note:
                    lines.append(_wrap(f"({b.note})", "    "))
                lines += _differences(b)
        c = self.counts()
        total = c["yours"] + c["book"] + c["differ"] + c["raised"]
        summary = f"{c['yours'] + c['book']} of {total} examples as in the book"
        if c["book"]:
            summary += f" ({c['book']} of them on the book's scalargrad, as labelled)"
        summary += f"; {c['differ']} differ, {c['raised']} raised an exception"
        if c["not run"]:
            summary += f"; {c['not run']} block(s) not run"
        notes = [_wrap(f"note: {self.note}")] if self.note else []
        return "\n".join([*lines, _wrap(summary + "."), *notes])

    def to_dict(self) -> dict[str, Any]:
        """The walk as JSON: every block's examples with what they gave."""
        return {
            "folder": self.folder, "chapter": self.chapter, "mine": self.mine,
            "exit_status": self.exit_status, "error": self.error or None,
            "note": self.note or None,
            "counts": self.counts(),
            "blocks": [{"line": b.line, "label": b.label, "status": b.status,
                        "note": b.note or None, "examples": b.examples}
                       for b in self.blocks],
        }


def _and(names: list[str]) -> str:
    """``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _wrap(text: str, indent: str = "") -> str:
    """``text`` in lines of at most 80 columns, every line indented by ``indent``."""
    return textwrap.fill(text, 80, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False, break_long_words=False)


def _differences(block: BlockResult) -> list[str]:
    """Each example of a block that did not give the book's output: code, got, book's."""
    out = []
    for e in block.counted:
        if e["outcome"] in ("match", "rounding"):
            continue
        source = e["source"].rstrip("\n").replace("\n", "\n      ... ")
        out.append(f"      >>> {source}")
        got = e["got"].rstrip("\n") or "(no output)"
        out += ["      yours:"] + [f"        {line}" for line in got.splitlines()[-12:]]
        if e["outcome"] == "differs":
            want = e["want"].rstrip("\n") or "(no output)"
            out += ["      the book's:"] + [f"        {line}" for line in want.splitlines()]
    return out


def _status(result: dict[str, Any]) -> str:
    """A block's status from :func:`scalargrad.check.doctests.run_block`'s result."""
    if "error" in result:
        return "error"
    outcomes = {e["outcome"] for e in result["examples"]}
    if "raised" in outcomes:
        return "raised"
    if "differs" in outcomes:
        return "differs"
    return "ok"


def run_examples(folder: str | os.PathLike[str], chapter: int, *,
                 time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB) -> Walk:
    """Run chapter ``chapter``'s examples on the reader's files in ``folder``.

    The files run in a child process, isolated as the checker's are; each block may
    take :data:`BLOCK_TIME` times ``time_limit`` seconds.
    """
    folder = Path(os.path.abspath(folder))
    walk = Walk(folder=folder.name or str(folder), chapter=chapter)
    try:
        blocks = book_examples(chapter)
    except NoExamples as exc:
        walk.error = str(exc)
        return walk
    if not (folder / "engine.py").is_file():
        walk.error = (f"{folder} has no engine.py: chapter {FIRST} starts it (see its section "
                      "\"Check your engine\")")
        return walk
    with tempfile.TemporaryDirectory(prefix="scalargrad-examples-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        copy_submission(folder / "engine.py", work, siblings=True)
        _walk(work, walk, blocks, time_limit, memory_mb)
    return walk


def _walk(work: Path, walk: Walk, blocks: list[dict[str, Any]], time_limit: float,
          memory_mb: int) -> None:
    """Start the child over the copy in ``work``, put the files in place, run the blocks."""
    with tempfile.TemporaryFile() as errors:
        proc, walk.note = _spawn(work, "engine.py", memory_mb, time_limit * BLOCK_TIME,
                                 errors)
        lines = Lines(proc.stdout.fileno())  # type: ignore[union-attr]

        def send(text: str) -> None:
            assert proc.stdin is not None
            proc.stdin.write(text.encode("utf-8"))
            proc.stdin.flush()

        conn = Connection(send, lines, time_limit * BLOCK_TIME)
        try:
            conn.starting("starting Python", extra=STARTUP)
            conn.request("hello")
            conn.starting("importing your files")
            info = json.loads(conn.request("examples_use_files"))
            if "error" in info:
                walk.error = info["error"]
                return
            walk.mine = info["mine"]
            missing = json.loads(conn.request("examples_missing", sorted(EXTRAS.values())))
            for i, block in enumerate(blocks, 1):
                label = block["label"]["text"] if block["label"] else None
                needs = [n for n in (block["needs"] or "").split(", ") if n]
                absent = [n for n in needs if EXTRAS.get(n) in missing]
                text = block["text"]
                if absent:
                    if not block["setup"]:
                        walk.blocks.append(BlockResult(
                            block["line"], label, "not run",
                            note=f"not run: it needs {', '.join(absent)}, which is not "
                                 "installed here"))
                        continue
                    text = block["setup"]
                conn.starting(f"block {i} (line {block['line']})")
                result = json.loads(conn.request(
                    "examples_run", text, f"chapter {walk.chapter}, block {i}",
                    bool(block["label"])))
                found = BlockResult(block["line"], label, _status(result),
                                    result.get("examples", []), result.get("error", ""))
                if absent:
                    found.note = (f"only the examples that do not need {', '.join(absent)} "
                                  "ran: it is not installed here")
                walk.blocks.append(found)
        except CheckTimeout as exc:
            walk.error = (f"{exc} took longer than {time_limit * BLOCK_TIME:g} s and was "
                          "stopped: is there an endless loop in your files?")
        except TooMuchOutput as exc:
            walk.error = f"the examples printed {int(str(exc)):,} characters, more than 1 MB"
        except ChildGone:
            proc.wait()
            errors.seek(0)
            walk.error = crash_message(proc.returncode, errors.read()[-4000:].decode(
                "utf-8", "replace"), memory_mb, "your files")
        finally:
            _stop(proc)


# --- the child's side: called by scalargrad.check.child -----------------------------------


def child_use_files(path: str) -> str:
    """Put the reader's files beside ``path`` in the package's place; JSON of what did."""
    from scalargrad.check.doctests import use_my_files

    return json.dumps(use_my_files(os.path.dirname(path)))


def child_missing(modules: list[str]) -> str:
    """JSON list of the ``modules`` that are not installed in this Python."""
    return json.dumps([m for m in modules if importlib.util.find_spec(m) is None])


def child_run(text: str, name: str, book: bool) -> str:
    """Run one block in the chapter's namespace; JSON of its result."""
    from scalargrad.check.doctests import run_block

    return json.dumps(run_block("examples", text, name, book=bool(book)))
