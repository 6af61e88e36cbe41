"""Chapter numbers are derived, never typed (issue 27).

The prose names chapters by slug (``{{ chapter mlp }}``, docs/hooks/chapter_refs.py) and
the build writes the number and the link. These tests fail on a chapter number typed by
hand: in the pages' prose (code blocks and inline code are output of the code, checked
by the doctests), in the package, the hooks, the figure modules, the lecture's notebook
and the page's JavaScript.
"""

from __future__ import annotations

import re
import tokenize

import pytest
from mkdocs.exceptions import PluginError
from repotools import ROOT, load_module

from scalargrad.chapters import CHAPTERS, number

hook = load_module(ROOT / "docs" / "hooks" / "chapter_refs.py", "_test_chapter_refs",
                   folder_on_path=True)

#: "chapter 10", "Chapters 3 to 8", "ch. 5".
HAND_TYPED = re.compile(r"\b[Cc]hapters? \d+|\b[Cc]h\. ?\d+")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
PAGES = sorted(p for p in (ROOT / "docs").rglob("*.md")
               if p.relative_to(ROOT / "docs").parts[0] not in {"assets", "hooks", "overrides"})


def prose(markdown: str) -> str:
    """``markdown`` without its fenced blocks and inline code: the words a writer typed."""
    return _CODE_SPAN.sub("", without_fences(markdown))


def without_fences(markdown: str) -> str:
    """``markdown`` without its fenced blocks."""
    return split_fences(markdown)[0]


def split_fences(markdown: str) -> tuple[str, str]:
    """``markdown``'s lines outside fenced blocks, and the lines inside them."""
    outside, inside, fence = [], [], None
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m["fence"]
        elif fence is not None and line.strip().startswith(fence) \
                and not line.strip().strip(fence[0]):
            fence = None
        else:
            (outside if fence is None else inside).append(line)
    return "\n".join(outside), "\n".join(inside)


