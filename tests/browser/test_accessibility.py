"""Accessibility of the workbench, in headless Chromium (issue 20, point 5).

axe-core (npm, pinned in package-lock.json, installed by ``npm ci``; never copied into
the site) finds no serious or critical violation of WCAG 2 A/AA on the chapters slope,
automating-backward and classifier and the Check page, light and dark, with the runner's
bars in place and, on the slope chapter,
after a Run (its output, the note of a second run). The runner's controls work from the
keyboard and have names that say what they do. Needs the built site and Chromium.
"""

from __future__ import annotations

import pytest

from tests.browser.test_runner import _watched, open_page, wait_done
from tests.test_site import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules/axe-core/axe.min.js"
PAGES = ["chapters/slope/", "chapters/automating-backward/",
         "chapters/classifier/", "reference/check/"]
SERIOUS = ("serious", "critical")


def _violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (`make setup` does)", pytrace=False)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
              resultTypes: ['violations'],
            })).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(
                n => n.target.join(' ') + ': ' + n.failureSummary)}))"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in found if v["impact"] in SERIOUS
    ]


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_context(request, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=request.param)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violation(scheme_context, base_url: str, path: str) -> None:
    page = _watched(scheme_context)
    page.goto(base_url + path, wait_until="load")
    if path.startswith("chapters/"):
        page.wait_for_selector(".sg-run", state="attached")
    problems = _violations(page)
    if path == "chapters/slope/":  # the states a Run adds: output, notes, answers
        page.locator("button.sg-run__run").nth(1).click()
        wait_done(page)
        page.locator("button.sg-run__run").nth(1).click()
        wait_done(page)
        problems += _violations(page)
    assert not problems, f"{path}:\n" + "\n".join(problems)
    page.close()


def test_the_runner_works_from_the_keyboard(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = _watched(context)
        open_page(page, base_url + "chapters/slope/")
        # every control has a name that says what it does
        names = page.evaluate(
            """() => [...document.querySelectorAll('.sg-run button, .sg-bench button')]
                .map(b => b.getAttribute('aria-label') || b.textContent)"""
        )
        assert "Run example block 2" in names
        assert any(n.startswith("Restart Python: forget every name") for n in names)
        assert any(n.startswith("Start over") for n in names)
        assert any(n.startswith("Stop block 2") for n in names)
        # Tab reaches Run; Enter runs the block
        run = page.locator("button.sg-run__run").nth(1)
        run.focus()
        page.keyboard.press("Enter")
        wait_done(page)
        status = page.locator(".sg-run__status").nth(1)
        assert status.get_attribute("role") == "status"
        assert "the output is the book's" in status.inner_text()
        # Restart from the keyboard
        page.get_by_role("button", name="Restart Python").focus()
        page.keyboard.press("Enter")
        assert "restarted" in page.locator(".sg-bench__state").inner_text()
        # Start over: Enter opens the question, focus moves to its answer, Escape-free Cancel
        page.get_by_role("button", name="Start over").focus()
        page.keyboard.press("Enter")
        focused = page.evaluate("() => document.activeElement.textContent")
        assert focused == "Yes, forget my edits"
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Cancel
        assert page.evaluate("() => document.activeElement.textContent") == "Start over…"
        # the editable code is a named, multi-line text box
        code = page.locator("div.language-pycon").nth(1).locator("pre > code")
        assert code.get_attribute("role") == "textbox"
        assert code.get_attribute("aria-multiline") == "true"
        assert not page.watch.problems, "\n".join(page.watch.problems)
    finally:
        context.close()
