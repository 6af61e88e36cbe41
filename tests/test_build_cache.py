"""The build cache never shows stale content (docs/hooks/build_cache.py and its users).

Each test changes one input of a cached artifact, in a tree of its own, and checks that
the artifact changes with it: a figure when its module or the package code it draws
through another module changes, a notebook when its chapter changes, a listing and the
reader's files when a package line changes (even with its old modification time), the
wheel when the package changes, the offline edition when any file of the tree does. Then
what ``make book`` does between saves (docs/hooks/serving.py): which edits may rebuild
one page, what is made behind the served pages, and that a one-page rebuild gives the
same files as a full build. Whether a warm cache builds the same bytes as a cold one is
``test_a_warm_cache_builds_the_same_bytes`` (a built site/ against a build in a copy of
the tree that reuses the cache), beside tests/test_workflow.py's build in a fresh
environment with an empty one.
"""

from __future__ import annotations

import asyncio
import filecmp
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from mkdocs.exceptions import PluginError
from repotools import ROOT, copy_working_tree, load_module

HOOKS = ROOT / "docs" / "hooks"


def hook(name: str):
    """Import ``docs/hooks/NAME.py`` as MkDocs does: with its folder on sys.path."""
    return load_module(HOOKS / f"{name}.py", f"_test_cache_{name}", folder_on_path=True)


figures = hook("figures")
build_cache = sys.modules["build_cache"]  # the one the hooks import, as in a build


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    """Every test starts with the cache on and nothing deferred (as `mkdocs build`)."""
    monkeypatch.delenv(build_cache.VARIABLE, raising=False)
    monkeypatch.setattr(build_cache, "background", None)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the store ------------------------------------------------------------------------


def test_the_store_reads_what_it_wrote_and_keeps_the_newest_entries(tmp_path, monkeypatch):
    store = build_cache.Store(tmp_path, "things", ".txt")
    assert store.read("a", "0" * 64) is None
    newest = build_cache.KEEP + 1
    for n in range(newest + 1):
        store.write("a", str(n) * 64, f"version {n}".encode())
        os.utime(store.path("a", str(n) * 64), (n, n))  # distinct ages, oldest first
    store.write("b", "f" * 64, b"other")
    assert len(list(store.folder.glob("a-*"))) == build_cache.KEEP
    assert store.read("a", str(newest) * 64) == f"version {newest}".encode()
    assert store.read("a", "0" * 64) is None, "the oldest entries are pruned"
    kept = str(newest - build_cache.KEEP + 1) * 64  # the oldest one kept ...
    assert store.read("a", kept) is not None  # ... is used again
    store.write("a", "9" * 64, b"newer still")
    assert store.read("a", kept) is not None, "what was used last is kept"
    assert store.read("b", "f" * 64) == b"other", "pruning keeps other artifacts"
    monkeypatch.setenv(build_cache.VARIABLE, "0")
    assert store.read("b", "f" * 64) is None, "SCALARGRAD_BUILD_CACHE=0 reads nothing"
    store.write("c", "1" * 64, b"x")
    assert not store.path("c", "1" * 64).exists(), "... and stores nothing"


def test_digests_do_not_run_their_parts_together():
    assert build_cache.digest("ab", "c") != build_cache.digest("a", "bc")
    assert build_cache.digest(b"x") == build_cache.digest("x")


def test_the_package_digest_takes_every_file_but_bytecode(tmp_path):
    write(tmp_path / "scalargrad" / "engine.py", "x = 1\n")
    first = build_cache.package(tmp_path)
    write(tmp_path / "scalargrad" / "__pycache__" / "engine.cpython-311.pyc", "junk")
    assert build_cache.package(tmp_path) == first
    write(tmp_path / "scalargrad" / "data" / "rows.jsonl", "{}\n")
    assert build_cache.package(tmp_path) != first, "data files are inputs too"


# --- figures --------------------------------------------------------------------------


def figure_tree(root: Path) -> Path:
    """A package whose drawing module uses its engine module, and one figure module."""
    write(root / "scalargrad" / "__init__.py", "")
    write(root / "scalargrad" / "engine.py", "def value():\n    return 1\n")
    write(root / "scalargrad" / "plots.py", """\
        from pathlib import Path

        from scalargrad.engine import value


        def svg():
            with open(Path(__file__).parents[1] / "drawn.log", "a") as log:
                log.write("drawn\\n")  # how many times a figure was drawn
            return f"<svg>{value()}</svg>"
        """)
    return write(root / "docs" / "_figures" / "slope.py", """\
        from scalargrad import plots

        FIGURES = {"slope-a.svg": plots.svg}
        """)


