"""MkDocs hook: predict-then-run questions, whose answers come from running their code.

A chapter asks a question with a fenced ``predict`` block of YAML::

    ```predict
    prompt: After `b = a + a` and `b.backward()`, what is `a.grad`?
    code: |
      from scalargrad import Value
      a = Value(3.0)
      b = a + a
      b.backward()
      print(a.grad)
    answer: "2.0"
    choices:
      "1.0": Each edge from `a` to `b` carries 1.0, and `a` sits on both.
      "2.0": Both uses of `a` add their share, 1.0 each.
      "0.0": ...
    ```

``kind`` is ``choice`` when there are ``choices`` (each with the explanation shown to a
reader who picks it, the right one's included), else ``short`` (the reader types the
answer; ``explain`` says why). ``show_code: true`` shows the code with the question
("what does this print"); otherwise it appears once the reader has answered.

When the site is built the code runs with the package, statement by statement as at a
prompt (:func:`run`). What it prints is the answer: a question whose stated ``answer``
differs fails the build, and so does a wrong choice that equals it (as text or as a
number). So a question cannot go stale. The page gets the question as HTML for
docs/assets/javascripts/questions.js, the code as a ``pycon`` block the page's runner
can run, and, at the end of the chapter, the answers (shown on the whole-book page and
in print only). Every question is published in ``_data/questions.json``.

Every page also says how many questions and exercises each chapter has (``#sg-questions``),
so that questions.js can mark in the navigation what the reader has answered.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

# docs/hooks/: MkDocs puts a hook's folder on sys.path while it loads the hook.
import package_wheel
import pycon_blocks
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

FENCE = re.compile(r"^```predict[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
KEYS = {"prompt", "code", "answer", "choices", "explain", "show_code"}
WIDTH = 80  # no code line on a page is wider
SEED = 0  # what random draws a question's code makes
DATA = "_data/questions.json"
#: The title of a question's runnable code, by which runnable_blocks.py tells it apart.
RUN_TITLE = "the question's code: run it"


@dataclass
class Question:
    """One question of a chapter, as its fence states it."""

    prompt: str
    code: str
    answer: str
    choices: dict[str, str] = field(default_factory=dict)
    explain: str = ""
    show_code: bool = False

    @property
    def kind(self) -> str:
        """``choice`` (pick one of ``choices``) or ``short`` (type the answer)."""
        return "choice" if self.choices else "short"


def parse(body: str, where: str) -> Question:
    """The question a fence's YAML states; a :class:`ValueError` says what is wrong."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: the question is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a question is a mapping with keys {sorted(KEYS)}")
    unknown = set(data) - KEYS
    missing = {"prompt", "code", "answer"} - set(data)
    if unknown or missing:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}, missing keys "
                         f"{sorted(missing)}; a question has {sorted(KEYS)}")
    choices = data.get("choices") or {}
    if not isinstance(choices, dict) or len(choices) == 1:
        raise ValueError(f"{where}: choices maps each choice (two or more) to its explanation")
    question = Question(
        prompt=str(data["prompt"]).strip(),
        code=str(data["code"]).rstrip("\n") + "\n",
        answer=str(data["answer"]).strip(),
        choices={str(k).strip(): str(v).strip() for k, v in choices.items()},
        explain=str(data.get("explain") or "").strip(),
        show_code=bool(data.get("show_code", False)),
    )
    if question.kind == "short" and not question.explain:
        raise ValueError(f"{where}: a question without choices needs `explain`")
    if question.kind == "choice" and question.explain:
        raise ValueError(f"{where}: a question with choices explains each choice, "
                         "not with `explain`")
    return question


def same(a: str, b: str) -> bool:
    """Whether two answers are the same, word by word: as text or as numbers (2 is 2.0)."""
    words_a, words_b = a.split(), b.split()
    return len(words_a) == len(words_b) and all(map(_same_word, words_a, words_b))


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def _statements(code: str) -> list[str]:
    """The code's top-level statements, each as its own source text."""
    tree = ast.parse(code)
    lines = code.splitlines()
    return ["\n".join(lines[node.lineno - 1 : node.end_lineno]) for node in tree.body]


def run(code: str) -> tuple[str, list[tuple[str, str]]]:
    """What the code prints, and each statement with its output, as at a prompt."""
    namespace: dict = {"__name__": "__main__"}
    state = random.getstate()
    random.seed(SEED)
    steps = []
    try:
        for source in _statements(code):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(source + "\n", "<question>", "single"), namespace)
            steps.append((source, out.getvalue()))
    finally:
        random.setstate(state)
    return "".join(output for _, output in steps).strip(), steps


