"""The checks of a Value class: values, gradients, and the classic mistakes of each chapter.

Every check takes a :class:`~scalargrad.check.context.Context` and returns one
:class:`~scalargrad.check.report.Result`. Nothing here starts a process or reads a
file, so the same checks run in a subprocess or in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scalargrad.check import chapters, exprs
from scalargrad.check.chapters import OPS, chapter_of
from scalargrad.check.context import Context, close, has
from scalargrad.check.exprs import Expr
from scalargrad.check.learner import describe_exception
from scalargrad.check.remote import attributes, is_set, overrides
from scalargrad.check.report import FAILED, PASSED, SKIPPED, Result
from scalargrad.check.shrink import shrink
from scalargrad.engine import Value as Reference

__all__ = ["CH4", "NEURON", "NEURON_EXP", "grads_with", "ops_in"]

A, B, C = ("x", 0), ("x", 1), ("x", 2)


def grads_with(cls: type, expr: Expr, xs: Sequence[float]) -> tuple[Any, list[Any]]:
    """Build ``expr`` on fresh ``cls`` leaves and call backward(): the output, the leaves' grads."""
    leaves = [cls(x) for x in xs]
    out = exprs.build(expr, leaves)
    out.backward()
    return out, [leaf.grad for leaf in leaves]


def with_values(expr: Expr, xs: Sequence[float]) -> str:
    """``a + b`` with a = 2.0, b = 3.0: an expression and its inputs, for a message."""
    used = sorted(exprs.leaf_uses(expr))
    inputs = ", ".join(f"{exprs.NAMES[i]} = {xs[i]!r}" for i in used)
    return f"`{exprs.render(expr)}` with {inputs}"


def ops_in(expr: Expr) -> set[str]:
    """The names of the operations an expression uses."""
    if expr[0] == "x":
        return set()
    found = {expr[0]}
    for a in expr[1:]:
        if isinstance(a, tuple):
            found |= ops_in(a)
    return found


def passed(note: str = "") -> Result:
    """A passed check (the runner gives each result its check's title)."""
    return Result("", PASSED, note)


def failed(message: str, chapter: int | None, example: str = "") -> Result:
    """A failed check: what it saw, the chapter that explains it, the smallest example."""
    return Result("", FAILED, message, example, chapter)


def skipped(why: str) -> Result:
    """A check that could not run, and why."""
    return Result("", SKIPPED, why)


def problem(ctx: Context, expr: Expr, xs: Sequence[float]) -> str:
    """How the learner's engine gets ``expr`` wrong, or "" when it gets it right."""
    try:
        out, got = grads_with(ctx.Value, expr, xs)
    except Exception as exc:
        return describe_exception(exc)
    ref_out, want = grads_with(Reference, expr, xs)
    if not close(getattr(out, "data", None), ref_out.data):
        return f"the output's data is {getattr(out, 'data', None)!r}, expected {ref_out.data!r}"
    nudged = exprs.gradients(expr, xs)
    bad = [i for i in sorted(exprs.leaf_uses(expr)) if not close(got[i], want[i])]
    return "; ".join(f"{exprs.NAMES[i]}.grad is {got[i]!r}, expected {want[i]!r} (nudging "
                     f"{exprs.NAMES[i]} gives {nudged[i]:.6g})" for i in bad)


def check_interface(ctx: Context) -> Result:
    """Value(2) holds data 2.0 and grad 0."""
    try:
        v = ctx.Value(2.0)
    except TypeError as exc:
        return failed(f"Value(2.0) raised TypeError: {exc}. A Value is made "
                      "from its number: `def __init__(self, data):` stores it in self.data. "
                      f"See chapter {chapters.FIRST}.", chapters.FIRST)
    data, grad = getattr(v, "data", None), getattr(v, "grad", None)
    if not close(data, 2.0):
        return failed(f"Value(2.0).data is {data!r}, expected 2.0: __init__ should "
                      "store the number in self.data.", chapters.FIRST)
    if not close(grad, 0.0):
        return failed(f"Value(2.0).grad is {grad!r}, expected 0.0: a fresh Value "
                      "has no gradient yet (self.grad = 0.0 in __init__).", chapters.FIRST)
    return passed()


