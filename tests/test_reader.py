"""The book as a reader uses it: copy an example, paste it into a prompt, read the code.

* Every ``pycon`` example block of every page, copied as the copy button copies it (the
  code only), pastes into a classic Python prompt (``code.InteractiveConsole``, one per
  page, blocks in page order, as a reader who follows the page would) and runs: no
  ``SyntaxError``, no ``NameError``, no exception at all in a block that is not marked
  as raising, and exactly the expected exception in a block that is.
* "As the copy button copies it" is derived twice: from the Markdown with
  ``docs/hooks/pycon_blocks.py`` (prompt lines without their prompt; a bare ``...``
  line is an empty line; output and tracebacks dropped), and from the built HTML, with
  the ``.gp``/``.go`` spans removed exactly as ``scalargrad.css`` hides them while
  Material copies. A test proves the two agree on every built page, so the paste test
  can read the Markdown (README.md is not part of the site).
* A block whose example expects a traceback carries the mark ``docs/hooks/pycon.py``
  derives from it ("raises TypeError", ``data-raises``); no other block does; a block
  holds one raising example.
* No line of any ``<pre>`` on a chapter page is wider than 80 characters, as rendered.

The HTML checks read ``site/``, which ``make test`` builds first.
"""

from __future__ import annotations

import builtins
import code
import contextlib
import doctest
import io
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from scalargrad.chapters import CHAPTERS
from tests.test_site import load_hook

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WIDTH = 80

reader = load_hook("pycon_blocks")
chapter_refs = load_hook("chapter_refs")
QUESTION_CODE = load_hook("questions").RUN_TITLE  # the title of a question's code block


def page_text(page: Path) -> str:
    """A page's Markdown as the build has it: under docs/, its chapter references rendered."""
    return chapter_refs.read(page) if page.is_relative_to(DOCS) else page.read_text("utf-8")


def _markdown_pages() -> list[Path]:
    """Every Markdown page that holds pycon blocks, chapters first."""
    pages = sorted((DOCS / "chapters").glob("*.md"))
    pages += [DOCS / "index.md", *sorted((DOCS / "reference").glob("*.md")), ROOT / "README.md"]
    return [p for p in pages if reader.pycon_blocks(page_text(p))]


PAGES = _markdown_pages()


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _built(site: Path, page: Path) -> Path | None:
    """The built HTML of a Markdown page under docs/, or None (README.md)."""
    if DOCS not in page.parents:
        return None
    rel = page.relative_to(DOCS).with_suffix("")
    return site / ("index.html" if rel.name == "index" else rel / "index.html")


# --- what the copy button copies --------------------------------------------------------


def copied(block) -> list[str]:
    """The lines the copy button gives for a block, read from the Markdown.

    Material trims the end of the copied text; for a block that ends with a closing
    ``...`` line, docs/assets/javascripts/pycon-copy.js puts that empty line back.

    A ``>>>`` line and the ``...`` lines that follow it, prompts removed (a bare ``...``
    gives an empty line); a ``...`` after output is output (a traceback's), as doctest
    and Pygments read it.
    """
    lines = []
    in_source = False
    for line in block.lines:
        if line.startswith(">>>") or (in_source and line.startswith("...")):
            lines.append(line[4:])
            in_source = True
        else:
            in_source = False
    return lines


class _HtmlBlocks(HTMLParser):
    """Each pycon block of a page: its text as shown, and as copied (.gp/.go hidden)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self._pycon = False
        self._code = False
        self._spans: list[bool] = []  # per open span: does it hide its content?
        self._hidden = 0
        self._captions: list[str | None] = []  # per open span of the title bar: what it holds

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = set(a.get("class", "").split())
        if tag == "div" and "language-pycon" in classes:
            self._pycon = True
            self.blocks.append(
                {
                    "classes": classes,
                    "raises": a.get("data-raises"),
                    "label": [],
                    "title": [],
                    "closes": "data-copy-closes" in a,
                    "shown": [],
                    "copied": [],
                }
            )
        elif tag == "code" and self._pycon:
            self._code = True
        elif tag == "span" and self._code:
            hide = self._hidden > 0 or bool(classes & {"gp", "go"})
            self._spans.append(hide)
            self._hidden += hide
        elif tag == "span" and self._pycon:  # in the title bar: the title, the raising mark
            kind = "label" if "sg-raises" in classes else "title" if "filename" in classes else None
            self._captions.append(kind or (self._captions[-1] if self._captions else None))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._code:
            self._hidden -= self._spans.pop()
        elif tag == "span" and self._pycon and self._captions:
            self._captions.pop()
        elif tag == "code" and self._code:
            self._code = self._pycon = False

    def handle_data(self, data: str) -> None:
        if not self.blocks:
            return
        block = self.blocks[-1]
        if self._code:
            block["shown"].append(data)
            if not self._hidden:
                block["copied"].append(data)
        elif self._pycon and self._captions and self._captions[-1]:
            block[self._captions[-1]].append(data)


def html_blocks(html: str) -> list[dict]:
    """The pycon blocks of a page's HTML: classes, data-raises, label, shown and copied text."""
    parser = _HtmlBlocks()
    parser.feed(html)
    for block in parser.blocks:
        for key in ("shown", "copied", "label", "title"):
            block[key] = "".join(block[key])
    return parser.blocks


