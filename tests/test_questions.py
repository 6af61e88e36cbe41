"""Predict-then-run questions (docs/hooks/questions.py): answers that cannot go stale.

Every question of the book is run here as the build runs it, so ``make quick`` catches a
stale answer too; then the rules themselves, on small questions of our own: a stated
answer that the code does not print fails, a wrong choice that equals the printed
answer fails (as a number too), a question's code that rebinds a name the chapter reads
later fails, and the published ``_data/questions.json`` has what a teacher needs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repotools import ROOT, load_module

from scalargrad.chapters import number as chapter_number

HOOKS = ROOT / "docs" / "hooks"
questions = load_module(HOOKS / "questions.py", "_test_questions", folder_on_path=True)
listings = load_module(HOOKS / "listings.py", "_test_questions_listings", folder_on_path=True)

#: The chapters that teach the engine and its training, up to the classifier: each asks
#: at least this many questions.
TAUGHT = chapter_number("classifier")
AT_LEAST = 3


def book_questions() -> list[tuple[int, str, object]]:
    """Every question of the chapters: (chapter number, where, question)."""
    found = []
    for number, path in listings.chapter_files():
        text = path.read_text(encoding="utf-8")
        for match, question in questions.page_questions(text, path.name):
            line = text.count("\n", 0, match.start()) + 1
            found.append((number, f"{path.name}:{line}", question))
    return found


BOOK = book_questions()


@pytest.mark.parametrize("path", [path for _, path in listings.chapter_files()],
                         ids=lambda path: path.name)
def test_every_answer_is_what_its_code_prints(path):
    """As the build checks them: the answer, the wrong choices, the names, the width."""
    for _, _, steps, where in questions.check_page(path.read_text(encoding="utf-8"), path.name):
        questions.pycon(steps, where)


def test_every_chapter_that_teaches_the_engine_asks_questions():
    counts = {number: 0 for number, _ in listings.chapter_files() if number <= TAUGHT}
    for number, _, _ in BOOK:
        counts[number] = counts.get(number, 0) + 1
    few = {number: count for number, count in counts.items() if count < AT_LEAST}
    assert not few, f"chapters with fewer than {AT_LEAST} questions: {few}"


def test_the_kinds_of_questions():
    kinds = {question.kind for _, _, question in BOOK}
    assert kinds == {"choice", "short"}, kinds
    assert any(question.show_code for _, _, question in BOOK), "no 'what does this print'"


def test_every_choice_has_its_own_explanation():
    for _, where, question in BOOK:
        for choice, why in question.choices.items():
            assert why, f"{where}: the choice {choice!r} has no explanation"
        whys = list(question.choices.values())
        assert len(set(whys)) == len(whys), f"{where}: two choices share an explanation"


# --- the rules, on questions of our own ----------------------------------------------

FENCE = """\
prompt: What is `2 * 3`?
code: |
  print(2 * 3)
answer: "{answer}"
choices:
  "6": Two threes.
  "{other}": Not that.
"""


def parse(answer: str = "6", other: str = "5"):
    return questions.parse(FENCE.format(answer=answer, other=other), "a.md:1")


def test_a_stale_answer_fails():
    question = parse(answer="7", other="6.5")
    printed, _ = questions.run(question.code)
    with pytest.raises(ValueError, match=r"states the answer '7', but its code prints '6'"):
        questions.check(question, printed, "a.md:1")


def test_a_wrong_choice_that_is_right_as_a_number_fails():
    question = parse(other="6.0")
    printed, _ = questions.run(question.code)
    with pytest.raises(ValueError, match=r"choices that equal what the code prints"):
        questions.check(question, printed, "a.md:1")


def test_a_right_question_passes():
    question = parse()
    printed, steps = questions.run(question.code)
    questions.check(question, printed, "a.md:1")
    assert printed == "6"
    assert questions.pycon(steps) == ">>> print(2 * 3)\n6"


def test_bad_questions_say_what_is_allowed():
    with pytest.raises(ValueError, match=r"missing keys \['answer'\]"):
        questions.parse("prompt: x\ncode: pass\n", "a.md:1")
    with pytest.raises(ValueError, match="needs `explain`"):
        questions.parse("prompt: x\ncode: print(1)\nanswer: '1'\n", "a.md:1")
    with pytest.raises(ValueError, match="not valid YAML"):
        questions.parse("prompt: [x\n", "a.md:1")


def test_answers_compare_word_by_word_as_numbers_or_text():
    assert questions.same("-3 2", "-3.0 2.0")
    assert questions.same(" True ", "True")
    assert not questions.same("-3.0", "-3.0 2.0")
    assert not questions.same("2.0001", "2.0")
    assert not questions.same("true", "True")


def test_statements_run_as_at_a_prompt():
    printed, steps = questions.run("x = 2\nfor i in range(2):\n    x += i\nx\n")
    assert printed == "3"
    assert questions.pycon(steps) == (">>> x = 2\n>>> for i in range(2):\n...     x += i\n"
                                      "...\n>>> x\n3")


def test_a_question_may_not_rebind_what_the_chapter_reads_later():
    code = "a = 1\nb = a + 1\nprint(b)\n"
    assert questions.clashes(code, ["a = 5", "a + b"]) == {"b"}
    assert questions.clashes(code, ["a = 5; b = 2", "a + b"]) == set()
    assert questions.clashes("from math import pi\nprint(pi)\n", ["pi"]) == set()


def test_the_published_questions(site: Path):
    data = json.loads((site / questions.DATA).read_text(encoding="utf-8"))
    assert len(data) == len(BOOK)
    for item in data:
        assert (site / item["page"] / "index.html").is_file(), item["page"]
        assert {"page", "prompt", "answer", "explain", "kind", "code"} <= set(item)
        if item["kind"] == "choice":
            assert item["answer"] in item["choices"]
            assert set(item["explain"]) == set(item["choices"])
        html = (site / item["page"] / "index.html").read_text(encoding="utf-8")
        assert f'id="{item["id"]}"' in html
    whole = (site / "print_page" / "index.html").read_text(encoding="utf-8")
    assert whole.count('class="sg-q-answers__item"') == len(data), "answers on the whole-book page"
