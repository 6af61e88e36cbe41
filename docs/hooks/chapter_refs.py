"""MkDocs hook: cross references to chapters, written by slug, numbered by the build.

A page never types a chapter's number; it names the chapter by its slug (its place in
:data:`scalargrad.chapters.CHAPTERS` is its number) and the build writes the number
and a link (N being the number of the chapter ``mlp``, M that of ``value``)::

    {{ chapter mlp }}                       ->  [chapter N](mlp.md)
    {{ Chapter value#check-your-engine }}   ->  [Chapter M](value.md#check-your-engine)
    {{ chapters value to more-operations }} ->  chapters [M](value.md) to [...](...)
    {{ chapters pytorch, testing and tensors }}

The word (``chapter``, ``Chapter``, ``chapters``, ``Chapters``) is written as given;
between slugs, only ``to``, ``and``, ``or`` and commas. In a heading or a box's title
(``???``, ``!!!``), inside a fenced block or inline code, and for a reference of a page
to itself, the number is plain text.
The links are ordinary relative links to the chapter files, which the strict build
checks. An unknown slug, or a ``{{ chapter`` that is not a well-formed reference, fails
the build. ``tests/test_chapter_refs.py`` fails on a chapter number typed by hand.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from scalargrad.chapters import CHAPTERS, number

WORDS = ("chapter", "Chapter", "chapters", "Chapters")
TOKEN = re.compile(r"\{\{ (?P<word>[Cc]hapters?) (?P<body>[a-z0-9#, -]+?) \}\}")
OPENING = re.compile(r"\{\{ *[Cc]hapters?\b")
_PART = re.compile(r"(?P<slug>[a-z0-9-]+)(?:#(?P<anchor>[a-z0-9_-]+))?$")
_JOINS = (",", "to", "and", "or")
#: Lines whose inline links would not work: headings and the titles of boxes.
_PLAIN_LINE = re.compile(r"^\s*(?:#|\?\?\?|!!!)")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
DOCS = Path(__file__).resolve().parents[1]


def files_by_slug() -> dict[str, str]:
    """Each chapter's Markdown file (``chapters/mlp.md``), by slug."""
    return {slug: f"chapters/{slug}.md" for slug in CHAPTERS}


def render(word: str, body: str, page_uri: str, targets: dict[str, str], plain: bool) -> str:
    """One reference: ``word`` and the numbers of the slugs of ``body``, linked.

    >>> targets = {"value": "chapters/value.md", "mlp": "chapters/mlp.md"}
    >>> render("chapter", "mlp", "chapters/value.md", targets, False)
    '[chapter 10](mlp.md)'
    >>> render("Chapters", "value to mlp", "index.md", targets, False)
    'Chapters [3](chapters/value.md) to [10](chapters/mlp.md)'
    >>> render("chapters", "value, mlp and value", "chapters/mlp.md", targets, True)
    'chapters 3, 10 and 3'
    >>> render("chapter", "mlp", "notebooks/lecture.py", {"mlp": "https://x.org/mlp/"}, False)
    '[chapter 10](https://x.org/mlp/)'
    """
    parts = re.findall(r",|[^\s,]+", body)
    slugs, joins = parts[::2], parts[1::2]
    if len(parts) % 2 == 0 or any(j not in _JOINS for j in joins) \
            or (len(slugs) > 1) != word.endswith("s"):
        raise ValueError(f"write {{{{ {word} SLUG }}}} for one chapter, or "
                         f"{{{{ {word} SLUG to SLUG }}}} (and, or, commas) for several")
    numbers = []
    for part in slugs:
        m = _PART.match(part)
        if not m or m["slug"] not in CHAPTERS:
            raise ValueError(f"{part!r} is not a chapter's slug; the slugs are "
                             f"{', '.join(CHAPTERS)}")
        text = str(number(m["slug"]))
        target = targets[m["slug"]]
        # a site's address (a notebook links to the hosted book) as it is, a file relative
        link = target if "://" in target else posixpath.relpath(
            target, posixpath.dirname(page_uri) or ".")
        anchor = f"#{m['anchor']}" if m["anchor"] else ""
        if plain or (target == page_uri and not anchor):
            numbers.append(text)
        elif len(slugs) == 1:
            return f"[{word} {text}]({link}{anchor})"
        else:
            numbers.append(f"[{text}]({link}{anchor})")
    out = numbers[0]
    for join, text in zip(joins, numbers[1:], strict=True):
        out += f"{',' if join == ',' else ' ' + join} {text}"
    return f"{word} {out}"


def substitute(markdown: str, page_uri: str, targets: dict[str, str]) -> str:
    """``markdown`` with every ``{{ chapter SLUG }}`` reference rendered.

    Inside a fenced block the number is plain text: a checker's report the book shows
    (``your code ({{ chapter mlp }}): ...``) shows the number as the checker prints it.
    """
    if "{{" not in markdown:
        return markdown
    lines, fence = [], None
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening["fence"]
            plain = True
        elif fence is not None:
            plain = True
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        else:
            plain = bool(_PLAIN_LINE.match(line))

        def one(m: re.Match[str], plain: bool = plain) -> str:
            try:
                return render(m["word"], m["body"], page_uri, targets, plain)
            except ValueError as exc:
                raise PluginError(f"chapter_refs: {page_uri}: {m[0]}: {exc}") from None

        # inside inline code, as inside a fence, the number is plain: `--chapter ...` output
        line = _CODE_SPAN.sub(lambda span: TOKEN.sub(lambda m: one(m, True), span[0]), line)
        line = TOKEN.sub(one, line)
        bad = OPENING.search(line)
        if bad:
            raise PluginError(f"chapter_refs: {page_uri}: malformed reference "
                              f"{line[bad.start():][:40]!r}: write {{{{ chapter SLUG }}}}")
        lines.append(line)
    return "\n".join(lines)


def read(path: Path, docs: Path = DOCS) -> str:
    """The page ``path`` (under ``docs``) with its references rendered, as the build has it.

    For readers of a page's examples outside the build (the doctests, the walk's
    examples, tests): what a block shows is what the page shows.
    """
    uri = Path(path).resolve().relative_to(Path(docs).resolve()).as_posix()
    return substitute(Path(path).read_text(encoding="utf-8"), uri, files_by_slug())


@event_priority(90)  # after listings.py has put in the reader's files (which hold none)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return substitute(markdown, page.file.src_uri, files_by_slug())
