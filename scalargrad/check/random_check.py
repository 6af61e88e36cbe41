"""Seeded random expressions over the operations the class has, shrunk when one fails."""

from __future__ import annotations

import random
from collections.abc import Sequence

from scalargrad.check import exprs
from scalargrad.check.context import Context
from scalargrad.check.engine_checks import cause, failed, passed, problem, skipped, with_values
from scalargrad.check.exprs import Expr
from scalargrad.check.report import Result
from scalargrad.check.shrink import shrink

__all__ = ["check_random"]

SEED, COUNT, INPUTS, DEPTH = 11, 40, 3, 4
NUMBERS = (-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5)


def samples(ops: Sequence[str]) -> list[tuple[Expr, list[float]]]:
    """The seeded random expressions, each with inputs where it is well behaved."""
    rng = random.Random(SEED)
    out = []
    while len(out) < COUNT:
        expr = exprs.random_expr(rng, ops, INPUTS, DEPTH)
        xs = [rng.choice(NUMBERS) for _ in range(INPUTS)]
        if expr[0] != "x" and exprs.well_behaved(expr, xs):
            out.append((expr, xs))
    return out


def check_random(ctx: Context) -> Result:
    """40 seeded random expressions, values and gradients against scalargrad and nudging."""
    if {"seed", "order", "used twice"} & ctx.wrong:
        return skipped("not run: fix the mistake above first.")
    ops = [n for n in ctx.ops if n not in ctx.wrong]
    if not ops:
        return skipped("not run: no operation is right yet.")
    for expr, xs in samples(ops):
        if problem(ctx, expr, xs):
            small, sxs = shrink(expr, xs, lambda e, v: bool(problem(ctx, e, v)))
            shown = with_values(small, sxs)
            what = problem(ctx, small, sxs)
            if what.startswith("raised"):
                return failed(what, None, shown)
            return failed(f"{what}. {cause(ctx, small, sxs)}", None, shown)
    left_out = [n for n in ctx.ops if n in ctx.wrong]
    if left_out:
        return passed("without " + ", ".join(left_out) + ", found wrong above")
    return passed()
