"""A wrong answer to an exercise, in headless Chromium: "Not yet", and the hint that fits.

The last exercise of the chapter "value" asks for a ``__mul__`` and checks it with
``check_namespace``. A reader types a wrong answer as plain Python and runs it: the status
(a live region) says "Not yet", names the hint tagged with the failed check
(docs/hooks/hints.py) and a button opens that hint and puts the focus on it. Where two
hints fit, the first the reader has not opened is named; a failure no hint fits gets
today's message alone; a right answer passes, and the page stays usable throughout.
At 390 px, light and dark, axe-core finds no serious violation with the hint named and open.
These tests need the built site and Chromium (the ``site`` and ``browser`` fixtures).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import BOOK_BLOCK
from tests.browser.test_runner import _edit, _watched, open_page, wait_done

pytestmark = pytest.mark.browser

# The exercise's class, typed by a reader as plain Python, with a __mul__ (the answer) and
# the exercise's own check; MUL is the body of the reader's __mul__.
ANSWER = """\
from scalargrad.check import check_namespace

class MyValue:
    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)

    def __add__(self, other):
        other = other if isinstance(other, MyValue) else MyValue(other)
        return MyValue(self.data + other.data, (self, other))

    def __mul__(self, other):
{mul}

print(check_namespace({{"Value": MyValue}}, chapter="value").text(passed=False))
"""
WRAP = "        other = other if isinstance(other, MyValue) else MyValue(other)\n"
FORGETS_A_CHILD = WRAP + "        return MyValue(self.data * other.data, (self,))"
NO_WRAPPING = "        return MyValue(self.data * other.data, (self, other))"
RIGHT = WRAP + "        return MyValue(self.data * other.data, (self, other))"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _exercise_block(page) -> int:
    """The index of the exercise's block, with its exercise opened, as a reader does."""
    index = page.evaluate(
        """() => [...document.querySelectorAll('.md-content div.language-pycon:not(.sg-q *)')]
            .findIndex(b => b.textContent.includes('report.text(passed=False)'))"""
    )
    assert index > 0
    page.locator(BOOK_BLOCK).nth(index).evaluate("b => { b.closest('details').open = true; }")
    return index


def _bar(page, index: int):
    return page.locator(BOOK_BLOCK).nth(index).locator(
        "xpath=following-sibling::div[contains(@class,'sg-run')][1]"
    )


def _hint(page, title: str):
    exercise = page.locator("details.question", has_text="Exercise 4: Write")
    return exercise.locator(f"xpath=./details[summary[normalize-space()='{title}']]")


def _answer(page, index: int, mul: str, text: str = "") -> str:
    """Type an answer into the block (``text``, or the class with ``mul`` as its __mul__),
    press Run (a reader's click); the status it ends with."""
    _edit(page, index, text or ANSWER.format(mul=mul))
    _bar(page, index).locator("button.sg-run__run").click()
    wait_done(page)
    return _bar(page, index).locator(".sg-run__status").inner_text()


