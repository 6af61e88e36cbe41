"""In Chromium: the site's search finds the teaching first (docs/hooks/search_rank.py).

For words a chapter teaches, the first result is that chapter's page, not its notebook
copy nor the whole-book page, which hold the same words.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# A word, and a part of the address of the chapter that teaches it.
TERMS = {"hinge loss": "classifier", "zero_grad": "zero-grad", "topological": "backward"}


@pytest.mark.parametrize("term", TERMS)
def test_search_lists_the_teaching_chapter_first(browser, base_url: str, term: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url, wait_until="load")
    field = page.locator("input.md-search__input")
    field.click()  # at 1280 px the field is in the header
    field.fill(term)
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    first.wait_for(timeout=60_000)
    href = first.get_attribute("href").split("?")[0]
    assert "/chapters/" in href and TERMS[term] in href, f"{term!r}: the first result is {href}"
    context.close()
