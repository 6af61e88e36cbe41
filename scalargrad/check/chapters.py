"""What the book has built by the end of each chapter, and where it explains each piece."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FIRST", "LAST", "OPS", "Op", "describe", "required_ops"]

FIRST, LAST = 3, 13  # chapter 3 writes the first Value; chapter 13 the last new piece


@dataclass(frozen=True)
class Op:
    """One operation of ``Value``: how to call it, and what the book says about it."""

    name: str
    method: str  # the attribute the class needs
    form: str  # how it is written: {0} and {1} are its operands
    chapter: int | None  # the chapter that adds it; None: an extra, checked when present
    rule: str  # its local derivative, in the book's words
    example: str  # the operation written out, for messages


OPS: dict[str, Op] = {op.name: op for op in [
    Op("add", "__add__", "{0} + {1}", 3, "a sum passes its gradient unchanged to both terms",
       "a + b"),
    Op("mul", "__mul__", "{0} * {1}", 3, "a product passes each factor the other factor",
       "a * b"),
    Op("tanh", "tanh", "{0}.tanh()", 5, "d/dx tanh(x) = 1 - tanh(x)**2", "a.tanh()"),
    Op("sub", "__sub__", "{0} - {1}", 8, "the local derivatives of a - b are 1 and -1", "a - b"),
    Op("div", "__truediv__", "{0} / {1}", 8, "d/da (a/b) = 1/b and d/db (a/b) = -a/b**2",
       "a / b"),
    Op("pow", "__pow__", "{0} ** {1}", 8, "d/dx x**n = n * x**(n - 1)", "a ** 2"),
    Op("neg", "__neg__", "-{0}", 8, "the local derivative of -x is -1", "-a"),
    Op("radd", "__radd__", "{0} + {1}", 8, "2 + a calls a.__radd__(2)", "2 + a"),
    Op("rmul", "__rmul__", "{0} * {1}", 8, "2 * a calls a.__rmul__(2)", "2 * a"),
    Op("exp", "exp", "{0}.exp()", 8, "the derivative of exp(x) is exp(x) itself", "a.exp()"),
    Op("relu", "relu", "{0}.relu()", 13, "relu passes the gradient where x > 0, else 0",
       "a.relu()"),
    Op("rsub", "__rsub__", "{0} - {1}", None, "2 - a calls a.__rsub__(2)", "2 - a"),
    Op("rdiv", "__rtruediv__", "{0} / {1}", None, "2 / a calls a.__rtruediv__(2)", "2 / a"),
    Op("log", "log", "{0}.log()", None, "d/dx log(x) = 1/x", "a.log()"),
    Op("sigmoid", "sigmoid", "{0}.sigmoid()", None, "d/dx s(x) = s * (1 - s)", "a.sigmoid()"),
]}

#: The chapter that adds each piece of the engine beyond its operations.
BACKWARD, NN, TRAINING, ZERO_GRAD = 6, 10, 11, 12


def required_ops(chapter: int) -> list[str]:
    """The operations the book has added by the end of ``chapter``, in book order.

    >>> required_ops(5)
    ['add', 'mul', 'tanh']
    """
    return [op.name for op in OPS.values() if op.chapter is not None and op.chapter <= chapter]


def describe(chapter: int | None) -> str:
    """One line: what ``--chapter`` checks at this chapter.

    >>> describe(4)
    'chapter 4: a + b, a * b (values only; backward() comes in chapter 6)'
    """
    if chapter is None:
        return "everything the file defines"
    ops = ", ".join(OPS[n].example for n in required_ops(chapter))
    text = f"chapter {chapter}: {ops}"
    if chapter < BACKWARD:
        return text + " (values only; backward() comes in chapter 6)"
    text += ", backward()"
    if chapter >= NN:
        text += ", Neuron, Layer, MLP"
    if chapter >= TRAINING:
        text += ", training steps"
    if chapter >= ZERO_GRAD:
        text += ", zero_grad()"
    return text
