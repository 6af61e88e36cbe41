"""The page's JavaScript types no chapter number: the build writes the facts into the page.

docs/hooks/page_runtime.py writes ``#sg-runner-facts`` into every page with runnable
blocks: the page's chapter number (from the nav) and the chapters the checker knows
(scalargrad.check.chapters). runner.js reads them; a number typed into a chapter
comparison would go one chapter off when a chapter is inserted (issue 27).
"""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest

from scalargrad.check import chapters
from tests.test_site import ROOT, load_hook

SCRIPTS = ROOT / "docs/assets/javascripts"
_CHAPTER = r"[\w.$]*chapter\w*"  # chapter, this.chapter, facts.last_chapter, ...
_COMPARE = r"(?:[<>]=?|[!=]==?)"
# Chapter-range logic with a number in it: a comparison of a chapter with a number, a
# Math.min/max of a chapter and a number, or a chapter number read from the page's URL.
HAND_TYPED = [
    re.compile(rf"\b{_CHAPTER}\s*{_COMPARE}\s*\d", re.I),
    re.compile(rf"\b\d+\s*{_COMPARE}\s*{_CHAPTER}", re.I),
    re.compile(r"Math\.(?:min|max)\((?=[^)]*\bchapter)(?=[^)]*\b\d)[^)]*\)", re.I),
    re.compile(r"chapters\\?/\(\\d", re.I),
]


def _code(line: str) -> str:
    """A line of JavaScript without its // comment (not the // of a URL in a string)."""
    return re.sub(r"(^|\s)//.*$", "", line)


def hand_typed(text: str) -> list[str]:
    """The lines of JavaScript ``text`` with a chapter number in chapter-range logic."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = _code(line)
        if any(pattern.search(code) for pattern in HAND_TYPED):
            found.append(f"{number}: {line.strip()}")
    return found


def test_the_detector_finds_what_runner_js_had() -> None:
    before = [  # runner.js before issue 27, and variations of the same mistake
        "const chapter = Number(/\\/chapters\\/(\\d+)-/.exec(location.pathname)?.[1] || 0);",
        "if (myFiles && chapter >= 3) this.engine = new Engine(page, this, chapter);",
        "this.chapter = Math.min(chapter, 13); // the checker knows chapters 3 to 13",
        "if (13 < this.chapter) return;",
        "const shown = facts.chapter === 10 ? 'mlp' : '';",
    ]
    assert [line.split(": ", 1)[1] for line in hand_typed("\n".join(before))] == before
    fine = [
        "if (myFiles && chapter !== null && chapter >= first) {",
        "this.chapter = Math.min(chapter, last);",
        "m.chapter = Math.max(m.chapter, chapter);",
        "return { chapter: 0, added: {} }; // chapters 3 to 13 in a comment",
        "/* chapter >= 3 in a block comment */",
        'link.href = "http://localhost:8000/"; const n = 13;',
    ]
    assert hand_typed("\n".join(fine)) == []


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.js")))
def test_no_chapter_number_is_typed_into_javascript(script: str) -> None:
    found = hand_typed((SCRIPTS / script).read_text(encoding="utf-8"))
    assert not found, (
        f"docs/assets/javascripts/{script} types a chapter number into chapter-range logic; "
        "read it from the page's #sg-runner-facts (docs/hooks/page_runtime.py) instead:\n"
        + "\n".join(found)
    )


def test_page_runtime_doctests() -> None:
    assert doctest.testmod(load_hook("page_runtime")).failed == 0


def test_the_facts_come_from_the_chapters_and_the_checker() -> None:
    from scalargrad.chapters import CHAPTERS

    facts = load_hook("page_runtime").runner_facts
    for number, slug in enumerate(CHAPTERS, start=1):
        assert facts(f"chapters/{slug}.md") == {
            "chapter": number, "first_checked": chapters.FIRST, "last_checked": chapters.LAST,
            "slugs": list(CHAPTERS)}
    assert facts("index.md")["chapter"] is None
    assert facts("chapters/not-a-chapter.md")["chapter"] is None


def test_every_runnable_page_carries_its_facts(site: Path) -> None:
    pages = sorted(site.glob("**/index.html"))
    runnable = [p for p in pages if 'id="sg-runner-blocks"' in p.read_text(encoding="utf-8")]
    assert any("chapters" in p.parts for p in runnable)
    for page in runnable:
        html = page.read_text(encoding="utf-8")
        match = re.search(r'<script type="application/json" id="sg-runner-facts">(.*?)</script>',
                          html)
        assert match, f"{page.relative_to(site)}: runnable blocks but no #sg-runner-facts"
        facts = json.loads(match.group(1))
        assert (facts["first_checked"], facts["last_checked"]) == (chapters.FIRST, chapters.LAST)
        if page.parent.parent.name == "chapters":
            assert isinstance(facts["chapter"], int), page.relative_to(site)
