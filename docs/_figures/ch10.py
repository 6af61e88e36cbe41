"""Figures of chapter 10: the lecture's MLP, and the expression graph of a small one."""

from __future__ import annotations


def mlp() -> str:
    """The layers and connections of MLP(3, [4, 4, 1])."""
    from scalargrad.nn import MLP
    from scalargrad.viz import draw_mlp

    return draw_mlp(MLP(3, [4, 4, 1])).pipe(format="svg").decode()


def small_graph() -> str:
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
    return draw_dot(out, rankdir="TB").pipe(format="svg").decode()


FIGURES = {
    "ch10-mlp.svg": mlp,
    "ch10-small-graph.svg": small_graph,
}
