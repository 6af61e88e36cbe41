"""The in-page runner's build side and Python side, in CPython (no browser).

docs/hooks/runner_core.py is what the page's worker runs in Pyodide: here it runs the
same way in CPython. docs/hooks/runnable_blocks.py decides which blocks can run in the
page, docs/hooks/package_wheel.py builds the wheel and docs/hooks/page_runtime.py copies
the runtime; the built site must publish the wheel, the runtime files and nothing from
node_modules that the page does not load.
"""

from __future__ import annotations

import doctest
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scalargrad.chapters import number
from tests.test_site import ROOT, load_hook


@pytest.fixture(scope="module")
def core():
    module = load_hook("runner_core")
    yield module
    module._namespaces.clear()


def test_runner_core_doctests(core) -> None:
    assert doctest.testmod(core).failed == 0


def test_outcomes(core) -> None:
    text = (
        ">>> x = 2\n"
        ">>> x * 3\n6\n"
        ">>> print('a  b')\na b\n"  # NORMALIZE_WHITESPACE, as pyproject sets it
        ">>> x + 1\n4\n"
        ">>> print('before'); 1 / 0\n"
        ">>> int('z')\nTraceback (most recent call last):\n    ...\n"
        "ValueError: invalid literal for int() with base 10: 'z'\n"
        ">>> while True: pass  # doctest: +SKIP\n"
    )
    result = core.run_block("t", text, "block 1")
    outcomes = [(e["outcome"], e["exception"]) for e in result["examples"]]
    assert outcomes == [
        ("match", None), ("match", None), ("match", None), ("differs", None),
        ("raised", "ZeroDivisionError"), ("match", "ValueError"), ("skipped", None),
    ]
    boom = result["examples"][4]["got"]
    assert boom.startswith("before\nTraceback (most recent call last):\n")
    assert 'File "<block 1, example 5>", line 1' in boom  # the runner's own frame is not shown
    assert "runner_core" not in boom
    # the namespace is the page's: a later block sees x, another page does not
    assert core.run_block("t", ">>> x\n2\n")["examples"][0]["outcome"] == "match"
    other = core.run_block("u", ">>> x\n2\n")["examples"][0]
    assert other["outcome"] == "raised" and other["exception"] == "NameError"
    core.forget("t")
    assert core.run_block("t", ">>> x\n2\n")["examples"][0]["exception"] == "NameError"


def test_last_digit_float_differences_are_named(core) -> None:
    text = ">>> 0.1 + 0.2\n0.30000000000000007\n>>> (0.1 + 0.2, 1.5)\n(0.30000000000000004, 1.5)\n"
    text += ">>> 0.25\n0.35\n>>> print('x 1.0')\ny 1.0\n"
    outcomes = [e["outcome"] for e in core.run_block("r", text)["examples"]]
    assert outcomes == ["rounding", "match", "differs", "differs"]


def test_reader_mistakes_get_clear_messages(core) -> None:
    bad_prompt = core.run_block("m", ">>>1 + 1\n2\n")
    assert "lacks blank after >>>" in bad_prompt["error"]
    assert "'>>> ' (a space after the prompt)" in bad_prompt["error"]
    assert "is empty" in core.run_block("m", "  \n")["error"]
    no_space = core.run_block("m", "x = 1\n>>>x\n")["error"]
    assert "'>>> ' (a space after the prompt)" in no_space and "plain Python" in no_space
    words = core.run_block("m", "just text\n")["examples"][0]  # plain Python, not Python
    assert words["outcome"] == "raised" and words["exception"] == "SyntaxError"
    syntax = core.run_block("m", ">>> def f(:\n")["examples"][0]
    assert syntax["outcome"] == "raised" and syntax["exception"] == "SyntaxError"
    assert "SyntaxError" in syntax["got"] and "^" in syntax["got"]
    exit_ = core.run_block("m", ">>> raise SystemExit(3)\n")["examples"][0]
    assert exit_["exception"] == "SystemExit"  # the page's Python survives it


