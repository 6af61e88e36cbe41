"""Mutation check (``make mutate``): do the tests notice a careless edit?

Each mutant below changes the package the way a careless edit would: a wrong local
derivative, ``+=`` written as ``=``, a wrong topological order, a loss with a flipped
sign, a renamed snippet section the book includes. For every mutant the script copies
the repository (the files git knows about, as they are in the working tree) to a
temporary directory, applies the change, and runs the checks that must catch it:

* ``tests``: pytest on the package doctests, the unit tests and the chapter doctests
  (``scalargrad tests docs/chapters``; browser tests, slow tests and the site tests that
  need a built site are left out), stopping at the first failure;
* ``build``: ``mkdocs build --strict``.

A mutant is *caught* when at least one of its checks fails, and *survives* otherwise.
The old text of every mutant must occur exactly once in its file: when the code
changes, the script stops and says which mutant has to be brought up to date, rather
than testing nothing.

The exit status is non-zero when any engine or nn mutant survives, or when the
unmutated copy does not pass its checks (then every mutant would look caught).

    python scripts/mutate.py            # every mutant
    python scripts/mutate.py --subset   # a handful, for CI (a few minutes)
    python scripts/mutate.py --list     # print the mutants and exit
    python scripts/mutate.py relu-dead  # the mutants named
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))

TESTS = "tests"
BUILD = "build"


class Mutant(NamedTuple):
    name: str
    group: str  # engine, nn, training, numeric, viz, book
    file: str
    old: str
    new: str
    description: str
    checks: tuple[str, ...] = (TESTS,)


E, N, T = "scalargrad/engine.py", "scalargrad/nn.py", "scalargrad/training.py"

MUTANTS: list[Mutant] = [
    # ---------------------------------------------------------------- engine: local derivatives
    Mutant("add-local", "engine", E,
           "_local=(1.0, 1.0))", "_local=(1.0, 0.0))",
           "a + b passes no gradient to b"),
    Mutant("sub-local", "engine", E,
           "_local=(1.0, -1.0))", "_local=(1.0, 1.0))",
           "a - b: d/db taken as +1"),
    Mutant("mul-local", "engine", E,
           "_local=(other.data, self.data))", "_local=(self.data, other.data))",
           "a * b: each input's derivative is its own value, not the other's"),
    Mutant("div-local", "engine", E,
           "_local=(1.0 / other.data, -out / other.data)",
           "_local=(1.0 / other.data, out / other.data)",
           "a / b: d/db loses its minus sign"),
    Mutant("pow-local", "engine", E,
           "return n * x ** (n - 1)", "return n * x**n",
           "x ** n: n·xⁿ instead of n·xⁿ⁻¹"),
    Mutant("neg-local", "engine", E,
           '"neg", _local=(-1.0,))', '"neg", _local=(1.0,))',
           "-x: derivative +1"),
    Mutant("tanh-local", "engine", E,
           "_local=(1.0 - t * t,)", "_local=(1.0 - t,)",
           "tanh: 1 - t instead of 1 - t²"),
    Mutant("exp-local", "engine", E,
           '"exp", _local=(out,))', '"exp", _local=(self.data,))',
           "exp: derivative x instead of eˣ"),
    Mutant("log-local", "engine", E,
           '"log", _local=(1.0 / x,))', '"log", _local=(x,))',
           "log: derivative x instead of 1/x"),
    Mutant("relu-dead", "engine", E,
           "_local=(1.0 if x > 0 else 0.0,))", "_local=(1.0,))",
           "ReLU lets the gradient through where x <= 0"),
    Mutant("sigmoid-local", "engine", E,
           "_local=(s * (1.0 - s),)", "_local=(1.0 - s,)",
           "sigmoid: 1 - s instead of s·(1 - s)"),
    # ---------------------------------------------------------------- engine: backward
    Mutant("backward-overwrites", "engine", E,
           "child.grad += local * self.grad", "child.grad = local * self.grad",
           "_backward overwrites instead of accumulating (the lecture's bug)"),
    Mutant("backward-not-reversed", "engine", E,
           "for node in reversed(topo):", "for node in topo:",
           "backward visits children before parents"),
    Mutant("topo-duplicates", "engine", E,
           "elif node not in placed:", "else:",
           "build_topo places a shared node once per parent"),
    Mutant("topo-preorder", "engine", E,
           """            visited.add(node)
            stack.append(node)  # come back to it once its children are placed""",
           """            visited.add(node)
            topo.append(node)""",
           "build_topo places a node before its children"),
    Mutant("backward-seed", "engine", E,
           "self.grad = 1.0", "self.grad = 0.0",
           "backward starts from dL/dL = 0"),
    # ---------------------------------------------------------------- nn
    Mutant("zero-grad-noop", "nn", N,
           "            p.grad = 0.0", "            p.grad = p.grad",
           "zero_grad leaves the gradients alone"),
    Mutant("neuron-no-bias", "nn", N,
           "zip(self.w, x, strict=True)), self.b)", "zip(self.w, x, strict=True)), 0.0)",
           "the neuron forgets its bias in the forward pass"),
    Mutant("neuron-relu-tanh", "nn", N,
           "return getattr(act, self.activation)()  # act.tanh() or act.relu()",
           "return act.tanh()",
           "a ReLU neuron applies tanh"),
    Mutant("mlp-output-activation", "nn", N,
           "acts = [activation] * (len(nouts) - 1) + [last]",
           "acts = [activation] * len(nouts)",
           "output_activation is ignored"),
    # ---------------------------------------------------------------- training
    Mutant("sum-of-squares", "training", T,
           "(yout - ygt) ** 2 for ygt", "(yout - ygt) for ygt",
           "sum_of_squares forgets the square"),
    Mutant("hinge-sign", "training", T,
           "(1 + -yi * si).relu()", "(1 + yi * si).relu()",
           "hinge loss rewards the wrong sign"),
    Mutant("hinge-l2", "training", T,
           "alpha * sum(p * p for p in parameters)", "alpha * sum(p for p in parameters)",
           "L2 term sums the parameters instead of their squares"),
    Mutant("sgd-ascent", "training", T,
           "p.data -= lr * p.grad", "p.data += lr * p.grad",
           "sgd_step climbs the gradient"),
    # ---------------------------------------------------------------- numeric, viz
    Mutant("central-difference", "numeric", "scalargrad/numeric.py",
           "/ (2 * h)", "/ h",
           "central difference divides by h instead of 2h"),
    Mutant("draw-dot-rankdir", "viz", "scalargrad/viz.py",
           'rankdir: str = "LR"', 'rankdir: str = "TB"',
           "draw_dot's default direction changes"),
    Mutant("draw-dot-show-grad", "viz", "scalargrad/viz.py",
           "show_grad: bool = True", "show_grad: bool = False",
           "draw_dot hides gradients by default"),
    # ---------------------------------------------------------------- the book
    Mutant("snippet-renamed", "book", E,
           "# --8<-- [start:topo]", "# --8<-- [start:topological-sort]",
           "a snippet section the chapters include is renamed", (BUILD,)),
    Mutant("snippet-end-removed", "book", E,
           "    # --8<-- [end:add-mul]\n", "",
           "a snippet section loses its end marker (runs to the end of the file)"),
]

