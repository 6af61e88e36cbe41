"""The chapter's figures: the parabola with three tangents, and the step-size error plot.

Each is drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools
import math

from scalargrad.numeric import central_difference, forward_difference

WIDTH = 7.0  # inches: the page's content width, so 11-12 pt text stays readable


def f(x: float) -> float:
    """The chapter's function, 3x² - 4x + 5."""
    return 3 * x**2 - 4 * x + 5


def parabola(phone: bool = False) -> str:
    """f on [-5, 5] with its tangent lines at x = -3, 2/3 and 3."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    xs = [-5 + i * 0.05 for i in range(201)]
    with book_style():
        fig = new_figure(WIDTH, 4.2)
        ax = fig.axes[0]
        ax.plot(xs, [f(x) for x in xs], color=COLORS[0], label="f(x) = 3x² − 4x + 5")
        # label offsets in points: a phone's narrower plot has room inside the parabola
        offsets = ((46, 14), (0, 34), (26, -34)) if phone else ((-42, -62), (0, 34), (52, -34))
        for (x0, color), offset in zip(
            ((-3.0, COLORS[1]), (2 / 3, COLORS[2]), (3.0, COLORS[4])), offsets, strict=True
        ):
            slope = 6 * x0 - 4
            half = 1.3
            tx = [x0 - half, x0 + half]
            ax.plot(tx, [f(x0) + slope * (t - x0) for t in tx], color=color, linewidth=2.5)
            ax.plot([x0], [f(x0)], "o", color=color, markersize=7)
            name = "2/3" if x0 == 2 / 3 else f"{x0:g}"
            ax.annotate(
                f"x = {name}\nslope {slope:.0f}".replace("-", "−"),
                (x0, f(x0)),
                xytext=offset,
                textcoords="offset points",
                ha="center",
                color=color,
                fontweight="bold",
            )
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.set_xlim(-5, 5)
        ax.set_ylim(-5, 105)
        ax.legend(loc="upper center", frameon=False)
    if phone:
        for_phone(fig, 4.0)
    return figure_to_svg(fig)


def _errors(func, x: float, exact: float, hs: list[float], method) -> tuple[list, list]:
    """(h, |estimate - exact|) pairs; an error of exactly 0 cannot be drawn on a log axis."""
    pairs = [(h, abs(method(func, x, h) - exact)) for h in hs]
    kept = [(h, e) for h, e in pairs if e > 0]
    return [h for h, _ in kept], [e for _, e in kept]


def step_error(phone: bool = False) -> str:
    """Log-log error of forward and central differences against h, for f and for sin.

    The chapter reads the panels left and right: a phone's keeps them side by side, with
    fewer ticks and the titles on two lines."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    hs = [10.0 ** (-k / 4) for k in range(0, 65)]  # 1 down to 1e-16
    sep = "\n" if phone else " "
    cases = (
        (f"f(x) = 3x² − 4x + 5{sep}at x = 3", f, 3.0, 14.0),
        (f"sin(x){sep}at x = 1", math.sin, 1.0, math.cos(1.0)),
    )
    with book_style():
        fig = new_figure(WIDTH, 3.9)
        fig.clear()
        axes = fig.subplots(1, 2, sharey=True)
        for ax, (title, func, x, exact) in zip(axes, cases, strict=True):
            for method, label, color, marker in (
                (forward_difference, "forward", COLORS[0], "o"),
                (central_difference, "central", COLORS[1], "s"),
            ):
                h, err = _errors(func, x, exact, hs, method)
                ax.loglog(h, err, marker=marker, markersize=3.5, linewidth=1.5, color=color,
                          label=label)
            ax.set_title(title, fontsize=12)
            ax.set_xlabel("step h (shrinking →)")
            ax.set_xlim(2e-17, 3)
            ax.set_ylim(1e-16, 10)
            ax.set_xticks([1e-16, 1e-8, 1] if phone else [1e-16, 1e-12, 1e-8, 1e-4, 1])
            ax.invert_xaxis()
        axes[0].set_ylabel("|estimate − true slope|")
        axes[1].legend(loc="upper center", frameon=False)
    if phone:
        for ax in axes:
            ax.set_xlabel("step h\n(shrinking →)")
            ax.set_yticks([1e-16, 1e-12, 1e-8, 1e-4, 1])
        for_phone(fig, 4.2)
    return figure_to_svg(fig)


FIGURES = {
    "slope-parabola.svg": parabola,
    "slope-parabola-phone.svg": functools.partial(parabola, phone=True),
    "slope-step-error.svg": step_error,
    "slope-step-error-phone.svg": functools.partial(step_error, phone=True),
}
