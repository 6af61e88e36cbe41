"""The chapter's figures: f = (a·b)·(a + b) after backward, in the buggy engine and in ours."""

from __future__ import annotations


def build_f(cls):
    """The lecture's example with Values of class ``cls``, after backward()."""
    a = cls(-2.0, label="a")
    b = cls(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    f.backward()
    return f


def draw(cls) -> str:
    from scalargrad.viz import draw_dot

    return draw_dot(build_f(cls), rankdir="TB").pipe(format="svg").decode()


def buggy() -> str:
    """The graph after backward with OverwritingValue (its + overwrites grads)."""
    from scalargrad.pitfalls import OverwritingValue

    return draw(OverwritingValue)


def fixed() -> str:
    """The graph after backward with scalargrad's Value (grads accumulate)."""
    from scalargrad import Value

    return draw(Value)


FIGURES = {"accumulation-bug-buggy.svg": buggy, "accumulation-bug-fixed.svg": fixed}
