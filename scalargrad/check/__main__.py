"""``python -m scalargrad.check PATH [--chapter N] [--json]``: the command line."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import textwrap
from pathlib import Path

from scalargrad.check import chapters
from scalargrad.check.examples import run_examples
from scalargrad.check.folder import BOOK_LAYOUT, as_csv, check_folder, submissions, table
from scalargrad.check.sandbox import DEADLINE, MEMORY_MB, TIME_LIMIT, run_file, run_submission

_NAMES = ", ".join(f"{chapters.number(s)} {s}"
                   for s in chapters.CHAPTERS[chapters.FIRST - 1:chapters.LAST])

_N_IS = textwrap.fill(f"N is a chapter's number ({chapters.FIRST} to {chapters.LAST}) or its "
                      f"name: {_NAMES}.", 80, break_on_hyphens=False)

DESCRIPTION = f"""\
Check your own autograd engine against scalargrad's, and say what is wrong in
the book's words, with the chapter that explains it. Keep your files in one
folder, as the book does from chapter {chapters.FIRST} on, and from the folder that holds it:

  python -m scalargrad.check my-scalargrad --chapter N

{_N_IS}

my-scalargrad holds engine.py (class Value) and, from chapter {chapters.NN} on, nn.py
(Neuron, Layer, MLP), training.py and datasets.py. Add --examples to run chapter
N's examples on your files instead, and see where the output differs from the
book's.

WARNING: checking your files EXECUTES them, as `python engine.py` would. They run
in a child process that only answers the checker's questions, on a temporary copy,
with a scrubbed environment and limits on time, memory and processes. On Linux
with bubblewrap (bwrap) it also sees no other files, has no network and cannot
signal other processes; elsewhere the report says it was not isolated, and
untrusted files belong in a container.

PATH may also be a single .py file that defines class Value (a lecture-style
engine in one file), or, for teachers, a folder of submissions (a subfolder or a
.py file per learner; a subfolder is one learner's files, and the files that
import each other are one submission: the Check page lists the layouts): each is
checked at every chapter, one row each, then a table of submissions and chapters.
A folder that holds one learner's files in another layout (value.py and mlp.py,
a micrograd/ package) gets that learner's report.

exit status: 0 every check passed (with --examples: every example gave the
book's output), 1 a check failed (an example did not), 2 the files could not be
checked (not Python, a syntax error, no Value class, an error or a hang while
loading, a check that ran too long, too much output, the file's overall deadline,
an error of the checker itself) or the command was wrong
(a bad option, a folder with no submissions); for a folder of submissions, the
worst of them."""


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m scalargrad.check", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", metavar="PATH",
                   help="your folder (my-scalargrad), a .py file, or a folder of submissions")
    p.add_argument("--chapter", type=chapter, metavar="N",
                   help="check what the book has built by the end of chapter N "
                        f"({chapters.FIRST}-{chapters.LAST}, or its name, such as "
                        f"{chapters.CHAPTERS[chapters.NN - 1]}); default: everything the "
                        "file defines")
    p.add_argument("--examples", action="store_true",
                   help="run chapter N's examples on your files instead (PATH: your "
                        "folder), and show where the output differs from the book's")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.add_argument("--csv", action="store_true",
                   help="for a folder: print the table as CSV, for a gradebook")
    p.add_argument("--graded", action="store_true",
                   help="a file whose Value is scalargrad's or micrograd's own fails "
                        "(without it: a note)")
    p.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                   help=f"stop a check that runs longer than this (default {TIME_LIMIT:g})")
    p.add_argument("--memory", type=int, default=MEMORY_MB, metavar="MB",
                   help=f"memory limit of each subprocess (default {MEMORY_MB})")
    p.add_argument("--deadline", type=float, default=DEADLINE, metavar="SECONDS",
                   help="stop checking a submission after this long in all, every chapter "
                        f"included (default {DEADLINE:g})")
    return p


def chapter(text: str) -> int:
    """``--chapter``'s value, a number or a slug, as the chapter's number."""
    try:
        return chapters.validate(int(text) if text.isdecimal() else text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {text} (choose a chapter from {chapters.FIRST} to "
            f"{chapters.LAST}, by number or by name: {_NAMES})") from None


def main(argv: list[str] | None = None) -> int:
    """Run the checker; return the exit status (a closed pipe on stdout is not an error)."""
    args = parser().parse_args(argv)
    out: list[str] = []
    status = run(args, out)
    try:
        if out:
            print("\n".join(out))
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status


def _error(message: str, as_json: bool, out: list[str]) -> int:
    """A usage error: on stderr (and as JSON on stdout with --json); exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    if as_json:
        out.append(json.dumps({"error": message, "exit_status": 2}))
    return 2


def run(args: argparse.Namespace, out: list[str]) -> int:
    """Check what ``args`` name, appending the lines to print to ``out``."""
    path = Path(args.path)
    seconds = {"--time-limit": args.time_limit, "--deadline": args.deadline}
    bad = [f"{name} (got {value:g})" for name, value in seconds.items()
           if not (math.isfinite(value) and value > 0)]
    if bad or args.memory < 64:
        if args.memory < 64:
            bad.append(f"--memory (got {args.memory})")
        return _error("--time-limit and --deadline must be positive numbers of seconds, and "
                      f"--memory at least 64 (MB); wrong: {', '.join(bad)}", args.json, out)
    limits = {"time_limit": args.time_limit, "memory_mb": args.memory, "graded": args.graded,
              "deadline": args.deadline}
    if args.examples:
        return _examples(args, path, out)
    if path.is_dir() and not path.is_symlink() and (path / BOOK_LAYOUT).is_file():
        path = path / BOOK_LAYOUT  # your folder, in the book's layout: one report
    learners = submissions(path) if path.is_dir() and not path.is_symlink() else []
    if len(learners) == 1:  # one learner's files, in a layout of their own
        report = run_submission(learners[0][1], [args.chapter], speed=not args.json,
                                **limits)[0]
        out.append(json.dumps(report.to_dict()) if args.json else report.text())
        return report.exit_status
    if path.is_dir() and not path.is_symlink():
        results = check_folder(path, args.chapter, **limits)
        if not results:
            return _error(f"{path} holds no submissions: no .py file, and no subfolder with "
                          "one", args.json, out)
        if args.json:
            out += [json.dumps(r.to_dict()) for r in results]
        elif args.csv:
            out.append(as_csv(results).rstrip("\n"))
        else:
            out += [r.row() for r in results] + ["", table(results)]
        return max(r.exit_status for r in results)
    if not path.is_file() and not path.is_symlink():
        return _error(f"{path} is neither a file nor a folder", args.json, out)
    report = run_file(path, [args.chapter], speed=not args.json, **limits)[0]
    out.append(json.dumps(report.to_dict()) if args.json else report.text())
    return report.exit_status


def _examples(args: argparse.Namespace, path: Path, out: list[str]) -> int:
    """``--examples``: chapter N's examples on the files of the folder ``path``."""
    if args.chapter is None:
        return _error("--examples needs --chapter N: the chapter whose examples to run",
                      args.json, out)
    if not path.is_dir():
        return _error(f"--examples takes your folder (the one with engine.py), not {path}",
                      args.json, out)
    walk = run_examples(path, args.chapter, time_limit=args.time_limit,
                        memory_mb=args.memory)
    out.append(json.dumps(walk.to_dict()) if args.json else walk.text())
    return walk.exit_status


if __name__ == "__main__":
    sys.exit(main())