def test_copy_from_html_hides_prompts_outputs_and_tracebacks() -> None:
    pycon = load_hook("pycon")
    highlighted = (
        '<span class="gp">&gt;&gt;&gt; </span><span class="k">for</span> i '
        'in <span class="n">x</span>:\n'
        '<span class="gp">... </span>    f(i)\n<span class="gp">...</span>\n'
        '<span class="gp">&gt;&gt;&gt; </span>g()\n'
        '<span class="gt">Traceback (most recent call last):</span>\n'
        '<span class="c">...</span>\n<span class="gr">TypeError</span>: no\n'
    )
    html = (
        '<div class="language-pycon highlight"><pre><span></span><code>'
        f"{pycon.wrap_outputs(highlighted)}</code></pre></div>"
    )
    [block] = html_blocks(html)
    assert block["copied"] == "for i in x:\n    f(i)\n\ng()\n"
    assert block["shown"].splitlines()[-1] == "TypeError: no"


def test_blocks_that_end_with_a_closing_line_keep_it_in_the_copy(site: Path) -> None:
    # Material trims the copied text's end; pycon-copy.js adds the closing empty line
    # back for the blocks marked data-copy-closes (tests/browser checks it in Chromium).
    problems, closing = [], 0
    for page in sorted(site.rglob("*.html")):
        for i, block in enumerate(html_blocks(page.read_text("utf-8"))):
            ends_with_closing_line = block["copied"].endswith("\n\n")
            closing += ends_with_closing_line
            if ends_with_closing_line != block["closes"]:
                problems.append(f"{page.relative_to(site)} block {i + 1}: {block['closes']=}")
    assert not problems, "\n".join(problems)
    assert closing >= 15, closing


def test_copied_text_is_the_same_from_markdown_and_from_the_built_page(site: Path) -> None:
    compared = 0
    for page in PAGES:
        built = _built(site, page)
        if built is None:
            continue
        from_markdown = [copied(b) for b in reader.pycon_blocks(page_text(page))]
        # A question's code (docs/hooks/questions.py) is not in the chapter's Markdown.
        from_html = [b["copied"].splitlines() for b in html_blocks(built.read_text("utf-8"))
                     if b["title"] != QUESTION_CODE]
        # The API reference's blocks come from docstrings, not from api.md.
        assert from_html[: len(from_markdown)] == from_markdown, _name(page)
        compared += len(from_markdown)
    assert compared > 150, f"only {compared} blocks compared"


# --- pasting into a prompt ---------------------------------------------------------------


class Prompt(code.InteractiveConsole):
    """A classic ``>>>`` prompt that records the exceptions it would print."""

    def __init__(self) -> None:
        super().__init__({"__name__": "__console__", "__builtins__": builtins})
        self.raised: list[BaseException] = []

    def showtraceback(self) -> None:
        self.raised.append(sys.exc_info()[1])

    def showsyntaxerror(self, *args: object, **kwargs: object) -> None:
        self.raised.append(sys.exc_info()[1])


@dataclass
class Pasted:
    """What pasting one block did."""

    lineno: int
    expected: list[str]  # the exceptions the block's tracebacks name
    raised: list[BaseException] = field(default_factory=list)
    left_open: bool = False  # a compound statement still waits for its closing line


def _same_exception(raised: BaseException, expected: str) -> bool:
    kind = type(raised)
    return expected in {kind.__qualname__, f"{kind.__module__}.{kind.__qualname__}"}


