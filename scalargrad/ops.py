"""The registry of the engine's operations: one row per operation of :class:`Value`.

Each row says how the operation is called, what it computes on plain floats, its local
derivatives (the book's rule, written independently of the engine), where it is
defined, and the chapter that adds it. It *describes* ``engine.py``; it does not
generate it. The tests, the checker (``scalargrad.check``) and the mutation check
read their lists of operations from here, so an operation is named once: a ``Value``
method that is missing here fails a test, and a wrong derivative in the engine, or in
a row, fails the comparison with central differences of ``forward``.

>>> OPS["mul"].local(2.0, -3.0)
(-3.0, 2.0)
>>> [op.name for op in OPS.values() if op.added_in == "value"]
['add', 'mul']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scalargrad.chapters import number

__all__ = ["OPS", "SAMPLE_NUMBERS", "SAMPLE_VALUES", "Op", "introduced_by", "samples"]

#: An operand is a ``Value`` ("value") or a plain number ("number").
VALUE, NUMBER = "value", "number"


@dataclass(frozen=True)
class Op:
    """One operation of ``Value``: how to call it, what it computes, and its derivative."""

    name: str  # a short name: "add", "tanh"
    method: str  # the attribute of Value that computes it: "__add__", "tanh"
    form: str  # how it is written, {0} and {1} being its operands: "{0} + {1}"
    operands: tuple[str, ...]  # VALUE or NUMBER for each operand, in order
    added_in: str | None  # the slug of the chapter that adds it; None: only in an exercise
    rule: str  # its local derivative, in the book's words
    example: str  # the operation written out with a and b, for messages
    call: Callable[..., Any]  # applies it to Values (and numbers): lambda a, b: a + b
    forward: Callable[..., float]  # the same on plain floats
    local: Callable[..., tuple[float, ...]]  # d out / d operand, for every operand
    domain: Callable[..., bool] = lambda *args: True  # where it is defined
    optional: bool = False  # the lecture's engine lacks it: checked only where it exists
    smooth: Callable[..., bool] | None = None  # where it is differentiable; None: domain

    @property
    def chapter(self) -> int | None:
        """The number of the chapter that adds it (None: only in an exercise)."""
        return None if self.added_in is None else number(self.added_in)

    @property
    def arity(self) -> int:
        """How many operands it takes."""
        return len(self.operands)

    def bind(self, args: tuple[float, ...]) -> tuple[Callable[..., Any], tuple[float, ...]]:
        """``(f, xs)``: ``f`` takes only the Value operands (``xs`` from ``args``)."""
        kinds = self.operands
        if len(args) != len(kinds):
            raise ValueError(f"{self.name} takes {len(kinds)} operands, got {len(args)}")

        def f(*xs: Any) -> Any:
            it = iter(xs)
            pairs = zip(kinds, args, strict=True)
            return self.call(*(next(it) if k == VALUE else a for k, a in pairs))

        return f, tuple(a for k, a in zip(kinds, args, strict=True) if k == VALUE)

    def differentiable(self, *args: float) -> bool:
        """Whether it is defined and differentiable at ``args`` (a fair point to test)."""
        if not self.domain(*args):
            return False
        return self.smooth is None or self.smooth(*args)


def _relu(x: float) -> float:
    return x if x > 0 else 0.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _pow_defined(x: float, n: float) -> bool:
    return not (x < 0 and not float(n).is_integer()) and not (x == 0 and n < 0)


def _pow_smooth(x: float, n: float) -> bool:
    """Where x ** n is defined, it is smooth for x > 0 and for a whole n."""
    return x > 0 or float(n).is_integer()


_BOTH = (VALUE, VALUE)
_ONE = (VALUE,)
_LEFT_NUMBER = (NUMBER, VALUE)

_ROWS = [
    Op("add", "__add__", "{0} + {1}", _BOTH, "value",
       "a sum passes its gradient unchanged to both terms", "a + b",
       lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    Op("mul", "__mul__", "{0} * {1}", _BOTH, "value",
       "a product passes each factor the other factor", "a * b",
       lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a)),
    Op("tanh", "tanh", "{0}.tanh()", _ONE, "neuron",
       "d/dx tanh(x) = 1 - tanh(x)**2", "a.tanh()",
       lambda a: a.tanh(), math.tanh, lambda x: (1.0 - math.tanh(x) ** 2,)),
    Op("sub", "__sub__", "{0} - {1}", _BOTH, "more-operations",
       "the local derivatives of a - b are 1 and -1", "a - b",
       lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    Op("div", "__truediv__", "{0} / {1}", _BOTH, "more-operations",
       "d/da (a/b) = 1/b and d/db (a/b) = -a/b**2", "a / b",
       lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1.0 / b, -a / b**2),
       lambda a, b: b != 0),
    Op("pow", "__pow__", "{0} ** {1}", (VALUE, NUMBER), "more-operations",
       "d/dx x**n = n * x**(n - 1)", "a ** 2",
       lambda a, n: a**n, lambda x, n: x**n, lambda x, n: (n * x ** (n - 1) if n else 0.0, 0.0),
       _pow_defined, smooth=_pow_smooth),
    Op("neg", "__neg__", "-{0}", _ONE, "more-operations",
       "the local derivative of -x is -1", "-a",
       lambda a: -a, lambda x: -x, lambda x: (-1.0,)),
    Op("radd", "__radd__", "{0} + {1}", _LEFT_NUMBER, "more-operations",
       "2 + a calls a.__radd__(2)", "2 + a",
       lambda k, a: k + a, lambda k, a: k + a, lambda k, a: (1.0, 1.0)),
    Op("rmul", "__rmul__", "{0} * {1}", _LEFT_NUMBER, "more-operations",
       "2 * a calls a.__rmul__(2)", "2 * a",
       lambda k, a: k * a, lambda k, a: k * a, lambda k, a: (a, k)),
    Op("exp", "exp", "{0}.exp()", _ONE, "more-operations",
       "the derivative of exp(x) is exp(x) itself", "a.exp()",
       lambda a: a.exp(), math.exp, lambda x: (math.exp(x),),
       lambda x: x < 709.78),
    Op("relu", "relu", "{0}.relu()", _ONE, "classifier",
       "relu passes the gradient where x > 0, else 0", "a.relu()",
       lambda a: a.relu(), _relu, lambda x: (1.0 if x > 0 else 0.0,),
       smooth=lambda x: x != 0),
    Op("rsub", "__rsub__", "{0} - {1}", _LEFT_NUMBER, "more-operations",
       "2 - a calls a.__rsub__(2)", "2 - a",
       lambda k, a: k - a, lambda k, a: k - a, lambda k, a: (1.0, -1.0), optional=True),
    Op("rdiv", "__rtruediv__", "{0} / {1}", _LEFT_NUMBER, "more-operations",
       "2 / a calls a.__rtruediv__(2)", "2 / a",
       lambda k, a: k / a, lambda k, a: k / a, lambda k, a: (1.0 / a, -k / a**2),
       lambda k, a: a != 0, optional=True),
    Op("log", "log", "{0}.log()", _ONE, "more-operations",
       "d/dx log(x) = 1/x", "a.log()",
       lambda a: a.log(), math.log, lambda x: (1.0 / x,), lambda x: x > 0, optional=True),
    Op("sigmoid", "sigmoid", "{0}.sigmoid()", _ONE, None,
       "d/dx s(x) = s * (1 - s)", "a.sigmoid()",
       lambda a: a.sigmoid(), _sigmoid, lambda x: (_sigmoid(x) * (1.0 - _sigmoid(x)),),
       optional=True),
]

#: Every operation, by name, in the order the book adds them (exercise-only ones last).
OPS: dict[str, Op] = {
    op.name: op for op in sorted(_ROWS, key=lambda op: op.chapter or math.inf)
}


def introduced_by(chapter: int) -> list[str]:
    """The operations the book has added by the end of ``chapter`` (extras included).

    >>> introduced_by(5)
    ['add', 'mul', 'tanh']
    >>> introduced_by(8)[-3:]
    ['rsub', 'rdiv', 'log']
    """
    return [op.name for op in OPS.values() if op.chapter is not None and op.chapter <= chapter]


#: The operands the tests try: Values on both sides of zero and at zero; numbers that
#: serve as exponents (whole, negative, fractional, zero) or as constants on the left.
SAMPLE_VALUES = (-1.5, -0.5, 0.0, 0.3, 2.0)
SAMPLE_NUMBERS = (2, 3, -1, 0.5, 0)


def samples(op: Op) -> list[tuple[float, ...]]:
    """Every operand tuple of the sample grid at which ``op`` is differentiable.

    >>> samples(OPS["log"])
    [(0.3,), (2.0,)]
    >>> len(samples(OPS["mul"])), samples(OPS["pow"])[:2]
    (25, [(-1.5, 2), (-1.5, 3)])
    """
    grids = [SAMPLE_VALUES if kind == VALUE else SAMPLE_NUMBERS for kind in op.operands]
    return [args for args in itertools.product(*grids) if op.differentiable(*args)]
