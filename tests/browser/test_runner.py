"""The Run buttons in headless Chromium: the book's examples run in the page (Pyodide).

For each chapter, the last Run button is pressed: the page runs every block before it
first, as the notebook does, then that block. Each example's output in the page is then
compared with the output the book shows, read from the Markdown by
docs/hooks/pycon_blocks.py, with doctest's OutputChecker under the project's flags:
the comparison the doctests make. The one allowed difference is a float's last digit
(the browser's C maths library rounds exp and tanh differently): the page names it,
and the test reports each one as a warning. `make test` runs a fixed subset of the chapters;
`make browser-all` (SCALARGRAD_BROWSER_ALL=1) runs all of them.

Also: Python starts in the background once the page is idle after its first paint (not
when the browser saves data, not on a page without runnable blocks), and while it
starts a Run says "Starting Python… (n s)", never "Still running", with no Stop; Stop
ends an endless loop and the page still runs; a reader's syntax error and exception are
shown; an edit survives a reload, also a reload mid-run; nothing is fetched from outside
the site; a graph the reader draws is drawn by viz-js; under file:// the button says to
serve the folder.
"""

from __future__ import annotations

import doctest
import os
import re
import time
import warnings
from pathlib import Path

import pytest

from scalargrad.chapters import CHAPTERS as BOOK_CHAPTERS
from tests.browser.conftest import BOOK_BLOCK, BOOK_RUN_BUTTON
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
    button = page.locator(BOOK_BLOCK).nth(index).locator(
        "xpath=following-sibling::div[contains(@class,'sg-run')][1]//button[text()='Run']"
    )
    button.evaluate("b => b.click()")


def wait_done(page) -> None:
    page.wait_for_function(DONE, timeout=RUN_TIMEOUT, polling=200)


def page_results(page) -> list[dict | None]:
    return page.evaluate(
        """blocks => [...document.querySelectorAll(`.md-content ${blocks}`)].map(block => {
            const out = block.nextElementSibling?.nextElementSibling;
            if (!out || !out.classList.contains('sg-out') || out.hidden) return null;
            return {
                outcome: out.dataset.outcome,
                examples: [...out.querySelectorAll('.sg-ex')].map(e => ({
                    outcome: e.dataset.outcome,
                    got: e.querySelector('.sg-ex__got')?.textContent ?? '',
                })),
            };
        })""",
        BOOK_BLOCK,
    )


def chapter_blocks(chapter: str) -> tuple[list, list[int]]:
    """A chapter's pycon blocks, and the indices of those the page can run."""
    markdown = load_hook("chapter_refs").read(ROOT / "docs/chapters" / f"{chapter}.md")
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
    buttons = page.locator(BOOK_RUN_BUTTON)
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
    code = page.locator(BOOK_BLOCK).nth(index).locator("pre > code")
    code.evaluate(
        "(c, t) => { c.textContent = t; c.dispatchEvent(new Event('input')); }", text
    )


def _status(page, index: int) -> str:
    return page.locator(BOOK_BLOCK).nth(index).locator(
        "xpath=following-sibling::div[1]"
    ).locator(".sg-run__status").inner_text()


RUNTIME = ("/runtime/", "/wheels/", "runner-worker")
# Before the page's scripts: when the runner's Worker is made, and every status a run bar
# shows, with whether its Stop button shows then.
_RECORD = """(() => {
    window.__sg = {workerAt: null, statuses: []};
    const Made = window.Worker;
    window.Worker = class extends Made {
        constructor(url, ...rest) {
            if (String(url).includes('runner-worker')) window.__sg.workerAt ??= performance.now();
            super(url, ...rest);
        }
    };
    new MutationObserver(() => {
        for (const bar of document.querySelectorAll('.sg-run')) {
            const text = bar.querySelector('.sg-run__status')?.textContent || '';
            const stop = bar.querySelector('.sg-run__stop');
            const seen = {text, stop: Boolean(stop && !stop.hidden)};
            const last = window.__sg.statuses.at(-1);
            if (text && (!last || last.text !== seen.text || last.stop !== seen.stop)) {
                window.__sg.statuses.push(seen);
            }
        }
    }).observe(document, {subtree: true, childList: true, characterData: true,
                          attributes: true, attributeFilter: ['hidden']});
})()"""


