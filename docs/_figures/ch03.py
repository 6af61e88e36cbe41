"""Figures of chapter 3: the expression graphs of d = a*b + c and L = (a*b + c) * f."""

from __future__ import annotations

from scalargrad import Value
from scalargrad.datasets import lecture_expression


def build_d() -> Value:
    """d = a*b + c with the chapter's numbers and labels."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    d = a * b + c
    d.label = "d"
    return d


def graph_d() -> str:
    """The graph of d, no grads yet."""
    from scalargrad.viz import draw_dot

    return draw_dot(build_d(), show_grad=False).pipe(format="svg").decode()


def graph_L() -> str:
    """The graph of L, no grads yet."""
    from scalargrad.viz import draw_dot

    return draw_dot(lecture_expression(), show_grad=False).pipe(format="svg").decode()


FIGURES = {
    "ch03-graph-d.svg": graph_d,
    "ch03-graph-l.svg": graph_L,
}
