"""The book on a 390-px phone, in headless Chromium (issue 20, point 4).

At 390 × 844: the text of every figure is at least 9 px tall (a wide figure keeps a
readable size and scrolls sideways, or opens full size); at least 90 % of the code
blocks of a chapter need no sideways scroll; the copy button covers no code. Measured
on chapters 3, 10 and 13 (the widest graphs, the most code), with every exercise and
solution opened. Needs the built site and Chromium.

A figure's smallest text: graphviz SVGs name their font sizes (``font-size``);
matplotlib draws text as paths, so its smallest size is the book style's
(``scalargrad.viz.BOOK_STYLE``). Both are in the SVG's user units, so the size on
screen is that times the drawn width over the viewBox width.
"""

from __future__ import annotations

import re

import pytest

from scalargrad.viz import BOOK_STYLE
from tests.browser.test_runner import _watched, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHAPTERS = ["03-value", "10-mlp", "13-classifier"]
MIN_TEXT_PX = 9.0
MATPLOTLIB_MIN_PT = min(  # font sizes only: figure.figsize is a tuple
    v for k, v in BOOK_STYLE.items() if k.endswith("size") and isinstance(v, int | float)
)

MEASURE = """async (minMatplotlib) => {
  for (const d of document.querySelectorAll('.md-content details')) d.open = true;
  await new Promise(r => setTimeout(r, 100));
  const codes = [...document.querySelectorAll('.md-content .highlight pre > code')]
    .filter(c => c.offsetParent !== null);
  const scrolls = codes.filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.split('\\n').reduce((a, l) => l.length > a.length ? l : a, ''));
  // the copy button: does its box overlap a character of the code?
  const covered = [];
  let buttons = 0;
  for (const code of codes) {
    // Material 9.8 puts its copy button in nav.md-code__nav inside the pre
    const button = code.parentElement.querySelector('.md-code__button, .md-clipboard');
    if (!button) continue;
    buttons++;
    const b = button.getBoundingClientRect();
    if (!b.width) continue;
    const range = document.createRange();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let hit = null;
    while (!hit && walker.nextNode()) {
      const text = walker.currentNode;
      for (let i = 0; i < text.length; i++) {
        if (/\\s/.test(text.data[i])) continue;
        range.setStart(text, i); range.setEnd(text, i + 1);
        for (const r of range.getClientRects()) {
          if (r.right > b.left && r.left < b.right && r.bottom > b.top && r.top < b.bottom) {
            hit = text.data.slice(Math.max(0, i - 10), i + 10);
          }
        }
        if (hit) break;
      }
    }
    if (hit) covered.push(hit);
  }
  const figures = [];
  for (const img of document.querySelectorAll('.md-content a.sg-figure img')) {
    img.scrollIntoView();
    const svg = await (await fetch(img.src)).text();
    const view = svg.match(/viewBox="[-\\d.]+ [-\\d.]+ ([\\d.]+)/);
    const sizes = [...svg.matchAll(/font-size="([\\d.]+)"/g)].map(m => Number(m[1]));
    const min = sizes.length ? Math.min(...sizes) : minMatplotlib;
    const width = img.getBoundingClientRect().width;
    figures.push({src: img.src.split('/').pop(), px: min * width / Number(view[1]), width});
  }
  return {blocks: codes.length, scrolls, covered, figures, buttons};
}"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    yield context
    context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_readable_on_a_phone(phone, base_url: str, chapter: str) -> None:
    page = _watched(phone)
    open_page(page, f"{base_url}chapters/{chapter}/")
    found = page.evaluate(MEASURE, MATPLOTLIB_MIN_PT)
    small = [f for f in found["figures"] if f["px"] < MIN_TEXT_PX]
    share = 1 - len(found["scrolls"]) / found["blocks"]
    print(f"\n{chapter} at 390 px: {found['blocks']} code blocks, "
          f"{len(found['scrolls'])} scroll sideways ({share:.0%} do not); figures' smallest "
          "text " + ", ".join(f"{f['src']} {f['px']:.1f} px" for f in found["figures"]))
    assert not small, f"figure text under {MIN_TEXT_PX} px: {small}"
    assert share >= 0.9, f"{chapter}: blocks that scroll sideways: {found['scrolls']}"
    assert found["buttons"] >= found["blocks"] - 2, "the copy buttons were not found"
    assert not found["covered"], f"the copy button covers code: {found['covered']}"
    no_page_scroll = page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert no_page_scroll, "the page itself scrolls sideways"
    assert not page.watch.problems, "\n".join(page.watch.problems)
    page.close()


def test_matplotlib_minimum_is_the_book_style() -> None:
    assert MATPLOTLIB_MIN_PT == 11 and re.fullmatch(r"\d+", str(MATPLOTLIB_MIN_PT))
