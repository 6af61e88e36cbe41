"""Plots (matplotlib) in the book's style: functions, losses and decision boundaries.

matplotlib is imported inside the functions that draw, so importing this module costs
nothing. Every figure is deterministic (:func:`figure_to_svg` leaves out the date and
random ids), and the plots are white cards that read on a white page and on a dark one.
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scalargrad.graphs import _INK  # the one ink colour of every picture
from scalargrad.numeric import central_difference

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "PHONE_MIN_TEXT",
    "PHONE_WIDTH",
    "book_style",
    "figure_to_svg",
    "for_phone",
    "new_figure",
    "plot_decision_boundary",
    "plot_function",
    "plot_loss",
]

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


#: Width in inches of the book's figures drawn for a phone. A 390-px phone's column is 334
#: to 358 CSS px wide, so there 11-point text shows at 11 px or more.
PHONE_WIDTH = 4.6
#: The smallest text of a figure drawn for a phone, in points.
PHONE_MIN_TEXT = 11


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


def for_phone(
    fig: Figure, height: float, *, ticks: int = 5, legend_columns: int | None = None
) -> Figure:
    """``fig`` redrawn for a phone: :data:`PHONE_WIDTH` by ``height`` inches, no text under
    :data:`PHONE_MIN_TEXT` points, at most about ``ticks`` ticks on a linear axis, and a
    log axis labelled 0.01, 1e−5 rather than 10⁻², 10⁻⁵ (a superscript is smaller than the
    rest), at its powers of ten only. With ``legend_columns``, the legend moves under the
    plots, in that many columns: in a narrow plot it covers the curves.

    >>> fig = new_figure()
    >>> fig.axes[0].set_yscale("log")
    >>> fig = for_phone(fig, 3.6)
    >>> fig.get_size_inches().tolist(), fig.axes[0].yaxis.get_major_formatter()(1e-5, 0)
    ([4.6, 3.6], '1e−5')
    """
    from matplotlib import text, ticker

    if not (isinstance(height, (int, float)) and 0 < height <= 50):
        raise ValueError(f"height must be a number of inches in (0, 50], got {height!r}")
    if legend_columns is not None:
        _legend_below(fig, legend_columns)
    fig.set_size_inches(PHONE_WIDTH, height)
    for ax in fig.axes:
        ax.tick_params(which="both", labelsize=max(PHONE_MIN_TEXT, _tick_size(ax)))
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_locator(), ticker.MaxNLocator):
                axis.get_major_locator().set_params(nbins=ticks)
            if isinstance(axis.get_major_formatter(), ticker.LogFormatterMathtext):
                axis.set_major_formatter(ticker.FuncFormatter(_plain_power))
                axis.set_minor_formatter(ticker.NullFormatter())
    for label in fig.findobj(text.Text):
        if label.get_fontsize() < PHONE_MIN_TEXT:
            label.set_fontsize(PHONE_MIN_TEXT)
    return fig


def _legend_below(fig: Figure, columns: int) -> None:
    """Move the first legend of ``fig`` (its own or an axes') under the plots."""
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    if not legends:
        raise ValueError("legend_columns: the figure has no legend to move")
    entries = (legends[0].legend_handles, [t.get_text() for t in legends[0].get_texts()])
    for legend in legends:
        legend.remove()
    with book_style():
        fig.legend(*entries, loc="outside lower center", ncols=columns, frameon=False,
                   columnspacing=1.0)


def _tick_size(ax: Axes) -> float:
    """The font size of ``ax``'s x tick labels, in points (the least, without ticks)."""
    ticks = ax.xaxis.get_major_ticks()
    return ticks[0].label1.get_fontsize() if ticks else PHONE_MIN_TEXT


def _plain_power(value: float, _position: object = None) -> str:
    """A log axis label without a superscript: 0.001 to 1000, then 1e−5, 1e6."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) > 1e-9 or -3 <= exponent <= 3:
        return f"{value:g}"
    return f"1e{round(exponent)}".replace("-", "−")


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
