"""The reader's walk: the book replayed the way a reader goes through it.

* After every main-text listing, in reading order, the reader's files as they stand
  (docs/hooks/listings.py: the same regions and join rule as ``code/NN/``) import on
  their own, and after every chapter no file uses a name that a later chapter adds.
* After every chapter the checker knows (its first Value to the classifier),
  ``python -m scalargrad.check DIR --chapter N
  --examples`` on that chapter's files (``code/NN/``) gives the book's output for every
  example. The blocks that need the book's package carry a label (docs/hooks/walk.py);
  they are counted here, per chapter, and each one is shown to be needed: run on the
  reader's files, it does not give the book's output.
* What the chapters say about the reader's code is tested on ``code/NN/``.

The same walk in Chromium is tests/browser/test_my_engine.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from repotools import ROOT, load_module

from scalargrad.chapters import number

listings = load_module(ROOT / "docs" / "hooks" / "listings.py", "_test_walk_listings",
                       folder_on_path=True)
walk = load_module(ROOT / "docs" / "hooks" / "walk.py", "_test_walk_walk",
                   folder_on_path=True)

BOOK = listings.book_listings()
SNAPSHOTS = listings.snapshots(BOOK)
CHAPTERS = list(listings.SNAPSHOT_CHAPTERS)

#: The blocks of each chapter that run on the book's scalargrad in "my engine" mode,
#: by kind of label. Exact: a label added or one made unnecessary fails the test until
#: this table (and the closing note of issue 24) says so.
LABELLED = {
    number("value"): {"guard": 1},  # exercise 3: Value("3") and the guard's message
    # "A glimpse ahead": backward(), which automating-backward adds
    number("backprop-by-hand"): {"later": 1},
    # a Value exponent's message; exercise 1's sigmoid
    number("more-operations"): {"guard": 1, "optional": 1},
    # the optional train_minibatches, in the box and exercise 2
    number("classifier"): {"optional": 2},
}


def write_files(chapter: int, folder: Path) -> Path:
    """The reader's files after ``chapter`` (``code/NN/``), written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SNAPSHOTS.items():
        if int(name[:2]) == chapter:
            (folder / name[3:]).write_text(text, encoding="utf-8")
    return folder


# --- typing order is reading order ------------------------------------------------------


IMPORT_EACH = """
import importlib, json, sys
failed = []
for folder in json.loads(sys.argv[1]):
    sys.path.insert(0, folder)
    for stem in ("engine", "nn", "training", "datasets"):
        sys.modules.pop(stem, None)
    for stem in json.loads(open(folder + "/files.json").read()):
        try:
            importlib.import_module(stem)
        except BaseException as exc:
            failed.append(f"{folder}: {stem}.py: {type(exc).__name__}: {exc}")
    sys.path.remove(folder)
print(json.dumps(failed))
"""


