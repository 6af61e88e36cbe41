"""The chapter's figures: the two moons, the trained network's decision boundary, and the
training curves of full-batch and mini-batch gradient descent. Each is drawn twice: for the
page's column and, narrower and taller, for a phone's (``*-phone.svg``).

Training the network takes about a second, so each run happens once per build
(functools.cache) and the figures share it. The settings are the chapter's (:data:`N_SAMPLES`,
:data:`WIDTH`, :data:`STEPS`, :data:`BATCH`), so the figures show the very networks whose
numbers the chapter prints.
"""

from __future__ import annotations

import functools
from typing import Any

#: The chapter's settings: 50 points, MLP(2, [8, 8, 1]), 50 steps, mini-batches of 25.
N_SAMPLES, WIDTH, STEPS, BATCH = 50, 8, 50, 25


def _moons() -> tuple[list[list[float]], list[int]]:
    from scalargrad.datasets import make_moons

    return make_moons(n_samples=N_SAMPLES, noise=0.1, seed=0)


@functools.cache
def _trained(batch_size: int | None) -> tuple[Any, tuple[list[float], list[float]]]:
    """(model, (losses, accuracies)) of the chapter's MLP(2, [8, 8, 1]) after 50 steps."""
    import random

    from scalargrad.nn import MLP
    from scalargrad.training import linear_decay, train_classifier, train_minibatches

    X, y = _moons()
    random.seed(0)
    model = MLP(2, [WIDTH, WIDTH, 1], activation="relu", output_activation="linear")
    schedule = linear_decay(1.0, 0.1, STEPS)
    if batch_size is None:
        return model, train_classifier(model, X, y, steps=STEPS, lr=schedule, alpha=1e-4)
    rng = random.Random(0)
    batches = [rng.sample(range(len(X)), batch_size) for _ in range(STEPS)]
    return model, train_minibatches(model, X, y, batches=batches, lr=schedule, alpha=1e-4)


def moons(phone: bool = False) -> str:
    """The fifty points, with the markers and colours of plot_decision_boundary."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    X, y = _moons()
    sep = "\n" if phone else " "  # a phone's title breaks where the column's runs on
    with book_style():
        fig = new_figure(6.8, 3.6)
        ax = fig.axes[0]
        for sign, marker, color, text in ((1, "o", COLORS[0], "y = +1"),
                                          (-1, "s", COLORS[1], "y = −1")):
            pts = [p for p, label in zip(X, y, strict=True) if label == sign]
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, s=30,
                       color=color, edgecolors="#1b1b1b", linewidths=0.6, label=text, zorder=3)
        ax.set(xlabel="x₀", ylabel="x₁",
               title=f"make_moons(n_samples={N_SAMPLES},{sep}noise=0.1, seed=0)")
        ax.set_aspect("equal")
        ax.legend(loc="upper right")
    if phone:
        for_phone(fig, 3.6)
    return figure_to_svg(fig)


def boundary(phone: bool = False) -> str:
    """Where the trained full-batch network's score is positive or negative."""
    from scalargrad.viz import figure_to_svg, for_phone, plot_decision_boundary

    X, y = _moons()
    model, _ = _trained(None)
    sep = "\n" if phone else " "
    title = f"MLP(2, [{WIDTH}, {WIDTH}, 1]) after {STEPS} steps:{sep}100% training accuracy"
    fig = plot_decision_boundary(model, X, y, resolution=40, title=title)
    if phone:
        for_phone(fig, 4.4)
    return figure_to_svg(fig)


def training(phone: bool = False) -> str:
    """Loss (log scale) and accuracy per step, full batch against mini-batches of 25."""
    from scalargrad.viz import COLORS, book_style, figure_to_svg, for_phone, new_figure

    runs = {f"all {N_SAMPLES} points": _trained(None)[1],
            f"mini-batches of {BATCH}": _trained(BATCH)[1]}
    with book_style():
        fig = new_figure(6.8, 3.8)
        fig.clear()
        loss_ax, acc_ax = fig.subplots(1, 2)
        for (name, (losses, accuracies)), color in zip(runs.items(), COLORS, strict=False):
            loss_ax.plot(losses, color=color, label=name, linewidth=1.6)
            acc_ax.plot(accuracies, color=color, label=name, linewidth=1.6)
        loss_ax.set(xlabel="step", ylabel="loss (log scale)", yscale="log", title="Hinge loss")
        acc_ax.set(xlabel="step", ylabel="accuracy of the step's points", title="Accuracy",
                   ylim=(0.3, 1.02))
        acc_ax.legend(loc="lower right")
    if phone:
        acc_ax.set_ylabel("accuracy of the\nstep's points")
        for_phone(fig, 4.0, ticks=3, legend_columns=2)
    return figure_to_svg(fig)


FIGURES = {
    "classifier-moons.svg": moons,
    "classifier-moons-phone.svg": functools.partial(moons, phone=True),
    "classifier-boundary.svg": boundary,
    "classifier-boundary-phone.svg": functools.partial(boundary, phone=True),
    "classifier-training.svg": training,
    "classifier-training-phone.svg": functools.partial(training, phone=True),
}
