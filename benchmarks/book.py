"""The writer's loop, measured: ``make bench-book``.

Everything runs in a fresh copy of the working tree (a clone plus the uncommitted edits,
as a new contributor has it after ``git clone``), so the build cache starts empty, and the
edits below never touch your files. The copy shares this checkout's ``node_modules`` and
Python environment; ``PYTHONPATH`` points the package at the copy's source.

1. **cold build**: ``mkdocs build --strict`` with an empty cache;
2. **warm build**: the same again, with nothing changed;
3. **edit to visible** in ``make book`` (the Makefile's serve command, on a port of its
   own): the time from writing a file to the served page showing the change, polled over
   HTTP, for (a) one paragraph of a chapter and (b) one line of ``scalargrad/engine.py``
   inside a listing. Each edit is undone, and the page is seen back as it was, before the
   next one; the figure is the median of ``--rounds`` edits. For (b) it also reports when
   the reader's file ``code/NN/engine.py`` showed the change, and when the served book had
   nothing left to redo (every figure and notebook drawn again from the new source).

The machine's load average is printed beside every figure: on a shared machine the
timings move with it. Goals (issue 29, on 2 cores): (a) <= 2 s, (b) <= 10 s, a warm
build with nothing changed <= 10 s, a cold build no slower than before.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from repotools import copy_working_tree  # noqa: E402

# (a): the first prose paragraph of this chapter gets one word more.
CHAPTER = "docs/chapters/value.md"
CHAPTER_URL = "chapters/value/"
# (b): a line of engine.py inside the region "add-mul", which chapter 3 lists first.
ENGINE = "scalargrad/engine.py"
ENGINE_LINE = '        """``self + other``; the local derivatives are 1 and 1."""\n'
SNAPSHOT_URL = "code/03/engine.py"
MOUNT = "/scalargrad/"  # the site's path under site_url, as `make book` serves it
POLL = 0.05  # seconds between two looks at the page
GOALS = {"paragraph": 2.0, "listing": 10.0, "warm": 10.0}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min), {five:.2f} (5 min), {os.cpu_count()} cores"


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_build(repo: Path, env: dict, site: Path) -> float:
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=repo, env=env, capture_output=True, text=True,
    )
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, present: str | None, absent: str | None, limit: float) -> float:
    """Poll ``url`` until it holds ``present`` and not ``absent``; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        text = fetch(url)
        if text is not None and (present is None or present in text) and (
            absent is None or absent not in text
        ):
            return time.monotonic() - start
        time.sleep(POLL)
    raise SystemExit(f"{url} did not show the change within {limit:.0f} s")


