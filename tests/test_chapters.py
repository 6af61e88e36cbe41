"""Chapters by slug (issue 27): scalargrad/chapters.py numbers them, everything else derives.

The nav of mkdocs.yml must list the same slugs in the same order (tests/test_chapter_table.py).
"""

from __future__ import annotations

import pytest

from scalargrad import chapters as book
from scalargrad.check import chapters
from scalargrad.check.__main__ import parser
from scalargrad.ops import OPS


def test_numbers_and_slugs_go_both_ways():
    assert [book.number(s) for s in book.CHAPTERS] == list(range(1, len(book.CHAPTERS) + 1))
    assert all(book.slug(book.number(s)) == s for s in book.CHAPTERS)
    with pytest.raises(ValueError, match="no chapter has the slug 'mpl'"):
        book.number("mpl")
    with pytest.raises(ValueError, match=f"numbered 1 to {len(book.CHAPTERS)}"):
        book.slug(0)


def test_every_operation_names_its_chapter_by_slug():
    for op in OPS.values():
        assert op.added_in is None or op.added_in in book.CHAPTERS, op.name
        assert op.chapter == (op.added_in and book.number(op.added_in))
    assert OPS["add"].chapter == chapters.FIRST and OPS["relu"].chapter == chapters.LAST


def test_the_checkers_chapters_are_derived_from_slugs():
    assert book.slug(chapters.NN) == "mlp"
    assert book.slug(chapters.ZERO_GRAD) == "zero-grad-bug"
    assert book.slug(chapters.BACKWARD) == "automating-backward"


@pytest.mark.parametrize("given", [chapters.NN, "mlp"])
def test_a_chapter_is_given_by_number_or_by_slug(given):
    assert chapters.validate(given) == chapters.NN
    assert parser().parse_args(["engine.py", "--chapter", str(given)]).chapter == chapters.NN


@pytest.mark.parametrize("bad", [chapters.FIRST - 1, chapters.LAST + 1, "slope", "8", True, 8.0,
                                 "tensors", "nope"])
def test_a_chapter_the_checker_does_not_know_is_refused_with_the_choices(bad):
    with pytest.raises(ValueError, match=f"from {chapters.FIRST} to {chapters.LAST} or one of "
                                         r"their slugs \(value, backprop-by-hand, "):
        chapters.validate(bad)


def test_the_command_line_says_which_chapters_it_takes(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["engine.py", "--chapter", "tensors"])
    err = capsys.readouterr().err
    assert f"invalid choice: tensors (choose a chapter from {chapters.FIRST} to" in err
    assert f"{chapters.NN} mlp" in err
    help_text = parser().format_help()
    assert f"from chapter {chapters.FIRST} on" in help_text
    assert f"from chapter {chapters.NN} on, nn.py" in help_text
