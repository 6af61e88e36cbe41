"""Finite differences: derivatives by nudging, and a check of ``backward``.

A derivative is a slope: nudge the input by a tiny ``h`` and see how far the
output moves. That costs one or two extra evaluations per input, and its
answer is only approximate, but it needs no calculus at all, so it is the
perfect referee for :meth:`scalargrad.engine.Value.backward`.

The book builds this file in the chapters "The slope of a function" and "Many
inputs", checks hand-computed gradients with it in "Backpropagation by hand", and
tests the whole engine with it in "Testing an autograd engine".

:func:`forward_difference` errs like ``h``; :func:`central_difference` like
``h²`` (for a parabola it is exact up to rounding). :func:`partial_derivatives`
calls ``f`` with the inputs as separate float arguments. :func:`gradient_check`
takes an ``f`` of one Value per input returning a Value, and an input fails
when ``|backward - numeric| > atol + rtol * |numeric|``.

>>> check = gradient_check(lambda a, b, c: (a * b + c).tanh(), [0.5, -0.4, 0.1])
>>> check.ok, check.mismatches
(True, [])

>>> from scalargrad.numeric import central_difference, gradient_check
>>> def f(x):
...     return 3 * x**2 - 4 * x + 5
>>> round(central_difference(f, 3.0), 6)
14.0
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scalargrad.engine import Value

__all__ = [
    "GradientCheck",
    "GradientMismatch",
    "central_difference",
    "forward_difference",
    "gradient_check",
    "partial_derivatives",
]


def _check_real(x: object, what: str) -> float:
    """Return ``x`` as a float, or raise TypeError saying what ``what`` must be."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        kind = type(x).__name__
        raise TypeError(f"{what} must be a real number (int or float), got {kind}: {x!r}")
    return float(x)


def _check_step(h: object) -> float:
    """Return the step ``h`` as a float, or raise if it is not positive and finite."""
    h = _check_real(h, "the step h")
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"the step h must be a positive finite number such as 1e-6, got {h!r}")
    return h


def _check_tolerance(value: object, name: str) -> float:
    """Return a tolerance as a float, or raise if it is negative or not finite."""
    value = _check_real(value, name)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def _call(f: Callable[..., float], *args: float) -> float:
    """``f(*args)`` as a float; a non-number result raises TypeError."""
    out = f(*args)
    if isinstance(out, Value):
        raise TypeError(
            "f returned a Value; finite differences need plain numbers: return result.data"
        )
    return _check_real(out, "the value returned by f")


# --8<-- [start:forward-difference]
def forward_difference(
    f: Callable[[float], float], x: float, h: float = 1e-6
) -> float:
    """The slope of ``f`` at ``x`` from one nudge forward; error like ``h``."""
    x, h = _check_real(x, "x"), _check_step(h)
    return (_call(f, x + h) - _call(f, x)) / h
# --8<-- [end:forward-difference]


# --8<-- [start:central-difference]
def central_difference(
    f: Callable[[float], float], x: float, h: float = 1e-6
) -> float:
    """The slope of ``f`` at ``x`` from a nudge each way; error like ``h²``."""
    x, h = _check_real(x, "x"), _check_step(h)
    return (_call(f, x + h) - _call(f, x - h)) / (2 * h)
# --8<-- [end:central-difference]


# --8<-- [start:partial-derivatives]
def partial_derivatives(
    f: Callable[..., float], inputs: Sequence[float], h: float = 1e-6
) -> list[float]:
    """One central difference per input of ``f(*inputs)``, the rest held."""
    xs = [_check_real(x, f"inputs[{i}]") for i, x in enumerate(inputs)]
    h = _check_step(h)
    grads = []
    for i, x in enumerate(xs):
        def f_i(t: float, i: int = i) -> float:
            return _call(f, *xs[:i], t, *xs[i + 1 :])
        grads.append(central_difference(f_i, x, h))
    return grads
# --8<-- [end:partial-derivatives]


