"""The one reader of ``pycon`` blocks in the book's Markdown.

A chapter's examples are the ``>>>``/``...`` lines of its fenced ``pycon`` blocks, each
followed by the output the book shows. Every part of the project that reads them uses
this module: the notebook hook (one notebook per chapter), the per-example doctests,
and the tests that paste blocks into a prompt or run them in the page. So a block is
read the same way everywhere.

Fences may be indented (inside an admonition such as an exercise); the indent is
removed from the block's lines. Each block and each example keeps where it stands in
the file: a 1-based line number and character offsets into the Markdown text.

>>> text = 'Intro\\n\\n```pycon title="raises ValueError"\\n>>> 1 + 1\\n2\\n```\\n'
>>> [block] = pycon_blocks(text)
>>> block.lineno, block.title
(3, 'raises ValueError')
>>> [example] = block.examples
>>> example.source, example.want, example.lineno, example.exception
(['1 + 1'], ['2'], 4, None)
>>> text[example.start : example.end]
'>>> 1 + 1\\n2\\n'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")
EXERCISE = re.compile(r'^\?{3}\+?\s+question\s+"(?P<title>[^"]+)"')
DOCTEST_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):|^Traceback \(innermost last\):")
_EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::|$)")
_TITLE = re.compile(r'title="(?P<title>[^"]*)"')


@dataclass
class Example:
    """One ``>>>`` statement with its ``...`` continuation lines and its expected output."""

    source: list[str]  # the code, prompts removed, doctest directives removed
    want: list[str]  # the output the book shows, one string per line
    lineno: int  # 1-based line of the ``>>>`` line in the Markdown file
    start: int  # character offset of the ``>>>`` line
    end: int  # character offset just after the last output line
    directives: str = ""  # the ``# doctest: ...`` text of the first line, if any

    @property
    def skip(self) -> bool:
        """True if the example carries ``# doctest: +SKIP``."""
        return "+SKIP" in self.directives

    @property
    def raises(self) -> bool:
        """True if the expected output is a traceback."""
        return bool(self.want) and bool(TRACEBACK.match(self.want[0]))

    @property
    def exception(self) -> str | None:
        """The name of the exception the traceback ends with, as written, or None.

        As doctest reads it: the first line after the traceback header that starts with
        a name (``TypeError: ...`` gives ``TypeError``).
        """
        if not self.raises:
            return None
        for line in self.want[1:]:
            m = _EXCEPTION.match(line)
            if m:
                return m.group("name")
        return None

    @property
    def code(self) -> str:
        """The source as one string, as a prompt would receive it."""
        return "\n".join(self.source)


@dataclass
class Block:
    """One fenced ``pycon`` block."""

    lineno: int  # 1-based line of the opening fence
    info: str  # what follows the language on the fence line, e.g. 'title="..."'
    lines: list[str]  # the body, indent removed
    start: int  # character offset of the opening fence line
    end: int  # character offset just after the closing fence line
    examples: list[Example] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The fence's ``title="..."``, or None."""
        m = _TITLE.search(self.info)
        return m.group("title") if m else None

    @property
    def raises(self) -> bool:
        """True if any example of the block expects a traceback."""
        return any(example.raises for example in self.examples)


@dataclass
class Heading:
    """A section heading (``##``/``###``) or an exercise title, in document order."""

    text: str  # Markdown heading text, e.g. "## Exercises" or "### Exercise 1: ..."
    lineno: int


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def read(markdown: str) -> list[Heading | Block]:
    """The headings and ``pycon`` blocks of a Markdown text, top to bottom.

    Raises ValueError for a code fence that is never closed.
    """
    items: list[Heading | Block] = []
    lines = markdown.splitlines()
    starts = _line_starts(markdown)
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
            opening = i
            body: list[str] = []
            i += 1
            while i < len(lines):
                close = lines[i].strip()
                if close.startswith(fence[0] * len(fence)) and set(close) == {fence[0]}:
                    break
                body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
                i += 1
            else:
                raise ValueError(f"line {opening + 1}: code fence never closed: {line.strip()!r}")
            language, _, rest = info.partition(" ")
            if language.lstrip(".{") == "pycon":
                block = Block(
                    lineno=opening + 1,
                    info=rest.strip(),
                    lines=body,
                    start=starts[opening],
                    end=starts[i + 1],
                )
                block.examples = _examples(body, opening + 2, starts, len(indent))
                items.append(block)
            i += 1
            continue
        if not line.startswith((" ", "\t")):
            h = HEADING.match(line)
            if h:
                items.append(Heading(f"{h.group(1)} {h.group(2)}", i + 1))
            e = EXERCISE.match(line)
            if e:
                items.append(Heading(f"### {e.group('title')}", i + 1))
        i += 1
    return items


def pycon_blocks(markdown: str) -> list[Block]:
    """Only the ``pycon`` blocks of a Markdown text, top to bottom."""
    return [item for item in read(markdown) if isinstance(item, Block)]


def _examples(body: list[str], first_lineno: int, starts: list[int], indent: int) -> list[Example]:
    """Split a block's body into examples; ``first_lineno`` is the body's first line."""
    result: list[Example] = []
    current: Example | None = None
    for offset, line in enumerate(body):
        lineno = first_lineno + offset
        if line.startswith(">>>"):
            current = Example(
                source=[line[4:] if line.startswith(">>> ") else line[3:]],
                want=[],
                lineno=lineno,
                start=starts[lineno - 1] + indent,
                end=starts[lineno],
            )
            result.append(current)
        elif current is None:
            continue  # text before the first prompt is not part of any example
        elif line.startswith("...") and not current.want:
            current.source.append(line[4:] if line.startswith("... ") else line[3:])
            current.end = starts[lineno]
        else:
            current.want.append(line)
            if line.strip():
                current.end = starts[lineno]
    for example in result:
        while example.want and not example.want[-1].strip():
            example.want.pop()
        example.directives = " ".join(DOCTEST_DIRECTIVE.findall(example.source[0]))
        example.source = [DOCTEST_DIRECTIVE.sub("", s) for s in example.source]
        while example.source and not example.source[-1].strip():
            example.source.pop()
    return result
