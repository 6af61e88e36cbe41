"""Forward mode: a :class:`Dual` number carries a value and its derivative together.

A ``Value`` records the graph and gets every derivative afterwards, walking it
backwards (reverse mode). A ``Dual`` records nothing: each operation computes its
result *and* the derivative of that result with respect to one chosen input,
right away, by the same local derivatives ``Value`` uses. One forward pass gives
the derivative with respect to one input; :func:`gradient` makes one pass per
input. The book builds this file in the chapter "Forward mode and reverse mode".

>>> from scalargrad.forward import Dual
>>> x = Dual(3.0, 1.0)      # x = 3, and dx/dx = 1
>>> x * x + x               # d/dx (x² + x) = 2x + 1 = 7
Dual(data=12.0, deriv=7.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

from scalargrad.engine import Value, _pow_local, build_topo, sigmoid

__all__ = ["Dual", "derivative", "gradient", "operations"]


def _as_float(x: object, what: str) -> float:
    """Return ``x`` as a float, or raise TypeError naming what was given."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}"
        )
    return float(x)


def _lift(other: object) -> Dual:
    """``other`` as a Dual: a plain number is a constant, whose derivative is 0."""
    if isinstance(other, Dual):
        return other
    if isinstance(other, Value):
        raise TypeError("a Dual cannot be combined with a Value: use one mode per expression")
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(
            f"a Dual combines only with Duals and real numbers, got {type(other).__name__}: "
            f"{other!r}"
        )
    return Dual(other)


