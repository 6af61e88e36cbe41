"""Which hint fits a wrong answer (issue 26, item 3): the tags of docs/hooks/hints.py.

A hint of an exercise that ends in a checker report says, on its title line, which failed
checks it fits (``??? tip "Hint 2" fits="children; values"``). The build fails on a name
that is not one of the checker's, or that the exercise's check never runs. Here: those
failures, the tags leaving the page, and for every tag a wrong answer, typed as a learner
types it in the page (plain Python), that makes the exercise's own check fail on that
check and on no other check a hint of the exercise is tagged with.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from scalargrad.check import doctests
from scalargrad.check.checks import titles_at
from tests.test_site import ROOT, load_hook

hints = load_hook("hints")
pycon_blocks = load_hook("pycon_blocks")
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))


def _exercises(path: Path):
    return hints.exercises(path.read_text(encoding="utf-8"))


def _tags() -> list[tuple[str, str, str, str]]:
    """(slug, exercise, hint, check) for every check a hint of the chapters is tagged with."""
    return [(path.stem, exercise.title, hint.title, name)
            for path in CHAPTERS for exercise in _exercises(path)
            for hint in exercise.hints for name in hint.fits]


# --- the chapters' tags --------------------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_every_tag_names_a_check_its_exercise_runs(path: Path) -> None:
    found = [p for exercise in _exercises(path) for p in hints.problems(exercise)]
    assert not found, "\n".join(found)


def test_every_exercise_that_ends_in_a_report_has_tagged_hints() -> None:
    untagged = [f"{path.name}: {exercise.title}" for path in CHAPTERS
                for exercise in _exercises(path)
                if exercise.calls and not any(hint.fits for hint in exercise.hints)]
    assert not untagged, f"exercises whose check fails with no hint tagged: {untagged}"
    assert len({(slug, exercise) for slug, exercise, _, _ in _tags()}) >= 10


# --- the build: a wrong tag fails it, the tags leave the page --------------------------------

SAMPLE = textwrap.dedent('''\
    # A chapter

    ## Exercises

    ??? question "Exercise 1: Multiply"
        Give `MyValue` a `__mul__`.

        ```pycon
        >>> from scalargrad.check import check_namespace
        >>> class MyValue:
        ...     def __init__(self, data, _children=()):
        ...         self.data, self.grad, self._prev = float(data), 0.0, tuple(_children)
        ...
        >>> print(check_namespace({"Value": MyValue}, chapter="value"))

        ```

        ??? tip "Hint 1" fits="operations of the chapter"
            Copy `__add__`.

        ??? tip "Hint 2" fits="children; values"
            Two operands.

        ??? success "Solution"
            Write it.

    ??? question "Exercise 2: Talk"
        Say why.

        ??? tip "Hint"
            Think.

        ??? success "Solution"
            Because.
    ''')


_PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="chapters/sample.md"))  # what it reads


def build(markdown: str) -> str:
    return hints.on_page_markdown(markdown, _PAGE, None, None)


def test_the_sample_builds_and_the_page_gets_the_names() -> None:
    [first, second] = hints.exercises(SAMPLE)
    assert [(h.title, h.fits) for h in first.hints] == [
        ("Hint 1", ["operations of the chapter"]), ("Hint 2", ["children", "values"])]
    assert first.calls == [('check_namespace({"Value": MyValue}, chapter="value")', 3)]
    assert first.checks == titles_at(3)
    assert (second.hints[0].fits, second.calls) == ([], [])
    page = build(SAMPLE)
    assert "fits=" not in page
    assert '    ??? tip "Hint 2"\n        Two operands.' in page
    html = ('<details class="question"><summary>Exercise 1</summary>'
            '<details class="tip">\n<summary>Hint 1</summary><p>Copy</p></details>'
            '<details class="tip">\n<summary>Hint 2</summary><p>Two</p></details>'
            '</details><details class="tip">\n<summary>Hint</summary><p>Think</p></details>')
    marked = hints.on_page_content(html, _PAGE, None, None)
    assert marked.count("data-sg-fits") == 2
    assert '<details class="tip" data-sg-fits="[&quot;children&quot;, &quot;values&quot;]">' \
        in marked
    assert '<details class="tip">\n<summary>Hint</summary>' in marked
    with pytest.raises(PluginError, match="3 hints in the Markdown but 2 in the page"):
        hints.on_page_content(html.replace('<details class="tip">\n<summary>Hint</summary>',
                                           "<details><summary>Hint</summary>"),
                              _PAGE, None, None)


WRONG_TAGS = {
    "an unknown name": (
        'fits="children; values"', 'fits="children; value"',
        "chapters/sample.md: line 21: exercise 'Exercise 1: Multiply', 'Hint 2' fits 'value', "
        "which is not one of the checker's checks; did you mean 'values'? they are: "
        "Value(data); operations of the chapter; values; children;",
    ),
    "a check of a later chapter": (
        'fits="children; values"', 'fits="children; zero_grad()"',
        "'Hint 2' fits 'zero_grad()', which the exercise's check (check_namespace({\"Value\": "
        "MyValue}, chapter=\"value\")) never runs; it runs: Value(data); operations of the "
        "chapter; values; children",
    ),
    "no check in the exercise": (
        '    ??? tip "Hint"\n', '    ??? tip "Hint" fits="values"\n',
        "'Exercise 2: Talk', 'Hint' fits 'values', but the exercise never calls "
        "check_namespace",
    ),
    "an unknown chapter": (
        'fits="operations of the chapter"', 'fits="{{ chapter values }}\'s neuron"',
        "chapters/sample.md: line 18: unknown chapter slug 'values'",
    ),
}


@pytest.mark.parametrize("old, new, says", WRONG_TAGS.values(), ids=WRONG_TAGS.keys())
def test_a_wrong_tag_fails_the_build_with_a_clear_message(old: str, new: str, says: str) -> None:
    assert SAMPLE.count(old) == 1
    with pytest.raises(PluginError) as raised:
        build(SAMPLE.replace(old, new))
    assert says in str(raised.value), str(raised.value)


def test_a_name_with_a_chapter_number_is_written_by_slug() -> None:
    from scalargrad.chapters import number

    name = f"chapter {number('backprop-by-hand')}'s L = (a*b + c) * f"
    assert name in titles_at(None)
    text = SAMPLE.replace('fits="operations of the chapter"',
                          'fits="{{ chapter backprop-by-hand }}\'s L = (a*b + c) * f"')
    text = text.replace('chapter="value"', 'chapter="backprop-by-hand"')
    assert hints.exercises(text)[0].hints[0].fits == [name]
    assert "fits=" not in build(text)


# --- every tag: a learner's wrong answer fails the exercise's check on that check -----------

# (chapter, hint, check) -> what a learner types into the exercise's block, as plain Python
WRONG_ANSWERS = {
    ("value", "Hint 1", "operations of the chapter"): """\
        def __mult__(self, other):
            other = other if isinstance(other, MyValue) else MyValue(other)
            return MyValue(self.data * other.data, (self, other))
        MyValue.__mult__ = __mult__
        """,
    ("value", "Hint 1", "values"): """\
        def __mul__(self, other):
            return MyValue(self.data * other.data, (self, other))
        MyValue.__mul__ = __mul__
        """,
    ("value", "Hint 2", "children"): """\
        def __mul__(self, other):
            other = other if isinstance(other, MyValue) else MyValue(other)
            return MyValue(self.data * other.data, (self,))
        MyValue.__mul__ = __mul__
        """,
    ("value", "Hint 2", "values"): """\
        def __mul__(self, other):
            other = other if isinstance(other, MyValue) else MyValue(other)
            return MyValue(self.data + other.data, (self, other))
        MyValue.__mul__ = __mul__
        """,
    ("backprop-by-hand", "Hint 1", "children"): """\
        def __mul__(self, other):
            other = other if isinstance(other, MyValue) else MyValue(other)
            return MyValue(self.data * other.data, (other,))
        MyValue.__mul__ = __mul__
        """,
    ("backprop-by-hand", "Hint 2", "children"): """\
        def __mul__(self, other):
            other = other if isinstance(other, MyValue) else MyValue(other)
            return MyValue(self.data * other.data, (self, other.data))
        MyValue.__mul__ = __mul__
        """,
    ("neuron", "Hint 1", "operations of the chapter"): """\
        import math
        def Tanh(self):
            e = math.exp(2 * self.data)
            return MyValue((e - 1) / (e + 1), (self,))
        MyValue.Tanh = Tanh
        """,
    ("neuron", "Hint 1", "values"): """\
        import math
        def tanh(self):
            e = math.exp(2 * self.data)
            return (e - 1) / (e + 1)
        MyValue.tanh = tanh
        """,
    ("neuron", "Hint 2", "values"): """\
        import math
        def tanh(self):
            e = math.exp(self.data)
            return MyValue((e - 1) / (e + 1), (self,))
        MyValue.tanh = tanh
        """,
    ("automating-backward", "Hint 1", "order of the backward pass"): """\
        def backward(self):
            self.grad = 1.0
            topo = build_topo(self)
            topo.reverse
            for node in topo:
                node._backward()
        MyValue.backward = backward
        """,
    ("automating-backward", "Hint 2", "order of the backward pass"): """\
        def backward(self):
            self.grad = 1.0
            for node in sorted(build_topo(self), key=lambda v: len(v._prev)):
                node._backward()
        MyValue.backward = backward
        """,
    ("accumulation-bug", "Hint 1", "a node used twice"): """\
        def _backward(self):
            for child, local in zip(self._prev, self._local):
                child.grad =+ local * self.grad
        MyValue._backward = _backward
        """,
    ("accumulation-bug", "Hint 2", "a node used twice"): """\
        def _backward(self):
            for child, local in dict(zip(self._prev, self._local)).items():
                child.grad += local * self.grad
        MyValue._backward = _backward
        """,
    ("more-operations", "Hint 1", "local derivatives"): """\
        def exp(self):
            out = math.exp(self.data)
            return Value(out, (self,), "exp", _local=(1.0,))
        MyValue.exp = exp
        """,
    ("more-operations", "Hint 2", "local derivatives"): """\
        def exp(self):
            out = math.exp(self.data)
            return Value(out, (self,), "exp", _local=(math.exp(out),))
        MyValue.exp = exp
        """,
    ("pytorch", "Hint 1", "local derivatives"): """\
        def log(self):
            x = self.data
            return Value(math.log(x), (self,), "log", _local=(-1 / x,))
        MyValue.log = log
        """,
    ("pytorch", "Hint 2", "local derivatives"): """\
        def log(self):
            x = self.data
            return Value(math.log(x), (self,), "log", _local=(1 / math.log(x),))
        MyValue.log = log
        """,
    ("mlp", "Hint 1", "parameters()"): """\
        def parameters(self):
            return self.w + [self.b.data]
        MyNeuron.parameters = parameters
        """,
    ("mlp", "Hint 2", "parameters()"): """\
        def parameters(self):
            return [self.w, self.b]
        MyNeuron.parameters = parameters
        """,
    ("gradient-descent", "Hint 1", "training lowers the loss"): """\
        import copy
        def parameters(self):
            return copy.deepcopy([*self.w, self.b])
        MyNeuron.parameters = parameters
        """,
    ("gradient-descent", "Hint 2", "training lowers the loss"): """\
        def parameters(self):
            return [Value(p.data) for p in self.w] + [Value(self.b.data)]
        MyNeuron.parameters = parameters
        """,
    ("gradient-descent", "Hint 2", "parameters()"): """\
        def parameters(self):
            return [Value(w.data) for w in self.w] + [self.b]
        MyNeuron.parameters = parameters
        """,
    ("zero-grad-bug", "Hint 1", "zero_grad()"): """\
        def zero_grad(self):
            for p in self.layers[-1].parameters():
                p.grad = 0.0
        MyMLP.zero_grad = zero_grad
        """,
    ("zero-grad-bug", "Hint 2", "zero_grad()"): """\
        def zero_grad(self):
            for p in self.parameters():
                p.grad == 0.0
        MyMLP.zero_grad = zero_grad
        """,
    ("classifier", "Hint 1", "local derivatives"): """\
        def relu(self):
            x = self.data
            return Value(max(0.0, x), (self,), "ReLU", _local=(max(0.0, x),))
        MyValue.relu = relu
        """,
    ("classifier", "Hint 2", "local derivatives"): """\
        def relu(self):
            x = self.data
            return Value(max(0.0, x), (self,), "ReLU", _local=(float(x < 0),))
        MyValue.relu = relu
        """,
}


def test_every_tag_has_a_wrong_answer_and_every_wrong_answer_a_tag() -> None:
    tagged = {(slug, hint, check) for slug, _, hint, check in _tags()}
    assert tagged - set(WRONG_ANSWERS) == set(), "tags without a wrong answer below"
    assert set(WRONG_ANSWERS) - tagged == set(), "wrong answers for tags the chapters lack"


_before: dict[str, str] = {}  # chapter slug -> the key of its namespace, before the exercise


def _as_prompt(block) -> str:
    return "".join(f">>> {e.source[0]}\n" + "".join(f"... {s}\n" for s in e.source[1:])
                   for e in block.examples if not e.skip)


def _tagged_exercise(slug: str, hint_title: str):
    [exercise] = [e for e in _exercises(ROOT / "docs" / "chapters" / f"{slug}.md")
                  if any(h.title == hint_title and h.fits for h in e.hints)]
    return exercise


def _answer(slug: str, exercise, wrong: str) -> dict:
    """Run the chapter up to the exercise, the exercise's blocks up to its solution, then
    the wrong answer and the exercise's own check, printed, as a reader does in the page."""
    markdown = (ROOT / "docs" / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    blocks = pycon_blocks.pycon_blocks(markdown)
    if slug not in _before:  # the chapter's examples before the exercise: once per chapter
        _before[slug] = f"hints-{slug}"
        for block in blocks:
            if block.lineno < exercise.lineno:
                doctests.run_block(_before[slug], _as_prompt(block))
    key = f"hints-{slug}-answer"
    doctests.forget(key)
    doctests._namespaces[key] = dict(doctests._namespaces[_before[slug]])
    solution = _solution_line(markdown, exercise)
    for block in blocks:
        if exercise.lineno < block.lineno < solution:
            doctests.run_block(key, _as_prompt(block))
    call, _ = exercise.calls[0]  # the exercise's check, as its code first calls it
    result = doctests.run_block(key, textwrap.dedent(wrong) + f"print({call})\n")
    doctests.forget(key)
    return result


def _solution_line(markdown: str, exercise) -> int:
    lines = markdown.splitlines()
    return next(i + 1 for i in range(exercise.lineno, exercise.end)
                if lines[i].strip() == '??? success "Solution"')


@pytest.mark.parametrize("slug, hint, check", list(WRONG_ANSWERS),
                         ids=[f"{s}-{h}-{c}" for s, h, c in WRONG_ANSWERS])
def test_a_wrong_answer_fails_on_the_check_its_hint_fits(slug: str, hint: str,
                                                          check: str) -> None:
    exercise = _tagged_exercise(slug, hint)
    result = _answer(slug, exercise, WRONG_ANSWERS[slug, hint, check])
    [ran] = result["examples"]
    assert ran["outcome"] == "ran", ran["got"]
    verdict = result["check"]
    assert verdict is not None and not verdict["passed"], ran["got"]
    tagged = {name for h in exercise.hints for name in h.fits}
    assert set(verdict["failed"]) & tagged == {check}, ran["got"]
    assert check in next(h.fits for h in exercise.hints if h.title == hint)
