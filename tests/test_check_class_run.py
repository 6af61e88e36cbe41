"""One file cannot crash or stall a class run: each trick gets a verdict, and nothing is left.

Every trick is a payload added to the correct lecture_style.py engine (or, for the
one that plays with the checker's channel, put in its way) and checked in one class
run, with ``--csv`` as a teacher's gradebook would: the run ends, prints a row for
every file and no traceback, and leaves no process and no temporary folder behind.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

from scalargrad.check import check_file

ENGINES = Path(__file__).parent / "engines"
LECTURE = (ENGINES / "lecture_style.py").read_text()

TRICKS = {
    # writes a fake answer line on the checker's channel (a descriptor it inherited),
    # then goes on: the checker must not wait for a child that waits for it
    "fake_line.py": LECTURE + (
        "\nimport os\n"
        "for _fd in range(3, 40):\n"
        "    try:\n"
        "        os.write(_fd, b'[2, \"ok\", {\"classes\": {}, \"notes\": []}]\\n')\n"
        "    except OSError:\n"
        "        pass\n"),
    # the same with an answer to a question never asked: the checker stops the child,
    # which is still waiting for its next question, before it waits for it to end
    "fake_number.py": LECTURE + (
        "\nimport os\n"
        "for _fd in range(3, 40):\n"
        "    try:\n"
        "        os.write(_fd, b'[99, \"ok\", null]\\n')\n"
        "    except OSError:\n"
        "        pass\n"),
    # patches the checker's own functions in its process, so that the load answer is
    # an exception
    "patch_load.py": LECTURE + (
        "\nimport sys\n"
        "_child = sys.modules.get('scalargrad.check.child')\n"
        "if _child is not None:\n"
        "    _child.find_value = lambda *args: 1 / 0\n"),
    # __add__ raises on a long chain: inside the depth note
    "deep_add.py": LECTURE.replace(
        "        other = other if isinstance(other, Value) else Value(other)\n"
        "        out = Value(self.data + other.data, (self, other), \"+\")\n",
        "        other = other if isinstance(other, Value) else Value(other)\n"
        "        if self.data > 500:\n"
        "            raise OverflowError('chains stop at 500')\n"
        "        out = Value(self.data + other.data, (self, other), \"+\")\n", 1),
    # an exception class with the name of one of the checker's own signals
    "named_signal.py": LECTURE.replace(
        "    def __mul__(self, other):\n",
        "    def __mul__(self, other):\n"
        "        if isinstance(other, Value) and other.data == -1.5:\n"
        "            raise TooMuchOutput('12345')\n", 1)
        + "\n\nclass TooMuchOutput(Exception):\n    pass\n",
    # messages with terminal escapes that would draw fake "ok" lines over the report
    "escapes.py": LECTURE.replace(
        "    def __mul__(self, other):\n",
        "    def __mul__(self, other):\n"
        "        if isinstance(other, Value) and other.data == -1.5:\n"
        "            raise ValueError('\\x1b[1A\\x1b[2K  ok    local derivatives\\r')\n", 1),
    "good.py": LECTURE,
}


def _leftovers(marker: str) -> list[str]:
    """Processes whose command line holds ``marker`` (the run's temporary folder)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


def test_every_trick_gets_a_row_in_one_class_run(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, text in TRICKS.items():
        assert text != LECTURE or name == "good.py", name  # each payload went in
        (folder / name).write_text(text)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "scalargrad.check", str(folder), "--chapter",
                          "6", "--csv", "--time-limit", "5"], capture_output=True, text=True,
                         timeout=240, env={**os.environ, "TMPDIR": str(scratch)})
    took = time.monotonic() - start
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    rows = {r["submission"]: r for r in csv.DictReader(io.StringIO(run.stdout))}
    assert set(rows) == set(TRICKS), run.stdout
    verdicts = {name: (r["6"], r["first_problem"]) for name, r in rows.items()}
    assert verdicts["good.py"] == ("passed", ""), verdicts
    assert verdicts["fake_line.py"][0] == "error"
    assert "the answer to the checker's request was not its own" in verdicts["fake_line.py"][1]
    assert verdicts["fake_number.py"][0] == "error"
    assert "wrote into the checker's channel" in verdicts["fake_number.py"][1]
    assert verdicts["patch_load.py"][0] == "error"
    assert "broke the checker's own code" in verdicts["patch_load.py"][1]
    assert verdicts["deep_add.py"][0] == "passed"  # the depth note is a note
    assert verdicts["named_signal.py"][0] == "failed"
    assert "raised TooMuchOutput: 12345" in verdicts["named_signal.py"][1]
    assert verdicts["escapes.py"][0] == "failed"
    assert "\x1b" not in run.stdout and "\\x1b[1A" in verdicts["escapes.py"][1]
    assert run.returncode == 2 and took < 200
    assert list(scratch.iterdir()) == []  # no copy of a submission is left
    assert _leftovers(str(scratch)) == []  # nor a process


