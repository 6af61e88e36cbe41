"""Every example block of the chapters of the reader's files runs in a few seconds.

A reader pastes each block into a prompt, or presses Run in the page, whose Python
(Pyodide) is about 1.4 times slower than CPython: the book's promise is at most 3 s
per block in CPython (under 5 s in the page). This test runs each chapter's blocks in
order, in one namespace as a prompt would, in a subprocess, and measures the CPU time
of each block (CPU time, not wall time, so that other work on a shared machine does
not count). Its limit, :data:`LIMIT`, leaves a margin for slower machines, yet a
block like the classifier chapter's former full-batch training (about 11 s) fails it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scalargrad.chapters import slug
from scalargrad.check.chapters import FIRST, LAST
from tests.test_site import load_hook

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5.0  # CPU seconds per block
CHAPTERS = range(FIRST, LAST + 1)  # the chapters of the reader's files

RUN = r"""
import doctest, importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("blocks", sys.argv[1])
blocks = importlib.util.module_from_spec(spec)
sys.modules["blocks"] = blocks
spec.loader.exec_module(blocks)
text = sys.stdin.read()  # the page as the build shows it
globs = {"__name__": "__main__"}
parser = doctest.DocTestParser()
runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)  # as pyproject
out = []
for block in blocks.pycon_blocks(text):
    parts = []
    for example in block.examples:
        lines = [">>> " + example.source[0]] + ["... " + s for s in example.source[1:]]
        if example.directives:
            lines[0] += "  " + example.directives
        parts.append("\n".join(lines + example.want) + "\n")
    test = parser.get_doctest("\n".join(parts), {}, "block", sys.argv[2], block.lineno)
    test.globs = globs  # one namespace for the whole page, as a prompt (not a copy)
    before = runner.failures
    t0 = time.process_time()
    runner.run(test, clear_globs=False, out=lambda s: None)
    out.append({"line": block.lineno, "cpu": time.process_time() - t0,
                "failed": runner.failures - before})
print(json.dumps(out))
"""


def block_times(chapter: int) -> list[dict]:
    """CPU seconds (and failures) of each pycon block of ``chapter``, in order."""
    md = ROOT / "docs" / "chapters" / f"{slug(chapter)}.md"
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(ROOT / "docs" / "hooks" / "pycon_blocks.py"),
         str(md)],
        input=load_hook("chapter_refs").read(md), capture_output=True, text=True,
        timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=slug)
def test_every_example_block_runs_in_a_few_seconds(chapter: int) -> None:
    times = block_times(chapter)
    assert times, f"chapter {chapter} has no examples"
    assert not any(t["failed"] for t in times), times  # the time of a failing block means nothing
    top = max(times, key=lambda t: t["cpu"])
    print(f"chapter {chapter}: {len(times)} blocks, slowest line {top['line']}: "
          f"{top['cpu']:.2f} s of CPU")
    slow = [f"line {t['line']}: {t['cpu']:.1f} s" for t in times if t["cpu"] > LIMIT]
    assert not slow, f"chapter {chapter}: blocks over {LIMIT} s of CPU: {slow}"


def test_the_limit_catches_a_slow_block(tmp_path: Path) -> None:
    """The measurement is real: an 11 s block (the classifier's old training) would fail."""
    slow = ("```pycon\n>>> import time\n>>> t = time.process_time()\n"
            ">>> while time.process_time() - t < 5.5:\n...     pass\n...\n\n```\n")
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(ROOT / "docs" / "hooks" / "pycon_blocks.py"),
         str(tmp_path / "slow.md")],
        input=slow, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    [block] = json.loads(result.stdout.strip().splitlines()[-1])
    assert block["failed"] == 0 and block["cpu"] > LIMIT
