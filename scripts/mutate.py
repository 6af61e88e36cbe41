"""Mutation check (``make mutate``): do the tests notice a careless edit?

Each mutant below changes the package the way a careless edit would: a wrong local
derivative, ``+=`` written as ``=``, a wrong topological order, a loss with a flipped
sign, a renamed snippet section the book includes. For every mutant the script copies
the repository (the files git knows about, as they are in the working tree) to a
temporary directory, applies the change, and runs the checks that must catch it:

* ``tests``: pytest on the package doctests, the unit tests and the chapter doctests
  (``scalargrad tests docs/chapters``), stopping at the first failure; left out are the
  tests marked ``slow``, ``browser`` or ``site`` (a test that uses the ``site`` fixture
  marks itself, see tests/conftest.py: a copy has no built site, and the ``build`` check
  covers the build);
* ``build``: ``mkdocs build --strict``.

Besides the list below, two kinds of mutant are derived rather than written: for every
operation of the registry (``scalargrad/ops.py``), each local derivative its method in
``engine.py`` records is put off by 0.5 (the old text is found in the engine's source);
and every ``+=`` of a gradient in ``closures.py`` becomes ``=``, the lecture's bug.

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

At the end it prints the score of every module.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from repotools import ROOT, copy_working_tree, working_tree_files

PYTHON = sys.executable
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))

TESTS = "tests"
BUILD = "build"


class Mutant(NamedTuple):
    name: str
    group: str  # engine, nn, training, numeric, viz, closures, forward, tensor, book, check
    file: str
    old: str
    new: str
    description: str
    checks: tuple[str, ...] = (TESTS,)


E, N, T = "scalargrad/engine.py", "scalargrad/nn.py", "scalargrad/training.py"
C, F = "scalargrad/closures.py", "scalargrad/forward.py"

MUTANTS: list[Mutant] = [
    # ---------------------------------------------------------------- engine: local derivatives
    # (one per local derivative of each operation: derived, see registry_mutants)
    Mutant("pow-rule", "engine", E,
           "return n * x ** (n - 1)", "return n * x**n",
           "x ** n: n·xⁿ instead of n·xⁿ⁻¹ (inside _pow_local)"),
    Mutant("relu-dead", "engine", E,
           "_local=(1.0 if x > 0 else 0.0,))", "_local=(1.0,))",
           "ReLU lets the gradient through where x <= 0"),
    # ---------------------------------------------------------------- engine: backward
    Mutant("backward-overwrites", "engine", E,
           "child.grad += local * self.grad", "child.grad = local * self.grad",
           "_backward overwrites instead of accumulating (the lecture's bug)"),
    Mutant("backward-not-reversed", "engine", E,
           "for node in reversed(topo):", "for node in topo:",
           "backward visits children before parents"),
    Mutant("topo-duplicates", "engine", E,
           "elif node not in visited:", "else:",
           "build_topo places a shared node once per parent"),
    Mutant("topo-preorder", "engine", E,
           """            visited.add(node)
            stack.append((node, True))""",
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
           "return getattr(act, self.activation)()  # \"tanh\": act.tanh()",
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
    # ---------------------------------------------------------------- forward, tensor, datasets
    Mutant("dual-product-rule", "forward", F,
           "self.deriv * other.data + self.data * other.deriv,",
           "self.deriv * other.data,",
           "the product rule forgets one term"),
    Mutant("dual-tanh", "forward", F,
           "return Dual(t, (1.0 - t * t) * self.deriv)", "return Dual(t, (1.0 - t) * self.deriv)",
           "d tanh: 1 - t instead of 1 - t²"),
    Mutant("tensor-matmul-backward", "tensor", "scalargrad/tensor.py",
           "return dout @ W.T, x.T @ dout", "return dout @ W, x.T @ dout",
           "matmul_backward forgets a transpose"),
    Mutant("tensor-tanh-backward", "tensor", "scalargrad/tensor.py",
           "return dout * (1.0 - t * t)", "return dout * (1.0 - t)",
           "tanh_backward: 1 - t instead of 1 - t²"),
    Mutant("tensor-loss-gradient", "tensor", "scalargrad/tensor.py",
           "(diff * diff).sum()), 2.0 * diff", "(diff * diff).sum()), diff",
           "the loss's gradient forgets the factor 2"),
    Mutant("moons-labels", "datasets", "scalargrad/datasets.py",
           "y = [-1] * n_out + [1] * n_in", "y = [1] * n_out + [-1] * n_in",
           "make_moons swaps its labels"),
    Mutant("pitfall-fixed", "pitfalls", "scalargrad/pitfalls.py",
           "            self.grad = 1.0 * out.grad  # BUG: should be +=",
           "            self.grad += 1.0 * out.grad  # BUG: should be +=",
           "the book's deliberately buggy Value loses half of its bug"),
    # ---------------------------------------------------------------- numeric, viz
    Mutant("central-difference", "numeric", "scalargrad/numeric.py",
           "/ (2 * h)", "/ h",
           "central difference divides by h instead of 2h"),
    Mutant("draw-dot-rankdir", "viz", "scalargrad/graphs.py",
           'rankdir: str = "LR"', 'rankdir: str = "TB"',
           "draw_dot's default direction changes"),
    Mutant("draw-dot-show-grad", "viz", "scalargrad/graphs.py",
           "show_grad: bool = True", "show_grad: bool = False",
           "draw_dot hides gradients by default"),
    # ---------------------------------------------------------------- the book
    Mutant("snippet-renamed", "book", E,
           "# --8<-- [start:topo]", "# --8<-- [start:topological-sort]",
           "a snippet section the chapters include is renamed", (BUILD,)),
    Mutant("snippet-end-removed", "book", E,
           "    # --8<-- [end:add-mul]\n", "",
           "a snippet section loses its end marker (runs to the end of the file)"),
    # ---------------------------------------------------------------- check: the checker itself
    Mutant("check-nn-no-reset", "check", "scalargrad/check/nn_checks.py",
           "            p.grad = 0.0\n", "            pass\n",
           "the checker's training loop no longer resets gradients before chapter 12"),
    Mutant("check-powers-of-one", "check", "scalargrad/check/exprs.py",
           "rng.choice([2, 3, -1])", "rng.choice([1])",
           "the random expressions raise to the power 1 only"),
    Mutant("check-no-shared-nodes", "check", "scalargrad/check/engine_checks.py",
           "    return [(e, xs) for e, xs in SHARED if", "    return [(e, xs) for e, xs in [] if",
           "the order check leaves out the expressions with a shared inner node"),
    Mutant("check-data-unwatched", "check", "scalargrad/check/engine_checks.py",
           "    if moved:", "    if False:",
           "a backward() that changes .data goes unnoticed"),
    Mutant("check-loose-close", "check", "scalargrad/check/context.py",
           "rel_tol=1e-6, abs_tol=1e-9", "rel_tol=0.5, abs_tol=0.5",
           "the checker's comparison accepts numbers half off"),
    Mutant("check-no-swapped", "check", "scalargrad/check/engine_checks.py",
           "    if len(used) == 2 and all(", "    if len(used) == 3 and all(",
           "swapped local derivatives are reported as a wrong rule"),
    Mutant("check-network", "check", "scalargrad/check/sandbox.py",
           '"--unshare-net", ', "",
           "the sandbox keeps the network"),
]

# Tests left out of the `tests` check, by marker: the ones that read a built site/ or
# drive Chromium mark themselves (tests/conftest.py); slow ones build the site twice.
LEAVE_OUT = "not browser and not slow and not site"
# On every core when pytest-xdist is there (a file's tests stay together, in order).
PARALLEL = ("-n", "auto", "--dist", "loadfile") if importlib.util.find_spec("xdist") else ()

SUBSET = ["mul-local-1", "backward-overwrites", "backward-not-reversed", "zero-grad-noop",
          "hinge-sign"]
REQUIRED_GROUPS = ("engine", "nn", "closures")


def _unique_context(text: str, lines: list[str], i: int) -> str:
    """Line ``i`` of ``text``, with the lines before it until it occurs once."""
    start = i
    while text.count("\n".join(lines[start : i + 1])) != 1 and start > 0:
        start -= 1
    return "\n".join(lines[start : i + 1])


def registry_mutants(root: Path = ROOT) -> list[Mutant]:
    """For every operation of scalargrad/ops.py, each local derivative its engine method
    records put off by 0.5: ``_local=(1.0, 1.0)`` becomes ``_local=(0.5 + 1.0, 1.0)``."""
    from scalargrad.ops import OPS

    text = (root / E).read_text()
    lines = text.splitlines()
    value = next(node for node in ast.parse(text).body
                 if isinstance(node, ast.ClassDef) and node.name == "Value")
    methods = {node.name: node for node in value.body if isinstance(node, ast.FunctionDef)}
    mutants = []
    for op in OPS.values():
        if op.method not in methods:
            raise SystemExit(f"the registry's {op.method} is not a method of Value in {E}")
        tuples = [kw.value for node in ast.walk(methods[op.method])
                  if isinstance(node, ast.Call) for kw in node.keywords
                  if kw.arg == "_local" and isinstance(kw.value, ast.Tuple)]
        found = [elt for t in tuples for elt in t.elts]
        for k, elt in enumerate(found, 1):
            if elt.lineno != elt.end_lineno:
                raise SystemExit(f"{E}: a local derivative of {op.method} spans lines")
            line = lines[elt.lineno - 1]
            a, b = elt.col_offset, elt.end_col_offset
            mutated = line[:a] + f"0.5 + {line[a:b]}" + line[b:]
            old = _unique_context(text, lines, elt.lineno - 1)
            name = f"{op.name}-local" + (f"-{k}" if len(found) > 1 else "")
            mutants.append(Mutant(
                name, "engine", E, old, old[: len(old) - len(line)] + mutated,
                f"{op.example}: local derivative {line[a:b]!r} off by 0.5 ({op.rule})"))
        # an operation written through another (2 + a calls a + 2) records none itself
    return mutants


def closure_mutants(root: Path = ROOT) -> list[Mutant]:
    """Every ``.grad +=`` in closures.py written as ``.grad =``: the lecture's bug."""
    text = (root / C).read_text()
    lines = text.splitlines()
    mutants = []
    for i, line in enumerate(lines):
        if ".grad += " in line:
            old = _unique_context(text, lines, i)
            new = old[: len(old) - len(line)] + line.replace(".grad += ", ".grad = ")
            who = line.split(".grad")[0].strip()
            mutants.append(Mutant(
                f"closure-overwrites-{len(mutants) + 1}", "closures", C, old, new,
                f"{who}.grad = instead of += (line {i + 1}), the lecture's bug"))
    return mutants


