"""In Chromium: a predict-then-run question, answered as a reader answers it.

A wrong choice shows its own explanation and the code, a right one says so, a typed
answer is compared as a number, the answer survives a reload, and the question's code
runs in the page and prints the answer the build computed (docs/hooks/questions.py,
docs/assets/javascripts/questions.js). The questions come from the published
``_data/questions.json``, so the test follows them wherever they move.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.test_browser import Watch

pytestmark = pytest.mark.browser

RUN_TIMEOUT = 300_000  # ms: Python starts on a busy 2-core machine


def published(site: Path) -> list[dict]:
    return json.loads((site / "_data" / "questions.json").read_text(encoding="utf-8"))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = Watch()
    page.watch.attach(page)
    yield page
    context.close()


def test_a_multiple_choice_question(page, site: Path, base_url: str) -> None:
    item = next(q for q in published(site) if q["kind"] == "choice")
    wrong = next(c for c in item["choices"] if c != item["answer"])
    page.goto(base_url + item["page"], wait_until="load")
    question = page.locator(f"#{item['id']}")
    verdict = question.locator(".sg-q__verdict")

    question.locator(".sg-q__check").click()
    assert verdict.inner_text() == "Choose an answer first."
    assert question.locator(".sg-q__run").is_hidden(), "the code waits for an answer"

    question.locator(f'input[data-choice="{wrong}"]').check()
    question.locator(".sg-q__check").click()
    assert verdict.inner_text().startswith("Not quite.")
    shown = question.locator(".sg-q__why:not([hidden])")
    assert shown.count() == 1 and shown.get_attribute("data-for") == wrong
    assert question.locator(".sg-q__run").is_visible()

    question.locator(f'input[data-choice="{item["answer"]}"]').check()
    question.locator(".sg-q__check").click()
    assert verdict.inner_text() == "Right."
    assert shown.get_attribute("data-for") == item["answer"]

    page.reload(wait_until="load")
    question = page.locator(f"#{item['id']}")
    assert question.locator(".sg-q__verdict").inner_text() == "Right.", "kept after a reload"
    assert question.locator(f'input[data-choice="{item["answer"]}"]').is_checked()
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_a_typed_answer_and_its_code_run_in_the_page(page, site: Path, base_url: str) -> None:
    item = next(q for q in published(site) if q["kind"] == "short"
                and q["answer"].replace(".", "").lstrip("-").isdigit())
    page.goto(base_url + item["page"], wait_until="load")
    question = page.locator(f"#{item['id']}")
    field = question.locator("input[type=text]")
    field.fill("not a number")
    field.press("Enter")
    assert question.locator(".sg-q__verdict").inner_text().startswith("Not quite.")
    field.fill(str(float(item["answer"])))  # typed as a float: the same number
    field.press("Enter")
    assert question.locator(".sg-q__verdict").inner_text() == "Right."
    assert question.locator(".sg-q__why:not([hidden])").count() == 1

    question.locator(".sg-q__run button.sg-run__run").click()
    page.wait_for_function(
        """id => ['match', 'differs', 'raised', 'error'].includes(
            document.querySelector(`#${id} .sg-out`)?.dataset.outcome)""",
        arg=item["id"], timeout=RUN_TIMEOUT, polling=200)
    out = question.locator(".sg-out")
    assert out.get_attribute("data-outcome") == "match", out.inner_text()
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_questions_work_from_the_keyboard(page, site: Path, base_url: str) -> None:
    item = next(q for q in published(site) if q["kind"] == "choice")
    page.goto(base_url + item["page"], wait_until="load")
    question = page.locator(f"#{item['id']}")
    question.locator("input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")  # the next choice, as in any radio group
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the Check button has the focus
    assert question.locator(".sg-q__verdict").inner_text() != ""
    picked = question.locator("input[type=radio]:checked")
    assert picked.count() == 1


def test_progress_shows_in_the_nav_and_start_over_forgets_it(
    page, site: Path, base_url: str
) -> None:
    item = next(q for q in published(site) if q["kind"] == "choice")
    page.goto(base_url + item["page"], wait_until="load")
    page.wait_for_selector(".sg-run", state="attached")
    mark = page.locator(f'a.md-nav__link[href$="{item["page"].rstrip("/").split("/")[-1]}/"] '
                        ".sg-nav-done").first
    assert mark.count() == 0, "nothing answered yet"
    question = page.locator(f"#{item['id']}")
    question.locator(f'input[data-choice="{item["answer"]}"]').check()
    question.locator(".sg-q__check").click()
    assert mark.get_attribute("data-answered").startswith("1/")

    # An exercise counts once the reader's own code ran in it.
    exercise = page.locator(".md-content details.question").first
    exercise.evaluate("box => { box.open = true; }")
    code = exercise.locator("div.language-pycon pre > code").first
    code.evaluate("(c) => { c.textContent = 'print(1 + 1)\\n';"
                  " c.dispatchEvent(new Event('input')); }")
    exercise.locator("button.sg-run__run").first.evaluate("b => b.click()")
    page.wait_for_function(
        "() => document.querySelector('.sg-nav-done')?.dataset.answered?.startsWith('2/')",
        timeout=RUN_TIMEOUT, polling=200)

    page.reload(wait_until="load")
    assert mark.get_attribute("data-answered").startswith("2/"), "kept after a reload"
    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Yes, forget my edits").click()
    assert mark.count() == 0
    question = page.locator(f"#{item['id']}")
    assert question.locator(".sg-q__verdict").inner_text() == ""
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_answers_travel_with_my_files(page, site: Path, base_url: str, tmp_path: Path) -> None:
    """Download my files holds answers.json beside the engine; Load my files restores it."""
    import zipfile

    from scalargrad.chapters import number
    from scalargrad.check.chapters import FIRST, LAST

    item = next(q for q in published(site) if q["kind"] == "choice"
                and FIRST <= number(q["page"].strip("/").split("/")[-1]) <= LAST)
    page.goto(base_url + item["page"], wait_until="load")
    page.wait_for_selector(".sg-run", state="attached")
    question = page.locator(f"#{item['id']}")
    question.locator(f'input[data-choice="{item["answer"]}"]').check()
    question.locator(".sg-q__check").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my files").click()
    archive = tmp_path / "mine.zip"
    info.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        answers = json.loads(z.read("my-scalargrad/answers.json"))
    key = f"q:{item['page']}#{item['id']}"
    assert json.loads(answers[key]) == {"answer": item["answer"], "right": True}, answers

    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Yes, forget my edits").click()
    assert question.locator(".sg-q__verdict").inner_text() == ""
    page.locator(".sg-engine input[type=file]").set_input_files(str(archive))
    page.wait_for_function(
        "id => document.querySelector(`#${id} .sg-q__verdict`).textContent === 'Right.'",
        arg=item["id"], timeout=10_000)
    assert not page.watch.problems, "\n".join(page.watch.problems)
