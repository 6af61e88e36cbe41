"""Pictures of what the engine computes: expression graphs, networks and plots.

Graphviz and matplotlib are imported inside the functions that draw, so
``import scalargrad.viz`` costs nothing. Every picture is deterministic: the
same input gives the same bytes, which lets the book draw its figures at build
time. The graphs have a transparent background with light node fills and dark
text, and read on a white page and on a dark one; the plots are white cards.

The book uses this file from chapter 3 ("A value that remembers") on.

>>> from scalargrad import Value
>>> from scalargrad.viz import trace
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> nodes, edges = trace(a * b)
>>> len(nodes), len(edges)
(3, 2)
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scalargrad.engine import build_topo
from scalargrad.numeric import central_difference

if TYPE_CHECKING:
    import graphviz
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "book_style",
    "draw_dot",
    "draw_mlp",
    "figure_to_svg",
    "new_figure",
    "plot_decision_boundary",
    "plot_function",
    "plot_loss",
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


# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

BOOK_STYLE: dict[str, Any] = {
    "figure.figsize": (6.8, 4.2),
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "scalargrad",
    "svg.fonttype": "path",
}


@contextlib.contextmanager
def book_style() -> Iterator[None]:
    """Use the book's matplotlib style (:data:`BOOK_STYLE`) inside a ``with`` block.

    >>> with book_style():
    ...     fig = new_figure()
    ...     line, = fig.axes[0].plot([0, 1], [0, 1])
    >>> line.get_color() == COLORS[0]
    True
    """
    import matplotlib

    style = {**BOOK_STYLE, "axes.prop_cycle": matplotlib.cycler(color=COLORS)}
    with matplotlib.rc_context(style):
        yield


def new_figure(width: float = 6.8, height: float = 4.2) -> Figure:
    """A white figure in the book's style, ``width`` by ``height`` inches, with one Axes.

    No pyplot: the figure belongs to nobody and is freed like any object.

    >>> fig = new_figure()
    >>> len(fig.axes), fig.get_size_inches().tolist()
    (1, [6.8, 4.2])
    """
    from matplotlib.figure import Figure

    for name, size in (("width", width), ("height", height)):
        if not (isinstance(size, (int, float)) and 0 < size <= 50):
            raise ValueError(f"{name} must be a number of inches in (0, 50], got {size!r}")
    with book_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.add_subplot()
    return fig


def figure_to_svg(fig: Figure) -> str:
    """The SVG text of ``fig``, the same bytes every time: no date, no random ids.

    >>> svg = figure_to_svg(new_figure())
    >>> svg.startswith("<?xml") and "<svg" in svg and "<dc:date>" not in svg
    True
    """
    import matplotlib
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"figure_to_svg needs a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "scalargrad", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _linspace(lo: float, hi: float, points: int) -> list[float]:
    """``points`` evenly spaced numbers from ``lo`` to ``hi``, both included."""
    step = (hi - lo) / (points - 1)
    return [lo + i * step for i in range(points)]


def _check_range(lo: object, hi: object) -> tuple[float, float]:
    """``lo`` and ``hi`` as floats, or ValueError unless they are finite with lo < hi."""
    for name, x in (("lo", lo), ("hi", hi)):
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
            raise ValueError(f"{name} must be a finite number, got {x!r}")
    if not lo < hi:
        raise ValueError(f"lo must be less than hi, got lo={lo!r}, hi={hi!r}")
    return float(lo), float(hi)


def _check_points(points: object, least: int, name: str = "points") -> int:
    """``points`` if it is an int >= ``least``, else ValueError."""
    if isinstance(points, bool) or not isinstance(points, int) or points < least:
        raise ValueError(f"{name} must be an int >= {least}, got {points!r}")
    return points


def _number(value: object, what: str) -> float:
    """``value`` as a float; TypeError naming ``what`` unless it is a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(value).__name__}: {value!r}")
    return float(value)


def plot_function(
    f: Callable[[float], float],
    lo: float,
    hi: float,
    *,
    points: int = 201,
    tangent_at: float | None = None,
    label: str = "f(x)",
    title: str | None = None,
) -> Figure:
    """Plot ``f`` on ``[lo, hi]``; with ``tangent_at``, also its tangent there.

    The tangent's slope comes from :func:`scalargrad.numeric.central_difference`.

    >>> fig = plot_function(lambda x: 3 * x**2 - 4 * x + 5, -5, 5, tangent_at=3.0)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['f(x)', 'slope at x = 3: 14']
    """
    lo, hi = _check_range(lo, hi)
    xs = _linspace(lo, hi, _check_points(points, 2))
    ys = [_number(f(x), "f(x)") for x in xs]
    with book_style():
        fig = new_figure()
        ax = fig.axes[0]
        ax.plot(xs, ys, label=label)
        ax.set(xlabel="x", ylabel=label, title=title or "")
        if tangent_at is not None:
            a, half = _number(tangent_at, "tangent_at"), (hi - lo) / 4
            _draw_tangent(ax, f, a, (max(lo, a - half), min(hi, a + half)))
            ax.legend(loc="best")
    return fig


