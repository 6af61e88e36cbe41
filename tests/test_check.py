"""The engine checker, ``python -m scalargrad.check``: every classic mistake gets its own message.

The mistakes are the table in tests/engines/mistakes.py: each is an edit of the one
lecture-style engine, written into a temporary folder and checked in its own
subprocess, as a reader's file would be. They run concurrently in one fixture, so the
whole module costs a few seconds.
"""

from __future__ import annotations

import json
import runpy
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scalargrad.chapters import number
from scalargrad.check import Report, chapters, check_file, check_folder, check_namespace, table
from scalargrad.check.learner import LoadError

ENGINES = Path(__file__).parent / "engines"
ROOT = Path(__file__).resolve().parents[1]
_TABLE = runpy.run_path(str(ENGINES / "mistakes.py"))
MISTAKES, write = _TABLE["MISTAKES"], _TABLE["write"]
FAILS = sorted(name for name, m in MISTAKES.items() if not m.stopped)
PASSES_BEFORE = sorted(name for name, m in MISTAKES.items() if m.passes_at)
# small files that cannot be checked (not edits: they are a few lines each), and words
# of the message that says why
BAD_FILES = {
    "syntax_error.py": ["syntax error at line 9", "expected ':'", "def __add__(self, other)"],
    "no_value.py": ["defines no class named Value", f"chapter {number('value')}"],
    "import_fails.py": ["could not import", "No module named 'mathz'", "line 3"],
    "raises_on_load.py": ["ZeroDivisionError", "line 13, in <module>", "line 10, in scaled"],
}


def micrograd_dir() -> Path:
    micrograd = pytest.importorskip("micrograd")
    return Path(micrograd.__file__).parent


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[tuple[str, int | None], Report]:
    """Every engine checked at the chapters the tests look at, four subprocesses at a time."""
    folder = tmp_path_factory.mktemp("mistakes")
    jobs = [(write(name, folder), MISTAKES[name].chapter) for name in FAILS]
    jobs += [(write(name, folder), MISTAKES[name].passes_at) for name in PASSES_BEFORE]
    jobs += [(ENGINES / name, None) for name in BAD_FILES]
    jobs += [(ENGINES / "lecture_style.py", chapters.LAST), (ENGINES / "lecture_style.py", None)]
    with ThreadPoolExecutor(4) as pool:
        done = pool.map(lambda job: check_file(*job), jobs)
        return {(path.stem, ch): report for (path, ch), report in zip(jobs, done, strict=True)}


def test_every_edit_changes_the_lecture_engine_and_a_stale_one_is_refused(tmp_path):
    lecture = (ENGINES / "lecture_style.py").read_text().splitlines()
    for name, mistake in MISTAKES.items():
        text = write(name, tmp_path).read_text().splitlines()
        assert text[0] == '"""' + mistake.summary and text[1:] != lecture[1:], name
    replace_once = _TABLE["_replace_once"]
    with pytest.raises(ValueError, match=r"mistake 'x': 'b' occurs 2 times in lecture_style\.py"):
        replace_once("abba", "b", "c", "x")
    with pytest.raises(ValueError, match=r"'d' occurs 0 times in lecture_style\.py, not exactly"):
        replace_once("abba", "d", "c", "x")
    with pytest.raises(KeyError, match="no mistake named 'typo'; the mistakes: overwrite"):
        write("typo", tmp_path)


@pytest.mark.parametrize("name", FAILS)
def test_each_mistake_gets_its_own_message(reports, name):
    mistake = MISTAKES[name]
    report = reports[name, mistake.chapter]
    assert report.exit_status == 1, report.text()
    failure = report.failures[0]
    assert failure.check == mistake.check, report.text()
    for word in mistake.words:
        assert word in failure.message, (word, report.text())
    assert "Traceback" not in report.text() and "scalargrad/check" not in report.text()


@pytest.mark.parametrize("name", PASSES_BEFORE)
def test_a_mistake_is_not_required_before_its_chapter(reports, name):
    report = reports[name, MISTAKES[name].passes_at]
    assert report.passed, report.text()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_say_why_and_exit_2(reports, name):
    report = reports[Path(name).stem, None]
    assert report.exit_status == 2 and report.status == "error"
    for word in BAD_FILES[name]:
        assert word in report.error, (word, report.error)
    assert "Traceback" not in report.error and "scalargrad/check" not in report.error
    assert report.results == []


def test_the_lecture_style_engine_passes(reports):
    for chapter in (chapters.LAST, None):
        report = reports["lecture_style", chapter]
        assert report.passed, report.text()
        assert len(report.results) == 17
    # its recursive topological sort is a note, not a failure
    assert "RecursionError" in reports["lecture_style", chapters.LAST].notes[0]


