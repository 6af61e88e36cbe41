"""The in-page runner's Python side: run one ``pycon`` block as doctest runs it.

The build publishes this file as ``runtime/runner_core.py``; the page's Web Worker
loads it into Pyodide, after the book's wheel, and calls :func:`run_block_json` for
each block. Running a block, and putting the reader's files in the package's place,
is :mod:`scalargrad.check.doctests`, which the terminal's ``--examples`` runs too;
this file adds what only the page needs: JSON for the JavaScript side, the reader's
files written from the page's storage, graphs drawn by viz-js, and the checker run
in-process. It needs only the standard library and the package, so the tests run it
in CPython too.

>>> answer = json.loads(run_block_json("demo", ">>> 6 * 7\\n42\\n", "block 1"))
>>> [e["outcome"] for e in answer["examples"]], answer["check"]
(['match'], None)
>>> forget("demo")
"""

from __future__ import annotations

import json
import sys
from typing import Any

from scalargrad.check.chapters import FIRST
from scalargrad.check.doctests import (  # noqa: F401 - the page's and the tests' names
    MAX_CHARS,
    MAX_LINES,
    READER_FILES,
    CappedOutput,
    _namespaces,
    _traceback,
    check_verdict,
    forget,
    run_block,
)
from scalargrad.check.doctests import use_my_files as _use_my_files


def run_block_json(key: str, text: str, name: str = "block", book: bool = False) -> str:
    """:func:`run_block` as a JSON string, for the JavaScript side."""
    return json.dumps(run_block(key, text, name, book=bool(book)))


# --- graphs: graphviz's calls to the `dot` program go to viz-js -------------------------

_renderer: Any = None


def set_renderer(render: Any) -> None:
    """Route graphviz's rendering to ``render(source, engine, format) -> str``.

    The page passes viz-js's ``renderString``; the ``dot`` program does not exist in a
    browser. graphviz runs ``dot`` through ``graphviz.backend.execute.run_check`` for
    every pipe, so that one function is replaced.
    """
    global _renderer
    _renderer = render
    import subprocess

    from graphviz.backend import execute

    def run_check(cmd: Any, *, input_lines: Any = None, encoding: str | None = None,
                  quiet: bool = False, **kwargs: Any) -> subprocess.CompletedProcess:
        args = [str(a) for a in cmd]
        engine = next((a[2:] for a in args if a.startswith("-K")), "dot")
        fmt = next((a[2:] for a in args if a.startswith("-T")), "svg").split(":")[0]
        data = kwargs.get("input")
        if input_lines is not None:
            data = "".join(line if isinstance(line, str) else line.decode() for line in input_lines)
        if isinstance(data, bytes):
            data = data.decode(encoding or "utf-8")
        if fmt != "svg":
            raise ValueError(f"in the page graphs render as svg only, not {fmt!r}")
        try:
            out = str(_renderer(data or "", engine, fmt))
        except Exception as exc:
            raise RuntimeError(f"Graphviz (viz-js) could not draw this graph: {exc}") from None
        return subprocess.CompletedProcess(args, 0, out if encoding else out.encode(), b"")

    execute.run_check = run_check


# --- the reader's own files: "Run with my engine" and "Check my engine" -----------------

def write_files(folder: str, files: dict[str, str]) -> None:
    """Write the reader's ``files`` (name -> text) into ``folder``, and only those."""
    import os

    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".py"):
            os.remove(os.path.join(folder, name))
    for name, text in files.items():
        if name not in READER_FILES:
            raise ValueError(f"{name!r} is not one of the reader's files {READER_FILES}")
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)


def use_my_files(folder: str, files: dict[str, str]) -> dict[str, Any]:
    """Write the reader's ``files`` into ``folder`` and make them the package's modules.

    :func:`scalargrad.check.doctests.use_my_files` does the rest: call it in a fresh
    Python, before any example.
    """
    write_files(folder, files)
    return _use_my_files(folder)


def check_my_files(folder: str, files: dict[str, str], chapter: int) -> str:
    """The report of ``python -m scalargrad.check my-scalargrad --chapter N`` on the files.

    The checker's own steps for one file (:mod:`scalargrad.check.child`), in this
    process: load ``engine.py`` (which runs it), find ``Value``, take ``nn.py`` beside
    it, run the chapter's checks. No subprocess exists in the page, so no time limit:
    the page's Stop ends an endless check.
    """
    import os

    from scalargrad.check.learner import LoadError, find_value, load_file, with_nn_beside
    from scalargrad.check.report import Report
    from scalargrad.check.run import check_namespace

    write_files(folder, files)
    name = "engine.py"
    path = os.path.join(folder, name)
    if name not in files:
        return Report(file=name, chapter=chapter,
                      error="you have no engine.py yet: press \"Add to my engine\" under "
                            f"chapter {FIRST}'s listings, or type it").text()
    if folder not in sys.path:
        sys.path.append(folder)
    for file in READER_FILES:  # nn.py's `from engine import Value` loads the current text
        sys.modules.pop(file[:-3], None)
    try:
        namespace = load_file(path)
        find_value(namespace, name)
        beside = with_nn_beside(namespace, path)
    except LoadError as exc:
        return Report(file=name, chapter=chapter, error=str(exc)).text()
    report = check_namespace(namespace, chapter, name=name, speed=True)  # as the terminal
    if beside:
        report.notes.insert(0, beside)
    return report.text()



def use_my_files_json(folder: str, files_json: str) -> str:
    """:func:`use_my_files` with JSON in and out, for the JavaScript side."""
    return json.dumps(use_my_files(folder, json.loads(files_json)))


def check_my_files_json(folder: str, files_json: str, chapter: int) -> str:
    """:func:`check_my_files` with the files as JSON, for the JavaScript side."""
    return check_my_files(folder, json.loads(files_json), int(chapter))
