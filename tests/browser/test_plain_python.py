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


def test_on_a_phone_the_output_keeps_the_width_of_the_page(browser, base_url: str) -> None:
    """At 390 px a run's output is not squeezed into a column beside its label."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = _watched(context)
    open_page(page, base_url + CHAPTER)
    _edit(page, 0, "total = 0\nfor i in range(3):\n    total += i\nprint(total)\n")
    click_run(page, 0)
    wait_done(page)
    out = _output(page, 0)
    assert out.locator(".sg-ex__source").count() == 0  # the edited block above is the source
    assert out.locator(".sg-ex__got").inner_text().strip() == "3"
    _edit(page, 0, ">>> numbers = [1.0, 2.0, 3.0]\n"
                   ">>> sum(x * x for x in numbers) / len(numbers)\n4.666666666666667\n")
    click_run(page, 0)
    wait_done(page)
    head, source = (_output(page, 0).locator(sel).first.bounding_box()
                    for sel in (".sg-ex__head", ".sg-ex__source"))
    assert source["width"] >= 0.6 * head["width"], (source, head)
    assert not page.watch.problems, "\n".join(page.watch.problems)
    context.close()