def test_the_package_engine_passes_every_chapter():
    engine = check_file(ROOT / "scalargrad" / "engine.py")
    # the package's layout is the book's: nn.py beside engine.py is checked with it
    assert engine.passed and len(engine.results) == 17, engine.text()
    assert engine.notes[0] == "Neuron, Layer, MLP come from nn.py, beside engine.py."
    # that nn.py imports scalargrad's own Value: the checker says so
    assert engine.notes[1].startswith("own engine: the Value of engine.py is, or extends, "
                                      "scalargrad.engine.Value")
    assert "handles a chain of 10,000" in engine.notes[-1]
    nn = check_file(ROOT / "scalargrad" / "nn.py", chapters.LAST)
    assert nn.passed and len(nn.results) == 17, nn.text()
    for chapter in range(chapters.FIRST, chapters.LAST):  # and in this process, at every other
        report = check_namespace(vars(__import__("scalargrad.nn").nn), chapter)
        assert report.passed, report.text()


def test_micrograd_passes_the_chapters_before_tanh():
    folder = micrograd_dir()
    neuron = number("neuron")
    assert check_file(folder / "engine.py", neuron - 1).passed
    assert check_file(folder / "nn.py").passed  # everything it defines
    at_neuron = check_file(folder / "nn.py", neuron)
    assert at_neuron.failures[0].message.startswith(
        f"Value has no `tanh` (a.tanh()): chapter {neuron}")


@pytest.mark.parametrize("name", [n for n in MISTAKES if MISTAKES[n].stopped])
def test_an_endless_loop_names_the_check_that_took_too_long(tmp_path, name):
    mistake = MISTAKES[name]
    report = check_file(write(name, tmp_path), mistake.chapter, time_limit=1)
    assert report.exit_status == 2
    assert report.error.startswith(f"the check '{mistake.check}' took longer than 1 s")
    for word in mistake.words:
        assert word in report.error, (word, report.error)


def test_a_file_can_import_its_value_from_a_file_next_to_it(tmp_path):
    shutil.copy(ENGINES / "lecture_style.py", tmp_path / "engine.py")
    (tmp_path / "nn.py").write_text("from engine import MLP, Layer, Neuron, Value\n")
    report = check_file(tmp_path / "nn.py", number("zero-grad-bug"))
    assert report.passed and len(report.results) == 17, report.text()


def test_an_endless_loop_while_loading(tmp_path):
    spin = tmp_path / "spin.py"
    spin.write_text("class Value:\n    pass\n\nwhile True:\n    pass\n")
    report = check_file(spin, time_limit=0.5)
    assert report.error.startswith("loading spin.py took longer than 0.5 s"), report.error
    assert "endless loop" not in report.error and "if __name__" in report.error


def test_memory_limit(tmp_path):
    hog = tmp_path / "hog.py"
    hog.write_text("class Value:\n    pass\n\nbig = [0] * 10**10\n")
    report = check_file(hog, memory_mb=256)
    assert report.exit_status == 2 and "MemoryError" in report.error


def test_the_file_runs_in_a_fresh_folder_with_a_minimal_environment(tmp_path):
    spy = tmp_path / "spy.py"
    spy.write_text(
        "import os\nfrom scalargrad.engine import Value\n"
        "assert os.getcwd() != " + repr(str(tmp_path)) + ", 'cwd'\n"
        "assert set(os.environ) <= {'PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_CTYPE', 'PWD', "
        "'PYTHONHASHSEED'}, sorted(os.environ)\n"
        "assert os.listdir('.') == ['spy.py'], os.listdir('.')[:3]\n"
    )
    report = check_file(spy, number("value"))
    assert report.passed, report.text()


def test_a_random_expression_is_shrunk_before_it_is_reported():
    from scalargrad.engine import Value

    class NegativeProducts(Value):
        """Wrong only when both factors are negative: no single-operation probe sees it."""

        def __mul__(self, other):
            out = super().__mul__(other)
            if self.data < 0 and getattr(other, "data", other) < 0:
                out._local = (1.0, 1.0)
            return out

    report = check_namespace({"Value": NegativeProducts}, chapter=number("more-operations"))
    failure = report.failures[0]
    assert failure.check == "random expressions", report.text()
    assert failure.example.startswith(("`a * b` with", "`a * a` with")), failure.example
    assert "expected" in failure.message and "nudging a gives" in failure.message