# Tests left out of the `tests` check: they read a built site/ (which a copy does not
# have; the `build` check covers the build) or build the whole site twice (minutes).
NEEDS_SITE = [
    "tests/test_site.py::test_site_links_resolve_and_nothing_loads_from_outside",
    "tests/test_site.py::test_no_inline_script_imports_from_outside",
    "tests/test_site.py::test_every_chapter_has_an_executed_notebook_and_a_download_button",
    "tests/test_site.py::test_two_builds_are_byte_identical",
    "tests/test_site.py::test_notebook_pages_are_light_and_share_one_stylesheet",
    "tests/test_site.py::test_repository_link_without_api_requests_and_edit_links",
    "tests/test_site.py::test_whole_book_page_has_every_chapter_in_order",
    "tests/test_site.py::test_offline_zip_is_reproducible_and_complete",
    "tests/test_workflow.py::test_the_build_job_steps_build_the_book",
    "tests/test_reader.py::test_copied_text_is_the_same_from_markdown_and_from_the_built_page",
    "tests/test_reader.py::test_blocks_that_end_with_a_closing_line_keep_it_in_the_copy",
    "tests/test_reader.py::test_every_raising_block_is_marked_and_no_other",
    "tests/test_reader.py::test_no_code_line_on_a_chapter_page_is_wider_than_80_columns",
    "tests/test_reader.py::test_home_page_links_the_lecture_video_and_micrograd",
    "tests/test_runner.py::test_published_wheel_and_runtime",
    "tests/test_runner.py::test_chapter_pages_list_their_blocks",
]

SUBSET = ["mul-local", "backward-overwrites", "backward-not-reversed", "zero-grad-noop",
          "hinge-sign"]
REQUIRED_GROUPS = ("engine", "nn")


