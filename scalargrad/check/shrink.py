"""Shrinking a failing expression to the smallest one that still fails.

Each step tries a smaller candidate: a sub-expression in place of the whole, one
input in place of another, a rounder number for an input. A candidate replaces the
current expression only if it still fails and is strictly smaller by the measure
(nodes, distinct inputs, roundness of the numbers), so shrinking always ends.

>>> fails = lambda e, xs: "tanh" in repr(e)
>>> shrink(("add", ("mul", ("x", 0), ("tanh", ("x", 1))), ("x", 2)), [0.3, -1.7, 2.2], fails)
(('tanh', ('x', 0)), [1.0])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from scalargrad.check import exprs
from scalargrad.check.exprs import Expr

__all__ = ["shrink"]

ROUND = (1.0, 2.0, -1.0, 0.5, 3.0, -2.0)  # the numbers a reader checks in their head


def size(expr: Expr) -> int:
    """The number of operation and input nodes."""
    if expr[0] == "x":
        return 1
    return 1 + sum(size(a) for a in expr[1:] if isinstance(a, tuple))


def measure(expr: Expr, xs: Sequence[float]) -> tuple[int, int, int]:
    """What shrinking makes smaller: nodes, then distinct inputs, then un-round numbers."""
    roundness = sum(ROUND.index(x) if x in ROUND else len(ROUND) for x in xs)
    return size(expr), len(xs), roundness


def subexpressions(expr: Expr) -> Iterator[Expr]:
    """Every operation's sub-expressions, outermost first."""
    if expr[0] == "x":
        return
    for a in expr[1:]:
        if isinstance(a, tuple):
            yield a
            yield from subexpressions(a)


def replacements(expr: Expr) -> Iterator[Expr]:
    """``expr`` with one node replaced by one of its sub-expressions."""
    yield from subexpressions(expr)
    if expr[0] == "x":
        return
    for i, a in enumerate(expr[1:], start=1):
        if isinstance(a, tuple):
            for smaller in replacements(a):
                yield (*expr[:i], smaller, *expr[i + 1:])


def renamed(expr: Expr, old: int, new: int) -> Expr:
    """``expr`` with input ``old`` replaced by input ``new``."""
    if expr[0] == "x":
        return ("x", new) if expr[1] == old else expr
    return (expr[0], *(renamed(a, old, new) if isinstance(a, tuple) else a for a in expr[1:]))


def normalised(expr: Expr, xs: Sequence[float]) -> tuple[Expr, list[float]]:
    """Inputs renumbered 0, 1, ... in order of first appearance; unused ones dropped."""
    order: list[int] = []

    def walk(e: Expr) -> None:
        """Record the inputs of ``e`` in order of first appearance."""
        if e[0] == "x":
            if e[1] not in order:
                order.append(e[1])
            return
        for a in e[1:]:
            if isinstance(a, tuple):
                walk(a)

    walk(expr)

    def renumber(e: Expr) -> Expr:
        """``e`` with each input replaced by its place in ``order``."""
        if e[0] == "x":
            return ("x", order.index(e[1]))
        return (e[0], *(renumber(a) if isinstance(a, tuple) else a for a in e[1:]))

    return renumber(expr), [xs[i] for i in order]


def candidates(expr: Expr, xs: list[float]) -> Iterator[tuple[Expr, list[float]]]:
    """Smaller neighbours of (expr, xs), the most promising first."""
    for smaller in replacements(expr):
        yield smaller, xs
    for smaller in replacements(expr):  # a smaller expression may need other numbers
        for i in range(len(xs)):
            for r in ROUND:
                yield smaller, [*xs[:i], r, *xs[i + 1:]]
    for old in range(1, len(xs)):
        for new in range(old):
            yield renamed(expr, old, new), xs
    for i in range(len(xs)):
        for r in ROUND:
            if xs[i] != r:
                yield expr, [*xs[:i], r, *xs[i + 1:]]


def shrink(expr: Expr, xs: Sequence[float],
           fails: Callable[[Expr, list[float]], bool]) -> tuple[Expr, list[float]]:
    """The smallest (expression, inputs) found that still ``fails``."""
    best = normalised(expr, xs)
    progress = True
    while progress:
        progress = False
        for cand, cxs in candidates(*best):
            cand, cxs = normalised(cand, cxs)
            if measure(cand, cxs) < measure(*best) and exprs.well_behaved(cand, cxs) \
                    and fails(cand, cxs):
                best, progress = (cand, cxs), True
                break
    return best
