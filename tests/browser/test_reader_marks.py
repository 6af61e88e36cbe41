"""In Chromium: a block that raises shows its mark and copies only its code; a bare
``...`` line shows in the page and copies as the empty line that closes a statement.

tests/test_reader.py checks the same on the HTML; this checks what the reader's browser
does with it (Material's copy button, the stylesheet that hides prompts and output).
"""

from __future__ import annotations

import pytest

CHAPTER = "chapters/more-operations/"


@pytest.fixture
def page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + CHAPTER, wait_until="load")
    # clipboard.js copies through a selection and execCommand("copy"): record the
    # selection, or what a copy listener (docs/assets/javascripts/pycon-copy.js) put
    # into the clipboard instead.
    page.evaluate(
        """() => {
            const setData = DataTransfer.prototype.setData;
            DataTransfer.prototype.setData = function (type, data) {
                window.__set = data;
                return setData.call(this, type, data);
            };
            document.addEventListener('copy', () => {
                window.__copied = window.__set ?? document.getSelection().toString();
            }, true);
        }"""
    )
    yield page
    context.close()


def _copy(page, block) -> str:
    page.evaluate("() => { window.__copied = null; window.__set = null; }")
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    page.wait_for_function("() => window.__copied !== null")
    return page.evaluate("() => window.__copied")


def test_a_raising_block_is_marked_and_copies_only_its_code(page) -> None:
    block = page.locator("div.language-pycon.sg-raising").first
    assert block.get_attribute("data-raises") == "TypeError"
    label = block.locator(".sg-raises")
    assert label.is_visible() and label.inner_text().strip() == "raises TypeError"
    assert "Traceback (most recent call last):" in block.locator("code").inner_text()
    assert _copy(page, block).strip() == "Value(2.0) ** Value(2.0)"


def test_a_closing_ellipsis_line_shows_and_copies_as_an_empty_line(page) -> None:
    block = page.locator("div.language-pycon", has_text="tanh route").first
    shown = block.locator("code").inner_text().splitlines()
    print_line = next(i for i, line in enumerate(shown) if "print(" in line)
    assert shown[print_line + 1] == "..."
    assert block.get_attribute("data-copy-closes") is not None
    copied = _copy(page, block)
    # Material trims the end of the copy; pycon-copy.js puts the closing line back, so a
    # prompt runs the loop without waiting for one more Enter.
    assert copied.endswith("print(f\"{name:>2}  tanh route {p!r:<20}  exp route {q!r}\")\n\n")
    assert "tanh route -1.4999999999999993" not in copied
    # A block that ends with a simple statement copies as Material trims it.
    plain = page.locator("div.language-pycon:not([data-copy-closes])").first
    assert not _copy(page, plain).endswith("\n")