def test_every_file_imports_after_every_main_text_listing(tmp_path: Path) -> None:
    states = listings.files_after_each_listing(BOOK)
    assert len(states) == sum(1 for e in BOOK if e.region.reader and not e.optional)
    folders = []
    for i, (listing, files) in enumerate(states):
        folder = tmp_path / f"{i:02d}-ch{listing.chapter}-{listing.region.name}"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "files.json").write_text(json.dumps([n[:-3] for n in files]))
        folders.append(str(folder))
    # scalargrad cannot be imported there: the files stand on their own
    run = subprocess.run([sys.executable, "-I", "-c", IMPORT_EACH, json.dumps(folders)],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == []
    # the last state of each chapter is that chapter's code/NN/
    for i, (listing, files) in enumerate(states):
        last = i + 1 == len(states) or states[i + 1][0].chapter != listing.chapter
        if last and listing.chapter in CHAPTERS:
            assert files == {n[3:]: t for n, t in SNAPSHOTS.items()
                             if int(n[:2]) == listing.chapter}


def test_mlp_lists_module_before_the_classes_that_extend_it() -> None:
    names = [e.region.name for e in BOOK
             if e.chapter == number("mlp") and e.region.file == "nn.py"]
    assert names == ["imports", "module", "neuron", "layer", "mlp"]


def test_no_listing_uses_a_name_that_a_later_chapter_adds() -> None:
    assert listings.reading_order_problems(BOOK) == []
    # the detector: a function body that names what no listing so far defines
    text = "def train(model):\n    return hinge_loss(model) + accuracy(model)\n"
    assert listings.undefined_names(text, "training.py") == ["accuracy", "hinge_loss"]
    assert listings.undefined_names("import math\nx = math.pi\n", "a.py") == []


def test_no_listing_is_empty() -> None:
    shown = 0
    for n, md in listings.chapter_files():
        earlier = [e for e in BOOK if e.chapter < n]
        out = listings.expand(md.read_text(encoding="utf-8"), n, earlier, BOOK)
        for fence in _python_fences(out):
            assert any(line.strip() for line in fence), f"chapter {n}: an empty listing"
            shown += 1
    assert shown > 60
    # the performance chapter's all-guard region shows its code, titled as not one of
    # the reader's
    performance = number("performance")
    [md] = [md for n, md in listings.chapter_files() if n == performance]
    out = listings.expand(md.read_text(encoding="utf-8"), performance,
                          [e for e in BOOK if e.chapter < performance], BOOK)
    assert "the package's guard rails (not in your files)" in out
    assert "def _collector_paused(" in out


def _python_fences(markdown: str) -> list[list[str]]:
    """The bodies of the ``python`` code fences of a Markdown text."""
    out, body, fence = [], None, ""
    for line in markdown.splitlines():
        stripped = line.strip()
        if body is None and stripped.startswith("```") and "python" in stripped:
            body, fence = [], stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif body is not None and stripped == fence:
            out.append(body)
            body = None
        elif body is not None:
            body.append(line)
    return out


# --- every chapter's examples on its files, as --examples runs them ----------------------


def examples(chapter: int, where: Path) -> dict:
    """``python -m scalargrad.check DIR --chapter N --examples --json`` on code/NN/."""
    folder = write_files(chapter, where / "my-scalargrad")
    run = subprocess.run(
        [sys.executable, "-m", "scalargrad.check", "my-scalargrad", "--chapter",
         str(chapter), "--examples", "--json"],
        cwd=where, capture_output=True, text=True, timeout=900, check=False,
    )
    assert run.stdout, run.stderr
    result = json.loads(run.stdout)
    result["returncode"] = run.returncode
    assert folder.is_dir()
    return result


@pytest.mark.replay
def test_every_example_of_the_checkers_chapters_runs_on_that_chapters_files(
    tmp_path: Path,
) -> None:
    pytest.importorskip("torch")  # the pytorch chapter compares with PyTorch
    dirs = {n: tmp_path / f"ch{n:02d}" for n in CHAPTERS}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(CHAPTERS, pool.map(lambda n: examples(n, dirs[n]), CHAPTERS),
                           strict=True))
    problems, labelled, counted = [], {}, 0
    for n, r in results.items():
        if r["returncode"] != 0 or r["error"]:
            problems.append(f"chapter {n}: exit {r['returncode']}: {r['error']}")
        for b in r["blocks"]:
            if b["status"] != "ok":
                bad = [e for e in b["examples"] if e["outcome"] not in ("match", "rounding")]
                problems.append(f"chapter {n}, line {b['line']}: {b['status']} "
                                f"{b['note'] or ''} {[e['source'] for e in bad]}")
            if b["label"]:
                kind = _kind(n, b["line"])
                labelled.setdefault(n, {}).setdefault(kind, 0)
                labelled[n][kind] += 1
        counted += r["counts"]["yours"] + r["counts"]["book"]
    assert not problems, "\n".join(problems)
    assert labelled == LABELLED
    assert all(r["mine"][0] == "engine.py" for r in results.values())
    print(f"\n{counted} examples of chapters {CHAPTERS[0]}-{CHAPTERS[-1]} gave the book's "
          f"output with the reader's files; labelled blocks per chapter: {labelled}")
    assert counted > 600


