"""The checker on learners' engines in the layouts they use: every verdict right, one class run.

tests/engines/learners/ holds 33 micrograd-style submissions written for these tests
(none copied from anyone): package folders whose ``nn.py`` says ``from
micrograd.engine import Value``, a single ``micrograd.py``, ``value.py`` + ``mlp.py``,
relative imports, a ``src/`` layout, helper modules, dataclasses, ``__slots__``, recursive
and iterative topological sorts, extra operations. Each folder's ``expected.txt`` says
its layout, its real bug (or none) and the verdict at the checker's last chapter
(:data:`scalargrad.check.chapters.LAST`, the classifier), where every check runs:
``ok``, or ``F``/``E`` and the words its row must hold. The whole set is checked
in ONE class run (folder mode, two at a time), which takes about 30 s on two busy cores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scalargrad.chapters import number
from scalargrad.check import check_folder
from scalargrad.check.chapters import LAST
from scalargrad.check.folder import table
from scalargrad.check.sandbox import run_submission
from scalargrad.check.submission import python_files, submission_of

LEARNERS = Path(__file__).parent / "engines" / "learners"
CHAPTER = LAST  # every check runs
MARK = {"ok": "passed", "F": "failed", "E": "error"}


def expected(folder: Path) -> dict[str, list[str]]:
    """The folder's expected.txt: each key's lines."""
    found: dict[str, list[str]] = {}
    for line in (folder / "expected.txt").read_text().splitlines():
        key, _, value = line.partition(": ")
        found.setdefault(key, []).append(value)
    return found


def wanted_rows() -> dict[str, tuple[str, list[str], str]]:
    """Row name -> (status, words the row must hold, the note it must have or "none")."""
    rows = {}
    for folder in sorted(p for p in LEARNERS.iterdir() if p.is_dir()):
        facts = expected(folder)
        assert facts["layout"] and facts["bug"], folder.name
        for verdict in facts["verdict"]:
            head, *words = [w.strip() for w in verdict.split("|")]
            parts = head.split()
            name = folder.name if len(parts) == 1 else f"{folder.name}/{parts[0]}"
            rows[name] = (MARK[parts[-1]], words, facts["note"][0])
    return rows


@pytest.fixture(scope="module")
def class_run():
    """The whole set, checked once at the last chapter as a teacher's folder."""
    return check_folder(LEARNERS, CHAPTER)


def test_there_are_at_least_30_learners_each_with_its_bug_written_down():
    rows = wanted_rows()
    assert len([p for p in LEARNERS.iterdir() if p.is_dir()]) >= 30
    assert sum(status == "passed" for status, _, _ in rows.values()) >= 8  # false alarms show


def test_every_verdict_is_right_in_one_class_run(class_run):
    got = {r.file: r for r in class_run}
    want = wanted_rows()
    assert sorted(got) == sorted(want)  # helper modules are no rows; two engines are two
    wrong = []
    for name, (status, words, note) in want.items():
        result = got[name]
        report = result.reports[0]
        row = result.row()
        notes = " ".join(report.notes)
        if report.status != status or not all(w in row for w in words):
            wrong.append(f"{name}: {row}")
        if (note == "none" and "own engine" in notes) or (note != "none" and note not in notes):
            wrong.append(f"{name}: notes {report.notes}")
    assert wrong == [], "\n".join(wrong)
    lines = table(class_run).splitlines()
    assert len(lines) == len(want) + 2 and lines[0].split() == ["file", str(CHAPTER)]


def test_no_row_is_a_traceback_or_a_checker_error(class_run):
    for result in class_run:
        row = result.row()
        assert "Traceback" not in row and "the checker could not finish" not in row, row


def test_a_learners_micrograd_beats_the_installed_one(class_run):
    pytest.importorskip("micrograd")  # the case of the issue: micrograd is installed too
    got = {r.file: r for r in class_run}
    assert got["pkg_micrograd"].reports[0].passed  # micrograd's Value has no tanh
    bug = got["pkg_micrograd_grad_for_data"].reports[0]
    assert bug.failures and "`a * b`" in bug.failures[0].message  # micrograd's mul is right


def test_a_delegating_value_fails_when_graded():
    folder = LEARNERS / "wraps_scalargrad"
    sub = submission_of(folder, python_files(folder))
    report = run_submission(sub, [number("automating-backward")], graded=True)[0]
    assert report.results[0].check == "own engine" and report.results[0].failed
    assert report.results[0].message.startswith("the Value of engine.py delegates to "
                                                "scalargrad.engine.Value"), report.text()
    assert "own engine: own engine" not in report.text()


def test_a_learners_folder_in_micrograds_layout_is_one_submission(tmp_path):
    shutil.copytree(LEARNERS / "pkg_micrograd", tmp_path / "alice")
    (tmp_path / "alice" / "micrograd" / "utils.py").write_text("X = 1\n")
    rows = check_folder(tmp_path / "alice", number("automating-backward"))
    assert [(r.file, r.exit_status) for r in rows] == [("alice", 0)], [
        r.row() for r in rows]


def test_an_mlp_unlike_scalargrads_is_not_compared_gradient_by_gradient(tmp_path):
    """micrograd's style: relu inside, a linear last layer; tiny weights make the two
    networks' losses agree to 1e-6 although they differ: the outputs at larger inputs
    tell them apart, so the gradients are not compared."""
    from scalargrad.check import check_namespace
    from scalargrad.check.learner import load_file

    engine = (LEARNERS / "pkg_micrograd" / "micrograd" / "engine.py").read_text()
    nn = (LEARNERS / "pkg_micrograd" / "micrograd" / "nn.py").read_text()
    nn = nn.replace("from micrograd.engine import Value\n", "")
    nn = nn.replace("act.tanh() if self.nonlin", "act.relu() if self.nonlin")
    nn = nn.replace("random.uniform(-1, 1)", "random.uniform(-0.01, 0.01)")
    (tmp_path / "tiny.py").write_text(engine + "\n" + nn)
    report = check_namespace(load_file(tmp_path / "tiny.py"), number("mlp"))
    assert report.passed, report.text()
