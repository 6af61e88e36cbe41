"""The in-page runner's Python side: run one ``pycon`` block as doctest runs it.

The build publishes this file as ``runtime/runner_core.py``; the page's Web Worker
loads it into Pyodide and calls :func:`run_block_json` for each block. It needs only
the standard library, so the tests run it in CPython too.

A block's text is parsed with :class:`doctest.DocTestParser`, and every example is run
in the chapter's shared namespace and compared with :class:`doctest.OutputChecker`
under the project's option flags (``NORMALIZE_WHITESPACE``, as in pyproject.toml) and
the example's own ``# doctest:`` directives: the same comparison the doctests make.
Unlike :class:`doctest.DocTestRunner` it keeps what each example printed before an
exception, and a value that can draw itself as SVG (a graphviz graph) is drawn.

>>> result = run_block("demo", ">>> x = 6 * 7\\n>>> x\\n42\\n>>> x + 'a'\\n1\\n")
>>> [e["outcome"] for e in result["examples"]]
['match', 'match', 'raised']
>>> print(result["examples"][2]["got"].splitlines()[-1])
TypeError: unsupported operand type(s) for +: 'int' and 'str'

>>> forget("demo")
"""

from __future__ import annotations
import __future__

import builtins
import doctest
import io
import json
import math
import re
import sys
import traceback
from typing import Any

OPTIONFLAGS = doctest.NORMALIZE_WHITESPACE  # pyproject.toml: doctest_optionflags
MAX_LINES = 1000  # an example shows at most this many lines of output ...
MAX_CHARS = 200_000  # ... and at most this many characters; the rest is counted
_namespaces: dict[str, dict[str, Any]] = {}


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first lines written to it and counts the rest.

    A reader's ``for i in range(10**6): print(i)`` would otherwise put megabytes of
    text into the page. :meth:`getvalue` ends with a line saying how much was left out.

    >>> out = CappedOutput(max_lines=2)
    >>> for i in range(5):
    ...     _ = out.write(f"{i}\\n")
    >>> print(out.getvalue(), end="")
    0
    1
    … 3 more lines not shown (the page shows at most 2 lines or 200,000 characters).
    """

    def __init__(self, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS) -> None:
        super().__init__()
        self.max_lines, self.max_chars = max_lines, max_chars
        self._kept: list[str] = []
        self._size = 0  # characters kept
        self._lines = 0  # newlines kept
        self.cut = False  # some output was left out
        self._rest = io.StringIO()  # what was left out, only to count its lines

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.cut:  # only if this stream was not sys.stdout when it was cut
            self._rest.write(text)
            return len(text)
        end = min(len(text), self.max_chars - self._size)
        room = self.max_lines - self._lines  # newlines still allowed
        if text.count("\n", 0, end) >= room:
            end = -1
            for _ in range(room):
                end = text.index("\n", end + 1)
            end += 1
        self._kept.append(text[:end])
        self._size += end
        self._lines += text.count("\n", 0, end)
        if end < len(text):
            self.cut = True
            self._rest.write(text[end:])
            # print() looks sys.stdout up on every call: from now on the rest goes
            # straight to a C-level StringIO, which is many times faster than this method.
            if sys.stdout is self:
                sys.stdout = self._rest
            if sys.stderr is self:
                sys.stderr = self._rest
        return len(text)

    def getvalue(self) -> str:
        """What was kept, and a last line saying how much was not, if anything."""
        kept = "".join(self._kept)
        if not self.cut:
            return kept
        rest = self._rest.getvalue()
        more = rest.count("\n") + (not rest.endswith("\n"))
        if kept and not kept.endswith("\n"):
            kept += "\n"
        word = "line" if more == 1 else "lines"
        return (f"{kept}… {more:,} more {word} not shown (the page shows at most "
                f"{self.max_lines:,} lines or {self.max_chars:,} characters).\n")


def forget(key: str) -> None:
    """Drop the namespace of page ``key``: its next block starts afresh."""
    _namespaces.pop(key, None)


def _flags(example: doctest.Example) -> int:
    flags = OPTIONFLAGS
    for flag, on in example.options.items():
        flags = flags | flag if on else flags & ~flag
    return flags


def _compile_flags(globs: dict[str, Any]) -> int:
    """The ``from __future__`` flags the namespace holds, as doctest passes them on."""
    flags = 0
    for name in __future__.all_feature_names:
        feature = getattr(__future__, name)
        if globs.get(name) is feature:
            flags |= feature.compiler_flag
    return flags


# The headline of a report of scalargrad.check (Report.headline): an exercise that
# prints one is judged by it, not by whether its output is the book's.
_REPORT = re.compile(
    r"^.* \((?:chapter \d+|all it defines)\): "
    r"(?:(?P<passed>all \d+ checks passed)|\d+ of \d+ checks failed|could not be checked).*$",
    re.M,
)


def check_verdict(examples: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last checker report the examples printed: its headline and whether it passed.

    >>> check_verdict([{"got": "your code (chapter 3): all 4 checks passed\\n  ok  x\\n"}])
    {'headline': 'your code (chapter 3): all 4 checks passed', 'passed': True}
    >>> check_verdict([{"got": "42\\n"}]) is None
    True
    """
    verdict = None
    for example in examples:
        for found in _REPORT.finditer(example.get("got", "")):
            verdict = {"headline": found.group(0), "passed": found.group("passed") is not None}
            example["report"] = True
    return verdict


