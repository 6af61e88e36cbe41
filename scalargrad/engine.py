"""The autograd engine: a scalar :class:`Value` that remembers how it was made.

Each operation creates a new ``Value`` whose ``_prev`` holds its inputs (its
*children*) and whose ``_local`` holds the *local derivatives*: how much the
output moves when each child moves, computed once in the forward pass.
Backpropagation is then the chain rule written once, in :meth:`Value._backward`::

    child.grad += local * node.grad

The book builds this file step by step in chapters 3 to 8 ("A value that
remembers" to "More operations").

>>> from scalargrad import Value
>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> L = (a * b + 10.0) * -2.0
>>> L.backward()
>>> L, a.grad, b.grad
(Value(data=-8.0), 6.0, -4.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

__all__ = ["Value", "build_topo"]

# The local derivatives of `a + b` are always (1, 1): one shared tuple serves every sum.
_ONES = (1.0, 1.0)
_PLUS_MINUS = (1.0, -1.0)
_MINUS_ONE = (-1.0,)


def _as_float(data: object) -> float:
    """Return ``data`` as a float, or raise TypeError naming what was given."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"Value data must be a real number (int or float), got {type(data).__name__}: {data!r}"
        )
    return float(data)


# --8<-- [start:value]
class Value:
    """A scalar that remembers the operation and the inputs that produced it.

    ``data`` is the number, ``grad`` the derivative of the final output with
    respect to it (filled in by :meth:`backward`), ``_prev`` the children,
    ``_op`` the operation's name and ``_local`` one local derivative per child.

    >>> x = Value(3, label="x")
    >>> x
    Value(data=3.0)
    >>> x.data, x.grad, x.label, x._prev, x._op
    (3.0, 0.0, 'x', (), '')
    >>> y = x * x
    >>> y._prev == (x, x), y._op, y._local
    (True, '*', (3.0, 3.0))
    """

    __slots__ = ("_local", "_op", "_prev", "data", "grad", "label")

    def __init__(
        self,
        data: float,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
        _local: tuple[float, ...] = (),
    ) -> None:
        if type(data) is not float:
            data = _as_float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._op = _op
        self._local = _local
        if len(_local) != len(self._prev):
            raise ValueError(
                f"a Value needs one local derivative per child: got {len(self._prev)} "
                f"children and {len(_local)} local derivatives"
            )

    def __repr__(self) -> str:
        return f"Value(data={self.data})"
    # --8<-- [end:value]

    # --8<-- [start:backward-step]
    def _backward(self) -> None:
        """Push this node's ``grad`` to its children: the chain rule, once.

        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b
        >>> c.grad = 1.0
        >>> c._backward()
        >>> a.grad, b.grad
        (-3.0, 2.0)
        """
        # __init__ checked that there is one local derivative per child
        for child, local in zip(self._prev, self._local, strict=False):
            child.grad += local * self.grad
    # --8<-- [end:backward-step]

    # --8<-- [start:backward]
    def backward(self) -> None:
        """Fill in ``grad`` for every node that this one depends on.

        Sets this node's grad to 1 (dL/dL), then visits the nodes in reverse
        topological order, so that each node has collected its whole gradient
        before it passes it on. The leaves' gradients accumulate: call
        :meth:`scalargrad.nn.Module.zero_grad` between steps. Inner nodes start
        from zero on every call, so a second call adds exactly one more dL/dx.

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad
        7.0
        >>> y.backward()
        >>> x.grad
        14.0
        """
        topo = build_topo(self)
        for node in topo:
            if node._prev:  # an inner node: forget what an earlier call pushed into it
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
    # --8<-- [end:backward]

    # --8<-- [start:add-mul]
    def __add__(self, other: Value | float) -> Value:
        """``self + other``; the local derivatives are 1 and 1.

        >>> Value(2.0) + 3
        Value(data=5.0)
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+", _local=_ONES)

    def __mul__(self, other: Value | float) -> Value:
        """``self * other``; each input's local derivative is the other input.

        >>> Value(2.0) * 3
        Value(data=6.0)
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*", _local=(other.data, self.data))
    # --8<-- [end:add-mul]

    # --8<-- [start:more-ops]
    def __sub__(self, other: Value | float) -> Value:
        """``self - other``; the local derivatives are 1 and -1.

        >>> Value(2.0) - 3
        Value(data=-1.0)
        """
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), "-", _local=_PLUS_MINUS)

    def __truediv__(self, other: Value | float) -> Value:
        """``self / other``; d/da (a/b) = 1/b and d/db (a/b) = -a/b².

        >>> Value(3.0) / 4
        Value(data=0.75)
        """
        other = other if isinstance(other, Value) else Value(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"cannot divide {self.data!r} by a Value whose data is zero")
        out = self.data / other.data
        return Value(out, (self, other), "/", _local=(1.0 / other.data, -out / other.data))

    def __neg__(self) -> Value:
        """``-self``; the local derivative is -1.

        >>> -Value(2.0)
        Value(data=-2.0)
        """
        return Value(-self.data, (self,), "neg", _local=_MINUS_ONE)

    def __pow__(self, other: float) -> Value:
        """``self ** n`` for a plain int or float ``n``; d/dx xⁿ = n·xⁿ⁻¹.

        >>> Value(3.0) ** 2
        Value(data=9.0)
        """
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            raise TypeError(
                f"only int/float exponents are supported, got {type(other).__name__}: {other!r}"
            )
        x = self.data
        if x < 0 and not float(other).is_integer():
            raise ValueError(f"{x!r} ** {other!r} is not a real number")
        if x == 0 and other < 0:
            raise ZeroDivisionError(f"0.0 cannot be raised to the negative power {other!r}")
        try:
            out = x**other
        except OverflowError:
            raise OverflowError(f"{x!r} ** {other!r} overflows a float") from None
        return Value(out, (self,), f"**{other}", _local=(_pow_local(x, other),))

    # Plain numbers on the left: 2 + v, 2 * v, 1 - v, 2 / v.
    def __radd__(self, other: float) -> Value:
        """``other + self`` when ``other`` is a plain number.

        >>> 1 + Value(2.0)
        Value(data=3.0)
        """
        return Value(other) + self

    def __rmul__(self, other: float) -> Value:
        """``other * self`` when ``other`` is a plain number.

        >>> 2 * Value(3.0)
        Value(data=6.0)
        """
        return Value(other) * self

    def __rsub__(self, other: float) -> Value:
        """``other - self`` when ``other`` is a plain number.

        >>> 1 - Value(3.0)
        Value(data=-2.0)
        """
        return Value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        """``other / self`` when ``other`` is a plain number.

        >>> 2 / Value(4.0)
        Value(data=0.5)
        """
        return Value(other) / self
    # --8<-- [end:more-ops]

    # --8<-- [start:tanh]
    def tanh(self) -> Value:
        """The hyperbolic tangent; d/dx tanh(x) = 1 - tanh(x)².

        ``math.tanh`` never overflows, unlike the formula (e²ˣ - 1)/(e²ˣ + 1).

        >>> Value(0.8813735870195432).tanh()
        Value(data=0.7071067811865477)
        >>> Value(1000.0).tanh()
        Value(data=1.0)
        """
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", _local=(1.0 - t * t,))
    # --8<-- [end:tanh]

    # --8<-- [start:exp-log]
    def exp(self) -> Value:
        """eˣ; its derivative is itself.

        >>> Value(0.0).exp()
        Value(data=1.0)
        """
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) overflows a float (the largest input is about 709.78)"
            ) from None
        return Value(out, (self,), "exp", _local=(out,))

    def log(self) -> Value:
        """The natural logarithm, for positive data; d/dx ln x = 1/x.

        >>> Value(1.0).log()
        Value(data=0.0)
        """
        x = self.data
        if x <= 0:
            raise ValueError(f"log is only defined for positive numbers, got {x!r}")
        return Value(math.log(x), (self,), "log", _local=(1.0 / x,))
    # --8<-- [end:exp-log]

    # --8<-- [start:relu-sigmoid]
    def relu(self) -> Value:
        """max(0, x); the local derivative is 1 where x > 0 and 0 elsewhere.

        >>> Value(-2.0).relu(), Value(3.0).relu()
        (Value(data=0.0), Value(data=3.0))
        """
        x = self.data
        if x > 0:
            return Value(x, (self,), "ReLU", _local=(1.0,))
        return Value(0.0, (self,), "ReLU", _local=(0.0,))

    def sigmoid(self) -> Value:
        """1 / (1 + e⁻ˣ), computed without overflow; its derivative is s·(1 - s).

        >>> Value(0.0).sigmoid()
        Value(data=0.5)
        """
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, (self,), "sigmoid", _local=(s * (1.0 - s),))
    # --8<-- [end:relu-sigmoid]


