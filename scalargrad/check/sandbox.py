"""Running a learner's file in another process, isolated where the system allows it.

Checking a file EXECUTES it. The file runs in a child process (:mod:`.child`) that
only answers questions: the checks run here and judge the numbers it returns
(:mod:`.remote`), so nothing the file prints or writes can become a verdict. The
child gets a temporary copy of the submission, a scrubbed environment, limits on
memory, CPU time, file sizes and processes, and is killed when one check runs longer
than the time limit. On Linux with bubblewrap (``bwrap``) it also runs in its own
namespaces: it sees only the system's libraries, Python, the checker and that copy;
it has no network, cannot see or signal other processes, and nothing it starts
outlives it. Elsewhere the report says, in one note, that the file was not isolated.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from scalargrad.check.learner import LoadError, read_source
from scalargrad.check.remote import (
    FORGED,
    CheckTimeout,
    ChildGone,
    Connection,
    FileDeadline,
    Lines,
    RemoteError,
    TooMuchOutput,
)
from scalargrad.check.report import FAILED, Report, Result
from scalargrad.check.run import check_namespace
from scalargrad.check.submission import Submission, groups, python_files, submission_of

__all__ = ["DEADLINE", "MEMORY_MB", "TIME_LIMIT", "isolation", "run_file", "run_submission"]

TIME_LIMIT = 10.0  # seconds per check, and per module of the submission while it loads
DEADLINE = 300.0  # seconds for a whole file, every chapter: one file cannot stall a class
STARTUP = 10.0  # extra seconds for the first step: starting Python and importing the checker
MEMORY_MB = 1024
PROCESSES = 64  # RLIMIT_NPROC of the child's user
NOBODY = 65534
ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds the scalargrad package
CHECKER = "/opt/checker"  # where the sandbox shows the scalargrad package
WORK = "/submission"  # where the sandbox shows the copy of the submission
BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
        "from scalargrad.check.child import main; main(sys.argv[2])")
NOT_ISOLATED = ("isolation: none available here ({why}); the file ran as your own user, "
                "with your files and network in reach. Check untrusted files in a "
                "container or a virtual machine.")


def _bwrap_command(work: str, root: bool) -> list[str]:
    """The bubblewrap command line that runs Python in a sandbox over ``work``."""
    prefix = os.path.realpath(sys.base_prefix)
    cmd = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session",
           "--ro-bind", "/usr", "/usr",
           "--tmpfs", "/tmp"]  # first: a Python or a clone under /tmp is bound on top of it
    for name in ("bin", "lib", "lib64", "sbin"):
        target = os.path.realpath(f"/{name}")
        if os.path.islink(f"/{name}") and target.startswith("/usr/"):
            cmd += ["--symlink", target.lstrip("/"), f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            cmd += ["--ro-bind", f"/{name}", f"/{name}"]
    binds = [(folder, folder) for folder in dict.fromkeys([prefix, os.path.realpath(sys.prefix)])
             if not folder.startswith("/usr/")]  # Python, and a virtual environment's packages
    binds.append((str(Path(ROOT) / "scalargrad"), f"{CHECKER}/scalargrad"))
    made: set[str] = set()
    for source, target in binds:
        for parent in reversed(Path(target).parents[:-1]):  # readable by nobody, not 0700
            if str(parent) not in made:
                made.add(str(parent))
                cmd += ["--perms", "0755", "--dir", str(parent)]
        cmd += ["--ro-bind", source, target]
    cmd += ["--bind", work, WORK, "--chdir", WORK, "--proc", "/proc", "--dev", "/dev",
            "--clearenv"]
    if root:  # the child drops to nobody itself, so that the process limit applies
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user"]
    return cmd


@functools.cache
def isolation() -> str:
    """"bwrap" when a sandbox works here, else why not (a few words)."""
    if not sys.platform.startswith("linux"):
        return f"{sys.platform} has no bubblewrap"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    with tempfile.TemporaryDirectory(prefix="scalargrad-probe-") as tmp:
        cmd = [*_bwrap_command(tmp, os.geteuid() == 0), python(), "-I", "-c", "pass"]
        try:
            probe = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bwrap did not start: {exc}"
    if probe.returncode != 0:
        last = probe.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        return "bwrap cannot make a sandbox here: " + (last[0] if last else "no message")
    return "bwrap"


def python() -> str:
    """The Python that runs the checker (a virtual environment's, with its packages)."""
    return os.path.abspath(sys.executable)


def copy_submission(path: Path, into: Path, siblings: bool) -> None:
    """Copy the file (and, with ``siblings``, the other .py files beside it) into ``into``.

    Only regular files are copied: a symbolic link is never followed.
    """
    files = [path]
    if siblings:
        files += sorted(p for p in path.parent.glob("*.py") if p.name != path.name)
    for f in files:
        if not f.is_symlink() and f.is_file():
            shutil.copyfile(f, into / f.name)


def run_file(path: str | os.PathLike[str], chapters: Sequence[int | None], *,
             time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB,
             speed: bool = False, graded: bool = False, siblings: bool = True,
             deadline: float = DEADLINE) -> list[Report]:
    """Check one file at each of ``chapters`` with its code in another process.

    ``siblings``: the files beside it that it imports (and that import it) are part of
    the submission (the book's layout, or a file importing its Value from the file
    beside it). ``deadline``: seconds for the whole file, every chapter.
    """
    path = Path(os.path.abspath(path))
    files = [path.name]
    if siblings:
        everything = python_files(path.parent, deep=False)
        files = next((g for g in groups(path.parent, everything) if path.name in g), files)
    sub = submission_of(path.parent, files, main=path.name)
    return run_submission(sub, chapters, time_limit=time_limit, memory_mb=memory_mb,
                          speed=speed, graded=graded, deadline=deadline)


def run_submission(sub: Submission, chapters: Sequence[int | None], *,
                   time_limit: float = TIME_LIMIT, memory_mb: int = MEMORY_MB,
                   speed: bool = False, graded: bool = False,
                   deadline: float = DEADLINE) -> list[Report]:
    """Check one submission at each of ``chapters``, in a child process over a copy of it.

    Whatever its files do, the answer is a report per chapter: an error of the
    checker itself becomes the reports' error, never an exception.
    """
    name = Path(sub.main).name
    try:
        read_source(sub.root / sub.main)
    except LoadError as exc:
        return [Report(file=name, chapter=c, error=str(exc)) for c in chapters]
    try:
        with tempfile.TemporaryDirectory(prefix="scalargrad-check-") as tmp:
            work = Path(tmp) / "work"
            work.mkdir()
            copy_files(sub, work)
            limits = Limits(time_limit, memory_mb, speed, graded, deadline)
            return _run(work, sub, chapters, limits)
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return [Report(file=name, chapter=c, error=f"the checker could not finish: {why}")
                for c in chapters]


def copy_files(sub: Submission, into: Path) -> None:
    """Copy the submission's files into ``into``, in their folders; links are never followed."""
    for relative in sub.files:
        source = sub.root / relative
        if source.is_symlink() or not source.is_file():
            continue
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


class Limits(NamedTuple):
    """How long, how much memory, and what else a run of the checker was asked for."""

    time_limit: float
    memory_mb: int
    speed: bool
    graded: bool
    deadline: float


def _spawn(work: Path, sub: Submission | str, memory_mb: int, time_limit: float,
           errors: Any) -> tuple[subprocess.Popen[bytes], str]:
    """Start the child over the copy in ``work``; return it and a note on its isolation.

    ``sub``: the submission, or the name of its one file (the examples' ``engine.py``).
    """
    if isinstance(sub, str):
        sub = Submission(work, [sub], sub)
    sandbox = isolation()
    root = os.geteuid() == 0
    inside = WORK if sandbox == "bwrap" else str(work)
    name = Path(sub.main).name
    config = {"path": f"{inside}/{sub.main}", "root": inside, "name": name,
              "submission": sub.config(), "memory_mb": memory_mb,
              "cpu_seconds": int(time_limit * 40) + 30, "processes": PROCESSES,
              "drop_to": NOBODY if root and sandbox == "bwrap" else None}
    env = {"PATH": os.defpath, "HOME": inside, "TMPDIR": inside, "LANG": "C.UTF-8",
           "PYTHONHASHSEED": "0"}
    args = [python(), "-I", "-B", "-c", BOOT, CHECKER if sandbox == "bwrap" else ROOT,
            json.dumps(config)]
    note = ""
    if sandbox == "bwrap":
        if root:
            for folder, dirs, files in os.walk(work):
                for f in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.chown(f, NOBODY, NOBODY)
        prefix = _bwrap_command(str(work), root)
        for key, value in env.items():
            prefix += ["--setenv", key, value.replace(str(work), WORK)]
        args = [*prefix, *args]
    else:
        note = NOT_ISOLATED.format(why=sandbox)
    proc = subprocess.Popen(args, cwd=work, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
    return proc, note


def _sender(proc: subprocess.Popen[bytes]) -> Callable[[str], None]:
    """How a request reaches the child: a line on its stdin."""
    def send(text: str) -> None:
        """One request to the child."""
        if proc.stdin is None:
            raise OSError("the child has no input")
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.flush()
    return send


def _run(work: Path, sub: Submission, chapters: Sequence[int | None],
         limits: Limits) -> list[Report]:
    """Start the child, load the files, and run the checks of every chapter against them."""
    name = Path(sub.main).name
    reports: list[Report] = []
    with tempfile.TemporaryFile() as errors:  # not in the submission's folder
        proc, note = _spawn(work, sub, limits.memory_mb, limits.time_limit, errors)
        conn = Connection(_sender(proc), Lines(proc.stdout.fileno()),  # type: ignore[union-attr]
                          limits.time_limit)
        conn.until = time.monotonic() + limits.deadline
        try:
            error = _checks(conn, name, chapters, limits, note, reports)
        except CheckTimeout as exc:
            error = timeout_message(str(exc), limits.time_limit, name)
        except FileDeadline as exc:
            error = (f"the checker could not finish: {name} was stopped at its overall "
                     f"deadline of {limits.deadline:g} s, during '{exc}'. Its other "
                     "chapters were not checked.")
        except TooMuchOutput as exc:
            error = (f"{name} printed {exc.args[0]:,} characters while it was checked, more "
                     "than the 1 MB the checker keeps: take the print() calls out of the "
                     "operations and of backward(), which the checker calls thousands of times.")
        except ChildGone as exc:
            _stop(proc)  # first: a child that forged a line may still be running
            errors.seek(0)
            error = crash_message(proc.returncode, errors.read()[-4000:].decode(
                "utf-8", "replace"), limits.memory_mb, name)
            if str(exc).startswith(FORGED):
                error = (f"{name} wrote into the checker's channel something that was not "
                         f"the answer to its question ({exc}), so it cannot be checked. The "
                         "checker judges only the numbers it asks for; do not write to "
                         "file descriptors you did not open.")
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            error = f"the checker could not finish: {why}"
        finally:
            _stop(proc)
    if error:
        done = {r.chapter for r in reports}
        reports += [Report(file=name, chapter=c, error=error) for c in chapters if c not in done]
    return reports


def _checks(conn: Connection, name: str, chapters: Sequence[int | None], limits: Limits,
            note: str, reports: list[Report]) -> str:
    """Load the files in the child and check every chapter; return why not, or ""."""
    conn.starting("starting Python", extra=STARTUP)
    conn.request("hello")  # Python and the checker are up: the file's own time starts
    conn.starting("loading the file")
    try:
        loaded = conn.request("load")
    except RemoteError as exc:
        return (f"loading {name} broke the checker's own code in its process, so it cannot "
                f"be checked: {exc.text.splitlines()[0]}")
    if not _well_formed(loaded):
        return (f"while {name} loaded, the answer to the checker's request was not its "
                "own (a line written into the checker's channel, or the checker's code "
                "changed in that process), so it cannot be checked. Do not write to file "
                "descriptors you did not open.")
    if "error" in loaded:
        return str(loaded["error"])
    notes = [*loaded["notes"], *([note] if note else [])]
    own = reference_note(str(loaded.get("extends", "")), list(loaded.get("borrowed", [])), name)
    for i, chapter in enumerate(chapters):
        report = check_namespace(
            dict(loaded["classes"]), chapter, speed=limits.speed and i == 0, name=name,
            on_start=conn.starting, seed=lambda s: conn.request("apply_seed", s))
        report.notes[:0] = notes + ([f"own engine: {own}"] if own and not limits.graded
                                    else [])
        if own and limits.graded:
            report.results.insert(0, Result("own engine", FAILED, own))
        reports.append(report)
    return ""


def _well_formed(loaded: Any) -> bool:
    """True for the load answer the child's own code gives: an error, or classes and notes."""
    if not isinstance(loaded, dict):
        return False
    if "error" in loaded:
        return isinstance(loaded["error"], str)
    return (isinstance(loaded.get("classes"), dict) and isinstance(loaded.get("notes"), list)
            and isinstance(loaded.get("mro"), list)
            and all(isinstance(n, str) for n in loaded["notes"]))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the child and everything it started (its session; its namespace in bwrap).

    Its input is closed and it is killed before the parent waits for it.
    """
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def reference_note(extends: str, borrowed: list[str], name: str) -> str:
    """Why the file's Value is not its own work (scalargrad's or micrograd's), or ""."""
    if extends:
        how = f"is, or extends, {extends}"
    elif borrowed:
        how = f"delegates to {borrowed[0]} (it holds or imports it)"
    else:
        return ""
    return (f"the Value of {name} {how}, a reference engine: the checker then compares "
            "that engine with itself, not the file's own work.")


def timeout_message(check: str, time_limit: float, name: str) -> str:
    """Why a check was stopped: an endless loop, or a file that waits while loading."""
    if check == "starting Python":
        return (f"the checker's subprocess for {name} did not start within {STARTUP:g} s: "
                "is the machine very busy?")
    if check.startswith("loading "):
        module = check.removeprefix("loading ")
        shown = name if module == "the file" else Path(module).name
        return (f"loading {shown} took longer than {time_limit:g} s and was stopped: does "
                "its top level wait or loop (time.sleep(), input(), a while loop, a long "
                "training run)? Loading the file should only define "
                "things; put the rest under if __name__ == \"__main__\":.")
    return (f"the check '{check}' took longer than {time_limit:g} s and was stopped. Is "
            f"there an endless loop in {name}: a while loop whose condition never turns "
            "false, or a walk over the graph that never ends?")


def crash_message(returncode: int, stderr: str, memory_mb: int, name: str) -> str:
    """Why the child ended without finishing, as far as its exit and stderr tell."""
    if "MemoryError" in stderr:
        return (f"{name} ran out of memory (the limit is {memory_mb} MB): does something "
                "grow without end, such as a list that a loop keeps appending to?")
    if returncode < 0:
        return (f"the checker's subprocess for {name} was stopped by signal {-returncode} "
                "(a CPU-time or file-size limit, or a crash of Python itself).")
    tail = stderr.strip().splitlines()[-1:] or ["no message"]
    return (f"the checker's subprocess for {name} ended early (exit status {returncode}): "
            f"{tail[0]}")
