"""The checks, each described once: its title, its function, its chapter, what it needs.

The runner (:mod:`scalargrad.check.run`) reads this list and nothing else: the order
of the report, the chapter from which each check runs, what it needs of the class,
and which earlier mistakes make it pointless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scalargrad.check import engine_checks as e
from scalargrad.check import nn_checks as n
from scalargrad.check.chapters import BACKWARD, BY_HAND, FIRST, NN, TRAINING, ZERO_GRAD
from scalargrad.check.chapters import chapter_of as chapter_of_op
from scalargrad.check.context import Context
from scalargrad.check.exprs import Expr
from scalargrad.check.random_check import check_random
from scalargrad.check.report import Result

__all__ = ["CHECKS", "GRADIENT_TITLES", "WHY", "Check", "titles_at"]

SEED, ORDER, GRAPH = "seed", "order", ("identity", "shared")  # keys of Context.wrong
#: Why a check is not run, for each mistake of an earlier check that leaves it pointless.
WHY = {
    SEED: "not run: backward() leaves every gradient at 0 (see the seed above).",
    ORDER: "not run: the order of the backward pass is wrong (see above).",
    **dict.fromkeys(GRAPH, "not run: fix the mistake above first (the wrong gradients it "
                           "gives change from run to run)."),
    "gradients": "not run: fix the engine's gradients first (see above).",
    "nn": "not run: Neuron, Layer and MLP are missing.",
}


@dataclass(frozen=True)
class Check:
    """One check of the report."""

    title: str
    run: Callable[[Context], Result]
    chapter: int  # the first chapter at which it runs
    gradients: bool = False  # it calls backward(): pointless before the engine has it
    example: Expr | None = None  # a worked example: it needs that expression's operations
    nn: bool = False  # a check of Neuron, Layer and MLP
    after: tuple[str, ...] = ()  # mistakes of earlier checks that leave it pointless


_SEEDED = (SEED, *GRAPH)  # a wrong seed leaves every gradient 0; graph mistakes vary by run
_NN = ("nn",)

CHECKS: list[Check] = [
    Check("Value(data)", e.check_interface, FIRST),
    Check("operations of the chapter", e.check_operations, FIRST),
    Check("values", e.check_values, FIRST),
    Check("children", e.check_children, FIRST),
    Check("seed grad = 1", e.check_seed, BACKWARD, gradients=True),
    Check("order of the backward pass", e.check_order, BACKWARD, gradients=True,
          after=_SEEDED),
    Check("a node used twice", e.check_used_twice, BACKWARD, gradients=True,
          after=(SEED, ORDER, *GRAPH)),
    Check("local derivatives", e.check_local_derivatives, BACKWARD, gradients=True,
          after=(SEED, ORDER, *GRAPH)),
    Check(f"chapter {BY_HAND}'s L = (a*b + c) * f", e.check_chapter4, BY_HAND, example=e.CH4,
          after=_SEEDED),
    Check(f"chapter {chapter_of_op('tanh')}'s neuron", e.check_neuron, chapter_of_op("tanh"),
          example=e.NEURON, after=_SEEDED),
    Check(f"chapter {chapter_of_op('exp')}'s tanh from exp", e.check_neuron_exp,
          chapter_of_op("exp"), example=e.NEURON_EXP, after=_SEEDED),
    Check("random expressions", check_random, BACKWARD, gradients=True, after=_SEEDED),
    Check("Neuron, Layer, MLP", n.check_classes, NN, nn=True),
    Check("parameters()", n.check_parameters, NN, nn=True, after=_NN),
    Check("output shape", n.check_shape, NN, nn=True, after=_NN),
    Check("training lowers the loss", n.check_training, TRAINING, gradients=True, nn=True,
          after=(*_NN, *GRAPH, "gradients")),
    Check("zero_grad()", n.check_zero_grad, ZERO_GRAD, gradients=True, nn=True,
          after=(*_NN, *GRAPH, "gradients")),
]

#: The checks whose failure means the engine's gradients are wrong.
GRADIENT_TITLES = frozenset(c.title for c in CHECKS if (c.gradients or c.example) and not c.nn)


def titles_at(chapter: int | None) -> list[str]:
    """The names of the checks a report at ``chapter`` may hold (None: every check).

    A report names each check by its title, after ``FAIL``, ``ok`` or ``skip``.

    >>> titles_at(FIRST)
    ['Value(data)', 'operations of the chapter', 'values', 'children']
    """
    return [c.title for c in CHECKS if chapter is None or c.chapter <= chapter]
