"""The checker a teacher can trust: faithful loading, the same report every run, classrooms,
bad input, and the checker's own steps (the mutants of scalargrad/check in mutate.py)."""

from __future__ import annotations

import csv
import io
import json
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scalargrad.chapters import number
from scalargrad.check import check_file, check_folder, check_namespace
from scalargrad.check.chapters import FIRST, LAST
from scalargrad.check.folder import as_csv

ENGINES = Path(__file__).parent / "engines"
ROOT = Path(__file__).resolve().parents[1]
_TABLE = runpy.run_path(str(ENGINES / "mistakes.py"))
write = _TABLE["write"]


def cli(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m scalargrad.check ARGS``."""
    return subprocess.run([sys.executable, "-m", "scalargrad.check", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


def test_a_dataclass_engine_with_slots_and_type_hints_passes_every_chapter():
    report = check_file(ENGINES / "stored_locals.py")
    assert report.passed and len(report.results) == 17, report.text()
    at_backward = check_file(ENGINES / "stored_locals.py", number("automating-backward"))
    assert at_backward.passed, at_backward.text()


def test_the_file_runs_as_a_module_with_its_own_compiler_flags(tmp_path):
    engine = tmp_path / "typed.py"
    text = (ENGINES / "lecture_style.py").read_text()
    # without `from __future__ import annotations`, this annotation is evaluated: an
    # engine compiled with the checker's flags would not see the NameError
    engine.write_text(text + "\n\nclass Later:\n    x: int = 1\n\n\n"
                      "import sys\nassert sys.modules[__name__].Later is Later, 'module'\n"
                      "try:\n    def f(a: Undefined): pass\nexcept NameError:\n"
                      "    pass\nelse:\n    raise RuntimeError('inherited flags')\n")
    report = check_file(engine, number("neuron"))
    assert report.passed, report.text()


@pytest.mark.parametrize("name", ["breadth_first", "set_with_locals", "no_visited"])
def test_the_same_file_gets_the_same_report_every_run(tmp_path, name):
    path = write(name, tmp_path)
    runs = [check_file(path, number("zero-grad-bug")).to_dict() for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0]["status"] == "failed"


def test_in_process_reports_are_the_same_every_run():
    from scalargrad.check.learner import load_file

    namespace = load_file(ENGINES / "stored_locals.py")
    zero_grad = number("zero-grad-bug")
    first = check_namespace(namespace, zero_grad).to_dict()
    assert check_namespace(namespace, zero_grad).to_dict() == first
    assert first["status"] == "passed"


def test_a_value_without_data_is_told_what_init_takes():
    class Empty:
        pass

    report = check_namespace({"Value": Empty}, number("value"))
    failure = report.failures[0]
    assert failure.check == "Value(data)"
    assert failure.message.startswith("Value(2.0) raised TypeError: Empty() takes no "
                                      "arguments. A Value is made from its number: "
                                      "`def __init__(self, data):`"), failure.message


def test_a_file_that_is_not_python_source(tmp_path):
    binary = tmp_path / "engine.py"
    binary.write_bytes(b"\x7fELF\x00\x01\x02 not text")
    report = check_file(binary)
    assert report.exit_status == 2
    assert report.error.startswith("engine.py is not Python source"), report.error


def _classroom(folder: Path) -> None:
    """alice: the book's layout; bob: one file with the accumulation bug; carol.py: flat."""
    alice = folder / "alice"
    alice.mkdir()
    shutil.copy(ENGINES / "lecture_style.py", alice / "engine.py")
    (alice / "nn.py").write_text("from engine import MLP, Layer, Neuron, Value\n")
    (alice / "training.py").write_text("from nn import MLP\n\n\ndef train(model):\n"
                                       "    return model\n")
    (alice / "datasets.py").write_text("XS = [[2.0, 3.0, -1.0]]\n")
    bob = folder / "bob"
    bob.mkdir()
    write("overwrite", bob)
    shutil.copy(ENGINES / "lecture_style.py", folder / "carol.py")


def test_a_classroom_folder_table_csv_and_json(tmp_path):
    _classroom(tmp_path)
    results = check_folder(tmp_path)
    assert [(r.file, r.exit_status) for r in results] == [("alice", 0), ("bob", 1),
                                                          ("carol.py", 0)]
    # bob passes up to the neuron and fails where backward() comes in
    value, neuron = number("value"), number("neuron")
    backward, accumulate = number("automating-backward"), number("accumulation-bug")
    assert results[1].row().startswith(f"bob: passes chapters {value} to {neuron}; fails at "
                                       f"chapter {backward}: a node used twice")
    rows = list(csv.reader(io.StringIO(as_csv(results))))
    assert rows[0] == ["submission", *map(str, range(FIRST, LAST + 1)), "exit_status",
                       "first_problem"]
    assert value == FIRST
    assert rows[2][:backward - FIRST + 2] == ["bob", *["passed"] * (backward - FIRST), "failed"]
    assert rows[2][-2] == "1"
    assert rows[2][-1].startswith(f"passes chapters {value} to {neuron}; fails at")
    out = cli(tmp_path, "--chapter", accumulate, "--csv")
    assert out.returncode == 1 and list(csv.reader(io.StringIO(out.stdout)))[1:] == [
        ["alice", "passed", "0", ""],
        ["bob", "failed", "1", f"fails at chapter {accumulate}: a node used twice: a node "
         "used twice got half its gradient: a.grad is 1.0, expected 2.0. Does the _backward "
         f"of `__add__` use `=` where it should use `+=`? See chapter {accumulate}."],
        ["carol.py", "passed", "0", ""]]


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no Python here")
    out = cli(tmp_path)
    assert out.returncode == 2 and "holds no submissions" in out.stderr
    as_json = cli(tmp_path, "--json")
    assert json.loads(as_json.stdout)["exit_status"] == 2


@pytest.mark.parametrize("limit", ["nan", "inf", "-1", "0"])
def test_time_limits_that_are_not_positive_numbers(limit):
    for option in ("--time-limit", "--deadline"):
        out = cli(ENGINES / "lecture_style.py", option, limit)
        assert out.returncode == 2, out.stderr
        assert "must be positive numbers of seconds" in out.stderr
        assert f"wrong: {option} (got" in out.stderr
        assert "Traceback" not in out.stderr


def test_a_closed_pipe_is_quiet():
    shell = (f"{sys.executable} -m scalargrad.check {ROOT / 'tests' / 'engines'} "
             f"--chapter {number('value')} | head -1")
    out = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True,
                         text=True, timeout=300)
    assert out.stdout.count("\n") == 1
    assert "BrokenPipeError" not in out.stderr and "Traceback" not in out.stderr, out.stderr


