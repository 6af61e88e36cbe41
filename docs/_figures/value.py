"""The chapter's figures: the expression graphs of d = a*b + c and L = (a*b + c) * f.

Each is drawn twice: for the page's column and for a phone's (``*-phone.svg``). The
chapter reads the graphs from left to right, so the phone's stay left to right; they are
narrower because each record's fields are stacked, the label over its data.
"""

from __future__ import annotations

from scalargrad import Value
from scalargrad.datasets import lecture_expression


def build_d() -> Value:
    """d = a*b + c with the chapter's numbers and labels."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    d = a * b + c
    d.label = "d"
    return d


def draw(root: Value, phone: bool = False) -> str:
    """The graph of ``root`` without grads, left to right."""
    from scalargrad.viz import draw_dot

    dot = draw_dot(root, show_grad=False)
    if phone:
        # draw_dot writes a record as label="{ a | data 2.0000 }": the braces lay its fields
        # side by side in a left-to-right graph; without them they stack.
        dot.body = [line.replace('label="{ ', 'label="').replace(' }" shape=record',
                                                                  '" shape=record')
                    for line in dot.body]
        dot.graph_attr.update(ranksep="0.12", nodesep="0.15")
    return dot.pipe(format="svg").decode()


FIGURES = {
    "value-graph-d.svg": lambda: draw(build_d()),
    "value-graph-d-phone.svg": lambda: draw(build_d(), phone=True),
    "value-graph-l.svg": lambda: draw(lecture_expression()),
    "value-graph-l-phone.svg": lambda: draw(lecture_expression(), phone=True),
}
