"""Figures of chapter 5: tanh and its slope; the neuron's graph with the grads found by hand."""

from __future__ import annotations

import math

from scalargrad import Value, build_topo
from scalargrad.datasets import lecture_neuron


def tanh_plot() -> str:
    """tanh(x) on [-4, 4] (solid) and its derivative 1 - tanh²(x) (dashed)."""
    from scalargrad.viz import book_style, figure_to_svg, plot_function

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
    "ch05-tanh.svg": tanh_plot,
    "ch05-neuron-grads.svg": neuron_grads,
}
