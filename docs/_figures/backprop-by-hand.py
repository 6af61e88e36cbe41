"""The chapter's figure: the graph of L with every grad filled in by hand (the chain rule)."""

from __future__ import annotations

from scalargrad import build_topo
from scalargrad.datasets import lecture_expression

RANKDIR = "TB"  # inputs on top, L at the bottom (as in the chapter "neuron"): narrow enough to read


def graph_L_grads() -> str:
    """Build L = (a*b + c) * f and fill in the grads node by node, as the chapter does."""
    from scalargrad.viz import draw_dot

    L = lecture_expression()
    node = {n.label: n for n in build_topo(L)}
    a, b, c, d, e, f = (node[name] for name in "abcdef")
    # The chain rule, from L back to the inputs: grad of a child = local derivative * parent's grad.
    L.grad = 1.0
    d.grad = f.data * L.grad
    f.grad = d.data * L.grad
    e.grad = 1.0 * d.grad
    c.grad = 1.0 * d.grad
    a.grad = b.data * e.grad
    b.grad = a.data * e.grad
    return draw_dot(L, rankdir=RANKDIR).pipe(format="svg").decode()


FIGURES = {"backprop-by-hand-graph-grads.svg": graph_L_grads}
