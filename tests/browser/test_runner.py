"""The Run buttons in headless Chromium: the book's examples run in the page (Pyodide).

For each chapter, the last Run button is pressed: the page runs every block before it
first, as the notebook does, then that block. Each example's output in the page is then
compared with the output the book shows, read from the Markdown by
docs/hooks/pycon_blocks.py, with doctest's OutputChecker under the project's flags:
the comparison the doctests make. The one allowed difference is a float's last digit
(the browser's C maths library rounds exp and tanh differently): the page names it,
and the test reports each one as a warning. `make test` runs a fixed subset of the chapters;
`make browser-all` (SCALARGRAD_BROWSER_ALL=1) runs all of them.

Also: Stop ends an endless loop and the page still runs; a reader's syntax error and
exception are shown; an edit survives a reload, also a reload mid-run; nothing is
fetched before the first Run, and nothing from outside the site after it; a graph the
reader draws is drawn by viz-js; under file:// the button says to serve the folder.
"""

from __future__ import annotations

import doctest
import os
import re
import warnings
from pathlib import Path

import pytest

from scalargrad.chapters import CHAPTERS as BOOK_CHAPTERS
from tests.browser.test_browser import Watch
from tests.test_site import ROOT, load_hook

pytestmark = pytest.mark.browser

CHAPTERS = list(BOOK_CHAPTERS)
# The subset `make test` runs: the first chapter, the graph chapter, the chapter of
# deliberate tracebacks, and one that mixes runnable blocks with PyTorch ones.
SUBSET = ["slope", "value", "accumulation-bug", "pytorch"]
ALL = os.environ.get("SCALARGRAD_BROWSER_ALL") == "1"
FLAGS = doctest.NORMALIZE_WHITESPACE  # pyproject.toml's doctest_optionflags
DONE = """() => [...document.querySelectorAll('.sg-run')]
    .every(bar => !['running', 'waiting'].includes(bar.dataset.state))"""
RUN_TIMEOUT = 300_000  # ms: a whole chapter on a busy 2-core machine


def _watched(context):
    page = context.new_page()
    page.watch = Watch()
    page.watch.attach(page)
    return page


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield _watched(context)
    context.close()


@pytest.fixture(scope="module")
def chapters_context(browser):
    """One context for the chapters: its cache keeps Pyodide from one chapter to the next."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def open_page(page, url: str) -> None:
    """Go to ``url`` and wait until the runner has put its bars under the blocks."""
    page.goto(url, wait_until="load")
    page.wait_for_selector(".sg-run", state="attached")


def click_run(page, index: int) -> None:
    """Press the Run button of block ``index`` (it may sit in a closed solution)."""
    button = page.locator("div.language-pycon").nth(index).locator(
        "xpath=following-sibling::div[contains(@class,'sg-run')][1]//button[text()='Run']"
    )
    button.evaluate("b => b.click()")


def wait_done(page) -> None:
    page.wait_for_function(DONE, timeout=RUN_TIMEOUT, polling=200)


def page_results(page) -> list[dict | None]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.md-content div.language-pycon')].map(block => {
            const out = block.nextElementSibling?.nextElementSibling;
            if (!out || !out.classList.contains('sg-out') || out.hidden) return null;
            return {
                outcome: out.dataset.outcome,
                examples: [...out.querySelectorAll('.sg-ex')].map(e => ({
                    outcome: e.dataset.outcome,
                    got: e.querySelector('.sg-ex__got')?.textContent ?? '',
                })),
            };
        })"""
    )


