"""The lecture's shape of the engine: every operation stores a ``_backward`` closure.

In the lecture, each operation defines a small function that knows its own derivative
and closes over its inputs and its output; ``backward()`` calls those functions in
reverse topological order. This module keeps that shape, with the lecture's bug fixed
(``+=``, as the chapter "The accumulation bug" explains), so that the chapter
"Automating backward" can run it next to the book's engine, where operations only record
their local derivatives and the chain rule is written once.

Both give the same gradients; the closure shape costs a function object per
node and a reference cycle (the closure refers to ``out``, ``out`` to the
closure), which is what the chapter "How fast, and why" measures.

>>> from scalargrad.closures import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> L = (a * b + 10.0).tanh()
>>> L.backward()
>>> round(L.data, 6), round(a.grad, 6), round(b.grad, 6)
(0.999329, -0.004023, 0.002682)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from scalargrad import engine  # guard
from scalargrad.engine import build_topo

__all__ = ["Value"]


def _noop() -> None:
    """The ``_backward`` of a leaf: it has no children to pass a gradient to."""


class Value:
    """A scalar in the lecture's shape: each operation stores its own backward."""

    __slots__ = ("_backward", "_op", "_prev", "data", "grad", "label")

    def __init__(
        self,
        data: float,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        if type(data) is not float:  # guard
            data = engine._as_float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._op = _op
        self._backward: Callable[[], None] = _noop

    def __repr__(self) -> str:
        return f"Value(data={self.data})"

    # --8<-- [start:closure-ops]
    def __add__(self, other: Value | float) -> Value:
        """``self + other``; its backward hands ``out.grad`` to both inputs."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        """``self * other``; its backward swaps the inputs."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """The hyperbolic tangent; its backward uses 1 - tanh(x)²."""
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - t**2) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        """Seed dL/dL = 1, then call every node's closure, output first."""
        topo = build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
    # --8<-- [end:closure-ops]

    def __radd__(self, other: float) -> Value:
        """``other + self`` when ``other`` is a plain number."""
        return Value(other) + self

    def __rmul__(self, other: float) -> Value:
        """``other * self`` when ``other`` is a plain number."""
        return Value(other) * self
