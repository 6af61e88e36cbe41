"""My engine, in the page, in headless Chromium: the reader's walk (issue 24).

A reader goes through the chapters of their files (value to classifier) in one
browser: on each page they press "Add to my engine" under every main-text listing
(their files are then byte for byte the build's ``code/NN/``), choose "Run with: my
engine" and run every block of the chapter.
No example raises an exception the book does not show, and every one gives the book's
output (a float's last digit aside, which the browser's maths library may round
otherwise). A block the build labels (docs/hooks/walk.py) says so in its bar before it
runs, and afterwards that it ran on the book's scalargrad. "Check my engine" prints
the terminal checker's report; "Download my files" gives a zip that the one check
command accepts; "Load my files" takes it back after Start over. Needs the built site
and Chromium; one browser context, as a reader's one browser, for the whole module.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scalargrad.chapters import CHAPTERS, slug
from scalargrad.chapters import number as book_number
from scalargrad.check.chapters import FIRST, LAST
from tests.browser.conftest import BOOK_BLOCK
from tests.browser.test_runner import (
    _want_matches,
    _watched,
    chapter_blocks,
    click_run,
    open_page,
    page_results,
    wait_done,
)
from tests.test_site import ROOT

pytestmark = pytest.mark.browser

READER = list(CHAPTERS[FIRST - 1:LAST])
FILES = "() => Object.fromEntries(Object.entries(window.sgMyFiles.files()))"
LABELS = """() => [...document.querySelectorAll('.md-content div.language-pycon:not(.sg-q *)')].map(
    block => block.nextElementSibling?.querySelector('.sg-run__label'))
    .map(note => note ? {shown: !note.hidden, text: note.textContent} : null)"""
STATUS = """() => [...document.querySelectorAll('.md-content div.language-pycon:not(.sg-q *)')].map(
    block => block.nextElementSibling?.querySelector('.sg-run__status')?.textContent ?? '')"""


@pytest.fixture(scope="module")
def reader(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context
    context.close()


def _add_everything(page) -> int:
    buttons = page.get_by_role("button", name="Add to my engine")
    for i in range(buttons.count()):
        buttons.nth(i).click()
        status = buttons.nth(i).locator("xpath=following-sibling::span[1]")
        page.wait_for_function(
            "s => s.textContent && s.textContent !== 'Adding…'", arg=status.element_handle()
        )
        assert status.text_content().startswith(("Added to your", "Already in your")), (
            status.text_content()
        )
    return buttons.count()


def _labels(chapter: str) -> list[dict | None]:
    data = json.loads((ROOT / "site" / "code" / "examples.json").read_text(encoding="utf-8"))
    return [b["label"] for b in data["chapters"][str(book_number(chapter))]["blocks"]]


def test_the_readers_walk_through_the_chapters_of_their_files(
    reader, base_url: str, site: Path,
) -> None:
    page = _watched(reader)
    problems, exceptions, labelled, added = [], 0, {}, 0
    for chapter in READER:
        open_page(page, f"{base_url}chapters/{chapter}/")
        added += _add_everything(page)
        number = book_number(chapter)
        # the files are code/NN/; their first line names the last chapter that added
        # to them (backprop-by-hand and pytorch add nothing)
        files = {n: text.split("\n", 1)[1] for n, text in page.evaluate(FILES).items()}
        expected = {p.name: p.read_text(encoding="utf-8").split("\n", 1)[1]
                    for p in (site / f"code/{number:02d}").glob("*.py")}
        assert files == expected, f"{chapter}: the files are not code/{number:02d}/"
        if chapter == READER[0]:
            page.get_by_role("radio", name="my engine").check()
        assert page.get_by_role("radio", name="my engine").is_checked()
        labels = _labels(chapter)
        blocks, runnable = chapter_blocks(chapter)
        # before anything runs, each labelled block says that it runs on the book's
        shown = page.evaluate(LABELS)
        for i, label in enumerate(labels):
            if label is None:
                assert shown[i] is None, f"{chapter} block {i + 1}: a label the build did not give"
                continue
            assert shown[i] and shown[i]["shown"] and label["text"] in shown[i]["text"], (
                chapter, i, shown[i])
            labelled[number] = labelled.get(number, 0) + 1
        click_run(page, runnable[-1])
        wait_done(page)
        assert "running with your engine.py" in page.locator(".sg-bench__state").inner_text()
        results, status = page_results(page), page.evaluate(STATUS)
        for i in runnable:
            where = f"{chapter}, block {i + 1} (line {blocks[i].lineno})"
            if results[i] is None:
                problems.append(f"{where}: did not run")
                continue
            examples = [e for e in blocks[i].examples if not e.skip]
            ran = [e for e in results[i]["examples"] if e["outcome"] != "skipped"]
            exceptions += sum(e["outcome"] == "raised" for e in ran)
            for example, got in zip(examples, ran, strict=True):
                if got["outcome"] == "rounding":
                    continue
                if got["outcome"] != "match" or not _want_matches(example, got["got"]):
                    problems.append(f"{where}: {example.code!r} gave {got['got'][-300:]!r}")
            if labels[i] is not None and (
                    "Ran on the book's scalargrad, not on your files" not in status[i]):
                problems.append(f"{where}: labelled, but its bar says {status[i]!r}")
    assert exceptions == 0 and not problems, "\n".join(problems)
    print(f"\nmy engine in the page, chapters {FIRST}-{LAST}: pressed Add {added} times; 0 "
          f"exceptions; labelled blocks per chapter: {labelled}")
    # the examples really used the reader's modules
    probe = ">>> import scalargrad\n>>> scalargrad.Value.__module__\n'engine'\n"
    code = page.locator(BOOK_BLOCK).nth(runnable[-1]).locator("pre > code")
    code.evaluate("(c, t) => { c.textContent = t; c.dispatchEvent(new Event('input')); }",
                  probe)
    click_run(page, runnable[-1])
    wait_done(page)
    assert page_results(page)[runnable[-1]]["outcome"] == "match"
    page.locator(BOOK_BLOCK).nth(runnable[-1]).locator(  # in a closed solution
        "xpath=following-sibling::div[contains(@class,'sg-run')][1]"
        "//button[contains(@class,'sg-run__reset')]").evaluate("b => b.click()")
    assert page.evaluate("() => window.sgRunner.blocks.every(b => !b.edited)")
    # exercise and solution listings have no Add button (they are optional)
    assert page.locator("[data-optional='true'] + .sg-add").count() == 0
    page.get_by_role("radio", name="the book's scalargrad").check()
    assert not page.watch.problems, "\n".join(page.watch.problems)


def _without_notes(report: str) -> list[str]:
    """The report's headline and checks: its notes (depth, speed) depend on the machine."""
    lines, in_note = [], False
    for line in report.splitlines():
        if line.startswith("  note"):
            in_note = True
        elif not line.startswith("        "):
            in_note = False
        if not in_note:
            lines.append(line)
    return lines


