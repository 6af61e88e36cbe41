"""docs/hooks/chapter_table.py: the chapters' nav and the chapter tables of two pages.

scalargrad/chapters.py orders, numbers and groups the chapters; each chapter file's front
matter gives its title and summary. These tests run the hook on the real files, and show
that each way a chapter can be half added stops the build with a message saying what to
write.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from repotools import ROOT, load_module

from scalargrad.chapters import CHAPTERS, PARTS, number

hook = load_module(ROOT / "docs" / "hooks" / "chapter_table.py", "_test_chapter_table")
DOCS = ROOT / "docs"
FOUND = hook.chapters(DOCS)
CHAPTER_FILES = sorted(p.stem for p in (DOCS / "chapters").glob("*.md"))
HOME = (DOCS / "index.md").read_text(encoding="utf-8")
NOTEBOOKS = (DOCS / "notebooks" / "index.md").read_text(encoding="utf-8")


def test_every_chapter_file_is_in_the_table_of_contents_once_in_order():
    assert sorted(c.slug for c in FOUND) == CHAPTER_FILES
    assert tuple(c.slug for c in FOUND) == CHAPTERS
    assert [c.number for c in FOUND] == [number(slug) for slug in CHAPTERS]


def test_the_nav_gets_the_parts_and_chapters_after_the_home_page():
    config = MkDocsConfig()
    config.nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    config.docs_dir = str(DOCS)
    nav = hook.on_config(config).nav
    assert nav[0] == {"Home": "index.md"}
    parts = nav[1 : 1 + len(PARTS)]
    assert [next(iter(p)) for p in parts] == [f"Part {n} — {name}" for n, (name, _) in
                                              zip(("I", "II", "III", "IV", "V"), PARTS,
                                                  strict=True)]
    files = [uri for part in parts for entry in next(iter(part.values()))
             for uri in entry.values()]
    assert files == [f"chapters/{slug}.md" for slug in CHAPTERS]
    assert {"The slope of a function": "chapters/slope.md"} in parts[0]["Part I — Derivatives"]
    assert next(iter(nav[1 + len(PARTS)])) == "Notebooks"


def test_a_nav_that_lists_a_chapter_itself_stops_the_build():
    config = MkDocsConfig()
    config.nav = [{"Home": "index.md"}, {"Part": [{"Slope": "chapters/slope.md"}]}]
    config.docs_dir = str(DOCS)
    with pytest.raises(PluginError, match=r"lists chapters/slope\.md: the build writes"):
        hook.on_config(config)


def test_home_table_links_every_chapter_under_its_part_with_its_summary():
    page = hook.expand(HOME, FOUND)
    assert "chapter-table:" not in page
    linked = re.findall(r"^\| \[(\d+)\. [^\]]+\]\(chapters/([a-z0-9-]+)\.md\) \| (.+) \|$",
                        page, re.M)
    assert tuple(slug for _, slug, _ in linked) == CHAPTERS
    assert [int(n) for n, _, _ in linked] == [number(slug) for slug in CHAPTERS]
    assert linked[number("mlp") - 1][2] == ("Wire neurons into layers and layers into a "
                                            "multi-layer perceptron with 41 parameters.")
    parts = re.findall(r"^\| \*\*(Part [^*]+)\*\* \| \|$", page, re.M)
    assert parts == [c.part for c in FOUND if c.slug in {names[0] for _, names in PARTS}]


def test_notebooks_table_links_every_notebook_and_download():
    page = hook.expand(NOTEBOOKS, FOUND)
    for stem in CHAPTER_FILES:
        assert f"[view]({stem}/index.ipynb)" in page
        assert f"[{stem}.ipynb]({stem}.ipynb)" in page


@pytest.fixture
def docs(tmp_path):
    """A copy of the chapter files, to break."""
    shutil.copytree(DOCS / "chapters", tmp_path / "chapters")
    return tmp_path


def test_a_chapter_file_without_its_slug_stops_the_build(docs):
    (docs / "chapters" / "not-in-the-book.md").write_text("# Not in the book\n")
    with pytest.raises(PluginError, match=r"docs/chapters/not-in-the-book\.md is not in the "
                       r"book: add its slug 'not-in-the-book' to PARTS"):
        hook.chapters(docs)


def test_a_slug_without_its_file_stops_the_build(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(DOCS / "chapters" / "slope.md", tmp_path / "chapters")
    parts = (("Derivatives", ("slope", "second-derivatives")),)
    with pytest.raises(PluginError, match=r"lists the chapter 'second-derivatives', but "
                       r"docs/chapters/second-derivatives\.md does not exist"):
        hook.chapters(tmp_path, parts)


def test_a_chapter_without_its_summary_stops_the_build(docs):
    path = docs / "chapters" / "value.md"
    path.write_text(re.sub(r"^summary:.*\n(  .*\n)*", "", path.read_text(), count=1,
                           flags=re.M))
    with pytest.raises(PluginError, match=r"value\.md needs summary in its front matter"):
        hook.chapters(docs)


def test_a_title_with_a_typed_number_stops_the_build(docs):
    path = docs / "chapters" / "slope.md"
    path.write_text(path.read_text().replace("nav_title: The slope", "nav_title: 1. The slope", 1))
    with pytest.raises(PluginError, match="without a number; the build numbers the chapters"):
        hook.chapters(docs)
