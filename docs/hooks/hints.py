"""MkDocs hook: which hint of an exercise fits a check that failed.

An exercise that ends in a checker report (its code calls ``check_namespace``) may say,
on a hint's title line, which failed checks that hint fits, by the names the report
prints after ``FAIL`` (the checks' titles, scalargrad/check/checks.py), separated by
``;``::

    ??? tip "Hint 2" fits="children; values"

A name that holds a chapter's number is written with its slug,
``fits="{{ chapter backprop-by-hand }}'s L = (a*b + c) * f"``: docs/hooks/chapter_refs.py
writes the number first. The build fails when a name is not one of the checker's, when
the exercise's check never runs it (the checks of the chapter its ``check_namespace``
call names), or when the exercise calls no ``check_namespace`` at all.

The page gets the title line without the tag; the hint's ``<details>`` carries the names
in ``data-sg-fits`` (a JSON list). When a run of a block in the exercise prints a report
whose checks failed (``scalargrad.check.doctests.check_verdict`` names them), the page's
runner (docs/assets/javascripts/runner.js) names the first hint not yet opened that fits
one of them, with a button that opens it.
"""

from __future__ import annotations

import ast
import difflib
import html
import json
import re
from dataclasses import dataclass, field

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import pycon_blocks
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from scalargrad.chapters import CHAPTERS, number
from scalargrad.check.chapters import validate
from scalargrad.check.checks import titles_at

#: A hint's title line, with the tag when it has one.
HINT = re.compile(r'^(?P<head> *\?{3}\+? +tip +"(?P<title>Hint(?: \d)?)")'
                  r'(?: +fits="(?P<fits>[^"]*)")? *$')
#: A chapter reference in a name, as the Markdown has it before chapter_refs.py ran.
_REF = re.compile(r"\{\{ chapter (?P<slug>[a-z0-9-]+) \}\}")
_CALL = "check_namespace"
#: A hint's box as the page has it (pymdownx.details).
_HTML_HINT = re.compile(r'<details class="tip">(?=\s*<summary>Hint(?: \d)?</summary>)')


@dataclass
class Hint:
    """One hint of an exercise, and the failed checks it fits (none: no tag)."""

    title: str
    lineno: int
    fits: list[str]


@dataclass
class Exercise:
    """One exercise: its hints, and the ``check_namespace`` calls of its code."""

    title: str
    lineno: int  # its ``??? question`` line
    end: int  # its last line
    hints: list[Hint] = field(default_factory=list)
    calls: list[tuple[str, int | None]] = field(default_factory=list)  # (source, chapter)

    @property
    def checks(self) -> list[str]:
        """The names of the checks its check runs, in the checker's order."""
        found: list[str] = []
        for _, chapter in self.calls:
            found += [t for t in titles_at(chapter) if t not in found]
        return found


def names(fits: str) -> list[str]:
    """The check names of a tag's text: ``;`` between them, chapter references numbered.

    >>> names("children; values ")
    ['children', 'values']
    >>> names("{{ chapter backprop-by-hand }}'s L") == [f"chapter {number('backprop-by-hand')}'s L"]
    True
    """
    def numbered(m: re.Match[str]) -> str:
        if m.group("slug") not in CHAPTERS:
            raise ValueError(f"unknown chapter slug {m.group('slug')!r}")
        return f"chapter {number(m.group('slug'))}"

    return [_REF.sub(numbered, part).strip() for part in fits.split(";") if part.strip()]


