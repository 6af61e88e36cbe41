"""A hostile submission cannot forge the checker's verdict or reach beyond its own copy.

Each trick of tests/engines/hostile.py is written into a folder and checked as a
teacher would. The verdict tests hold everywhere (the checks judge in this
process); the isolation tests need the sandbox (bubblewrap on Linux) and are
skipped, saying why, where there is none. kill(-1) runs only inside the sandbox:
outside, as root, it would kill every process of the machine.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scalargrad.check import check_file, check_folder
from scalargrad.check.sandbox import isolation

ENGINES = Path(__file__).parent / "engines"
_TABLE = runpy.run_path(str(ENGINES / "hostile.py"))
TRICKS, write = _TABLE["TRICKS"], _TABLE["write"]
sandboxed = pytest.mark.skipif(isolation() != "bwrap", reason=f"no sandbox: {isolation()}")


def test_every_trick_is_code_added_to_an_engine(tmp_path):
    lecture = (ENGINES / "lecture_style.py").read_text()
    for name, trick in TRICKS.items():
        text = write(name, tmp_path).read_text()
        assert trick.payload.replace("PORT", "9") in text and text != lecture, name
        assert (text.startswith(lecture)) != trick.broken, name


def test_forged_report_lines_are_refused(tmp_path):
    report = check_file(write("forge_report", tmp_path), 6)
    assert report.exit_status == 2 and not report.passed
    assert report.error.startswith("forge_report.py wrote into the checker's channel "
                                   "something that was not the answer"), report.error


def test_patching_the_checker_in_the_child_changes_no_verdict(tmp_path):
    report = check_file(write("patch_checker", tmp_path), 6)
    assert report.exit_status == 1, report.text()
    failure = report.failures[0]
    assert failure.check == "local derivatives" and "`a * b`" in failure.message


def test_a_reference_engine_gets_a_note_and_fails_when_graded(tmp_path):
    path = write("own_engine", tmp_path)
    report = check_file(path, 6)
    assert report.passed and any(n.startswith("own engine: the Value of own_engine.py is, "
                                              "or extends, scalargrad.engine.Value")
                                 for n in report.notes), report.text()
    graded = check_file(path, 6, graded=True)
    assert graded.exit_status == 1 and graded.failures[0].check == "own engine"


def test_too_much_output_is_named(tmp_path):
    report = check_file(write("flood_output", tmp_path), 6)
    assert report.error.startswith("flood_output.py printed 20,971,521 characters while it "
                                   "was checked, more than the 1 MB"), report.error


def test_a_symbolic_link_is_not_followed(tmp_path):
    (tmp_path / "link.py").symlink_to("/etc/hostname")
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    report = check_file(tmp_path / "link.py")
    assert report.exit_status == 2 and "link.py is a symbolic link" in report.error
    assert not hostname or hostname not in report.text()
    rows = check_folder(tmp_path, 6)
    assert [(r.file, r.exit_status) for r in rows] == [("link.py", 2)]


@sandboxed
def test_no_files_outside_its_own_copy(tmp_path):
    passwd = check_file(write("read_passwd", tmp_path), 6)
    assert "FileNotFoundError" in passwd.error and "root:" not in passwd.error
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(ENGINES / "lecture_style.py", folder / "bob.py")
    write("list_classmates", folder)
    rows = {r.file: r for r in check_folder(folder, 6)}
    seen = rows["list_classmates.py"].reports[0].error
    assert "list_classmates.py" in seen and "bob.py" not in seen, seen


@sandboxed
def test_no_environment_of_the_teacher(tmp_path, monkeypatch):
    monkeypatch.setenv("TEACHER_TOKEN", "secret-token-123")
    report = check_file(write("read_environ", tmp_path), 6)
    assert report.exit_status == 2 and "secret-token-123" not in report.error, report.error


def test_a_classmates_file_cannot_be_rewritten(tmp_path):
    shutil.copy(ENGINES / "lecture_style.py", tmp_path / "bob.py")
    write("rewrite_classmate", tmp_path)
    before = (tmp_path / "bob.py").read_text()
    rows = {r.file: r for r in check_folder(tmp_path, 6)}
    assert (tmp_path / "bob.py").read_text() == before
    assert rows["bob.py"].exit_status == 0


@sandboxed
def test_no_network(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    got: list[bytes] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
                got.append(conn.recv(10))
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    report = check_file(write("open_socket", tmp_path, port=server.getsockname()[1]), 6)
    done.set()
    thread.join()
    server.close()
    assert got == [] and report.exit_status == 2, report.text()
    assert "Connection refused" in report.error or "unreachable" in report.error


def _survivors() -> list[str]:
    """Processes whose command line carries the survivor's marker."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"hostile-survivor" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


@sandboxed
def test_nothing_it_started_survives_the_check(tmp_path):
    report = check_file(write("survive", tmp_path), 6)
    assert report.passed, report.text()
    deadline = time.monotonic() + 3  # the kernel ends the sandbox's processes as it closes
    while _survivors() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _survivors() == []


@sandboxed
def test_it_cannot_signal_the_checker_and_processes_are_limited(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("kill_parent", "kill_all", "fork_bomb"):
        write(name, folder)
    shutil.copy(ENGINES / "lecture_style.py", folder / "zoe.py")
    cli = subprocess.run([sys.executable, "-m", "scalargrad.check", str(folder), "--chapter",
                          "6", "--json"], capture_output=True, text=True, timeout=300)
    rows = {r["file"]: r for r in map(json.loads, cli.stdout.splitlines())}
    assert cli.returncode == 2 and set(rows) == {"fork_bomb.py", "kill_all.py",
                                                 "kill_parent.py", "zoe.py"}
    assert rows["zoe.py"]["exit_status"] == 0
    bomb = rows["fork_bomb.py"]["reports"][0]["error"]
    started = int(bomb.split("started ")[1].split()[0])
    assert started < 64 and "Resource temporarily unavailable" in bomb, bomb


def test_a_python_or_clone_under_tmp_stays_visible_in_the_sandbox():
    """The sandbox's own /tmp is mounted before the binds, so it hides none of them.

    (A clone in /tmp, as CI may make, once lost its virtual environment's Python.)
    """
    from scalargrad.check.sandbox import _bwrap_command

    cmd = _bwrap_command("/tmp/work", root=True)
    tmpfs = cmd.index("--tmpfs")
    assert cmd[tmpfs + 1] == "/tmp"
    binds = [i for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--bind", "--dir")]
    assert all(i > tmpfs for i in binds if cmd[i + 1].startswith("/tmp")), cmd
    assert binds and tmpfs < min(i for i in binds if cmd[i + 1] != "/usr")
