"""The classic mistakes the checker recognises, each one visible edit of a correct engine.

Every entry of MISTAKES names a mistake, shows it as old text -> new text in its
base engine, lecture_style.py (the lecture's closures) or stored_locals.py (a
dataclass with stored local derivatives), each old text occurring there exactly
once, as in scripts/mutate.py, and says what the checker must print about it: the check that
fails, at which chapter (by slug: scalargrad/chapters.py numbers them), and
fragments of its message (the cause and the chapter that explains it, as chapter()
words it). tests/test_check.py writes each buggy engine into a temporary
folder with write() and checks it; the book's page "Check your engine" shows the
edits with show().

The file is loaded by path (runpy.run_path), not imported: tests/engines/ is data.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import NamedTuple

from scalargrad.chapters import number

LECTURE = Path(__file__).with_name("lecture_style.py")
FIRST_LINES = {  # the first line of each base engine, replaced by the mistake's summary
    "lecture_style.py": '"""A learner\'s engine in the lecture\'s style: it passes every chapter.',
    "stored_locals.py": '"""A learner\'s engine in another style: it passes every chapter.',
}


def chapter(slug: str) -> str:
    """How the checker names the chapter whose slug is ``slug``: ``"chapter 7"``."""
    return f"chapter {number(slug)}"


class Mistake(NamedTuple):
    """One mistake: its edits of a base engine and what the checker must say."""

    summary: str  # replaces the first line of the docstring in the written file
    edits: tuple[tuple[str, str], ...]  # (old, new), each old occurring exactly once
    chapter: str  # the slug of the chapter the file is checked at
    check: str  # the check that fails (or, when stopped, the one that runs forever)
    words: tuple[str, ...]  # fragments of the message: cause and chapter
    passes_at: str | None = None  # the slug of an earlier chapter at which the file passes
    stopped: bool = False  # the check never ends: the checker stops it (exit status 2)
    base: str = "lecture_style.py"  # the correct engine it edits


_BACKWARD_LOOP = "        for node in reversed(topo):\n            node._backward()\n"
_LOCALS_LOOP = ("            for child, local in zip(node._prev, node._local):\n"
                "                child.grad += local * node.grad\n")