def check(question: Question, printed: str, where: str) -> None:
    """Fail unless the stated answer is what the code printed and no wrong choice is."""
    if not same(question.answer, printed):
        raise ValueError(f"{where}: the question states the answer {question.answer!r}, "
                         f"but its code prints {printed!r}")
    if question.kind == "choice":
        right = [c for c in question.choices if same(c, printed)]
        if right != [c for c in question.choices if c == question.answer]:
            raise ValueError(f"{where}: the choices that equal what the code prints "
                             f"({printed!r}) are {right}; exactly one, the answer "
                             f"{question.answer!r}, may")


def _bound_and_read(node: ast.AST) -> tuple[set[str], set[str]]:
    """The names a statement binds (imports aside) and the names it reads."""
    stores, loads = set(), set()
    for item in ast.walk(node):
        if isinstance(item, ast.Name):
            (loads if isinstance(item.ctx, ast.Load) else stores).add(item.id)
        elif isinstance(item, ast.FunctionDef | ast.ClassDef):
            stores.add(item.name)
    return stores, loads


def clashes(code: str, later: list[str]) -> set[str]:
    """Names the question's code rebinds that the chapter's later examples read first.

    The page runs a chapter's blocks, questions included, in one namespace: a later
    example must not read a name the question changed before the chapter binds it again.
    Imports do not count: they bind what the chapter's own imports bind. ``later``
    holds the code of the chapter's examples after the question, in order.
    """
    mine = _bound_and_read(ast.parse(code))[0]
    rebound: set[str] = set()
    found = set()
    for example in later:
        for statement in ast.parse(example).body:
            stores, loads = _bound_and_read(statement)
            found |= (loads - rebound) & mine
            rebound |= stores
    return found


def pycon(steps: list[tuple[str, str]], where: str = "") -> str:
    """The statements and their outputs as a ``pycon`` block's text."""
    lines = []
    for source, output in steps:
        first, *rest = source.splitlines()
        lines.append(">>> " + first)
        lines.extend("... " + line for line in rest)
        if rest:
            lines.append("...")
        lines.extend(output.splitlines())
    for line in lines:
        if len(line) > WIDTH:
            raise ValueError(f"{where}: the line {line!r} of the question's code is wider "
                             f"than {WIDTH} columns")
    return "\n".join(lines)


def render(question: Question, qid: str, steps: list[tuple[str, str]], where: str) -> str:
    """The question as Markdown with HTML, for questions.js."""
    attrs = (f'class="sg-q" id="{qid}" data-kind="{question.kind}" '
             f'data-answer="{html.escape(question.answer)}"')
    parts = [f'<div {attrs} markdown="1">',
             '<p class="sg-q__label">Predict, then run</p>',
             f'<div class="sg-q__prompt" markdown="1">\n\n{question.prompt}\n\n</div>']
    if question.show_code:
        parts.append(f"\n```python\n{question.code}```\n")
    if question.kind == "choice":
        parts.append('<fieldset class="sg-q__choices"><legend>Your answer</legend>')
        for index, choice in enumerate(question.choices):
            parts.append(f'<label><input type="radio" name="{qid}" value="{index}" '
                         f'data-choice="{html.escape(choice)}"> <code>{html.escape(choice)}'
                         "</code></label>")
        parts.append("</fieldset>")
    else:
        parts.append(f'<label class="sg-q__short">Your answer '
                     f'<input type="text" name="{qid}" autocomplete="off" '
                     'spellcheck="false"></label>')
    parts.append('<p class="sg-q__actions"><button type="button" '
                 'class="md-button md-button--primary sg-q__check">Check my answer</button></p>')
    parts.append('<p class="sg-q__verdict" role="status" aria-live="polite"></p>')
    explanations = question.choices.items() if question.kind == "choice" else [
        (question.answer, question.explain)]
    for choice, text in explanations:
        parts.append(f'<div class="sg-q__why" data-for="{html.escape(choice)}" hidden '
                     f'data-search-exclude markdown="1">\n\n{text}\n\n</div>')
    parts.append(f'<div class="sg-q__run" hidden data-search-exclude markdown="1">\n\n'
                 f'```pycon title="{RUN_TITLE}"\n{pycon(steps, where)}\n```\n\n</div>')
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def answers_section(items: list[tuple[Question, str]]) -> str:
    """The chapter's answers, for the whole-book page and print (hidden on the chapter)."""
    rows = ['<div class="sg-q-answers" data-search-exclude markdown="1">',
            '<p class="sg-q-answers__title">Answers to this chapter\'s questions</p>']
    for question, qid in items:
        why = (question.choices[question.answer] if question.kind == "choice"
               else question.explain)
        number = qid.rsplit("-", 1)[1]
        rows.append(f'<div class="sg-q-answers__item" markdown="1">\n\n'
                    f"[Question {number}](#{qid}): {question.prompt}\n\n"
                    f"**Answer: `{question.answer}`.** {why}\n\n</div>")
    rows.append("</div>")
    return "\n" + "\n".join(rows) + "\n"