def chapter_blocks(chapter: str) -> tuple[list, list[int]]:
    """A chapter's pycon blocks, and the indices of those the page can run."""
    markdown = (ROOT / "docs/chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    blocks = load_hook("pycon_blocks").pycon_blocks(markdown)
    needs = load_hook("runnable_blocks").block_needs(markdown)
    return blocks, [i for i, n in enumerate(needs) if not n.get("needs")]


def _want_matches(example, got: str) -> bool:
    checker = doctest.OutputChecker()
    want = "\n".join(example.want) + "\n" if example.want else ""
    if example.raises:  # doctest compares the exception's last line only
        last = got.rstrip("\n").splitlines()[-1] + "\n"
        return checker.check_output(example.want[-1] + "\n", last, FLAGS)
    flags = FLAGS | (doctest.ELLIPSIS if "+ELLIPSIS" in example.directives else 0)
    return checker.check_output(want, got, flags)


@pytest.mark.parametrize("chapter", CHAPTERS if ALL else SUBSET)
def test_examples_give_the_books_output_in_the_page(
    chapters_context, base_url: str, chapter: str
) -> None:
    page = _watched(chapters_context)
    blocks, runnable = chapter_blocks(chapter)
    assert runnable, f"{chapter}: no block runs in the page"
    open_page(page, f"{base_url}chapters/{chapter}/")
    buttons = page.locator("button.sg-run__run")
    assert buttons.count() == len(runnable)
    assert page.locator(".sg-run__needs").count() == len(blocks) - len(runnable)
    click_run(page, runnable[-1])
    wait_done(page)
    results = page_results(page)
    problems = []
    for i in runnable:
        shown = results[i]
        if shown is None:
            problems.append(f"block {i + 1} (line {blocks[i].lineno}) did not run")
            continue
        examples = [e for e in blocks[i].examples if not e.skip]
        ran = [e for e in shown["examples"] if e["outcome"] != "skipped"]
        if len(ran) != len(examples):
            problems.append(f"block {i + 1}: {len(ran)} examples ran, the book has {len(examples)}")
            continue
        for example, got in zip(examples, ran, strict=True):
            if got["outcome"] == "rounding":  # the page checked: floats within 1e-12
                warnings.warn(
                    f"{chapter} line {example.lineno}: {example.code!r} gives "
                    f"{got['got'].strip()!r} in the page, the book {example.want}: the "
                    "browser's maths library rounds the last digit differently",
                    stacklevel=1,
                )
                continue
            if got["outcome"] != "match" or not _want_matches(example, got["got"]):
                problems.append(
                    f"line {example.lineno}: {example.code!r}\n  book: {example.want}\n"
                    f"  page ({got['outcome']}): {got['got']!r}"
                )
    assert not problems, f"{chapter}:\n" + "\n".join(problems)
    assert not page.watch.problems, "\n".join(page.watch.problems)
    page.close()


def _edit(page, index: int, text: str) -> None:
    code = page.locator("div.language-pycon").nth(index).locator("pre > code")
    code.evaluate(
        "(c, t) => { c.textContent = t; c.dispatchEvent(new Event('input')); }", text
    )


def _status(page, index: int) -> str:
    return page.locator("div.language-pycon").nth(index).locator(
        "xpath=following-sibling::div[1]"
    ).locator(".sg-run__status").inner_text()


def test_nothing_loads_before_the_first_run(page, base_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, base_url + "chapters/slope/")
    page.wait_for_timeout(300)
    assert not [u for u in requests if "/runtime/" in u or "/wheels/" in u or "runner-worker" in u]
    click_run(page, 1)
    wait_done(page)
    fetched = [u for u in requests if "/runtime/" in u or "/wheels/" in u]
    assert any(u.endswith("pyodide.asm.wasm") for u in fetched)
    assert any(u.endswith("wheels/scalargrad.whl") for u in fetched)
    assert not any(u.endswith("viz.js") for u in fetched), "viz-js loads only for a graph"
    assert "the output is the book's" in _status(page, 1)
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_stop_errors_and_edits(page, base_url: str) -> None:
    open_page(page, base_url + "chapters/slope/")
    # an endless loop: Stop ends it, and the page runs again afterwards
    _edit(page, 1, ">>> while True:\n...     pass\n...\n")
    click_run(page, 1)
    page.wait_for_function(
        "() => document.querySelectorAll('.sg-run__stop:not([hidden])').length > 0"
    )
    page.wait_for_timeout(500)
    page.locator(".sg-run__stop:not([hidden])").first.click()
    assert "Stopped" in _status(page, 1)
    # a syntax error and an exception in the reader's edit: shown, with a traceback
    _edit(page, 1, ">>> def f(x):\n...     return x +\n...\n>>> 1 / 0\n")
    click_run(page, 1)
    wait_done(page)
    out = page_results(page)[1]
    assert [e["outcome"] for e in out["examples"]] == ["raised", "raised"]
    assert "SyntaxError" in out["examples"][0]["got"]
    assert out["examples"][1]["got"].startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError" in _status(page, 1)
    # an edit that gives other output than the book: shown beside the book's
    _edit(page, 1, ">>> 2 + 2\n5\n")
    click_run(page, 1)
    wait_done(page)
    assert "gave other output than the book" in _status(page, 1)
    assert page.locator(".sg-ex--differs .sg-ex__want").first.inner_text().strip() == "5"
    # a block the reader cannot parse as examples
    _edit(page, 1, ">>>2 + 2\n")
    click_run(page, 1)
    wait_done(page)
    assert "cannot be read as Python examples" in _status(page, 1)
    # the edit survives a reload, also one in the middle of a run
    _edit(page, 1, ">>> while True:\n...     pass\n...\n")
    click_run(page, 1)
    page.wait_for_function(
        "() => document.querySelectorAll('.sg-run__stop:not([hidden])').length > 0"
    )
    page.reload(wait_until="load")
    page.wait_for_selector(".sg-run", state="attached")
    code = page.locator("div.language-pycon").nth(1).locator("pre > code").text_content()
    assert code.startswith(">>> while True:")
    assert "reloaded while this block ran" in _status(page, 1)
    page.locator("div.language-pycon").nth(1).locator(
        "xpath=following-sibling::div[1]//button[text()='Undo my edits']"
    ).click()
    code = page.locator("div.language-pycon").nth(1).locator("pre > code").text_content()
    assert code.startswith(">>> def f(x):")
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_a_graph_the_reader_draws(page, base_url: str) -> None:
    open_page(page, base_url + "chapters/value/")
    _edit(page, 1, ">>> a = Value(2.0, label='a')\n>>> draw_dot(a * a)  # doctest: +ELLIPSIS\n"
                   "<graphviz.graphs.Digraph object at ...>\n")
    click_run(page, 1)
    wait_done(page)
    assert "the output is the book's" in _status(page, 1), _status(page, 1)
    graph = page.locator(".sg-ex__graph").first
    size = graph.evaluate("g => [g.naturalWidth, g.naturalHeight]")
    assert size[0] > 50 and size[1] > 20
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_opened_from_disk_the_button_says_to_serve_the_folder(browser, site: Path) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        open_page(page, (site / "chapters/slope/index.html").as_uri())
        button = page.locator("button.sg-run__run").first
        assert button.is_disabled()
        status = page.locator(".sg-run__status").first.inner_text()
        assert re.search(r"needs the folder served.*python -m http\.server", status), status
    finally:
        context.close()
