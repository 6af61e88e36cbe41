"""The editions agree: every link of the whole-book page and of the offline edition lands
where the same link of the chapter page lands.

``scripts/edition_links.py`` follows the links (its docstring says what "the same link"
and "the same place" mean); these tests run it on ``site/`` and on the offline edition
zipped inside it, and check it on small hand-written editions, where it must find every
kind of mistake. ``python scripts/edition_links.py`` prints the links per kind.
"""

from __future__ import annotations

from pathlib import Path

import edition_links
import pytest
from edition_links import Edition, check_pages, check_whole_book_page, whole_book_ids

# Kinds of links the book has today: a check that followed none of them would prove little.
# (Footnotes and anchors on figures or exercises work too: tests/test_whole_book_refs.py.)
KINDS_IN_THE_BOOK = ("API reference", "section", "page", "figure", "download", "permalink (¶)")


@pytest.fixture(scope="module")
def editions(site: Path) -> tuple[Edition, Edition]:
    """The site and its offline edition, each page parsed once for the tests below."""
    return Edition.folder(site), Edition.zipped(site / edition_links.OFFLINE_ZIP)


def _assert_agrees(report: edition_links.Report, what: str) -> None:
    assert not report.problems, (
        f"{len(report.problems)} links of {what} land elsewhere than on the chapter page:\n"
        + "\n".join(report.problems[:40])
    )
    missing = [k for k in KINDS_IN_THE_BOOK if not report.counts[k]]
    assert not missing, f"{what}: no links of the kinds {missing} were followed: {report.counts}"


def test_whole_book_page_links_land_where_the_chapters_do(
    editions: tuple[Edition, Edition],
) -> None:
    web, _ = editions
    _assert_agrees(check_whole_book_page(web, web), "the whole-book page")


def test_offline_edition_links_land_where_the_site_does(editions: tuple[Edition, Edition]) -> None:
    web, offline = editions
    _assert_agrees(check_pages(web, offline), "the offline edition's pages")
    _assert_agrees(check_whole_book_page(web, offline, web), "the offline whole-book page")


def test_whole_book_page_ids_are_unique_and_the_pages_own(
    editions: tuple[Edition, Edition],
) -> None:
    for edition in editions:
        problems = whole_book_ids(edition)
        assert not problems, f"{edition.name}:\n" + "\n".join(problems[:40])


# --- the checker itself, on small editions written by hand ---------------------------------

CHAPTER = """<html><body><article>
<a class="md-content__button" href="https://example.org/edit">edit</a>
<h1 id="one">One<a class="headerlink" href="#one">¶</a></h1>
<p>An <a class="autorefs autorefs-internal" href="../../api/#pkg.Value">Value</a>,
the <a href="../two/#later">later part</a>, a note<sup id="fnref:1"><a class="footnote-ref"
href="#fn:1">1</a></sup>, <a href="#fig">the figure</a>,
<a href="../../figures/f.svg">full size</a>, <a href="https://example.org/">outside</a>.</p>
<p id="fig"><img alt="a figure" src="../../figures/f.svg"></p>
<ol><li id="fn:1">The note.</li></ol>
</article></body></html>"""
TWO = '<html><body><article><h1 id="two">Two</h1><h2 id="later">Later</h2></article></body></html>'
API = """<html><body><article><h1 id="api">API</h1><h2 id="pkg">pkg</h2>
<h3 id="pkg.Value">Value</h3><h4 id="pkg.Value.__add__">__add__</h4></article></body></html>"""


def _site(folder: Path) -> Edition:
    for path, html in {
        "chapters/one/index.html": CHAPTER,
        "chapters/two/index.html": TWO,
        "api/index.html": API,
        "figures/f.svg": "<svg/>",
    }.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(html, encoding="utf-8")
    return Edition.folder(folder)


def _book(folder: Path, chapter_section: str) -> Edition:
    sections = (
        f'<section class="print-page" id="chapters-one">{chapter_section}</section>'
        '<section class="print-page" id="chapters-two"><h1 id="chapters-two-two">Two</h1>'
        '<h2 id="chapters-two-later">Later</h2></section>'
        '<section class="print-page" id="api"><h1 id="api-api">API</h1><h2 id="api-pkg">pkg</h2>'
        '<h3 id="api-pkg.Value">Value</h3><h4 id="api-pkg.Value.__add__">__add__</h4></section>'
    )
    page = folder / "print_page" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<html><body><article>{sections}</article></body></html>", encoding="utf-8")
    return Edition.folder(folder)


