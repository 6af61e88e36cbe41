"""Training: a loss that says how wrong the model is, and gradient descent to make it less wrong.

The book builds this file in the chapters "Loss and gradient descent" and "A
real classifier"; "The zero_grad bug" compares :func:`train` with the buggy loop.

:func:`train` is the lecture's loop: forward pass, sum-of-squares loss,
``zero_grad``, backward pass, update, ``steps`` times, at a fixed learning rate;
it returns the loss of every step. :func:`train_classifier` is the same loop for
the classifier of "A real classifier": the max-margin :func:`hinge_loss` with L2 weight
``alpha``, a learning rate that is a schedule ``k -> lr`` (such as
:func:`linear_decay`), and the :func:`accuracy` of every step (labels are -1 or
+1). :func:`train_minibatches` (optional in the book) takes each step on the
samples of one batch. While they run, Python's cyclic garbage collector is
paused: a scalargrad graph holds no reference cycles, so reference counting
alone frees each step's graph ("How fast, and why" measures it).

>>> import random
>>> from scalargrad.datasets import lecture_dataset
>>> from scalargrad.nn import MLP
>>> from scalargrad.training import train
>>> xs, ys = lecture_dataset()
>>> random.seed(0)
>>> losses = train(MLP(3, [4, 4, 1]), xs, ys, steps=20, lr=0.05)
>>> losses[0] > losses[-1]
True
"""

# --8<-- [start:imports]
from __future__ import annotations

import functools  # guard: speed
import gc  # guard: speed
import math  # guard
from collections.abc import Callable, Iterable, Sequence

from scalargrad.engine import Value
from scalargrad.nn import Module

# --8<-- [end:imports]

__all__ = [
    "accuracy",
    "hinge_loss",
    "linear_decay",
    "sgd_step",
    "sum_of_squares",
    "train",
    "train_classifier",
    "train_minibatches",
]


# --8<-- [start:sum-of-squares]
def sum_of_squares(ypred: Sequence[Value], ys: Sequence[float]) -> Value:
    """The lecture's loss: the sum of (prediction - target)²."""
    _check_pairs(ypred, ys, "ypred and ys")  # guard
    _check_scalars(ypred, "ypred")  # guard
    return sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True))
# --8<-- [end:sum-of-squares]


# --8<-- [start:sgd-step]
def sgd_step(parameters: Iterable[Value], lr: float) -> None:
    """Move every parameter a little against its gradient."""
    _check_positive(lr, "lr")  # guard
    for p in parameters:
        p.data -= lr * p.grad
# --8<-- [end:sgd-step]