def repo_files() -> list[str]:
    """Tracked and new (not ignored) files, as they are in the working tree."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def copy_repo(files: list[str], dest: Path) -> None:
    for f in files:
        target = dest / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, target)


def apply(mutant: Mutant, tree: Path) -> None:
    path = tree / mutant.file
    text = path.read_text()
    count = text.count(mutant.old)
    if count != 1:
        raise SystemExit(
            f"mutant {mutant.name!r}: expected its old text exactly once in {mutant.file}, "
            f"found it {count} times; bring the mutant list in scripts/mutate.py up to date.\n"
            f"old text: {mutant.old!r}"
        )
    path.write_text(text.replace(mutant.old, mutant.new))


def check_all_apply(mutants: list[Mutant]) -> None:
    """Fail before running anything if some mutant no longer matches the code."""
    for m in mutants:
        count = (ROOT / m.file).read_text().count(m.old)
        if count != 1:
            raise SystemExit(
                f"mutant {m.name!r}: expected its old text exactly once in {m.file}, found "
                f"it {count} times; bring the mutant list in scripts/mutate.py up to date.\n"
                f"old text: {m.old!r}"
            )


def run_check(check: str, tree: Path, timeout: float) -> tuple[bool, str]:
    """Run one check in ``tree``; return (passed, last lines of output)."""
    env = dict(os.environ, PYTHONPATH=str(tree), NO_MKDOCS_2_WARNING="1",
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("SCALARGRAD_REQUIRE_TORCH", None)
    if check == TESTS:
        # importlib mode: tests/conftest.py and docs/conftest.py share a basename
        cmd = [PYTHON, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "--import-mode=importlib",
               "-m", "not browser and not slow", "--ignore=tests/browser",
               *(f"--deselect={t}" for t in NEEDS_SITE),
               "scalargrad", "tests", "docs/chapters"]
    elif check == BUILD:
        cmd = [MKDOCS, "build", "--strict", "-q", "-d", str(tree / "site")]
    else:
        raise ValueError(f"unknown check {check!r}")
    try:
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout:.0f} s"
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    if proc.returncode != 0 and check == TESTS:
        # name the first failing test: evidence that the mutant, not chance, failed it
        failed = [line.split()[1] for line in lines if line.startswith(("FAILED ", "ERROR "))]
        if failed:
            return False, failed[0]
    return proc.returncode == 0, "\n".join(lines[-3:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--subset", action="store_true", help=f"only {', '.join(SUBSET)}")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per check")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip checking that the unmutated copy passes")
    args = parser.parse_args(argv)

    by_name = {m.name: m for m in MUTANTS}
    if len(by_name) != len(MUTANTS):
        raise SystemExit("two mutants share a name")
    if args.names:
        unknown = [n for n in args.names if n not in by_name]
        if unknown:
            raise SystemExit(f"unknown mutants: {', '.join(unknown)}; see --list")
        mutants = [by_name[n] for n in args.names]
    elif args.subset:
        mutants = [by_name[n] for n in SUBSET]
    else:
        mutants = list(MUTANTS)

    if args.list:
        for m in mutants:
            applies = (ROOT / m.file).read_text().count(m.old) == 1
            print(f"{m.name:24} {m.group:9} {'+'.join(m.checks):6} "
                  f"{'' if applies else 'STALE '}{m.file}: {m.description}")
        return 0

    check_all_apply(mutants)
    files = repo_files()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scalargrad-mutate-") as tmp:
        if not args.no_baseline:
            checks = sorted({c for m in mutants for c in m.checks})
            base = Path(tmp) / "baseline"
            copy_repo(files, base)
            for check in checks:
                print(f"baseline: {check} ...", end=" ", flush=True)
                ok, tail = run_check(check, base, args.timeout)
                print("passes" if ok else "FAILS")
                if not ok:
                    print(f"the unmutated copy fails its {check} check, so every mutant would "
                          f"look caught; fix that first:\n{tail}")
                    return 2
            shutil.rmtree(base)

        results = []
        for i, m in enumerate(mutants, 1):
            tree = Path(tmp) / m.name
            copy_repo(files, tree)
            apply(m, tree)
            t0 = time.perf_counter()
            caught_by, evidence = [], ""
            for check in m.checks:
                ok, tail = run_check(check, tree, args.timeout)
                if not ok:
                    caught_by.append(check)
                    evidence = evidence or tail.splitlines()[-1]
            seconds = time.perf_counter() - t0
            status = f"caught by {', '.join(caught_by)}" if caught_by else "SURVIVED"
            print(f"[{i:2}/{len(mutants)}] {m.name:24} {status:18} {seconds:5.0f} s  "
                  f"{m.description}", flush=True)
            if evidence:
                print(f"{'':33}{evidence}", flush=True)
            results.append((m, bool(caught_by)))
            shutil.rmtree(tree)

    caught = sum(ok for _, ok in results)
    print(f"\nmutation score: {caught}/{len(results)} caught "
          f"({100 * caught / len(results):.0f}%) in {time.perf_counter() - started:.0f} s")
    survivors = [m for m, ok in results if not ok]
    for m in survivors:
        print(f"  survived: {m.name} ({m.group}): {m.description}")
    required = [m for m in survivors if m.group in REQUIRED_GROUPS]
    if required:
        print(f"{len(required)} engine/nn mutant(s) survived: the tests miss a real bug")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
