"""Check your own engine: ``python -m scalargrad.check PATH [--chapter N] [--json]``.

The checker compares a learner's ``Value`` class (and, from the chapter "Neurons, layers
and an MLP" on, their ``Neuron``, ``Layer`` and ``MLP``) with scalargrad's own engine
and with central differences, and says what is wrong in the book's words, with the
chapter that explains it. Checking a file EXECUTES it (in a child process, isolated
where the system allows; the checks judge its answers in this process).

Three entry points:

* :func:`check_file` checks one file, its code in a child process, at one chapter;
* :func:`check_folder` checks every submission of a folder, at every chapter;
* :func:`check_namespace` runs the checks in this process, on classes you pass in
  (what the page's in-browser runner can use, where there are no subprocesses).

``import scalargrad`` does not import this package.

>>> from scalargrad.engine import Value
>>> print(check_namespace({"Value": Value}, chapter=4))
your code (chapter 4): all 5 checks passed
  ok    Value(data)
  ok    operations of the chapter
  ok    values
  ok    children
  ok    chapter 4's L = (a*b + c) * f
"""

from __future__ import annotations

import os

from scalargrad.check import chapters
from scalargrad.check.folder import FileResult, check_folder, table
from scalargrad.check.learner import LoadError
from scalargrad.check.report import Report, Result
from scalargrad.check.run import check_namespace
from scalargrad.check.sandbox import DEADLINE, MEMORY_MB, TIME_LIMIT, run_file

__all__ = [
    "FileResult",
    "LoadError",
    "Report",
    "Result",
    "check_file",
    "check_folder",
    "check_namespace",
    "table",
]


def check_file(path: str | os.PathLike[str], chapter: int | str | None = None, *,
               time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB,
               speed: bool = False, graded: bool = False,
               deadline: float = DEADLINE) -> Report:
    """Check one file at ``chapter`` (a number or slug; None: everything it defines).

    The file is EXECUTED (isolated where the system allows). ``time_limit`` is in
    seconds per check; ``speed`` adds a timing note (off by default, so that reports
    are the same on every run); ``graded`` fails a file that uses a reference engine;
    ``deadline`` is the file's overall time, in seconds, for everything it is asked.
    """
    return run_file(path, [chapters.validate(chapter)], time_limit=time_limit,
                    memory_mb=memory_mb, speed=speed, graded=graded, deadline=deadline)[0]