def _draw_tangent(
    ax: Axes, f: Callable[[float], float], a: float, xs: tuple[float, float]
) -> None:
    """Draw the tangent of ``f`` at ``a`` from ``xs[0]`` to ``xs[1]``, keeping the y axis."""
    slope, fa = central_difference(f, a), _number(f(a), "f(x)")
    ylim = ax.get_ylim()
    ax.plot(xs, [fa + slope * (x - a) for x in xs], color=COLORS[1], linestyle="--",
            label=f"slope at x = {a:g}: {slope:.4g}")
    ax.plot([a], [fa], "o", color=COLORS[1], markersize=6)
    ax.set_ylim(ylim)


def plot_loss(
    histories: Mapping[str, Sequence[float]], *, log_y: bool = False, title: str | None = None
) -> Figure:
    """Plot several named loss curves against the step number, on one figure.

    >>> fig = plot_loss({"lr 0.05": [4.0, 2.0, 1.0], "lr 0.1": [4.0, 1.0, 0.5]}, log_y=True)
    >>> [line.get_label() for line in fig.axes[0].lines], fig.axes[0].get_yscale()
    (['lr 0.05', 'lr 0.1'], 'log')
    """
    from matplotlib import ticker

    if not isinstance(histories, Mapping) or not histories:
        raise TypeError("histories must be a non-empty mapping of name to losses, "
                        "such as {'loss': history.losses}")
    curves = {name: _check_losses(name, losses, log_y) for name, losses in histories.items()}
    with book_style():
        fig = new_figure()
        ax = fig.axes[0]
        for name, losses in curves.items():
            ax.plot(range(len(losses)), losses, label=str(name))
        ax.set(xlabel="step", ylabel="loss", title=title or "")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if log_y:
            _plain_log_y(ax, [x for losses in curves.values() for x in losses])
        ax.legend(loc="best")
    return fig


def _plain_log_y(ax: Axes, values: list[float]) -> None:
    """A log y axis labelled 0.1, 1, 10 (not 10⁻¹); within one decade, 0.2, 0.3, ... too."""
    from matplotlib import ticker

    ax.set_yscale("log")
    plain = ticker.FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    if max(values) / min(values) < 10:
        ax.yaxis.set_minor_formatter(plain)
    else:
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())


def _check_losses(name: str, losses: Sequence[float], log_y: bool) -> list[float]:
    """The losses as floats; ValueError if empty, or not positive on a log axis."""
    values = [_number(x, f"each loss of {name!r}") for x in losses]
    if not values:
        raise ValueError(f"the losses of {name!r} are empty")
    if log_y and min(values) <= 0:
        raise ValueError(f"log_y needs positive losses, but {name!r} has {min(values)!r}")
    return values


def _score(model: Callable[[list[float]], Any], point: list[float]) -> float:
    """``model(point)`` as a float; TypeError unless the model gave one Value or number."""
    out = model(point)
    data = getattr(out, "data", out)
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"the model must return one Value (or number) per point, got {type(out).__name__}; "
            "an MLP for this needs one output neuron"
        )
    return float(data)


def _check_points_2d(X: Sequence[Sequence[float]], y: Sequence[float]) -> None:
    """ValueError unless X is a non-empty list of pairs and y one ±1 label per pair."""
    if len(X) == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must be non-empty and the same length, got {len(X)} and {len(y)}"
        )
    if any(len(p) != 2 for p in X):
        raise ValueError("every point in X must have exactly two coordinates")
    if any(label not in (1, -1) for label in y):
        raise ValueError(f"labels must be +1 or -1, got {sorted(set(y) - {1, -1})}")


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    *,
    resolution: int = 40,
    title: str | None = None,
) -> Figure:
    """Shade where ``model`` says +1 or -1 over the plane, and plot the labelled points.

    ``model([x0, x1])`` returns one score (a Value or a number); positive means
    +1. ``resolution`` is the number of grid points per axis.

    >>> fig = plot_decision_boundary(lambda p: p[0] - p[1], [[0, 1], [1, 0]], [-1, 1],
    ...                              resolution=5)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['y = +1', 'y = −1']
    """
    _check_points_2d(X, y)
    n = _check_points(resolution, 2, "resolution")
    (x_lo, x_hi), (y_lo, y_hi) = (_padded([p[k] for p in X]) for k in (0, 1))
    gx, gy = _linspace(x_lo, x_hi, n), _linspace(y_lo, y_hi, n)
    scores = [[_score(model, [a, b]) for a in gx] for b in gy]
    with book_style():
        fig = new_figure(6.4, 5.0)
        ax = fig.axes[0]
        ax.contourf(gx, gy, scores, levels=[-math.inf, 0.0, math.inf],
                    colors=["#f6d7c3", "#cfe2f3"])
        ax.contour(gx, gy, scores, levels=[0.0], colors=[_INK], linewidths=1.2)
        for sign, marker, color, text in ((1, "o", COLORS[0], "y = +1"),
                                          (-1, "s", COLORS[1], "y = −1")):
            pts = [p for p, label in zip(X, y, strict=True) if label == sign]
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, s=30,
                       color=color, edgecolors=_INK, linewidths=0.6, label=text, zorder=3)
        ax.set(xlabel="x₀", ylabel="x₁", title=title or "")
        ax.grid(False)
        ax.legend(loc="best")
    return fig


def _padded(values: list[float]) -> tuple[float, float]:
    """The range of ``values`` widened by 10% (at least 0.5) on each side."""
    lo, hi = min(values), max(values)
    pad = max(0.1 * (hi - lo), 0.5)
    return lo - pad, hi + pad