def test_check_download_and_load(reader, base_url: str, site: Path, tmp_path: Path) -> None:
    page = _watched(reader)
    open_page(page, f"{base_url}chapters/classifier/")
    page.get_by_role("button", name="Check my engine").click()
    report = page.locator(".sg-engine__report")
    page.wait_for_function(
        "r => !r.textContent.startsWith('Checking') && !r.textContent.startsWith('Starting')",
        arg=report.element_handle(), timeout=120_000,
    )
    last = f"{LAST:02d}"  # the classifier's files, code/NN/
    mine = tmp_path / "terminal" / "my-scalargrad"
    mine.mkdir(parents=True)
    for f in (site / "code" / last).glob("*.py"):
        (mine / f.name).write_bytes(f.read_bytes())
    terminal = subprocess.run(  # the one check command, on the same files
        [sys.executable, "-m", "scalargrad.check", "my-scalargrad", "--chapter", str(LAST)],
        cwd=mine.parent, capture_output=True, text=True, check=True,
    ).stdout
    assert _without_notes(report.text_content()) == _without_notes(terminal)
    assert report.text_content().startswith(f"engine.py (chapter {LAST}): all ")
    # Download: a zip the one check command and a plain python accept; the page says it
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my files").click()
    archive = tmp_path / info.value.suggested_filename
    info.value.save_as(archive)
    said = page.locator(".sg-bench__state").inner_text()
    assert f"python -m scalargrad.check my-scalargrad --chapter {slug(LAST)}" in said, said
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None
        z.extractall(tmp_path)
    folder = tmp_path / "my-scalargrad"
    for name in ("engine.py", "nn.py", "training.py", "datasets.py"):
        assert (folder / name).read_text(encoding="utf-8") == (
            site / "code" / last / name
        ).read_text(encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "scalargrad.check", "my-scalargrad", "--chapter", str(LAST)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    plain = subprocess.run(
        [sys.executable, "-c",
         "from training import train; from datasets import make_moons; from nn import MLP; "
         "print(len(MLP(2, [4, 1]).parameters()))"],
        cwd=folder, capture_output=True, text=True, check=False,
    )
    assert plain.returncode == 0, plain.stderr
    # Start over forgets the files; Load brings them back from the zip
    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Yes, forget my edits").click()
    assert page.evaluate(FILES) == {}
    page.locator(".sg-engine input[type=file]").set_input_files(str(archive))
    page.wait_for_function("() => Object.keys(window.sgMyFiles.files()).length === 4")
    files = page.evaluate(FILES)
    assert files["engine.py"] == (site / "code" / last / "engine.py").read_text(encoding="utf-8")
    assert "Loaded your engine.py" in page.locator(".sg-bench__state").inner_text()
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_add_to_a_file_the_reader_edited(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = _watched(context)
        open_page(page, f"{base_url}chapters/value/")
        adds = page.get_by_role("button", name="Add to my engine")
        regions = [adds.nth(i).evaluate("b => b.parentElement.previousElementSibling"
                                        ".dataset.region") for i in range(adds.count())]
        assert regions[:3] == ["imports", "value", "add-mul"], regions
        for i in (0, 1):
            adds.nth(i).click()
            page.wait_for_function("() => window.sgMyFiles.files()['engine.py'] !== undefined")
        page.wait_for_timeout(300)
        # the reader types a note at the end of the file, in the files panel
        page.locator(".sg-engine__files > summary").click()
        area = page.get_by_label("engine.py", exact=True)
        area.press("Control+End")
        area.type("# my own note\n")
        adds.nth(2).click()
        status = adds.nth(2).locator("xpath=following-sibling::span[1]")
        page.wait_for_function("s => s.textContent.startsWith('Added')",
                               arg=status.element_handle())
        assert status.text_content() == (
            "Added to your engine.py, which you have edited: it went after its value part."
        )
        text = page.evaluate("() => window.sgMyFiles.files()['engine.py']")
        compile(text, "engine.py", "exec")  # still a Python file
        assert text.index("class Value") < text.index("def __mul__") < text.index("# my own")
        assert page.get_by_label("engine.py", exact=True).input_value() == text
    finally:
        context.close()