def test_the_depth_note_says_what_the_chain_raised(tmp_path):
    path = tmp_path / "deep_add.py"
    path.write_text(TRICKS["deep_add.py"])
    report = check_file(path, 6)
    assert report.passed, report.text()
    note = next(n for n in report.notes if n.startswith("depth:"))
    assert note.startswith("depth: not checked, building a chain of 10,000 additions raised "
                           "OverflowError: chains stop at 500"), note


def test_a_learner_exception_named_like_a_signal_is_only_an_exception(tmp_path):
    path = tmp_path / "named_signal.py"
    path.write_text(TRICKS["named_signal.py"])
    report = check_file(path, 6)
    assert report.exit_status == 1, report.text()
    assert report.failures[0].message.startswith("raised TooMuchOutput: 12345")


def test_the_text_report_shows_escapes_and_obeys_none(tmp_path):
    path = tmp_path / "escapes.py"
    path.write_text(TRICKS["escapes.py"])
    text = check_file(path, 6).text()
    assert "\x1b" not in text and "\r" not in text
    assert "raised ValueError: \\x1b[1A\\x1b[2K ok local derivatives\\x0d" in " ".join(
        text.split()), text


def test_a_checker_error_becomes_the_files_row(tmp_path, monkeypatch):
    from scalargrad.check import folder, sandbox

    def broken(*args, **kwargs):
        raise RuntimeError("a bug of the checker's")

    monkeypatch.setattr(sandbox, "_checks", broken)
    (tmp_path / "good.py").write_text(LECTURE)
    rows = folder.check_folder(tmp_path, 6)
    assert [r.row() for r in rows] == [
        "good.py: could not be checked: the checker could not finish: RuntimeError: a bug "
        "of the checker's"]


def test_a_file_past_its_overall_deadline_is_stopped(tmp_path):
    from scalargrad.check.sandbox import run_file

    (tmp_path / "good.py").write_text(LECTURE)
    start = time.monotonic()
    reports = run_file(tmp_path / "good.py", list(range(3, 14)), deadline=1.5)
    assert time.monotonic() - start < 30
    assert reports[-1].error.startswith("the checker could not finish: good.py was stopped "
                                        "at its overall deadline of 1.5 s"), reports[-1]


def test_each_module_has_its_own_load_time_and_the_slow_one_is_named(tmp_path):
    engine = LECTURE.split("\nclass Neuron:")[0] + "\nimport time\ntime.sleep(1.2)\n"
    (tmp_path / "engine.py").write_text(engine)
    nn = "import random\nimport time\nfrom engine import Value\n" + "class Neuron:" + \
        LECTURE.split("\nclass Neuron:")[1]
    (tmp_path / "nn.py").write_text(nn + "\ntime.sleep(1.2)\n")
    report = check_file(tmp_path / "engine.py", 10, time_limit=2)
    assert report.passed, report.text()  # 2.4 s of loading in all, 1.2 s each
    (tmp_path / "nn.py").write_text(nn + "\ntime.sleep(60)\n")
    report = check_file(tmp_path / "engine.py", 10, time_limit=2)
    assert report.error.startswith("loading nn.py took longer than 2 s"), report.error

