"""The chapter's figure: the backward graph PyTorch records for the neuron, drawn from grad_fn.

Needs PyTorch at build time (it is in the project's test and dev extras). Drawn twice: for
the page's column and, with the nodes closer together, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools


def torch_neuron():
    """The chapter's neuron in float64 tensors; returns (o, {leaf tensor id: name})."""
    import torch

    def leaf(x: float):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    x1, x2, w1, w2, b = leaf(2.0), leaf(0.0), leaf(-3.0), leaf(1.0), leaf(6.8813735870195432)
    o = torch.tanh(x1 * w1 + x2 * w2 + b)
    names = {id(x1): "x1", id(x2): "x2", id(w1): "w1", id(w2): "w2", id(b): "b"}
    return o, names


def torch_graph(phone: bool = False) -> str:
    """Walk o.grad_fn and its next_functions; draw each backward step once, in the book's style."""
    from graphviz import Digraph

    from scalargrad import Value
    from scalargrad.viz import draw_dot

    style = draw_dot(Value(0.0))  # the book's graph style: colours, fonts, spacing
    o, names = torch_neuron()
    spacing = {"nodesep": "0.08"} if phone else {}
    dot = Digraph(format="svg", graph_attr={**style.graph_attr, "rankdir": "TB", **spacing},
                  node_attr=style.node_attr, edge_attr=style.edge_attr)
    dot.node("out", "o.grad = 1", shape="plaintext", style="", fontcolor=style.graph_attr.get(
        "fontcolor", "#8c8c8c"))
    ids: dict[int, str] = {}
    stack = [(o.grad_fn, "out")]
    while stack:
        fn, parent = stack.pop()
        key = id(fn)
        if key not in ids:
            ids[key] = f"f{len(ids)}"
            kind = type(fn).__name__
            if kind == "AccumulateGrad":
                dot.node(ids[key], f"AccumulateGrad\n{names[id(fn.variable)]}.grad",
                         shape="box", style="filled")
            else:
                dot.node(ids[key], kind, shape="box", style="rounded,filled", fillcolor="#fdf1dc")
            for child, _ in reversed(fn.next_functions):
                if child is not None:
                    stack.append((child, ids[key]))
        dot.edge(parent, ids[key])
    return dot.pipe(format="svg").decode()


FIGURES = {
    "pytorch-torch-graph.svg": torch_graph,
    "pytorch-torch-graph-phone.svg": functools.partial(torch_graph, phone=True),
}
