"""The whole-book page's hooks, in a small book built with the real plugins.

A book of three pages (a chapter, an API page of a small module, a home page) is built
with Material, mkdocstrings, autorefs and print-site as the book's own mkdocs.yml uses
them, and with or without ``docs/hooks/whole_book_refs.py``. Its chapter has a link of
every kind: cross-references to a class with many methods, to a method, a function and
the module; a footnote; links to an id on a figure and on an exercise (which print-site
does not rename: ``whole_book_page.page_ids`` does); a section; a page.
``scripts/edition_links.py`` then follows every link of the whole-book page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from edition_links import Edition, check_whole_book_page, whole_book_ids

pytestmark = pytest.mark.slow  # three small builds, about 3 s each

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "docs" / "hooks"

MODULE = '''\
"""A small engine for a small book."""


class Value:
    """A number that remembers."""

    def __add__(self, other): """Add."""
    def __mul__(self, other): """Multiply."""
    def __neg__(self): """Negate."""
    def __sub__(self, other): """Subtract."""
    def __truediv__(self, other): """Divide."""
    def tanh(self): """Squash."""
    def exp(self): """Grow."""
    def backward(self): """Fill in the gradients."""


def build_topo(root):
    """The nodes in order."""
'''

CHAPTER = """\
# A chapter

An operation of [Value][smallengine.Value], then [backward][smallengine.Value.backward],
in [build_topo][smallengine.build_topo]'s order; the [module][smallengine].[^note]

![A figure](figure.svg){ #fig-one }

See [the figure](#fig-one), [the exercise](#exercise-1), [the next section](#more)
and [the API page](api.md).

## More

<div markdown id="exercise-1">
**Exercise 1.** Add two values. Back to [the top](#a-chapter).
</div>

[^note]: A note on the module.
"""


def _config(refs_hook: bool) -> str:
    hooks = [HOOKS / "whole_book_refs.py"] if refs_hook else []
    hooks.append(HOOKS / "whole_book_page.py")
    return textwrap.dedent(
        """\
        site_name: A small book
        site_url: https://example.org/small/
        theme: {name: material, features: [content.tooltips]}
        markdown_extensions: [attr_list, md_in_html, footnotes, {toc: {permalink: true}}]
        plugins:
          autorefs: {}
          mkdocstrings:
            handlers: {python: {paths: ["."], options: {show_root_heading: true}}}
          print-site: {add_cover_page: false, add_table_of_contents: false,
                       enumerate_headings: false, enumerate_figures: false}
        nav: [index.md, chapter.md, api.md]
        hooks:
        """
    ) + "".join(f"  - {hook}\n" for hook in hooks)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = tmp_path_factory.mktemp("small-book")
    docs = book / "docs"
    docs.mkdir()
    (book / "smallengine.py").write_text(MODULE, encoding="utf-8")
    (docs / "index.md").write_text("# A small book\n\nRead [the chapter](chapter.md).\n")
    (docs / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    (docs / "api.md").write_text("# API\n\n::: smallengine\n", encoding="utf-8")
    (docs / "figure.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    return book


def build(book: Path, seed: int, *, refs_hook: bool = True) -> Path:
    """Build the small book with ``PYTHONHASHSEED=seed``; return its site folder."""
    name = f"{'with' if refs_hook else 'without'}-refs-{seed}"
    (book / f"{name}.yml").write_text(_config(refs_hook), encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", f"{name}.yml"]
    result = subprocess.run(
        [*command, "-d", name], cwd=book, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"the small book did not build:\n{result.stderr[-3000:]}"
    return book / name


def test_without_the_hook_print_site_sends_a_class_link_to_a_member(small_book: Path) -> None:
    """The cause, shown: print-site 2.9 alone picks an id that contains the fragment.

    If this fails, print-site resolves cross-references right by itself, and
    docs/hooks/whole_book_refs.py (with this test) can go.
    """
    site = Edition.folder(build(small_book, 1, refs_hook=False))
    problems = check_whole_book_page(site, site).problems
    wrong = [p for p in problems if "link 'Value'" in p]
    assert wrong, f"print-site resolved the cross-references itself: {problems}"
    assert "on the whole-book page on API › smallengine › Value › " in wrong[0], wrong[0]


def test_every_link_lands_as_on_the_chapter_whatever_the_seed(small_book: Path) -> None:
    pages = []
    for seed in (1, 2):
        folder = build(small_book, seed)
        site = Edition.folder(folder)
        report = check_whole_book_page(site, site)
        assert report.problems == [], f"PYTHONHASHSEED={seed}:\n" + "\n".join(report.problems)
        assert whole_book_ids(site) == [], f"PYTHONHASHSEED={seed}"
        for kind, count in {
            "API reference": 4,
            "footnote": 2,
            "anchor on <img>": 1,
            "anchor on <div>": 1,
            "section": 2,
            "page": 2,
        }.items():
            assert report.counts[kind] == count, (kind, report.counts)
        pages.append((folder / "print_page" / "index.html").read_bytes())
    assert pages[0] == pages[1], "the whole-book page depends on PYTHONHASHSEED"
