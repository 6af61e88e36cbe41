"""What every check needs to know: the learner's classes, the chapter, and what is present."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scalargrad.check import chapters
from scalargrad.check.chapters import OPS
from scalargrad.check.remote import Proxy

__all__ = ["Context", "close", "make_context"]


@dataclass
class Context:
    """The learner's namespace, seen at one chapter."""

    namespace: dict[str, Any]
    Value: type
    chapter: int | None
    ops: list[str]  # the operations of the chapter (and before) the class has: all checked
    missing: list[str]  # operations the chapter requires that the class lacks
    gradients: bool  # check gradients (the chapter has backward(), and the class too)
    speed: bool = False
    seed: Callable[[int], None] | None = None  # seeds the learner's random, when elsewhere
    wrong: set[str] = field(default_factory=set)  # what an earlier check found wrong
    errors: set[str] = field(default_factory=set)  # exceptions already reported

    def wants(self, first_chapter: int) -> bool:
        """True when the chapter requires a piece the book adds in ``first_chapter``."""
        return self.chapter is None or self.chapter >= first_chapter


def has(cls: type, method: str) -> bool:
    """True when the class defines ``method`` (itself or through a base class)."""
    if isinstance(cls, Proxy):  # ask the learner's process: the proxy has every operator
        return bool(cls._ask("apply_has", method))
    return callable(getattr(cls, method, None))


def make_context(namespace: dict[str, Any], value: type, chapter: int | None,
                 speed: bool = False, seed: Callable[[int], None] | None = None) -> Context:
    """A context for checking ``value`` (and the namespace's nn classes) at ``chapter``."""
    # the operations it has, up to the chapter: a later chapter's mistake does not count
    ops = [name for name in chapters.checked_ops(chapter) if has(value, OPS[name].method)]
    required = [] if chapter is None else chapters.required_ops(chapter)
    missing = [n for n in required if n not in ops]
    backward = has(value, "backward")
    gradients = backward and (chapter is None or chapter >= chapters.BACKWARD)
    return Context(namespace, value, chapter, ops, missing, gradients, speed, seed)


def close(got: object, want: float) -> bool:
    """True when the learner's number ``got`` equals ``want`` up to rounding."""
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9)
