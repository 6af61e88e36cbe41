"""Pictures of graphs (Graphviz): an expression's nodes and edges, and a network's layers.

Graphviz is imported inside the functions that draw, so importing this module costs
nothing. Every drawing is deterministic, the same input giving the same bytes, which lets
the book draw its figures at build time. The graphs have a transparent background with
light node fills and dark text, and read on a white page and on a dark one.

The book uses this file from the chapter "A value that remembers" on.

>>> from scalargrad import Value
>>> from scalargrad.viz import trace
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> nodes, edges = trace(a * b)
>>> len(nodes), len(edges)
(3, 2)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scalargrad.engine import build_topo

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "draw_dot",
    "draw_mlp",
    "trace",
]

_NODE_ATTRS = ("data", "grad", "_prev", "_op")


def _check_node(node: object) -> None:
    """Raise TypeError unless ``node`` looks like a Value."""
    missing = [name for name in _NODE_ATTRS if not hasattr(node, name)]
    if missing:
        raise TypeError(
            f"expected a Value (an object with data, grad, _prev and _op), got "
            f"{type(node).__name__} without {', '.join(missing)}"
        )


# --8<-- [start:trace]
def trace(root: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """The nodes of ``root``'s graph, children first, and its edges."""
    _check_node(root)
    nodes = build_topo(root)
    for node in nodes:
        _check_node(node)
    # one (child, parent) edge per entry of parent._prev: a + a has two
    edges = [(child, node) for node in nodes for child in node._prev]
    return nodes, edges
# --8<-- [end:trace]


# Light fills with near-black text read on white and on dark pages; mid-grey lines read on both.
_INK = "#1b1b1b"
_LINE = "#8c8c8c"
_VALUE_FILL = "#e8f1fb"
_OP_FILL = "#fdf1dc"
_NEURON_FILL = "#e6f4ec"
_FONT = "Helvetica,Arial,sans-serif"
_GRAPH_ATTR = {"bgcolor": "transparent", "fontname": _FONT, "fontsize": "13", "fontcolor": _LINE,
               "nodesep": "0.25", "ranksep": "0.35", "pad": "0.1", "ordering": "in"}
_NODE_ATTR = {"fontname": _FONT, "fontsize": "13", "fontcolor": _INK, "color": _LINE,
              "style": "filled", "fillcolor": _VALUE_FILL, "height": "0.3", "margin": "0.06,0.03"}
_EDGE_ATTR = {"color": _LINE, "arrowsize": "0.6", "penwidth": "1.2"}
_RANKDIRS = ("LR", "RL", "TB", "BT")


def _escape(text: str) -> str:
    r"""Escape ``text`` for a Graphviz record label: ``\ { } | < > "`` show as themselves.

    >>> print(_escape('a|b{c}<d>"e"\\f'))
    a\|b\{c\}\<d\>\"e\"\\f
    """
    out = "".join("\\" + ch if ch in '\\{}|<>"' else ch for ch in str(text))
    return out.replace("\n", "\\n")


def _check_rankdir(rankdir: object) -> None:
    """Raise ValueError unless ``rankdir`` is one Graphviz knows."""
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}"
        )


# --8<-- [start:draw-dot]
def _record_label(node: Any, show_grad: bool) -> str:
    """``{ label | data 2.0000 | grad 0.0000 }``: fields across the arrows."""
    fields = [_escape(node.label)] if getattr(node, "label", "") else []
    fields.append(f"data {node.data:.4f}")
    if show_grad:
        fields.append(f"grad {node.grad:.4f}")
    body = " | ".join(fields)
    return f"{{ {body} }}"


def draw_dot(
    root: Any, *, rankdir: str = "LR", show_grad: bool = True
) -> graphviz.Digraph:
    """Draw ``root``'s graph: a record per Value, a small node per operation."""
    from graphviz import Digraph, nohtml

    _check_rankdir(rankdir)
    nodes, edges = trace(root)
    names = {node: f"n{i}" for i, node in enumerate(nodes)}  # stable names
    dot = Digraph(format="svg", graph_attr={**_GRAPH_ATTR, "rankdir": rankdir},
                  node_attr=_NODE_ATTR, edge_attr=_EDGE_ATTR)
    for node in nodes:
        name = names[node]
        label = _record_label(node, show_grad)
        dot.node(name, nohtml(label), shape="record")
        if node._op:  # the operation that made this node: a node of its own
            dot.node(f"{name}_op", nohtml(_escape(node._op)), shape="box",
                     style="rounded,filled", fillcolor=_OP_FILL, width="0.3")
            dot.edge(f"{name}_op", name)
    for child, parent in edges:
        target = f"{names[parent]}_op" if parent._op else names[parent]
        dot.edge(names[child], target)
    return dot
