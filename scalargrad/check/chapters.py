"""What the book has built by the end of each chapter: the checker's chapter facts, written once.

The operations and the chapter that adds each come from :mod:`scalargrad.ops`, the
registry of the engine's operations; the other pieces of the engine are named here.
"""

from __future__ import annotations

from scalargrad.ops import OPS, Op

__all__ = ["ACCUMULATE", "BACKWARD", "BY_HAND", "FIRST", "LAST", "NN", "OPS", "TRAINING",
           "ZERO_GRAD", "Op", "chapter_of", "checked_ops", "required_ops"]

#: The chapters the checker knows: the first Value, and the last new piece.
FIRST, LAST = min(op.chapter for op in OPS.values() if op.chapter), 13
#: The chapter that adds each piece of the engine beyond its operations.
BY_HAND, BACKWARD, ACCUMULATE, NN, TRAINING, ZERO_GRAD = 4, 6, 7, 10, 11, 12
#: The chapter that explains the operations the book leaves to the exercises.
EXTRAS = 8


def chapter_of(name: str) -> int:
    """The chapter that explains operation ``name`` (the exercises' chapter for extras)."""
    return OPS[name].chapter or EXTRAS


def required_ops(chapter: int) -> list[str]:
    """The operations the book has added by the end of ``chapter``, in book order.

    >>> required_ops(5)
    ['add', 'mul', 'tanh']
    """
    return [op.name for op in OPS.values()
            if op.chapter is not None and op.chapter <= chapter and not op.optional]


def checked_ops(chapter: int | None) -> list[str]:
    """The operations whose mistakes count at ``chapter``: none of a later chapter.

    >>> checked_ops(6)
    ['add', 'mul', 'tanh']
    >>> 'sigmoid' in checked_ops(None), 'relu' in checked_ops(12)
    (True, False)
    """
    if chapter is None:
        return list(OPS)
    return [op.name for op in OPS.values() if op.chapter is not None and op.chapter <= chapter]
