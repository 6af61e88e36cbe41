"""The lecture's two bugs, kept as runnable code so the book can show them failing.

1. :class:`OverwritingValue`: its ``+`` *sets* the children's grads (``=``)
   instead of adding to them (``+=``), so a value used twice loses a gradient.
2. :func:`train_without_zero_grad`: the training loop without ``zero_grad()``,
   so every step's gradients pile up on top of the previous steps'.

The book shows them in the chapters "The accumulation bug" and "The zero_grad
bug". Never use them for real work.

Each ``backward()`` of :func:`train_without_zero_grad` adds this step's
gradient on top of all the previous ones, so the update uses the *sum* of
every gradient so far. With the lecture's learning rate, seed 9 trains fine with ``zero_grad()``:

>>> import random
>>> from scalargrad.datasets import lecture_dataset
>>> from scalargrad.nn import MLP
>>> from scalargrad.training import train
>>> xs, ys = lecture_dataset()
>>> random.seed(9)
>>> losses = train(MLP(3, [4, 4, 1]), xs, ys, steps=50, lr=0.05)
>>> losses[0], losses[-1]
(10.596817366071441, 0.012265420973488603)

Without it, the loss stalls at 4, touches 0, then jumps to 8 and stays there:
the piled-up gradient keeps pushing long after it should have stopped.

>>> random.seed(9)
>>> model = MLP(3, [4, 4, 1])
>>> losses = train_without_zero_grad(model, xs, ys, steps=50, lr=0.05)
>>> [round(loss, 2) for loss in losses[::5]]
[10.6, 4.05, 4.0, 4.0, 0.0, 0.0, 0.0, 8.0, 8.0, 8.0]
>>> [model(x).data for x in xs]  # all +1: two of the four are wrong
[1.0, 1.0, 1.0, 1.0]

>>> from scalargrad.pitfalls import OverwritingValue
>>> a = OverwritingValue(3.0, label="a")
>>> b = a + a
>>> b.backward()
>>> a.grad  # should be 2.0
1.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from scalargrad import training  # guard
from scalargrad.engine import build_topo
from scalargrad.nn import Module
from scalargrad.training import sgd_step, sum_of_squares

__all__ = ["OverwritingValue", "train_without_zero_grad"]


def _noop() -> None:
    """The ``_backward`` of a leaf: it has no children to pass a gradient to."""


class OverwritingValue:
    """A Value in the lecture's first shape, with its bug: ``+`` overwrites grads.

    Each operation stores a ``_backward`` closure, as in the lecture. The one
    of ``+`` assigns ``self.grad = out.grad`` where it should add, so when a
    value reaches the output along two paths, the second path wipes out the first.

    >>> a = OverwritingValue(-2.0, label="a")
    >>> b = OverwritingValue(3.0, label="b")
    >>> d = a * b; d.label = "d"
    >>> e = a + b; e.label = "e"
    >>> f = d * e; f.label = "f"
    >>> f.backward()
    >>> f, a.grad, b.grad  # the right grads are -3.0 and -8.0
    (OverwritingValue(data=-6.0), -6.0, -6.0)
    """

    def __init__(
        self,
        data: float,
        _children: tuple[OverwritingValue, ...] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise TypeError(
                f"OverwritingValue data must be an int or float, got {type(data).__name__}"
            )
        self.data = float(data)
        self.grad = 0.0
        self._backward: Callable[[], None] = _noop
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self) -> str:
        return f"OverwritingValue(data={self.data})"

    # --8<-- [start:overwriting-value]
    def __add__(self, other: OverwritingValue | float) -> OverwritingValue:
        """``self + other``, with the bug."""
        if not isinstance(other, OverwritingValue):
            other = OverwritingValue(other)
        out = OverwritingValue(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad = 1.0 * out.grad  # BUG: should be +=
            other.grad = 1.0 * out.grad  # BUG: should be +=

        out._backward = _backward
        return out
    # --8<-- [end:overwriting-value]

    def __mul__(self, other: OverwritingValue | float) -> OverwritingValue:
        """``self * other``, correct (``+=``).

        >>> OverwritingValue(2.0) * 3
        OverwritingValue(data=6.0)
        """
        other = other if isinstance(other, OverwritingValue) else OverwritingValue(other)
        out = OverwritingValue(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> OverwritingValue:
        """The hyperbolic tangent, correct (``+=``).

        >>> OverwritingValue(0.0).tanh()
        OverwritingValue(data=0.0)
        """
        t = math.tanh(self.data)
        out = OverwritingValue(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        """Set this grad to 1 and call every node's ``_backward``, outputs first.

        >>> x = OverwritingValue(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> x.grad  # * is not affected by the bug
        6.0
        """
        topo = build_topo(self)  # type: ignore[arg-type]
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


# --8<-- [start:train-without-zero-grad]
def train_without_zero_grad(
    model: Module,
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    *,
    steps: int,
    lr: float,
) -> list[float]:
    """The lecture's first loop, with its bug: no ``zero_grad()`` call."""
    training._check_train_args(model, xs, ys, steps, lr)  # guard
    losses = []
    for _ in range(steps):
        # forward pass
        ypred = [model(x) for x in xs]
        loss = sum_of_squares(ypred, ys)
        # backward pass (BUG: no model.zero_grad() first)
        loss.backward()
        # update
        sgd_step(model.parameters(), lr)
        losses.append(loss.data)
    return losses
# --8<-- [end:train-without-zero-grad]