def _kind(chapter: int, line: int) -> str:
    [block] = [b for b in walk.chapter_blocks(chapter) if b["line"] == line]
    return block["label"]["kind"]


NEEDED = """
import json, sys
sys.path.insert(0, ".")
from scalargrad.check.doctests import run_block, use_my_files
blocks, target = json.loads(open("blocks.json").read()), int(sys.argv[1])
info = use_my_files(".")
assert "error" not in info, info
for i, b in enumerate(blocks[:target]):
    if not b["needs"]:
        run_block("c", b["text"], f"block {i + 1}", book=bool(b["label"]))
result = run_block("c", blocks[target]["text"], "labelled", book=False)
print(json.dumps([e["outcome"] for e in result["examples"]]))
"""


@pytest.mark.replay
def test_every_label_is_needed(tmp_path: Path) -> None:
    """Run on the reader's files instead of the book's, each labelled block does not
    give the book's output (after the chapter's earlier blocks, as a reader runs it)."""
    cases = [(n, i) for n in LABELLED for i, b in enumerate(walk.chapter_blocks(n))
             if b["label"]]

    def outcomes(case: tuple[int, int]) -> list[str]:
        chapter, index = case
        folder = write_files(chapter, tmp_path / f"ch{chapter}-{index}")
        (folder / "blocks.json").write_text(json.dumps(walk.chapter_blocks(chapter)))
        run = subprocess.run([sys.executable, "-c", NEEDED, str(index)], cwd=folder,
                             capture_output=True, text=True, timeout=600, check=True)
        return json.loads(run.stdout.splitlines()[-1])

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip(cases, pool.map(outcomes, cases), strict=True))
    assert len(found) == sum(sum(k.values()) for k in LABELLED.values())
    unneeded = [case for case, got in found.items() if set(got) <= {"match", "rounding"}]
    assert not unneeded, f"labels that the reader's files do not need: {unneeded}"


# --- what the chapters say about the reader's code, on code/NN/ --------------------------