class Server:
    """The Makefile's serve command (``make book``), run in the copy on a port of its own."""

    def __init__(self, command: str, repo: Path, env: dict, port: int, output: Path) -> None:
        args = [*shlex.split(command), "--dev-addr", f"127.0.0.1:{port}"]
        if not Path(args[0]).is_absolute() and (ROOT / args[0]).exists():
            args[0] = str(ROOT / args[0])  # the Makefile's .venv/bin/mkdocs, run from the copy
        self.base = f"http://127.0.0.1:{port}{MOUNT}"
        self.output = output
        self.process = subprocess.Popen(
            args, cwd=repo, env=env, stdout=output.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def settled(self, limit: float = 900.0) -> float:
        """Wait until the server has no work left (its log says so); the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.output.read_text()[-3000:]}")
            if "Serving on" in self.output.read_text() and fetch(self.base + CHAPTER_URL):
                return time.monotonic() - start
            time.sleep(0.2)
        raise SystemExit(f"the server did not start within {limit:.0f} s")


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{path}: the benchmark's edit needs exactly one {old!r}")
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text


def first_paragraph_line(markdown: str) -> str:
    """The first line of the first prose paragraph after the title."""
    for block in re.split(r"\n\s*\n", markdown):
        line = block.splitlines()[0] if block.strip() else ""
        if line and line[0].isalpha():
            return line + "\n"
    raise SystemExit(f"{CHAPTER} has no prose paragraph")


_BUILD_LINE = re.compile(r"Documentation built in [\d.]+ seconds|make book: rebuilt .*|"
                         r"make book: (drawing|running) .*")


def builds_since(server: Server, offset: int) -> str:
    """What the server's log says it built after ``offset``: one short line."""
    text = server.output.read_text()[offset:]
    return "; ".join(m.group(0) for m in _BUILD_LINE.finditer(text))


def edit_to_visible(server: Server, repo: Path, rounds: int, idle: str | None) -> dict:
    chapter = repo / CHAPTER
    engine = repo / ENGINE
    line = first_paragraph_line(chapter.read_text(encoding="utf-8"))
    out: dict[str, list] = {"paragraph": [], "listing": [], "snapshot": [], "idle": []}
    for n in range(1, rounds + 1):
        word = f"benchedit{n}paragraph"
        offset = len(server.output.read_text())
        original = edit(chapter, line, line.rstrip("\n") + f" {word}\n")
        try:
            seconds = wait_for(server.base + CHAPTER_URL, word, None, 300)
        finally:
            chapter.write_text(original, encoding="utf-8")
        out["paragraph"].append((seconds, load()))
        log(f"  (a) paragraph, round {n}: {seconds:.2f} s  [{load()}]")
        log(f"      server: {builds_since(server, offset)}")
        wait_for(server.base + CHAPTER_URL, None, word, 300)
        time.sleep(1)

        word = f"benchedit{n}listing"
        seen = marks(server, idle)
        offset = len(server.output.read_text())
        start = time.monotonic()
        original = edit(engine, ENGINE_LINE, ENGINE_LINE.replace("1 and 1.", f"1 and 1; {word}."))
        try:
            seconds = wait_for(server.base + CHAPTER_URL, word, None, 600)
            snapshot = time.monotonic() - start
            wait_for(server.base + SNAPSHOT_URL, word, None, 600)
            snapshot = max(snapshot, time.monotonic() - start)
            done = server_idle(server, idle, start, seen) if idle else None
            seen = marks(server, idle)
        finally:
            engine.write_text(original, encoding="utf-8")
        out["listing"].append((seconds, load()))
        out["snapshot"].append(snapshot)
        log(f"  (b) listing, round {n}: {seconds:.2f} s (code/03/engine.py: {snapshot:.2f} s"
            + (f", nothing left to redo: {done:.1f} s" if done is not None else "")
            + f")  [{load()}]")
        log(f"      server: {builds_since(server, offset)}")
        if done is not None:
            out["idle"].append(done)
        wait_for(server.base + CHAPTER_URL, None, word, 600)
        if idle:
            server_idle(server, idle, time.monotonic(), seen)
        time.sleep(1)
    return out


def server_idle(server: Server, marker: str, start: float, seen: int,
                limit: float = 900.0) -> float:
    """Seconds from ``start`` until the server's log holds ``marker`` more than ``seen`` times."""
    while time.monotonic() - start < limit:
        if server.output.read_text().count(marker) > seen:
            return time.monotonic() - start
        time.sleep(0.1)
    raise SystemExit(f"the server did not finish its work within {limit:.0f} s")


def marks(server: Server, marker: str | None) -> int:
    return server.output.read_text().count(marker) if marker else 0


def idle_marker(repo: Path) -> str | None:
    """The line ``make book`` logs when it has nothing left to redo (docs/hooks/serving.py),
    or None if this tree's hooks have no such line."""
    hook = repo / "docs" / "hooks" / "serving.py"
    if not hook.is_file():
        return None
    from repotools import load_module

    return getattr(load_module(hook, "_bench_serving", folder_on_path=True), "IDLE", None)


def median(pairs: list) -> str:
    values = [p[0] if isinstance(p, tuple) else p for p in pairs]
    return f"{statistics.median(values):.2f} s (of {', '.join(f'{v:.2f}' for v in values)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", default=f"{sys.executable} -m mkdocs serve",
                        help="the serve command of `make book` (the Makefile passes it)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the copy, print where")
    args = parser.parse_args(argv)
    # Stopped from outside: still stop the server and its kernels, and remove the copy.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("benchmark stopped"))

    tmp = Path(tempfile.mkdtemp(prefix="scalargrad-bench-book-"))
    try:
        repo = tmp / "repo"
        copy_working_tree(repo, ROOT, with_history=True)
        (repo / "node_modules").symlink_to(ROOT / "node_modules")
        (tmp / "tmp").mkdir()
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": str(repo),  # the copy's package, not the editable install's
            "TMPDIR": str(tmp / "tmp"),  # nothing cached under the system's temp folder
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONHASHSEED": "0",
        })
        env.setdefault("SOURCE_DATE_EPOCH", subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip())
        idle = idle_marker(repo)
        log(f"scalargrad book benchmark, in a copy of the tree at {repo}")
        log(f"  before: {load()}")
        cold_load = load()
        cold = timed_build(repo, env, tmp / "site-cold")
        log(f"  cold build: {cold:.1f} s  [{cold_load}]")
        warm_load = load()
        warm = timed_build(repo, env, tmp / "site-warm")
        log(f"  warm build, nothing changed: {warm:.1f} s  [{warm_load}]")

        port = free_port()
        log(f"  serving: {args.serve} --dev-addr 127.0.0.1:{port}")
        with Server(args.serve, repo, env, port, tmp / "serve.log") as server:
            first = server.settled()
            log(f"  first page served after {first:.1f} s  [{load()}]")
            if idle:
                settled = server_idle(server, idle, time.monotonic() - first, 0)
                log(f"  serve had nothing left to redo after {settled:.1f} s")
            loop = edit_to_visible(server, repo, args.rounds, idle)

        rows = [
            ("cold build (empty cache)", f"{cold:.1f} s", "no slower than before", cold_load),
            ("warm build, nothing changed", f"{warm:.1f} s", f"<= {GOALS['warm']:.0f} s",
             warm_load),
            ("(a) paragraph edit -> visible", median(loop["paragraph"]),
             f"<= {GOALS['paragraph']:.0f} s", loop["paragraph"][-1][1]),
            ("(b) engine.py line -> listing visible", median(loop["listing"]),
             f"<= {GOALS['listing']:.0f} s", loop["listing"][-1][1]),
            ("(b) ... code/03/engine.py changed", median(loop["snapshot"]), "", ""),
        ]
        if loop["idle"]:
            rows.append(("(b) ... nothing left to redo", median(loop["idle"]), "", ""))
        log("")
        width = max(len(r[0]) for r in rows)
        for name, value, goal, where in rows:
            log(f"  {name.ljust(width)}  {value:<34} {goal:<22} {where}")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
