"""The chapter's figures: what one training step builds, and what one node costs.

Both are counted, not timed: the same numbers come out on every build. Each is drawn twice:
for the page's column and, narrower, for a phone's (``*-phone.svg``), whose row names take
two lines.
"""

from __future__ import annotations

import functools
import random
import sys

OPS = ("*", "+", "ReLU", "")
OP_NAMES = {"*": "×  (mul)", "+": "+  (add)", "ReLU": "ReLU", "": "leaf (constant or input)"}


def _step_parts() -> list[tuple[str, dict[str, int]]]:
    """Nodes of one step of micrograd's demo, by part of the network and by operation."""
    from scalargrad import build_topo
    from scalargrad.datasets import make_moons
    from scalargrad.nn import MLP
    from scalargrad.training import hinge_loss

    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    random.seed(1337)
    model = MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    params = model.parameters()
    outputs: list[list] = [[], [], []]
    scores = []
    for x in X:
        h = x
        for k, layer in enumerate(model.layers):
            h = layer(h)
            outputs[k].extend(h if isinstance(h, list) else [h])
        scores.append(h)
    loss = hinge_loss(scores, y, params, alpha=1e-4)

    seen = {id(p) for p in params}
    parts = []
    names = ["layer 1: 16 ReLU, 2 inputs", "layer 2: 16 ReLU, 16 inputs",
             "layer 3: 1 linear, 16 inputs"]
    for name, roots in [*zip(names, outputs, strict=True), ("hinge loss + L2", [loss])]:
        counts = dict.fromkeys(OPS, 0)
        for root in roots:
            for node in build_topo(root):
                if id(node) not in seen:
                    seen.add(id(node))
                    counts[node._op] += 1
        parts.append((name, counts))
    parts.append(("the 337 parameters", {**dict.fromkeys(OPS, 0), "": len(params)}))
    return parts


def nodes_per_step(phone: bool = False) -> str:
    """Stacked horizontal bars: nodes per part of the network, split by operation."""
    from scalargrad.viz import figure_to_svg, for_phone, new_figure

    parts = _step_parts()
    total = sum(sum(c.values()) for _, c in parts)
    fig = new_figure(7.2, 3.6)
    ax = fig.axes[0]
    labels = [name for name, _ in parts][::-1]
    lefts = [0] * len(parts)
    for op in OPS:
        widths = [counts[op] for _, counts in parts][::-1]
        ax.barh(labels, widths, left=lefts, label=OP_NAMES[op])
        lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
    for row, width in enumerate(lefts):
        ax.text(width + 400, row, f"{width:,}", va="center", fontsize=9)
    ax.set_xlim(0, max(lefts) * 1.18)
    ax.set_xlabel("nodes")
    title = f"One step of micrograd's demo builds{_SEP[phone]}{total:,} nodes"
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=9)
    if phone:  # the title over the whole figure: over the narrow bars it ran off the edge
        ax.set_title("")
        fig.suptitle(title, fontsize=ax.title.get_fontsize())
        ax.set_yticks(range(len(labels)), [_two_lines(label) for label in labels])
        ax.set_xlim(0, max(lefts) * 1.45)
        for_phone(fig, 4.6, ticks=3)
    return figure_to_svg(fig)


_SEP = {False: " ", True: "\n"}  # a title on one line, or on two for a phone


def _two_lines(label: str) -> str:
    """``layer 1: 16 ReLU, 2 inputs`` -> ``layer 1:`` over ``16 ReLU, 2 inputs``."""
    head, colon, tail = label.partition(": ")
    return f"{head}:\n{tail}" if colon else label


CATEGORIES = ("the Value", "children: _prev", "floats: data, grad", "local derivatives: _local",
              "micrograd's _backward closure")


def _node_parts() -> list[tuple[str, dict[str, int]]]:
    """sys.getsizeof of every object a node owns, for three kinds of node, by category."""
    from micrograd.engine import Value as MgValue

    from scalargrad import Value

    a, b = Value(1.0), Value(2.0)
    add, mul = a + b, a * b
    add.backward()
    mul.backward()
    size = sys.getsizeof
    m = MgValue(1.0) + MgValue(2.0)
    m.backward()  # its grads stay small ints, which Python shares: 0 bytes
    closure = m._backward.__closure__
    value, prev, floats, local, backward = CATEGORIES
    return [
        ("scalargrad: a + b", {value: size(add), prev: size(add._prev),
                               floats: size(add.data) + size(add.grad)}),
        ("scalargrad: a * b", {value: size(mul), prev: size(mul._prev),
                               floats: size(mul.data) + size(mul.grad),
                               local: size(mul._local)}),
        ("micrograd: a + b", {value: size(m), prev: size(m._prev), floats: size(m.data),
                              backward: size(m._backward) + size(closure)
                              + sum(size(cell) for cell in closure)}),
    ]


def bytes_per_node(phone: bool = False) -> str:
    """Stacked horizontal bars: the bytes of one node, object by object."""
    from scalargrad.viz import figure_to_svg, for_phone, new_figure

    rows = _node_parts()[::-1]
    fig = new_figure(7.2, 3.4)
    ax = fig.axes[0]
    lefts = [0] * len(rows)
    for category in CATEGORIES:
        widths = [parts.get(category, 0) for _, parts in rows]
        ax.barh(range(len(rows)), widths, left=lefts, label=category, edgecolor="white")
        lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
    for row, width in enumerate(lefts):
        ax.text(width + 8, row, f"{width} bytes", va="center", fontsize=9)
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.set_xlim(0, 760)
    ax.set_xlabel(f"bytes: sys.getsizeof of each object{_SEP[phone]}a node owns")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncols=2, fontsize=8)
    if phone:
        ax.set_yticks(range(len(rows)), [_two_lines(name) for name, _ in rows])
        ax.set_xlim(0, 900)
        for_phone(fig, 5.2, ticks=4, legend_columns=1)
    return figure_to_svg(fig)


FIGURES = {
    "performance-nodes-per-step.svg": nodes_per_step,
    "performance-nodes-per-step-phone.svg": functools.partial(nodes_per_step, phone=True),
    "performance-bytes-per-node.svg": bytes_per_node,
    "performance-bytes-per-node-phone.svg": functools.partial(bytes_per_node, phone=True),
}
