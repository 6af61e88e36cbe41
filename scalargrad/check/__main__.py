"""``python -m scalargrad.check PATH [--chapter N] [--json]``: the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scalargrad.check import chapters
from scalargrad.check.folder import check_folder, table
from scalargrad.check.sandbox import MEMORY_MB, TIME_LIMIT, run_file

DESCRIPTION = """\
Check your own autograd engine against scalargrad's, and say what is wrong in
the book's words, with the chapter that explains it.

WARNING: checking a file EXECUTES it, as `python FILE` would. Each file runs in
its own subprocess, in a fresh temporary folder, with a minimal environment, a
time limit per check and a memory limit; that contains mistakes such as an
endless loop, but it is not a security sandbox. Check only code you would run.

PATH is a .py file that defines class Value (and, from chapter 10, Neuron, Layer
and MLP), or a folder: then every .py file in it is checked at every chapter,
one row each, followed by a table of files against chapters.

exit status: 0 every check passed, 1 a check failed, 2 a file could not be
checked (syntax error, no Value class, an error while loading, a check that
ran too long); for a folder, the worst of its files."""


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m scalargrad.check", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", metavar="PATH", help="a .py file, or a folder of .py files")
    p.add_argument("--chapter", type=int, metavar="N",
                   choices=range(chapters.FIRST, chapters.LAST + 1),
                   help="check what the book has built by the end of chapter N (3-13); "
                        "default: everything the file defines")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                   help=f"stop a check that runs longer than this (default {TIME_LIMIT:g})")
    p.add_argument("--memory", type=int, default=MEMORY_MB, metavar="MB",
                   help=f"memory limit of each subprocess (default {MEMORY_MB})")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the checker; return the exit status."""
    args = parser().parse_args(argv)
    path = Path(args.path)
    if args.time_limit <= 0 or args.memory < 64:
        print("error: --time-limit must be positive and --memory at least 64 (MB)",
              file=sys.stderr)
        return 2
    if path.is_dir():
        results = check_folder(path, args.chapter, time_limit=args.time_limit,
                               memory_mb=args.memory)
        if args.json:
            for r in results:
                print(json.dumps(r.to_dict()))
        else:
            for r in results:
                print(r.row())
            print()
            print(table(results))
        return max((r.exit_status for r in results), default=0)
    if not path.is_file():
        print(f"error: {path} is neither a file nor a folder", file=sys.stderr)
        return 2
    report = run_file(path, [args.chapter], time_limit=args.time_limit, memory_mb=args.memory,
                      speed=not args.json)[0]
    print(json.dumps(report.to_dict()) if args.json else report.text())
    return report.exit_status


if __name__ == "__main__":
    sys.exit(main())