# --8<-- [start:pow-local]
def _pow_local(x: float, n: float) -> float:
    """d/dx xⁿ = n·xⁿ⁻¹, with the limits at x = 0 that PyTorch uses."""
    if n == 0:
        return 0.0
    if x == 0 and n < 1:
        return math.inf
    try:
        return n * x ** (n - 1)
    except OverflowError:  # xⁿ fits in a float but xⁿ⁻¹ does not (tiny x, n < 0): ±inf
        return n * (x**n / x)
# --8<-- [end:pow-local]


# --8<-- [start:topo]
def build_topo(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, each after all of its children.

    An iterative depth-first search: no recursion, so a chain a million
    nodes deep works.

    >>> a = Value(1.0, label="a")
    >>> b = a + a; b.label = "b"
    >>> c = b * a; c.label = "c"
    >>> [n.label for n in build_topo(c)]
    ['a', 'b', 'c']
    """
    topo: list[Value] = []
    visited: set[Value] = set()  # nodes whose children have been pushed
    placed: set[Value] = set()  # nodes already in topo
    stack = [root]
    while stack:
        node = stack.pop()
        if node not in visited:
            visited.add(node)
            stack.append(node)  # come back to it once its children are placed
            for child in node._prev:
                if child not in visited:
                    stack.append(child)
        elif node not in placed:
            placed.add(node)
            topo.append(node)
    return topo
# --8<-- [end:topo]