def run_on(chapter: int, code: str, tmp_path: Path) -> str:
    """Run ``code`` next to code/NN/, where scalargrad cannot be imported; its output."""
    folder = write_files(chapter, tmp_path / f"code{chapter:02d}")
    blocker = ("import sys\nclass _No:\n    def find_spec(self, name, path=None, target=None):"
               "\n        if name.split('.')[0] == 'scalargrad':\n"
               "            raise ModuleNotFoundError(name)\nsys.meta_path.insert(0, _No())\n"
               "sys.path.insert(0, '.')\n")
    run = subprocess.run([sys.executable, "-I", "-c", blocker + textwrap.dedent(code)],
                         cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_more_operations_the_corner_cases_at_zero_are_the_packages_not_the_readers(
    tmp_path: Path,
) -> None:
    """More operations: the guard lines of _pow_local settle a = 0; the reader's file stops."""
    import math

    from scalargrad import Value

    assert (Value(0.0) ** 0.5)._local == (math.inf,)
    out = run_on(number("more-operations"), """
        from engine import Value
        try:
            Value(0.0) ** 0.5
        except ZeroDivisionError as exc:
            print("ZeroDivisionError")
    """, tmp_path)
    assert out.split() == ["ZeroDivisionError"]


def test_value_your_value_keeps_what_it_is_given(tmp_path: Path) -> None:
    """The value chapter: the guards are the package's; the reader's Value keeps an int, and a
    string (exercise 3), as it is."""
    out = run_on(number("value"), """
        from engine import Value
        print(repr(Value(2).data), repr(Value("3").data), (Value(2) * 3).data)
    """, tmp_path)
    assert out.split() == ["2", "'3'", "6"]


def test_automating_backward_every_operation_makes_one_local_derivative_per_child(
    tmp_path: Path,
) -> None:
    """Automating backward: every operation of the reader's file (as it stands after the
    classifier, the last) pairs its children with local derivatives, so _backward's zip
    needs no check."""
    out = run_on(number("classifier"), """
        from engine import Value
        a, b = Value(2.0), Value(0.5)
        made = [a + b, a * b, a - b, a / b, -a, a ** 3, 1 + a, 2 * a, 1 - a, 2 / a,
                a.tanh(), a.exp(), a.log(), a.relu()]
        print(all(len(v._prev) == len(v._local) for v in made), len(made))
    """, tmp_path)
    assert out.split() == ["True", "14"]


def test_more_operations_a_value_exponent_fails_with_pythons_own_type_error(
    tmp_path: Path,
) -> None:
    """More operations: without the guard, a Value exponent fails one step later, in
    Python."""
    out = run_on(number("more-operations"), """
        from engine import Value
        try:
            Value(2.0) ** Value(2.0)
        except TypeError as exc:
            print(exc)
    """, tmp_path)
    assert out.startswith("unsupported operand type(s) for ** or pow(): 'float' and 'Value'")


def test_zero_grad_bug_backward_resets_inner_nodes_and_sets_the_seed_only(
    tmp_path: Path,
) -> None:
    """The zero_grad bug: _backward adds; backward() zeroes the inner nodes and sets the seed,
    and leaves the leaves (the parameters) alone."""
    out = run_on(number("zero-grad-bug"), """
        from engine import Value
        a, b = Value(2.0), Value(-3.0)
        inner = a * b
        out = inner + a
        a.grad, b.grad, inner.grad, out.grad = 10.0, 10.0, 10.0, 10.0
        out.backward()
        print(a.grad, b.grad, inner.grad, out.grad)
    """, tmp_path)
    assert out.split() == ["8.0", "12.0", "1.0", "1.0"]  # 10 + 1 - 3, 10 + 2


def test_automating_backward_sort_handles_a_million_deep_chain(tmp_path: Path) -> None:
    """Automating backward: the reader's build_topo walks a chain of a million additions."""
    out = run_on(number("automating-backward"), """
        from engine import Value, build_topo
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y + 1.0
        print(len(build_topo(y)))
        y.backward()
        print(x.grad)
    """, tmp_path)
    assert out.split() == ["2000001", "1.0"]


def test_gradient_descent_the_checker_resets_the_gradients_itself_until_zero_grad_bug(
    tmp_path: Path,
) -> None:
    """Gradient descent's check section: the checker's loop sets every grad to 0 itself;
    the reader's zero_grad() is checked at the zero_grad bug's chapter."""
    from scalargrad.check import check_file

    training, zero_grad = number("gradient-descent"), number("zero-grad-bug")
    folder = write_files(zero_grad, tmp_path / "my-scalargrad")
    nn = (folder / "nn.py").read_text(encoding="utf-8")
    broken = nn.replace("            p.grad = 0.0", "            pass")
    assert broken != nn
    (folder / "nn.py").write_text(broken, encoding="utf-8")
    assert check_file(folder / "engine.py", training).passed
    at_zero_grad = check_file(folder / "engine.py", zero_grad)
    assert [r.check for r in at_zero_grad.failures] == ["zero_grad()"]


def test_the_reader_files_after_the_classifier_hold_at_most_200_lines_of_code() -> None:
    tests = load_module(ROOT / "tests" / "test_listings.py", "_test_walk_test_listings",
                        folder_on_path=True)
    last = f"{number('classifier'):02d}"
    counts = {f: tests.lines_of_code(SNAPSHOTS[f"{last}/{f}"]) for f in listings.READER_FILES}
    print(f"lines of code of code/{last}/:", counts, "total", sum(counts.values()))
    assert sum(counts.values()) <= 200, counts


# --- your files in the package's place: scalargrad.check.doctests ------------------------

SWAP = """
import json, sys
from scalargrad.check.doctests import run_block, use_my_files
info = use_my_files(".")
out = [info]
import scalargrad, scalargrad.graphs
from scalargrad import Value
out.append(Value.__module__)
try:
    from scalargrad import build_topo
except ImportError as exc:
    out.append("ImportError")
out.append(scalargrad.graphs.build_topo.__module__)
from scalargrad.viz import trace
L = (Value(2.0) * Value(-3.0) + Value(10.0)) * Value(-2.0)
out.append(len(trace(L)[0]))
block = ">>> from scalargrad import build_topo\\n>>> Value.__module__, build_topo.__module__\\n"
block += "('scalargrad.engine', 'scalargrad.engine')\\n"
run_block("c", ">>> from scalargrad import Value\\n", "first")
result = run_block("c", block, "labelled", book=True)
out.append([e["outcome"] for e in result["examples"]])
after = run_block("c", ">>> Value.__module__\\n'engine'\\n>>> build_topo\\n", "after")
out.append([e["outcome"] for e in after["examples"]])
out.append(after["examples"][1]["exception"])
print(json.dumps(out))
"""


def test_your_files_stand_in_for_the_packages_and_the_rest_stays_the_books(
    tmp_path: Path,
) -> None:
    folder = write_files(number("neuron"), tmp_path / "my-scalargrad")
    run = subprocess.run([sys.executable, "-c", SWAP], cwd=folder, capture_output=True,
                         text=True, timeout=300, check=True)
    info, value, missing, graphs, nodes, labelled, after, error = json.loads(run.stdout)
    assert info == {"mine": ["engine.py"], "book": ["nn.py", "training.py", "datasets.py"]}
    assert value == "engine"  # the reader's class
    assert missing == "ImportError"  # build_topo comes in automating-backward, not the book's
    assert graphs == "scalargrad.engine"  # the book's own modules keep the book's engine
    assert nodes == 7  # and draw the reader's Values
    assert labelled == ["match", "match"]  # a labelled block runs on the book's
    assert after == ["match", "raised"] and error == "NameError"  # and then it is over


def test_the_examples_report_names_each_block_that_is_not_as_in_the_book() -> None:
    from scalargrad.check.examples import BlockResult, Walk

    ok = {"outcome": "match", "source": "1\n", "got": "1\n", "want": "1\n"}
    walk = Walk("my-scalargrad", 9, ["engine.py"], [
        BlockResult(10, None, "ok", [ok]),
        BlockResult(20, "runs on the book's scalargrad: needs x, which chapter 10 adds",
                    "ok", [ok, ok]),
        BlockResult(30, None, "not run", note="not run: it needs PyTorch, which is not "
                                              "installed here"),
        BlockResult(40, None, "differs", [ok, {"outcome": "differs", "source": "a.grad\n",
                                               "got": "1.0\n", "want": "2.0\n"}]),
    ], note="isolation: none available here")
    assert walk.exit_status == 1
    assert walk.counts() == {"yours": 2, "book": 2, "differ": 1, "raised": 0, "not run": 1}
    assert walk.text().splitlines() == [
        "my-scalargrad, chapter 9's examples on your engine.py (and the book's nn.py,",
        "  training.py and datasets.py):",
        "  block 2 (line 20): runs on the book's scalargrad: needs x, which chapter 10",
        "    adds; as in the book",
        "  block 3 (line 30): not run: it needs PyTorch, which is not installed here",
        "  block 4 (line 40): differs from the book",
        "      >>> a.grad",
        "      yours:",
        "        1.0",
        "      the book's:",
        "        2.0",
        "4 of 5 examples as in the book (2 of them on the book's scalargrad, as",
        "  labelled); 1 differ, 0 raised an exception; 1 block(s) not run.",
        "note: isolation: none available here",
    ]
    walk.blocks[3].status = "ok"
    walk.blocks[3].examples[1]["outcome"] = "match"
    assert walk.exit_status == 0  # a block not run here does not fail the walk
