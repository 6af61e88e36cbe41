"""Training: a loss that says how wrong the model is, and gradient descent to make it less wrong.

The book builds this file in chapter 11 ("Loss and gradient descent") and
chapter 13 ("A real classifier"); chapter 12 compares its loop with the buggy
one.

:func:`gradient_descent` is the lecture's loop as it stands: forward pass, loss,
``zero_grad``, backward pass, update. :func:`train` is the same loop packaged:
``lr`` is a number or a schedule ``k -> lr``; ``loss`` is ``"sum_of_squares"``
(the lecture's) or ``"hinge"`` (micrograd's demo, with L2 weight ``alpha``;
labels must be -1 or +1; accuracy is recorded too); ``batch_size=None`` uses
every sample at every step, otherwise each step uses ``batch_size`` samples
drawn by ``random.Random(seed)``. While it runs, Python's cyclic garbage
collector is paused: a scalargrad graph holds no reference cycles, so
reference counting alone frees each step's graph (chapter 15 measures it).

>>> from scalargrad.datasets import lecture_dataset
>>> from scalargrad.nn import MLP
>>> from scalargrad.training import train
>>> xs, ys = lecture_dataset()
>>> history = train(MLP(3, [4, 4, 1], seed=0), xs, ys, steps=20, lr=0.05)
>>> history.losses[0] > history.losses[-1]
True
"""

# --8<-- [start:imports]
from __future__ import annotations

import functools  # guard: speed
import gc  # guard: speed
import math  # guard
import random
from collections.abc import Callable, Iterable, Sequence

from scalargrad.engine import Value
from scalargrad.nn import Module

# --8<-- [end:imports]

__all__ = [
    "LOSSES",
    "History",
    "accuracy",
    "gradient_descent",
    "hinge_loss",
    "linear_decay",
    "sgd_step",
    "sum_of_squares",
    "train",
]


# --8<-- [start:sum-of-squares]
def sum_of_squares(ypred: Sequence[Value], ys: Sequence[float]) -> Value:
    """The lecture's loss: the sum of (prediction - target)²."""
    _check_pairs(ypred, ys, "ypred and ys")  # guard
    _check_scalars(ypred, "ypred")  # guard
    return sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True))
# --8<-- [end:sum-of-squares]


# --8<-- [start:hinge-loss]
def hinge_loss(scores: Sequence[Value], labels: Sequence[float],
               parameters: Iterable[Value] = (), alpha: float = 1e-4) -> Value:
    """micrograd's max-margin loss: mean relu(1 - y·s) + alpha · Σ p²."""
    _check_pairs(scores, labels, "scores and labels")  # guard
    _check_scalars(scores, "scores")  # guard
    _check_labels(labels)  # guard
    pairs = zip(labels, scores, strict=True)
    losses = [(1 + -yi * si).relu() for yi, si in pairs]
    loss = sum(losses) * (1.0 / len(losses))
    return loss + alpha * sum(p * p for p in parameters)


def accuracy(scores: Sequence[Value | float], labels: Sequence[float]) -> float:
    """The fraction of samples whose score has the sign of their label."""
    _check_pairs(scores, labels, "scores and labels")  # guard
    pairs = zip(scores, labels, strict=True)
    hits = sum((getattr(s, "data", s) > 0) == (y > 0) for s, y in pairs)
    return hits / len(labels)
# --8<-- [end:hinge-loss]


# --8<-- [start:sgd-step]
def sgd_step(parameters: Iterable[Value], lr: float) -> None:
    """Move every parameter a little against its gradient."""
    _check_positive(lr, "lr")  # guard
    for p in parameters:
        p.data -= lr * p.grad
# --8<-- [end:sgd-step]


