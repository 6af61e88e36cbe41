"""The mutation check's list (scripts/mutate.py) stays true to the code, quickly.

``make mutate`` takes many minutes; these tests take a second. They fail when a mutant's
old text no longer occurs exactly once in its file (the code moved on and the mutant
would test nothing), and when a module the book shows has no mutant at all.
"""

from __future__ import annotations

import re

import mutate
import pytest
from repotools import ROOT

from scalargrad.ops import OPS

MUTANTS = mutate.all_mutants()


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_mutant_changes_its_file_in_one_place(mutant):
    text = (ROOT / mutant.file).read_text()
    assert text.count(mutant.old) == 1, f"{mutant.name}: bring it up to date in mutate.py"
    assert mutant.old != mutant.new


def test_mutant_names_are_unique():
    names = [m.name for m in MUTANTS]
    assert len(names) == len(set(names))


def test_every_module_the_book_shows_is_mutation_tested():
    include = re.compile(r'--8<-- "(scalargrad/[\w/]+\.py)')
    shown = {path for page in (ROOT / "docs").rglob("*.md")
             for path in include.findall(page.read_text(encoding="utf-8"))}
    untested = shown - {m.file for m in MUTANTS}
    assert shown and not untested, f"modules the book shows with no mutant: {sorted(untested)}"


def test_every_operation_that_records_local_derivatives_has_a_mutant():
    derived = {m.name.split("-local")[0] for m in mutate.registry_mutants()}
    delegating = {op.name for op in OPS.values() if op.name not in derived}
    # the operations written through another (2 + a is Value(2) + a) record none
    assert delegating == {"radd", "rmul", "rsub", "rdiv"}


def test_closures_accumulation_is_mutated_at_every_gradient():
    text = (ROOT / mutate.C).read_text()
    assert len(mutate.closure_mutants()) == text.count(".grad += ") == 5


def test_the_subset_make_test_runs_names_real_mutants():
    names = {m.name for m in MUTANTS}
    assert set(mutate.SUBSET) <= names, sorted(set(mutate.SUBSET) - names)