def test_graphs_are_drawn_through_the_renderer(core, monkeypatch) -> None:
    from graphviz.backend import execute

    monkeypatch.setattr(execute, "run_check", execute.run_check)  # restored afterwards
    calls = []

    def render(source, engine, fmt):
        calls.append((engine, fmt))
        return f"<svg><!-- {len(source)} --></svg>"

    core.set_renderer(render)
    text = (
        ">>> from scalargrad import Value\n"
        ">>> from scalargrad.viz import draw_dot\n"
        ">>> draw_dot(Value(2.0, label='a'))  # doctest: +ELLIPSIS\n<graphviz...>\n"
        ">>> draw_dot(Value(1.0)).pipe(format='svg', encoding='utf-8')[:5]\n'<svg>'\n"
        ">>> draw_dot(Value(1.0)).pipe(format='png')\n"
    )
    examples = core.run_block("g", text)["examples"]
    assert [e["outcome"] for e in examples[:4]] == ["match"] * 4
    assert len(examples[2]["svg"]) == 1 and examples[2]["svg"][0].startswith("<svg>")
    assert calls[:2] == [("dot", "svg"), ("dot", "svg")]
    assert examples[4]["exception"] == "ValueError" and "svg only" in examples[4]["got"]


def test_which_blocks_need_what_the_page_cannot_load() -> None:
    blocks = load_hook("runnable_blocks")
    chapter = (
        "```pycon\n>>> import torch\n>>> from scalargrad import Value\n"
        ">>> from scalargrad.viz import plot_loss\n\n```\n\n"
        "```pycon\n>>> t = torch.tensor(1.0)\n>>> a = Value(1.0)\n>>> a.data\n1.0\n\n```\n\n"
        "```pycon\n>>> b = t * 2\n\n```\n\n"
        "```pycon\n>>> a.data + 1\n2.0\n\n```\n\n"
        "```pycon\n>>> fig = plot_loss({'x': [1.0]})\n\n```\n\n"
        "```pycon\n>>> t = 3\n>>> t + 1\n4\n\n```\n"
    )
    needs = blocks.block_needs(chapter)
    assert [n.get("needs") for n in needs] == [
        "PyTorch", "PyTorch", "PyTorch", None, "matplotlib", None
    ]
    # what a block that cannot run still runs before later blocks: its other examples
    assert needs[0]["setup"] == (
        ">>> from scalargrad import Value\n>>> from scalargrad.viz import plot_loss\n"
    )
    assert needs[1]["setup"] == ">>> a = Value(1.0)\n>>> a.data\n1.0\n"
    assert "setup" not in needs[2]


def test_the_book_counts_of_blocks_that_cannot_run() -> None:
    """Every block that needs only scalargrad and the standard library gets a Run button."""
    blocks = load_hook("runnable_blocks")
    counts = {}
    for path in sorted((ROOT / "docs/chapters").glob("*.md")):
        needs = blocks.block_needs(path.read_text(encoding="utf-8"))
        counts[path.stem] = sum(1 for n in needs if n.get("needs"))
    # Only these chapters have blocks the page cannot run: pytorch (PyTorch), classifier
    # (one matplotlib plot), testing (Hypothesis, PyTorch), performance (micrograd) and
    # tensors (numpy, PyTorch).
    assert {k for k, v in counts.items() if v} == {
        "pytorch", "classifier", "testing", "performance", "tensors"
    }
    for path in sorted((ROOT / "docs/chapters").glob("*.md")):
        for entry in blocks.block_needs(path.read_text(encoding="utf-8")):
            reasons = set(entry.get("needs", "").split(", ")) - {""}
            allowed = {*blocks.UNAVAILABLE.values(), *blocks.UNAVAILABLE_MODULES.values(),
                       "matplotlib"}
            assert reasons <= allowed, (path.name, reasons)


