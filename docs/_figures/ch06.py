"""Figure of chapter 6: the neuron's graph, each Value numbered by its place in build_topo."""

from __future__ import annotations

from scalargrad import Value, build_topo


def build_neuron() -> Value:
    """The chapter's neuron (x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813...), labelled."""
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def topo_order() -> str:
    """The graph top to bottom; each label starts with the node's position in build_topo(o)."""
    from scalargrad.viz import draw_dot

    o = build_neuron()
    for position, node in enumerate(build_topo(o), start=1):
        node.label = f"{position}.  {node.label}"
    dot = draw_dot(o, rankdir="TB", show_grad=False)
    return dot.pipe(format="svg").decode()


FIGURES = {"ch06-topo.svg": topo_order}
