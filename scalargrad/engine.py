"""The autograd engine: a scalar :class:`Value` that remembers how it was made.

Each operation creates a new ``Value`` whose ``_prev`` holds its inputs (its
*children*) and whose ``_local`` holds the *local derivatives*: how much the
output moves when each child moves, computed once in the forward pass.
Backpropagation is then the chain rule written once, in
:meth:`Value._backward`::

    child.grad += local * node.grad

A ``Value`` has six fields: ``data`` (the number, a float), ``grad`` (the
derivative of the final output with respect to it, filled in by
:meth:`Value.backward`), ``label`` (a name for pictures), ``_prev`` (the
children), ``_op`` (the operation's name) and ``_local`` (one local derivative
per child).

The book builds this file step by step in the chapters from "A value that
remembers" to "More operations" and adds ``relu`` in "A real classifier". The
listings' docstrings are one line; the chapters hold the examples.

>>> from scalargrad import Value
>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> L = (a * b + 10.0) * -2.0
>>> L.backward()
>>> L, a.grad, b.grad
(Value(data=-8.0), 6.0, -4.0)
"""

# --8<-- [start:imports]
from __future__ import annotations

import math
import numbers  # guard

# --8<-- [end:imports]

__all__ = ["Value", "build_topo", "sigmoid"]


# --8<-- [start:value]
class Value:
    """A scalar that remembers the operation and the inputs that produced it."""

    __slots__ = ("_local", "_op", "_prev",  # guard: speed
                 "data", "grad", "label")

    def __init__(self, data: float, _children: tuple[Value, ...] = (),
                 _op: str = "", label: str = "",
                 _local: tuple[float, ...] = ()) -> None:
        if type(data) is not float:  # guard: check, and speed (floats skip it)
            data = _as_float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._op = _op
        self._local = _local
        if len(_local) != len(self._prev):  # guard
            raise _local_mismatch(self._prev, _local)

    def __repr__(self) -> str:
        return f"Value(data={self.data})"
    # --8<-- [end:value]

    # --8<-- [start:backward-step]
    def _backward(self) -> None:
        """Push this node's ``grad`` to its children: the chain rule, once."""
        for child, local in zip(self._prev, self._local, strict=False):
            child.grad += local * self.grad
    # --8<-- [end:backward-step]

    # --8<-- [start:backward]
    def backward(self) -> None:
        """Fill in ``grad`` for every node that this one depends on."""
        topo = build_topo(self)
        for node in topo:
            if node._prev:  # an inner node: forget an earlier call's grad
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
    # --8<-- [end:backward]

    # --8<-- [start:add-mul]
    def __add__(self, other: Value | float) -> Value:
        """``self + other``; the local derivatives are 1 and 1."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), "+",
                     _local=(1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        """``self * other``; each input's local derivative is the other."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), "*",
                     _local=(other.data, self.data))
    # --8<-- [end:add-mul]

    # --8<-- [start:more-ops]
    def __sub__(self, other: Value | float) -> Value:
        """``self - other``; the local derivatives are 1 and -1."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, (self, other), "-",
                     _local=(1.0, -1.0))

    def __truediv__(self, other: Value | float) -> Value:
        """``self / other``; d/da (a/b) = 1/b and d/db (a/b) = -a/b²."""
        other = other if isinstance(other, Value) else Value(other)
        _check_divisor(self.data, other.data)  # guard
        out = self.data / other.data
        return Value(out, (self, other), "/",
                     _local=(1.0 / other.data, -out / other.data))

    def __neg__(self) -> Value:
        """``-self``; the local derivative is -1."""
        return Value(-self.data, (self,), "neg", _local=(-1.0,))

    def __pow__(self, other: float) -> Value:
        """``self ** n`` for an int or float ``n``; d/dx xⁿ = n·xⁿ⁻¹."""
        x = self.data
        _check_power(x, other)  # guard
        return Value(x**other, (self,), f"**{other}",
                     _local=(_pow_local(x, other),))

    # Plain numbers on the left: 2 + v, 2 * v, 1 - v, 2 / v.
    def __radd__(self, other: float) -> Value:
        """``other + self`` when ``other`` is a plain number."""
        return Value(other) + self

    def __rmul__(self, other: float) -> Value:
        """``other * self`` when ``other`` is a plain number."""
        return Value(other) * self

    def __rsub__(self, other: float) -> Value:
        """``other - self`` when ``other`` is a plain number."""
        return Value(other) - self

    def __rtruediv__(self, other: float) -> Value:
        """``other / self`` when ``other`` is a plain number."""
        return Value(other) / self
    # --8<-- [end:more-ops]

    # --8<-- [start:tanh]
    def tanh(self) -> Value:
        """The hyperbolic tangent; d/dx tanh(x) = 1 - tanh(x)²."""
        t = math.tanh(self.data)  # never overflows, unlike (e²ˣ-1)/(e²ˣ+1)
        return Value(t, (self,), "tanh", _local=(1.0 - t * t,))
    # --8<-- [end:tanh]

    # --8<-- [start:exp-log]
    def exp(self) -> Value:
        """eˣ; its derivative is itself."""
        _check_exp(self.data)  # guard
        out = math.exp(self.data)
        return Value(out, (self,), "exp", _local=(out,))

    def log(self) -> Value:
        """The natural logarithm, for positive data; d/dx ln x = 1/x."""
        x = self.data
        _check_log(x)  # guard
        return Value(math.log(x), (self,), "log", _local=(1.0 / x,))
    # --8<-- [end:exp-log]

    # --8<-- [start:relu]
    def relu(self) -> Value:
        """max(0, x); the local derivative is 1 where x > 0, else 0."""
        x = self.data
        return Value(max(0.0, x), (self,), "ReLU",
                     _local=(1.0 if x > 0 else 0.0,))
    # --8<-- [end:relu]

    # --8<-- [start:sigmoid]
    def sigmoid(self) -> Value:
        """1 / (1 + e⁻ˣ); its derivative is s·(1 - s)."""
        s = sigmoid(self.data)
        return Value(s, (self,), "sigmoid", _local=(s * (1.0 - s),))
    # --8<-- [end:sigmoid]


# --8<-- [start:sigmoid-float]
def sigmoid(x: float) -> float:
    """1 / (1 + e⁻ˣ) for a float, without overflow for any x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # e⁻ˣ would overflow for x below about -709
    return e / (1.0 + e)
