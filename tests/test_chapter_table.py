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
CHAPTER_FILES = sorted(p.stem for p in (ROOT / "docs" / "chapters").glob("*.md"))
HOME = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
NOTEBOOKS = (ROOT / "docs" / "notebooks" / "index.md").read_text(encoding="utf-8")


def test_the_nav_lists_every_chapter_file_once_in_order():
    assert sorted(c.slug for c in hook.chapters(NAV)) == CHAPTER_FILES


def test_home_table_links_every_chapter_under_its_part():
    page = hook.expand(HOME, hook.chapters(NAV))
    assert "chapter-table" not in page
    linked = re.findall(r"^\| \[(\d+)\. [^\]]+\]\(chapters/([a-z0-9-]+)\.md\) \| \S", page,
                        re.M)
    assert tuple(slug for _, slug in linked) == CHAPTERS
    assert [int(n) for n, _ in linked] == [number(slug) for slug in CHAPTERS]
    parts = re.findall(r"^\| \*\*(Part [^*]+)\*\* \| \|$", page, re.M)
    assert parts == [key for section in NAV for key in section if key.startswith("Part")]


def test_notebooks_table_links_every_notebook_and_download():
    page = hook.expand(NOTEBOOKS, hook.chapters(NAV))
    for stem in CHAPTER_FILES:
        assert f"[view]({stem}/index.ipynb)" in page
        assert f"[{stem}.ipynb]({stem}.ipynb)" in page


def test_a_chapter_without_its_home_line_stops_the_build():
    without = re.sub(r"^- accumulation-bug: .*\n", "", HOME, flags=re.M)
    with pytest.raises(PluginError, match=r"missing: \['accumulation-bug'\]"):
        hook.expand(without, hook.chapters(NAV))


def test_a_home_line_for_a_chapter_the_nav_lacks_stops_the_build():
    nav = [{"Part I": [{"The slope of a function": "chapters/slope.md"}]}]
    with pytest.raises(PluginError, match=r"not in the nav: \['many-inputs'"):
        hook.expand(HOME, hook.chapters(nav, ("slope",)))


def test_a_nav_title_with_a_typed_number_stops_the_build():
    nav = [{"Part I": [{"1. The slope of a function": "chapters/slope.md"}]}]
    with pytest.raises(PluginError, match="without a number; the build numbers the chapters"):
        hook.chapters(nav, ("slope",))


def test_the_nav_orders_the_chapters_as_the_package_does():
    """CHAPTERS (the package's, which the page also has) and the nav agree, or no build."""
    assert tuple(c.slug for c in hook.chapters(NAV)) == CHAPTERS
    assert [c.number for c in hook.chapters(NAV)] == [number(s) for s in CHAPTERS]
    swapped = [{"Part I": [{"Many inputs": "chapters/many-inputs.md"},
                           {"The slope of a function": "chapters/slope.md"}]}]
    with pytest.raises(PluginError, match="the nav has many-inputs, slope; CHAPTERS has slope"):
        hook.chapters(swapped, ("slope", "many-inputs"))
    unknown = [{"Part I": [{"Second derivatives": "chapters/second-derivatives.md"}]}]
    with pytest.raises(PluginError, match="'second-derivatives' is not in scalargrad/chapters"):
        hook.chapters(unknown)
    with pytest.raises(PluginError, match=r"must be scalargrad/chapters\.py's CHAPTERS"):
        hook.chapters(NAV[:2])