def all_mutants() -> list[Mutant]:
    """The written list, then the derived ones."""
    return MUTANTS + registry_mutants() + closure_mutants()


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
               "--import-mode=importlib", *PARALLEL,
               "-m", LEAVE_OUT, "--ignore=tests/browser",
               # it compares this list with the unmutated code: a mutant always fails it
               "--ignore=tests/test_mutate.py",
               "scalargrad", "tests", "docs/chapters"]
    elif check == BUILD:
        # The page's runtime (Pyodide, viz-js) comes from npm into node_modules/, which
        # git ignores: the copy borrows the repository's, read only.
        modules = tree / "node_modules"
        if (ROOT / "node_modules").is_dir() and not modules.exists():
            modules.symlink_to(ROOT / "node_modules", target_is_directory=True)
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

    everyone = all_mutants()
    by_name = {m.name: m for m in everyone}
    if len(by_name) != len(everyone):
        raise SystemExit("two mutants share a name")
    if args.names:
        unknown = [n for n in args.names if n not in by_name]
        if unknown:
            raise SystemExit(f"unknown mutants: {', '.join(unknown)}; see --list")
        mutants = [by_name[n] for n in args.names]
    elif args.subset:
        mutants = [by_name[n] for n in SUBSET]
    else:
        mutants = everyone

    if args.list:
        for m in mutants:
            applies = (ROOT / m.file).read_text().count(m.old) == 1
            print(f"{m.name:24} {m.group:9} {'+'.join(m.checks):6} "
                  f"{'' if applies else 'STALE '}{m.file}: {m.description}")
        return 0

    check_all_apply(mutants)
    files = working_tree_files()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scalargrad-mutate-") as tmp:
        if not args.no_baseline:
            checks = sorted({c for m in mutants for c in m.checks})
            base = Path(tmp) / "baseline"
            copy_working_tree(base, files=files, with_history=True)  # a git checkout
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
            copy_working_tree(tree, files=files, with_history=True)
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
    by_file: dict[str, list[bool]] = {}
    for m, ok in results:
        by_file.setdefault(m.file, []).append(ok)
    for file, oks in sorted(by_file.items()):
        print(f"  {file:28} {sum(oks):3}/{len(oks):<3} caught "
              f"({100 * sum(oks) / len(oks):.0f}%)")
    survivors = [m for m, ok in results if not ok]
    for m in survivors:
        print(f"  survived: {m.name} ({m.group}): {m.description}")
    required = [m for m in survivors if m.group in REQUIRED_GROUPS]
    if required:
        print(f"{len(required)} {'/'.join(REQUIRED_GROUPS)} mutant(s) survived: "
              "the tests miss a real bug")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
