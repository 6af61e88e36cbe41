"""docs/hooks/chapter_table.py: the chapter tables of the home and notebooks pages.

The nav of mkdocs.yml numbers, titles and groups the chapters; the home page adds one
line per chapter saying what the reader does in it. These tests run the hook on the real
pages and nav, and show that a chapter missing from either side stops the build.
"""

from __future__ import annotations

import re

import pytest
import yaml
from mkdocs.exceptions import PluginError
from repotools import ROOT, load_module

from scalargrad.chapters import CHAPTERS, number

hook = load_module(ROOT / "docs" / "hooks" / "chapter_table.py", "_test_chapter_table")
NAV = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
CHAPTER_FILES = sorted(p.stem for p in (ROOT / "docs" / "chapters").glob("[0-9][0-9]-*.md"))
HOME = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
NOTEBOOKS = (ROOT / "docs" / "notebooks" / "index.md").read_text(encoding="utf-8")


def test_the_nav_lists_every_chapter_file_once_in_order():
    assert [c.stem for c in hook.chapters(NAV)] == CHAPTER_FILES


def test_home_table_links_every_chapter_under_its_part():
    page = hook.expand(HOME, hook.chapters(NAV))
    assert "chapter-table" not in page
    linked = re.findall(r"^\| \[(\d+)\. [^\]]+\]\(chapters/(\d\d-[a-z0-9-]+)\.md\) \| \S", page,
                        re.M)
    assert [stem for _, stem in linked] == CHAPTER_FILES
    assert [int(n) for n, _ in linked] == [int(stem[:2]) for stem in CHAPTER_FILES]
    parts = re.findall(r"^\| \*\*(Part [^*]+)\*\* \| \|$", page, re.M)
    assert parts == [key for section in NAV for key in section if key.startswith("Part")]


def test_notebooks_table_links_every_notebook_and_download():
    page = hook.expand(NOTEBOOKS, hook.chapters(NAV))
    for stem in CHAPTER_FILES:
        assert f"[view]({stem}/index.ipynb)" in page
        assert f"[{stem}.ipynb]({stem}.ipynb)" in page


def test_a_chapter_without_its_home_line_stops_the_build():
    without = re.sub(r"^- 07-accumulation-bug: .*\n", "", HOME, flags=re.M)
    with pytest.raises(PluginError, match=r"missing: \['07-accumulation-bug'\]"):
        hook.expand(without, hook.chapters(NAV))


def test_a_home_line_for_a_chapter_the_nav_lacks_stops_the_build():
    nav = [{"Part I": [{"1. The slope of a function": "chapters/01-slope.md"}]}]
    with pytest.raises(PluginError, match=r"not in the nav: \['02-many-inputs'"):
        hook.expand(HOME, hook.chapters(nav, ("slope",)))


def test_a_nav_title_whose_number_differs_from_its_file_stops_the_build():
    nav = [{"Part I": [{"2. The slope of a function": "chapters/01-slope.md"}]}]
    with pytest.raises(PluginError, match=r"its title start with '1\. '"):
        hook.chapters(nav, ("slope",))


def test_the_nav_orders_the_chapters_as_the_package_does():
    """CHAPTERS (the package's, which the page also has) and the nav agree, or no build."""
    assert tuple(c.slug for c in hook.chapters(NAV)) == CHAPTERS
    assert [c.number for c in hook.chapters(NAV)] == [number(s) for s in CHAPTERS]
    swapped = [{"Part I": [{"1. Many inputs": "chapters/01-many-inputs.md"},
                           {"2. The slope of a function": "chapters/02-slope.md"}]}]
    with pytest.raises(PluginError, match="'many-inputs' is number 2"):
        hook.chapters(swapped, ("slope", "many-inputs"))
    with pytest.raises(PluginError, match=r"must be scalargrad/chapters\.py's CHAPTERS"):
        hook.chapters(NAV[:2])
