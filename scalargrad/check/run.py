"""Running the checks in this process: a namespace and a chapter in, a Report out.

This is the layer the page's in-browser runner can call: no subprocess, no file.

>>> from scalargrad.engine import Value
>>> report = check_namespace({"Value": Value}, chapter=7)
>>> report.passed, report.exit_status
(True, 0)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scalargrad.check import chapters, engine_checks, nn_checks
from scalargrad.check.chapters import OPS
from scalargrad.check.context import Context, make_context
from scalargrad.check.engine_checks import ops_in, skipped
from scalargrad.check.learner import describe_exception, find_value
from scalargrad.check.notes import depth_note, speed_note
from scalargrad.check.random_check import check_random
from scalargrad.check.remote import is_class
from scalargrad.check.report import FAILED, Report, Result

__all__ = ["check_namespace", "plan"]

Check = Callable[[Context], Result]
EXAMPLES = {  # the book's worked examples: the operations each one needs
    engine_checks.check_chapter4: engine_checks.CH4,
    engine_checks.check_neuron: engine_checks.NEURON,
    engine_checks.check_neuron_exp: engine_checks.NEURON_EXP,
}
AFTER_SEED = (engine_checks.check_local_derivatives, engine_checks.check_order,
              engine_checks.check_used_twice, check_random)  # pointless without the seed
AFTER_ORDER = (engine_checks.check_local_derivatives, engine_checks.check_used_twice)
NN_GRADIENTS = (nn_checks.check_training, nn_checks.check_zero_grad)
AFTER_GRAPH = (engine_checks.check_order, engine_checks.check_used_twice,
               engine_checks.check_local_derivatives, check_random, *EXAMPLES, *NN_GRADIENTS)
NAMES = {
    engine_checks.check_interface: "Value(data)",
    engine_checks.check_operations: "operations of the chapter",
    engine_checks.check_values: "values",
    engine_checks.check_children: "children",
    engine_checks.check_seed: "seed grad = 1",
    engine_checks.check_local_derivatives: "local derivatives",
    engine_checks.check_order: "order of the backward pass",
    engine_checks.check_used_twice: "a node used twice",
    engine_checks.check_chapter4: "chapter 4's L = (a*b + c) * f",
    engine_checks.check_neuron: "chapter 5's neuron",
    engine_checks.check_neuron_exp: "chapter 8's tanh from exp",
    check_random: "random expressions",
    nn_checks.check_classes: "Neuron, Layer, MLP",
    nn_checks.check_parameters: "parameters()",
    nn_checks.check_shape: "output shape",
    nn_checks.check_training: "training lowers the loss",
    nn_checks.check_zero_grad: "zero_grad()",
}


GRADIENT_NAMES = {NAMES[c] for c, _, grads in engine_checks.ENGINE_CHECKS if grads} | {
    NAMES[c] for c in EXAMPLES} | {NAMES[check_random]}


def plan(ctx: Context) -> list[tuple[Check, str]]:
    """The checks for this context, in order, each with "" or why it cannot run."""
    steps: list[tuple[Check, str]] = []
    for check, first, needs_grads in [*engine_checks.ENGINE_CHECKS, (check_random, 6, True)]:
        if not ctx.wants(first) or (needs_grads and ctx.chapter is None and not ctx.gradients):
            continue
        why = ""
        if needs_grads and not ctx.gradients:
            why = "not run: Value has no backward() yet."
        if check in EXAMPLES:
            lacking = sorted(ops_in(EXAMPLES[check]) - set(ctx.ops))
            if lacking and ctx.chapter is None:
                continue
            if lacking:
                why = "not run: needs " + ", ".join(f"`{OPS[n].example}`" for n in lacking) + "."
        steps.append((check, why))
    namespace = ctx.namespace
    if ctx.chapter is None and not is_class(namespace.get("MLP")):
        return steps
    for check, first in nn_checks.NN_CHECKS:
        if not ctx.wants(first):
            continue
        if check is nn_checks.check_zero_grad and ctx.chapter is None \
                and not hasattr(namespace.get("MLP"), "zero_grad"):
            continue
        why = ""
        if first >= chapters.TRAINING and not ctx.gradients:
            why = "not run: Value has no backward() yet."
        steps.append((check, why))
    return steps


def run_one(ctx: Context, check: Check) -> Result:
    """One check; an exception in the learner's code becomes its failure."""
    try:
        return check(ctx)
    except (Exception, SystemExit) as exc:
        text = describe_exception(exc)
        head, _, frames = text.partition("\n")
        where = frames.strip().splitlines()[-2:-1] if frames else []
        key = head + "|" + "".join(where)
        if key in ctx.errors:  # the same mistake again: say so in one line
            short = f"{head.split(':')[0]} as above" + (f" ({where[0].strip()})" if where else "")
            return Result(NAMES[check], FAILED, short.replace("raised", "raised the same", 1))
        ctx.errors.add(key)
        return Result(NAMES[check], FAILED, text)


def check_namespace(namespace: dict[str, Any], chapter: int | None = None, *,
                    speed: bool = False, name: str = "",
                    on_start: Callable[[str], None] | None = None,
                    seed: Callable[[int], None] | None = None) -> Report:
    """Check the ``Value`` (and nn classes) in ``namespace`` at ``chapter`` (None: all of it).

    Runs in this process. ``on_start`` is called with each check's name before it runs;
    ``seed`` seeds the learner's ``random`` when its classes live in another process.
    Raises :class:`~scalargrad.check.learner.LoadError` when there is no Value class.
    """
    if chapter is not None and (isinstance(chapter, bool) or not isinstance(chapter, int)
                                or not chapters.FIRST <= chapter <= chapters.LAST):
        raise ValueError(f"chapter must be a whole number from {chapters.FIRST} to "
                         f"{chapters.LAST}, or None for everything; got {chapter!r}")
    value = find_value(namespace, name or "the code")
    ctx = make_context(namespace, value, chapter, speed, seed)
    report = Report(file=name, chapter=chapter)
    start = on_start or (lambda _name: None)
    nn_broken = False
    for check, why in plan(ctx):
        if not why and "seed" in ctx.wrong and (check in AFTER_SEED or check in EXAMPLES):
            why = "not run: backward() leaves every gradient at 0 (see the seed above)."
        if not why and "order" in ctx.wrong and check in AFTER_ORDER:
            why = "not run: the order of the backward pass is wrong (see above)."
        if not why and {"identity", "shared"} & ctx.wrong and check in AFTER_GRAPH:
            # the wrong numbers of these mistakes change from run to run (they follow the
            # order of a set of nodes): one report for every run, so they are not shown
            why = "not run: fix the mistake above first (the wrong gradients it gives " \
                  "change from run to run)."
        if not why and check in NN_GRADIENTS and any(r.failed for r in report.results
                                                     if r.check in GRADIENT_NAMES):
            why = "not run: fix the engine's gradients first (see above)."
        if not why and nn_broken:
            why = "not run: Neuron, Layer and MLP are missing."
        if why:
            report.results.append(skipped(NAMES[check], why))
            continue
        start(NAMES[check])
        result = run_one(ctx, check)
        report.results.append(result)
        if result.failed and result.check in GRADIENT_NAMES:
            ctx.wrong.add("gradients")  # the network's gradients would be wrong too
        if check is nn_checks.check_classes and result.failed:
            nn_broken = True
    if ctx.gradients:
        start("depth")
        report.notes.append(depth_note(ctx))
        if speed:
            start("speed")
            report.notes.append(speed_note(ctx))
    return report