# --8<-- [end:draw-dot]


def _mlp_layers(model: Any) -> list[int]:
    """Input size, then each layer's neuron count; ValueError if the sizes don't chain."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, Sequence) or not layers:
        raise TypeError(f"draw_mlp needs a model with a non-empty list .layers, got {model!r}")
    sizes: list[int] = []
    for i, layer in enumerate(layers):
        neurons = getattr(layer, "neurons", None)
        if not isinstance(neurons, Sequence) or not neurons:
            raise TypeError(f"layer {i} must have a non-empty list .neurons")
        nins = {len(neuron.w) for neuron in neurons}
        expected = sizes[-1] if sizes else next(iter(nins))
        if nins != {expected}:
            raise ValueError(
                f"layer {i}'s neurons take {sorted(nins)} inputs; "
                f"each must take {expected}, the size of the layer before"
            )
        if not sizes:
            sizes.append(expected)
        sizes.append(len(neurons))
    return sizes


def _mlp_names(sizes: list[int]) -> list[list[str]]:
    """Node names per column: ``x0, x1, ...`` for the inputs, ``l1n0, ...`` for neurons."""
    return [[f"x{j}" if k == 0 else f"l{k}n{j}" for j in range(size)]
            for k, size in enumerate(sizes)]


def _mlp_column(dot: graphviz.Digraph, model: Any, k: int, names: list[str], title: str) -> None:
    """Add column ``k`` (0: the inputs) top down, with its title underneath."""
    from graphviz import nohtml

    with dot.subgraph(name=f"column_{k}") as column:
        column.attr(rank="same")
        for j, name in enumerate(names):
            if k == 0:
                column.node(name, name)
            else:
                activation = getattr(model.layers[k - 1].neurons[j], "activation", "")
                text = activation if isinstance(activation, str) else ""
                column.node(name, nohtml(_escape(text)), fillcolor=_NEURON_FILL, fontsize="11")
        column.node(f"title_{k}", f"{title} ({len(names)})", shape="plaintext", style="",
                    fontcolor=_LINE, fixedsize="false")
        for upper, lower in itertools.pairwise([*names, f"title_{k}"]):
            column.edge(upper, lower, style="invis")  # keeps the column in order


def draw_mlp(model: Any) -> graphviz.Digraph:
    """Draw a network's structure: the inputs, each layer's neurons, every connection.

    Works on anything with ``model.layers[i].neurons`` and ``neuron.w``; a
    neuron with a string ``activation`` shows it. Columns are titled
    "inputs (3)", "layer 1 (4)", ..., "output (1)".

    >>> from types import SimpleNamespace as NS
    >>> neuron = lambda nin: NS(w=[0.0] * nin, activation="tanh")
    >>> model = NS(layers=[NS(neurons=[neuron(2), neuron(2)]), NS(neurons=[neuron(2)])])
    >>> dot = draw_mlp(model)
    >>> [line.strip() for line in dot.body if "->" in line and "invis" not in line]
    ['x0 -> l1n0', 'x1 -> l1n0', 'x0 -> l1n1', 'x1 -> l1n1', 'l1n0 -> l2n0', 'l1n1 -> l2n0']
    """
    from graphviz import Digraph

    names = _mlp_names(_mlp_layers(model))
    dot = Digraph(format="svg", graph_attr={**_GRAPH_ATTR, "rankdir": "LR", "ranksep": "0.9",
                                            "nodesep": "0.12", "splines": "line"},
                  node_attr={**_NODE_ATTR, "shape": "circle", "width": "0.5", "fixedsize": "true"},
                  edge_attr={**_EDGE_ATTR, "arrowsize": "0.4", "penwidth": "0.8"})
    last = len(names) - 1
    for k, column in enumerate(names):
        title = "inputs" if k == 0 else "output" if k == last else f"layer {k}"
        _mlp_column(dot, model, k, column, title)
    for before, after in itertools.pairwise(names):
        for head in after:
            for tail in before:
                dot.edge(tail, head)
    return dot
