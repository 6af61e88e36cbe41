"""The chapter's figure: d = a*b + c as each input moves alone.

Drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools

WIDTH = 7.0  # inches: the page's content width, so 12 pt text stays readable
START = {"a": 2.0, "b": -3.0, "c": 10.0}


def d_of(a: float, b: float, c: float) -> float:
    """The chapter's function."""
    return a * b + c


def nudges(phone: bool = False) -> str:
    """d against an offset added to a, to b or to c, the other two held fixed."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    offsets = [-1 + i * 0.05 for i in range(41)]
    styles = {"a": (COLORS[1], "-"), "b": (COLORS[0], "--"), "c": (COLORS[2], "-.")}
    with book_style():
        fig = new_figure(WIDTH, 3.8)
        ax = fig.axes[0]
        for name, (color, dash) in styles.items():
            ds = []
            for t in offsets:
                inputs = dict(START)
                inputs[name] += t
                ds.append(d_of(**inputs))
            slope = (ds[-1] - ds[0]) / (offsets[-1] - offsets[0])
            ax.plot(offsets, ds, dash, color=color,
                    label=f"move {name} only: slope {slope:.0f}".replace("-", "−"))
        ax.plot([0], [d_of(**START)], "o", color="black", markersize=7)
        ax.annotate("start: a = 2, b = −3, c = 10,\nso d = 4", (0, d_of(**START)),
                    xytext=(-0.95, 1.3), arrowprops={"arrowstyle": "->", "color": "#555555"})
        ax.set_xlabel("offset added to one input")
        ax.set_ylabel("d = a·b + c")
        ax.set_xlim(-1, 1)
        ax.legend(loc="upper left", frameon=False)
    if phone:  # the legend above the lines: at the upper left it crossed the first
        ax.set_ylim(top=8.6)
        ax.legend(loc="upper right", frameon=False)
        for_phone(fig, 3.8)
    return figure_to_svg(fig)


FIGURES = {
    "many-inputs-nudges.svg": nudges,
    "many-inputs-nudges-phone.svg": functools.partial(nudges, phone=True),
}
