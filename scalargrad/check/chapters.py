"""What the book has built by the end of each chapter: the checker's chapter facts, written once.

Chapters are named by slug (:data:`scalargrad.chapters.CHAPTERS` numbers them); the
constants below are their numbers, derived. The operations and the chapter that adds
each come from :mod:`scalargrad.ops`, the registry of the engine's operations; the
other pieces of the engine are named here.

>>> LAST == number("classifier"), validate("accumulation-bug"), validate(7), validate(None)
(True, 7, 7, None)
>>> validate("mlp") == NN == number("mlp")
True
"""

from __future__ import annotations

from scalargrad.chapters import CHAPTERS, number
from scalargrad.ops import OPS, Op

__all__ = ["ACCUMULATE", "BACKWARD", "BY_HAND", "CHAPTERS", "EXTRAS", "FIRST", "LAST", "NN",
           "OPS", "TRAINING", "ZERO_GRAD", "Op", "chapter_of", "checked_ops", "number",
           "required_ops", "validate"]

#: The chapters the checker knows: the first Value, and the last new piece.
FIRST, LAST = min(op.chapter for op in OPS.values() if op.chapter), number("classifier")
#: The chapter that adds each piece of the engine beyond its operations.
BY_HAND = number("backprop-by-hand")
BACKWARD = number("automating-backward")
ACCUMULATE = number("accumulation-bug")
NN = number("mlp")
TRAINING = number("gradient-descent")
ZERO_GRAD = number("zero-grad-bug")
#: The chapter that explains the operations the book leaves to the exercises.
EXTRAS = number("more-operations")


def validate(chapter: object) -> int | None:
    """``chapter`` as a checkable chapter number: a number, a slug, or None (everything).

    The one check of a chapter argument, for every entry point (the command line turns
    a typed number into an int first).
    """
    if chapter is None:
        return None
    if isinstance(chapter, str) and chapter in CHAPTERS:
        chapter = number(chapter)
    if isinstance(chapter, int) and not isinstance(chapter, bool) \
            and FIRST <= chapter <= LAST:
        return chapter
    names = ", ".join(CHAPTERS[FIRST - 1:LAST])
    raise ValueError(f"chapter must be a whole number from {FIRST} to {LAST} or one of "
                     f"their slugs ({names}), or None for everything the file defines; "
                     f"got {chapter!r}")


def chapter_of(name: str) -> int:
    """The chapter that explains operation ``name`` (the exercises' chapter for extras)."""
    return OPS[name].chapter or EXTRAS


def required_ops(chapter: int) -> list[str]:
    """The operations the book has added by the end of ``chapter``, in book order.

    >>> required_ops(number("neuron"))
    ['add', 'mul', 'tanh']
    """
    return [op.name for op in OPS.values()
            if op.chapter is not None and op.chapter <= chapter and not op.optional]


def checked_ops(chapter: int | None) -> list[str]:
    """The operations whose mistakes count at ``chapter``: none of a later chapter.

    >>> checked_ops(number("automating-backward"))
    ['add', 'mul', 'tanh']
    >>> 'sigmoid' in checked_ops(None), 'relu' in checked_ops(number("zero-grad-bug"))
    (True, False)
    """
    if chapter is None:
        return list(OPS)
    return [op.name for op in OPS.values() if op.chapter is not None and op.chapter <= chapter]
