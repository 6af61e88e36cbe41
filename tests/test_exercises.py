"""Every exercise of the chapters has hints before its solution (issue 26, item 3).

An exercise is a top-level ``??? question "Exercise N: ..."`` admonition, recognised by
the pattern docs/hooks/pycon_blocks.py uses to turn exercise titles into notebook
headings. Nested in it, just before its ``??? success "Solution"``, sit either one
collapsed ``??? tip "Hint"`` or two, ``??? tip "Hint 1"`` and ``??? tip "Hint 2"``. A hint
is short prose: one to three sentences, no code fence (the doctests and notebooks read
code blocks, and a hint is not one), and no hand-typed chapter number. A hint never
appears outside an exercise.

The Markdown is read by indentation, the way Python-Markdown nests admonitions: a box's
body is every following line indented at least four spaces more than its marker (blank
lines included), and the contents of code fences are never taken for a box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from repotools import load_module

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))

pycon_blocks = load_module(ROOT / "docs" / "hooks" / "pycon_blocks.py", "scalargrad_pycon_blocks")

BOX = re.compile(
    r'^(?P<indent> *)(?P<marker>\?{3}\+?|!{3})\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?'
    r'(?:\s+fits="(?P<fits>[^"]*)")?\s*$'  # a hint's tag: docs/hooks/hints.py, tests/test_hints.py
)
FENCE = re.compile(r"^ *(?P<fence>`{3,}|~{3,})")
HINT_TITLES = (["Hint"], ["Hint 1", "Hint 2"])
HAND_TYPED_CHAPTER = re.compile(r"\bchapters? \d", re.IGNORECASE)
SPANS = re.compile(r"`[^`]*`|\$[^$]*\$")  # inline code and math: no sentence ends inside
SENTENCE_END = re.compile(r"[.?!](?=\s|$)")
MAX_SENTENCES = 3


@dataclass
class Box:
    """One admonition: where it starts, what it is, and what it holds."""

    lineno: int
    indent: int
    marker: str  # "???" (collapsed), "???+" (open) or "!!!" (not collapsible)
    kind: str
    title: str
    parent: Box | None
    exercise: bool
    fits: str | None = None  # the failed checks a hint fits (docs/hooks/hints.py)
    body: list[str] = field(default_factory=list)
    children: list[Box] = field(default_factory=list)

    @property
    def is_hint(self) -> bool:
        return self.title.lower().startswith("hint")

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.body if line.strip())


def boxes(markdown: str) -> list[Box]:
    """Every admonition of a Markdown text, top to bottom, with its parent and body."""
    found: list[Box] = []
    open_boxes: list[Box] = []
    fence = ""
    for lineno, line in enumerate(markdown.splitlines(), start=1):
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            while open_boxes and indent < open_boxes[-1].indent + 4:
                open_boxes.pop()
        for box in open_boxes:
            box.body.append(line)
        if fence:
            close = line.strip()
            if close.startswith(fence) and set(close) == {fence[0]}:
                fence = ""
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group("fence")
            continue
        m = BOX.match(line)
        if m:
            parent = open_boxes[-1] if open_boxes else None
            box = Box(
                lineno=lineno,
                indent=len(m.group("indent")),
                marker=m.group("marker"),
                kind=m.group("kind"),
                title=m.group("title") or "",
                parent=parent,
                exercise=parent is None and bool(pycon_blocks.EXERCISE.match(line)),
                fits=m.group("fits"),
            )
            if parent:
                parent.children.append(box)
            found.append(box)
            open_boxes.append(box)
    return found


def hint_problems(hint: Box, where: str) -> list[str]:
    """What is wrong with one hint box of an exercise."""
    at = f"{where}, hint {hint.title!r} at line {hint.lineno}"
    problems = []
    if (hint.marker, hint.kind) != ("???", "tip"):
        problems.append(f'{at}: write it as a collapsed box, ??? tip "{hint.title}"')
    if not hint.text:
        problems.append(f"{at}: the hint is empty")
    if any(FENCE.match(line) for line in hint.body):
        problems.append(f"{at}: a hint is prose; it holds a code fence")
    if hint.children:
        problems.append(f"{at}: a hint holds another box, at line {hint.children[0].lineno}")
    if HAND_TYPED_CHAPTER.search(hint.text):
        problems.append(f"{at}: refer to the idea, not a hand-typed chapter number")
    sentences = len(SENTENCE_END.findall(SPANS.sub("x", hint.text)))
    if sentences > MAX_SENTENCES:
        problems.append(f"{at}: {sentences} sentences; a hint has 1 to {MAX_SENTENCES}")
    return problems


def exercise_problems(exercise: Box, name: str) -> list[str]:
    """What is wrong with the hints and the solution of one exercise."""
    where = f"{name}:{exercise.lineno}: exercise {exercise.title!r}"
    solutions = [c for c in exercise.children if (c.kind, c.title) == ("success", "Solution")]
    if len(solutions) != 1:
        return [f'{where}: has {len(solutions)} ??? success "Solution" boxes, expected 1']
    solution = solutions[0]
    hints = [c for c in exercise.children if c.is_hint]
    titles = [h.title for h in hints]
    if titles not in HINT_TITLES:
        return [
            f'{where}: has hints {titles}; expected one titled "Hint" or two titled '
            f'"Hint 1" and "Hint 2", each a ??? tip box before the solution'
        ]
    problems = []
    for hint in hints:
        if hint.lineno > solution.lineno:
            problems.append(
                f"{where}: hint {hint.title!r} (line {hint.lineno}) comes after the solution "
                f"(line {solution.lineno}); a hint goes before it"
            )
        problems += hint_problems(hint, where)
    return problems


def problems(markdown: str, name: str) -> list[str]:
    """Every problem with the exercises' hints in one chapter; empty if all is well."""
    found = boxes(markdown)
    exercises = [box for box in found if box.exercise]
    result = [] if exercises else [f"{name}: no exercise found"]
    for box in found:
        if box.fits is not None and not box.is_hint:
            result.append(f"{name}:{box.lineno}: fits=\"...\" on {box.title!r}; only a hint "
                          "says which failed checks it fits")
        if box.is_hint and not (box.parent and box.parent.exercise):
            inside = f" (inside {box.parent.title!r})" if box.parent else ""
            result.append(
                f"{name}:{box.lineno}: a hint outside an exercise{inside}, titled "
                f"{box.title!r}; a hint goes inside an exercise, before its solution"
            )
    for exercise in exercises:
        result += exercise_problems(exercise, name)
    return result


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_every_exercise_has_hints_before_its_solution(path: Path):
    found = problems(path.read_text(encoding="utf-8"), f"docs/chapters/{path.name}")
    assert not found, "\n".join(found)