def test_published_wheel_and_runtime(site: Path, tmp_path: Path) -> None:
    version = load_hook("package_wheel").project(ROOT)["version"]
    wheel = site / "wheels" / f"scalargrad-{version}-py3-none-any.whl"
    stable = site / "wheels" / "scalargrad.whl"
    assert wheel.read_bytes() == stable.read_bytes()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scalargrad").rglob("*.py"))
    assert sorted(n for n in names if n.endswith(".py")) == sources
    for name in sources:  # built from this very tree
        with zipfile.ZipFile(wheel) as archive:
            assert archive.read(name) == (ROOT / name).read_bytes(), name
    # pip accepts it, offline, and the installed package imports
    target = tmp_path / "target"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import scalargrad, sys; print(scalargrad.__file__)"],
        cwd=tmp_path, env={"PYTHONPATH": str(target)}, capture_output=True, text=True,
        check=True,
    )
    assert out.stdout.startswith(str(target))
    # the runtime: only the files the worker loads, and the lock file lists no packages
    files = sorted(str(p.relative_to(site / "runtime")) for p in (site / "runtime").rglob("*")
                   if p.is_file())
    assert files == [
        "NOTICE.txt", "graphviz.zip", "pyodide/pyodide-lock.json", "pyodide/pyodide.asm.mjs",
        "pyodide/pyodide.asm.wasm", "pyodide/pyodide.mjs", "pyodide/python_stdlib.zip",
        "runner_core.py", "viz/viz.js",
    ]
    lock = json.loads((site / "runtime/pyodide/pyodide-lock.json").read_text())
    assert lock["packages"] == {} and lock["info"]["python"].startswith("3.")
    with zipfile.ZipFile(site / "runtime/graphviz.zip") as archive:
        assert "graphviz/__init__.py" in archive.namelist()
        assert any("LICENSE" in n for n in archive.namelist())
    node = ROOT / "node_modules/pyodide/pyodide.asm.wasm"
    digest = hashlib.sha256(node.read_bytes()).hexdigest()
    assert hashlib.sha256((site / "runtime/pyodide/pyodide.asm.wasm").read_bytes()).hexdigest() \
        == digest


def runtime_url() -> str:
    """The wheel's address as the hook derives it from mkdocs.yml's site_url."""
    package_wheel = load_hook("package_wheel")
    site_url = re.search(r"^site_url: (\S+)$", (ROOT / "mkdocs.yml").read_text(), re.M)[1]
    config = type("Config", (), {"site_url": site_url, "config_file_path": str(ROOT / "x")})
    return package_wheel.wheel_url(config)


def test_chapter_pages_list_their_blocks(site: Path) -> None:
    html = (site / "chapters/pytorch/index.html").read_text(encoding="utf-8")
    found = re.search(
        r'<script type="application/json" id="sg-runner-blocks" '
        r'data-version="([^"]+)">(.*?)</script>',
        html, re.S,
    )
    assert found, "no #sg-runner-blocks with the book's version"
    assert found.group(1) == load_hook("package_wheel").project(ROOT)["version"]
    # the page's chapter number and range are #sg-runner-facts (tests/test_runner_facts.py)
    blocks = json.loads(found.group(2))
    assert len(blocks) == len(re.findall(r'<div class="language-pycon highlight[" ]', html))
    assert {b.get("needs") for b in blocks} >= {"PyTorch"}
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="sg-runner-blocks"' in index
    chapter = (site / "chapters/slope/index.html").read_text(encoding="utf-8")
    line = re.sub(r"<[^>]+>", "", chapter.split('<div class="language-sh highlight">')[1])
    # the command (docs/hooks/install_line.py) is split with backslashes so that no line
    # passes 80 columns; a shell joins the lines into the wheel's URL
    folder, wheel = runtime_url().rsplit("/", 1)
    assert line.split("\n")[1:3] == [f"{folder}/\\", f'{wheel}"']


def test_output_is_capped(core) -> None:
    result = core.run_block("cap", ">>> for i in range(5000): print(i)\n...\n")
    got = result["examples"][0]["got"].splitlines()
    assert got[:2] == ["0", "1"] and got[999] == "999"
    assert got[1000] == (
        "… 4,000 more lines not shown (the page shows at most 1,000 lines or "
        "200,000 characters)."
    )
    assert len(got) == core.MAX_LINES + 1
    # one long line: cut at the character limit, the rest counted as one line
    long = core.run_block("cap", ">>> print('x' * 300_000)\n")["examples"][0]["got"]
    assert long.startswith("x" * core.MAX_CHARS + "\n… 1 more line not shown")
    # the stream was replaced while printing: the runner puts sys.stdout back
    assert sys.stdout is not None and not isinstance(sys.stdout, core.CappedOutput)
    # short output is untouched
    out = core.CappedOutput(max_lines=3)
    out.write("a\nb\nc\n")
    assert out.getvalue() == "a\nb\nc\n" and not out.cut


