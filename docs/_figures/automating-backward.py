"""The chapter's figure: the neuron's graph, each Value numbered by its place in build_topo."""

from __future__ import annotations

from scalargrad import build_topo
from scalargrad.datasets import lecture_neuron


def topo_order() -> str:
    """The graph top to bottom; each label starts with the node's position in build_topo(o)."""
    from scalargrad.viz import draw_dot

    o = lecture_neuron()
    for position, node in enumerate(build_topo(o), start=1):
        node.label = f"{position}.  {node.label}"
    dot = draw_dot(o, rankdir="TB", show_grad=False)
    return dot.pipe(format="svg").decode()


FIGURES = {"automating-backward-topo.svg": topo_order}
