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

from scalargrad.check import chapters, nn_checks
from scalargrad.check.chapters import OPS
from scalargrad.check.checks import CHECKS, GRADIENT_TITLES, WHY, Check
from scalargrad.check.context import Context, make_context
from scalargrad.check.engine_checks import ops_in, skipped
from scalargrad.check.learner import describe_exception, find_value
from scalargrad.check.notes import depth_note, speed_note
from scalargrad.check.remote import is_class
from scalargrad.check.report import FAILED, Report, Result

__all__ = ["check_namespace", "plan"]


def plan(ctx: Context) -> list[tuple[Check, str]]:
    """The checks for this context, in order, each with "" or why it cannot run."""
    steps: list[tuple[Check, str]] = []
    everything = ctx.chapter is None
    has_mlp = is_class(ctx.namespace.get("MLP"))
    for check in CHECKS:
        if not ctx.wants(check.chapter) or (check.nn and everything and not has_mlp):
            continue
        if check.gradients and everything and not ctx.gradients:
            continue
        if check.run is nn_checks.check_zero_grad and everything \
                and not hasattr(ctx.namespace.get("MLP"), "zero_grad"):
            continue
        why = "not run: Value has no backward() yet." if (
            check.gradients and not ctx.gradients) else ""
        if check.example is not None:
            lacking = sorted(ops_in(check.example) - set(ctx.ops))
            if lacking and everything:
                continue
            if lacking:
                why = "not run: needs " + ", ".join(f"`{OPS[n].example}`" for n in lacking) + "."
        steps.append((check, why))
    return steps


def run_one(ctx: Context, check: Check) -> Result:
    """One check, its result titled; an exception in the learner's code becomes its failure."""
    try:
        result = check.run(ctx)
    except (Exception, SystemExit) as exc:
        text = describe_exception(exc)
        head, _, frames = text.partition("\n")
        where = frames.strip().splitlines()[-2:-1] if frames else []
        key = head + "|" + "".join(where)
        if key in ctx.errors:  # the same mistake again: say so in one line
            short = f"{head.split(':')[0]} as above" + (f" ({where[0].strip()})" if where else "")
            result = Result("", FAILED, short.replace("raised", "raised the same", 1))
        else:
            ctx.errors.add(key)
            result = Result("", FAILED, text)
    result.check = check.title
    return result


def check_namespace(namespace: dict[str, Any], chapter: int | None = None, *,
                    speed: bool = False, name: str = "",
                    on_start: Callable[[str], None] | None = None,
                    seed: Callable[[int], None] | None = None) -> Report:
    """Check the ``Value`` (and nn classes) in ``namespace`` at ``chapter`` (None: all of it).

    Runs in this process. ``on_start`` is called with each check's name before it runs;
    ``seed`` seeds the learner's ``random`` when its classes live in another process.
    Raises :class:`~scalargrad.check.learner.LoadError` when there is no Value class.
    """
    chapter = chapters.validate(chapter)
    value = find_value(namespace, name or "the code")
    ctx = make_context(namespace, value, chapter, speed, seed)
    report = Report(file=name, chapter=chapter)
    start = on_start or (lambda _name: None)
    for check, why in plan(ctx):
        why = why or next((WHY[k] for k in check.after if k in ctx.wrong), "")
        if why:
            result = skipped(why)
            result.check = check.title
            report.results.append(result)
            continue
        start(check.title)
        result = run_one(ctx, check)
        report.results.append(result)
        if result.failed and result.check in GRADIENT_TITLES:
            ctx.wrong.add("gradients")  # the network's gradients would be wrong too
        if result.failed and check.run is nn_checks.check_classes:
            ctx.wrong.add("nn")
    if ctx.gradients:
        start("depth")
        report.notes.append(depth_note(ctx))
        if speed:
            start("speed")
            report.notes.append(speed_note(ctx))
    return report
