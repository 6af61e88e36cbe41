"""Small expressions over a few inputs: built with any Value class, with floats, or at random.

An expression is a tuple: ``("x", i)`` is input number ``i``; ``(op, *args)`` applies
the operation ``op`` (a name from :data:`~scalargrad.check.chapters.OPS`) to its
arguments, which are expressions or plain numbers (``("rmul", 2.0, ("x", 0))`` is
``2 * a``). An input used twice is the same node twice, as in ``a + a``; so is a repeated
sub-expression: in ``(a*b + 1) * (a*b * 2)`` the two ``a*b`` are one node, used twice.

>>> e = ("mul", ("add", ("x", 0), ("x", 0)), ("x", 1))
>>> render(e)
'(a + a) * b'
>>> value(e, [3.0, 2.0])
12.0
>>> shared(("mul", ("add", ("mul", ("x", 0), ("x", 1)), 1.0), ("mul", ("x", 0), ("x", 1))))
['a * b']
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from scalargrad.ops import NUMBER, OPS, VALUE

__all__ = ["NAMES", "build", "gradients", "leaf_uses", "random_expr", "render", "shared",
           "value"]

Expr = tuple[Any, ...]
NAMES = "abcd"
UNARY = tuple(n for n, op in OPS.items() if op.operands == (VALUE,))
BINARY = tuple(n for n, op in OPS.items() if op.operands == (VALUE, VALUE))  # Value or number
REFLECTED = tuple(n for n, op in OPS.items() if op.operands == (NUMBER, VALUE))  # number left
POWER = tuple(n for n, op in OPS.items() if op.operands == (VALUE, NUMBER))  # a ** 2


def build(expr: Expr, leaves: Sequence[Any], nodes: dict[Expr, Any] | None = None) -> Any:
    """The expression built from ``leaves`` (Values of some class): its output node.

    Equal sub-expressions are built once: the second ``a * b`` is the first one's node.
    """
    nodes = {} if nodes is None else nodes
    if expr[0] == "x":
        return leaves[expr[1]]
    if expr not in nodes:
        args = [a if isinstance(a, (int, float)) else build(a, leaves, nodes) for a in expr[1:]]
        nodes[expr] = OPS[expr[0]].call(*args)
    return nodes[expr]


def shared(expr: Expr) -> list[str]:
    """The operations that occur more than once in ``expr``: one node, used twice."""
    seen: dict[Expr, int] = {}

    def walk(e: Expr) -> None:
        """Count every operation node of ``e``."""
        if e[0] == "x":
            return
        seen[e] = seen.get(e, 0) + 1
        for a in e[1:]:
            if isinstance(a, tuple):
                walk(a)

    walk(expr)
    return [render(e) for e, n in seen.items() if n > 1]


def value(expr: Expr, xs: Sequence[float]) -> float:
    """The expression computed with plain floats (raises on a domain error)."""
    if expr[0] == "x":
        return xs[expr[1]]
    args = [a if isinstance(a, (int, float)) else value(a, xs) for a in expr[1:]]
    op = OPS[expr[0]]
    if not op.domain(*args):
        raise ValueError(f"{expr[0]} is not defined at {args}")
    return float(op.forward(*args))


def gradients(expr: Expr, xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """d(expr)/d(input i) for every input, by central differences."""
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((value(expr, up) - value(expr, down)) / (2 * h))
    return out


def render(expr: Expr, top: bool = True) -> str:
    """The expression as Python source, inputs named a, b, c, d."""
    if expr[0] == "x":
        return NAMES[expr[1]]
    args = [_number(a) if isinstance(a, (int, float)) else render(a, False) for a in expr[1:]]
    text = OPS[expr[0]].form.format(*args)
    if expr[0] in UNARY and expr[0] != "neg":
        return text
    return text if top else f"({text})"


def _number(x: float) -> str:
    """A constant as written in an expression: 2 rather than 2.0."""
    return str(int(x)) if float(x).is_integer() else repr(x)


def leaf_uses(expr: Expr) -> dict[int, int]:
    """How many times each input appears in the expression."""
    if expr[0] == "x":
        return {expr[1]: 1}
    uses: dict[int, int] = {}
    for a in expr[1:]:
        if not isinstance(a, (int, float)):
            for i, n in leaf_uses(a).items():
                uses[i] = uses.get(i, 0) + n
    return uses


def well_behaved(expr: Expr, xs: Sequence[float]) -> bool:
    """True when every node stays moderate and away from kinks, poles and domain edges."""
    try:
        return _moderate(expr, xs)
    except (ArithmeticError, ValueError):
        return False


def _moderate(expr: Expr, xs: Sequence[float]) -> bool:
    """:func:`well_behaved`, raising where a plain float computation raises."""
    if expr[0] == "x":
        return True
    if not all(isinstance(a, (int, float)) or _moderate(a, xs) for a in expr[1:]):
        return False
    args = [a if isinstance(a, (int, float)) else value(a, xs) for a in expr[1:]]
    op = expr[0]
    near_pole = op in ("div", "rdiv", "log") or (op in POWER and args[1] < 0)
    if near_pole and abs(args[0 if op in ("log", *POWER) else 1]) < 0.25:
        return False
    if op == "log" and args[0] <= 0:
        return False
    if op == "relu" and abs(args[0]) < 1e-3:
        return False
    if op in ("exp", "tanh", "sigmoid") and abs(args[0]) > 10:  # no overflow, no flat tails
        return False
    return abs(value(expr, xs)) < 1e4


def random_expr(rng: random.Random, ops: Sequence[str], n_inputs: int, depth: int) -> Expr:
    """A random expression over ``ops`` with inputs 0 .. n_inputs - 1."""
    if depth == 0 or rng.random() < 0.25:
        return ("x", rng.randrange(n_inputs))
    op = rng.choice(list(ops))
    sub = random_expr(rng, ops, n_inputs, depth - 1)
    if op in UNARY:
        return (op, sub)
    if op in POWER:
        return (op, sub, rng.choice([2, 3, -1]))
    k = rng.choice([2.0, 3.0, -1.5, 0.5])
    if op in REFLECTED:
        return (op, k, sub)
    roll = rng.random()
    if roll < 0.3:
        return (op, sub, k)
    if roll < 0.5:  # the same sub-expression twice: one inner node used twice
        return (op, sub, sub)
    return (op, sub, random_expr(rng, ops, n_inputs, depth - 1))
