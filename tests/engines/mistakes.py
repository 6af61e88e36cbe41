"""The classic mistakes the checker recognises, each one visible edit of lecture_style.py.

Every entry of MISTAKES names a mistake, shows it as old text -> new text in
lecture_style.py (each old text must occur there exactly once, as in
scripts/mutate.py), and says what the checker must print about it: the check that
fails, at which chapter, and fragments of its message (the cause and the chapter
that explains it). tests/test_check.py writes each buggy engine into a temporary
folder with write() and checks it; the book's page "Check your engine" shows the
edits with show().

The file is loaded by path (runpy.run_path), not imported: tests/engines/ is data.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import NamedTuple

LECTURE = Path(__file__).with_name("lecture_style.py")
FIRST_LINE = '"""A learner\'s engine in the lecture\'s style: it passes every chapter.'


class Mistake(NamedTuple):
    """One mistake: its edits of lecture_style.py and what the checker must say."""

    summary: str  # replaces the first line of the docstring in the written file
    edits: tuple[tuple[str, str], ...]  # (old, new), each old occurring exactly once
    chapter: int  # the chapter the file is checked at
    check: str  # the check that fails (or, when stopped, the one that runs forever)
    words: tuple[str, ...]  # fragments of the message: cause and chapter
    passes_at: int | None = None  # an earlier chapter at which the same file passes
    stopped: bool = False  # the check never ends: the checker stops it (exit status 2)


MISTAKES: dict[str, Mistake] = {
    "overwrite": Mistake(
        "The accumulation bug (chapter 7): `+` assigns its gradient with `=`.",
        (("self.grad += 1.0 * out.grad", "self.grad = 1.0 * out.grad"),
         ("other.grad += 1.0 * out.grad", "other.grad = 1.0 * out.grad")),
        7, "a node used twice", ("half its gradient", "`=`", "`+=`", "chapter 7"),
        passes_at=5),
    "wrong_tanh": Mistake(
        "A wrong local derivative (chapter 5): tanh uses 1 - t instead of 1 - t**2.",
        (("(1 - t**2) * out.grad", "(1 - t) * out.grad"),),
        6, "local derivatives", ("a.tanh()", "1 - tanh(x)**2", "chapter 5"),
        passes_at=5),
    "wrong_order": Mistake(
        "The wrong order (chapter 6): backward() walks the topological order forwards.",
        (("for node in reversed(topo):", "for node in topo:"),),
        6, "order of the backward pass", ("reversed topological", "chapter 6")),
    "no_seed": Mistake(
        "No seed (chapter 6): backward() never sets the output's grad to 1.",
        (("        self.grad = 1.0\n", ""),),
        6, "seed grad = 1", ("y.grad is 0.0", "self.grad = 1", "chapter 6")),
    "no_reflected": Mistake(
        "No reflected operators (chapter 8): `2 * a` and `2 + a` fail.",
        (("    def __radd__(self, other):\n        return self + other\n\n", ""),
         ("    def __rmul__(self, other):\n        return self * other\n\n", "")),
        8, "operations of the chapter", ("__radd__", "__rmul__", "chapter 8"),
        passes_at=7),
    "copied_parameters": Mistake(
        "Training cannot work (chapter 11): parameters() returns copies.",
        (("return self.w + [self.b]",
          "return [Value(p.data) for p in self.w + [self.b]]"),),
        11, "training lowers the loss", ("not copies", "chapter 11"), passes_at=10),
    "no_zero_grad": Mistake(
        "No zero_grad (chapter 12): the MLP cannot reset its gradients.",
        (("\n    def zero_grad(self):\n        for p in self.parameters():\n"
          "            p.grad = 0.0\n", ""),),
        12, "zero_grad()", ("MLP has no zero_grad()", "chapter 12"), passes_at=11),
    "grads_pile_up": Mistake(
        "Gradients pile up (chapter 12): zero_grad() forgets the biases.",
        (("        for p in self.parameters():\n            p.grad = 0.0\n",
          "        for layer in self.layers:\n"
          "            for neuron in layer.neurons:\n"
          "                for w in neuron.w:\n"
          "                    w.grad = 0.0\n"),),
        12, "zero_grad()", ("piled up", "chapter 12"), passes_at=11),
    "raises_in_tanh": Mistake(
        "An exception in the learner's code: tanh uses `maths`, which is not defined.",
        (("t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)",
          "t = (maths.exp(2 * x) - 1) / (maths.exp(2 * x) + 1)"),),
        5, "values", ("NameError", "raises_in_tanh.py, line 75, in tanh")),
    "endless_loop": Mistake(
        "An endless loop: backward()'s while loop never moves on (no `i += 1`).",
        (("        for node in reversed(topo):\n            node._backward()\n",
          "        topo.reverse()\n        i = 0\n        while i < len(topo):\n"
          "            topo[i]._backward()\n"),),
        6, "seed grad = 1", ("took longer than 1 s", "endless loop"), stopped=True),
}


def _replace_once(text: str, old: str, new: str, name: str) -> str:
    """text with its one occurrence of old replaced by new."""
    found = text.count(old)
    if found != 1:
        raise ValueError(f"mistake {name!r}: {old!r} occurs {found} times in "
                         "lecture_style.py, not exactly once: bring the edit up to date")
    return text.replace(old, new)


def source(name: str) -> str:
    """The text of lecture_style.py with the mistake's edits made."""
    if name not in MISTAKES:
        raise KeyError(f"no mistake named {name!r}; the mistakes: {', '.join(MISTAKES)}")
    mistake = MISTAKES[name]
    text = LECTURE.read_text()
    for old, new in ((FIRST_LINE, '"""' + mistake.summary), *mistake.edits):
        text = _replace_once(text, old, new, name)
    return text


def write(name: str, folder: Path | str) -> Path:
    """Write the engine with the mistake into folder as NAME.py and return its path."""
    path = Path(folder) / f"{name}.py"
    path.write_text(source(name))
    return path


def show(name: str) -> str:
    """The mistake as a diff of lecture_style.py: its line numbers, - old, + new."""
    text = source(name)
    before = LECTURE.read_text().splitlines()
    before[0] = text.splitlines()[0]  # the summary line is not part of the mistake
    lines = difflib.unified_diff(before, text.splitlines(), n=0, lineterm="")
    return "\n".join(list(lines)[2:])