def _bench(page) -> str:
    return page.locator(".sg-bench__state").inner_text()


def test_python_starts_once_the_page_is_idle(page, base_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.add_init_script(_RECORD)
    open_page(page, base_url + "chapters/slope/")
    page.wait_for_function("() => document.querySelector('.sg-bench__state')"
                           ".textContent.startsWith('Python is ready')", timeout=RUN_TIMEOUT)
    times = page.evaluate("""() => ({
        worker: window.__sg.workerAt,
        load: performance.getEntriesByType('navigation')[0].loadEventEnd,
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    })""")
    assert times["paint"] is not None, "no first paint recorded"
    assert times["worker"] >= max(times["load"], times["paint"]), times
    fetched = [u for u in requests if any(k in u for k in RUNTIME)]
    assert any(u.endswith("pyodide.asm.wasm") for u in fetched)
    assert any(u.endswith("wheels/scalargrad.whl") for u in fetched)
    assert not any(u.endswith("viz.js") for u in fetched), "viz-js loads only for a graph"
    before = len(requests)
    click_run(page, 1)
    wait_done(page)
    assert "the output is the book's" in _status(page, 1)
    assert not [u for u in requests[before:] if any(k in u for k in RUNTIME)], (
        "the Run fetched what the idle start had loaded already")
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_no_python_in_the_background_when_the_browser_saves_data(page, base_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.add_init_script(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
    open_page(page, base_url + "chapters/slope/")
    page.wait_for_timeout(3000)
    assert not [u for u in requests if any(k in u for k in RUNTIME)]
    assert "Python starts on the first Run (your browser asks to save data)" in _bench(page)
    click_run(page, 1)
    wait_done(page)
    assert "the output is the book's" in _status(page, 1)
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_no_python_on_a_page_without_runnable_blocks(page, base_url: str, site: Path) -> None:
    quiet = next(p for p in sorted(site.glob("*/index.html"))
                 if 'id="sg-runner-blocks"' not in p.read_text(encoding="utf-8"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base_url + quiet.parent.name + "/", wait_until="load")
    page.wait_for_timeout(3000)
    assert not [u for u in requests if any(k in u for k in RUNTIME)], quiet.parent.name


def test_no_still_running_while_python_starts(page, base_url: str) -> None:
    """A start-up longer than the "Still running" delay (5 s) says "Starting Python… (n s)"
    and offers no Stop: the wheel is held back 6 s."""
    page.add_init_script(_RECORD)

    held = []

    def slow_wheel(route) -> None:
        held.append(route.request.url)
        time.sleep(6)  # blocks only this test's side; the page's clock goes on
        route.continue_()

    page.route("**/wheels/scalargrad.whl", slow_wheel)
    open_page(page, base_url + "chapters/slope/")
    click_run(page, 1)  # at once: before the page is idle, as a hurried reader does
    wait_done(page)
    assert held, "the wheel was not held back: the test did not slow the start-up"
    statuses = page.evaluate("() => window.__sg.statuses")
    texts = [s["text"] for s in statuses]
    assert "the output is the book's" in _status(page, 1), texts
    starting = [s for s in statuses if "Starting Python" in s["text"]]
    late = re.compile(r"Starting Python… \(([5-9]|\d\d) s\)")  # past the 5 s delay
    assert any(late.search(s["text"]) for s in starting), texts
    assert not [t for t in texts if "Still running" in t], texts
    assert not [s for s in starting if s["stop"]], "Stop was offered while Python started"
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
    code = page.locator(BOOK_BLOCK).nth(1).locator("pre > code").text_content()
    assert code.startswith(">>> while True:")
    assert "reloaded while this block ran" in _status(page, 1)
    page.locator(BOOK_BLOCK).nth(1).locator(
        "xpath=following-sibling::div[1]//button[text()='Undo my edits']"
    ).click()
    code = page.locator(BOOK_BLOCK).nth(1).locator("pre > code").text_content()
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
        button = page.locator(BOOK_RUN_BUTTON).first
        assert button.is_disabled()
        status = page.locator(".sg-run__status").first.inner_text()
        assert re.search(r"needs the folder served.*python -m http\.server", status), status
    finally:
        context.close()