def page_questions(markdown: str, where: str) -> list[tuple[re.Match[str], Question]]:
    """Every question fence of a page's Markdown, parsed."""
    found = []
    for match in FENCE.finditer(markdown):
        line = markdown.count("\n", 0, match.start()) + 1
        found.append((match, parse(match.group("body"), f"{where}:{line}")))
    return found


def check_page(markdown: str, where: str) -> list[tuple[re.Match[str], Question, list, str]]:
    """Run and check every question of a page: (fence, question, its steps, where)."""
    chapter_blocks = pycon_blocks.pycon_blocks(markdown)
    checked = []
    for match, question in page_questions(markdown, where):
        at = f"{where}:{markdown.count(chr(10), 0, match.start()) + 1}"
        try:
            printed, steps = run(question.code)
        except Exception as exc:  # the question's own code failed
            raise ValueError(f"{at}: the question's code raised {type(exc).__name__}: "
                             f"{exc}") from None
        check(question, printed, at)
        later = [example.code for block in chapter_blocks if block.start > match.end()
                 for example in block.examples if not example.skip]
        clash = clashes(question.code, later)
        if clash:
            raise ValueError(f"{at}: the question's code rebinds {sorted(clash)}, which "
                             "the chapter's later examples read; the page runs both in "
                             "one namespace: rename them in the question")
        checked.append((match, question, steps, at))
    return checked


def entry(question: Question, page_url: str, qid: str) -> dict:
    """The question as ``_data/questions.json`` lists it."""
    item = {"page": page_url, "id": qid, "kind": question.kind, "prompt": question.prompt,
            "code": question.code, "answer": question.answer}
    if question.kind == "choice":
        item["choices"] = list(question.choices)
        item["explain"] = dict(question.choices)
    else:
        item["explain"] = question.explain
    return item


# --- the hook ----------------------------------------------------------------------

_order: dict[str, int] = {}  # page URL -> its place in the nav
_counts: dict[str, list[int]] = {}  # page URL -> [its questions, its exercises]
_published: dict[str, list[dict]] = {}  # page URL -> its questions' entries


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _order.clear()
    _order.update({page.url: i for i, page in enumerate(nav.pages)})
    _published.clear()
    _counts.clear()
    for page in nav.pages:
        source = Path(config.docs_dir) / page.file.src_uri
        if source.suffix == ".md" and source.is_file():
            text = source.read_text(encoding="utf-8")
            exercises = sum(1 for line in text.splitlines() if pycon_blocks.EXERCISE.match(line))
            asked = [len(FENCE.findall(text)), exercises]
            if any(asked):
                _counts[page.url] = asked
    return nav


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Every page says how many questions and exercises each chapter has, for the nav."""
    data = json.dumps(_counts, separators=(",", ":"), sort_keys=True)
    # Answers are kept under the book's version, as the reader's edits are
    # (runnable_blocks.py): a new edition starts with no answers.
    version = package_wheel.project(package_wheel.root_of(config))["version"]
    return html + (f'\n<script type="application/json" id="sg-questions" '
                   f'data-version="{version}" data-page="{page.url}">{data}</script>\n')


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "```predict" not in markdown:
        _published.pop(page.url, None)
        return markdown
    try:
        checked = check_page(markdown, page.file.src_uri)
    except ValueError as exc:
        raise PluginError(f"questions: {exc}") from None
    pieces, last, items, entries = [], 0, [], []
    for number, (match, question, steps, where) in enumerate(checked, start=1):
        qid = f"predict-{number}"
        try:
            html_text = render(question, qid, steps, where)
        except ValueError as exc:
            raise PluginError(f"questions: {exc}") from None
        pieces += [markdown[last : match.start()], html_text]
        last = match.end()
        items.append((question, qid))
        entries.append(entry(question, page.url, qid))
    pieces.append(markdown[last:])
    _published[page.url] = entries
    return "".join(pieces).rstrip("\n") + "\n" + answers_section(items)


def on_post_build(config: MkDocsConfig) -> None:
    pages = sorted(_published, key=lambda url: _order.get(url, len(_order)))
    data = [item for url in pages for item in _published[url]]
    target = Path(config.site_dir) / DATA
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
