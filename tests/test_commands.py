"""Every command the book tells a reader to type is run here, on what the reader has then.

The commands are the lines of the ``sh``/``bash`` blocks of every page of the site and
of the README. Each one is of a kind this file runs:

* the install line (``{{ install_command }}``, the README's copy of it): in a fresh
  virtual environment, from the built site's wheel; the installed package then checks
  the reader's files and runs a chapter's examples on them, from its own copy of the
  book's examples;
* ``mkdir my-scalargrad``, the folder for the reader's files;
* ``python -m scalargrad.check my-scalargrad --chapter SLUG`` (and ``--examples``): on
  the reader's files after that chapter (``code/NN/``), exit status 0; the teachers'
  command on a folder of two such learners;
* ``make TARGET``: a target of the Makefile, which ``make -n`` accepts (``make test``
  is what runs this file);
* ``python -m pytest docs/chapters/testing.md``: run.

A line of any other kind fails the first test: a new command needs a way to be run
here. And there is one check command: the same form on every page, in the README, in
the page's download message and in the checker's ``--help``.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from repotools import ROOT, load_module

from scalargrad.chapters import CHAPTERS, number, slug
from scalargrad.check.chapters import LAST
from tests.test_walk import write_files

DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?:sh|bash|console|shell)\b[^\n]*\n"
                    r"(?P<body>.*?)^(?P=indent)```", re.M | re.S)
KINDS = {
    "install": re.compile(r'^(\{\{ install_command \}\}|pip install "scalargrad\[[^"]+\] @ '
                          r'[^"]+\.whl")$'),
    "mkdir": re.compile(r"^mkdir my-scalargrad$"),
    "check": re.compile(r"^python -m scalargrad\.check (?P<args>.+)$"),
    "make": re.compile(r"^make (?P<target>[a-z-]+)(?:\s+#.*)?$"),
    "pytest": re.compile(r"^python -m pytest (?P<file>docs/chapters/[\w.-]+\.md)$"),
}
#: The one check command a reader types, with the chapter's name (its slug), which never
#: moves when a chapter is added (the number works too, but the book writes the name).
CHECK = re.compile(r"^my-scalargrad --chapter (?P<slug>[a-z][a-z0-9-]*)(?P<examples> --examples)?$")
#: The teachers' command, on the Check page's section for teachers only.
TEACHERS = "submissions/"


def commands() -> list[tuple[Path, str]]:
    """(page, command) for every line of every shell block, continuation lines joined."""
    out = []
    for page in PAGES:
        for m in _FENCE.finditer(page.read_text(encoding="utf-8")):
            body = re.sub(r"\\\n", "", m.group("body"))
            for line in body.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append((page, line))
    return out


COMMANDS = commands()


def kind_of(line: str) -> str | None:
    return next((k for k, pattern in KINDS.items() if pattern.match(line)), None)


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def test_every_command_is_of_a_kind_this_file_runs() -> None:
    unknown = [f"{_name(p)}: {line}" for p, line in COMMANDS if kind_of(line) is None]
    assert not unknown, "commands no test runs:\n" + "\n".join(unknown)
    kinds = {kind_of(line) for _, line in COMMANDS}
    assert kinds == set(KINDS), kinds
    assert len(COMMANDS) > 20


def _chapter_of(page: Path) -> str | None:
    return page.stem if page.parent.name == "chapters" and page.stem in CHAPTERS else None


def test_one_check_command_everywhere() -> None:
    """Every check command names the reader's folder; a chapter's names the chapter."""
    problems = []
    for page, line in COMMANDS:
        m = KINDS["check"].match(line)
        if not m:
            continue
        args = m.group("args")
        if args == TEACHERS and page.name == "check.md":
            continue
        form = CHECK.match(args)
        chapter = _chapter_of(page)
        if form is None or form.group("slug") not in CHAPTERS \
                or (chapter is not None and form.group("slug") != chapter):
            problems.append(f"{_name(page)}: {line}")
    # and in the prose of every page and of the README: no other form, no old file name
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"python -m scalargrad\.check ([^`\n]+)", text):
            args = m.group(1).strip()
            if not CHECK.match(args) and args != TEACHERS and "PATH" not in args:
                problems.append(f"{_name(page)}: python -m scalargrad.check {args}")
        if "my_engine.py" in text:
            problems.append(f"{_name(page)}: names my_engine.py")
    assert not problems, "\n".join(problems)


def test_the_page_and_the_checker_say_the_same_command() -> None:
    runner = (DOCS / "assets" / "javascripts" / "runner.js").read_text(encoding="utf-8")
    said = re.search(r"python -m scalargrad\.check (\S+) --chapter \$\{this\.slug\}",
                     runner)
    assert said and said.group(1) == "my-scalargrad"
    helped = subprocess.run([sys.executable, "-m", "scalargrad.check", "--help"],
                            capture_output=True, text=True, check=True).stdout
    assert "python -m scalargrad.check my-scalargrad --chapter N" in helped
    assert "--examples" in helped


def test_no_page_installs_scalargrad_from_the_package_index_or_runs_a_container() -> None:
    problems = []
    for page in [*PAGES, ROOT / ".github" / "CONTRIBUTING.md"]:
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"pip install scalargrad(?![\[\w-])", text):
            before = text[max(0, m.start() - 40):m.start()]
            if not re.search(r"\b(not|never|Do not)\b", before, re.I):
                problems.append(f"{_name(page)}: ...{before}{m.group(0)}")
        if re.search(r"\bdocker (run|build)\b|\bpodman run\b", text):
            problems.append(f"{_name(page)}: a container command")
    assert not problems, "\n".join(problems)


def test_mkdir_makes_the_readers_folder(tmp_path: Path) -> None:
    lines = {line for _, line in COMMANDS if kind_of(line) == "mkdir"}
    for line in lines:
        subprocess.run(shlex.split(line), cwd=tmp_path, check=True)
    assert (tmp_path / "my-scalargrad").is_dir()


def _check_runs() -> list[tuple[str, str]]:
    """(where, command) for every check command, once each."""
    seen: dict[str, str] = {}
    for page, line in COMMANDS:
        if kind_of(line) == "check":
            seen.setdefault(line, _name(page))
    return [(where, line) for line, where in seen.items()]


def run_check(line: str, where: Path) -> subprocess.CompletedProcess[str]:
    """Run one check command in ``where``, with the reader's files its chapter names."""
    args = KINDS["check"].match(line).group("args")
    form = CHECK.match(args)
    if form:
        write_files(number(form.group("slug")), where / "my-scalargrad")
    else:  # the teachers' folder: two learners, each with the files of the last chapter
        for learner in ("alice", "bob"):
            write_files(LAST, where / "submissions" / learner)
    argv = [sys.executable, *shlex.split(line)[1:]]
    return subprocess.run(argv, cwd=where, capture_output=True, text=True, timeout=900,
                          check=False)


