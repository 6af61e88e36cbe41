"""Pictures of what the engine computes: :mod:`~scalargrad.graphs` draws expression graphs
and networks with Graphviz, :mod:`~scalargrad.plots` draws plots with matplotlib.

Both import their drawing library inside the functions that draw, so
``import scalargrad.viz`` costs nothing; every name of both is here too.

>>> from scalargrad.viz import draw_dot, plot_loss
"""

from scalargrad.graphs import draw_dot, draw_mlp, trace
from scalargrad.plots import (
    BOOK_STYLE,
    COLORS,
    PHONE_MIN_TEXT,
    PHONE_WIDTH,
    book_style,
    figure_to_svg,
    for_phone,
    new_figure,
    plot_decision_boundary,
    plot_function,
    plot_loss,
)

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "PHONE_MIN_TEXT",
    "PHONE_WIDTH",
    "book_style",
    "draw_dot",
    "draw_mlp",
    "figure_to_svg",
    "for_phone",
    "new_figure",
    "plot_decision_boundary",
    "plot_function",
    "plot_loss",
    "trace",
]