def check_operations(ctx: Context) -> Result:
    """Every operation (and backward) that the chapter has added exists."""
    lines = []
    for name in ctx.missing:
        op = OPS[name]
        if name in exprs.REFLECTED:
            lines.append(f"`{op.example}` needs `{op.method}`: when the left operand is a plain "
                         f"number, Python asks the Value on the right. See chapter {op.chapter}.")
        else:
            lines.append(f"Value has no `{op.method}` ({op.example}): chapter {op.chapter} "
                         "adds it.")
    if ctx.wants(chapters.BACKWARD) and ctx.chapter is not None \
            and not has(ctx.Value, "backward"):
        lines.append(f"Value has no backward() method: chapter {chapters.BACKWARD} adds it.")
    if lines:
        ctx.wrong |= set(ctx.missing)
        return failed("\n".join(lines), None)
    return passed()


POINTS = (0.5, -1.5)  # a and b in the one-operation checks: no symmetry hides a mistake


def single(name: str) -> list[Expr]:
    """The one-operation expressions that exercise ``name``."""
    if name in exprs.UNARY:
        return [(name, A)]
    if name in exprs.POWER:
        return [(name, A, 2), (name, A, 3)]
    if name in exprs.REFLECTED:
        return [(name, 2.0, A)]
    return [(name, A, B), (name, A, 3.0)]


def check_values(ctx: Context) -> Result:
    """Each operation's result, against scalargrad's engine."""
    for name in ctx.ops:
        for expr in single(name):
            for xs in (POINTS, (2.0, 0.75)):
                got = getattr(exprs.build(expr, [ctx.Value(x) for x in xs]), "data", None)
                want = exprs.value(expr, xs)
                if not close(got, want):
                    ctx.wrong.add(name)
                    op = OPS[name]
                    return failed(f"{with_values(expr, xs)} gives data {got!r}, "
                                  f"expected {want!r}. Look at how `{op.method}` computes its "
                                  f"result. See chapter {chapter_of(name)}.", chapter_of(name))
    return passed()


def check_children(ctx: Context) -> Result:
    """a * b records a and b as its children in ``_prev``."""
    a, b = ctx.Value(2.0), ctx.Value(-3.0)
    for sign, name in (("*", "mul"), ("+", "add")):
        if name not in ctx.ops:
            continue
        out = exprs.build((name, A, B), [a, b])
        prev = getattr(out, "_prev", None)
        if prev is None:
            return failed(f"`a {sign} b` has no `_prev`: a Value keeps the values "
                          "it was computed from (its children) in self._prev. See chapter "
                          f"{chapters.FIRST}.", chapters.FIRST)
        if sorted(map(id, prev)) != sorted([id(a), id(b)]):
            return failed(f"`(a {sign} b)._prev` should hold a and b, the two "
                          f"operands, and nothing else; it holds {_describe(prev)}. See "
                          f"chapter {chapters.FIRST}.", chapters.FIRST)
    if ctx.gradients:
        why = identity_problem(ctx)
        if why:
            ctx.wrong.add("identity")
            return failed(why, chapters.BACKWARD)
    return passed()


def _gradients_wrong(ctx: Context) -> bool:
    """True when any small probe (one operation, or a node used twice) gets a wrong gradient."""
    probes = [(e, POINTS) for n in ctx.ops for e in single(n)
              if exprs.well_behaved(e, POINTS)] + list(TWICE)
    for expr, xs in probes:
        try:
            if mismatch(ctx, expr, xs):
                return True
        except Exception:  # the checks that follow show the learner's exception
            return False
    return False


