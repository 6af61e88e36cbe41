"""Griffe extension for the API reference: docstrings written for ``help()`` read well.

The package's docstrings carry their examples as bare doctests (``>>>`` lines followed
by the expected output), which pytest runs. Markdown would read them as paragraphs,
and an output such as ``['a', 'b']`` as a link. This extension puts every run of
doctest lines that is not already in a fenced block or an ``Examples:`` section into a
```` ```pycon ```` fence. It also turns reStructuredText roles (``:func:`name```) into
code and drops the ``::`` that introduces a literal block. Loaded by mkdocstrings
(``extensions:`` in mkdocs.yml).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|exc|data|obj|const):`~?([^`]+)`")
_LITERAL = re.compile(r"(\S)?( ?)::$")


def rst_to_markdown(line: str) -> str:
    """Turn reStructuredText roles into code and ``text::`` into ``text:``.

    >>> rst_to_markdown("Calls :meth:`Value._backward` on :class:`~scalargrad.engine.Value`::")
    'Calls `Value._backward` on `scalargrad.engine.Value`:'
    """
    line = _ROLE.sub(lambda m: f"`{m.group(1)}`", line)
    return _LITERAL.sub(
        lambda m: (m.group(1) + ":") if m.group(1) and not m.group(2) else (m.group(1) or ""), line
    )


def fence_doctests(text: str) -> str:
    """Wrap runs of doctest lines in pycon fences.

    >>> fence_doctests("Add.\\n\\n>>> 1 + 1\\n2\\n\\nDone.").splitlines()
    ['Add.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    lines = text.split("\n")
    out: list[str] = []
    in_fence: str | None = None
    in_examples = False
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if in_fence is None:
                in_fence = marker
            elif marker.startswith(in_fence):
                in_fence = None
        section = _SECTION.match(line)
        if section and in_fence is None:
            in_examples = section.group(1).strip().lower() in {"examples", "example"}
        stripped = line.lstrip()
        if in_fence is None and not in_examples and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block: list[str] = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out.append(f"{indent}```pycon")
            out.extend(block)
            out.append(f"{indent}```")
            continue
        out.append(rst_to_markdown(line) if in_fence is None else line)
        i += 1
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctests of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