def test_a_figure_changes_with_its_module_and_the_package_code_it_draws(tmp_path):
    module = figure_tree(tmp_path)
    docs = tmp_path / "docs"
    drawn = tmp_path / "drawn.log"  # outside the package, which is an input

    def svg() -> str:
        return figures.figures_of(tmp_path, docs, [module])[module]["slope-a.svg"]

    assert svg() == "<svg>1</svg>"
    assert svg() == "<svg>1</svg>" and drawn.read_text().count("drawn") == 1, "cached"
    # scalargrad.plots draws what scalargrad.engine computes: the key takes the package
    write(tmp_path / "scalargrad" / "engine.py", "def value():\n    return 2\n")
    assert svg() == "<svg>2</svg>"
    write(module, module.read_text().replace("plots.svg}", "lambda: plots.svg() + ' '}"))
    assert svg() == "<svg>2</svg> "
    write(docs / "_figures" / "_style.py", "WIDTH = 7\n")  # a helper figure modules share
    svg()
    assert drawn.read_text().count("drawn") == 4


def test_make_book_draws_missing_figures_behind_the_pages_and_reports_failures(tmp_path):
    shared = build_cache
    module = figure_tree(tmp_path)
    docs = tmp_path / "docs"
    shared.background = shared.Background(tmp_path / "ready")
    shown = figures.figures_of(tmp_path, docs, [module])[module]["slope-a.svg"]
    assert "being drawn again" in shown and "slope-a.svg" in shown
    shared.background.start()
    deadline = time.monotonic() + 120
    while shared.background.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (tmp_path / "ready" / "done").is_file(), "the server is told to rebuild"
    assert figures.figures_of(tmp_path, docs, [module])[module]["slope-a.svg"] == "<svg>1</svg>"

    write(tmp_path / "scalargrad" / "engine.py", "def value():\n    return 1 / 0\n")
    figures.figures_of(tmp_path, docs, [module])
    shared.background.start()
    while shared.background.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    with pytest.raises(PluginError, match="ZeroDivisionError"):
        figures.figures_of(tmp_path, docs, [module])


def test_figure_names_are_read_without_running_the_module(tmp_path):
    drawing = hook("figure_drawing")
    module = write(tmp_path / "slope.py", 'import nothing\nFIGURES = {"a.svg": f, "b.svg": g}\n')
    assert drawing.names(module) == ["a.svg", "b.svg"]
    write(module, "FIGURES = dict(made())\n")
    assert drawing.names(module) is None, "not a literal: make book draws it before serving"


# --- notebooks ------------------------------------------------------------------------


CHAPTER = """\
# A chapter

Some prose.

```pycon
>>> print(6 * 7)
42

```
"""


def test_a_notebook_changes_with_its_chapter(tmp_path, monkeypatch):
    making = hook("notebook_making")
    running = hook("notebook_running")
    install = nbformat.v4.new_code_cell("pass")

    def run(chapter: str) -> str:
        nb = making.chapter_notebook(chapter, "A chapter", "https://example.org/", install)
        item = making.Notebook(slug="01-a", title="A chapter", source_uri="x.md", nb=nb)
        running.execute([item], tmp_path)
        return item.executed.cells[-1].outputs[0].text

    assert run(CHAPTER) == "42\n"
    assert run(CHAPTER.replace("6 * 7)\n42", "6 * 8)\n48")) == "48\n"

    def no_kernel(*args):
        raise AssertionError("a cached notebook was run again")

    monkeypatch.setattr(running, "_execute_all", no_kernel)
    assert run(CHAPTER) == "42\n", "taken from the cache, by what it is made from"
    write(tmp_path / "scalargrad" / "engine.py", "x = 1\n")
    with pytest.raises(AssertionError, match="run again"):
        run(CHAPTER)  # the package changed: it has to run again