def paste_page(markdown: str) -> list[Pasted]:
    """Paste every block of a page, in order, into one prompt, line by line."""
    prompt = Prompt()
    results = []
    for block in reader.pycon_blocks(markdown):
        result = Pasted(block.lineno, [e.exception for e in block.examples if e.raises])
        before = len(prompt.raised)
        more = False
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for line in copied(block):
                more = prompt.push(line)
            if more:  # the reader presses Enter: do not let it spill into the next block
                prompt.push("")
        result.left_open = more
        result.raised = prompt.raised[before:]
        results.append(result)
    return results


def paste_problems(results: list[Pasted], where: str) -> list[str]:
    problems = []
    for r in results:
        at = f"{where}:{r.lineno}"
        if r.left_open:
            problems.append(
                f"{at}: the block ends inside a compound statement; close it with a "
                "'...' line, as a prompt needs"
            )
        got = [f"{type(e).__name__}: {e}" for e in r.raised]
        if not r.expected and r.raised:
            problems.append(f"{at}: pasting raised {got}, and the block shows no traceback")
        elif len(r.raised) != len(r.expected) or not all(
            _same_exception(e, x) for e, x in zip(r.raised, r.expected, strict=False)
        ):
            problems.append(f"{at}: the block shows {r.expected}, pasting raised {got}")
    return problems


def test_paste_checker_catches_what_a_prompt_rejects() -> None:
    page = (
        "```pycon\n>>> def f(x):\n...     return x\n>>> f(1)\n1\n```\n\n"
        "```pycon\n>>> for i in range(2):\n...     pass\n```\n\n"
        "```pycon\n>>> undefined_name\n1\n```\n\n"
        "```pycon\n>>> int('x')\nTraceback (most recent call last):\n...\n"
        "ValueError: invalid literal\n```\n\n"
        "```pycon\n>>> 1 / 1\nTraceback (most recent call last):\n...\n"
        "ZeroDivisionError: division by zero\n```\n\n"
        "```pycon\n>>> def g():\n...     return 2\n...\n>>> g()\n2\n```\n"
    )
    problems = paste_problems(paste_page(page), "page.md")
    assert len(problems) == 4, problems
    assert "page.md:1: pasting raised ['SyntaxError" in problems[0]
    assert "page.md:8: the block ends inside a compound statement" in problems[1]
    assert 'page.md:13: pasting raised ["NameError' in problems[2]
    assert "page.md:25: the block shows ['ZeroDivisionError'], pasting raised []" in problems[3]