MISTAKES: dict[str, Mistake] = {
    "overwrite": Mistake(
        f"The accumulation bug ({chapter('accumulation-bug')}): `+` assigns its gradient "
        "with `=`.",
        (("self.grad += 1.0 * out.grad", "self.grad = 1.0 * out.grad"),
         ("other.grad += 1.0 * out.grad", "other.grad = 1.0 * out.grad")),
        "accumulation-bug", "a node used twice",
        ("half its gradient", "`=`", "`+=`", chapter("accumulation-bug")),
        passes_at="neuron"),
    "wrong_tanh": Mistake(
        f"A wrong local derivative ({chapter('neuron')}): tanh uses 1 - t instead of 1 - t**2.",
        (("(1 - t**2) * out.grad", "(1 - t) * out.grad"),),
        "automating-backward", "local derivatives",
        ("a.tanh()", "1 - tanh(x)**2", chapter("neuron")),
        passes_at="neuron"),
    "wrong_order": Mistake(
        f"The wrong order ({chapter('automating-backward')}): backward() walks the "
        "topological order forwards.",
        (("for node in reversed(topo):", "for node in topo:"),),
        "automating-backward", "order of the backward pass",
        ("reversed topological", chapter("automating-backward"))),
    "no_seed": Mistake(
        f"No seed ({chapter('automating-backward')}): backward() never sets the output's "
        "grad to 1.",
        (("        self.grad = 1.0\n", ""),),
        "automating-backward", "seed grad = 1",
        ("y.grad is 0.0", "self.grad = 1", chapter("automating-backward"))),
    "no_reflected": Mistake(
        f"No reflected operators ({chapter('more-operations')}): `2 * a` and `2 + a` fail.",
        (("    def __radd__(self, other):\n        return self + other\n\n", ""),
         ("    def __rmul__(self, other):\n        return self * other\n\n", "")),
        "more-operations", "operations of the chapter",
        ("__radd__", "__rmul__", chapter("more-operations")),
        passes_at="accumulation-bug"),
    "copied_parameters": Mistake(
        f"Training cannot work ({chapter('gradient-descent')}): parameters() returns copies.",
        (("return self.w + [self.b]",
          "return [Value(p.data) for p in self.w + [self.b]]"),),
        "gradient-descent", "training lowers the loss",
        ("still has grad 0", "not copies", chapter("gradient-descent")),
        passes_at="mlp"),
    "no_zero_grad": Mistake(
        f"No zero_grad ({chapter('zero-grad-bug')}): the MLP cannot reset its gradients.",
        (("\n    def zero_grad(self):\n        for p in self.parameters():\n"
          "            p.grad = 0.0\n", ""),),
        "zero-grad-bug", "zero_grad()", ("MLP has no zero_grad()", chapter("zero-grad-bug")),
        passes_at="gradient-descent"),
    "grads_pile_up": Mistake(
        f"Gradients pile up ({chapter('zero-grad-bug')}): zero_grad() forgets the biases.",
        (("        for p in self.parameters():\n            p.grad = 0.0\n",
          "        for layer in self.layers:\n"
          "            for neuron in layer.neurons:\n"
          "                for w in neuron.w:\n"
          "                    w.grad = 0.0\n"),),
        "zero-grad-bug", "zero_grad()", ("piled up", chapter("zero-grad-bug")),
        passes_at="gradient-descent"),
    "weight_twice": Mistake(
        f"A weight listed twice ({chapter('mlp')}): parameters() repeats the last weight "
        "and leaves the bias out.",
        (("return self.w + [self.b]", "return self.w + [self.w[-1]]"),),
        "mlp", "parameters()", ("lists 9 Value(s) more than once", chapter("mlp")),
        passes_at="automating-backward"),
    "appends_to_w": Mistake(
        f"parameters() grows ({chapter('mlp')}): it appends the bias to self.w itself, so "
        "every call adds one more.",
        (("return self.w + [self.b]",
          "params = self.w\n        params.append(self.b)\n        return params"),),
        "mlp", "parameters()", ("gave 41 Values, then 50 when called again", chapter("mlp")),
        passes_at="automating-backward"),
    "zero_grad_resets_data": Mistake(
        f"zero_grad() resets the weights too ({chapter('zero-grad-bug')}).",
        (("            p.grad = 0.0\n", "            p.grad = 0.0\n            p.data = 0.0\n"),),
        "zero-grad-bug", "zero_grad()",
        ("changed the data of 41 of 41 parameters", chapter("zero-grad-bug")),
        passes_at="gradient-descent"),
    "raises_in_tanh": Mistake(
        "An exception in the learner's code: tanh uses `maths`, which is not defined.",
        (("t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)",
          "t = (maths.exp(2 * x) - 1) / (maths.exp(2 * x) + 1)"),),
        "neuron", "values", ("NameError", "raises_in_tanh.py, line 75, in tanh")),
    "endless_loop": Mistake(
        "An endless loop: backward()'s while loop never moves on (no `i += 1`).",
        (("        for node in reversed(topo):\n            node._backward()\n",
          "        topo.reverse()\n        i = 0\n        while i < len(topo):\n"
          "            topo[i]._backward()\n"),),
        "automating-backward", "seed grad = 1", ("took longer than 1 s", "endless loop"),
        stopped=True),
    "no_visited": Mistake(
        "A topological sort without its visited set: a node used twice is walked twice.",
        (("            if v not in visited:\n                visited.add(v)\n"
          "                for child in v._prev:\n                    build_topo(child)\n"
          "                topo.append(v)\n",
          "            for child in v._prev:\n                build_topo(child)\n"
          "            topo.append(v)\n"),),
        "automating-backward", "order of the backward pass",
        ("used twice", "`visited` set", chapter("automating-backward")),
        passes_at="neuron"),
    "breadth_first": Mistake(
        "A breadth-first backward(): no topological order at all.",
        (("        build_topo(self)\n        self.grad = 1.0\n" + _BACKWARD_LOOP,
          "        self.grad = 1.0\n        queue, seen = [self], {self}\n"
          "        while queue:\n            node = queue.pop(0)\n"
          "            node._backward()\n            for child in node._prev:\n"
          "                if child not in seen:\n                    seen.add(child)\n"
          "                    queue.append(child)\n"),),
        "automating-backward", "order of the backward pass",
        ("breadth first", chapter("automating-backward")), passes_at="neuron"),
    "changes_data": Mistake(
        "backward() also changes .data: a training step mixed into the backward pass.",
        ((_BACKWARD_LOOP,
          _BACKWARD_LOOP + "            node.data -= 0.01 * node.grad\n"),),
        "automating-backward", "seed grad = 1",
        ("changed `.data`", chapter("gradient-descent"), chapter("automating-backward")),
        passes_at="neuron"),
    "swapped_mul": Mistake(
        "Swapped local derivatives: `*` gives each factor its own value.",
        (("            self.grad += other.data * out.grad\n"
          "            other.grad += self.data * out.grad\n",
          "            self.grad += self.data * out.grad\n"
          "            other.grad += other.data * out.grad\n"),),
        "automating-backward", "local derivatives",
        ("swapped", "`a * b`", "`__mul__`", chapter("value")),
        passes_at="neuron"),
    "exp_not_attached": Mistake(
        "exp() never attaches its _backward: the gradient stops there.",
        (("            self.grad += out.data * out.grad\n\n        out._backward = _backward\n",
          "            self.grad += out.data * out.grad\n\n"),),
        "more-operations", "local derivatives",
        ("never arrives", "out._backward = _backward", "`exp`", chapter("automating-backward"))),
    "wrong_pow": Mistake(
        "A wrong local derivative in `**`: n * x**n instead of n * x**(n - 1).",
        (("self.grad += other * self.data ** (other - 1) * out.grad",
          "self.grad += other * self.data ** other * out.grad"),),
        "more-operations", "local derivatives",
        ("`a ** 2`", "`__pow__`", chapter("more-operations"), "a / b (built from others)"),
        passes_at="accumulation-bug"),
    "eq_by_value": Mistake(
        "Values compare by data: __eq__ and __hash__ overridden.",
        (("    def __repr__(self):\n",
          "    def __eq__(self, other):\n"
          "        return isinstance(other, Value) and self.data == other.data\n\n"
          "    def __hash__(self):\n        return hash(self.data)\n\n"
          "    def __repr__(self):\n"),),
        "automating-backward", "children",
        ("`__eq__` and `__hash__`", "by identity", chapter("automating-backward")),
        passes_at="neuron"),
    "wrong_sub": Mistake(
        "A later chapter's operation is wrong: a - b computes a + b.",
        (("        return self + (-other)\n", "        return self + other\n"),),
        "more-operations", "values", ("`a - b`", "`__sub__`"), passes_at="accumulation-bug"),
    "wrong_relu": Mistake(
        "A later chapter's operation is wrong: relu passes every gradient.",
        (("self.grad += (out.data > 0) * out.grad", "self.grad += out.grad"),),
        "classifier", "local derivatives", ("a.relu()", chapter("classifier")),
        passes_at="zero-grad-bug"),
    "one_layer_short": Mistake(
        "An MLP with one layer too few: range(len(nouts) - 1).",
        (("for i in range(len(nouts))]", "for i in range(len(nouts) - 1)]"),),
        "mlp", "parameters()", ("2 layers", "len(nouts)", chapter("mlp"))),
    "zero_weights": Mistake(
        "Every weight and bias starts at 0: the neurons of a layer stay identical.",
        (("self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]",
          "self.w = [Value(0.0) for _ in range(nin)]"),
         ("self.b = Value(random.uniform(-1, 1))", "self.b = Value(0.0)")),
        "gradient-descent", "training lowers the loss",
        ("starts at 0", "symmetry", "random", chapter("mlp")),
        passes_at="mlp"),
    "no_nonlinearity": Mistake(
        "No non-linearity: a neuron returns its sum without tanh.",
        (("        return act.tanh()\n", "        return act\n"),),
        "gradient-descent", "training lowers the loss", ("linear", "tanh", chapter("neuron")),
        passes_at="mlp"),
    "set_with_locals": Mistake(
        "Children kept in a set while the local derivatives are stored in order.",
        (("        self._prev = tuple(self._prev)\n", "        self._prev = set(self._prev)\n"),),
        "automating-backward", "children",
        ("a set", "`_local`", "tuple", chapter("automating-backward")), passes_at="neuron",
        base="stored_locals.py"),
    "locals_overwrite": Mistake(
        "The accumulation bug in another style: the loop assigns with `=`.",
        ((_LOCALS_LOOP, _LOCALS_LOOP.replace("+=", "=")),),
        "accumulation-bug", "a node used twice", ("`+=`", chapter("accumulation-bug")),
        passes_at="neuron",
        base="stored_locals.py"),
}


