"""The book's other editions in headless Chromium: the whole-book page, served like the
site, and the offline edition unzipped and opened from disk (file://)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ZIP = "downloads/scalargrad-offline.zip"


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


def test_whole_book_page_renders_math_and_figures(base_url: str, watched) -> None:
    page, watch = watched
    page.goto(base_url + "print_page/", wait_until="load")
    page.wait_for_selector(".arithmatex .katex")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
    math = _math(page)
    assert math["count"] > 50 and math["rendered"] == math["count"], math
    figures = _figures(page)
    assert len(figures) > 10, "the whole-book page shows few figures"
    assert all(f["w"] > 0 for f in figures), [f for f in figures if not f["w"]]
    headings = page.eval_on_selector_all("h1", "els => els.map(e => e.textContent.trim())")
    assert any(h.startswith("1. The slope") for h in headings), headings[:5]
    assert any(h.startswith("15. How fast") for h in headings), headings[-5:]
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture(scope="module")
def offline(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / ZIP) as archive:
        archive.extractall(target)
    return target / "scalargrad-offline"


def test_offline_edition_works_from_file(offline: Path, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if urlsplit(url).scheme in {"file", "data", "blob"}:
            r.continue_()
        else:
            problems.append(f"fetched from outside the folder: {url}")
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None,
    )
    try:
        page.goto((offline / "index.html").as_uri(), wait_until="load")
        # navigation: the footer's "next" link leads to chapter 1, a plain .html file
        page.click("a.md-footer__link--next")
        page.wait_for_url("**/chapters/01-slope.html")
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
    finally:
        context.close()
    assert not problems, "\n".join(problems)