def identity_problem(ctx: Context) -> str:
    """Why a node can stand in for another in a set, when that breaks a gradient; else ""."""
    a, b = ctx.Value(3.0), ctx.Value(-3.0)
    twin = ctx.Value(3.0)
    overridden = [m for m in ("__eq__", "__hash__") if overrides(ctx.Value, m)]
    if overridden and _same(a, twin) and _gradients_wrong(ctx):
        return (f"two different Values with the same data count as one node: Value defines "
                f"{' and '.join(f'`{m}`' for m in overridden)} by data, so a set of children "
                "or the visited set of backward() takes one for the other, and a node drops "
                "out of the backward pass. Values must compare by identity: remove "
                f"`__eq__` and `__hash__`. See chapter {chapters.BACKWARD}.")
    out = exprs.build(("mul", A, B), [a, b])
    prev = getattr(out, "_prev", None)
    stored = [k for k, v in attributes(out).items() if k != "_prev"
              and isinstance(v, (tuple, list)) and len(v) == 2
              and all(isinstance(x, (int, float)) for x in v)]
    if is_set(prev) and stored and _gradients_wrong(ctx):
        return (f"`_prev` is a set, and the local derivatives are stored in order, in "
                f"`{stored[0]}`: a set has no order (and keeps `a` once in `a + a`), so pairing "
                f"`_prev` with `{stored[0]}` gives a child another's derivative. Keep the "
                "children in a tuple, in the order of their local derivatives (a set is fine "
                "with one `_backward` closure per operation, as in the lecture). See chapter "
                f"{chapters.BACKWARD}.")
    return ""


def _same(a: Any, b: Any) -> bool:
    """True when a set takes two distinct nodes for one (equal, and hashed alike)."""
    try:
        return len({a, b}) == 1
    except Exception:  # unhashable, or a == b that is not a truth value
        return False


def _describe(prev: Any) -> str:
    """What a ``_prev`` holds, without the learner's reprs (they may show addresses)."""
    items = list(prev)
    return f"{len(items)} value" + ("" if len(items) == 1 else "s")


def hidden_methods(ctx: Context, names: Sequence[str]) -> list[str]:
    """The methods of ``names`` that a fresh Value hides behind an instance attribute."""
    try:
        own = attributes(ctx.Value(1.0))
    except Exception:  # the interface check shows the learner's exception
        return []
    return [n for n in names if n in own and has(ctx.Value, n)]


def hidden_message(name: str) -> str:
    """Why a method the class defines is never called: __init__ hides it."""
    return (f"a fresh Value has an attribute `{name}` of its own (set in `__init__`, such "
            f"as `self.{name} = lambda: None`), and an attribute of the instance hides "
            f"the method `{name}()` of the class: `v.{name}()` calls the attribute, never "
            f"the method. Give the attribute another name (the lecture's is `_backward`).")


def check_seed(ctx: Context) -> Result:
    """backward() starts by setting the output's grad to 1, and changes no ``.data``."""
    if hidden_methods(ctx, ["backward"]):
        ctx.wrong.add("seed")
        return failed(hidden_message("backward") + f" See chapter {chapters.BACKWARD}.",
                      chapters.BACKWARD)
    leaves = [ctx.Value(2.0), ctx.Value(-3.0)]
    out = exprs.build(("mul", A, B), leaves)
    out.backward()
    moved = [f"{n}.data became {v.data!r}" for n, v, was in
             zip("aby", [*leaves, out], (2.0, -3.0, -6.0), strict=True) if not close(v.data, was)]
    if moved:
        ctx.wrong.add("seed")
        return failed(f"after y.backward() on y = a * b (a = 2.0, b = -3.0), "
                      f"{', '.join(moved)}: backward() changed `.data`. It only fills in "
                      "`.grad`; changing the data is a separate step of training, after "
                      f"backward() (chapter {chapters.TRAINING}). See chapter "
                      f"{chapters.BACKWARD}.", chapters.BACKWARD,
                      "`a * b` with a = 2.0, b = -3.0")
    if not close(out.grad, 1.0):
        ctx.wrong.add("seed")
        return failed(f"after y.backward() on y = a * b, y.grad is "
                      f"{out.grad!r}, expected 1.0 (dy/dy = 1). backward() must set "
                      "self.grad = 1 before it walks back; without it every gradient stays 0. "
                      f"See chapter {chapters.BACKWARD}.", chapters.BACKWARD,
                      "`a * b` with a = 2.0, b = -3.0")
    return passed()


def mismatch(ctx: Context, expr: Expr, xs: Sequence[float]) -> str:
    """What is wrong in the learner's gradients of ``expr``, or "" when they are right."""
    _, got = grads_with(ctx.Value, expr, xs)
    _, want = grads_with(Reference, expr, xs)
    bad = [i for i in sorted(exprs.leaf_uses(expr)) if not close(got[i], want[i])]
    if not bad:
        return ""
    return ", ".join(f"{exprs.NAMES[i]}.grad is {got[i]!r}, expected {want[i]!r}" for i in bad)