_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def _only_rounding(want: str, got: str) -> bool:
    """True if ``got`` is ``want`` but for floats that differ in their last digits.

    The page's Python has another maths library (the browser's C library, not the
    build machine's), and ``exp`` or ``tanh`` may round the last bit differently.
    """
    wanted, gotten = _NUMBER.findall(want), _NUMBER.findall(got)
    if not wanted or len(wanted) != len(gotten):
        return False
    if _NUMBER.sub("#", want).split() != _NUMBER.sub("#", got).split():
        return False
    return all(
        math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-300)
        for a, b in zip(wanted, gotten, strict=True)
    )


def _exception_name(message: str) -> str:
    """``ValueError`` from ``mod.ValueError: detail``, as IGNORE_EXCEPTION_DETAIL compares."""
    return message.split(":")[0].rsplit(".")[-1].strip()


def _traceback(exc: BaseException) -> str:
    """The traceback as Python prints it, without this runner's own frame."""
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def _draw(value: Any) -> tuple[str | None, str | None]:
    """(svg, None) for a value that draws itself as SVG, (None, error) if drawing failed."""
    draw = getattr(value, "_repr_image_svg_xml", None)
    if not callable(draw):
        return None, None
    try:
        svg = draw()
    except Exception as exc:  # the graph is still shown as text; say why it is not drawn
        return None, f"{type(exc).__name__}: {exc}"
    return (svg if isinstance(svg, str) else None), None