def test_notebooks_run_where_an_event_loop_already_runs(tmp_path):
    """Playwright's synchronous API leaves a loop running in a test process's thread."""
    making = hook("notebook_making")
    running = hook("notebook_running")
    nb = making.chapter_notebook(CHAPTER, "A chapter", "https://example.org/",
                                 nbformat.v4.new_code_cell("pass"))
    item = making.Notebook(slug="01-a", title="A chapter", source_uri="x.md", nb=nb)

    async def inside_a_loop() -> None:
        running.execute([item], tmp_path)

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop runs in this thread yet: run the notebooks inside one
        asyncio.run(inside_a_loop())
    else:  # a browser test of this worker left Playwright's loop running: the case itself
        running.execute([item], tmp_path)
    assert item.executed.cells[-1].outputs[0].text == "42\n"


# --- listings and the reader's files -------------------------------------------------


def test_a_listing_and_the_readers_files_change_with_a_package_line(tmp_path, monkeypatch):
    listings = hook("listings")
    monkeypatch.setattr(listings, "ROOT", tmp_path)
    monkeypatch.setattr(listings, "CHAPTERS", tmp_path / "docs" / "chapters")
    engine = write(tmp_path / "scalargrad" / "engine.py", """\
        # --8<-- [start:value]
        class Value:
            \"\"\"A number.\"\"\"

            data = 1.0
        # --8<-- [end:value]
        """)
    chapter = write(tmp_path / "docs" / "chapters" / "slope.md", """\
        # A chapter

        ```python
        --8<-- "scalargrad/engine.py:value"
        ```

        ## What you can do now
        """)
    first = listings.SNAPSHOT_CHAPTERS[0]
    key = f"{first:02d}/engine.py"
    page = listings.expand(chapter.read_text(), first, [])
    assert "data = 1.0" in page and "data = 1.0" in listings.snapshots()[key]
    # the same size and the same modification time: only the content tells them apart
    stat = engine.stat()
    engine.write_text(engine.read_text().replace("data = 1.0", "data = 2.0"))
    os.utime(engine, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    page = listings.expand(chapter.read_text(), first, [])
    assert "data = 2.0" in page and "data = 1.0" not in page
    assert "data = 2.0" in listings.snapshots()[key]
    regions = listings.regions_json()["files"]["engine.py"]["regions"]
    assert "data = 2.0" in regions[0]["text"]


# --- the wheel and the offline edition --------------------------------------------------


def test_the_wheel_changes_with_the_package(tmp_path):
    package_wheel = hook("package_wheel")
    write(tmp_path / "pyproject.toml", """\
        [build-system]
        requires = ["setuptools>=77"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "scalargrad"
        version = "0.0.1"

        [tool.setuptools]
        packages = ["scalargrad"]
        """)
    write(tmp_path / "scalargrad" / "__init__.py", "x = 1\n")
    first = package_wheel.wheel(tmp_path)
    assert package_wheel.wheel(tmp_path) == first
    assert len(list((tmp_path / build_cache.FOLDER / "wheel").iterdir())) == 1
    write(tmp_path / "scalargrad" / "__init__.py", "x = 2\n")
    assert package_wheel.wheel(tmp_path) != first


def test_the_offline_editions_key_takes_every_file_of_the_tree(tmp_path, monkeypatch):
    offline = hook("offline_edition")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "docs" / "index.md", "# Home\n")
    first = offline.key(tmp_path)
    write(tmp_path / "ignored" / "junk.txt", "x")
    assert offline.key(tmp_path) == first, "ignored files are not inputs"
    write(tmp_path / "tests" / "test_x.py", "x = 1\n")  # untracked, not ignored
    second = offline.key(tmp_path)
    assert second != first
    write(tmp_path / "docs" / "index.md", "# Home page\n")
    assert offline.key(tmp_path) not in (first, second)
    third = offline.key(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert offline.key(tmp_path) != third, "the build's date is in the zip"
    assert offline.key(tmp_path.parent) is None, "outside a git checkout: no key, always built"


# --- make book: what may rebuild one page --------------------------------------------


def test_only_an_edit_that_stays_in_its_page_rebuilds_that_page_alone():
    serving = hook("serving")
    text = (ROOT / "docs" / "chapters" / "value.md").read_text(encoding="utf-8")
    uri = "chapters/value.md"
    last = serving._Build(ROOT, None, 0, texts={uri: text, "index.md": "# Home\n"})

    def why(new: str) -> str | None:
        return serving._reason_for_full_build(last, uri, text, new)

    line = next(x for x in text.splitlines() if x and x[0].isalpha())
    assert why(text.replace(line, line + " More words.", 1)) is None
    example = next(x for x in text.splitlines() if x.startswith(">>> "))
    assert why(text.replace(example, example + "  # changed", 1)) == "its notebook changed"
    listing = next(x for x in text.splitlines() if x.startswith('--8<-- "'))
    assert why(text.replace(listing + "\n```", listing + "\n```\n\n" + "```python\n"
                            + listing + "\n```", 1)) == "its listings changed"
    assert why(text + "\n::: scalargrad.engine.Value\n") == "it renders API docs"
    last.texts["index.md"] = '--8<-- "docs/chapters/value.md"\n'
    assert why(text.replace(line, line + " More words.", 1)) == "another page may include it"


# --- warm and cold: the same bytes ---------------------------------------------------


def _differences(left: Path, right: Path) -> list[str]:
    out = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(f"only in one: {prefix}{n}" for n in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                               shallow=False)
        out.extend(f"differs: {prefix}{n}" for n in mismatch + errors)
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=[]), "")
    return out