def inner_nodes(ctx: Context, expr: Expr, xs: Sequence[float]) -> int:
    """How many operation nodes the learner's graph of ``expr`` has besides its output."""
    leaves = [ctx.Value(x) for x in xs]
    out = exprs.build(expr, leaves)
    seen, stack, count = {id(out)}, list(getattr(out, "_prev", ())), 0
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children = list(getattr(node, "_prev", ()))
        count += bool(children)
        stack.extend(children)
    return count


def check_local_derivatives(ctx: Context) -> Result:
    """Each operation on its own passes the right gradient to its inputs.

    An operation built from others (``a / b`` as ``a * b**-1``) is named after them: the
    report names first the operation whose own rule is wrong.
    """
    found = []
    for name in ctx.ops:
        for expr in single(name):
            points = [xs for xs in (POINTS, POINTS[::-1]) if exprs.well_behaved(expr, xs)]
            xs = next((xs for xs in points if mismatch(ctx, expr, xs)), None)
            if xs is not None:
                found.append((inner_nodes(ctx, expr, xs), name, expr, xs))
                break
    if not found:
        return passed()
    ctx.wrong |= {name for _, name, _, _ in found}
    found.sort(key=lambda f: f[0] > 0)  # operations of one node first: the others use them
    _, name, expr, xs = found[0]
    also = [OPS[n].example + (" (built from others)" if inner else "")
            for inner, n, _, _ in found[1:]]
    more = f" Also wrong: {', '.join(also)}." if also else ""
    return failed(local_cause(ctx, expr, xs) + more, chapter_of(name),
                  with_values(expr, xs))


def local_cause(ctx: Context, expr: Expr, xs: Sequence[float]) -> str:
    """What is wrong with one operation's gradient: never attached, swapped, or the rule."""
    op = OPS[expr[0]]
    _, got = grads_with(ctx.Value, expr, xs)
    _, want = grads_with(Reference, expr, xs)
    used = sorted(exprs.leaf_uses(expr))
    wrong = mismatch(ctx, expr, xs)
    closures = callable(getattr(ctx.Value(1.0), "_backward", None))
    how = grad_dependence(ctx, expr, xs)
    if how == "reads":
        return (f"the gradient through `{op.example}` is wrong: {wrong}, and what it passes "
                "back changes with the `.grad` its inputs already hold: its `_backward` uses "
                f"`.grad` where it needs `.data` (the inputs' values). Look at `{op.method}`. "
                f"See chapter {chapter_of(op.name)}.")
    if all(close(got[i], 0.0) for i in used) and not all(close(want[i], 0.0) for i in used) \
            and closures:
        return (f"the gradient through `{op.example}` never arrives: {wrong}. Its `_backward` "
                f"is never attached (or never called): `{op.method}` must set "
                "`out._backward = _backward` before it returns out, as the other operations "
                f"do. See chapter {chapters.BACKWARD}.")
    swapped = zip(used, used[::-1], strict=True)
    if len(used) == 2 and all(close(got[i], want[j]) for i, j in swapped):
        return (f"the two local derivatives of `{op.example}` are swapped: {wrong}, each "
                f"input got the other's ({op.rule}). Look at `{op.method}`. See chapter "
                f"{chapter_of(op.name)}.")
    return (f"the gradient through `{op.example}` is wrong: {wrong} ({op.rule}). Look at the "
            f"local derivative in `{op.method}`. See chapter {chapter_of(op.name)}.")


