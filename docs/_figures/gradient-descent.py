"""The chapter's figures: the loss curve of the lecture's loop, and four learning rates.

Each is drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``).
"""

from __future__ import annotations

import functools


def _losses(lr: float, steps: int) -> list[float]:
    """The losses of MLP(3, [4, 4, 1]), drawn after random.seed(0), on the lecture's samples."""
    import random

    from scalargrad.datasets import lecture_dataset
    from scalargrad.nn import MLP
    from scalargrad.training import train

    xs, ys = lecture_dataset()
    random.seed(0)
    return train(MLP(3, [4, 4, 1]), xs, ys, steps=steps, lr=lr)


def loss_curve(phone: bool = False) -> str:
    """20 steps at the lecture's learning rate, 0.05."""
    from scalargrad.viz import figure_to_svg, for_phone, plot_loss

    fig = plot_loss({"learning rate 0.05": _losses(0.05, 20)},
                    title="MLP(3, [4, 4, 1]) on the four samples")
    ax = fig.axes[0]
    ax.set_xticks(range(0, 20, 4 if phone else 2))
    ax.set_ylim(bottom=0)
    if phone:
        for_phone(fig, 3.6)
    return figure_to_svg(fig)


def learning_rates(phone: bool = False) -> str:
    """The same network for 30 steps at 0.01, 0.05, 0.3 and 1.0, on a log axis."""
    from scalargrad.viz import figure_to_svg, for_phone, plot_loss

    curves = {f"lr {lr}": _losses(lr, 30) for lr in (0.01, 0.05, 0.3, 1.0)}
    fig = plot_loss(curves, log_y=True, title="The same network, four learning rates")
    ax = fig.axes[0]
    ax.set_ylabel("loss (log scale)")
    ax.legend(loc="lower left", ncols=2)
    if phone:
        for_phone(fig, 4.0, legend_columns=2)
    return figure_to_svg(fig)


FIGURES = {
    "gradient-descent-loss.svg": loss_curve,
    "gradient-descent-loss-phone.svg": functools.partial(loss_curve, phone=True),
    "gradient-descent-learning-rates.svg": learning_rates,
    "gradient-descent-learning-rates-phone.svg": functools.partial(learning_rates, phone=True),
}
