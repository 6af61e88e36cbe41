""".github/CONTRIBUTING.md still describes the real workflow.

Its listing example is accepted by the listings hook's own parser, its make targets
exist, every path of its layout exists and every module of the package is in it, and
its checklist for a new operation names every field of the registry's ``Op``.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from repotools import ROOT, load_module

from scalargrad.ops import Op

GUIDE = (ROOT / ".github" / "CONTRIBUTING.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the guide's ``## title`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", GUIDE, re.M | re.S)
    assert match, f"CONTRIBUTING.md has no section {title!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def listings():
    return load_module(ROOT / "docs" / "hooks" / "listings.py", "_test_contributing_listings",
                       folder_on_path=True)


def test_the_listing_example_is_accepted_by_the_listings_hook(listings):
    example = re.search(r"^( +```python\n +--8<-- [^\n]+\n +```)$",
                        section("Writing a chapter"), re.M).group(1)
    found = listings.listings_in(example, 6)
    assert len(found) == 1
    expanded = listings.expand(example, 6, [])
    assert 'title="' in expanded and "--8<--" not in expanded


def test_every_make_target_it_names_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z-]+)`", GUIDE))
    assert named and named <= targets, sorted(named - targets)


def test_the_layout_names_real_paths_and_every_module():
    block = re.search(r"```\n(.*?)```", section("Layout"), re.S).group(1)
    paths, folders = [], []  # folders: the enclosing folder at each depth
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        path = "".join(folders[:depth]) + name
        folders[depth:] = [name if name.endswith("/") else ""]
        paths.append(path)
    missing = [p for p in paths if "NN" not in p and "SLUG" not in p and not (ROOT / p).exists()]
    assert not missing, f"CONTRIBUTING.md's layout names paths that do not exist: {missing}"
    modules = {p.name for p in (ROOT / "scalargrad").iterdir()
               if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").exists()}
    listed = {p.removeprefix("scalargrad/") for p in paths}
    unlisted = {m for m in modules if m not in listed and m + "/" not in listed}
    assert not unlisted, f"modules missing from CONTRIBUTING.md's layout: {sorted(unlisted)}"


def test_the_operation_checklist_names_every_field_of_op():
    text = section("Add an operation")
    fields = [f.name for f in dataclasses.fields(Op)]
    assert not [f for f in fields if f"`{f}`" not in text]


def test_the_files_its_checklists_name_exist():
    for title in ("Add an operation", "Add a chapter"):
        named = re.findall(r"\*\*`([\w./-]+)`\*\*", section(title))
        assert named, title
        missing = [n for n in named if not (ROOT / n).exists() and "second-derivatives" not in n]
        assert not missing, (title, missing)


def test_the_preview_section_says_what_the_build_cache_holds_and_how_to_clear_it():
    def hook(name: str):
        return load_module(ROOT / "docs" / "hooks" / f"{name}.py", f"_test_contributing_{name}",
                           folder_on_path=True)

    text = section("Preview the book")
    cache, serving, notebooks = hook("build_cache"), hook("serving"), hook("notebooks")
    assert f"`{cache.FOLDER}/`" in text and f"`{cache.VARIABLE}=0`" in text
    assert f"`{serving.IDLE}`" in text, "the line the log prints when nothing is left"
    listed = text[text.index("What is cached"):text.index("Each entry")]
    named = set(re.findall(r"`([a-z-]+)/`", listed))
    hooks = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "hooks").glob("*.py"))
    kinds = set(re.findall(r'Store\(\w+, "([a-z-]+)"', hooks)) | {notebooks.PAGES_CACHE}
    assert named == kinds, f"the section names {sorted(named)}, the hooks store {sorted(kinds)}"
    clean = re.search(r"^clean:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert cache.FOLDER in clean.split() and "`make clean`" in text
    assert f"/{cache.FOLDER}/" in (ROOT / ".gitignore").read_text().splitlines()


def test_every_test_a_step_names_exists():
    """Each step of the checklists names the test that fails when it is skipped: real ones."""
    for title in ("Add an operation", "Add a chapter"):
        named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", section(title))
        assert len(named) >= 3, title
        for path, test in named:
            assert (ROOT / path).is_file(), path
            if test:
                assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), (path, test)
