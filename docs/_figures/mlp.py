"""The chapter's figures: the lecture's MLP, and the expression graph of a small one.

Each is drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools

from scalargrad import build_topo

# Phone: pairs (above, below) of the small graph's leaves. Graphviz puts a leaf one rank
# above the operation that uses it, so most leaves met in one row, seven records wide; an
# invisible edge from each upper to its lower leaf spreads them over three rows.
STAGGER = (("x1", "x2"), ("h1.w1", "h1.w2"), ("h2.w1", "h2.w2"), ("x2", "h2.b"))


def mlp(phone: bool = False) -> str:
    """The layers and connections of MLP(3, [4, 4, 1]), left to right."""
    from scalargrad.nn import MLP
    from scalargrad.viz import draw_mlp

    dot = draw_mlp(MLP(3, [4, 4, 1]))
    if phone:
        dot.graph_attr.update(ranksep="0.45")
    return dot.pipe(format="svg").decode()


def small_graph(phone: bool = False) -> str:
    """One forward and backward pass of MLP(2, [2, 1]) on (1, -2), labelled, top to bottom.

    The same network, input and gradients as the chapter's examples; only the labels are added.
    """
    import random

    from scalargrad import Value
    from scalargrad.nn import MLP
    from scalargrad.viz import draw_dot

    random.seed(0)  # the chapter's network
    model = MLP(2, [2, 1])
    names = ["h1", "h2"], ["out"]
    for layer, layer_names in zip(model.layers, names, strict=True):
        for neuron, name in zip(layer.neurons, layer_names, strict=True):
            for i, w in enumerate(neuron.w, start=1):
                w.label = f"{name}.w{i}"
            neuron.b.label = f"{name}.b"
    x = [Value(1.0, label="x1"), Value(-2.0, label="x2")]
    out = model(x)
    out.label = "out"
    out.backward()
    dot = draw_dot(out, rankdir="TB")
    if phone:
        # draw_dot names the nodes n0, n1, ... in the order of build_topo
        names = {node.label: f"n{i}" for i, node in enumerate(build_topo(out)) if node.label}
        for upper, lower in STAGGER:
            dot.edge(names[upper], names[lower], style="invis")
        dot.graph_attr.update(nodesep="0.12")
    return dot.pipe(format="svg").decode()


FIGURES = {
    "mlp-mlp.svg": mlp,
    "mlp-mlp-phone.svg": functools.partial(mlp, phone=True),
    "mlp-small-graph.svg": small_graph,
    "mlp-small-graph-phone.svg": functools.partial(small_graph, phone=True),
}