class GradientMismatch(ValueError):
    """Raised by :meth:`GradientCheck.raise_for_mismatch` when ``backward`` is wrong.

    >>> issubclass(GradientMismatch, ValueError)
    True
    """


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`gradient_check`: both gradients, and where they disagree.

    ``analytic`` holds the grads from ``backward``, ``numeric`` the central
    differences, ``mismatches`` the indices of inputs that disagree and
    ``names`` one name per input. ``str()`` gives a readable report.

    >>> check = GradientCheck(analytic=[1.0, 2.0], numeric=[1.0, 3.0], mismatches=[1],
    ...                       names=["a", "b"], rtol=1e-5, atol=1e-8)
    >>> check.ok
    False
    >>> print(check)
    gradient check FAILED for b (rtol=1e-05, atol=1e-08)
      input   backward      numeric
      a              1            1  ok
      b              2            3  MISMATCH
    """

    analytic: list[float]
    numeric: list[float]
    mismatches: list[int]
    names: list[str]
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """True when every input's grad agrees with its finite difference.

        >>> GradientCheck([1.0], [1.0], [], ["x"], 1e-5, 1e-8).ok
        True
        """
        return not self.mismatches

    def __str__(self) -> str:
        bad = ", ".join(self.names[i] for i in self.mismatches)
        head = "passed" if self.ok else f"FAILED for {bad}"
        width = max([5, *(len(name) for name in self.names)])
        lines = [
            f"gradient check {head} (rtol={self.rtol:g}, atol={self.atol:g})",
            f"  {'input':<{width}} {'backward':>10} {'numeric':>12}",
        ]
        rows = zip(self.names, self.analytic, self.numeric, strict=True)
        for i, (name, a, n) in enumerate(rows):
            verdict = "MISMATCH" if i in self.mismatches else "ok"
            lines.append(f"  {name:<{width}} {a:>10.6g} {n:>12.6g}  {verdict}")
        return "\n".join(lines)

    def raise_for_mismatch(self) -> None:
        """Raise :class:`GradientMismatch` naming every input that disagrees.

        >>> GradientCheck([1.0], [1.0], [], ["x"], 1e-5, 1e-8).raise_for_mismatch()
        >>> GradientCheck([1.0], [4.0], [0], ["x"], 1e-5, 1e-8).raise_for_mismatch()
        Traceback (most recent call last):
        ...
        scalargrad.numeric.GradientMismatch: gradient check failed for x: backward gave 1, numeric 4
        """
        if self.mismatches:
            details = "; ".join(
                f"{self.names[i]}: backward gave {self.analytic[i]:.6g}, "
                f"numeric {self.numeric[i]:.6g}"
                for i in self.mismatches
            )
            raise GradientMismatch(f"gradient check failed for {details}")


def _input_names(f: Callable[..., Value], n: int) -> list[str]:
    """The names of ``f``'s first ``n`` positional parameters, else ``inputs[i]``."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in params if p.kind in positional]
    if len(names) >= n:
        return names[:n]
    return [f"inputs[{i}]" for i in range(n)]


def _forward(f: Callable[..., Value], values: list[Value]) -> Value:
    """``f(*values)``, checking that it returned a Value."""
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(
            f"f must return a Value built from the Values it receives, got {type(out).__name__}"
        )
    return out


def _agree(analytic: float, numeric: float, rtol: float, atol: float) -> bool:
    """Whether ``|analytic - numeric| <= atol + rtol * |numeric|`` (NaN never agrees)."""
    return analytic == numeric or abs(analytic - numeric) <= atol + rtol * abs(numeric)


# --8<-- [start:gradient-check]
def gradient_check(
    f: Callable[..., Value],
    inputs: Sequence[float],
    *,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> GradientCheck:
    """Compare ``backward``'s grads with central differences, input by input."""
    xs = [_check_real(x, f"inputs[{i}]") for i, x in enumerate(inputs)]
    if not xs:
        raise ValueError("gradient_check needs at least one input")
    h, rtol = _check_step(h), _check_tolerance(rtol, "rtol")
    atol = _check_tolerance(atol, "atol")
    names = _input_names(f, len(xs))

    values = [Value(x, label=name) for x, name in zip(xs, names, strict=True)]
    _forward(f, values).backward()
    analytic = [v.grad for v in values]

    def f_data(*floats: float) -> float:
        # fresh Values each time
        return _forward(f, [Value(x) for x in floats]).data

    numeric = partial_derivatives(f_data, xs, h)
    mismatches = [
        i for i, (a, n) in enumerate(zip(analytic, numeric, strict=True))
        if not _agree(a, n, rtol, atol)
    ]
    return GradientCheck(analytic, numeric, mismatches, names, rtol, atol)
# --8<-- [end:gradient-check]
