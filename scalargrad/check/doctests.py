"""Running the book's examples as doctest runs them, on the book's scalargrad or on yours.

One implementation for the page and the terminal: the page's runner
(docs/hooks/runner_core.py, in Pyodide) and ``python -m scalargrad.check DIR
--chapter N --examples`` (:mod:`scalargrad.check.examples`, in a sandboxed child)
both run a block with :func:`run_block`.

A block's text is parsed with :class:`doctest.DocTestParser`, and every example is run
in the chapter's shared namespace and compared with :class:`doctest.OutputChecker`
under the project's option flags (``NORMALIZE_WHITESPACE``, as in pyproject.toml) and
the example's own ``# doctest:`` directives: the same comparison the doctests make.
Unlike :class:`doctest.DocTestRunner` it keeps what each example printed before an
exception, and a value that can draw itself as SVG (a graphviz graph) is drawn. A
block the reader typed without prompts is plain Python: it runs as a file does, in the
same namespace, and the value of its last line, if that is an expression, is shown as
at a prompt (outcome ``ran``: there is no book output to compare with).

**Your files in place of the package's** (:func:`use_my_files`): your ``engine.py``,
``nn.py``, ``training.py`` and ``datasets.py`` stand in for ``scalargrad.engine`` and
the others, so that a chapter's ``from scalargrad import Value`` gives your class. The
book's other modules (``scalargrad.viz``, ``numeric``, ``pitfalls``, ``closures``,
``check``, ...) are imported first and stay the book's, as they are for a reader who
types the examples with the package installed. A name your files do not define yet
is not taken from the book: ``from scalargrad import build_topo`` fails before chapter
6. A block the book labels as needing the book's package runs with ``book=True``
(:func:`on_the_book`): while it runs, the names it uses from your files are the
book's, and afterwards the names it made from the book's modules are yours again.

>>> result = run_block("demo", ">>> x = 6 * 7\\n>>> x\\n42\\n>>> x + 'a'\\n1\\n")
>>> [e["outcome"] for e in result["examples"]]
['match', 'match', 'raised']
>>> print(result["examples"][2]["got"].splitlines()[-1])
TypeError: unsupported operand type(s) for +: 'int' and 'str'

>>> forget("demo")
"""

from __future__ import annotations
import __future__

import ast
import builtins
import contextlib
import doctest
import importlib
import io
import math
import re
import sys
import traceback
from collections.abc import Iterator
from typing import Any

__all__ = ["CappedOutput", "check_verdict", "forget", "on_the_book", "run_block",
           "use_my_files"]

OPTIONFLAGS = doctest.NORMALIZE_WHITESPACE  # pyproject.toml: doctest_optionflags
MAX_LINES = 1000  # an example shows at most this many lines of output ...
MAX_CHARS = 200_000  # ... and at most this many characters; the rest is counted
_namespaces: dict[str, dict[str, Any]] = {}
_PROMPT = re.compile(r"^\s*>>>", re.MULTILINE)  # a line that starts an example


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
    """The last checker report the examples printed: its headline, whether it passed,
    and the names of the checks it says failed (``FAIL  NAME: ...``), in its order.

    >>> check_verdict([{"got": "your code (chapter 3): all 4 checks passed\\n  ok  x\\n"}])
    {'headline': 'your code (chapter 3): all 4 checks passed', 'passed': True, 'failed': []}
    >>> report = ("your code (chapter 3): 1 of 4 checks failed\\n"
    ...           "  FAIL  children: `(a * b)._prev` should hold a and b\\n")
    >>> check_verdict([{"got": report}])["failed"]
    ['children']
    >>> check_verdict([{"got": "42\\n"}]) is None
    True
    """
    verdict = None
    for example in examples:
        got = example.get("got", "")
        for found in _REPORT.finditer(got):
            verdict = {"headline": found.group(0), "passed": found.group("passed") is not None,
                       "failed": _failed(got[found.end():])}
            example["report"] = True
    return verdict


# A failed check's line of a report (Report.text): its name, then what it saw.
_FAILED = re.compile(r"^  FAIL  (?P<name>.+?): ", re.M)
_REPORT_LINE = re.compile(r"^(?:  .*)?$")  # a report's lines after its headline are indented