def grad_dependence(ctx: Context, expr: Expr, xs: Sequence[float]) -> str:
    """How an operation's backward treats the grads its inputs already hold.

    "adds" when it adds the same amount whatever they hold (right), "overwrites" when
    the inputs end with the same grad whatever they held (``=`` for ``+=``), "reads"
    when what it adds changes with them (``.grad`` used where ``.data`` is needed).
    """
    used = sorted(exprs.leaf_uses(expr))
    added = []
    for preset in (0.0, 0.25, 4.0):
        leaves = [ctx.Value(x) for x in xs]
        try:
            for i in used:
                leaves[i].grad = preset
            exprs.build(expr, leaves).backward()
            added.append([float(leaves[i].grad) - preset for i in used])
        except Exception:  # a grad that cannot be set or is not a number: no conclusion
            return "unknown"
    if all(close(a, b) for later in added[1:] for a, b in zip(later, added[0], strict=True)):
        return "adds"
    ends = [[a + p for a in row] for row, p in zip(added, (0.0, 0.25, 4.0), strict=True)]
    if all(close(a, b) for later in ends[1:] for a, b in zip(later, ends[0], strict=True)):
        return "overwrites"
    return "reads"


ORDER = ("mul", ("mul", A, B), C)  # (a * b) * c: the inner product must wait for the outer one
D = ("mul", A, B)  # d = a * b, an inner node used twice below
SHARED = [  # an inner node with two users: the topological walk must visit it once, after both
    (("mul", ("add", D, 1.0), ("mul", D, 2.0)), (2.0, 3.0)),  # (d + 1) * (d * 2)
    (("mul", D, ("tanh", ("add", D, 1.0))), (0.5, -1.5)),  # d * (d + 1).tanh()
]


def right_alone(ctx: Context, name: str) -> bool:
    """True when operation ``name`` on its own gets its gradients right."""
    return not any(mismatch(ctx, e, xs) for e in single(name)
                   for xs in (POINTS, POINTS[::-1]) if exprs.well_behaved(e, xs))


def _shared_cases(ctx: Context) -> list[tuple[Expr, tuple[float, ...]]]:
    """The shared-node expressions of operations that are right on their own."""
    return [(e, xs) for e, xs in SHARED if ops_in(e) <= set(ctx.ops)
            and all(right_alone(ctx, n) for n in ops_in(e))]


def check_order(ctx: Context) -> Result:
    """The backward pass visits a node only after every node that uses it, once."""
    xs = (2.0, 3.0, 4.0)
    if not all(right_alone(ctx, n) for n in ("mul", "add") if n in ctx.ops):
        return skipped("not run: `a * b` or `a + b` alone gets a wrong gradient "
                       "(see local derivatives below).")
    _, got = grads_with(ctx.Value, ORDER, xs)
    _, want = grads_with(Reference, ORDER, xs)
    if not all(close(g, w) for g, w in zip(got, want, strict=True)):
        ctx.wrong.add("order")
        if close(got[2], want[2]) and close(got[0], 0.0) and close(got[1], 0.0):
            return failed(f"a.grad and b.grad stayed 0 (expected {want[0]!r} and "
                          f"{want[1]!r}) while c.grad is right: the inner `a * b` passed its "
                          "gradient on before it had received one. backward() must call "
                          "_backward() on the nodes in reversed topological order. See "
                          f"chapter {chapters.BACKWARD}.", chapters.BACKWARD,
                          with_values(ORDER, xs))
        return failed(f"{mismatch(ctx, ORDER, xs)}: the nodes must be visited in "
                      "reversed topological order, each after every node that uses it. See "
                      f"chapter {chapters.BACKWARD}.", chapters.BACKWARD, with_values(ORDER, xs))
    if not accumulates(ctx):
        return passed()  # a shared node also needs +=: the next check says so
    for expr, sxs in _shared_cases(ctx):
        if mismatch(ctx, expr, sxs):
            ctx.wrong |= {"order", "shared"}
            _, want = grads_with(Reference, expr, sxs)
            return failed(f"a.grad and b.grad are wrong (expected {want[0]!r} and "
                          f"{want[1]!r}; what they get may change from run to run, with the "
                          "order of a set). The inner node d = a * b is used twice: "
                          "backward() must call its _backward() once, after both of its users "
                          "have passed it their gradients. A topological sort needs its "
                          "`visited` set (without it, d is listed, and walked, twice), and "
                          "backward() must walk that order reversed, not breadth first. See "
                          f"chapter {chapters.BACKWARD}.", chapters.BACKWARD,
                          with_values(expr, sxs))
    return passed()


