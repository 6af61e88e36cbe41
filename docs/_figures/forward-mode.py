"""The chapter's figure: the work of forward and reverse mode, counted with the package.

The two functions are the chapter's: a neuron with n inputs and one output, and the
powers x, x², ..., xᵐ of one input. Counted, not timed: the same on every build. Drawn
twice: for the page's column and, narrower, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools

SIZES = (2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)


def neuron(*xs):
    """tanh(0.1·x₁ + 0.2·x₂ + ... + 0.5), as in the chapter."""
    from scalargrad import Value

    act = sum((0.1 * (i + 1) * x for i, x in enumerate(xs)), Value(0.5))
    return act.tanh()


def powers(x, m):
    """[x, x², ..., xᵐ], each from the previous one by one multiplication."""
    outs = [x]
    for _ in range(m - 1):
        outs.append(outs[-1] * x)
    return outs


def many_inputs(n: int) -> tuple[int, int]:
    """(forward, reverse) operations for the whole gradient of the n-input neuron."""
    from scalargrad import Value
    from scalargrad.forward import operations

    ops = operations(neuron(*[Value(1.0) for _ in range(n)]))
    return n * ops, 2 * ops  # n passes; one forward pass and one backward pass


def many_outputs(m: int) -> tuple[int, int]:
    """(forward, reverse) operations for the derivatives of all m powers."""
    from scalargrad import Value
    from scalargrad.forward import operations

    outs = powers(Value(2.0), m)
    ops = operations(outs)
    return ops, ops + sum(operations(o) for o in outs)  # one pass; one backward per output


def work(phone: bool = False) -> str:
    """Two log-log panels: operations against n inputs, and against m outputs.

    The chapter reads the panels left and right: a phone's keeps them side by side, with
    the titles on two lines and fewer ticks."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    sep = "\n" if phone else " "
    cases = (
        (f"n inputs, 1 output{sep}(a neuron)", "inputs n", many_inputs),
        (f"1 input, m outputs{sep}(x, x², …, xᵐ)", "outputs m", many_outputs),
    )
    with book_style():
        fig = new_figure(7.2, 3.8)
        fig.clear()
        axes = fig.subplots(1, 2, sharey=True)
        for ax, (title, xlabel, count) in zip(axes, cases, strict=True):
            counts = [count(size) for size in SIZES]
            top = 0 if counts[-1][0] > counts[-1][1] else 1
            for k, (label, marker) in enumerate((("forward mode", "o"), ("reverse mode", "s"))):
                ys = [c[k] for c in counts]
                ax.loglog(SIZES, ys, marker=marker, markersize=4, linewidth=1.5,
                          color=COLORS[k], label=label)
                ax.annotate(f"{ys[-1]:,}", (SIZES[-1], ys[-1]), textcoords="offset points",
                            xytext=(-8, 4) if k == top else (4, -6), fontsize=10,
                            ha="right" if k == top else "left",
                            va="bottom" if k == top else "top", color=COLORS[k])
            ax.set_title(title, fontsize=12)
            ax.set_xlabel(xlabel)
            ax.set_ylim(1, 1e7)
            ax.set_xlim(1.5, 3000)
        axes[0].set_ylabel("operations for all derivatives")
        axes[0].legend(loc="upper left", frameon=False)
    if phone:
        for ax in axes:
            ax.set_xticks([10, 1000])
            ax.set_yticks([1, 1e2, 1e4, 1e6])
        for_phone(fig, 4.4, legend_columns=2)
    return figure_to_svg(fig)


FIGURES = {
    "forward-mode-work.svg": work,
    "forward-mode-work-phone.svg": functools.partial(work, phone=True),
}
