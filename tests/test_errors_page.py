"""docs/reference/errors.md lists every message a guard of the package can raise (issue 27).

A guard is a statement tagged ``# guard`` (docs/hooks/listings.py hides it from the
listings). Every ``raise`` it can reach, in the guard itself or in the module's helpers
it calls, has a message whose fixed words must appear on the Errors page; the page's
examples are doctests, so the words there are the ones the package prints. A new guard
whose message the page lacks fails here: add an example of it to the page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from repotools import ROOT

PAGE = " ".join((ROOT / "docs" / "reference" / "errors.md").read_text(encoding="utf-8").split())
GUARD = re.compile(r"  # guard(?:: (?P<why>[^#]*))?$")
MODULES = sorted((ROOT / "scalargrad").glob("*.py"))


def _message_words(exc: ast.expr, funcs: dict[str, ast.FunctionDef]) -> list[str]:
    """The fixed parts (8 characters or more) of the message of ``raise exc``."""
    if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id in funcs:
        # raise _local_mismatch(...): the helper returns the exception
        returned = [n.value for n in ast.walk(funcs[exc.func.id])
                    if isinstance(n, ast.Return) and n.value is not None]
        return [w for r in returned for w in _message_words(r, funcs)]
    if not (isinstance(exc, ast.Call) and exc.args):
        return []
    arg = exc.args[0]
    parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
    words = [" ".join(p.value.split()) for p in parts
             if isinstance(p, ast.Constant) and isinstance(p.value, str)]
    return [w for w in words if len(w) >= 8]


def guarded_raises(path: Path) -> list[tuple[int, list[str]]]:
    """(line, message words) of every raise that a checking guard of ``path`` reaches."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    funcs = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    reached: list[ast.AST] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        m = GUARD.search(lines[node.lineno - 1])
        if m and (m["why"] or "check").split(";")[0].strip() == "check":
            reached.append(node)
    seen: set[str] = set()
    raises: dict[int, ast.Raise] = {}
    while reached:
        node = reached.pop()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Raise) and sub.exc is not None:
                raises[sub.lineno] = sub
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) \
                    and sub.func.id in funcs and sub.func.id not in seen:
                seen.add(sub.func.id)
                reached.append(funcs[sub.func.id])
    return [(line, _message_words(r.exc, funcs)) for line, r in sorted(raises.items())]


def test_the_guard_finder_follows_helpers():
    found = dict(guarded_raises(ROOT / "scalargrad" / "training.py"))
    assert any("steps must be at least 1, got" in words for words in found.values())
    assert len(found) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_guard_message_is_on_the_errors_page(path):
    missing = [(line, w) for line, words in guarded_raises(path) for w in words
               if w.strip() not in PAGE]
    unreadable = [line for line, words in guarded_raises(path) if not words]
    assert not unreadable, f"{path.name}: raises whose message this test cannot read: {unreadable}"
    assert not missing, (f"{path.name}: messages missing from docs/reference/errors.md "
                         f"(add an example of each): {missing}")
