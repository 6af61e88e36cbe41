"""The chapter's figures: the loop with zero_grad against the loop without it, three times.

Each is drawn twice: for the page's column and, narrower, for a phone's (``*-phone.svg``),
whose title takes two lines.
"""

from __future__ import annotations

import functools

FIXED = "with zero_grad (train)"
BUGGY = "without zero_grad (the bug)"


def _both(seed: int, steps: int, lr: float, scale: float = 1.0) -> dict[str, list[float]]:
    """Both loops from MLP(3, [4, 4, 1]) after random.seed(seed), targets times scale."""
    import random

    from scalargrad.datasets import lecture_dataset
    from scalargrad.nn import MLP
    from scalargrad.pitfalls import train_without_zero_grad
    from scalargrad.training import train

    xs, ys = lecture_dataset()
    ys = [y * scale for y in ys]
    random.seed(seed)
    fixed = train(MLP(3, [4, 4, 1]), xs, ys, steps=steps, lr=lr)
    random.seed(seed)
    buggy = train_without_zero_grad(MLP(3, [4, 4, 1]), xs, ys, steps=steps, lr=lr)
    return {FIXED: fixed, BUGGY: buggy}


def _drawn(fig, phone: bool) -> str:
    """The figure's SVG; for a phone, narrower and taller, its legend under the plot."""
    from scalargrad.viz import figure_to_svg, for_phone

    return figure_to_svg(for_phone(fig, 4.4, legend_columns=1) if phone else fig)


def _title(first: str, second: str, phone: bool) -> str:
    """A title on one line, or on two for a phone."""
    return first + ("\n" if phone else " ") + second


def lecture(phone: bool = False) -> str:
    """The lecture's setting: seed 0, 20 steps at 0.05; the bug looks faster."""
    from scalargrad.viz import plot_loss

    title = _title("Targets ±1, learning rate 0.05:", "the bug looks faster", phone)
    fig = plot_loss(_both(0, 20, 0.05), log_y=True, title=title)
    ax = fig.axes[0]
    ax.set_xticks(range(0, 20, 4 if phone else 2))
    ax.set_ylabel("loss (log scale)")
    ax.legend(loc="lower left")
    return _drawn(fig, phone)


def half_targets(phone: bool = False) -> str:
    """Targets ±0.5: the buggy loop never settles."""
    from scalargrad.viz import plot_loss

    title = _title("Targets ±0.5, learning rate 0.05:", "the bug never settles", phone)
    fig = plot_loss(_both(0, 100, 0.05, scale=0.5), log_y=True, title=title)
    ax = fig.axes[0]
    ax.set_ylabel("loss (log scale)")
    ax.legend(loc="lower left")
    return _drawn(fig, phone)


def dies(phone: bool = False) -> str:
    """Seed 9 at the lecture's 0.05: the buggy loop stalls, then coasts onto the dead plateau."""
    from scalargrad.viz import plot_loss

    title = _title("Seed 9, targets ±1, learning rate 0.05:", "the bug dies", phone)
    fig = plot_loss(_both(9, 40, 0.05), title=title)
    ax = fig.axes[0]
    ax.set_ylim(-0.3, 11)
    ax.legend(loc="upper right")
    return _drawn(fig, phone)


FIGURES = {
    "zero-grad-bug-lecture.svg": lecture,
    "zero-grad-bug-lecture-phone.svg": functools.partial(lecture, phone=True),
    "zero-grad-bug-half-targets.svg": half_targets,
    "zero-grad-bug-half-targets-phone.svg": functools.partial(half_targets, phone=True),
    "zero-grad-bug-dies.svg": dies,
    "zero-grad-bug-dies-phone.svg": functools.partial(dies, phone=True),
}