def test_a_wrong_answer_names_the_hint_that_fits_and_opens_it(context, base_url: str) -> None:
    page = _watched(context)
    open_page(page, base_url + "chapters/value/")
    index = _exercise_block(page)
    bar = _bar(page, index)
    hint1, hint2 = _hint(page, "Hint 1"), _hint(page, "Hint 2")
    assert hint1.get_attribute("data-sg-fits") and hint2.get_attribute("data-sg-fits")

    # __mul__ forgets a child: the check "children" fails, and only Hint 2 fits it
    said = _answer(page, index, FORGETS_A_CHILD)
    assert bar.get_attribute("data-state") == "failed", said
    assert said.startswith("Not yet: your code (chapter "), said
    assert "1 of 4 checks failed; its report is below" in said
    assert said.endswith("Hint 2 fits the failed check \u201cchildren\u201d."), said
    assert bar.locator(".sg-run__status").get_attribute("role") == "status"  # announced
    pointer = bar.get_by_role("button", name="Open Hint 2 of Exercise 4: Write __mul__, then "
                                             "check it: it fits the failed check children")
    assert pointer.inner_text() == "Open Hint 2"
    assert not hint2.evaluate("d => d.open")
    pointer.focus()  # from the keyboard
    page.keyboard.press("Enter")
    assert hint2.evaluate("d => d.open")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Hint 2"
    assert hint2.locator("p").first.is_visible()
    assert not hint1.evaluate("d => d.open")

    # a plain number on the right is not wrapped: "values" fails, which both hints fit;
    # Hint 1 is the first the reader has not opened
    said = _answer(page, index, NO_WRAPPING)
    assert said.endswith("Hint 1 fits the failed check \u201cvalues\u201d."), said
    bar.get_by_role("button", name="Open Hint 1", exact=False).click()
    assert hint1.evaluate("d => d.open")
    # both opened (Hint 1 closed again): the first that fits, said to be opened already
    hint1.locator("summary").click()
    assert not hint1.evaluate("d => d.open")
    said = _answer(page, index, NO_WRAPPING)
    assert said.endswith("Hint 1, which you have opened, fits the failed check "
                         "\u201cvalues\u201d."), said
    bar.get_by_role("button", name="Go to Hint 1", exact=False).click()
    assert hint1.evaluate("d => d.open")

    # a failure no hint fits (a fresh Value has no grad): today's message, no button
    said = _answer(page, index, "", ANSWER.format(mul=RIGHT).replace("self.grad = 0.0", "pass"))
    assert bar.get_attribute("data-state") == "failed", said
    assert said.startswith("Not yet: ") and "Hint" not in said, said
    assert bar.locator(".sg-run__hint").count() == 0

    # the right answer passes, and the pointer is gone
    said = _answer(page, index, RIGHT)
    assert bar.get_attribute("data-state") == "passed", said
    assert said.startswith("Passed: "), said
    assert bar.locator(".sg-run__hint").count() == 0
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_an_edited_answer_with_the_books_report_is_not_yet(context, base_url: str) -> None:
    """The book's report is the exercise's start: an edit that still prints it is "Not
    yet", and its hint is named, even though the output is the book's."""
    page = _watched(context)
    open_page(page, base_url + "chapters/value/")
    index = _exercise_block(page)
    code = page.locator(BOOK_BLOCK).nth(index).locator("pre > code").text_content()
    typo = code.replace(
        "...         return MyValue(self.data + other.data, (self, other))\n",
        "...         return MyValue(self.data + other.data, (self, other))\n"
        "...     def __mult__(self, other):\n"
        "...         return MyValue(self.data * other.data, (self, other))\n",
    )
    assert typo != code
    _edit(page, index, typo)
    _bar(page, index).locator("button.sg-run__run").click()
    wait_done(page)
    bar = _bar(page, index)
    said = bar.locator(".sg-run__status").inner_text()
    assert bar.get_attribute("data-state") == "failed", said
    assert said.endswith("Hint 1 fits the failed check "
                         "\u201coperations of the chapter\u201d."), said
    assert not page.watch.problems, "\n".join(page.watch.problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_named_hint_has_no_serious_axe_violation(browser, base_url: str,
                                                     scheme: str) -> None:
    from tests.browser.test_accessibility import _violations

    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = _watched(context)
    open_page(page, base_url + "chapters/value/")
    index = _exercise_block(page)
    said = _answer(page, index, FORGETS_A_CHILD)
    assert said.endswith("Hint 2 fits the failed check \u201cchildren\u201d."), said
    problems = _violations(page)
    _bar(page, index).locator(".sg-run__hint").click()
    problems += _violations(page)
    assert not problems, "\n".join(problems)
    assert not page.watch.problems, "\n".join(page.watch.problems)
    context.close()