def _replace_once(text: str, old: str, new: str, name: str,
                  base: str = "lecture_style.py") -> str:
    """text with its one occurrence of old replaced by new."""
    found = text.count(old)
    if found != 1:
        raise ValueError(f"mistake {name!r}: {old!r} occurs {found} times in "
                         f"{base}, not exactly once: bring the edit up to date")
    return text.replace(old, new)


def source(name: str) -> str:
    """The text of lecture_style.py with the mistake's edits made."""
    if name not in MISTAKES:
        raise KeyError(f"no mistake named {name!r}; the mistakes: {', '.join(MISTAKES)}")
    mistake = MISTAKES[name]
    text = LECTURE.with_name(mistake.base).read_text()
    for old, new in ((FIRST_LINES[mistake.base], '"""' + mistake.summary), *mistake.edits):
        text = _replace_once(text, old, new, name, mistake.base)
    return text


def write(name: str, folder: Path | str) -> Path:
    """Write the engine with the mistake into folder as NAME.py and return its path."""
    path = Path(folder) / f"{name}.py"
    path.write_text(source(name))
    return path


def show(name: str) -> str:
    """The mistake as a diff of its base engine: its line numbers, - old, + new."""
    text = source(name)
    before = LECTURE.with_name(MISTAKES[name].base).read_text().splitlines()
    before[0] = text.splitlines()[0]  # the summary line is not part of the mistake
    lines = difflib.unified_diff(before, text.splitlines(), n=0, lineterm="")
    return "\n".join(list(lines)[2:])