# --8<-- [start:gradient-descent]
def gradient_descent(model: Module, xs: list[list[float]], ys: list[float],
                     *, steps: int, lr: float) -> list[float]:
    """The lecture's loop, ``steps`` times; returns the loss of every step."""
    _check_loop_args(model, xs, ys, steps)  # guard
    losses = []
    for _ in range(steps):
        # forward pass
        ypred = [model(x) for x in xs]
        loss = sum_of_squares(ypred, ys)
        # backward pass
        model.zero_grad()
        loss.backward()
        # update
        sgd_step(model.parameters(), lr)
        losses.append(loss.data)
    return losses
# --8<-- [end:gradient-descent]


# --8<-- [start:linear-decay]
def linear_decay(
    start: float, end: float, steps: int
) -> Callable[[int], float]:
    """A learning rate falling in a straight line from start to end."""
    _check_decay_args(start, end, steps)  # guard

    def schedule(k: int) -> float:
        """The learning rate at step ``k`` (0, 1, 2, ...)."""
        _check_step_number(k)  # guard
        return end if k >= steps else start - (start - end) * k / steps

    return schedule


# --8<-- [end:linear-decay]


# --8<-- [start:collector-paused]
def _collector_paused(  # guard: speed
    train: Callable[..., History],
) -> Callable[..., History]:
    """``train`` with Python's cyclic garbage collector paused while it runs."""

    @functools.wraps(train)
    def paused(*args: object, **kwargs: object) -> History:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return train(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
# --8<-- [end:collector-paused]


# --8<-- [start:train]
@_collector_paused  # guard: speed; graphs have no cycles (chapter 15)
def train(model: Module, xs: Sequence[Sequence[float]], ys: Sequence[float],
          *, steps: int, lr: float | Callable[[int], float] = 0.05,
          loss: str = "sum_of_squares", alpha: float = 1e-4,
          batch_size: int | None = None, seed: int = 0) -> History:
    """Gradient descent: forward, loss, zero_grad, backward, update."""
    _check_train_args(model, xs, ys, steps, lr, loss, alpha,  # guard
                      batch_size)
    schedule = lr if callable(lr) else lambda k: lr
    rng = random.Random(seed)
    params = model.parameters()
    history = History()
    for k in range(steps):
        xb, yb = xs, ys
        if batch_size is not None:  # a random part of the data
            picks = rng.sample(range(len(xs)), batch_size)
            xb, yb = [xs[i] for i in picks], [ys[i] for i in picks]
        # forward pass
        ypred = [model(x) for x in xb]
        if loss == "hinge":
            total = hinge_loss(ypred, yb, params, alpha)
            history.accuracies.append(accuracy(ypred, yb))
        else:
            total = sum_of_squares(ypred, yb)
        # backward pass
        model.zero_grad()
        total.backward()
        # update
        sgd_step(params, schedule(k))
        history.losses.append(total.data)
    return history
# --8<-- [end:train]


# --8<-- [start:history]
class History:
    """What :func:`train` measured at each step: losses and accuracies."""

    def __init__(self, losses: list[float] | None = None,
                 accuracies: list[float] | None = None) -> None:
        self.losses = [] if losses is None else losses
        self.accuracies = [] if accuracies is None else accuracies

    def __repr__(self) -> str:
        if not self.losses:
            return "History(steps=0)"
        text = f"History(steps={len(self.losses)}, "
        text += f"first_loss={self.losses[0]!r}, last_loss={self.losses[-1]!r}"
        if self.accuracies:
            text += f", last_accuracy={self.accuracies[-1]!r}"
        return text + ")"
# --8<-- [end:history]


# The guard rails: the checks that the lines tagged "# guard" call. The book's
# listings leave those lines out (a toggle shows them), and so do the reader's
# files: for good input the results are the same.

def _check_pairs(
    ypred: Sequence[object], ys: Sequence[object], names: str
) -> None:
    """Raise unless predictions and targets are non-empty and pair up."""
    if len(ypred) != len(ys):
        raise ValueError(
            f"{names} must have the same length, got {len(ypred)} and {len(ys)}"
        )
    if not ys:
        raise ValueError(f"{names} must not be empty")


def _check_scalars(ypred: Sequence[object], names: str) -> None:
    """Raise unless every prediction is one Value or number."""
    for i, y in enumerate(ypred):
        if not isinstance(y, (Value, int, float)):
            raise TypeError(
                f"{names}[{i}] must be a single Value (a model with one "
                f"output), got {type(y).__name__}"
            )


def _check_positive(x: object, name: str) -> None:
    """Raise unless ``x`` is a finite number greater than 0."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(
            f"{name} must be a number, got {type(x).__name__}: {x!r}"
        )
    if not 0 < x < math.inf:
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")


def _check_steps(steps: object) -> None:
    """Raise unless ``steps`` is an int >= 1."""
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(
            f"steps must be an int, got {type(steps).__name__}: {steps!r}"
        )
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")


def _check_loop_args(
    model: object, xs: Sequence[object], ys: Sequence[object], steps: object
) -> None:
    """Raise unless ``model`` has parameters, xs/ys pair up, and steps >= 1."""
    if not (callable(model) and hasattr(model, "parameters")
            and hasattr(model, "zero_grad")):
        raise TypeError(
            "model must be callable and have parameters() and zero_grad(), "
            f"such as an MLP; got {type(model).__name__}"
        )
    _check_pairs(xs, ys, "xs and ys")
    _check_steps(steps)


def _check_labels(labels: Iterable[object]) -> None:
    """Raise unless every label is -1 or +1."""
    for i, y in enumerate(labels):
        if y not in (-1, 1) or isinstance(y, bool):
            raise ValueError(
                f"labels must be -1 or +1, got labels[{i}] = {y!r}"
            )


def _check_decay_args(start: object, end: object, steps: object) -> None:
    """Raise unless start > 0, end >= 0 (finite numbers) and steps >= 1."""
    _check_positive(start, "start")
    if isinstance(end, bool) or not isinstance(end, (int, float)):
        raise TypeError(
            f"end must be a number, got {type(end).__name__}: {end!r}"
        )
    if not 0 <= end < math.inf:
        raise ValueError(f"end must be a finite number >= 0, got {end!r}")
    _check_steps(steps)


def _check_step_number(k: object) -> None:
    """Raise unless ``k`` is an int >= 0."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"the step k must be an int >= 0, got {k!r}")


#: The losses :func:`train` knows by name.
LOSSES = ("sum_of_squares", "hinge")


def _check_train_args(
    model: object,
    xs: Sequence[object],
    ys: Sequence[object],
    steps: object,
    lr: object,
    loss: object,
    alpha: object,
    batch_size: object,
) -> None:
    """Raise unless train's arguments are valid."""
    _check_loop_args(model, xs, ys, steps)
    if not callable(lr):
        _check_positive(lr, "lr (a number or a schedule k -> lr)")
    _check_loss(loss, ys, alpha)
    _check_batch_size(batch_size, len(xs))


def _check_loss(loss: object, ys: Sequence[object], alpha: object) -> None:
    """Raise unless ``loss`` names a loss in LOSSES that fits ys and alpha."""
    if loss not in LOSSES:
        allowed = ", ".join(repr(name) for name in LOSSES)
        raise ValueError(f"unknown loss {loss!r}; allowed: {allowed}")
    if loss == "hinge":
        _check_labels(ys)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
            raise TypeError(
                f"alpha must be a number, got {type(alpha).__name__}: {alpha!r}"
            )
        if not 0 <= alpha < math.inf:
            raise ValueError(
                f"alpha must be a finite number >= 0, got {alpha!r}"
            )


def _check_batch_size(batch_size: object, n: int) -> None:
    """Raise unless ``batch_size`` is None or an int from 1 to ``n``."""
    if batch_size is None:
        return
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(
            "batch_size must be None or an int, "
            f"got {type(batch_size).__name__}: {batch_size!r}"
        )
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be None or between 1 and {n} (len(xs)), "
            f"got {batch_size}"
        )