def _copy_with_cache(tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the working tree with this checkout's build cache, ready to build."""
    tree = tmp_path / "repo"
    copy_working_tree(tree, ROOT, with_history=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    cache = ROOT / build_cache.FOLDER
    if cache.is_dir():
        shutil.copytree(cache, tree / build_cache.FOLDER,
                        ignore=shutil.ignore_patterns(build_cache.READY))
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_MKDOCS_2_WARNING": "1"}
    return tree, env


def test_a_warm_cache_builds_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """site/ (``make build``: a cold cache on a fresh clone) against a build of a copy of
    the tree that takes everything it can from this checkout's cache (figures, notebooks,
    notebook pages, the wheel, the offline edition). tests/test_workflow.py compares
    site/ with a build whose cache starts empty; so cold and warm give the same bytes."""
    tree, env = _copy_with_cache(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=tree, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    drawn = [line for line in result.stderr.splitlines() if "Cache miss" in line]
    assert not drawn, f"the copy did not find its notebook pages in the cache: {drawn[:3]}"
    differences = _differences(site, tmp_path / "site")
    assert not differences, (
        "a build from a warm cache differs from site/ (if you edited files since "
        "`make build`, rebuild):\n" + "\n".join(differences)
    )


# A full build under `make book`, an edit of one paragraph rebuilt as make book does
# (one page), and a full build of the edited tree: the two sites must be the same files.
ONE_PAGE_REBUILD = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

def full(site):
    config = load_config("mkdocs.yml", site_dir=site)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return config

config = full(sys.argv[1])
serving = config.plugins["docs/hooks/serving.py"]
chapter = Path("docs/chapters/value.md")
text = chapter.read_text()
body = text[text.index("\\n# "):]  # below the front matter and the title
line = next(x for x in body.splitlines() if x and x[0].isalpha())
chapter.write_text(text.replace(line, line + " An edited paragraph.", 1))
quick = serving._rebuild_pages()
for step in serving._whole_book_steps(config):  # what make book does when it is asked for
    step(config=config)
heading = next(x for x in text.splitlines() if x.startswith("## "))
chapter.write_text(text.replace(line, line + " An edited paragraph.", 1)
                   .replace(heading, heading + " renamed", 1))
renamed = serving._rebuild_pages()
chapter.write_text(text.replace(line, line + " An edited paragraph.", 1))
config = full(sys.argv[2])
for step in serving._whole_book_steps(config):
    step(config=config)
print(json.dumps({"quick": quick, "renamed": renamed}))
"""


def test_a_one_page_rebuild_gives_the_files_of_a_full_build(site: Path, tmp_path: Path) -> None:
    tree, env = _copy_with_cache(tmp_path)
    quick, full = tmp_path / "quick", tmp_path / "full"
    result = subprocess.run(
        [sys.executable, "-c", ONE_PAGE_REBUILD, str(quick), str(full)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"quick": True, "renamed": False}, (
        "a paragraph rebuilds its page alone, a renamed heading the whole book"
    )
    assert "An edited paragraph." in (quick / "chapters" / "value" / "index.html").read_text()
    assert "An edited paragraph." in (quick / "print_page" / "index.html").read_text()
    differences = _differences(quick, full)
    assert not differences, "\n".join(differences)