def test_plain_python_runs_as_a_file_runs(core) -> None:
    """Typed without prompts, a block runs as a script: print's output, then the value of
    its last line if that is an expression; in the page's namespace, as examples are."""
    result = core.run_block("plain", "a = 6 * 7\nfor i in range(2):\n    print(i)\na + 1\n")
    [ran] = result["examples"]
    assert (ran["outcome"], ran["got"], ran["plain"]) == ("ran", "0\n1\n43\n", True)
    assert core.run_block("plain", ">>> a\n42\n")["examples"][0]["outcome"] == "match"
    assert core.run_block("plain", "a = 1\n")["examples"][0]["got"] == ""
    raised = core.run_block("plain", "print('before')\n1 / 0\n")["examples"][0]
    assert raised["outcome"] == "raised" and raised["exception"] == "ZeroDivisionError"
    assert raised["got"].startswith("before\n") and "ZeroDivisionError" in raised["got"]
    report = core.run_block("plain", "print('mine.py (chapter 5): all 6 checks passed')\n")
    assert report["check"] == {"headline": "mine.py (chapter 5): all 6 checks passed",
                               "passed": True, "failed": []}


def test_an_exercise_is_judged_by_its_check(core) -> None:
    text = (
        ">>> print('your code (chapter 3): all 4 checks passed\\n  ok    values')\n"
        "your code (chapter 3): 1 of 4 checks failed\n"
    )
    result = core.run_block("verdict", text)
    assert result["examples"][0]["outcome"] == "differs"  # not the book's text ...
    assert result["examples"][0]["report"] is True
    assert result["check"] == {  # ... but the check passed
        "headline": "your code (chapter 3): all 4 checks passed", "passed": True, "failed": [],
    }
    failed = core.run_block("verdict", ">>> print('my.py (chapter 5): 2 of 6 checks failed')\n")
    assert failed["check"]["passed"] is False
    assert core.run_block("verdict", ">>> 1 + 1\n2\n")["check"] is None


def test_the_verdict_names_the_checks_that_failed(core) -> None:
    """``check["failed"]``: the names after FAIL in the last report, as the checker titles
    its checks, for the page to find the hint that fits (docs/hooks/hints.py)."""
    from scalargrad.check import Report, Result
    from scalargrad.check.checks import titles_at

    # every check's name comes back whole, with a long message after it
    every = titles_at(None)
    report = Report(chapter=None, results=[
        Result(title, "failed" if i % 2 else "passed", "it went wrong: " + "word " * 30)
        for i, title in enumerate(every)])
    verdict = core.check_verdict([{"got": report.text()}])
    assert verdict["failed"] == every[1::2]
    assert verdict["headline"] == report.headline() and verdict["passed"] is False
    # a real report of a class whose __mul__ forgets a child, with passed=False
    code = (
        "from scalargrad.check import check_namespace\n"
        "class V:\n"
        "    def __init__(self, data, _children=()):\n"
        "        self.data, self.grad, self._prev = float(data), 0.0, tuple(_children)\n"
        "    def __add__(self, other):\n"
        "        other = other if isinstance(other, V) else V(other)\n"
        "        return V(self.data + other.data, (self, other))\n"
        "    def __mul__(self, other):\n"
        "        other = other if isinstance(other, V) else V(other)\n"
        "        return V(self.data * other.data, (self,))\n"
        "print('before')\n"
        "print(check_namespace({'Value': V}, chapter='value').text(passed=False))\n"
        "print('after, not a check:')\n"
        "print('  FAIL  values: a line that is not the report')\n"
    )
    result = core.run_block("failed-names", code)
    assert result["check"]["failed"] == ["children"], result["examples"][0]["got"]
    # the last report counts: one that passed has no failed check, a headline alone none
    passed = Report(chapter=None, results=[Result("values", "passed")]).text()
    assert core.check_verdict([{"got": report.text() + "\n" + passed}])["failed"] == []
    assert core.check_verdict([{"got": report.headline() + "\n"}])["failed"] == []
    core.forget("failed-names")


