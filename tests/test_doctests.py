"""The per-example doctests of the book (conftest.py, Sybil over docs/hooks/pycon_blocks.py)."""

from __future__ import annotations

import doctest
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from repotools import load_module
from sybil import Sybil
from sybil.example import SybilFailure

ROOT = Path(__file__).resolve().parents[1]


conftest = load_module(ROOT / "conftest.py", "_root_conftest")

PAGE = textwrap.dedent(
    """\
    # A page

    ```pycon
    >>> x = 2
    >>> x * 3
    6
    ```

    !!! note

        ```pycon
        >>> print("a  b")  # doctest: -NORMALIZE_WHITESPACE
        a  b
        >>> [x,
        ...  x]
        [2,   2]
        ```

    ```pycon title="raises"
    >>> 1 / 0
    Traceback (most recent call last):
    ...
    ZeroDivisionError: division by zero
    >>> x
    2
    ```
    """
)


def _examples(tmp_path: Path, text: str):
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    document = Sybil(parsers=[conftest.parse_pycon], patterns=["*.md"]).parse(path)
    return list(document)


def test_one_test_per_example_sharing_one_namespace(tmp_path: Path) -> None:
    examples = _examples(tmp_path, PAGE)
    assert [e.line for e in examples] == [4, 5, 12, 14, 20, 24]
    for example in examples:
        example.evaluate()  # raises SybilFailure on a mismatch
    # the closing fence right after an output line is not part of the expected output
    assert examples[1].parsed.want == "6\n"
    assert examples[4].parsed.exc_msg == "ZeroDivisionError: division by zero\n"
    assert examples[2].parsed.options == {doctest.NORMALIZE_WHITESPACE: False}


def test_a_wrong_output_fails_and_names_the_markdown_line(tmp_path: Path) -> None:
    examples = _examples(tmp_path, PAGE.replace("6\n```", "7\n```"))
    examples[0].evaluate()
    with pytest.raises(SybilFailure) as failure:
        examples[1].evaluate()
    message = str(failure.value)
    assert "page.md, line 5, column 1" in message
    assert "Expected:\n    7\nGot:\n    6" in message


def test_an_exception_that_does_not_happen_fails(tmp_path: Path) -> None:
    examples = _examples(tmp_path, PAGE.replace(">>> 1 / 0", ">>> 1 / 1"))
    for example in examples[:4]:
        example.evaluate()
    with pytest.raises(SybilFailure, match="line 20"):
        examples[4].evaluate()


def test_project_flags_and_bad_directives() -> None:
    assert conftest.project_optionflags() & doctest.NORMALIZE_WHITESPACE
    assert conftest.directive_options("# doctest: +ELLIPSIS -SKIP", "x") == {
        doctest.ELLIPSIS: True,
        doctest.SKIP: False,
    }
    with pytest.raises(ValueError, match=r"page\.md:3: unknown doctest option flag 'ELIPSIS'"):
        conftest.directive_options("# doctest: +ELIPSIS", "page.md:3")


def test_pytest_reports_each_chapter_example_as_its_own_test() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "docs/chapters/slope.md",
            "README.md",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ids = [line for line in result.stdout.splitlines() if "::line:" in line]
    chapter = (ROOT / "docs/chapters/slope.md").read_text(encoding="utf-8")
    prompts = sum(1 for line in chapter.splitlines() if line.lstrip().startswith(">>>"))
    assert len([i for i in ids if i.startswith("docs/chapters/slope.md")]) == prompts
    assert any(i.startswith("README.md::line:") for i in ids)
