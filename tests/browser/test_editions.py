"""The book's other editions in headless Chromium: the whole-book page, served like the
site, and the offline edition unzipped and opened from disk (file://)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scalargrad.chapters import CHAPTERS

pytestmark = pytest.mark.browser

ZIP = "downloads/scalargrad-offline.zip"
ROOT = Path(__file__).resolve().parents[2]


def _watch(page, allowed) -> list[str]:
    """Record what goes wrong on ``page``; requests whose URL ``allowed`` rejects abort."""
    problems: list[str] = []

    def route(r) -> None:
        if allowed(r.request.url):
            r.continue_()
        else:
            problems.append(f"request outside the site: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None,
    )
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    return problems


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _math(page) -> dict:
    return page.evaluate(
        """() => {
            const math = [...document.querySelectorAll('.arithmatex')];
            return {count: math.length,
                    rendered: math.filter(e => e.querySelector('.katex')).length};
        }"""
    )


def _figures(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('article img, .md-content img')]
            .filter(i => (i.getAttribute('src') || '').includes('figures/'))
            .map(i => ({src: i.getAttribute('src'), w: i.naturalWidth}))"""
    )


def test_whole_book_page_renders_math_and_figures(base_url: str, page) -> None:
    problems = _watch(
        page,
        lambda url: (
            urlsplit(url).hostname == "127.0.0.1" or urlsplit(url).scheme in {"data", "blob"}
        ),
    )
    page.goto(base_url + "print_page/", wait_until="load")
    page.wait_for_selector(".arithmatex .katex")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
    math = _math(page)
    assert math["count"] > 50 and math["rendered"] == math["count"], math
    figures = _figures(page)
    assert len(figures) > 10, "the whole-book page shows few figures"
    assert all(f["w"] > 0 for f in figures), [f for f in figures if not f["w"]]
    # each chapter's title, in the order of the book (print-site prefixes ids by page)
    ids = page.eval_on_selector_all("h1[id^='chapters-']", "els => els.map(e => e.id)")
    stems = CHAPTERS
    assert [next((i for i in ids if i.startswith(f"chapters-{s}-")), None) for s in stems] == [
        i for i in ids if any(i.startswith(f"chapters-{s}-") for s in stems)
    ], ids
    assert len(ids) == len(stems), ids
    assert not problems, "\n".join(problems)


def _top(page, anchor: str) -> int | None:
    """Where the element with id ``anchor`` is, in pixels from the top of the window."""
    return page.evaluate(
        """id => { const e = document.getElementById(id);
                   return e && Math.round(e.getBoundingClientRect().top); }""",
        anchor,
    )


def test_whole_book_page_links_take_the_reader_to_their_target(base_url: str, page) -> None:
    """Follow links of the whole-book page as a reader: each target comes to the top.

    The first one especially: with Material's instant navigation, the first link followed
    made it fetch the page again and swap it in, so the site's navigation came back, the
    text reflowed, and the reader landed thousands of pixels away (whole_book_page.py).
    """
    page.goto(base_url + "print_page/", wait_until="load")
    page.wait_for_selector(".arithmatex .katex")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
    # Links are found by the end of their href: with instant navigation, Material makes
    # every href absolute.
    targets = [
        (section, page.locator(f"section#{section} {selector}").first.get_attribute("href"))
        for section, selector in (
            ("chapters-neuron", "a.autorefs"),  # an API reference, far down the page
            ("chapters-forward-mode", "a[href$='#chapters-tensors']"),  # a chapter
            ("chapters-mlp", "h2 a.headerlink"),  # a permalink, back up
        )
    ]
    followed = []
    for section, href in targets:
        anchor = href.partition("#")[2]
        link = page.locator(f"section#{section} a[href$='#{anchor}']").first
        link.click()
        page.wait_for_timeout(500)
        followed.append((link.inner_text(), anchor, _top(page, anchor)))
    landed_elsewhere = [f for f in followed if f[2] is None or not 0 <= f[2] < 150]
    assert not landed_elsewhere, f"(text, target, pixels from the top): {landed_elsewhere}"
    sidebar = page.eval_on_selector(".md-sidebar--primary", "e => getComputedStyle(e).display")
    assert sidebar == "none", "the site's navigation came back on the whole-book page"
    assert page.locator("#print-page-toc a").count() > 20, "the table of contents is gone"


@pytest.fixture(scope="module")
def offline(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / ZIP) as archive:
        archive.extractall(target)
    return target / "scalargrad-offline"


def test_offline_edition_works_from_file(offline: Path, page) -> None:
    problems = _watch(page, lambda url: urlsplit(url).scheme in {"file", "data", "blob"})
    page.goto((offline / "index.html").as_uri(), wait_until="load")
    # navigation: the footer's "next" link leads to chapter 1, a plain .html file
    page.click("a.md-footer__link--next")
    page.wait_for_url("**/chapters/slope.html")
    page.wait_for_selector(".arithmatex .katex")
    math = _math(page)
    assert math["count"] > 0 and math["rendered"] == math["count"], math
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    figures = _figures(page)
    assert figures and all(f["w"] > 0 for f in figures), figures
    # search: the index is inlined into a script; the worker runs in an iframe shim
    page.click("input[data-md-component='search-query']")
    page.keyboard.type("backward")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.md-search-result__item h1')]
               .some(h => h.textContent.trim() === 'Automating backward')""",
        timeout=30_000,
    )
    page.goto((offline / "print_page.html").as_uri(), wait_until="load")
    page.wait_for_selector(".arithmatex .katex")
    assert not problems, "\n".join(problems)
