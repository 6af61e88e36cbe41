"""Running a learner's file in a subprocess with a time limit per check and a memory limit.

Checking a file EXECUTES it. The subprocess gets a fresh temporary working
directory, a minimal environment, Python's isolated mode (``-I``), a memory limit
and a CPU-time limit, and is killed when one check runs longer than the time
limit. That contains mistakes (an endless loop, a runaway allocation); it is not a
security sandbox against code written to escape.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from scalargrad.check.report import Report

__all__ = ["MEMORY_MB", "TIME_LIMIT", "run_file"]

TIME_LIMIT = 10.0  # seconds per check
STARTUP = 10.0  # extra seconds for the first step: starting Python and importing the checker
MEMORY_MB = 1024
ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds the scalargrad package
BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
        "from scalargrad.check.child import main; main(sys.argv[2])")


def _lines(stream: object, out: queue.Queue[bytes | None]) -> None:
    """Copy the child's protocol lines into ``out``; None marks the end."""
    for line in stream:  # type: ignore[attr-defined]
        out.put(line)
    out.put(None)


def run_file(path: str | os.PathLike[str], chapters: Sequence[int | None], *,
             time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB,
             speed: bool = False) -> list[Report]:
    """Check one file at each of ``chapters`` in a fresh subprocess: one Report per chapter."""
    path = Path(path).resolve()
    name = path.name
    config = {"path": str(path), "name": name, "chapters": list(chapters), "speed": speed,
              "memory_mb": memory_mb, "cpu_seconds": int(time_limit * 20) + 10}
    reports: list[Report] = []
    with tempfile.TemporaryDirectory(prefix="scalargrad-check-") as tmp:
        env = {"PATH": os.defpath, "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8"}
        with tempfile.TemporaryFile() as errors:  # not in the learner's folder
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", BOOT, ROOT, json.dumps(config)],
                cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=errors, start_new_session=True,  # the child sets its own limits
            )
            error = _follow(proc, reports, time_limit, name)
            errors.seek(0)
            stderr = errors.read()[-4000:].decode("utf-8", "replace")
    if error == "crashed":
        error = _crash_message(proc.returncode, stderr, memory_mb, name)
    if error:
        done = {r.chapter for r in reports}
        reports += [Report(file=name, chapter=c, error=error) for c in chapters if c not in done]
    return reports


def _follow(proc: subprocess.Popen[bytes], reports: list[Report], time_limit: float,
            name: str) -> str:
    """Read the child's events until it ends; "" when it finished, else why it did not."""
    lines: queue.Queue[bytes | None] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    current, error, finished = "loading the file", "", False
    deadline = time.monotonic() + STARTUP + time_limit  # a loaded machine starts slowly
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return (f"the check '{current}' took longer than {time_limit:g} s and was "
                        f"stopped. Is there an endless loop in {name}: a while loop whose "
                        "condition never turns false, or a walk over the graph that never ends?")
            if line is None:
                break
            event = json.loads(line)
            if event["event"] == "start":
                current, deadline = event["check"], time.monotonic() + time_limit
            elif event["event"] == "report":
                reports.append(Report.from_dict(event["report"]))
            elif event["event"] == "error":
                error = event["message"]
            elif event["event"] == "done":
                finished = True
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
        proc.wait()
    if error:
        return error
    return "" if finished else "crashed"


def _crash_message(returncode: int, stderr: str, memory_mb: int, name: str) -> str:
    """Why the child ended without finishing, as far as its exit and stderr tell."""
    if "MemoryError" in stderr:
        return (f"{name} ran out of memory (the limit is {memory_mb} MB): does something "
                "grow without end, such as a list that a loop keeps appending to?")
    if returncode < 0:
        return (f"the checker's subprocess for {name} was stopped by signal {-returncode} "
                "(a CPU-time or file-size limit, or a crash of Python itself).")
    tail = stderr.strip().splitlines()[-1:] or ["no message"]
    return f"the checker's subprocess for {name} ended early (exit status {returncode}): {tail[0]}"