TWICE = [  # a node used twice, smallest first; the diamond is the accumulation bug's example
    (("add", A, A), (3.0,)),
    (("mul", A, A), (3.0,)),
    (("mul", ("mul", A, B), ("add", A, B)), (-2.0, 3.0)),
    (("mul", ("add", A, B), ("mul", A, B)), (-2.0, 3.0)),
]


def accumulates(ctx: Context) -> bool:
    """True when an input used twice collects both gradients (``a + a``, ``a * a``)."""
    return not any(mismatch(ctx, e, xs) for e, xs in TWICE[:2])


def check_used_twice(ctx: Context) -> Result:
    """A node used twice collects the gradients of both paths: an input, or an inner node."""
    if not all(right_alone(ctx, n) for n in ("mul", "add") if n in ctx.ops):
        return skipped("not run: `a * b` or `a + b` alone gets a wrong "
                       "gradient (see local derivatives below).")
    if has(ctx.Value, "_backward"):  # the book's design: one _backward for every operation
        where = "Value._backward (`child.grad += local * self.grad`)"
    elif callable(getattr(ctx.Value(1.0), "_backward", None)):  # the lecture's closures
        where = "the _backward of `{}`"
    else:
        where = "the backward pass, for `{}`,"
    for expr, xs in TWICE + ([] if accumulates(ctx) else _shared_cases(ctx)):
        _, got = grads_with(ctx.Value, expr, xs)
        _, want = grads_with(Reference, expr, xs)
        if all(close(g, w) for g, w in zip(got, want, strict=True)):
            continue
        ctx.wrong.add("used twice")
        example = with_values(expr, xs)
        if len(xs) == 1 and close(got[0], want[0] / 2):
            op = OPS[expr[0]]
            return failed(f"a node used twice got half its gradient: "
                          f"a.grad is {got[0]!r}, expected {want[0]!r}. Does "
                          f"{where.format(op.method)} use `=` where it should use `+=`? See "
                          f"chapter {chapters.ACCUMULATE}.", chapters.ACCUMULATE, example)
        return failed(f"{mismatch(ctx, expr, xs)}: a node that reaches "
                      "the output along two paths must collect the sum of both. Does the backward "
                      "pass use `=` where it should use `+=`? See chapter "
                      f"{chapters.ACCUMULATE}.", chapters.ACCUMULATE, example)
    return overwriting(ctx)


def overwriting(ctx: Context) -> Result:
    """Each operation, right alone, on an input that is also used once more: ``op(a) + a``."""
    for name in ctx.ops:
        for expr in single(name)[:1]:
            twice = ("add", expr, A)
            xs = next((p for p in (POINTS, POINTS[::-1]) if exprs.well_behaved(twice, p)
                       and not mismatch(ctx, expr, p)), None)
            if xs is None or not mismatch(ctx, twice, xs) or inner_nodes(ctx, expr, xs):
                continue
            ctx.wrong |= {"used twice", name}
            op = OPS[name]
            how = grad_dependence(ctx, expr, xs)
            why = (f"the _backward of `{op.method}` sets its input's grad with `=` where it "
                   "should add to it with `+=`" if how == "overwrites" else
                   f"look at how the _backward of `{op.method}` adds to its input's grad")
            return failed(f"`{exprs.render(expr)}` alone is right, and so is `a + a`, but in "
                          f"`{exprs.render(twice)}` {mismatch(ctx, twice, xs)}: {why} (a "
                          "node used twice must collect the gradients of both uses). See "
                          f"chapter {chapters.ACCUMULATE}.", chapters.ACCUMULATE,
                          with_values(twice, xs))
    return passed()