def test_the_checkers_training_resets_gradients_before_every_backward_pass():
    """Before the zero_grad bug's chapter the checker resets the gradients itself, as the
    book's loop does."""
    namespace: dict[str, Any] = {"__name__": "lecture_strict"}
    source = (ENGINES / "lecture_style.py").read_text()
    exec(compile(source, "lecture_style.py", "exec"), namespace)

    class Strict(namespace["Value"]):
        """The lecture's Value, whose backward() refuses gradients left from before."""

        def backward(self) -> None:
            stack, seen = [self], set()
            while stack:
                node = stack.pop()
                if id(node) not in seen:
                    seen.add(id(node))
                    if not node._prev and node.grad != 0.0:
                        raise AssertionError("backward() on gradients left from before")
                    stack.extend(node._prev)
            super().backward()

    namespace["Value"] = Strict  # the lecture's operations now make Strict nodes
    report = check_namespace(namespace, number("gradient-descent"))
    assert report.passed, report.text()
    assert report.results[-1].check == "training lowers the loss"


def test_random_expressions_use_every_operation_and_powers_of_both_signs():
    """The seeded expressions of more-operations use all of its operations, shared ones
    included."""
    from scalargrad.check import chapters, exprs, random_check

    used: dict[str, set[object]] = {}

    def walk(e: tuple[object, ...]) -> None:
        if e[0] == "x":
            return
        used.setdefault(str(e[0]), set()).add(e[2] if e[0] in exprs.POWER else None)
        for a in e[1:]:
            if isinstance(a, tuple):
                walk(a)

    ops = chapters.checked_ops(number("more-operations"))
    samples = random_check.samples(ops)
    for expr, _ in samples:
        walk(expr)
    assert set(used) == set(ops)
    powers = used["pow"]
    assert len(powers) >= 2 and any(n < 0 for n in powers) and any(n > 1 for n in powers)
    assert sum(bool(exprs.shared(e)) for e, _ in samples) >= 3  # inner nodes used twice


def test_one_learners_folder_in_a_layout_of_their_own_gets_a_report():
    """value.py + mlp.py, as a learner keeps them: one report, not a row and a table."""
    out = cli(ROOT / "tests" / "engines" / "learners" / "value_and_mlp", "--chapter", "mlp")
    assert out.returncode == 0, out.stdout + out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"value.py (chapter {number('mlp')}): all "), first
    assert "checks passed" in first and "| chapter" not in out.stdout
