"""Property-based tests: random expression graphs over every operator.

Hypothesis draws a *program*: a few leaves, then a list of steps, each applying
one operator to nodes picked from everything built so far, so leaves get reused
and subexpressions get shared. Operands are picked only where the operator is
smooth and defined (log of positive numbers, division away from zero, relu
away from its kink), so that finite differences are a fair referee.

The budget comes from the hypothesis profile (tests/conftest.py): ``ci`` by
default, ``HYPOTHESIS_PROFILE=thorough`` (``make proptest``) for 2000 programs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scalargrad import Value, build_topo
from scalargrad.numeric import gradient_check


# --8<-- [start:operators]
def positive(x: float) -> bool:
    return x >= 0.1


def away_from_zero(x: float) -> bool:
    return abs(x) >= 0.1


def away_from_kink(x: float) -> bool:
    return abs(x) >= 0.05


def anything(x: float) -> bool:
    return True


@dataclass(frozen=True)
class Operator:
    """One operation, how to apply it, and which operand values it may take."""

    name: str
    apply: Callable[..., object]  # works on Values and on torch tensors alike
    domains: tuple[Callable[[float], bool], ...]  # one test per operand
    template: str  # how a step prints: {0}, {1} are the operands


OPERATORS = [
    Operator("add", lambda a, b: a + b, (anything, anything), "{0} + {1}"),
    Operator("sub", lambda a, b: a - b, (anything, anything), "{0} - {1}"),
    Operator("mul", lambda a, b: a * b, (anything, anything), "{0} * {1}"),
    Operator("div", lambda a, b: a / b, (anything, away_from_zero),
             "{0} / {1}"),
    Operator("neg", lambda a: -a, (anything,), "-{0}"),
    Operator("add-number", lambda a: a + 1.5, (anything,), "{0} + 1.5"),
    Operator("number-sub", lambda a: 2 - a, (anything,), "2 - {0}"),
    Operator("number-mul", lambda a: -3 * a, (anything,), "-3 * {0}"),
    Operator("number-div", lambda a: 2 / a, (away_from_zero,), "2 / {0}"),
    Operator("square", lambda a: a**2, (anything,), "{0} ** 2"),
    Operator("cube", lambda a: a**3, (anything,), "{0} ** 3"),
    Operator("pow-0", lambda a: a**0, (anything,), "{0} ** 0"),
    Operator("reciprocal", lambda a: a**-1, (away_from_zero,), "{0} ** -1"),
    Operator("pow-minus-2", lambda a: a**-2, (away_from_zero,), "{0} ** -2"),
    Operator("sqrt", lambda a: a**0.5, (positive,), "{0} ** 0.5"),
    Operator("pow-1.5", lambda a: a**1.5, (positive,), "{0} ** 1.5"),
    Operator("tanh", lambda a: a.tanh(), (anything,), "{0}.tanh()"),
    Operator("exp", lambda a: a.exp(), (lambda x: x <= 3,), "{0}.exp()"),
    Operator("log", lambda a: a.log(), (positive,), "{0}.log()"),
    Operator("relu", lambda a: a.relu(), (away_from_kink,), "{0}.relu()"),
    Operator("sigmoid", lambda a: a.sigmoid(), (anything,), "{0}.sigmoid()"),
]
# --8<-- [end:operators]

BOUND = 10.0  # operands stay within ±BOUND, so every node stays within ±1000


@dataclass(frozen=True)
class Step:
    op: Operator
    args: tuple[int, ...]  # indices of earlier nodes: leaves first, then steps


@dataclass(frozen=True)
class Program:
    """Leaves and steps; ``run`` replays them on Values or on torch tensors."""

    leaves: tuple[float, ...]
    steps: tuple[Step, ...]

    def run(self, inputs: Sequence) -> list:
        """Every node, leaves first; the inputs stand in for the leaves."""
        nodes = list(inputs)
        for step in self.steps:
            nodes.append(step.op.apply(*(nodes[i] for i in step.args)))
        return nodes

    def sinks(self) -> list[int]:
        """The nodes no step uses: their sum is the program's output."""
        used = {i for step in self.steps for i in step.args}
        n = len(self.leaves) + len(self.steps)
        return [i for i in range(len(self.leaves), n) if i not in used] or [0]

    def output(self, *inputs):
        nodes = self.run(inputs)
        out = nodes[self.sinks()[0]]
        for i in self.sinks()[1:]:
            out = out + nodes[i]
        return out

    def __repr__(self) -> str:
        lines = [f"v{i} = {x!r}" for i, x in enumerate(self.leaves)]
        for k, step in enumerate(self.steps, start=len(self.leaves)):
            operands = [f"v{i}" for i in step.args]
            lines.append(f"v{k} = " + step.op.template.format(*operands))
        lines.append("out = " + " + ".join(f"v{i}" for i in self.sinks()))
        return "Program:\n    " + "\n    ".join(lines)