def _code_last() -> dict[str, str]:
    """The reader's files after the classifier, the last chapter of the reader's files, as
    the build publishes them under code/NN/."""
    listings = load_hook("listings")
    last = number("classifier")
    files = {name: listings.snapshot(name, last) for name in ("engine.py", "nn.py",
                                                               "training.py", "datasets.py")}
    assert all(files.values())
    return files


def test_my_files_replace_the_package_modules(tmp_path: Path) -> None:
    """``use_my_files``, in a fresh CPython as in a fresh page worker."""
    code = (
        "import json, sys; sys.path.insert(0, 'docs/hooks'); import runner_core as r\n"
        "files = json.loads(sys.stdin.read())\n"
        "info = r.use_my_files(sys.argv[1], files)\n"
        "import scalargrad\n"
        "from scalargrad import MLP, Value\n"
        "from scalargrad.training import train\n"
        "print(json.dumps([info, Value.__module__, MLP.__module__, train.__module__,\n"
        "                  scalargrad.engine.__file__]))\n"
    )
    files = _code_last()
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], input=json.dumps(files),
                         cwd=ROOT, capture_output=True, text=True, check=True)
    info, value, mlp, train, where = json.loads(run.stdout)
    assert info == {"mine": ["engine.py", "nn.py", "training.py", "datasets.py"], "book": []}
    assert (value, mlp, train) == ("engine", "nn", "training")
    assert where == str(tmp_path / "engine.py")
    # only engine.py so far (as in the neuron chapter): nn and the rest stay the book's
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b")],
                         input=json.dumps({"engine.py": files["engine.py"]}),
                         cwd=ROOT, capture_output=True, text=True, check=True)
    info, value, mlp, _, _ = json.loads(run.stdout)
    assert info["book"] == ["nn.py", "training.py", "datasets.py"]
    assert (value, mlp) == ("engine", "scalargrad.nn")


def test_a_broken_file_and_a_foreign_name_are_refused(core, tmp_path: Path) -> None:
    info = core.use_my_files(str(tmp_path), {"datasets.py": "def f(:\n"})
    assert info["error"].startswith("your datasets.py could not be imported:")
    assert "SyntaxError" in info["error"]
    with pytest.raises(ValueError, match=r"'my\.py' is not one of the reader's files"):
        core.write_files(str(tmp_path), {"my.py": ""})
    sys.modules.pop("datasets", None)
    sys.path.remove(str(tmp_path))


def test_check_in_the_page_is_the_terminals(core, tmp_path: Path) -> None:
    files, last = _code_last(), number("classifier")
    page = core.check_my_files(str(tmp_path / "page"), files, last)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    terminal = subprocess.run(
        [sys.executable, "-m", "scalargrad.check", str(tmp_path / "engine.py"),
         "--chapter", str(last)], capture_output=True, text=True, check=True,
    ).stdout
    checks = [line for line in terminal.splitlines() if not line.startswith(("  note", "      "))]
    assert [line for line in page.splitlines()
            if not line.startswith(("  note", "      "))] == checks
    assert page.startswith(f"engine.py (chapter {last}): all ")
    # a broken file: the checker's own message
    value = number("value")
    broken = core.check_my_files(str(tmp_path), {"engine.py": "class Value:\n    x = 1/0\n"},
                                 value)
    assert broken.startswith(f"engine.py (chapter {value}): could not be checked")
    assert "ZeroDivisionError" in broken
    assert "no engine.py yet" in core.check_my_files(str(tmp_path), {}, value)
    for stem in ("engine", "nn", "training", "datasets"):
        sys.modules.pop(stem, None)