def _calls(code: str) -> list[tuple[str, int | None]]:
    """The ``check_namespace(...)`` calls of one example: their source and chapter."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name != _CALL:
            continue
        given = [k.value for k in node.keywords if k.arg == "chapter"] + node.args[1:2]
        chapter = validate(ast.literal_eval(given[0])) if given else None
        found.append((ast.get_source_segment(code, node) or "", chapter))
    return found


def exercises(markdown: str) -> list[Exercise]:
    """The exercises of a chapter, with their hints and their checks' calls.

    Raises ValueError for a tag with an unknown chapter slug or a call whose chapter the
    checker does not know.
    """
    lines = markdown.splitlines()
    found: list[Exercise] = []
    for i, line in enumerate(lines):
        m = pycon_blocks.EXERCISE.match(line)
        if m:
            found.append(Exercise(m.group("title"), i + 1, i + 1))
        elif found and (not line.strip() or line.startswith("    ")) \
                and found[-1].end == i:
            found[-1].end = i + 1
    blocks = pycon_blocks.pycon_blocks(markdown)
    for exercise in found:
        for i in range(exercise.lineno, exercise.end):
            m = HINT.match(lines[i])
            if m:
                where = f"line {i + 1}"
                try:
                    fits = names(m.group("fits") or "")
                except ValueError as exc:
                    raise ValueError(f"{where}: {exc}") from None
                exercise.hints.append(Hint(m.group("title"), i + 1, fits))
        for block in blocks:
            if exercise.lineno < block.lineno <= exercise.end:
                for example in block.examples:
                    try:
                        exercise.calls += _calls(example.code)
                    except ValueError as exc:
                        raise ValueError(f"line {example.lineno}: {exc}") from None
    return found


def problems(exercise: Exercise) -> list[str]:
    """What is wrong with the tags of an exercise's hints; empty if all is well."""
    found = []
    known = titles_at(None)
    runs = exercise.checks
    for hint in exercise.hints:
        at = f"line {hint.lineno}: exercise {exercise.title!r}, {hint.title!r} fits"
        for name in hint.fits:
            if name not in known:
                near = difflib.get_close_matches(name, known, n=1)
                guess = f"did you mean {near[0]!r}? " if near else ""
                found.append(f"{at} {name!r}, which is not one of the checker's checks; "
                             f"{guess}they are: {'; '.join(known)}")
            elif not exercise.calls:
                found.append(f"{at} {name!r}, but the exercise never calls {_CALL}: "
                             "a tag names a check of the exercise's own check")
            elif name not in runs:
                found.append(f"{at} {name!r}, which the exercise's check ("
                             f"{', '.join(s for s, _ in exercise.calls)}) never runs; "
                             f"it runs: {'; '.join(runs)}")
    return found


def strip(markdown: str) -> tuple[str, list[list[str]]]:
    """The Markdown without the tags, and each hint's names (``[]``: none), in order."""
    lines = markdown.splitlines(keepends=True)
    fits = []
    for i, line in enumerate(lines):
        m = HINT.match(line.rstrip("\n"))
        if m:
            fits.append(names(m.group("fits") or ""))
            lines[i] = m.group("head") + "\n"
    return "".join(lines), fits


def mark(page_html: str, fits: list[list[str]], where: str) -> str:
    """Put each tagged hint's names on its ``<details>``, pairing hints in page order."""
    shown = len(_HTML_HINT.findall(page_html))
    if shown != len(fits):
        raise PluginError(f"hints: {where}: {len(fits)} hints in the Markdown but {shown} "
                          "in the page; tags are paired with hints by order")
    names_of = iter(fits)

    def tagged(_m: re.Match[str]) -> str:
        these = next(names_of)
        if not these:
            return '<details class="tip">'
        value = html.escape(json.dumps(these, ensure_ascii=False), quote=True)
        return f'<details class="tip" data-sg-fits="{value}">'

    return _HTML_HINT.sub(tagged, page_html)


# --- the hook ----------------------------------------------------------------------

_fits: dict[str, list[list[str]]] = {}  # page src_uri -> each hint's names, in order


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _fits.pop(page.file.src_uri, None)
    if not any(HINT.match(line) and "fits=" in line for line in markdown.splitlines()):
        return markdown
    where = page.file.src_uri
    try:
        found = [p for exercise in exercises(markdown) for p in problems(exercise)]
    except ValueError as exc:
        raise PluginError(f"hints: {where}: {exc}") from None
    if found:
        raise PluginError("hints: " + "\n".join(f"{where}: {p}" for p in found))
    markdown, fits = strip(markdown)
    _fits[where] = fits
    return markdown


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    fits = _fits.get(page.file.src_uri)
    return html_text if fits is None else mark(html_text, fits, page.file.src_uri)
