"""The chapter's figures: tanh rebuilt from exp, with single-operation - and / and composed."""

from __future__ import annotations

from scalargrad import Value

N = 0.8813735870195432  # the neuron's n from the chapter "neuron"


def exp_of_2n() -> tuple[Value, Value]:
    """n as a leaf, and e = exp(2n), labelled."""
    n = Value(N, label="n")
    two_n = 2 * n
    two_n.label = "2n"
    e = two_n.exp()
    e.label = "e"
    return n, e


def single_ops() -> Value:
    """(e - 1) / (e + 1) with this engine's own - and /."""
    _, e = exp_of_2n()
    top = e - 1
    top.label = "e - 1"
    bottom = e + 1
    bottom.label = "e + 1"
    o = top / bottom
    o.label = "o"
    o.backward()
    return o


def composed() -> Value:
    """(e + (-1)) * (e + 1) ** -1: subtraction and division the lecture's way."""
    _, e = exp_of_2n()
    top = e + -1
    top.label = "e + (-1)"
    bottom = e + 1
    bottom.label = "e + 1"
    inverse = bottom**-1
    inverse.label = "(e + 1)**-1"
    o = top * inverse
    o.label = "o"
    o.backward()
    return o


def draw(o: Value) -> str:
    from scalargrad.viz import draw_dot

    return draw_dot(o, rankdir="TB").pipe(format="svg").decode()


FIGURES = {
    "more-operations-tanh-single-ops.svg": lambda: draw(single_ops()),
    "more-operations-tanh-composed.svg": lambda: draw(composed()),
}
