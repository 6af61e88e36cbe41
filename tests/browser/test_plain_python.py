"""In Chromium: a block edited into plain Python (no prompts) runs as a file does.

What ``print`` prints shows, then the last line's value as at a prompt; a mistake in it
gets its traceback and leaves the page usable (scalargrad.check.doctests.run_block).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import BOOK_BLOCK
from tests.browser.test_runner import _edit, _status, _watched, click_run, open_page, wait_done

pytestmark = pytest.mark.browser

CHAPTER = "chapters/slope/"


def _output(page, index: int):
    return page.locator(BOOK_BLOCK).nth(index).locator(
        "xpath=following-sibling::div[contains(@class,'sg-out')][1]")


def test_plain_python_runs_in_the_page(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = _watched(context)
    open_page(page, base_url + CHAPTER)
    _edit(page, 0, "import math\nx = 6 * 7\nfor i in range(2):\n    print(i)\nmath.sqrt(x + 7)\n")
    click_run(page, 0)
    wait_done(page)
    assert _status(page, 0).startswith("Ran your code"), _status(page, 0)
    out = _output(page, 0)
    assert out.get_attribute("data-outcome") == "ran"
    assert out.locator(".sg-ex__got").inner_text().strip() == "0\n1\n7.0"

    _edit(page, 0, "print('before')\nundefined_name\n")
    click_run(page, 0)
    wait_done(page)
    assert "raised NameError" in _status(page, 0), _status(page, 0)
    got = _output(page, 0).locator(".sg-ex__got").inner_text()
    assert got.startswith("before") and "NameError" in got

    _edit(page, 0, "x = 1\nx + 1\n")  # the page still runs what comes next
    click_run(page, 0)
    wait_done(page)
    assert _output(page, 0).locator(".sg-ex__got").inner_text().strip() == "2"
    assert not page.watch.problems, "\n".join(page.watch.problems)
    context.close()