# The checker itself, on a small chapter written for the purpose.
GOOD = '''\
# A chapter

!!! tip "Why bother?"
    An ordinary tip, outside every exercise.

## Exercises

??? question "Exercise 1: Add"
    What is `a + b` for $a = 1$, $b = 2$?

    ```pycon
    >>> a, b = 1, 2

    ```

    ??? tip "Hint"
        Add the two numbers.

    ??? success "Solution"
        ```pycon
        >>> a + b
        3

        ```

??? question "Exercise 2: Multiply"
    What is `a * b`?

    ??? tip "Hint 1"
        A product. Try a smaller case first.

    ??? tip "Hint 2"
        Multiply 1 by 2.

    ??? success "Solution"
        2.
'''


def mutated(old: str, new: str) -> str:
    assert GOOD.count(old) == 1, f"the sample holds {old!r} {GOOD.count(old)} times"
    return GOOD.replace(old, new)


def test_the_sample_chapter_passes():
    assert problems(GOOD, "sample.md") == []
    exercises = [box for box in boxes(GOOD) if box.exercise]
    assert [[c.title for c in e.children] for e in exercises] == [
        ["Hint", "Solution"],
        ["Hint 1", "Hint 2", "Solution"],
    ]


BROKEN = {
    "no hint": (
        '    ??? tip "Hint"\n        Add the two numbers.\n\n',
        "",
        "sample.md:8: exercise 'Exercise 1: Add': has hints []",
    ),
    "second hint alone": (
        '    ??? tip "Hint 1"\n        A product. Try a smaller case first.\n\n',
        "",
        "sample.md:26: exercise 'Exercise 2: Multiply': has hints ['Hint 2']",
    ),
    "a third hint": (
        '        2.\n',
        '        2.\n\n    ??? tip "Hint 3"\n        Late.\n',
        "has hints ['Hint 1', 'Hint 2', 'Hint 3']",
    ),
    "hint moved after the solution": (
        '    ??? tip "Hint"\n        Add the two numbers.\n\n'
        '    ??? success "Solution"\n        ```pycon\n        >>> a + b\n        3\n\n'
        '        ```\n',
        '    ??? success "Solution"\n        ```pycon\n        >>> a + b\n        3\n\n'
        '        ```\n\n    ??? tip "Hint"\n        Add the two numbers.\n',
        "hint 'Hint' (line 23) comes after the solution (line 16)",
    ),
    "code fence in a hint": (
        "        Add the two numbers.\n",
        "        Add the two numbers:\n\n        ```python\n        a + b\n        ```\n",
        "hint 'Hint' at line 16: a hint is prose; it holds a code fence",
    ),
    "empty hint": (
        "        Add the two numbers.\n",
        "",
        "hint 'Hint' at line 16: the hint is empty",
    ),
    "open hint": (
        '    ??? tip "Hint"\n',
        '    ???+ tip "Hint"\n',
        "hint 'Hint' at line 16: write it as a collapsed box, ??? tip \"Hint\"",
    ),
    "hint of another kind": (
        '    ??? tip "Hint 2"\n',
        '    ??? note "Hint 2"\n',
        "hint 'Hint 2' at line 32: write it as a collapsed box",
    ),
    "hand-typed chapter number": (
        "        Multiply 1 by 2.\n",
        "        Multiply 1 by 2, as in chapter 8.\n",
        "hint 'Hint 2' at line 32: refer to the idea, not a hand-typed chapter number",
    ),
    "too long": (
        "        Add the two numbers.\n",
        "        Add them. Then add again. And again. And once more.\n",
        "hint 'Hint' at line 16: 4 sentences; a hint has 1 to 3",
    ),
    "hint outside an exercise": (
        "## Exercises\n",
        '??? tip "Hint"\n    Read the chapter.\n\n## Exercises\n',
        "sample.md:6: a hint outside an exercise, titled 'Hint'",
    ),
    "a tag on a box that is not a hint": (
        '    ??? success "Solution"\n        2.\n',
        '    ??? success "Solution" fits="values"\n        2.\n',
        "sample.md:35: fits=\"...\" on 'Solution'; only a hint says which failed checks it fits",
    ),
    "hint inside a solution": (
        "        2.\n",
        '        2.\n\n        ??? tip "Hint"\n            Too late.\n',
        "a hint outside an exercise (inside 'Solution'), titled 'Hint'",
    ),
    "hint not indented under its exercise": (
        "        Multiply 1 by 2.\n",
        "      Multiply 1 by 2.\n",
        "hint 'Hint 2' at line 32: the hint is empty",
    ),
}


@pytest.mark.parametrize("old, new, expected", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_hint_is_named(old: str, new: str, expected: str):
    found = problems(mutated(old, new), "sample.md")
    assert any(expected in p for p in found), "\n".join(found) or "no problem found"


def test_a_hint_removed_from_a_chapter_is_found():
    path = ROOT / "docs" / "chapters" / "value.md"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip().startswith('??? tip "Hint'))
    end = next(i for i in range(first + 1, len(lines)) if lines[i].strip().startswith("???"))
    found = problems("".join(lines[:first] + lines[end:]), "value.md")
    assert len(found) == 1, found
    assert "exercise 'Exercise 1: Take a product apart': has hints []" in found[0]


def test_the_code_fences_of_an_exercise_hide_no_box():
    text = GOOD.replace("    >>> a, b = 1, 2\n", '    >>> a, b = 1, 2\n    ??? tip "Hint"\n')
    assert problems(text, "sample.md") == []
