"""Listings and the reader's files: docs/hooks/listings.py.

Titles are derived from the source; a missing region fails; listed regions show the
idea (one-line docstrings, no doctests, at most 80 columns); and every published
snapshot ``code/NN/*.py`` imports on its own and (after the classifier) trains the moons
classifier, in a subprocess where ``scalargrad`` cannot be imported. That every
chapter's examples run on its snapshot is the reader's walk, tests/test_walk.py.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from scalargrad.chapters import number

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "docs" / "hooks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_test_listings_{name}", HOOKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


listings = _load("listings")

BOOK = listings.book_listings()
SNAPSHOTS = listings.snapshots(BOOK)

# Run in the subprocess first: `import scalargrad` (or any scalargrad.X) must fail there.
BLOCKER = """
import importlib.abc, sys
class _NoScalargrad(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "scalargrad" or name.startswith("scalargrad."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
        return None
sys.meta_path.insert(0, _NoScalargrad())
sys.path.insert(0, ".")
"""


# --- titles and regions ---------------------------------------------------------------


@functools.cache
def _titles() -> dict[tuple[int, str], str]:
    out, seen = {}, []
    for listing in BOOK:
        out.setdefault((listing.chapter, listing.region.name), listings.title(listing, seen))
        seen.append(listing)
    return out


def _title(chapter: str, region: str) -> str:
    """The title of ``region``'s listing in the chapter whose slug is ``chapter``."""
    return _titles()[(number(chapter), region)]


def test_titles_say_where_each_listing_goes() -> None:
    assert _title("value", "imports") == "engine.py — a new file"
    assert _title("value", "add-mul") == "engine.py — in class Value, after __repr__"
    assert _title("neuron", "tanh") == "engine.py — in class Value, after __mul__"
    assert _title("automating-backward", "topo") == "engine.py — after class Value"
    assert _title("accumulation-bug", "backward-step") == (
        f"engine.py — as shown in chapter {number('automating-backward')}")
    assert _title("mlp", "module") == "nn.py — after the imports"
    assert _title("mlp", "neuron") == "nn.py — after class Module"
    assert _title("classifier", "train-classifier") == "training.py — after linear_decay"
    assert _title("classifier", "train-minibatches") == (
        "training.py — optional: adds train_minibatches to your training, "
        "after train_classifier"
    )
    assert _title("performance", "collector-paused") == (
        "scalargrad/training.py — the package's guard rails (not in your files)"
    )
    assert _title("automating-backward", "backward-step") == (
        "engine.py — in class Value, after __repr__, before __add__"
    )
    assert _title("zero-grad-bug", "train-without-zero-grad") == (
        "scalargrad/pitfalls.py — after class OverwritingValue "
        "(the book's code, not one of your files)"
    )
    # sigmoid is only in a more-operations exercise: no main-text title names it
    assert _title("classifier", "relu") == "engine.py — in class Value, after log"
    assert _title("more-operations", "sigmoid") == (
        "engine.py — optional: adds sigmoid to your engine, in class Value, after log"
    )
    assert _title("accumulation-bug", "overwriting-value") == (
        "scalargrad/pitfalls.py — in class OverwritingValue "
        "(the book's code, not one of your files)"
    )


def test_every_reader_file_starts_with_its_imports() -> None:
    firsts: dict[str, str] = {}
    for listing in BOOK:
        if listing.region.reader:
            firsts.setdefault(listing.region.file, listing.region.name)
    assert firsts == {f: "imports" for f in listings.READER_FILES}


def test_a_missing_region_or_file_fails_the_build() -> None:
    with pytest.raises(PluginError, match="has no region 'no-such-region'"):
        listings.region("scalargrad/engine.py", "no-such-region")
    with pytest.raises(PluginError, match="no file"):
        listings.region("scalargrad/no_such_file.py", "x")
    text = '```python\n--8<-- "scalargrad/engine.py:renamed"\n```\n'
    with pytest.raises(PluginError, match="renamed"):
        listings.expand(text, number("value"), [])


def test_an_author_title_is_refused() -> None:
    text = '```python title="engine.py"\n--8<-- "scalargrad/engine.py:tanh"\n```\n'
    with pytest.raises(PluginError, match="derived"):
        listings.expand(text, number("neuron"), [])


def test_expanded_listing_keeps_class_indentation_and_drops_markers() -> None:
    text = '    ```python\n    --8<-- "scalargrad/engine.py:add-mul"\n    ```\n'
    value = number("value")
    at = next(i for i, e in enumerate(BOOK) if (e.chapter, e.region.name) == (value, "add-mul"))
    out = listings.expand(text, value, BOOK[:at])
    lines = out.splitlines()
    assert lines[0] == (
        '    ```{ .python title="engine.py — in class Value, after __repr__"'
        f' data-reader-file="engine.py" data-region="add-mul" data-chapter="{value}" }}'
    )
    assert lines[1] == "        def __add__(self, other: Value | float) -> Value:"
    assert "--8<--" not in out


def _listed_regions() -> list:
    return sorted({e.region for e in BOOK}, key=lambda r: (r.path, r.first))


def test_listed_regions_are_at_most_80_columns() -> None:
    wide = [
        f"{r.path}:{r.first + i}: {len(line)} columns"
        for r in _listed_regions()
        for i, line in enumerate(r.lines)
        if len(line) > 80
    ]
    assert not wide, "\n".join(wide)


def test_listed_regions_have_one_line_docstrings_and_no_doctests() -> None:
    problems = []
    for r in _listed_regions():
        if not r.path.startswith("scalargrad/"):
            continue
        code = "\n".join(r.lines)
        if ">>>" in code:
            problems.append(f"{r.path}:{r.name}: a doctest in a listed region")
        tree = ast.parse(textwrap.dedent(code))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node, clean=False)
                if doc and "\n" in doc.strip():
                    problems.append(f"{r.path}:{r.name}: {node.name} has a long docstring")
    assert not problems, "\n".join(problems)


def test_public_names_keep_a_docstring() -> None:
    for module_name in ("engine", "nn", "training", "datasets", "closures"):
        module = importlib.import_module(f"scalargrad.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__, f"scalargrad.{module_name}.{name} has no docstring"


# --- the contract with the page: code/regions.json and data attributes --------------


def _from_regions(data: dict, file: str, chapter: int) -> str:
    entry = data["files"][file]
    return entry["header"].format(chapter=chapter) + "".join(
        r["text"] for r in entry["regions"] if r["chapter"] <= chapter and not r["optional"]
    )


def test_regions_json_rebuilds_every_published_snapshot_byte_for_byte() -> None:
    data = json.loads(json.dumps(listings.regions_json(BOOK)))  # as the page reads it
    assert list(data["files"]) == list(listings.READER_FILES)
    for name, text in SNAPSHOTS.items():
        assert _from_regions(data, name[3:], int(name[:2])) == text, name
    for file, entry in data["files"].items():
        names = [r["name"] for r in entry["regions"]]
        assert names[0] == "imports" and len(set(names)) == len(names), file
        for r in entry["regions"]:
            assert set(r) == {"name", "chapter", "optional", "text"}
            assert isinstance(r["chapter"], int) and isinstance(r["optional"], bool)
            assert "--8<--" not in r["text"] and "scalargrad" not in r["text"], r["name"]
            assert "# guard" not in r["text"], (file, r["name"])


def test_optional_regions_stay_out_of_every_snapshot() -> None:
    data = listings.regions_json(BOOK)
    optional = [(f, r) for f, e in data["files"].items() for r in e["regions"]
                if r["optional"]]
    assert optional, "the more-operations exercise's sigmoid is optional"
    for _file, r in optional:
        body = r["text"].strip()
        for name, text in SNAPSHOTS.items():
            assert body not in text, f"{name} holds the optional region {r['name']}"


def _attributes(html_fence: str) -> dict[str, str]:
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', html_fence.split("\n", 1)[0]))


def test_every_reader_listing_carries_the_page_attributes() -> None:
    for n, md in listings.chapter_files():
        text = md.read_text(encoding="utf-8")
        earlier = [e for e in BOOK if e.chapter < n]
        out = listings.expand(text, n, earlier, BOOK)
        ours = [e for e in BOOK if e.chapter == n]
        fences = [line for line in out.splitlines()
                  if re.match(r"\s*`{3,}\{ \.python title=", line)
                  and "the same code, guards" not in line]
        assert len(fences) == len(ours), n
        for listing, fence in zip(ours, fences, strict=True):
            got = _attributes(fence)
            if not listing.region.reader:
                assert got == {}, fence
                continue
            assert got["data-reader-file"] == listing.region.file
            assert got["data-region"] == listing.region.name
            assert ("data-optional" in got) == listing.optional, fence
            [entry] = [e for e in listings.entries(listing.region.file, BOOK)
                       if e.region.name == listing.region.name]
            chapter = listing.chapter if listing.optional else entry.chapter
            assert got["data-chapter"] == str(chapter), fence


# --- the snapshots --------------------------------------------------------------------


def test_snapshots_exist_for_every_chapter_the_checker_knows() -> None:
    chapters = {int(name[:2]) for name in SNAPSHOTS}
    assert chapters == set(listings.SNAPSHOT_CHAPTERS)
    last = f"{listings.SNAPSHOT_CHAPTERS[-1]:02d}/"
    assert set(n for n in SNAPSHOTS if n.startswith(last)) == {
        last + name for name in listings.READER_FILES
    }


def test_the_reader_listings_span_exactly_the_checkers_chapters() -> None:
    """The checker's FIRST and LAST are the chapters that begin and end the reader's files."""
    first: dict[object, int] = {}  # each reader region -> the chapter that first lists it
    for e in listings.book_listings():
        if e.region.reader and not e.optional:
            first.setdefault(e.region, e.chapter)
    assert (min(first.values()), max(first.values())) == (listings.SNAPSHOT_CHAPTERS[0],
                                          listings.SNAPSHOT_CHAPTERS[-1])


def test_snapshots_hold_only_listed_lines_and_no_package_imports() -> None:
    shown: dict[str, set[str]] = {}
    for e in BOOK:
        if e.region.reader:
            shown.setdefault(e.region.file, set()).update(
                listings.sibling_imports(line) for line in e.region.lines
            )
    for name, text in SNAPSHOTS.items():
        assert "scalargrad." not in text and "import scalargrad" not in text, name
        assert "--8<--" not in text, name
        file = name[3:]
        body = text.split("\n", 2)[2]  # after the one-line header
        for line in body.splitlines():
            assert not line.strip() or line in shown[file], f"{name}: not in a listing: {line!r}"
        assert all(len(line) <= 80 for line in text.splitlines()), name


def _run(
    code: str, cwd: Path, timeout: int = 300, preload: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", preload + BLOCKER + code],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


@pytest.mark.parametrize("chapter", listings.SNAPSHOT_CHAPTERS)
def test_snapshot_imports_on_its_own(chapter: int, tmp_path: Path) -> None:
    for name, text in SNAPSHOTS.items():
        if int(name[:2]) == chapter:
            (tmp_path / name[3:]).write_text(text, encoding="utf-8")
    files = sorted(p.stem for p in tmp_path.glob("*.py"))
    code = (
        "import importlib\n"
        "try:\n    import scalargrad\nexcept ModuleNotFoundError:\n    pass\n"
        "else:\n    raise SystemExit('scalargrad is importable')\n"
        f"for m in {files!r}:\n    importlib.import_module(m)\n"
        "print('ok')\n"
    )
    result = _run(code, tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


@pytest.mark.replay
def test_the_classifiers_files_train_the_moons_classifier(tmp_path: Path) -> None:
    for name, text in SNAPSHOTS.items():
        if name.startswith(f"{number('classifier'):02d}/"):
            (tmp_path / name[3:]).write_text(text, encoding="utf-8")
    code = textwrap.dedent("""
        import json, random
        from datasets import make_moons
        from nn import MLP
        from training import accuracy, linear_decay, train_classifier
        X, y = make_moons(n_samples=50, noise=0.1, seed=0)
        random.seed(0)
        model = MLP(2, [8, 8, 1], activation="relu", output_activation="linear")
        losses, accs = train_classifier(model, X, y, steps=50,
                                        lr=linear_decay(1.0, 0.1, 50), alpha=1e-4)
        print(json.dumps({"losses": losses,
                          "accuracy": accuracy([model(x) for x in X], y)}))
    """)
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["accuracy"] == 1.0
    import random

    from scalargrad.datasets import make_moons
    from scalargrad.nn import MLP
    from scalargrad.training import linear_decay, train_classifier

    # the book's full-batch training of the classifier chapter, with its numbers
    X, y = make_moons(n_samples=50, noise=0.1, seed=0)
    random.seed(0)
    model = MLP(2, [8, 8, 1], activation="relu", output_activation="linear")
    losses, _ = train_classifier(model, X, y, steps=50, lr=linear_decay(1.0, 0.1, 50),
                                 alpha=1e-4)
    assert (round(losses[0], 3), round(losses[-1], 3)) == (1.659, 0.023)
    assert got["losses"] == losses  # the reader's files and the package agree exactly


def test_lecture_interface_in_the_reader_files(tmp_path: Path) -> None:
    for name, text in SNAPSHOTS.items():
        if name.startswith(f"{number('mlp'):02d}/"):
            (tmp_path / name[3:]).write_text(text, encoding="utf-8")
    code = textwrap.dedent("""
        from engine import Value
        from nn import MLP
        a = Value(2.0, label="a"); b = Value(-3.0, label="b")
        L = (a * b + 10.0) * -2.0
        L.backward()
        model = MLP(3, [4, 4, 1])
        out = model([2.0, 3.0, -1.0])
        print(a.label, L.data, a.grad, b.grad, len(model.parameters()), type(out).__name__)
    """)
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["a", "-8.0", "6.0", "-4.0", "41", "Value"]


@pytest.mark.parametrize("chapter", listings.SNAPSHOT_CHAPTERS)
def test_the_published_files_pass_the_checker_at_their_chapter(
    chapter: int, tmp_path: Path
) -> None:
    """``python -m scalargrad.check code/NN/engine.py --chapter NN`` passes, for every NN."""
    from scalargrad.check import check_file

    for name, text in SNAPSHOTS.items():
        if int(name[:2]) == chapter:
            (tmp_path / name[3:]).write_text(text, encoding="utf-8")
    report = check_file(tmp_path / "engine.py", chapter)
    assert report.passed, report.text()
    beside = "Neuron, Layer, MLP come from nn.py, beside engine.py."
    assert (beside in report.notes) == (chapter >= number("mlp"))
    assert not (tmp_path / "__pycache__").exists(), "the checker wrote into the reader's folder"


# --- the reader types ideas: size, collapsed boxes, titles and prose ------------------


def lines_of_code(text: str) -> int:
    """Lines holding code: blank lines, comments and docstrings are not counted."""
    import io
    import tokenize

    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    code: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in skip:
            code.update(range(tok.start[0], tok.end[0] + 1))
    return len(code - docstrings)


def test_lines_of_code_counts_only_code() -> None:
    text = ('"""Doc."""\n\n# a comment\nx = 1  # counted\n\n\n'
            'def f(a,\n      b):\n    """One."""\n    return a\n')
    assert lines_of_code(text) == 4  # x = 1, the two lines of def, return


def test_the_main_text_listings_alone_build_every_snapshot() -> None:
    main = [e for e in BOOK if not e.optional]
    assert listings.snapshots(main) == SNAPSHOTS
    # and the snapshots do not change if every collapsed box is dropped from the book
    for n, md in listings.chapter_files():
        text = md.read_text(encoding="utf-8")
        for m in listings._LISTING.finditer(text):
            inside = listings.collapsed(text, m.start(), m.group("indent"))
            reg = listings.region(m.group("path"), m.group("name"))
            if inside and reg.reader:
                first = next(e for e in main if e.region == reg) if any(
                    e.region == reg for e in main) else None
                assert first is None or first.chapter <= n, (
                    f"chapter {n}: {reg.name} is in a collapsed box before the main "
                    "text lists it"
                )


def test_a_listing_in_a_collapsed_box_is_optional() -> None:
    text = ('Intro\n\n??? question "Exercise"\n    Try:\n\n    ```python\n'
            '    --8<-- "scalargrad/engine.py:sigmoid"\n    ```\n\n'
            '!!! note "Open"\n    ```python\n'
            '    --8<-- "scalargrad/engine.py:relu"\n    ```\n')
    found = listings.listings_in(text, number("more-operations"))
    assert [(e.region.name, e.optional) for e in found] == [("sigmoid", True), ("relu", False)]


def test_no_title_names_code_the_main_text_has_not_shown() -> None:
    shown: dict[str, set[str]] = {}
    seen: list = []
    problems = []
    for listing in BOOK:
        head = listings.title(listing, seen)
        seen.append(listing)
        reg = listing.region
        if not reg.reader:
            continue
        names = shown.setdefault(reg.file, {"the imports"})
        for m in re.finditer(r"(?:after|before) (the imports|class \w+|\w+)", head):
            if m.group(1) not in names:
                problems.append(f"chapter {listing.chapter}: {head!r} names {m.group(1)}")
        if not listing.optional:
            names.update(listings._defined(reg))
            for stmt in ast.walk(ast.parse(textwrap.dedent("\n".join(reg.reader_lines)))):
                if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                    names.add(stmt.name)
    assert not problems, "\n".join(problems)


_PLACE = re.compile(r"after `(?P<after>\w+)`|before `(?P<before>\w+)`|(?P<end>at the end)"
                    r"|(?P<follows>follows? it)|(?P<further>further down)")


def test_prose_that_says_where_code_goes_agrees_with_the_title() -> None:
    """The paragraph just above a reader's listing may say where the code goes; the
    words must agree with the derived title ("follows it" = after the last listing
    of that file), and no prose points at code "further down"."""
    problems = []
    for n, md in listings.chapter_files():
        if n not in listings.SNAPSHOT_CHAPTERS:
            continue
        text = md.read_text(encoding="utf-8")
        if "further down" in text:
            problems.append(f"chapter {n}: 'further down'")
        earlier = [e for e in BOOK if e.chapter < n]
        seen = list(earlier)
        last_of: dict[str, str] = {}
        for e in earlier:
            if e.region.reader and not e.optional:
                last_of[e.region.file] = (listings._defined(e.region) or [""])[-1]
        end = 0
        for m in listings._LISTING.finditer(text):
            listing = listings.Listing(n, listings.region(m.group("path"), m.group("name")),
                                       listings.collapsed(text, m.start(), m.group("indent")))
            head = listings.title(listing, seen)
            seen.append(listing)
            paragraph = text[end:m.start()].strip().split("\n\n")[-1]
            end = m.end()
            reg = listing.region
            if not reg.reader:
                continue
            for p in _PLACE.finditer(paragraph):
                if p["after"] and f"after {p['after']}" not in head:
                    problems.append(f"chapter {n}: 'after {p['after']}' vs {head!r}")
                if p["before"] and f"before {p['before']}" not in head:
                    problems.append(f"chapter {n}: 'before {p['before']}' vs {head!r}")
                if p["end"] and "before" in head:
                    problems.append(f"chapter {n}: 'at the end' vs {head!r}")
                if p["follows"] and f"after {last_of.get(reg.file)}" not in head:
                    problems.append(f"chapter {n}: 'follows it' vs {head!r}")
            if not listing.optional:
                last_of[reg.file] = (listings._defined(reg) or [""])[-1]
    assert not problems, "\n".join(problems)


def test_the_pages_list_of_reader_files_is_the_packages() -> None:
    """my-files.js keeps the reader's files in the page: the same names, in the same order."""
    from scalargrad.check.doctests import READER_FILES

    script = (ROOT / "docs" / "assets" / "javascripts" / "my-files.js").read_text(
        encoding="utf-8")
    files = re.search(r"const FILES = \[([^\]]*)\];", script).group(1)
    assert tuple(re.findall(r'"([^"]+)"', files)) == READER_FILES == listings.READER_FILES
