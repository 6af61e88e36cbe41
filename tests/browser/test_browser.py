"""The built book in headless Chromium: what a reader gets.

Every page loads without console errors, failed requests or requests outside
127.0.0.1; math is typeset by the vendored KaTeX (also after instant navigation);
figures show; search finds a chapter; the copy button gives bare code; the dark scheme
works; chapter pages offer their notebook for download.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1"}
# A chapter with math, figures, pycon blocks and a notebook; and the one search must find.
CHAPTER = "chapters/slope/"
SEARCHED = ("backward", "Automating backward")


@dataclass
class Watch:
    """What went wrong while a page was open; ``where`` prefixes each problem."""

    problems: list[str] = field(default_factory=list)
    where: str = ""

    def add(self, problem: str) -> None:
        self.problems.append(f"{self.where}: {problem}" if self.where else problem)

    def attach(self, page) -> None:
        def route(r) -> None:
            url = r.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL:
                r.continue_()
            else:
                self.add(f"request outside 127.0.0.1: {url}")
                r.abort()

        def console(message) -> None:
            if message.type == "error":
                self.add(f"console error: {message.text}")

        def failed(request) -> None:
            # A local request cut short because the test moved on to the next page is
            # not a fault of the site; 404s are caught as responses, outside requests above.
            local = urlsplit(request.url).hostname in LOCAL
            if not (local and request.failure == "net::ERR_ABORTED"):
                self.add(f"request failed: {request.url} ({request.failure})")

        def response(r) -> None:
            if r.status >= 400:
                self.add(f"HTTP {r.status}: {r.url}")

        page.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda e: self.add(f"page error: {e}"))
        page.on("requestfailed", failed)
        page.on("response", response)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def watched(context):
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    return page, watch


def html_pages(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html"))]


def test_every_page_loads_cleanly(site: Path, base_url: str, watched) -> None:
    page, watch = watched
    pages = html_pages(site)
    assert len(pages) > 20, f"only {len(pages)} pages in {site}"
    for path in pages:
        watch.where = path
        page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(50)
    assert not watch.problems, "\n".join(watch.problems)


def _math_state(page) -> dict:
    return page.evaluate(
        """() => {
            const math = [...document.querySelectorAll('.arithmatex')];
            return {
                count: math.length,
                rendered: math.filter(e => e.querySelector('.katex')).length,
                raw: math.filter(e => !e.querySelector('.katex'))
                          .map(e => e.textContent.slice(0, 80)),
                leftover: math.filter(e => /\\\\\\(|\\\\\\[|\\$/.test(
                    [...e.childNodes].filter(n => n.nodeType === 3)
                        .map(n => n.textContent).join(''))).length,
            };
        }"""
    )


def test_katex_renders_math_also_after_instant_navigation(base_url: str, watched) -> None:
    page, watch = watched
    page.goto(base_url + CHAPTER, wait_until="load")
    state = _math_state(page)
    assert state["count"] > 0, f"{CHAPTER} has no math to test with"
    assert state["rendered"] == state["count"] and not state["leftover"], state
    # Instant navigation swaps the content without a page load: math must render again.
    page.goto(base_url, wait_until="load")
    page.click("a.md-footer__link--next")  # the home page's "next" is chapter 1
    page.wait_for_url(base_url + CHAPTER)
    page.wait_for_selector(".arithmatex .katex")
    state = _math_state(page)
    assert state["rendered"] == state["count"] and not state["leftover"], state
    fonts = page.evaluate("() => document.fonts.check('16px KaTeX_Main')")
    assert fonts, "KaTeX's fonts did not load"
    assert not watch.problems, "\n".join(watch.problems)


def test_figures_are_displayed_and_open_full_size(site: Path, base_url: str, watched) -> None:
    page, watch = watched
    with_figures = [
        p
        for p in html_pages(site)
        if p.startswith("chapters/") and "/figures/" in (site / p).read_text(encoding="utf-8")
    ]
    assert with_figures, "no chapter shows a figure"
    checked = 0
    for path in with_figures:
        page.goto(base_url + path, wait_until="load")
        images = page.evaluate(
            """() => [...document.querySelectorAll('article img')]
                .filter(i => i.getAttribute('src').includes('figures/'))
                .map(i => ({src: i.getAttribute('src'), w: i.naturalWidth, h: i.naturalHeight,
                            link: i.closest('a.sg-figure')?.getAttribute('href') ?? null}))"""
        )
        for image in images:
            assert image["w"] > 0 and image["h"] > 0, f"{path}: {image['src']} not displayed"
            assert image["link"] == image["src"], f"{path}: {image['src']} does not open full size"
            checked += 1
    assert checked, "no figure images found"
    assert not watch.problems, "\n".join(watch.problems)


def test_search_finds_a_chapter(base_url: str, watched) -> None:
    page, watch = watched
    query, title = SEARCHED
    page.goto(base_url, wait_until="load")
    page.click("input[data-md-component='search-query']")
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item")
    # The index is built by a web worker: wait for results rather than for a fixed time.
    page.wait_for_function(
        """title => [...document.querySelectorAll('.md-search-result__item h1')]
                   .some(h => h.textContent.trim() === title)""",
        arg=title,
        timeout=30_000,
    )
    assert results.count() > 0
    assert not watch.problems, "\n".join(watch.problems)


def test_copy_button_copies_bare_code(base_url: str, watched) -> None:
    page, watch = watched
    page.goto(base_url + CHAPTER, wait_until="load")
    # clipboard.js copies through a selection and execCommand("copy"): record the selection.
    page.evaluate(
        """() => { document.addEventListener('copy',
                () => { window.__copied = document.getSelection().toString(); }, true); }"""
    )
    blocks = page.locator("div.language-pycon")
    assert blocks.count() > 1
    checked = 0
    for i in range(blocks.count()):
        block = blocks.nth(i)
        shown = block.locator("code").inner_text()
        if not re.search(r"^(?!>>>|\.\.\.).+", shown, re.M):
            continue  # only blocks that show some output are interesting
        expected = "\n".join(
            line[4:] if line.startswith((">>> ", "... ")) else line[3:]
            for line in shown.splitlines()
            if line.startswith((">>>", "..."))
        ).rstrip()
        page.evaluate("() => { window.__copied = null; }")
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        page.wait_for_function("() => window.__copied !== null")
        copied = page.evaluate("() => window.__copied")
        lines = [line.rstrip() for line in copied.rstrip().splitlines()]
        assert not any(line.startswith((">>>", "...")) for line in lines), copied
        assert lines == [line.rstrip() for line in expected.splitlines()], (
            f"copied:\n{copied}\nexpected:\n{expected}"
        )
        checked += 1
        if checked == 3:
            break
    assert checked, "no pycon block with output to copy"
    assert not watch.problems, "\n".join(watch.problems)


@pytest.mark.parametrize(("scheme", "expected"), [("dark", "slate"), ("light", "default")])
def test_colour_scheme_follows_the_system(browser, base_url: str, scheme: str, expected: str):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        watch = Watch()
        watch.attach(page)
        page.goto(base_url + CHAPTER, wait_until="load")
        assert page.get_attribute("body", "data-md-color-scheme") == expected
        if scheme == "dark":  # figures keep their white card, so they stay legible
            card = page.evaluate(
                """() => { const a = document.querySelector('a.sg-figure');
                           return a && getComputedStyle(a).backgroundColor; }"""
            )
            assert card == "rgb(255, 255, 255)", card
        assert not watch.problems, "\n".join(watch.problems)
    finally:
        context.close()


def test_chapter_offers_its_notebook(base_url: str, watched, context) -> None:
    page, watch = watched
    page.goto(base_url + CHAPTER, wait_until="load")
    button = page.locator("a.sg-notebook")
    assert button.is_visible()
    assert "Download notebook" in button.inner_text()
    href = button.get_attribute("href")
    assert button.get_attribute("download") is not None
    url = urljoin(page.url, href)
    assert url == base_url + "notebooks/slope.ipynb"
    response = context.request.get(url)
    assert response.status == 200
    nb = json.loads(response.text())
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] for c in code)
    assert any(c["outputs"] for c in code)
    assert not watch.problems, "\n".join(watch.problems)