# --8<-- [start:expression-strategy]
@st.composite
def programs(draw, max_leaves: int = 4, max_steps: int = 12) -> Program:
    """A random expression graph. Each step applies one operator to nodes drawn
    from all the nodes so far, so leaves are reused and subexpressions shared.
    Operands are picked only where the operator is defined and smooth."""
    n_leaves = draw(st.integers(1, max_leaves))
    leaf = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    leaves = tuple(draw(leaf) for _ in range(n_leaves))
    values = [Value(x) for x in leaves]  # running the program as we draw it
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(OPERATORS))
        args = []
        for allowed in op.domains:
            fits = [i for i, v in enumerate(values)
                    if abs(v.data) <= BOUND and allowed(v.data)]
            if not fits:
                break
            deepen = draw(st.booleans())  # half the time, build on the newest
            args.append(fits[-1] if deepen else draw(st.sampled_from(fits)))
        else:
            steps.append(Step(op, tuple(args)))
            values.append(op.apply(*(values[i] for i in args)))
    return Program(leaves, tuple(steps))
# --8<-- [end:expression-strategy]


def max_magnitude(program: Program) -> float:
    """The largest |data| of any node: the scale of the rounding in the output."""
    return max(abs(v.data) for v in program.run([Value(x) for x in program.leaves]))


# --8<-- [start:property-finite-differences]
@given(programs())
def test_gradients_match_finite_differences(program):
    # Rounding in f is about 1e-16 * scale; a central difference divides it
    # by h = 1e-6.
    atol = 1e-8 * (1.0 + max_magnitude(program))
    check = gradient_check(program.output, program.leaves, rtol=1e-5, atol=atol)
    assert check.ok, f"{program}\n{check}"
# --8<-- [end:property-finite-differences]


def contribution_scale(out: Value) -> float:
    """The largest single term ``local * grad`` pushed during backward: sums of such
    terms in a different order (PyTorch's) differ by a few ulps of this."""
    return max(
        (abs(local * node.grad) for node in build_topo(out) for local in node._local),
        default=1.0,
    )


@given(programs())
def test_gradients_match_pytorch(torch, program):
    values = [Value(x) for x in program.leaves]
    out = program.output(*values)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    t_out = program.output(*tensors)
    if t_out.requires_grad:  # False only when the output ignores every leaf (x ** 0)
        t_out.backward()
    theirs = [0.0 if t.grad is None else t.grad.item() for t in tensors]
    ours = [v.grad for v in values]
    scale = 1.0 + contribution_scale(out)
    assert out.data == pytest.approx(t_out.item(), rel=1e-9, abs=1e-12 * (1.0 + abs(out.data)))
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12 * scale), str(program)


@given(programs())
def test_build_topo_puts_children_first_and_each_node_once(program):
    out = program.output(*(Value(x) for x in program.leaves))
    topo = build_topo(out)
    position = {id(node): i for i, node in enumerate(topo)}
    assert len(position) == len(topo)
    assert topo[-1] is out
    for node in topo:
        assert all(position[id(child)] < position[id(node)] for child in node._prev)
    reachable, stack = set(), [out]
    while stack:
        node = stack.pop()
        if id(node) not in reachable:
            reachable.add(id(node))
            stack.extend(node._prev)
    assert reachable == set(position)


@given(programs())
def test_backward_twice_doubles_the_leaf_gradients(program):
    values = [Value(x) for x in program.leaves]
    out = program.output(*values)
    assume(out._prev)  # backward() on a bare leaf sets its grad to 1 rather than adding 1
    out.backward()
    once = [v.grad for v in values]
    out.backward()
    twice = [v.grad for v in values]
    # The second pass adds the same terms onto a non-zero start: equal up to rounding.
    expected = [2 * g for g in once]
    assert twice == pytest.approx(expected, rel=1e-12, abs=1e-15 * contribution_scale(out))