RIGHT = """<h1 id="chapters-one-one">One<a class="headerlink" href="#chapters-one-one">¶</a></h1>
<p>An <a class="autorefs autorefs-internal" href="#api-pkg.Value">Value</a>,
the <a href="#chapters-two-later">later part</a>, a note<sup id="chapters-one-fnref:1"><a
class="footnote-ref" href="#chapters-one-fn:1">1</a></sup>, <a href="#chapters-one-fig">the
figure</a>, <a href="../figures/f.svg">full size</a>, <a href="https://example.org/">outside</a>.</p>
<p id="chapters-one-fig"><img alt="a figure" src="../figures/f.svg"></p>
<ol><li id="chapters-one-fn:1">The note.</li></ol>"""


def test_the_checker_passes_a_right_whole_book_page_and_counts_every_kind(tmp_path: Path) -> None:
    _site(tmp_path)
    site = _book(tmp_path, RIGHT)
    report = check_whole_book_page(site, site)
    assert report.problems == []
    assert dict(report.counts) == {
        "permalink (¶)": 1,
        "API reference": 1,
        "section": 1,
        "footnote": 1,
        "anchor on <p>": 1,
        "figure": 1,
        "outside the book": 1,
    }
    assert whole_book_ids(site) == []


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        # the bug: a class link that lands on one of its methods
        (
            ('href="#api-pkg.Value"', 'href="#api-pkg.Value.__add__"'),
            "link 'Value': on chapters/one/index.html it lands on API › pkg › Value (h3: Value) "
            "(../../api/#pkg.Value); on the whole-book page on API › pkg › Value › __add__ "
            "(h4: __add__) (#api-pkg.Value.__add__)",
        ),
        (
            ('href="#chapters-two-later"', 'href="#chapters-two"'),
            "link 'later part': on chapters/one/index.html it lands on Two › Later (h2: Later)",
        ),
        (
            ('href="#chapters-one-fig"', 'href="#fig"'),
            "on the whole-book page on nowhere print_page/index.html has no id 'fig'",
        ),
        (
            ('class="footnote-ref" href="#chapters-one-fn:1"', 'class="footnote-ref"'),
            "link '1': on chapters/one/index.html it lands on One (li: The note.) (#fn:1); on the "
            "whole-book page on nowhere the link has no href",
        ),
        (
            ('<a href="../figures/f.svg">full size</a>', "full size"),
            "link 'full size' (../../figures/f.svg) of chapters/one/index.html is missing from the "
            "whole-book page",
        ),
        (
            ('href="https://example.org/"', 'href="https://example.org/other"'),
            "on the whole-book page on outside https://example.org/other",
        ),
    ],
    ids=["api-on-a-method", "section", "anchor", "lost-href", "missing", "outside"],
)
def test_the_checker_names_a_link_that_lands_elsewhere(
    tmp_path: Path, wrong: tuple[str, str], message: str
) -> None:
    _site(tmp_path)
    assert wrong[0] in RIGHT
    section = RIGHT.replace(*wrong)
    if "no href" in message:
        section = section.replace('<a\nclass="footnote-ref">', "<a>")
    site = _book(tmp_path, section)
    problems = check_whole_book_page(site, site).problems
    assert len(problems) == 1, problems
    assert message in problems[0], problems[0]
    assert problems[0].startswith("the whole-book page, chapters/one/index.html: ")


def test_whole_book_ids_finds_shared_and_foreign_ids(tmp_path: Path) -> None:
    _site(tmp_path)
    section = (
        RIGHT.replace('id="chapters-one-fig"', 'id="fig"').replace(
            "<ol>", '<ol id="chapters-one-made-up">'
        )
        + '<p id="chapters-one-one"></p>'
    )
    site = _book(tmp_path, section)
    assert whole_book_ids(site) == [
        "id 'chapters-one-one' is used more than once",
        "chapters-one: id 'fig' does not start with the page's key",
        "chapters-one: id 'chapters-one-made-up' is not chapters-one- and an id of "
        "chapters/one/index.html",
    ]


def test_pages_of_the_offline_edition_are_paired_by_their_url(tmp_path: Path) -> None:
    web = _site(tmp_path / "site")
    offline_dir = tmp_path / "offline"
    for path, html in {
        "chapters/one.html": CHAPTER.replace("../../api/", "../api/index.html")
        .replace("../two/#later", "two.html#later")
        .replace("../../figures/", "../figures/"),
        "chapters/two.html": TWO,
        "api/index.html": API,
        "figures/f.svg": "<svg/>",
    }.items():
        (offline_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (offline_dir / path).write_text(html, encoding="utf-8")
    offline = Edition.folder(offline_dir, "offline edition", directory_urls=False)
    assert offline.page_of("chapters/one/index.html") == "chapters/one.html"
    assert offline.page_of("api/index.html") == "api/index.html"
    report = check_pages(web, offline)
    assert report.problems == []
    assert report.counts["API reference"] == 1 and report.counts["section"] == 1
