"""Adding a chapter in the middle of the book moves every number after it (issue 27).

In a copy of the working tree, a small chapter goes in after the eighth, as
.github/CONTRIBUTING.md says: its file (with its front matter) and its slug in
scalargrad/chapters.py's PARTS, nothing else. Then, in a fresh interpreter on the copy,
the nav, the cross references, the checker's chapters and ``--chapter`` all say the
later chapters' numbers moved by one.
(This test stops short of a strict build and the quick selection in the copy: see
issue 27's notes.)
"""

from __future__ import annotations

import json
import subprocess
import sys

from repotools import copy_working_tree

from scalargrad.chapters import number

NEW = """---
nav_title: Second derivatives
summary: Differentiate twice.
---

# Second derivatives

After {{ chapter more-operations }} the engine knows every operation of the lecture;
{{ chapter mlp }} wires neurons into networks.
"""

PROBE = r"""
import json, sys
sys.path.insert(0, "docs/hooks")
import chapter_refs, chapter_table
from scalargrad.check import chapters
from scalargrad.check.__main__ import parser
found = chapter_table.chapters("docs")
targets = chapter_refs.files_by_slug()
page = lambda slug: chapter_refs.substitute(
    open(f"docs/chapters/{slug}.md", encoding="utf-8").read(), f"chapters/{slug}.md", targets)
home = open("docs/index.md", encoding="utf-8").read()
print(json.dumps({
    "numbers": {c.slug: c.number for c in found},
    "new": page("second-derivatives"),
    "mlp": page("mlp"),
    "home": chapter_table.expand(home, found),
    "checker": [chapters.FIRST, chapters.LAST, chapters.NN, chapters.TRAINING,
                chapters.ZERO_GRAD, chapters.chapter_of("relu")],
    "cli": parser().parse_args(["x", "--chapter", "mlp"]).chapter,
}))
"""


def test_a_chapter_added_after_the_eighth_moves_every_later_number(tmp_path):
    copy_working_tree(tmp_path)
    (tmp_path / "docs" / "chapters" / "second-derivatives.md").write_text(NEW, encoding="utf-8")
    chapters_py = tmp_path / "scalargrad" / "chapters.py"
    text = chapters_py.read_text(encoding="utf-8")
    line = '        "more-operations",\n'
    assert text.count(line) == 1
    chapters_py.write_text(text.replace(line, line + '        "second-derivatives",\n'),
                           encoding="utf-8")

    out = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    mlp, ops = number("mlp"), number("more-operations")
    assert got["numbers"]["second-derivatives"] == ops + 1
    assert got["numbers"]["more-operations"] == ops
    assert got["numbers"]["mlp"] == mlp + 1 and got["numbers"]["tensors"] == number("tensors") + 1
    assert f"After [chapter {ops}](more-operations.md) the engine" in got["new"]
    assert f"[chapter {mlp + 1}](mlp.md) wires" in got["new"]
    # the MLP chapter's own references: earlier chapters keep their numbers, its own moves
    assert f"[chapter {number('neuron')}](neuron.md)" in got["mlp"]
    assert f"[chapter {mlp + 2}](gradient-descent.md)" in got["mlp"]
    assert f"| [{ops + 1}. Second derivatives](chapters/second-derivatives.md) |" in got["home"]
    first, last, nn, training, zero_grad, relu = got["checker"]
    assert (first, nn, training, zero_grad) == (number("value"), mlp + 1, mlp + 2, mlp + 3)
    assert last == relu == number("classifier") + 1  # the page's chapter range moves too
    assert got["cli"] == mlp + 1
