"""My engine, in the page (issue 20, point 3), in headless Chromium.

A reader presses "Add to my engine" under every main-text listing of chapters 3 to 13:
the files the page keeps are then byte for byte the build's ``code/13/``. Run with "my
engine", chapter 13's examples give the book's outputs. "Check my engine" prints the
terminal checker's report (its checks and verdicts; the notes on depth and speed are
measured where the code runs, so they may differ). "Download my files" gives a zip that
``python -m scalargrad.check`` accepts and a plain ``python`` imports; "Load my files"
takes it back after Start over. Needs the built site and Chromium; one browser context,
as a reader's one browser, for the whole module.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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

CHAPTERS = sorted(p.stem for p in (ROOT / "docs/chapters").glob("[0-9][0-9]-*.md"))
READER = [c for c in CHAPTERS if 3 <= int(c[:2]) <= 13]
FILES = "() => Object.fromEntries(Object.entries(window.sgMyFiles.files()))"


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


def test_add_on_every_listing_gives_code_13(reader, base_url: str, site: Path) -> None:
    page = _watched(reader)
    added = 0
    for chapter in READER:
        open_page(page, f"{base_url}chapters/{chapter}/")
        added += _add_everything(page)
    files = page.evaluate(FILES)
    expected = {p.name: p.read_text(encoding="utf-8") for p in (site / "code/13").glob("*.py")}
    assert sorted(files) == sorted(expected)
    for name, text in expected.items():
        assert files[name] == text, f"{name} differs from code/13/{name}"
    # exercise and solution listings have no Add button (they are optional)
    optional = page.locator("[data-optional='true'] + .sg-add").count()
    assert optional == 0
    print(f"\npressed Add {added} times in chapters 3-13: the files are code/13/")
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_chapter_13_runs_with_my_engine(reader, base_url: str) -> None:
    page = _watched(reader)
    chapter = "13-classifier"
    open_page(page, f"{base_url}chapters/{chapter}/")
    page.get_by_role("radio", name="my engine").check()
    blocks, runnable = chapter_blocks(chapter)
    click_run(page, runnable[-1])
    wait_done(page)
    assert "running with your engine.py, nn.py, training.py, datasets.py" in (
        page.locator(".sg-bench__state").inner_text()
    )
    # the examples really used the reader's modules
    results = page_results(page)
    problems = []
    for i in runnable:
        shown = results[i]
        assert shown is not None, f"block {i + 1} did not run"
        examples = [e for e in blocks[i].examples if not e.skip]
        ran = [e for e in shown["examples"] if e["outcome"] != "skipped"]
        for example, got in zip(examples, ran, strict=True):
            if got["outcome"] == "rounding":
                continue
            if got["outcome"] != "match" or not _want_matches(example, got["got"]):
                problems.append(f"line {example.lineno}: {example.code!r}: {got['got']!r}")
    assert not problems, "\n".join(problems)
    _edit_probe = ">>> import scalargrad, sys\n>>> scalargrad.Value.__module__\n'engine'\n"
    code = page.locator("div.language-pycon").nth(runnable[-1]).locator("pre > code")
    code.evaluate("(c, t) => { c.textContent = t; c.dispatchEvent(new Event('input')); }",
                  _edit_probe)
    click_run(page, runnable[-1])
    wait_done(page)
    assert page_results(page)[runnable[-1]]["outcome"] == "match"
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
    open_page(page, f"{base_url}chapters/13-classifier/")
    page.get_by_role("button", name="Check my engine").click()
    report = page.locator(".sg-engine__report")
    page.wait_for_function(
        "r => !r.textContent.startsWith('Checking') && !r.textContent.startsWith('Starting')",
        arg=report.element_handle(), timeout=120_000,
    )
    terminal = subprocess.run(
        [sys.executable, "-m", "scalargrad.check", str(site / "code/13/engine.py"),
         "--chapter", "13"], capture_output=True, text=True, check=True,
    ).stdout
    assert _without_notes(report.text_content()) == _without_notes(terminal)
    assert report.text_content().startswith("engine.py (chapter 13): all ")
    # Download: a zip the terminal checker and a plain python accept
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my files").click()
    archive = tmp_path / info.value.suggested_filename
    info.value.save_as(archive)
    with zipfile.ZipFile(archive) as z:
        assert z.testzip() is None
        z.extractall(tmp_path)
    folder = tmp_path / "my-scalargrad"
    for name in ("engine.py", "nn.py", "training.py", "datasets.py"):
        assert (folder / name).read_text(encoding="utf-8") == (
            site / "code/13" / name
        ).read_text(encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "scalargrad.check", str(folder / "engine.py"), "--chapter", "13"],
        capture_output=True, text=True, check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    plain = subprocess.run(
        [sys.executable, "-c",
         "from training import train; from datasets import make_moons; from nn import MLP; "
         "print(MLP(2, [4, 1]))"],
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
    assert files["engine.py"] == (site / "code/13/engine.py").read_text(encoding="utf-8")
    assert "Loaded your engine.py" in page.locator(".sg-bench__state").inner_text()
    assert not page.watch.problems, "\n".join(page.watch.problems)


def test_add_to_a_file_the_reader_edited(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = _watched(context)
        open_page(page, f"{base_url}chapters/03-value/")
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