def test_the_command_line_exit_statuses_and_json(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "scalargrad.check", *map(str, args)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    extras = number("more-operations")
    ok = run(ENGINES / "lecture_style.py", "--chapter", extras, "--json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    data = json.loads(ok.stdout)
    assert set(data) == {"file", "chapter", "status", "exit_status", "error", "checks", "notes"}
    assert data["file"] == "lecture_style.py" and data["chapter"] == extras
    assert data["status"] == "passed" and data["exit_status"] == 0
    assert set(data["checks"][0]) == {"check", "status", "message", "example", "chapter"}
    assert run(write("overwrite", tmp_path), "--chapter", "accumulation-bug").returncode == 1
    bad = run(ENGINES / "syntax_error.py")
    assert bad.returncode == 2 and "syntax error at line 9" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    helped = run("--help")
    assert helped.returncode == 0 and "EXECUTES" in helped.stdout
    before = chapters.FIRST - 1  # a chapter without a Value to check
    wrong = run(ENGINES / "lecture_style.py", "--chapter", before)
    assert wrong.returncode == 2 and f"invalid choice: {before}" in wrong.stderr
    missing = run(tmp_path / "nothing.py")
    assert missing.returncode == 2 and "neither a file nor a folder" in missing.stderr


def test_folder_mode_table_and_json(tmp_path):
    for name in ("lecture_style.py", "syntax_error.py"):
        shutil.copy(ENGINES / name, tmp_path / name)
    write("overwrite", tmp_path)
    (tmp_path / "notes.txt").write_text("not Python: ignored")
    results = check_folder(tmp_path)
    assert [r.file for r in results] == ["lecture_style.py", "overwrite.py", "syntax_error.py"]
    assert [r.exit_status for r in results] == [0, 1, 2]
    first, last = chapters.FIRST, chapters.LAST
    neuron, backward = number("neuron"), number("automating-backward")
    assert results[0].row() == f"lecture_style.py: passes chapters {first} to {last}"
    assert results[1].row().startswith(f"overwrite.py: passes chapters {first} to {neuron}; "
                                       f"fails at chapter {backward}: a node used twice: a "
                                       "node used twice got half")
    assert results[2].row().startswith("syntax_error.py: could not be checked: syntax_error.py "
                                       "has a syntax error at line 9")

    def row(name: str, marks: list[str]) -> str:
        """A line of the table: the name in 16 columns, then one mark per chapter in 4."""
        return f"{name:<16}" + "".join(f"{mark:>4}" for mark in marks)

    known = range(first, last + 1)
    assert table(results).splitlines()[:4] == [
        row("file", [str(n) for n in known]),
        row("lecture_style.py", ["ok" for _ in known]),
        row("overwrite.py", ["ok" if n < backward else "F" for n in known]),
        row("syntax_error.py", ["E" for _ in known]),
    ]
    cli = subprocess.run([sys.executable, "-m", "scalargrad.check", str(tmp_path), "--json",
                          "--chapter", str(backward)], capture_output=True, text=True,
                         timeout=120)
    assert cli.returncode == 2
    rows = [json.loads(line) for line in cli.stdout.splitlines()]
    at = str(backward)
    assert [(r["file"], r["chapters"]) for r in rows] == [
        ("lecture_style.py", {at: "passed"}), ("overwrite.py", {at: "failed"}),
        ("syntax_error.py", {at: "error"})]


OUT_OF_RANGE = f"chapter must be a whole number from {chapters.FIRST} to {chapters.LAST}"


def test_check_namespace_needs_a_value_class_and_a_real_chapter():
    from scalargrad.engine import Value

    with pytest.raises(LoadError, match="defines no class named Value"):
        check_namespace({"Scalar": Value})
    # before the first, after the last, a number in a string, a bool
    for bad in (chapters.FIRST - 1, chapters.LAST + 1, str(number("more-operations")), True):
        with pytest.raises(ValueError, match=OUT_OF_RANGE):
            check_namespace({"Value": Value}, bad)
    with pytest.raises(ValueError, match=OUT_OF_RANGE):
        check_file(ENGINES / "lecture_style.py", number("slope"))


def test_import_scalargrad_does_not_import_the_checker():
    code = ("import sys, scalargrad; "
            "print(any(m.startswith('scalargrad.check') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_checker_uses_only_the_standard_library():
    code = ("import sys; import scalargrad.check, scalargrad.check.child, "
            "scalargrad.check.__main__; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'numpy', 'matplotlib', 'graphviz', 'torch'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Messages that docs/reference/check.md quotes in its prose (the rest of its messages are
# doctest output): each must still be in the checker's source, word for word.
QUOTED = [
    "a node that reaches the output along two paths must collect the sum of both.",
    f"Value has no backward() method: chapter {chapters.BACKWARD} adds it.",
    f"chapter {chapters.NN} builds Neuron(nin), Layer(nin, nout) and MLP(nin, nouts).",
    "it should list the weights and the bias b.",
    "expected a list of 4 Values, one per neuron.",
    "a layer of one neuron returns that Value itself",
    "computes its result.",
    "should hold a and b, the two operands, and nothing else; it holds",
    "ran out of memory (the limit is",
    "grow without end, such as a list that a loop keeps appending to?",
    "was stopped by signal",
    "depth: backward() handles a chain of",
    "speed: building about 10,000 nodes and calling backward() took",
]


def test_the_messages_the_page_quotes_are_the_checkers():
    import re

    from tests.test_site import load_hook

    chapter_refs = load_hook("chapter_refs")
    page = " ".join(chapter_refs.read(ROOT / "docs" / "reference" / "check.md").split())
    source = "".join(p.read_text() for p in (ROOT / "scalargrad" / "check").glob("*.py"))
    source = re.sub(r'"\s*\n\s*f?"', "", source)  # join implicitly concatenated strings
    source = source.replace("{DEPTH:,}", "10,000")
    for fact in ("FIRST", "BACKWARD", "ACCUMULATE", "NN", "TRAINING", "ZERO_GRAD"):
        source = source.replace(f"{{chapters.{fact}}}", str(getattr(chapters, fact)))
    for quote in QUOTED:
        assert quote in page, f"the page no longer quotes: {quote}"
        assert quote in source, f"the checker no longer says: {quote}"
