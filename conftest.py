"""The book's examples as tests: one pytest test per ``>>>`` example, with Sybil.

Every ``pycon`` block in ``docs/**/*.md`` and in ``README.md`` is read by
``docs/hooks/pycon_blocks.py``, the same reader the notebook hook uses, so a block is a
real fenced block here too (the closing fence is never part of an expected output). Each
example becomes a test named after its line in the Markdown file
(``docs/chapters/slope.md::line:12,column:1``); the examples of one file run top to
bottom in one namespace, as a reader's prompt would. They run with the doctest option
flags of ``[tool.pytest.ini_options] doctest_optionflags`` in pyproject.toml, and with any
``# doctest: +FLAG`` directive an example carries. A page under ``docs/`` is read as the
build shows it: its ``{{ chapter SLUG }}`` references rendered (docs/hooks/chapter_refs.py),
so an expected checker report says the number the checker prints.

The package's docstrings stay with pytest's own ``--doctest-modules``.
"""

from __future__ import annotations

import doctest
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from repotools import load_module
from sybil import Document, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator

ROOT = Path(__file__).resolve().parent


pycon_blocks = load_module(ROOT / "docs" / "hooks" / "pycon_blocks.py", "scalargrad_pycon_blocks")
chapter_refs = load_module(ROOT / "docs" / "hooks" / "chapter_refs.py", "scalargrad_chapter_refs")
DOCS = ROOT / "docs"


class BookPage(Document):
    """A Markdown file; under docs/, with its chapter references rendered as the build does."""

    @classmethod
    def parse(cls, path: str, *parsers, encoding: str = "utf-8") -> Document:
        file = Path(path).resolve()
        text = (chapter_refs.read(file, DOCS) if file.is_relative_to(DOCS)
                else file.read_text(encoding=encoding))
        document = cls(text, path)
        for parser in parsers:
            for region in parser(document):
                document.add(region)
        return document


def _flag(name: str) -> int:
    try:
        return doctest.OPTIONFLAGS_BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(doctest.OPTIONFLAGS_BY_NAME))
        raise ValueError(f"unknown doctest option flag {name!r}; known flags: {known}") from None


def project_optionflags() -> int:
    """The doctest option flags pyproject.toml sets for pytest."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        options = tomllib.load(f)["tool"]["pytest"]["ini_options"]
    flags = 0
    for name in str(options.get("doctest_optionflags", "")).split():
        flags |= _flag(name)
    return flags


_DIRECTIVE = re.compile(r"([+-])(\w+)")


def directive_options(directives: str, where: str) -> dict[int, bool]:
    """``# doctest: +ELLIPSIS -NORMALIZE_WHITESPACE`` as doctest's options mapping."""
    text = directives.partition("doctest:")[2]
    found = _DIRECTIVE.findall(text)
    if text.strip() and not found:
        raise ValueError(f"{where}: cannot read the doctest directive {directives.strip()!r}")
    try:
        return {_flag(name): sign == "+" for sign, name in found}
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def to_doctest(example, where: str) -> doctest.Example:
    """One example of the reader as a :class:`doctest.Example` (lineno is 0-based)."""
    want = "\n".join(example.want) + "\n" if example.want else ""
    exc_msg = None
    if example.raises:
        match = doctest.DocTestParser._EXCEPTION_RE.match(want)
        exc_msg = match.group("msg") if match else None
    return doctest.Example(
        example.code + "\n",
        want,
        exc_msg=exc_msg,
        lineno=example.lineno - 1,
        options=directive_options(example.directives, where),
    )


def parse_pycon(document: Document) -> Iterator[Region]:
    """Sybil parser: one region per example of every ``pycon`` block of a Markdown file."""
    evaluator = DocTestEvaluator(project_optionflags())
    for block in pycon_blocks.pycon_blocks(document.text):
        for example in block.examples:
            where = f"{document.path}:{example.lineno}"
            yield Region(example.start, example.end, to_doctest(example, where), evaluator)


pytest_collect_file = Sybil(
    parsers=[parse_pycon],
    # pytest offers Sybil the files under its testpaths (pyproject.toml): docs/ and README.md
    # among them. Path.match matches from the right, so "*.md" takes them at any depth.
    patterns=["*.md"],
    document_types={".md": BookPage},
    excludes=["docs/assets/*", "docs/assets/*/*"],
).pytest()