def test_prose_shows_code_and_hides_it():
    text = "See chapter 3.\n\n```pycon\n>>> 'chapter 4'\n```\n\nA `chapter\n5` span.\n"
    assert HAND_TYPED.findall(prose(text)) == ["chapter 3"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_no_page_types_a_chapter_number_in_its_prose(page):
    typed = HAND_TYPED.findall(prose(page.read_text(encoding="utf-8")))
    assert not typed, (f"{page.name} types chapter numbers by hand: {typed}; write "
                       "{{ chapter SLUG }} (docs/hooks/chapter_refs.py)")


def _python_words(path) -> str:
    """The comments and strings of a Python file, without its doctest examples."""
    with path.open("rb") as f:
        tokens = [t.string for t in tokenize.tokenize(f.readline)
                  if t.type in (tokenize.COMMENT, tokenize.STRING)]
    text = "\n".join(tokens)
    # a doctest: the example and its output, up to a blank line, are the code's own words
    return re.sub(r"^\s*>>>.*?(?=^\s*$|\Z)", "", text, flags=re.M | re.S)


def _sources():
    for folder, pattern in (("scalargrad", "*.py"), ("docs/hooks", "*.py"),
                            ("docs/_figures", "*.py"), ("docs/notebooks", "*.py"),
                            ("docs/assets/javascripts", "*.js")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            yield path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("name", list(_sources()))
def test_no_source_types_a_chapter_number(name):
    path = ROOT / name
    words = _python_words(path) if path.suffix == ".py" else path.read_text(encoding="utf-8")
    typed = HAND_TYPED.findall(words)
    assert not typed, (f"{name} types chapter numbers by hand: {typed}; name the chapter "
                       "by slug (scalargrad.chapters.number('mlp') gives its number)")


TARGETS = {s: f"chapters/{s}.md" for s in CHAPTERS}


def test_a_reference_becomes_the_chapters_number_and_a_link():
    """On its own page a chapter's number is plain, as it is in a heading."""
    page = "chapters/value.md"
    text = ("From {{ chapter mlp }} on; {{ Chapters value to more-operations }};\n"
            "## As in {{ chapter neuron }}\n"
            "{{ chapter value }} and {{ chapter value#check-your-engine }}")
    mlp, value, ops, neuron = (number(s) for s in ("mlp", "value", "more-operations",
                                                    "neuron"))
    assert hook.substitute(text, page, TARGETS).splitlines() == [
        f"From [chapter {mlp}](mlp.md) on; Chapters {value} to [{ops}](more-operations.md);",
        f"## As in chapter {neuron}",
        f"chapter {value} and [chapter {value}](value.md#check-your-engine)",
    ]


@pytest.mark.parametrize("bad, says", [
    ("{{ chapter mpl }}", "'mpl' is not a chapter's slug"),
    ("{{ chapter 10 }}", "'10' is not a chapter's slug"),
    ("{{ chapters mlp }}", "for several"),
    ("{{ chapter value to mlp }}", "for several"),
    ("{{ chapters value but mlp }}", "for several"),
    ("{{chapter mlp}}", "malformed reference"),
])
def test_a_wrong_reference_stops_the_build(bad, says):
    with pytest.raises(PluginError, match=says):
        hook.substitute(f"See {bad}.", "index.md", TARGETS)


def test_every_page_renders_its_references():
    targets = hook.files_by_slug()
    for page in PAGES:
        uri = page.relative_to(ROOT / "docs").as_posix()
        rendered = hook.substitute(page.read_text(encoding="utf-8"), uri, targets)
        assert "{{ chapter" not in rendered.lower(), uri


def test_the_built_site_shows_numbers_and_links_never_a_reference(site):
    """Pages, notebooks, the search index: every reference was rendered."""
    left = [p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.suffix in {".html", ".json", ".ipynb"}
            and re.search(r"\{\{ ?[Cc]hapters? ", p.read_text(encoding="utf-8"))]
    assert not left
    page = (site / "chapters" / "mlp" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="../neuron/">chapter {number("neuron")}</a>' in page


def test_every_numbered_url_published_before_slugs_redirects_to_its_chapter(site):
    """chapters/NN-slug/ and notebooks/NN-slug/ (issue 27's frozen list in mkdocs.yml)
    -> chapters/slug/ and notebooks/slug/."""
    for folder in ("chapters", "notebooks"):
        for slug in CHAPTERS:
            old = site / folder / f"{number(slug):02d}-{slug}" / "index.html"
            assert f'<meta http-equiv="refresh" content="0; url=../{slug}/">' in old.read_text(
                encoding="utf-8"), old


def code_of(markdown: str) -> str:
    """The code of ``markdown``: its fenced blocks' lines and its inline code spans."""
    outside, inside = split_fences(markdown)
    return "\n".join([inside, *(m[0] for m in _CODE_SPAN.finditer(outside))])


def test_code_names_chapters_by_reference_or_slug():
    """A checker's report in a block says ``{{ chapter mlp }}``, a command says
    ``--chapter mlp``: a number typed in code would go stale when a chapter is added."""
    assert HAND_TYPED.findall(code_of("`a\nchapter 3 b`\n```\nchapter 4\n```\n")) == [
        "chapter 4", "chapter 3"]
    for page in PAGES:
        code = code_of(page.read_text(encoding="utf-8"))
        typed = HAND_TYPED.findall(code) + re.findall(r"--chapter \d+|chapter=\d+", code)
        assert not typed, f"{page.name} types chapter numbers in code: {typed}"


def test_no_reference_becomes_a_link_inside_inline_code():
    """Inline code shows a reference as its plain number (a span on one line)."""
    assert hook.substitute("`a {{ chapter mlp }}`", "index.md", TARGETS) == (
        f"`a chapter {number('mlp')}`")
    for page in PAGES:
        text = without_fences(hook.read(page, ROOT / "docs"))
        linked = [m[0] for m in _CODE_SPAN.finditer(text)
                  if re.search(r"\[[Cc]hapters? \d+\]\(", m[0])]
        assert not linked, f"{page.name}: {linked}"