# --8<-- [start:collector-paused]
def _collector_paused(  # guard: speed
    loop: Callable[..., object],
) -> Callable[..., object]:
    """``loop`` with Python's cyclic garbage collector paused while it runs."""

    @functools.wraps(loop)
    def paused(*args: object, **kwargs: object) -> object:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return loop(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
# --8<-- [end:collector-paused]


# --8<-- [start:train]
@_collector_paused  # guard: speed; graphs have no cycles ("How fast, and why")
def train(model: Module, xs: Sequence[Sequence[float]], ys: Sequence[float],
          *, steps: int, lr: float) -> list[float]:
    """The lecture's loop, ``steps`` times; returns the loss of every step."""
    _check_train_args(model, xs, ys, steps, lr)  # guard
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
# --8<-- [end:train]


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


def accuracy(scores: Sequence[Value], labels: Sequence[float]) -> float:
    """The fraction of samples whose score has the sign of their label."""
    _check_pairs(scores, labels, "scores and labels")  # guard
    pairs = zip(scores, labels, strict=True)
    return sum((s.data > 0) == (y > 0) for s, y in pairs) / len(labels)
# --8<-- [end:hinge-loss]


# --8<-- [start:linear-decay]
def linear_decay(start: float, end: float,
                 steps: int) -> Callable[[int], float]:
    """A learning rate falling in a straight line from start to end."""
    _check_decay_args(start, end, steps)  # guard

    def schedule(k: int) -> float:
        """The learning rate at step ``k`` (0, 1, 2, ...)."""
        _check_step_number(k)  # guard
        return end if k >= steps else start - (start - end) * k / steps

    return schedule
# --8<-- [end:linear-decay]


# --8<-- [start:train-classifier]
@_collector_paused  # guard: speed; graphs have no cycles ("How fast, and why")
def train_classifier(model: Module, X: list[list[float]], y: list[float], *,
                     steps: int, lr: Callable[[int], float],
                     alpha: float = 1e-4) -> tuple[list[float], list[float]]:
    """train() with the hinge loss, a schedule and each step's accuracy."""
    _check_classifier_args(model, X, y, steps, lr, alpha)  # guard
    losses, accuracies = [], []
    for k in range(steps):
        # forward pass
        scores = [model(x) for x in X]
        loss = hinge_loss(scores, y, model.parameters(), alpha)
        accuracies.append(accuracy(scores, y))
        # backward pass
        model.zero_grad()
        loss.backward()
        # update
        sgd_step(model.parameters(), lr(k))
        losses.append(loss.data)
    return losses, accuracies
# --8<-- [end:train-classifier]


# --8<-- [start:train-minibatches]
@_collector_paused  # guard: speed; graphs have no cycles ("How fast, and why")
def train_minibatches(model: Module, X: list[list[float]], y: list[float], *,
                      batches: list[list[int]], lr: Callable[[int], float],
                      alpha: float = 1e-4) -> tuple[list[float], list[float]]:
    """train_classifier(), each step on the samples that one batch picks."""
    _check_batches(batches, len(X))  # guard
    _check_classifier_args(model, X, y, len(batches), lr, alpha)  # guard
    losses, accuracies = [], []
    for k, picks in enumerate(batches):
        Xb, yb = [X[i] for i in picks], [y[i] for i in picks]  # the one change
        # forward pass
        scores = [model(x) for x in Xb]
        loss = hinge_loss(scores, yb, model.parameters(), alpha)
        accuracies.append(accuracy(scores, yb))
        # backward pass
        model.zero_grad()
        loss.backward()
        # update
        sgd_step(model.parameters(), lr(k))
        losses.append(loss.data)
    return losses, accuracies
# --8<-- [end:train-minibatches]


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
    """Raise unless every prediction is one Value (any class with ``data``) or number."""
    for i, y in enumerate(ypred):
        if not (isinstance(y, (int, float)) or hasattr(y, "data")):
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


def _check_train_args(
    model: object, xs: Sequence[object], ys: Sequence[object], steps: object, lr: object
) -> None:
    """Raise unless train's arguments are valid."""
    _check_loop_args(model, xs, ys, steps)
    _check_positive(lr, "lr")


def _check_classifier_args(
    model: object, X: Sequence[object], y: Sequence[object], steps: object,
    lr: object, alpha: object,
) -> None:
    """Raise unless train_classifier's arguments are valid."""
    _check_loop_args(model, X, y, steps)
    if not callable(lr):
        raise TypeError(
            "lr must be a schedule, a function from the step number to the learning "
            f"rate, such as linear_decay(1.0, 0.1, steps); got {type(lr).__name__}: "
            f"{lr!r} (for a fixed rate r: lambda k: r)"
        )
    _check_labels(y)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
        raise TypeError(f"alpha must be a number, got {type(alpha).__name__}: {alpha!r}")
    if not 0 <= alpha < math.inf:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")


def _check_batches(batches: object, n: int) -> None:
    """Raise unless ``batches`` is a non-empty list of non-empty lists of sample indices."""
    if not isinstance(batches, Sequence) or isinstance(batches, str) or not batches:
        raise TypeError(
            "batches must be a non-empty list of batches, each a list of sample "
            f"indices such as [3, 0, 7]; got {batches!r}"
        )
    for k, picks in enumerate(batches):
        if not isinstance(picks, Sequence) or not picks or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in picks
        ):
            raise ValueError(
                f"batches[{k}] must be a non-empty list of sample indices from 0 to "
                f"{n - 1} (len(X) is {n}); got {picks!r}"
            )
