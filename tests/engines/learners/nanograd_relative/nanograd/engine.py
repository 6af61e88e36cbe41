from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable


@dataclass(eq=False)
class Value:
    data: float
    children: tuple = ()
    op: str = ""
    grad: float = 0.0
    _backward: Callable[[], None] = field(default=lambda: None, repr=False)

    @property
    def _prev(self):
        return self.children

    @staticmethod
    def lift(x) -> Value:
        return x if isinstance(x, Value) else Value(float(x))

    def __add__(self, other) -> Value:
        other = Value.lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def backward_fn():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward_fn
        return out

    def __mul__(self, other) -> Value:
        other = Value.lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def backward_fn():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward_fn
        return out

    def __pow__(self, k: float) -> Value:
        out = Value(self.data ** k, (self,), f"**{k}")

        def backward_fn():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = backward_fn
        return out

    def tanh(self) -> Value:
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
        out = Value(t, (self,), "tanh")

        def backward_fn():
            self.grad += (1 - t * t) * out.grad

        out._backward = backward_fn
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def backward_fn():
            self.grad += out.data * out.grad

        out._backward = backward_fn
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def backward_fn():
            self.grad += (self.data > 0) * out.grad

        out._backward = backward_fn
        return out

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other) -> Value:
        return self + (-Value.lift(other))

    def __rsub__(self, other) -> Value:
        return Value.lift(other) - self

    def __radd__(self, other) -> Value:
        return self + other

    def __rmul__(self, other) -> Value:
        return self * other

    def __truediv__(self, other) -> Value:
        return self * Value.lift(other) ** -1

    def __rtruediv__(self, other) -> Value:
        return Value.lift(other) * self ** -1

    def backward(self) -> None:
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) in seen:
                return
            seen.add(id(node))
            for child in node.children:
                visit(child)
            order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