# --8<-- [end:sigmoid-float]


# --8<-- [start:pow-local]
def _pow_local(x: float, n: float) -> float:
    """d/dx xⁿ = n·xⁿ⁻¹."""
    if n == 0:  # guard: corner: PyTorch's value where n·xⁿ⁻¹ has none
        return 0.0
    if x == 0 and n < 1:  # guard: corner
        return math.inf
    if _overflows(x, n - 1):  # guard: corner: xⁿ fits in a float, xⁿ⁻¹ not
        return n * (x**n / x)
    return n * x ** (n - 1)
# --8<-- [end:pow-local]


# --8<-- [start:topo]
def build_topo(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, each after all of its children."""
    topo: list[Value] = []
    visited: set[Value] = set()
    stack = [(root, False)]  # (node, its children are placed): no recursion
    while stack:
        node, expanded = stack.pop()
        if expanded:  # second time: every child is placed, so place it
            topo.append(node)
        elif node not in visited:  # first time: come back after the children
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                stack.append((child, False))
    return topo
# --8<-- [end:topo]


# The guard rails: the checks that the lines tagged "# guard" call. The book's
# listings leave those lines out (a toggle shows them), and so do the reader's
# files: for good input the results are the same.


def _as_float(data: object) -> float:
    """Return ``data`` as a float; TypeError unless it is a real number."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            "Value data must be a real number (int or float), "
            f"got {type(data).__name__}: {data!r}"
        )
    return float(data)


def _local_mismatch(
    prev: tuple[Value, ...], local: tuple[float, ...]
) -> ValueError:
    """The error for a Value made with a wrong number of local derivatives."""
    return ValueError(
        f"a Value needs one local derivative per child: got {len(prev)} "
        f"children and {len(local)} local derivatives"
    )


def _overflows(x: float, n: float) -> bool:
    """True if ``x ** n`` is too large for a float."""
    try:
        x**n
    except OverflowError:
        return True
    return False


def _check_divisor(a: float, b: float) -> None:
    """ZeroDivisionError if ``b`` is zero."""
    if b == 0.0:
        raise ZeroDivisionError(
            f"cannot divide {a!r} by a Value whose data is zero"
        )


def _check_power(x: float, n: object) -> None:
    """Raise unless ``x ** n`` is a real number that fits in a float."""
    if isinstance(n, bool) or not isinstance(n, (int, float)):
        raise TypeError(
            "only int/float exponents are supported, "
            f"got {type(n).__name__}: {n!r}"
        )
    if x < 0 and not float(n).is_integer():
        raise ValueError(f"{x!r} ** {n!r} is not a real number")
    if x == 0 and n < 0:
        raise ZeroDivisionError(
            f"0.0 cannot be raised to the negative power {n!r}"
        )
    try:
        x**n
    except OverflowError:
        raise OverflowError(f"{x!r} ** {n!r} overflows a float") from None


def _check_exp(x: float) -> None:
    """OverflowError, naming the limit, if ``math.exp(x)`` overflows."""
    try:
        math.exp(x)
    except OverflowError:
        raise OverflowError(
            f"exp({x!r}) overflows a float "
            "(the largest input is about 709.78)"
        ) from None


def _check_log(x: float) -> None:
    """ValueError unless ``x`` is positive."""
    if x <= 0:
        raise ValueError(f"log is only defined for positive numbers, got {x!r}")
