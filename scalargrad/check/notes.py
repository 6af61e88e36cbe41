"""Notes, not failures: how deep a graph backward() handles, and how fast it is."""

from __future__ import annotations

import sys
import time
from typing import Any

from scalargrad.chapters import number
from scalargrad.check.chapters import BACKWARD
from scalargrad.check.context import Context
from scalargrad.check.learner import describe_exception
from scalargrad.check.remote import Proxy
from scalargrad.engine import Value as Reference

__all__ = ["chain", "depth_note", "seconds", "speed_note"]

DEPTH = 10_000  # well past Python's recursion limit (about 1,000)
# In the book's page (Pyodide, sys.platform "emscripten") a deep chain overflows the
# browser's own stack, which is far smaller than Python's, and kills the page's Python.
IN_THE_PAGE = sys.platform == "emscripten"


def depth_note(ctx: Context) -> str:
    """What backward() does with a chain of 10,000 additions."""
    if IN_THE_PAGE:
        return ("depth: not checked in the page, whose stack is far smaller than Python's; "
                "run python -m scalargrad.check on your own machine for it.")
    try:
        if isinstance(ctx.Value, Proxy):  # built in the learner's process: one request
            y = ctx.Value._ask("apply_chain", DEPTH)
        else:
            y = chain(ctx.Value, DEPTH)
    except Exception as exc:
        return (f"depth: not checked, building a chain of {DEPTH:,} additions "
                f"{describe_exception(exc)}")
    try:
        y.backward()
    except RecursionError:
        return (f"depth: backward() on a chain of {DEPTH:,} additions raised RecursionError: "
                "a recursive topological sort needs one Python call per node, and Python "
                "stops at about 1,000. Not a failure (the lecture's engine does the same); "
                f"chapter {BACKWARD} shows a loop that keeps its own stack.")
    except Exception as exc:
        return f"depth: backward() on a chain of {DEPTH:,} additions {describe_exception(exc)}"
    return f"depth: backward() handles a chain of {DEPTH:,} additions."


def chain(cls: type, length: int) -> Any:
    """``Value(1.0) + 1.0 + 1.0 ...``: a chain of ``length`` additions, its last node."""
    y = cls(1.0)
    for _ in range(length):
        y = y + 1.0
    return y


def _wide(cls: type, width: int = 2048) -> Any:
    """A balanced sum of ``width`` products: about 6 * width nodes, 12 levels deep."""
    xs = [cls(float(i % 7) - 3.0) for i in range(width)]
    level = [a * b for a, b in zip(xs, xs[1:] + xs[:1], strict=True)]
    while len(level) > 1:
        level = [a + b for a, b in zip(level[::2], level[1::2], strict=True)]
    return level[0]


def seconds(cls: type) -> float:
    """The best of three: build the wide graph and call backward()."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        _wide(cls).backward()
        best = min(best, time.perf_counter() - start)
    return best


def speed_note(ctx: Context) -> str:
    """Forward and backward over about 10,000 nodes, against scalargrad's engine."""
    try:
        mine = (ctx.Value._ask("apply_seconds") if isinstance(ctx.Value, Proxy)
                else seconds(ctx.Value))  # timed in the learner's process, without requests
    except Exception as exc:
        return f"speed: not measured, the graph of about 10,000 nodes {describe_exception(exc)}"
    ours = seconds(Reference)
    return (f"speed: building about 10,000 nodes and calling backward() took "
            f"{mine * 1000:.1f} ms; scalargrad's engine takes {ours * 1000:.1f} ms "
            f"({mine / ours:.1f} times as long). Chapter {number('performance')} is about "
            "speed.")
