"""Adding a chapter in the middle of the book moves every number after it (issue 27).

In a copy of the working tree, a small chapter goes in after the eighth, as
.github/CONTRIBUTING.md says: its file (with its front matter) and its slug in
scalargrad/chapters.py's PARTS, nothing else. Then, in a fresh interpreter on the copy,
the nav, the cross references, the checker's chapters and ``--chapter`` all say the
later chapters' numbers moved by one. The last test builds the copy strict and runs the
quick selection there (``make add-chapter``, and CI): every test derives its chapter
numbers, so none fails for a chapter that moved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from repotools import ROOT, copy_working_tree

from scalargrad.chapters import number

#: A small chapter that keeps the book's rules: an example, three questions, "What you can
#: do now" and an exercise with a hint and a solution.
NEW = """---
nav_title: Second derivatives
summary: Nudge a derivative, and see that a slope has a slope of its own.
---

# Second derivatives

After {{ chapter more-operations }} the engine knows every operation of the lecture;
{{ chapter mlp }} wires neurons into networks. In between, one question: the slope of
$x^3$ changes with $x$. How fast?

```pycon
>>> from scalargrad import Value
>>> x = Value(2.0)
>>> y = x ** 3
>>> y.backward()
>>> x.grad
12.0

```

```predict
prompt: |
  `c = Value(3.0)`, `cube = c ** 3`, `cube.backward()`. What is `c.grad`?
code: |
  from scalargrad import Value
  c = Value(3.0)
  cube = c ** 3
  cube.backward()
  print(c.grad)
answer: "27.0"
choices:
  "27.0": >-
    The power rule: $3 \\cdot 3^2 = 27$.
  "9.0": >-
    9 is $3^2$; the power rule multiplies it by the exponent, 3.
  "18.0": >-
    18 is the second derivative, $6 \\cdot 3$: the slope of the slope.
```

```predict
prompt: |
  `s = Value(1.0)`, `sq = s * s`, `sq.backward()`. What is `s.grad`?
code: |
  from scalargrad import Value
  s = Value(1.0)
  sq = s * s
  sq.backward()
  print(s.grad)
answer: "2.0"
choices:
  "2.0": >-
    `s` is used twice, and each use passes 1.0 back: the two add up.
  "1.0": >-
    That is one use of `s`. `*` records `s` twice, and the gradients add up.
```

```predict
prompt: |
  `h = Value(2.0)`, `lin = 5 * h`, `lin.backward()`. What is `h.grad`?
code: |
  from scalargrad import Value
  h = Value(2.0)
  lin = 5 * h
  lin.backward()
  print(h.grad)
answer: "5.0"
choices:
  "5.0": >-
    A straight line has the same slope everywhere: 5.
  "10.0": >-
    10 is `lin.data`. The slope of $5h$ does not depend on $h$.
```

## What you can do now

- Read the slope of $x^3$ at a point from `backward()`, and say why it grows with $x$.

## Exercises

??? question "Exercise 1: The slope at 1"
    What is `x.grad` for `y = x ** 3` at `x = Value(1.0)`?

    ??? tip "Hint"
        The power rule: the exponent times $x$ to one power less.

    ??? success "Solution"
        ```pycon
        >>> x = Value(1.0)
        >>> y = x ** 3
        >>> y.backward()
        >>> x.grad
        3.0

        ```
"""


def insert_chapter(root: Path) -> None:
    """Add :data:`NEW` after the eighth chapter of the tree at ``root``, as CONTRIBUTING
    says: its file, and its slug in scalargrad/chapters.py's PARTS."""
    (root / "docs" / "chapters" / "second-derivatives.md").write_text(NEW, encoding="utf-8")
    chapters_py = root / "scalargrad" / "chapters.py"
    text = chapters_py.read_text(encoding="utf-8")
    line = '        "more-operations",\n'
    if text.count(line) != 1:
        raise ValueError(f"scalargrad/chapters.py has no single line {line.strip()}")
    chapters_py.write_text(text.replace(line, line + '        "second-derivatives",\n'),
                           encoding="utf-8")


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
    insert_chapter(tmp_path)
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


#: What the quick selection leaves out in the copy: this file (it would insert the
#: chapter twice).
QUICK = ["-m", "not site and not browser and not slow and not replay",
         "--ignore=tests/browser", "--ignore=tests/test_add_chapter.py"]


@pytest.mark.skipif(not os.environ.get("SCALARGRAD_ADD_CHAPTER"),
                    reason="a strict build and the quick tests in a copy (about 8 minutes): "
                           "`make add-chapter` runs it, and so does CI (.ci/run)")
def test_a_chapter_added_builds_strict_and_passes_the_quick_tests(tmp_path):
    """Issue 27's promise: one file and one line, and the whole book still holds."""
    copy_working_tree(tmp_path)
    insert_chapter(tmp_path)
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")  # the page's runtime
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
                           cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=1200)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    site = tmp_path / "site"
    page = (site / "chapters" / "second-derivatives" / "index.html").read_text("utf-8")
    ops = number("more-operations")
    assert f"<title>{ops + 1}. Second derivatives - scalargrad</title>" in page
    assert "url=../mlp/" in (site / "chapters" / f"{number('mlp'):02d}-mlp" /
                             "index.html").read_text("utf-8"), "an old URL still redirects"
    quick = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "-n", "auto", "--dist", "loadfile", *QUICK],
                           cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=1800)
    assert quick.returncode == 0, quick.stdout[-6000:]