def cause(ctx: Context, expr: Expr, xs: Sequence[float] | None = None) -> str:
    """The likely cause of a wrong gradient in ``expr``, from what the other checks found."""
    wrong = [OPS[n].example for n in sorted(ops_in(expr)) if n in ctx.wrong]
    if wrong:
        return f"Probably the same mistake as above, in `{'`, `'.join(wrong)}`."
    if {"seed", "order", "used twice"} & ctx.wrong:
        return "Probably the same mistake as above."
    used = ops_in(expr)
    if len(used) == 1:
        op = OPS[used.pop()]
        if xs is not None and _built_from_others(ctx, expr, xs):
            return (f"Only `{op.example}` is involved, and the engine builds it from other "
                    "operations (its graph has nodes in between): the mistake is in one of "
                    f"them or in `{op.method}`, for these numbers; the one-operation checks "
                    "above used other ones.")
        return (f"Only `{op.example}` is involved: look at `{op.method}` for these numbers "
                f"({op.rule}); the one-operation checks above used other ones.")
    if any(n > 1 for n in exprs.leaf_uses(expr).values()):
        return ("An input used twice must collect the gradients of both uses (`+=`, chapter "
                f"{chapters.ACCUMULATE}), after every node that uses it has passed its part "
                f"(chapter {chapters.BACKWARD}).")
    names = ", ".join(f"`{OPS[n].example}`" for n in sorted(ops_in(expr)))
    return f"Look at the local derivatives of {names} and the order of the backward pass."


def _built_from_others(ctx: Context, expr: Expr, xs: Sequence[float]) -> bool:
    """True when the learner's graph of ``expr`` has more operation nodes than ``expr``."""
    try:
        return inner_nodes(ctx, expr, xs) > _nodes(expr) - 1
    except Exception:  # the other checks show the learner's exception
        return False


def _nodes(expr: Expr) -> int:
    """How many operation nodes ``expr`` has (a repeated sub-expression counts once)."""
    found: set[Expr] = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e[0] != "x" and e not in found:
            found.add(e)
            stack += [a for a in e[1:] if isinstance(a, tuple)]
    return len(found)


CH4 = ("mul", ("add", ("mul", A, B), C), ("x", 3))  # L = (a * b + c) * f
CH4_XS = (2.0, -3.0, 10.0, -2.0)
NEURON = ("tanh", ("add", ("add", ("mul", A, B), ("mul", C, ("x", 3))), ("x", 4)))
NEURON_XS = (2.0, -3.0, 0.0, 1.0, 6.8813735870195432)  # x1, w1, x2, w2, b
N_SUM = NEURON[1]
E2N = ("exp", ("rmul", 2.0, N_SUM))
NEURON_EXP = ("div", ("sub", E2N, 1.0), ("add", E2N, 1.0))  # (e - 1) / (e + 1), e = exp(2n)


def example_check(ctx: Context, expr: Expr, xs: Sequence[float], names: str,
                  chapter: int) -> Result:
    """A worked example of the book: its value, and its gradients once backward() exists."""
    out = exprs.build(expr, [ctx.Value(x) for x in xs])
    want = exprs.value(expr, xs)
    data = getattr(out, "data", None)
    labels = names.split()
    if not close(data, want):
        return failed(f"the output's data is {data!r}, expected {want!r}. "
                      + cause(ctx, expr), chapter)
    if not ctx.gradients:
        return passed()
    _, got = grads_with(ctx.Value, expr, xs)
    _, ref = grads_with(Reference, expr, xs)
    bad = [f"{labels[i]}.grad is {got[i]!r}, expected {ref[i]!r}"
           for i in range(len(xs)) if not close(got[i], ref[i])]
    if not bad:
        return passed()
    example = ""
    if not ctx.wrong:  # a mistake no earlier check saw: find the smallest expression with it
        small, sxs = shrink(expr, xs, lambda e, v: bool(problem(ctx, e, v)))
        example = with_values(small, sxs)
    return failed("; ".join(bad) + ". " + cause(ctx, expr), chapter, example)


def check_chapter4(ctx: Context) -> Result:
    """Backpropagation by hand's L = (a * b + c) * f, with a = 2, b = -3, c = 10, f = -2."""
    return example_check(ctx, CH4, CH4_XS, "a b c f", 4)


def check_neuron(ctx: Context) -> Result:
    """The neuron chapter's o = tanh(x1*w1 + x2*w2 + b)."""
    return example_check(ctx, NEURON, NEURON_XS, "x1 w1 x2 w2 b", chapter_of("tanh"))


def check_neuron_exp(ctx: Context) -> Result:
    """The neuron of More operations, tanh written out as (e - 1) / (e + 1), e = exp(2n)."""
    return example_check(ctx, NEURON_EXP, NEURON_XS, "x1 w1 x2 w2 b", chapter_of("exp"))