@pytest.mark.replay
def test_every_check_command_exits_0_on_the_readers_files_of_its_chapter(
    tmp_path: Path,
) -> None:
    runs = _check_runs()
    assert len(runs) >= 13  # chapters 3-13, --examples, the teachers' command

    def one(item: tuple[int, tuple[str, str]]) -> tuple[str, str, int, str]:
        i, (where, line) = item
        folder = tmp_path / f"run{i}"
        folder.mkdir()
        done = run_check(line, folder)
        return where, line, done.returncode, done.stdout[-2000:] + done.stderr[-2000:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, enumerate(runs)))
    failed = [f"{where}: {line}: exit {code}\n{out}" for where, line, code, out in results
              if code != 0]
    assert not failed, "\n\n".join(failed)


def test_every_make_line_names_a_target_make_accepts() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    lines = [(page, line) for page, line in COMMANDS if kind_of(line) == "make"]
    assert lines
    for page, line in lines:
        target = KINDS["make"].match(line).group("target")
        assert target in targets, f"{_name(page)}: {line}"
        dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True,
                             text=True, check=False)
        assert dry.returncode == 0, (line, dry.stderr)
    book = subprocess.run(["make", "-n", "book"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    assert "mkdocs serve --dev-addr 127.0.0.1:8000" in book  # what the pages promise


@pytest.mark.replay
def test_the_pytest_line_runs_its_chapter() -> None:
    lines = {KINDS["pytest"].match(line).group("file") for _, line in COMMANDS
             if kind_of(line) == "pytest"}
    assert lines
    for file in sorted(lines):
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "-p", "no:randomly", file], cwd=ROOT, capture_output=True,
                              text=True, timeout=900, check=False)
        assert done.returncode == 0, done.stdout[-3000:]


def test_the_install_line_installs_the_built_wheel_and_its_checker_walks(
    site: Path, tmp_path: Path,
) -> None:
    """The install line in a fresh virtual environment, with the built site's wheel in
    place of the published address (as the offline edition does); then the installed
    package checks the last checked chapter's files and runs the examples of
    automating-backward on that chapter's files, from the book's examples inside the
    wheel."""
    hook = load_module(DOCS / "hooks" / "install_line.py", "_test_commands_install_line",
                       folder_on_path=True)
    config = type("Config", (), {
        "site_url": re.search(r"^site_url: (\S+)$",
                              (ROOT / "mkdocs.yml").read_text(), re.M).group(1),
        "config_file_path": str(ROOT / "mkdocs.yml")})
    line = hook.command(config).replace("\\\n", "")
    published = re.search(r"@ (\S+\.whl)", line).group(1)
    wheel = site / "wheels" / published.rsplit("/", 1)[1]
    assert wheel.is_file()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    argv = shlex.split(line.replace(published, wheel.as_uri()))
    assert argv[:2] == ["pip", "install"]
    done = subprocess.run([str(python), "-m", *argv, "--quiet"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    where = tmp_path / "reader"
    write_files(LAST, where / "my-scalargrad")
    check = subprocess.run([str(python), "-m", "scalargrad.check", "my-scalargrad",
                            "--chapter", slug(LAST)], cwd=where, capture_output=True, text=True,
                           timeout=600, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    shutil.rmtree(where / "my-scalargrad")
    write_files(number("automating-backward"), where / "my-scalargrad")
    walked = subprocess.run([str(python), "-m", "scalargrad.check", "my-scalargrad",
                             "--chapter", "automating-backward", "--examples", "--json"],
                            cwd=where,
                            capture_output=True, text=True, timeout=600, check=False)
    assert walked.returncode == 0, walked.stdout + walked.stderr
    result = json.loads(walked.stdout)
    assert result["counts"]["yours"] > 50 and result["mine"] == ["engine.py"]
    packaged = subprocess.run(
        [str(python), "-c", "import scalargrad.check.examples as e, pathlib; "
         "print((pathlib.Path(e.__file__).parent / e.DATA).is_file())"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert packaged.stdout.strip() == "True"  # the wheel's copy, not the chapters