def _failed(rest: str) -> list[str]:
    """The names of the failed checks of the report whose lines start ``rest``."""
    lines = rest.split("\n")[1:]  # rest starts with the end of the headline's line
    end = next((i for i, line in enumerate(lines) if not _REPORT_LINE.match(line)), len(lines))
    return [m.group("name") for m in _FAILED.finditer("\n".join(lines[:end]))]


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


@contextlib.contextmanager
def _captured(record: dict[str, Any]) -> Iterator[tuple[CappedOutput, CappedOutput]]:
    """Capture what runs inside: its output, its errors, and values shown as at a prompt.

    A value that draws itself (a graphviz graph) is drawn into ``record["svg"]``.
    """
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
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr, sys.displayhook = saved


def _run_script(text: str, globs: dict[str, Any], name: str) -> dict[str, Any]:
    """Run plain Python (no prompts) as a script; the last expression's value is shown.

    >>> result = _run_script("x = 6 * 7\\nprint('x is', x)\\nx + 1\\n", {}, "demo")
    >>> result["outcome"], result["got"]
    ('ran', 'x is 42\\n43\\n')
    >>> _run_script("x = (1,\\n", {}, "demo")["got"].splitlines()[-1]
    "SyntaxError: '(' was never closed"
    """
    record: dict[str, Any] = {"source": text, "want": "", "lineno": 1, "svg": [],
                              "drawing_errors": [], "plain": True}
    filename = f"<{name}>"
    exception: BaseException | None = None
    with _captured(record) as (out, err):
        try:
            tree = ast.parse(text, filename)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            flags = _compile_flags(globs)
            exec(compile(tree, filename, "exec", flags, True), globs)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval", flags, True),
                             globs)
                sys.displayhook(value)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the reader's code may raise anything
            exception = exc
    got = out.getvalue() + ("" if exception is None else _traceback(exception))
    return {**record, "outcome": "ran" if exception is None else "raised", "got": got,
            "stderr": err.getvalue(),
            "exception": None if exception is None else type(exception).__name__}


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
    exception: BaseException | None = None
    with _captured(record) as (out, err):
        try:
            filename = f"<{name}, example {index + 1}>"
            code = compile(example.source, filename, "single", _compile_flags(globs), True)
            exec(code, globs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the reader's code may raise anything, SystemExit too
            exception = exc
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


def run_block(key: str, text: str, name: str = "block", *,
              book: bool = False) -> dict[str, Any]:
    """Run the examples of one block in page ``key``'s namespace; what each one gave.

    ``book``: the block runs on the book's scalargrad (:func:`on_the_book`), when
    :func:`use_my_files` has put the reader's files in its place.

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
                         "continuation lines with '... ', and output follows unprompted. "
                         "Or remove every prompt: plain Python runs as a file does."}
    if not text.strip():
        return {"error": "This block is empty: type Python, as in a file, or examples "
                         "whose statements start with '>>> '."}
    if not examples and _PROMPT.search(text):
        return {"error": "This block has a '>>>' but no example: a statement starts with "
                         "'>>> ' (a space after the prompt). Or remove every prompt: "
                         "plain Python runs as a file does."}
    plain = not examples
    with on_the_book(globs) if book else contextlib.nullcontext():
        if plain:  # ordinary Python, typed by the reader
            results = [_run_script(text, globs, name)]
        else:
            results = [_run_example(e, i, globs, name) for i, e in enumerate(examples)]
    return {"examples": results, "check": check_verdict(results)}


# --- your files in place of the package's --------------------------------------------------

#: The reader's files, as the book names them; each stands in for ``scalargrad.<stem>``.
READER_FILES = ("engine.py", "nn.py", "training.py", "datasets.py")
#: The book's other modules, imported before the reader's files replace the package's
#: own: they keep the book's engine (those that need an extra, such as NumPy, only
#: if it is installed).
BOOK_MODULES = ("numeric", "ops", "graphs", "plots", "viz", "pitfalls", "closures",
                "forward", "tensor", "check", "check.run")

_swap: dict[str, dict[str, Any]] = {}  # "book" and "mine": module stem -> module


def _book_names(module: Any) -> dict[str, Any]:
    """The public top-level objects of one of the package's modules, by name."""
    return {n: v for n, v in vars(module).items() if not n.startswith("__")}


def use_my_files(folder: str) -> dict[str, Any]:
    """Make the reader's ``engine.py`` (``nn.py``, ...) in ``folder`` the package's modules.

    Call it in a fresh Python, before any example. The book's other modules are imported
    first and keep the book's classes; then each of the reader's files that exists is
    imported as its own module (``engine``, so that ``from engine import Value`` in
    ``nn.py`` finds it) and put in place of ``scalargrad.engine``, and the package's
    names (``scalargrad.Value``) become the file's, or go when the file has no such
    name. The result says which files are the reader's (``mine``) and which the book's
    (``book``), or, when a file cannot be imported, ``error``: which one, and why.
    """
    import os

    import scalargrad

    for name in BOOK_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(f"scalargrad.{name}")
    book = {stem[:-3]: sys.modules[f"scalargrad.{stem[:-3]}"] for stem in READER_FILES}
    top = _book_names(scalargrad)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    importlib.invalidate_caches()
    mine: dict[str, Any] = {}
    for file in READER_FILES:
        stem = file[:-3]
        if not os.path.isfile(os.path.join(folder, file)):
            continue
        sys.modules.pop(stem, None)
        try:
            mine[stem] = importlib.import_module(stem)
        except BaseException as exc:  # the reader's file may raise anything
            return {"error": f"your {file} could not be imported:\n{_traceback(exc)}"}
    _swap.update(book=book, mine=mine, top=top)
    _install("mine")
    return {"mine": [f"{s}.py" for s in mine],
            "book": [f for f in READER_FILES if f[:-3] not in mine]}


def _install(which: str) -> None:
    """Put the book's modules (``"book"``) or the reader's (``"mine"``) in the package."""
    import scalargrad

    book, mine, top = _swap["book"], _swap["mine"], _swap["top"]
    for stem, module in (mine if which == "mine" else {s: book[s] for s in mine}).items():
        sys.modules[f"scalargrad.{stem}"] = module
        setattr(scalargrad, stem, module)
        for name, value in top.items():
            if getattr(value, "__module__", None) != f"scalargrad.{stem}":
                continue
            if which == "book":
                setattr(scalargrad, name, value)
            elif hasattr(module, name):
                setattr(scalargrad, name, getattr(module, name))
            elif hasattr(scalargrad, name):
                delattr(scalargrad, name)


def _defined(module: Any) -> dict[int, str]:
    """The classes and functions a module defines itself: id -> name."""
    return {id(v): n for n, v in vars(module).items()
            if getattr(v, "__module__", None) == module.__name__}


def _counterpart(value: Any, source: str, target: str) -> tuple[bool, Any]:
    """Whether ``value`` is a class or function that one of ``source``'s reader modules
    (``"mine"`` or ``"book"``) defines, and then the same name of ``target``'s module
    (:data:`_MISSING` when that module has no such name)."""
    for stem in _swap["mine"]:
        name = _defined(_swap[source][stem]).get(id(value))
        if name is not None:
            return True, getattr(_swap[target][stem], name, _MISSING)
    return False, None


_MISSING = object()


@contextlib.contextmanager
def on_the_book(globs: dict[str, Any]) -> Iterator[None]:
    """While a block runs, the names it takes from the reader's files are the book's.

    Without :func:`use_my_files` this does nothing. Otherwise the package's modules
    are the book's again for the block (its imports get the book's), and the names of
    ``globs`` that hold the reader's classes and functions hold the book's ones of the
    same name. Afterwards the reader's files are back, and every name that holds one
    of the book's classes or functions from those modules holds the reader's of the
    same name again, or goes, when the reader's file has none.
    """
    if not _swap:
        yield
        return
    for name, value in list(globs.items()):
        found, book = _counterpart(value, "mine", "book")
        if found and book is not _MISSING:
            globs[name] = book
    _install("book")
    try:
        yield
    finally:
        _install("mine")
        for name, value in list(globs.items()):
            found, mine = _counterpart(value, "book", "mine")
            if found and mine is _MISSING:
                del globs[name]
            elif found:
                globs[name] = mine