def _run_example(
    example: doctest.Example, index: int, globs: dict[str, Any], name: str
) -> dict[str, Any]:
    flags = _flags(example)
    record: dict[str, Any] = {
        "source": example.source,
        "want": example.want,
        "lineno": example.lineno,
        "svg": [],
        "drawing_errors": [],
    }
    if flags & doctest.SKIP:
        return {**record, "outcome": "skipped", "got": "", "stderr": "", "exception": None}
    out, err = CappedOutput(), CappedOutput()

    def display(value: Any) -> None:
        if value is None:
            return
        builtins._ = value  # type: ignore[attr-defined]
        svg, problem = _draw(value)
        if svg is not None:
            record["svg"].append(svg)
        if problem is not None:
            record["drawing_errors"].append(problem)
        out.write(repr(value) + "\n")

    saved = sys.stdout, sys.stderr, sys.displayhook
    sys.stdout, sys.stderr, sys.displayhook = out, err, display
    exception: BaseException | None = None
    try:
        filename = f"<{name}, example {index + 1}>"
        code = compile(example.source, filename, "single", _compile_flags(globs), True)
        exec(code, globs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the reader's code may raise anything, SystemExit included
        exception = exc
    finally:
        sys.stdout, sys.stderr, sys.displayhook = saved
    got = out.getvalue()
    checker = doctest.OutputChecker()
    if exception is None:
        outcome = "match" if checker.check_output(example.want, got, flags) else "differs"
        if outcome == "differs" and _only_rounding(example.want, got):
            outcome = "rounding"
        return {**record, "outcome": outcome, "got": got, "stderr": err.getvalue(),
                "exception": None}
    message = traceback.format_exception_only(type(exception), exception)[-1]
    if example.exc_msg is None:
        outcome = "raised"
    else:
        same = checker.check_output(example.exc_msg, message, flags) or (
            flags & doctest.IGNORE_EXCEPTION_DETAIL
            and _exception_name(message) == _exception_name(example.exc_msg)
        )
        outcome = "match" if same else "differs"
    return {**record, "outcome": outcome, "got": got + _traceback(exception),
            "stderr": err.getvalue(), "exception": type(exception).__name__}


def run_block(key: str, text: str, name: str = "block") -> dict[str, Any]:
    """Run the examples of one block in page ``key``'s namespace; what each one gave.

    The result has ``examples`` (one dict per example: ``outcome`` is ``match``,
    ``rounding`` (the book's output but for the last digits of a float), ``differs``,
    ``raised`` or ``skipped``; ``got`` the output or traceback, at most
    :data:`MAX_LINES` lines; ``report`` true if it printed a checker's report) and
    ``check`` (:func:`check_verdict`: the checker's verdict, if a report was printed) or, when
    the text cannot be read as examples, ``error``: what is wrong with it.
    """
    globs = _namespaces.setdefault(key, {"__name__": "__main__", "__builtins__": builtins})
    try:
        examples = doctest.DocTestParser().get_examples(text, name)
    except ValueError as exc:
        problem = str(exc).replace(f"of the docstring for {name}", "of the block")
        return {"error": f"This block cannot be read as Python examples: {problem}. "
                         "Each statement starts with '>>> ' (a space after the prompt), "
                         "continuation lines with '... ', and output follows unprompted."}
    if not examples:
        return {"error": "This block has no examples: a statement starts with '>>> '."}
    results = [_run_example(e, i, globs, name) for i, e in enumerate(examples)]
    return {"examples": results, "check": check_verdict(results)}


def run_block_json(key: str, text: str, name: str = "block") -> str:
    """:func:`run_block` as a JSON string, for the JavaScript side."""
    return json.dumps(run_block(key, text, name))


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

# The reader's files, as the book names them, and the package module each one stands for.
READER_FILES = ("engine.py", "nn.py", "training.py", "datasets.py")


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
    """Make ``scalargrad.engine`` (and ``.nn``, ...) the reader's files, in this Python.

    The files go into ``folder`` as sibling modules (``engine``, ``nn``, ...; they import
    each other as ``from engine import Value``, as in a terminal), ``folder`` goes first
    on ``sys.path``, and each one replaces its package module in ``sys.modules`` and the
    names the package takes from it (``scalargrad.Value``). So the chapter's
    ``from scalargrad import Value`` gets the reader's class. Call it in a fresh Python,
    before any example: modules imported earlier keep the book's classes. The result
    says which modules are the reader's (``mine``), which the book's (``book``), or,
    when a file cannot be imported, ``error``: which one and its traceback.
    """
    import importlib

    import scalargrad

    write_files(folder, files)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    importlib.invalidate_caches()
    mine: list[str] = []
    for file in READER_FILES:
        if file not in files:
            continue
        stem = file[:-3]
        sys.modules.pop(stem, None)
        try:
            module = importlib.import_module(stem)
        except BaseException as exc:  # the reader's file may raise anything
            return {"error": f"your {file} could not be imported:\n{_traceback(exc)}"}
        sys.modules[f"scalargrad.{stem}"] = module
        setattr(scalargrad, stem, module)
        for name, value in list(vars(scalargrad).items()):
            if getattr(value, "__module__", None) == f"scalargrad.{stem}" and hasattr(module, name):
                setattr(scalargrad, name, getattr(module, name))
        mine.append(file)
    book = [f for f in READER_FILES if f not in mine]
    return {"mine": mine, "book": book}


def check_my_files(folder: str, files: dict[str, str], chapter: int) -> str:
    """The report of ``python -m scalargrad.check engine.py --chapter N`` on the files.

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
                            "chapter 3's listings, or type it").text()
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