@pytest.mark.replay
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_block_pastes_into_a_prompt(
    page: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # a block that writes a file writes it here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    results = paste_page(page_text(page))
    problems = paste_problems(results, _name(page))
    assert results and not problems, "\n".join(problems)


def test_the_paste_test_covers_every_page_with_examples() -> None:
    names = {_name(p) for p in PAGES}
    assert {"docs/index.md", "docs/reference/errors.md", "README.md"} <= names
    chapters = sorted(p for p in (DOCS / "chapters").glob("*.md"))
    assert all(_name(p) in names for p in chapters), "a chapter without examples?"
    blocks = sum(len(reader.pycon_blocks(page_text(p))) for p in PAGES)
    assert blocks > 200, blocks


# --- blocks that raise on purpose ------------------------------------------------------------


def test_a_block_holds_at_most_one_raising_example() -> None:
    problems = [
        f"{_name(page)}:{block.lineno}: {sum(e.raises for e in block.examples)} examples raise"
        for page in PAGES
        for block in reader.pycon_blocks(page_text(page))
        if sum(e.raises for e in block.examples) > 1
    ]
    assert not problems, "split these blocks, one raising example each:\n" + "\n".join(problems)


def test_raise_marks_are_derived_from_the_traceback() -> None:
    pycon = load_hook("pycon")
    assert doctest.testmod(pycon).failed == 0
    block = (
        '<div class="language-pycon highlight"><pre><span></span><code>'
        '<span class="gp">&gt;&gt;&gt; </span>check()\n'
        "Traceback (most recent call last):\n...\n"
        "scalargrad.numeric.GradientMismatch: x is off\n</code></pre></div>"
    )
    marked = pycon.on_page_content(block, page=_FakePage(), config=None, files=None)
    assert 'data-raises="scalargrad.numeric.GradientMismatch"' in marked
    assert '<span class="filename"><span class="sg-raises"' in marked
    assert ">raises GradientMismatch</span>" in marked
    titled = block.replace("<pre>", '<span class="filename">demo.py</span><pre>')
    marked = pycon.on_page_content(titled, page=_FakePage(), config=None, files=None)
    assert '<span class="filename">demo.py <span class="sg-raises"' in marked
    plain = block.replace("Traceback (most recent call last):\n...\n", "")
    assert "sg-raises" not in pycon.on_page_content(plain, _FakePage(), None, None)
    twice = block.replace(
        "</code>",
        '<span class="gp">&gt;&gt;&gt; </span>f()\n'
        "Traceback (most recent call last):\n...\nKeyError: 1\n</code>",
    )
    with pytest.raises(PluginError, match=r"page\.md: the pycon block .* holds 2 examples"):
        pycon.on_page_content(twice, _FakePage(), None, None)


class _FakePage:
    class file:  # stands in for mkdocs' Page.file
        src_uri = "page.md"


def test_every_raising_block_is_marked_and_no_other(site: Path) -> None:
    problems = []
    marked = 0
    for page in sorted(site.rglob("*.html")):
        for i, block in enumerate(html_blocks(page.read_text("utf-8"))):
            [parsed] = reader.pycon_blocks(f"```pycon\n{block['shown']}\n```\n")
            expected = [e.exception for e in parsed.examples if e.raises]
            where = f"{page.relative_to(site)} block {i + 1}"
            if not expected:
                if block["raises"] is not None or "sg-raising" in block["classes"]:
                    problems.append(f"{where}: marked as raising, shows no traceback")
                continue
            marked += 1
            label = f"raises {expected[0].rpartition('.')[2]}"
            if block["raises"] != expected[0] or "sg-raising" not in block["classes"]:
                problems.append(f"{where}: data-raises={block['raises']!r}, not {expected[0]!r}")
            if block["label"].strip() != label:
                problems.append(f"{where}: label {block['label']!r}, not {label!r}")
    assert not problems, "\n".join(problems)
    assert marked >= 60, f"only {marked} raising blocks found"


# --- 80 columns ---------------------------------------------------------------------------


class _Pre(HTMLParser):
    """The text of every <pre> of a page, as rendered."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pres: list[tuple[str, list[str]]] = []  # (kind, text pieces)
        self._depth = 0
        self._kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "div" and "highlight" in a.get("class", "").split():
            langs = [c for c in a["class"].split() if c.startswith("language-")]
            self._kind = langs[0].removeprefix("language-") if langs else "text"
        if tag == "pre":
            self._depth += 1
            if self._depth == 1:
                self.pres.append((self._kind or "text", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._depth -= 1
            if self._depth == 0:
                self._kind = ""

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.pres[-1][1].append(data)


def wide_lines(html: str, where: str) -> list[str]:
    parser = _Pre()
    parser.feed(html)
    problems = []
    for kind, pieces in parser.pres:
        for line in "".join(pieces).splitlines():
            if len(line) > WIDTH:
                problems.append(f"{where} [{kind}] {len(line)} columns: {line}")
    return problems


def test_width_checker_counts_rendered_characters() -> None:
    ok = '<div class="language-pycon highlight"><pre><code>' + "&gt;" * WIDTH
    ok += "</code></pre></div>"
    wide = '<div class="language-python highlight"><pre><code>' + "x" * (WIDTH + 1)
    assert wide_lines(ok, "a") == []
    [problem] = wide_lines(wide + "\nshort</code></pre></div>", "b")
    assert problem.startswith(f"b [python] {WIDTH + 1} columns")


def test_no_code_line_on_a_chapter_page_is_wider_than_80_columns(site: Path) -> None:
    pages = [site / "chapters" / slug / "index.html" for slug in CHAPTERS]
    assert len(pages) == len(list((DOCS / "chapters").glob("*.md")))
    problems = [
        problem
        for page in pages
        for problem in wide_lines(page.read_text("utf-8"), page.parent.name)
    ]
    assert not problems, f"{len(problems)} lines wider than {WIDTH}:\n" + "\n".join(problems)


# --- the home page points at the lecture ---------------------------------------------------


def test_home_page_links_the_lecture_video_and_micrograd(site: Path) -> None:
    from tests.test_site import _parse

    links = _parse(site / "index.html").links
    assert "https://www.youtube.com/watch?v=VMj-3S1tku0" in links
    assert "https://github.com/karpathy/micrograd" in links