# --8<-- [start:dual]
class Dual:
    """A number ``data`` and its derivative ``deriv`` along one input."""

    __slots__ = ("data", "deriv")

    def __init__(self, data: float, deriv: float = 0.0) -> None:
        self.data = _as_float(data, "Dual data")
        self.deriv = _as_float(deriv, "Dual deriv")

    def __repr__(self) -> str:
        return f"Dual(data={self.data}, deriv={self.deriv})"
    # --8<-- [end:dual]

    # --8<-- [start:add-mul]
    def __add__(self, other: Dual | float) -> Dual:
        """``self + other``; the derivatives add."""
        other = _lift(other)
        return Dual(self.data + other.data, self.deriv + other.deriv)

    def __mul__(self, other: Dual | float) -> Dual:
        """``self * other``; each derivative is scaled by the other factor."""
        other = _lift(other)
        return Dual(
            self.data * other.data,
            self.deriv * other.data + self.data * other.deriv,
        )
    # --8<-- [end:add-mul]

    def __sub__(self, other: Dual | float) -> Dual:
        """``self - other``.

        >>> Dual(5.0, 1.0) - 2
        Dual(data=3.0, deriv=1.0)
        """
        other = _lift(other)
        return Dual(self.data - other.data, self.deriv - other.deriv)

    def __truediv__(self, other: Dual | float) -> Dual:
        """``self / other``; d(a/b) = da/b - (a/b)·db/b.

        >>> Dual(3.0, 1.0) / 4
        Dual(data=0.75, deriv=0.25)
        """
        other = _lift(other)
        if other.data == 0.0:
            raise ZeroDivisionError(f"cannot divide {self.data!r} by a Dual whose data is zero")
        out = self.data / other.data
        return Dual(out, (self.deriv - out * other.deriv) / other.data)

    def __neg__(self) -> Dual:
        """``-self``.

        >>> -Dual(2.0, 1.0)
        Dual(data=-2.0, deriv=-1.0)
        """
        return Dual(-self.data, -self.deriv)

    def __pow__(self, other: float) -> Dual:
        """``self ** n`` for a plain int or float ``n``; d(xⁿ) = n·xⁿ⁻¹·dx.

        >>> Dual(3.0, 1.0) ** 2
        Dual(data=9.0, deriv=6.0)
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
        local = _pow_local(x, other)
        # a constant (deriv 0) has derivative 0 even where the local derivative is infinite
        return Dual(out, local * self.deriv if self.deriv else 0.0)

    # Plain numbers on the left: 2 + d, 2 * d, 1 - d, 2 / d.
    def __radd__(self, other: float) -> Dual:
        """``other + self`` when ``other`` is a plain number.

        >>> 1 + Dual(2.0, 1.0)
        Dual(data=3.0, deriv=1.0)
        """
        return _lift(other) + self

    def __rmul__(self, other: float) -> Dual:
        """``other * self`` when ``other`` is a plain number.

        >>> 2 * Dual(3.0, 1.0)
        Dual(data=6.0, deriv=2.0)
        """
        return _lift(other) * self

    def __rsub__(self, other: float) -> Dual:
        """``other - self`` when ``other`` is a plain number.

        >>> 1 - Dual(3.0, 1.0)
        Dual(data=-2.0, deriv=-1.0)
        """
        return _lift(other) - self

    def __rtruediv__(self, other: float) -> Dual:
        """``other / self`` when ``other`` is a plain number.

        >>> 2 / Dual(4.0, 1.0)
        Dual(data=0.5, deriv=-0.125)
        """
        return _lift(other) / self

    # --8<-- [start:tanh]
    def tanh(self) -> Dual:
        """The hyperbolic tangent; d tanh(x) = (1 - tanh(x)²)·dx."""
        t = math.tanh(self.data)
        return Dual(t, (1.0 - t * t) * self.deriv)
    # --8<-- [end:tanh]

    def exp(self) -> Dual:
        """eˣ; d(eˣ) = eˣ·dx.

        >>> Dual(0.0, 1.0).exp()
        Dual(data=1.0, deriv=1.0)
        """
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) overflows a float (the largest input is about 709.78)"
            ) from None
        return Dual(out, out * self.deriv)

    def log(self) -> Dual:
        """The natural logarithm, for positive data; d(ln x) = dx/x.

        >>> Dual(2.0, 1.0).log().deriv
        0.5
        """
        x = self.data
        if x <= 0:
            raise ValueError(f"log is only defined for positive numbers, got {x!r}")
        return Dual(math.log(x), self.deriv / x)

    def relu(self) -> Dual:
        """max(0, x); the derivative passes where x > 0 and is 0 elsewhere.

        >>> Dual(-2.0, 1.0).relu(), Dual(3.0, 1.0).relu()
        (Dual(data=0.0, deriv=0.0), Dual(data=3.0, deriv=1.0))
        """
        if self.data > 0:
            return Dual(self.data, self.deriv)
        return Dual(0.0, 0.0)

    def sigmoid(self) -> Dual:
        """1 / (1 + e⁻ˣ), computed without overflow; d s = s·(1 - s)·dx.

        >>> Dual(0.0, 1.0).sigmoid()
        Dual(data=0.5, deriv=0.25)
        """
        s = sigmoid(self.data)  # the engine's overflow-safe sigmoid
        return Dual(s, s * (1.0 - s) * self.deriv)


def _check_inputs(inputs: object) -> list[float]:
    """``inputs`` as a list of floats, or a TypeError naming the first bad one."""
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(
            f"inputs must be a list of numbers such as [2.0, -3.0], got {type(inputs).__name__}"
        )
    return [_as_float(x, f"inputs[{i}]") for i, x in enumerate(inputs)]


def _check_outputs(out: object) -> Dual | list[Dual]:
    """The result of ``f``: a Dual, or a list of Duals; anything else is a TypeError."""
    if isinstance(out, Dual):
        return out
    if isinstance(out, (list, tuple)) and out:
        for i, o in enumerate(out):
            if not isinstance(o, Dual):
                raise TypeError(f"f's output [{i}] is {type(o).__name__}, not a Dual: {o!r}")
        return list(out)
    raise TypeError(f"f must return a Dual or a list of Duals, got {type(out).__name__}: {out!r}")


def _check_index(wrt: object, n: int) -> None:
    """Raise unless ``wrt`` is the index of one of ``n`` inputs."""
    if isinstance(wrt, bool) or not isinstance(wrt, int) or not 0 <= wrt < n:
        raise ValueError(f"wrt must be an input's index, 0 to {n - 1}, got {wrt!r}")


def _check_one_output(out: Dual | list[Dual]) -> None:
    """Raise unless ``f`` returned a single Dual (a gradient is of one output)."""
    if not isinstance(out, Dual):
        raise TypeError(f"gradient needs f to return one Dual, got {len(out)} outputs")


def _roots(outputs: object) -> list[Value]:
    """``outputs`` as a list of Values: one Value, or a list (or tuple) of them."""
    if isinstance(outputs, Value):
        return [outputs]
    if not isinstance(outputs, (list, tuple)):
        raise TypeError(
            f"operations needs a Value or a list of Values, got {type(outputs).__name__}"
        )
    for i, root in enumerate(outputs):
        if not isinstance(root, Value):
            raise TypeError(f"operations counts Values, got {type(root).__name__} at [{i}]")
    return list(outputs)


# --8<-- [start:derivative]
def derivative(
    f: Callable[..., Dual | Sequence[Dual]], inputs: Sequence[float], wrt: int
) -> Dual | list[Dual]:
    """One forward pass of ``f``: its output(s), with d/d ``inputs[wrt]``."""
    xs = _check_inputs(inputs)
    _check_index(wrt, len(xs))
    duals = [Dual(x, 1.0 if i == wrt else 0.0) for i, x in enumerate(xs)]
    return _check_outputs(f(*duals))


def gradient(f: Callable[..., Dual], inputs: Sequence[float]) -> list[float]:
    """Every partial derivative of a one-output ``f``: one pass per input."""
    grads = []
    for i in range(len(_check_inputs(inputs))):
        out = derivative(f, inputs, i)
        _check_one_output(out)
        grads.append(out.deriv)
    return grads
# --8<-- [end:derivative]


# --8<-- [start:operations]
def operations(outputs: Value | Sequence[Value]) -> int:
    """How many operations built ``outputs``: their graph's inner nodes."""
    seen: set[Value] = set()
    for root in _roots(outputs):
        seen.update(node for node in build_topo(root) if node._prev)
    return len(seen)
# --8<-- [end:operations]
