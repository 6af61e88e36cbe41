"""Graphs and plots: structure, determinism, escaping, lazy imports, bad input."""

import itertools
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from scalargrad import Value, build_topo
from scalargrad.datasets import lecture_expression
from scalargrad.viz import (
    BOOK_STYLE,
    PHONE_MIN_TEXT,
    PHONE_WIDTH,
    book_style,
    draw_dot,
    draw_mlp,
    figure_to_svg,
    for_phone,
    new_figure,
    plot_decision_boundary,
    plot_function,
    plot_loss,
    trace,
)
from tests.test_nn import seeded

SVG = "{http://www.w3.org/2000/svg}"


def lecture_graph():
    """L = (a*b + c) * f from the lecture, after backward."""
    L = lecture_expression()
    L.backward()
    return L


def svg_texts(svg: bytes | str) -> list[str]:
    """Every piece of text in an SVG, unescaped."""
    root = ET.fromstring(svg)
    return [el.text for el in root.iter(f"{SVG}text") if el.text]


def record_lines(dot):
    return [line for line in dot.body if "shape=record" in line]


def visible_edges(dot):
    return [line for line in dot.body if "->" in line and "invis" not in line]


def test_importing_the_package_and_viz_loads_neither_graphviz_nor_matplotlib():
    code = (
        "import sys, scalargrad, scalargrad.viz, scalargrad.numeric\n"
        "loaded = [m for m in ('graphviz', 'matplotlib') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# trace


def test_trace_of_the_lecture_graph():
    L = lecture_graph()
    nodes, edges = trace(L)
    assert nodes == build_topo(L)  # the order backward uses, reversed
    assert [n.label for n in nodes] == ["f", "c", "b", "a", "e", "d", "L"]
    assert [(c.label, p.label) for c, p in edges] == [
        ("a", "e"),
        ("b", "e"),
        ("e", "d"),
        ("c", "d"),
        ("d", "L"),
        ("f", "L"),
    ]


def test_trace_keeps_one_edge_per_use():
    a = Value(3.0, label="a")
    b = a + a
    c = b * a
    nodes, edges = trace(c)
    assert nodes == [a, b, c]
    assert edges == [(a, b), (a, b), (b, c), (a, c)]


def test_trace_rejects_things_that_are_not_values():
    with pytest.raises(TypeError, match=r"expected a Value .* without data, grad, _prev, _op"):
        trace(3.0)


# draw_dot


def test_draw_dot_of_the_lecture_graph():
    dot = draw_dot(lecture_graph())
    assert len(record_lines(dot)) == 7  # a b c d e f L
    op_nodes = [line for line in dot.body if "_op [" in line]
    assert [line.split("label=")[1][:3] for line in op_nodes] == ['"*"', '"+"', '"*"']
    assert len(visible_edges(dot)) == 3 + 6  # op -> result, child -> op
    assert '"{ a | data 2.0000 | grad 6.0000 }"' in dot.source
    assert '"{ L | data -8.0000 | grad 1.0000 }"' in dot.source
    assert dot.format == "svg"
    assert hasattr(dot, "_repr_mimebundle_")  # shows itself in Jupyter


def test_draw_dot_is_deterministic_and_names_nodes_by_position():
    first, second = draw_dot(lecture_graph()), draw_dot(lecture_graph())
    assert first.source == second.source
    names = {line.split()[0] for line in record_lines(first)}
    assert names == {f"n{i}" for i in range(7)}
    assert first.pipe(format="svg") == second.pipe(format="svg")


def test_draw_dot_shows_both_uses_of_a_node():
    a = Value(3.0, label="a")
    b = a + a
    dot = draw_dot(b)
    assert dot.body.count("\tn0 -> n1_op\n") == 2


def test_draw_dot_escapes_record_syntax_in_labels():
    label = 'a|b{c}<d>"e"\\f'
    x = Value(1.0, label=label)
    y = x * 2
    y.label = "y { }"
    svg = draw_dot(y).pipe(format="svg")  # fails if dot cannot parse the source
    texts = svg_texts(svg)
    assert label in texts
    assert "y { }" in texts
    assert "data 1.0000" in texts


def test_draw_dot_options():
    x = Value(2.0, label="x")
    y = x.tanh()
    assert "grad" not in draw_dot(y, show_grad=False).source
    default = draw_dot(y).source  # the lecture's look: left to right, grads shown
    assert "rankdir=LR" in default and "grad 0.0000" in default
    top_down = draw_dot(y, rankdir="TB")
    assert "rankdir=TB" in top_down.source
    # braces stack the fields into one narrow column in a top-to-bottom graph
    assert '"{ x | data 2.0000 | grad 0.0000 }"' in top_down.source
    with pytest.raises(ValueError, match="rankdir must be one of LR, RL, TB, BT, got 'up'"):
        draw_dot(y, rankdir="up")


def test_draw_dot_reads_on_light_and_dark_pages():
    source = draw_dot(lecture_graph()).source
    assert "bgcolor=transparent" in source
    assert 'fontcolor="#1b1b1b"' in source and "style=filled" in source
    assert "fontsize=13" in source


def test_draw_dot_leaves_out_an_empty_label():
    assert '"{ data 1.0000 | grad 0.0000 }"' in draw_dot(Value(1.0)).source


class Node:
    """A minimal duck-typed value, like the lecture's first Value class."""

    def __init__(self, data, children=(), op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op = set(children), op


def test_draw_dot_is_duck_typed():
    a, b = Node(1.0, label="a"), Node(2.0, label="b")
    c = Node(3.0, (a, b), "+", "c")
    svg = draw_dot(c).pipe(format="svg")
    assert "c" in svg_texts(svg)


def test_draw_dot_joins_an_op_less_parent_directly():
    a = Node(1.0, label="a")
    b = Node(2.0, (a,), "", "b")
    dot = draw_dot(b)
    assert "\tn0 -> n1\n" in dot.body


def test_draw_dot_draws_the_overwriting_value_of_the_pitfalls_chapter():
    pitfalls = pytest.importorskip("scalargrad.pitfalls")
    a = pitfalls.OverwritingValue(-2.0, label="a")
    b = pitfalls.OverwritingValue(3.0, label="b")
    f = (a * b) * (a + b)
    f.backward()
    dot = draw_dot(f)
    assert len(record_lines(dot)) == 5
    assert "data -6.0000" in svg_texts(dot.pipe(format="svg"))


# draw_mlp


def test_draw_mlp_of_the_lecture_network():

    dot = draw_mlp(seeded(0, 3, [4, 4, 1]))
    assert len(visible_edges(dot)) == 3 * 4 + 4 * 4 + 4 * 1
    texts = svg_texts(dot.pipe(format="svg"))
    for title in ("inputs (3)", "layer 1 (4)", "layer 2 (4)", "output (1)"):
        assert title in texts
    assert {"x0", "x1", "x2"} <= set(texts)
    assert texts.count("tanh") == 9
    assert dot.source == draw_mlp(seeded(1, 3, [4, 4, 1])).source  # structure only


class Net:
    def __init__(self, sizes):
        self.layers = [
            Layer([Neuron(nin) for _ in range(nout)]) for nin, nout in itertools.pairwise(sizes)
        ]


class Layer:
    def __init__(self, neurons):
        self.neurons = neurons


class Neuron:
    def __init__(self, nin):
        self.w = [0.0] * nin


def test_draw_mlp_is_duck_typed_and_keeps_inputs_in_order():
    dot = draw_mlp(Net([2, 3, 1]))
    assert visible_edges(dot)[:2] == ["\tx0 -> l1n0\n", "\tx1 -> l1n0\n"]
    assert "\t\tx0 -> x1 [style=invis]\n" in dot.body  # fixes the column order


def test_draw_mlp_rejects_layers_that_do_not_chain():
    net = Net([2, 3, 1])
    net.layers[1].neurons[0].w = [0.0] * 5
    with pytest.raises(ValueError, match=r"layer 1's neurons take \[5\] inputs; each must take 3"):
        draw_mlp(net)
    with pytest.raises(TypeError, match=r"non-empty list \.layers"):
        draw_mlp(Net([2]))
    net = Net([2, 1])
    net.layers[0].neurons = []
    with pytest.raises(TypeError, match=r"layer 0 must have a non-empty list \.neurons"):
        draw_mlp(net)


# matplotlib


def test_book_style_is_legible():
    for key in (
        "font.size",
        "axes.labelsize",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
    ):
        assert BOOK_STYLE[key] >= 11
    width, _ = BOOK_STYLE["figure.figsize"]
    assert 6.4 <= width <= 7
    assert BOOK_STYLE["figure.facecolor"] == "white"


def test_book_style_does_not_leak():
    import matplotlib

    before = matplotlib.rcParams["font.size"]
    with book_style():
        assert matplotlib.rcParams["font.size"] == BOOK_STYLE["font.size"]
    assert matplotlib.rcParams["font.size"] == before


def two_curves():
    fig = new_figure()
    fig.axes[0].plot([0, 1, 2], [1, 0, 1], label="curve")
    fig.axes[0].legend()
    return fig


def test_figure_to_svg_is_deterministic():
    first, second = figure_to_svg(two_curves()), figure_to_svg(two_curves())
    assert first == second
    assert "<svg" in first
    assert "<dc:date>" not in first and "Date" not in first


def test_figure_to_svg_rejects_other_objects():
    with pytest.raises(TypeError, match="needs a matplotlib Figure, got str"):
        figure_to_svg("fig")


def test_new_figure_size():
    assert new_figure(7, 3).get_size_inches().tolist() == [7.0, 3.0]
    with pytest.raises(ValueError, match="width must be a number of inches"):
        new_figure(0)


def test_for_phone_narrows_a_figure_and_keeps_its_text_legible():
    """On a 390-px phone the column is 334 to 358 CSS px: at PHONE_WIDTH inches, text of
    PHONE_MIN_TEXT points shows at 9 px or more there, the least tests/browser/test_phone.py
    allows."""
    from matplotlib.text import Text

    assert PHONE_MIN_TEXT * 334 / (PHONE_WIDTH * 72) >= 9
    fig = plot_loss({"a": [4.0, 2.0, 1.0, 0.5, 0.25] * 4})
    ax = fig.axes[0]
    ax.annotate("small", (1, 1), fontsize=7)
    fig.add_subplot(2, 1, 2).loglog([1e-16, 1], [1, 1e6])
    for_phone(fig, 3.8, ticks=3)
    fig.draw_without_rendering()  # ticks are made when drawn
    assert fig.get_size_inches().tolist() == [PHONE_WIDTH, 3.8]
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    assert min(sizes) >= PHONE_MIN_TEXT
    assert len(ax.get_xticks()) <= 5  # about three, with the ends the locator adds
    log = fig.axes[1]
    labels = [t.get_text() for t in log.get_xticklabels() if t.get_text()]
    assert "1e−15" in labels and "0.1" in labels and not any("$" in t for t in labels), labels
    assert not [t.get_text() for t in log.get_xminorticklabels() if t.get_text()]


def test_for_phone_moves_the_legend_under_the_plots():
    fig = for_phone(plot_loss({"a": [2.0, 1.0], "b": [3.0, 1.0]}), 3.8, legend_columns=2)
    assert fig.axes[0].get_legend() is None
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"] and legend._ncols == 2


def test_for_phone_bad_input():
    with pytest.raises(ValueError, match="height must be a number of inches"):
        for_phone(new_figure(), 0)
    with pytest.raises(ValueError, match="no legend to move"):
        for_phone(new_figure(), 3, legend_columns=1)


def parabola(x):
    return 3 * x**2 - 4 * x + 5


def test_plot_function_draws_the_tangent():
    fig = plot_function(parabola, -5, 5, points=41, tangent_at=3.0)
    curve, tangent, point = fig.axes[0].lines
    assert len(curve.get_xdata()) == 41
    (x0, x1), (y0, y1) = tangent.get_xdata(), tangent.get_ydata()
    assert (y1 - y0) / (x1 - x0) == pytest.approx(14.0)
    assert (x0, x1) == (0.5, 5.0)  # clipped to the plotted range
    assert list(point.get_ydata()) == [20.0]
    ylim = fig.axes[0].get_ylim()
    assert ylim[0] < 5 and ylim[1] > 100  # the curve, not the tangent, sets the y range


def test_plot_function_bad_input():
    with pytest.raises(ValueError, match="lo must be less than hi"):
        plot_function(parabola, 1, 1)
    with pytest.raises(ValueError, match="hi must be a finite number"):
        plot_function(parabola, 0, float("inf"))
    with pytest.raises(ValueError, match="points must be an int >= 2"):
        plot_function(parabola, 0, 1, points=1)
    with pytest.raises(TypeError, match=r"f\(x\) must be a real number, got Value"):
        plot_function(Value, 0, 1)
    with pytest.raises(TypeError, match="tangent_at must be a real number, got str"):
        plot_function(parabola, 0, 1, tangent_at="1")


def test_plot_loss_draws_one_named_curve_each():
    fig = plot_loss({"a": [3.0, 2.0, 1.0], "b": [3.0, 1.0]}, title="losses")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert list(ax.lines[1].get_xdata()) == [0, 1]
    assert ax.get_yscale() == "linear" and ax.get_title() == "losses"
    assert plot_loss({"a": [3.0, 0.5]}, log_y=True).axes[0].get_yscale() == "log"


def test_plot_loss_bad_input():
    with pytest.raises(TypeError, match="non-empty mapping"):
        plot_loss([1.0, 2.0])
    with pytest.raises(TypeError, match="each loss of 'a' must be a real number, got Value"):
        plot_loss({"a": [Value(1.0)]})
    with pytest.raises(ValueError, match="the losses of 'a' are empty"):
        plot_loss({"a": []})
    with pytest.raises(ValueError, match=r"log_y needs positive losses, but 'a' has 0\.0"):
        plot_loss({"a": [1.0, 0.0]}, log_y=True)


def diagonal(point):
    """x0 - x1 as a Value: positive (+1) below the diagonal x1 = x0."""
    return Value(point[0]) - point[1]


def test_plot_decision_boundary():
    X = [[0.0, 1.0], [1.0, 0.0], [2.0, 0.5]]
    y = [-1, 1, 1]
    fig = plot_decision_boundary(diagonal, X, y, resolution=7)
    ax = fig.axes[0]
    assert ax.get_legend_handles_labels()[1] == ["y = +1", "y = −1"]
    positive, negative = (c for c in ax.collections if c.get_label().startswith("y ="))
    assert positive.get_offsets().tolist() == [[1.0, 0.0], [2.0, 0.5]]
    assert negative.get_offsets().tolist() == [[0.0, 1.0]]
    assert figure_to_svg(fig) == figure_to_svg(plot_decision_boundary(diagonal, X, y, resolution=7))


def test_plot_decision_boundary_bad_input():
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        plot_decision_boundary(diagonal, [[0, 0], [1, 1]], [1])
    with pytest.raises(ValueError, match="resolution must be an int >= 2, got 1"):
        plot_decision_boundary(diagonal, [[0, 0]], [1], resolution=1)
    with pytest.raises(ValueError, match="exactly two coordinates"):
        plot_decision_boundary(diagonal, [[0, 0, 0]], [1])
    with pytest.raises(ValueError, match=r"labels must be \+1 or -1, got \[0\]"):
        plot_decision_boundary(diagonal, [[0, 0]], [0])
    with pytest.raises(TypeError, match=r"one Value .* per point, got list"):
        plot_decision_boundary(lambda p: [Value(1.0), Value(2.0)], [[0, 0]], [1])
