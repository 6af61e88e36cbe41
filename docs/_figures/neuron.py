"""The chapter's figures: the neuron model; tanh and its slope; the neuron's graph with the
grads found by hand. The first two are drawn twice: for the page's column and, narrower,
for a phone's (``*-phone.svg``); the graph, top to bottom, fits a phone as it is."""

from __future__ import annotations

import functools
import math

from scalargrad import Value, build_topo
from scalargrad.datasets import lecture_neuron

# The colours of scalargrad.viz's graphs: light fills with near-black text, mid-grey lines,
# legible on the white card that holds every figure in the light and the dark scheme.
_INK = "#1b1b1b"
_LINE = "#8c8c8c"
_DATA_FILL = "#e8f1fb"  # inputs: data, as draw_dot fills a Value
_PARAM_FILL = "#e6f4ec"  # parameters: what training changes
_OP_FILL = "#fdf1dc"  # operations, as draw_dot fills them
_FONT = "Helvetica,Arial,sans-serif"


def neuron_model(phone: bool = False) -> str:
    """The neuron of the chapter: two inputs times two weights, plus a bias, through tanh."""
    from graphviz import Digraph

    dot = Digraph(
        format="svg",
        graph_attr={"rankdir": "LR", "bgcolor": "transparent", "fontname": _FONT,
                    "nodesep": "0.3", "ranksep": "0.2" if phone else "0.45", "pad": "0.15",
                    "ordering": "in"},
        node_attr={"fontname": _FONT, "fontsize": "14", "fontcolor": _INK, "color": _LINE,
                   "style": "filled", "shape": "box", "height": "0.4",
                   "margin": "0.12,0.06"},
        edge_attr={"color": _LINE, "arrowsize": "0.7", "penwidth": "1.2",
                   "fontname": _FONT, "fontsize": "13", "fontcolor": _INK},
    )
    for name, text in (("x1", "input x₁"), ("x2", "input x₂")):
        dot.node(name, text, fillcolor=_DATA_FILL)
    for name, text in (("w1", "weight w₁"), ("w2", "weight w₂"), ("b", "bias b")):
        dot.node(name, text, fillcolor=_PARAM_FILL)
    for name in ("m1", "m2"):
        dot.node(name, "×", shape="circle", width="0.45", fixedsize="true",
                 fillcolor=_OP_FILL, fontsize="18")
    dot.node("sum", "+", shape="circle", width="0.45", fixedsize="true",
             fillcolor=_OP_FILL, fontsize="18")
    dot.node("tanh", "tanh", shape="ellipse", fillcolor=_OP_FILL)
    dot.node("o", "output o", fillcolor=_DATA_FILL)
    with dot.subgraph() as column:  # the inputs and their weights, in one column
        column.attr(rank="same")
        for name in ("x1", "w1", "x2", "w2", "b"):
            column.node(name)
    dot.edges([("x1", "m1"), ("w1", "m1"), ("x2", "m2"), ("w2", "m2")])
    dot.edge("m1", "sum", label=" x₁w₁ ")
    dot.edge("m2", "sum", label=" x₂w₂ ")
    dot.edge("b", "sum")
    dot.edge("sum", "tanh", label=" n ")
    dot.edge("tanh", "o")
    return dot.pipe(format="svg").decode()


def tanh_plot(phone: bool = False) -> str:
    """tanh(x) on [-4, 4] (solid) and its derivative 1 - tanh²(x) (dashed)."""
    from scalargrad.viz import book_style, figure_to_svg, for_phone, plot_function

    fig = plot_function(math.tanh, -4.0, 4.0, label="tanh(x)")
    ax = fig.axes[0]
    xs = [-4.0 + i * 0.04 for i in range(201)]
    with book_style():
        ax.plot(xs, [1 - math.tanh(x) ** 2 for x in xs], linestyle="--",
                label="slope: 1 − tanh²(x)")
        ax.axhline(1.0, color="#999999", linewidth=0.8, linestyle=":")
        ax.axhline(-1.0, color="#999999", linewidth=0.8, linestyle=":")
        ax.set(xlim=(-4, 4), ylim=(-1.15, 1.15), ylabel="")
        ax.legend(loc="lower right")
    if phone:
        for_phone(fig, 3.6)
    return figure_to_svg(fig)


def neuron_by_hand() -> Value:
    """The chapter's neuron with every grad set by hand, exactly as the chapter does it."""
    o = lecture_neuron()
    node = {n.label: n for n in build_topo(o)}
    x1, x2, w1, w2, b, n = (node[name] for name in ("x1", "x2", "w1", "w2", "b", "n"))
    s, x1w1, x2w2 = (node[name] for name in ("x1*w1 + x2*w2", "x1*w1", "x2*w2"))
    o.grad = 1.0
    n.grad = (1 - o.data**2) * o.grad
    s.grad = 1.0 * n.grad
    b.grad = 1.0 * n.grad
    x1w1.grad = 1.0 * s.grad
    x2w2.grad = 1.0 * s.grad
    x1.grad = w1.data * x1w1.grad
    w1.grad = x1.data * x1w1.grad
    x2.grad = w2.data * x2w2.grad
    w2.grad = x2.data * x2w2.grad
    return o


def neuron_grads() -> str:
    """The neuron's graph, top to bottom, with the grads found by hand."""
    from scalargrad.viz import draw_dot

    dot = draw_dot(neuron_by_hand(), rankdir="TB")
    return dot.pipe(format="svg").decode()


FIGURES = {
    "neuron-neuron-model.svg": neuron_model,
    "neuron-neuron-model-phone.svg": functools.partial(neuron_model, phone=True),
    "neuron-tanh.svg": tanh_plot,
    "neuron-tanh-phone.svg": functools.partial(tanh_plot, phone=True),
    "neuron-neuron-grads.svg": neuron_grads,
}
